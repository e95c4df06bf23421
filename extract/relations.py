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
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span

from extract.documents import DocumentMention
from extract.lexicon import CLASSES, RuleFileError, load_rules, rules_path

RELATIONS = ("issuedBy", "targetsSector", "administers", "partOf", "partnersWith", "acquires", "mergesWith",
             "licensesTo", "investsIn", "subsidiaryOf", "locatedIn", "draftOf")
_MAX_BETWEEN = 400
# A sector named as a means ("using AI, 5G and ...") is a tool of the policy, not its target; one
# named as a user of its products ("demand in various sectors, for instance transportation") or a
# field of application ("applications for biotech advances in fields like agriculture") neither.
_MEANS = re.compile(r"\b(?:using|utili[sz]ing|through|adopt\w*|application of|apply\w*|integrat\w*|"
                    r"by|via|demand|downstream|customers|fields like)\b[^.;:]{0,80}$", re.IGNORECASE)


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


@dataclass(frozen=True)
class FoundRelation:
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
        except re.error as error:
            raise RuleFileError(f"{where}: bad pattern: {error}") from None
        rules.append(PairRule(raw["id"], raw["relation"], first, last, raw["head"], between, after,
                              float(raw["confidence"]), raw["example"], bool(raw.get("nearest")), tuple(raw.get("examples", ()))))
    return tuple(rules)


def pair_relations(doc: Doc, rules: tuple[PairRule, ...]) -> list[FoundRelation]:
    """Apply the pair rules to every ordered pair of entities inside one sentence."""
    found = []
    text = doc._.text
    by_sentence: dict[tuple[int, int], list[Span]] = {}
    for ent in doc._.entities:
        by_sentence.setdefault(doc._.sentences.around(ent.start_char), []).append(ent)
    for (sentence_start, sentence_end), ents in by_sentence.items():
        for i, first in enumerate(ents):
            for j, last in enumerate(ents[i + 1:], start=i + 1):
                if last.start_char - first.end_char > _MAX_BETWEEN or first.kb_id_ == last.kb_id_:
                    continue
                between = text[first.end_char:last.start_char]
                if last.end_char > sentence_end:
                    continue
                after = text[last.end_char:sentence_end]
                if last.label_ == "Place" and after.startswith(("'s ", "’s ")) and any(e.label_ == "Place" for e in ents[j + 1:]):
                    continue  # "China's northern Shanxi province": the place meant is the later one
                for rule in rules:
                    if first.label_ not in rule.first or last.label_ not in rule.last:
                        continue
                    if rule.nearest and any(e.label_ in rule.first for e in ents[i + 1:j]):
                        continue  # "TikTok owner ByteDance is building ...": the subject is the nearer firm
                    if not rule.between.fullmatch(between):
                        continue
                    if rule.after and not rule.after.search(after):
                        continue
                    head, tail = (first, last) if rule.head == "first" else (last, first)
                    found.append(FoundRelation(head.kb_id_, rule.relation, tail.kb_id_, sentence_start,
                                               sentence_end, rule.id, rule.confidence))
    return found


def _ents_within(doc: Doc, spans: list[tuple[int, int]], label: str) -> list[Span]:
    return [e for e in doc._.entities if e.label_ == label and any(a <= e.start_char and e.end_char <= b for a, b in spans)]


def _sentence_bounds(doc: Doc, start: int, end: int) -> tuple[int, int]:
    return doc._.sentences.around(start)[0], doc._.sentences.around(max(start, end - 1))[1]


def document_relations(doc: Doc, documents: list[DocumentMention]) -> list[FoundRelation]:
    """Layout rules: issuers, target sectors and programmes of each document."""
    found = []
    layout = doc._.layout
    text = doc._.text
    agency_keys = {e.kb_id_ for e in doc._.entities if e.label_ == "Agency"}
    for document in documents:
        seen_issuers = set()
        for key, start, end in document.issuers:
            if key in seen_issuers:
                continue
            seen_issuers.add(key)
            from_field = document.rule in ("document.field", "document.quoted_title")
            rule = "issued_by.field" if from_field else "issued_by.sentence"
            evidence = next(((a, b) for a, b in document.evidence if a <= start <= b), None) or _sentence_bounds(doc, start, end)
            found.append(FoundRelation(document.key, "issuedBy", key, *evidence, rule, 0.95 if from_field else 0.85))
        if document.draft_of:
            found.append(FoundRelation(document.key, "draftOf", document.draft_of, *document.evidence[0], "draft_of.sentence", 0.8))
        for span in _ents_within(doc, document.spans, "Sector"):
            found.append(FoundRelation(document.key, "targetsSector", span.kb_id_, *_sentence_bounds(doc, span.start_char, span.end_char),
                                       "targets_sector.in_title", 0.85))
        programs = _ents_within(doc, document.spans, "Program")
        for span in programs:
            found.append(FoundRelation(document.key, "partOf", span.kb_id_, *_sentence_bounds(doc, span.start_char, span.end_char),
                                       "part_of.in_title", 0.8))
            agencies = {key for key, _, _ in document.issuers if key in agency_keys}
            for agency in sorted(agencies):
                found.append(FoundRelation(agency, "administers", span.kb_id_, *_sentence_bounds(doc, span.start_char, span.end_char),
                                           "administers.issuer", 0.7))
    by_item: dict[int, list[DocumentMention]] = {}
    for document in documents:
        if document.section == "top" and document.rule == "document.field":
            by_item.setdefault(document.item, []).append(document)
    for item, item_documents in by_item.items():
        glance = [s for s in layout.segments if s.section == "top" and s.item == item and s.field == "glance"]
        for segment in glance:
            for span in [e for e in doc._.entities if e.label_ == "Sector" and segment.start <= e.start_char < segment.end]:
                if _MEANS.search(text[doc._.sentences.around(span.start_char)[0]:span.start_char]):
                    continue
                mentioned_before = [(max(a for a, _ in d.spans[1:] if a <= span.start_char), d) for d in item_documents
                                    if any(a <= span.start_char for a, _ in d.spans[1:])]
                owner = max(mentioned_before, key=lambda pair: pair[0])[1] if mentioned_before else item_documents[0]
                found.append(FoundRelation(owner.key, "targetsSector", span.kb_id_, *_sentence_bounds(doc, span.start_char, span.end_char),
                                           "targets_sector.at_a_glance", 0.6))
    for document in documents:
        if document.rule != "document.phrase":
            continue
        for start, end in document.spans:
            sentence_start, sentence_end = _sentence_bounds(doc, start, end)
            for span in [e for e in doc._.entities if e.label_ == "Sector" and end <= e.start_char < sentence_end]:
                if _MEANS.search(text[end:span.start_char]):
                    continue
                found.append(FoundRelation(document.key, "targetsSector", span.kb_id_, sentence_start, sentence_end,
                                           "targets_sector.same_sentence", 0.5))
    return found


@Language.factory("cikg_relations", requires=["doc.ents", "doc._.documents"], assigns=["doc._.relations"])
def make_relation_finder(nlp: Language, name: str):
    return find_relations


def find_relations(doc: Doc) -> Doc:
    """spaCy component: pair rules and layout rules into ``doc._.relations``."""
    relations = [*document_relations(doc, doc._.documents), *pair_relations(doc, load_pair_rules())]
    unique = {}
    for relation in relations:
        unique.setdefault((relation.head, relation.relation, relation.tail), relation)
    doc._.relations = list(unique.values())
    return doc
