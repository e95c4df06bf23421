"""Find relations: rules from `rules/relations.yml` on entity pairs, and the briefing's layout.

Fifth step of the pipeline. Two kinds of rules, each with a stable id that ends up in the
evidence record:
- pair rules (data, in YAML): two entities of one sentence and the words between them;
- layout rules (here, because they read the layout, not words): an item's "Issuing bodies"
  field issues its documents (`issued_by.field`), sectors and programmes named in a document's
  title or summary are its targets (`targets_sector.*`, `part_of.*`), and an agency that issues a
  programme's document administers the programme (`administers.issuer`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc

from extract.documents import DocumentMention
from extract.entities import Mention
from extract.funding import funding_relations
from extract.lexicon import CLASSES, RuleFileError, load_rules, rules_path
from extract.literals import CaseFolded, LiteralFilter, lower_case_twin
from extract.segment import Sentences
from extract.values import DocValues
from ontology.vocabulary import VOCABULARY

RELATIONS = VOCABULARY.relation_names
_MAX_BETWEEN = 400
_CONTEXT = 400  # how far `before` and `after` patterns look: a sentence may be a whole run-on page
_MAX_MEMBERS = 12  # a list longer than this is a catalogue, not the parties of one deal
_NOUN_REACH = 3  # "the company" may stand for the subject of up to three sentences back
# A sector named as a means ("using AI, 5G and ...") is a tool of the policy, not its target; one
# named as a user of its products ("demand in various sectors, for instance transportation") or a
# field of application ("applications for biotech advances in fields like agriculture") neither.
_MEANS = CaseFolded(re.compile(r"\b(?:using|utili[sz]ing|through|adopt\w*|application of|apply\w*|integrat\w*|"
                               r"by|via|demand|downstream|customers|fields like)\b[^.;:]{0,80}$", re.IGNORECASE))


@dataclass(frozen=True)
class PairRule:
    """One rule of `relations.yml`, compiled."""

    id: str
    relation: str
    first: frozenset[str]
    last: frozenset[str]
    head: str
    between: re.Pattern
    after: re.Pattern | None
    confidence: float
    example: str
    nearest: bool = False
    more_examples: tuple[str, ...] = ()
    before: re.Pattern | None = None  # searched in the sentence's text before the first entity
    distribute: str = ""  # "first", "last" or "both": the rule holds for every member of that side's list
    among: bool = False  # and between the members of that list ("an alliance with A and B": A and B too)
    between_lower: re.Pattern | None = None  # `between` for ASCII text in lower case (`extract.literals.lower_case_twin`)


class FoundRelation(NamedTuple):
    """A relation between two local entity keys, with the character span of its evidence."""

    head: str
    relation: str
    tail: str
    start: int
    end: int
    rule: str
    confidence: float


def _classes(value) -> frozenset[str]:
    return frozenset([value] if isinstance(value, str) else value)


@lru_cache(maxsize=1)
def load_pair_rules() -> tuple[PairRule, ...]:
    """Compile the pair rules, refusing unknown relations, classes and duplicate ids."""
    path = rules_path("relations.yml")
    rules, seen = [], set()
    for number, raw in enumerate(load_rules("relations.yml"), start=1):
        where = f"{path}: rule {number} ({raw.get('id', '?')})"
        missing = [k for k in ("id", "relation", "first", "last", "head", "between", "confidence", "example") if k not in raw]
        if missing:
            raise RuleFileError(f"{where}: missing {', '.join(missing)}")
        if raw["relation"] not in RELATIONS:
            raise RuleFileError(f"{where}: unknown relation {raw['relation']!r}")
        if raw["id"] in seen:
            raise RuleFileError(f"{where}: duplicate id")
        seen.add(raw["id"])
        first, last = _classes(raw["first"]), _classes(raw["last"])
        if not (first | last) <= set(CLASSES):
            raise RuleFileError(f"{where}: unknown class in {sorted(first | last)}")
        try:
            between = re.compile(raw["between"], re.IGNORECASE)
            after = re.compile(raw["after"], re.IGNORECASE) if raw.get("after") else None
            before = re.compile(raw["before"], re.IGNORECASE) if raw.get("before") else None
        except re.error as error:
            raise RuleFileError(f"{where}: bad pattern: {error}") from None
        if raw.get("distribute", "") not in ("", "first", "last", "both"):
            raise RuleFileError(f"{where}: distribute must be first, last or both")
        rules.append(PairRule(raw["id"], raw["relation"], first, last, raw["head"], between, after,
                              float(raw["confidence"]), raw["example"], bool(raw.get("nearest")), tuple(raw.get("examples", ())),
                              before, raw.get("distribute", ""), bool(raw.get("among")), lower_case_twin(between)))
    return tuple(rules)


# What joins two members of a list of names: "A, B and C", "A & B", "A and Chinese chip giant B";
# the words a joiner may carry describe the next member, so clause words end the list.
_LIST_JOINER = re.compile(r"(?:,\s(?:and\s|as well as\s)?|,?\s(?:and|&|as well as)\s)(?:the\s)?"
                          r"(?:(?!(?:which|who|whose|that|with|by|to|from|in|into|of|for|on|at|as|is|are|was|were|has|have|had|"
                          r"will|would|and|or|but|its|their|it|they|said|says)\b)[\w\-.]+(?:['’]s)?\s){0,4}")


def _list_members(text: str, ents: list[Mention], index: int, step: int) -> list[Mention]:
    """The other members of the list that ``ents[index]`` ends (step -1) or starts (step 1); names
    of other classes may stand in a joiner ("Kestrel Motors and Norwegian ferry maker Fjord Marine")."""
    members = []
    current = index
    label = ents[index].label
    while len(members) < _MAX_MEMBERS:
        following = current + step
        while 0 <= following < len(ents) and ents[following].label != label:
            following += step
        if not 0 <= following < len(ents):
            break
        a, b = (ents[current], ents[following]) if step > 0 else (ents[following], ents[current])
        if b.start - a.end > 80 or not _LIST_JOINER.fullmatch(text, a.end, b.start):
            break
        current = following
        members.append(ents[current])
    return members


_BY_LABELS: dict[int, tuple[tuple[PairRule, ...], dict]] = {}


def _by_labels(rules: tuple[PairRule, ...]) -> dict[tuple[str, str], LiteralFilter]:
    """The rules that can join a pair of entities, by the pair's labels, in rule order, behind a
    filter on what their ``between`` patterns need (`extract.literals.LiteralFilter`).

    Cached by the tuple's identity: hashing every rule of the tuple for each briefing cost more
    than building the table."""
    cached = _BY_LABELS.get(id(rules))
    if cached and cached[0] is rules:
        return cached[1]
    by_labels: dict[tuple[str, str], list[PairRule]] = {}
    for rule in rules:
        for first_label in rule.first:
            for last_label in rule.last:
                by_labels.setdefault((first_label, last_label), []).append(rule)
    filters = {labels: LiteralFilter(listed, [rule.between for rule in listed]) for labels, listed in by_labels.items()}
    if len(_BY_LABELS) >= 8:
        _BY_LABELS.clear()
    _BY_LABELS[id(rules)] = (rules, filters)
    return filters


def pair_relations(doc: Doc, rules: tuple[PairRule, ...]) -> list[FoundRelation]:
    """Apply the pair rules to every ordered pair of entities inside one sentence."""
    return _pair_relations(DocValues.of(doc), rules)


def _pair_relations(values: DocValues, rules: tuple[PairRule, ...]) -> list[FoundRelation]:
    """`pair_relations` on a Doc's values, read once by the component."""
    found = []
    text = values.text
    sentences = values.sentences
    by_labels = _by_labels(rules)
    by_sentence: dict[tuple[int, int], list[Mention]] = {}
    around = sentences.around
    for mention in values.entities:
        by_sentence.setdefault(around(mention.start), []).append(mention)
    get_rules = by_labels.get
    for (sentence_start, sentence_end), ents in _with_anaphors(text, sentences, by_sentence):
        count = len(ents)
        for i, first in enumerate(ents):
            first_end, first_label, first_key = first.end, first.label, first.key
            for j in range(i + 1, count):
                last = ents[j]
                if last.start - first_end > _MAX_BETWEEN:
                    break  # mentions are in text order: every later one is further still
                candidates = get_rules((first_label, last.label))
                if not candidates or first_key == last.key or last.end > sentence_end:
                    continue
                between = text[first_end:last.start]
                lower_case = between.lower() if between.isascii() else None
                possible = candidates.possible(lower_case)  # only the rules whose literals occur in it can match
                if not possible:
                    continue
                after = text[last.end:min(sentence_end, last.end + _CONTEXT)]
                if last.label == "Place" and after.startswith(("'s ", "’s ")) and any(
                        e.label == "Place" and e.start - last.end < 40 for e in ents[j + 1:j + 4]):
                    continue  # "China's northern Shanxi province": the place meant is the later one
                inner = None  # the labels of the mentions between the two, read once for every rule that asks
                for rule in possible:
                    if rule.nearest:
                        if inner is None:
                            inner = {e.label for e in ents[i + 1:j]}
                        if not inner.isdisjoint(rule.first):
                            continue  # "TikTok owner ByteDance is building ...": the subject is the nearer firm
                    if lower_case is not None and rule.between_lower is not None:
                        if not rule.between_lower.fullmatch(lower_case):
                            continue
                    elif not rule.between.fullmatch(between):
                        continue
                    if rule.after and not rule.after.search(after):
                        continue
                    if rule.before and not rule.before.search(text, max(sentence_start, first.start - _CONTEXT), first.start):
                        continue
                    head, tail = (first.key, last.key) if rule.head == "first" else (last.key, first.key)
                    found.append(FoundRelation(head, rule.relation, tail, sentence_start, sentence_end, rule.id, rule.confidence))
                    if rule.distribute:
                        found.extend(_distributed(text, ents, i, j, rule, sentence_start, sentence_end))
    return found


@lru_cache(maxsize=1)
def _anaphor_patterns() -> tuple[re.Pattern, re.Pattern, frozenset[str]]:
    rules = load_rules("names.yml")["anaphors"]
    words = lambda key: "|".join(re.escape(w) for w in sorted(rules[key], key=len, reverse=True))  # noqa: E731
    anaphor = re.compile(rf"\b(?:{words('pronouns')}|(?P<noun>the(?: [a-z][\w\-]*){{0,2}} (?:{words('nouns')})))(?![\w\-])",
                         re.IGNORECASE)
    subject = re.compile(rf"(?:[^,;:\n]{{0,40}},\s)?(?:{words('subject_lead')}\s)?", re.IGNORECASE)
    return anaphor, subject, frozenset(rules["antecedent_classes"])


def _with_anaphors(text: str, sentences, by_sentence: dict[tuple[int, int], list[Mention]]):
    """Each sentence with its mentions, and before them a pronoun or "the company" that opens the
    sentence standing for the last sentence subject: a pronoun for the subject of the sentence
    right before ("Still, Kestrel Motors ... Its buyers include ...": "its" is Kestrel
    Motors), "the company" for one up to three sentences back. Only for pair rules: no entity is added."""
    anaphor, subject, classes = _anaphor_patterns()
    last_subject: tuple[int, Mention] | None = None  # (the index of its sentence, the subject)
    for (start, end), ents in by_sentence.items():
        index = bisect_right(sentences.starts, start) - 1
        if last_subject and 0 < index - last_subject[0] <= _NOUN_REACH:
            found = anaphor.search(text, start, ents[0].start)
            if found and (found.group("noun") or index - last_subject[0] == 1):
                antecedent = last_subject[1]
                ents = [Mention(found.start(), found.end(), antecedent.label, antecedent.key, "anaphor"), *ents]
        first = ents[0]
        if first.label in classes and subject.fullmatch(text, start, first.start):
            last_subject = (index, first)
        yield (start, end), ents


def _distributed(text: str, ents: list[Mention], i: int, j: int, rule: PairRule, start: int, end: int) -> list[FoundRelation]:
    """A rule that joined ents[i] and ents[j], applied to the other members of their lists."""
    firsts, lasts = [ents[i]], [ents[j]]
    if rule.distribute in ("first", "both"):
        firsts += _list_members(text, ents, i, -1)
    if rule.distribute in ("last", "both"):
        lasts += _list_members(text, ents, j, 1)
    found = []
    for first in firsts:
        for last in lasts:
            if (first, last) != (ents[i], ents[j]) and first.key != last.key:
                head, tail = (first.key, last.key) if rule.head == "first" else (last.key, first.key)
                found.append(FoundRelation(head, rule.relation, tail, start, end, rule.id, rule.confidence))
    if rule.among:
        for group in (firsts, lasts):
            for a_index, a in enumerate(group):
                for b in group[a_index + 1:]:
                    if a.key != b.key:
                        found.append(FoundRelation(a.key, rule.relation, b.key, start, end, rule.id, rule.confidence))
    return found


def _starting_in(mentions: list[Mention], starts: list[int], start: int, end: int) -> list[Mention]:
    """The mentions (in text order, with their ``starts``) that start in [start, end)."""
    return mentions[bisect_left(starts, start):bisect_left(starts, end)]


def _within(mentions: list[Mention], starts: list[int], spans: list[tuple[int, int]]) -> list[Mention]:
    """The mentions (in text order, with their ``starts``) that lie inside one of the spans."""
    inside = set()
    for span_start, span_end in spans:
        index = bisect_left(starts, span_start)
        while index < len(starts) and starts[index] < span_end:
            if mentions[index].end <= span_end:
                inside.add(index)
            index += 1
    return [mentions[index] for index in sorted(inside)]


def _bounds(sentences: Sentences, start: int, end: int) -> tuple[int, int]:
    return sentences.around(start)[0], sentences.around(max(start, end - 1))[1]


def document_relations(values: DocValues, documents: list[DocumentMention]) -> list[FoundRelation]:
    """Layout rules: issuers, target sectors and programmes of each document."""
    found = []
    layout, text, sentences, mentions = values.layout, values.text, values.sentences, values.entities
    sectors = [m for m in mentions if m.label == "Sector"]  # mentions are in text order
    programs = [m for m in mentions if m.label == "Program"]
    sector_starts, program_starts = [m.start for m in sectors], [m.start for m in programs]
    agency_keys = {m.key for m in mentions if m.label == "Agency"}
    for document in documents:
        seen_issuers = set()
        for key, start, end in document.issuers:
            if key in seen_issuers:
                continue
            seen_issuers.add(key)
            from_field = document.rule in ("document.field", "document.quoted_title")
            rule = "issued_by.field" if from_field else "issued_by.sentence"
            evidence = next(((a, b) for a, b in document.evidence if a <= start <= b), None) or _bounds(sentences, start, end)
            found.append(FoundRelation(document.key, "issuedBy", key, *evidence, rule, 0.95 if from_field else 0.85))
        if document.draft_of:
            found.append(FoundRelation(document.key, "draftOf", document.draft_of, *document.evidence[0], "draft_of.sentence", 0.8))
        for sector in _within(sectors, sector_starts, document.spans):
            found.append(FoundRelation(document.key, "targetsSector", sector.key, *_bounds(sentences, sector.start, sector.end),
                                       "targets_sector.in_title", 0.85))
        for program in _within(programs, program_starts, document.spans):
            bounds = _bounds(sentences, program.start, program.end)
            found.append(FoundRelation(document.key, "partOf", program.key, *bounds, "part_of.in_title", 0.8))
            for agency in sorted({key for key, _, _ in document.issuers if key in agency_keys}):
                found.append(FoundRelation(agency, "administers", program.key, *bounds, "administers.issuer", 0.7))
    by_item: dict[int, list[DocumentMention]] = {}
    for document in documents:
        if document.section == "top" and document.rule == "document.field":
            by_item.setdefault(document.item, []).append(document)
    for item, item_documents in by_item.items():
        glance = [s for s in layout.segments if s.section == "top" and s.item == item and s.field == "glance"]
        for segment in glance:
            for sector in _starting_in(sectors, sector_starts, segment.start, segment.end):
                if _MEANS.occurs(text[sentences.around(sector.start)[0]:sector.start]):
                    continue
                mentioned_before = [(max(a for a, _ in d.spans[1:] if a <= sector.start), d) for d in item_documents
                                    if any(a <= sector.start for a, _ in d.spans[1:])]
                owner = max(mentioned_before, key=lambda pair: pair[0])[1] if mentioned_before else item_documents[0]
                found.append(FoundRelation(owner.key, "targetsSector", sector.key, *_bounds(sentences, sector.start, sector.end),
                                           "targets_sector.at_a_glance", 0.6))
    for document in documents:
        if document.rule != "document.phrase":
            continue
        for start, end in document.spans:
            sentence_start, sentence_end = _bounds(sentences, start, end)
            for sector in _starting_in(sectors, sector_starts, end, sentence_end):
                if _MEANS.occurs(text[end:sector.start]):
                    continue
                found.append(FoundRelation(document.key, "targetsSector", sector.key, sentence_start, sentence_end,
                                           "targets_sector.same_sentence", 0.5))
    return found


@Language.factory("cikg_relations", requires=["doc.ents", "doc._.documents"], assigns=["doc._.relations"])
def make_relation_finder(nlp: Language, name: str):
    return find_relations


def find_relations(doc: Doc) -> Doc:
    """spaCy component: pair rules and layout rules into ``doc._.relations``."""
    from extract.targets import policy_relations  # imports this module's FoundRelation

    values = DocValues.of(doc)  # read once: each doc._ read costs more than most rules here
    documents = doc._.documents
    relations = [*document_relations(values, documents), *policy_relations(doc, documents),
                 *_pair_relations(values, load_pair_rules()),
                 *(FoundRelation(investor, "investsIn", raiser, start, end, "invests_in.funding_round", 0.7)
                   for investor, raiser, start, end in funding_relations(values.text, values.sentences, values.entities))]
    unique = {}
    for relation in relations:
        unique.setdefault((relation.head, relation.relation, relation.tail), relation)
    doc._.relations = list(unique.values())
    return doc
