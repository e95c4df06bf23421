"""Find policy documents: titles in "Article:" fields and document phrases in running text.

Fourth step of the pipeline. A document is named twice in a top-5 item: by its formal title
(with the Chinese title in brackets) in the "Article:" or "Policy name:" field, and by a phrase
in "At a glance" ("The MIIT and six other departments issued a plan for ..."). Both become one
`DocumentMention` key here, with the item's "Issuing bodies" and "Date" fields attached. In the
news bullets a document is only a phrase after an issuing verb, dated by its bullet.
Documents are kept in ``doc._.documents`` rather than ``doc.ents`` because their titles contain
other entities (sectors, programmes) that relations need.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from extract.alternation import alternation
from extract.lexicon import load_rules
from extract.literals import lower_case_twin
from extract.segment import Layout, Segment, all_dates
from extract.spans import MentionIndex, segment_at
from extract.values import DocValues

_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_LINK = re.compile(r"\s*\((?:Link|link|Link\))\)+|\s*\(\s*Link\s*\)")
_WORDS = re.compile(r"[A-Za-z0-9][\w\-']*")
_DETERMINERS = {"a", "an", "the", "its", "their", "several", "two", "three", "four", "five", "his", "her"}
_ISSUER_CLASSES = {"Agency", "Organization"}


@dataclass
class DocumentMention:
    """One named policy document inside one briefing."""

    key: str
    title: str
    start: int
    end: int
    rule: str
    names: list[str] = field(default_factory=list)
    zh: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    issuers: list[tuple[str, int, int]] = field(default_factory=list)
    date: str = ""
    item: int = 0
    section: str = ""
    evidence: list[tuple[int, int]] = field(default_factory=list)
    draft_of: str = ""

    @classmethod
    def named(cls, title: str, start: int, end: int, rule: str, evidence: tuple[int, int] | None = None,
              **fields) -> DocumentMention:
        """A document named by ``title`` at [start, end), keyed by its title, with that span
        (and the sentence that names it, when given) as its first evidence."""
        return cls(document_key(title), title, start, end, rule, names=[title], spans=[(start, end)],
                   evidence=[evidence] if evidence else [], **fields)


_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


def document_key(title: str) -> str:
    """Local key of a document: its English title, normalised."""
    return "PolicyDocument:" + _NOT_ALPHANUMERIC.sub(" ", title.lower()).strip()


def split_titles(value: str) -> list[tuple[str, int, int, str]]:
    """Split an "Article:" field into (English title, start, end, Chinese title) tuples.

    Titles are separated by their Chinese titles, which follow in brackets or directly.

    Example:
        >>> split_titles("Plan A (计划甲), Notice B (通知乙)")
        [('Plan A', 0, 6, '计划甲'), ('Notice B', 14, 22, '通知乙')]
    """
    titles = []
    cursor = 0
    position = 0
    while position < len(value):
        match = _CJK.search(value, position)
        if not match:
            break
        group_start = match.start()
        back = group_start - 1
        while back >= cursor and value[back] in "《“\" ":
            back -= 1
        if back >= cursor and value[back] in "(（":
            group_start, depth, end = back, 0, back
            while end < len(value):
                depth += value[end] in "(（"
                depth -= value[end] in ")）"
                end += 1
                if depth == 0:
                    break
            zh = value[group_start + 1:end - 1]
        else:
            end = group_start
            while end < len(value) and (not value[end].isascii() or value[end] in "()0123456789- "):
                if value[end] == "(" and value[end:end + 5] == "(Link":
                    break
                end += 1
            zh = value[group_start:end]
        english = value[cursor:group_start]
        lead = len(english) - len(english.lstrip(" ,;"))
        title = english.strip(" ,;")
        if title:
            titles.append((title, cursor + lead, cursor + lead + len(title), zh.strip()))
        elif titles and not titles[-1][3]:
            titles[-1] = (*titles[-1][:3], zh.strip())
        cursor = position = end
    rest = value[cursor:].strip(" ,;")
    if len(rest.split()) >= 3 and not _CJK.search(rest):
        start = value.index(rest, cursor)
        titles.append((rest, start, start + len(rest), ""))
    return titles


@lru_cache(maxsize=1)
def _phrase_rules() -> dict:
    rules = load_rules("documents.yml")
    nouns = alternation(rules["document_nouns"], fold_case=True)  # in case-insensitive patterns only
    modifiers = alternation(rules["document_modifiers"], fold_case=True)
    topic_body = r"(?:(?!\s+and\s+[A-Z]{2,}\b)[^,.;:()\[\]\n\"“”])+"  # ends before "and MIIT guiding opinions ..."
    topic = rf"(?:{alternation(rules['topic_nouns'])})\s+(?:{alternation(rules['topic_prepositions'])})\s+{topic_body}"
    passive_nouns = alternation(rules["passive_nouns"], fold_case=True)
    item = r"[\w\-]+(?:\s[\w\-]+){0,2}"  # one to three words of a list
    free = r"(?!(?:as|to|in|on|at|by|for|with|from|and|or|that|which|its|their)\b)[\"“]?[a-z][\w-]*[\"”]?"
    phrase_body = (rf"(?:(?:{modifiers}|\d{{4}})\s+){{0,4}}?"
                   rf"(?P<phrase>(?:(?:{modifiers}|\d{{4}}(?:[-–]\d{{4}})?|\d+\.\d+)\s+){{0,6}}(?:{free}\s+){{0,4}}?(?:{nouns})\b)")
    patterns = {
        "phrase_body": phrase_body,  # what follows a cue other than an issuing verb (extract/story.py)
        "verb_words": frozenset(verb.split()[0].lower() for verb in rules["issue_verbs"]),
        # a whole run of lower-case letters that is one of the verb words (see `_matches`)
        "verb_word": re.compile(r"(?<![a-z])(?:" + alternation(
            w for w in {verb.split()[0].lower() for verb in rules["issue_verbs"]} if re.fullmatch("[a-z]+", w)) + r")(?![a-z])"),
        # verb, modifiers, then up to four free words before the head noun: "released a dedicated
        # development plan", "published typical application cases", "its anti-monopoly guidelines"
        "trigger": re.compile(
            rf"(?:{alternation(rules['issue_verbs'], fold_case=True)})\s+{phrase_body}",  # no leading \b: it would slow the scan
            re.IGNORECASE,
        ),
        "stoppers": re.compile(rf"\s(?:{alternation(rules['phrase_stoppers'], fold_case=True)})\b|[.;:()\[\]\n]|,|\s-\s|\s–\s",
                               re.IGNORECASE),
        "nouns": set(rules["document_nouns"]),
        # ", ceramics, and papermaking industries": the comma sits inside a list of industries
        "closing_list": re.compile(rf",\s(?:(?:and|or)\s|{item}(?:,\s{item})*,?\s(?:and|or)\s)(?:[\w\-]+\s){{0,2}}"
                                   rf"(?:{alternation(load_rules('names.yml')['enumerations']['list_heads'])})\b"),
        "version_of": re.compile(rf"^(?:(?:{modifiers})\s+)*(?:version|edition)\s+(?:[\d.]+\s+)?of\s+(?:the|its|their)\s+", re.IGNORECASE),
        "clauses": {k.lower(): v for k, v in rules["describing_clauses"].items()},
        "clause": re.compile(rf"\s(?:{alternation(rules['describing_clauses'], fold_case=True)})\b", re.IGNORECASE),
        "listed": re.compile(rf"\b(?:{alternation(rules['list_cues'], fold_case=True)})\s+", re.IGNORECASE),
        "list_cues": tuple(cue.lower() for cue in rules["list_cues"]),
        # whether a lower-cased line holds one of the cues anywhere: one scan instead of one per cue
        "any_list_cue": re.compile(alternation(cue.lower() for cue in rules["list_cues"])),
        "parts_before_list": re.compile(rules["parts_before_list"], re.IGNORECASE),
        "list_item": re.compile(rf"(?:(?:a|an|the|its|their|\d{{4}})\s+)?(?P<item>(?:[a-z][\w-]*\s+){{0,2}}?{topic})"),
        "list_split": re.compile(r",?\s+as well as\s+|,\s+(?:and\s+|or\s+)?"),
        "after_agency": re.compile(rf"\s+(?P<item>(?:[a-z][\w-]*\s+){{0,1}}?(?:{alternation(rules['topic_nouns'])}))"
                                   rf"(?P<aside>\s+(?:issued|released|published)\s+in\s+\d{{4}})?"
                                   rf"(?P<rest>\s+(?:{alternation(rules['topic_prepositions'])})\s+{topic_body})"),
        "passive": re.compile(rf"\b(?:the|a|an|its|their)\s+(?P<item>(?:[\w-]+\s+){{0,6}}?(?:{nouns}|{passive_nouns}))\s+"
                              rf"(?:{alternation(rules['passive_verbs'], fold_case=True)})\s+by\s+", re.IGNORECASE),
        "quoted": re.compile(r"[\"“](?P<item>[^\"“”\n]{3,160}?)[\"”]"),
        "ends_in_noun": re.compile(rf"\b(?:{nouns})(?:\s+\(\d{{4}}\s*[-–]\s*\d{{4}}\))?$", re.IGNORECASE),
        "title_noun": re.compile(rf"\b(?:{alternation(w.title() for w in rules['document_nouns'])})\b"),
    }
    # case-insensitive patterns read in lines that are lower-cased anyway: their twins for ASCII
    # text in lower case, twice as fast (`extract.literals.lower_case_twin`; None if there is none)
    patterns["lower_case"] = {name: lower_case_twin(patterns[name])
                              for name in ("trigger", "stoppers", "clause", "listed", "parts_before_list")}
    return patterns


def _in_case(rules: dict, name: str, line: str, lowered: str | None) -> tuple[re.Pattern, str]:
    """The pattern ``name`` and the text to read it in: its lower-case twin and ``lowered`` (the
    line in lower case, None unless it is ASCII) when both exist, else the pattern and the line.
    Matches in either are at the same places."""
    twin = rules["lower_case"][name]
    return (twin, lowered) if twin is not None and lowered is not None else (rules[name], line)


_ASIDE = re.compile(r"\s\((?:[^()\n]{1,24})\)(?=\s[a-z])")
_NOUN_BEFORE = re.compile(r"(?:['’]s|\bthe)\s$")
_QUOTED_COMMA = re.compile(r'"[^"\n,]{1,30},[^"\n]{1,30}"')


def _mask_asides(line: str) -> str:
    """Blank short brackets inside a phrase, "(AI)" or "(second batch)", so they do not end it.

    A bracket followed by more lower-case words sits inside the phrase; one that ends the
    sentence, "(MIIT notice)", is a source link and still ends it. Offsets are kept.
    """
    line = _ASIDE.sub(lambda m: " " * len(m.group(0)), line) if "(" in line else line
    # a comma inside a short quoted name, "blue sky, clear water", does not end the phrase either
    return _QUOTED_COMMA.sub(lambda m: m.group(0).replace(",", "\x1f"), line) if '"' in line and "," in line else line


def _clean_title(title: str) -> str:
    rules = _phrase_rules()
    title = " ".join(title.replace("\x1f", ",").split())
    version = rules["version_of"].match(title)
    if version:
        number = re.search(r"\d+(?:\.\d+)*", version.group(0))
        title = title[version.end():] + (f" (version {number.group(0)})" if number else "")
    return rules["clause"].sub(lambda m: " " + rules["clauses"][m.group(0).strip().lower()], title).strip(" ,'\"")


def _quoted_title(quoted: str) -> bool:
    """A quoted name is a document when it ends in a head noun ("2024 negative list") or is in
    title case around one ("Green and Low-Carbon Action Plan for the ICT Industry (2022-2025)")."""
    rules = _phrase_rules()
    if rules["ends_in_noun"].search(quoted):
        return True
    words = [w for w in re.findall(r"[A-Za-z][\w-]*", quoted) if len(w) > 3]
    return bool(rules["title_noun"].search(quoted)) and all(w[0].isupper() for w in words)


def _list_comma(line: str, comma: int, base: int, sector_ends: set[int], sector_starts: set[int]) -> bool:
    """Whether a comma only separates sectors inside the phrase: "add the cement, iron and steel,
    and electrolytic aluminum industries to the national ETS" is one draft plan, not three.
    Known sectors on both sides, or a list closed by "industries" or "sectors", say so."""
    if line[comma] != ",":
        return False
    after = comma + 1 + len(line[comma + 1:]) - len(line[comma + 1:].lstrip())
    if line.startswith("and ", after):
        after += 4
    return base + comma in sector_ends and base + after in sector_starts or bool(_phrase_rules()["closing_list"].match(line, comma))


_LOWER_WORD = re.compile(r"[a-z]+")


def _matches(line: str, lowered: str | None, trigger: re.Pattern | None, rules: dict):
    """The trigger's matches in a line (``lowered``: see `_in_case`); only their places count. The
    issuing-verb trigger is tried only where a verb starts (a case-insensitive alternation scanned
    along the whole line costs ten times more)."""
    if trigger is not None:
        yield from trigger.finditer(line)
        return
    trigger, read = _in_case(rules, "trigger", line, lowered)
    end = 0
    for word in rules["verb_word"].finditer(line.lower()):  # the runs of _LOWER_WORD that are verb words
        if word.start() >= end:
            match = trigger.match(read, word.start())
            if match:
                end = match.end()
                yield match


def phrase_documents(text: str, segments: list[Segment], sectors: list[tuple[int, int]] = (),
                     trigger: re.Pattern | None = None) -> list[tuple[int, int, int, str]]:
    """Document phrases after an issuing verb (or another ``trigger`` with a ``phrase`` group):
    (verb start, phrase start, phrase end, title)."""
    rules = _phrase_rules()
    found = []
    sector_starts, sector_ends = {start for start, _ in sectors}, {end for _, end in sectors}
    verbs = rules["verb_words"]
    for segment in segments:
        raw = text[segment.start:segment.end]
        if trigger is None and verbs.isdisjoint(raw.lower().split()):
            continue  # no issuing verb: the pattern cannot match (a set test is far cheaper than the scan)
        line = _mask_asides(raw)
        lowered = line.lower() if line.isascii() else None
        stoppers, stop_text = _in_case(rules, "stoppers", line, lowered)
        clauses, clause_text = _in_case(rules, "clause", line, lowered)
        for match in _matches(line, lowered, trigger, rules):
            if trigger is None and (match.start() and (line[match.start() - 1].isalnum() or _NOUN_BEFORE.search(line, 0, match.start()))):
                continue  # inside a word, or a noun: "the ministry's release of trial rules"
            phrase_start = match.start("phrase")
            words = line[phrase_start:].split(" ")
            while words and words[0].lower() in _DETERMINERS:
                phrase_start += len(words[0]) + 1
                words = words[1:]
            stop = stoppers.search(stop_text, match.end("phrase"))
            while stop and _list_comma(line, stop.start(), segment.start, sector_ends, sector_starts):
                stop = stoppers.search(stop_text, stop.end())
            end = stop.start() if stop else len(line)
            clause = clauses.match(clause_text, end) if stop else None
            if clause or len(line[phrase_start:end].split()) < 3 and stop and stop.group(0).strip().lower() in ("that", "which"):
                later = stoppers.search(stop_text, (clause or stop).end())
                end = later.start() if later else len(line)
            words = line[phrase_start:end].split()
            if len(words) > 30:
                end = phrase_start + len(" ".join(words[:30]))
            phrase = line[phrase_start:end].rstrip(" ,'\"")
            if len(phrase.split()) >= 2:
                found.append((segment.start + match.start(), segment.start + phrase_start, segment.start + phrase_start + len(phrase),
                              _clean_title(phrase)))
    return found


Found = tuple[int, int, str, list[tuple[str, int, int]], str]


def _listed(line: str, base: int) -> list[Found]:
    rules = _phrase_rules()
    found = []
    lowered = line.lower()
    if line.isascii() and not rules["any_list_cue"].search(lowered):  # far cheaper than the pattern
        return found
    ascii_lowered = lowered if line.isascii() else None
    listed, listed_text = _in_case(rules, "listed", line, ascii_lowered)
    parts, parts_text = _in_case(rules, "parts_before_list", line, ascii_lowered)
    for cue in listed.finditer(listed_text):
        if parts.search(parts_text, max(0, cue.start() - 100), cue.start()):
            continue  # "four main chapters, such as rules for ...": parts of one document, not documents
        region_end = cue.end() + re.search(r"\.\s|[.;:]$|[;:]|$", line[cue.end():]).start()
        separators = list(rules["list_split"].finditer(line, cue.end(), region_end))
        starts = [cue.end()] + [m.end() for m in separators]
        ends = [m.start() for m in separators] + [region_end]
        for part_start, part_end in zip(starts, ends, strict=True):
            item = rules["list_item"].match(line, part_start, part_end)
            if item:
                title = item.group("item").rstrip()
                start = base + item.start("item")
                found.append((start, start + len(title), _clean_title(title), [], "document.list"))
    return found


def verbless_documents(values: DocValues, segments: list[Segment]) -> list[Found]:
    """Documents named without an issuing verb before them: (start, end, title, issuers, rule).

    Four shapes: a list after "including" or "such as" whose items start with a head noun and
    "on"/"for" ("opinions on ..., and guidelines for ..."); an agency right before such a head
    noun ("a 2024 MIIT notice on collecting ..."); a passive ("the support policies announced
    by the State Council"); and a quoted title that ends in a head noun ("the "2024 negative list"")
    or is in title case around one (see `_quoted_title`).
    """
    rules = _phrase_rules()
    text = values.text
    issuers = MentionIndex(e for e in values.entities if e.label in _ISSUER_CLASSES)
    found: list[Found] = []
    for segment in segments:
        line = _mask_asides(text[segment.start:segment.end])
        base = segment.start
        found.extend(_listed(line, base))
        for match in rules["passive"].finditer(line) if " by " in line else ():
            by = base + match.end()
            agent = [(e.key, e.start, e.end) for e in issuers.starting(by, by + 4)]
            if agent:
                title = _clean_title(match.group("item"))
                found.append((base + match.start("item"), base + match.end("item"), title, agent, "document.passive"))
        for match in rules["quoted"].finditer(line) if '"' in line or "“" in line else ():
            if _quoted_title(match.group("item")):
                title = _clean_title(match.group("item"))
                found.append((base + match.start("item"), base + match.end("item"), title, [], "document.quoted"))
        for agency in issuers.inside(segment.start, segment.end):
            match = rules["after_agency"].match(line, agency.end - base)
            if match:
                title = _clean_title(match.group("item") + match.group("rest"))
                issuer = [(agency.key, agency.start, agency.end)]
                found.append((base + match.start("item"), base + match.end("rest"), title, issuer, "document.agency_noun"))
    return found


def _top_fields(layout: Layout) -> dict[tuple[int, str], list[Segment]]:
    """The field segments of the top-5 items by (item, field name), in layout order, read in one
    pass (a scan of every segment for each item and field cost more)."""
    fields: dict[tuple[int, str], list[Segment]] = {}
    for s in layout.segments:
        if s.section == "top" and s.kind == "field":
            fields.setdefault((s.item, s.field), []).append(s)
    return fields


def _issuer_groups(values: DocValues, segment: Segment, index: MentionIndex | None = None) -> list[list[tuple[str, int, int]]]:
    groups, cursor = [], segment.value_start
    text = values.text
    value = text[segment.value_start:segment.end]
    if index is None:
        index = MentionIndex(values.entities)
    for part in value.split(";"):
        end = cursor + len(part)
        groups.append([(e.key, e.start, e.end) for e in index.inside(cursor, end, _ISSUER_CLASSES)])
        cursor = end + 1
    return [g for g in groups if g]


def _overlap(a: str, b: str) -> float:
    wa, wb = {w.lower() for w in _WORDS.findall(a)}, {w.lower() for w in _WORDS.findall(b)}
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def field_documents(values: DocValues, layout: Layout) -> list[DocumentMention]:
    """Documents named in the "Article:" / "Policy name:" fields of the top-5 items."""
    text = values.text
    found = []
    items = sorted({s.item for s in layout.segments if s.section == "top" and s.item})
    fields = _top_fields(layout)
    issuer_index = None
    for item in items:
        article_segments = fields.get((item, "article"), []) + fields.get((item, "article_zh"), [])
        if not article_segments:
            continue
        article_segments.sort(key=lambda s: s.start)
        value_start = article_segments[0].value_start
        value_end = article_segments[-1].end
        value = _LINK.sub(lambda m: " " * len(m.group(0)), text[value_start:value_end]).replace("\n", " ")
        titles = split_titles(value)
        issuer_fields = fields.get((item, "issuers"), [])
        if issuer_fields and issuer_index is None:
            # the entities do not change here: index the issuers once
            issuer_index = MentionIndex(e for e in values.entities if e.label in _ISSUER_CLASSES)
        issuer_groups = [g for s in issuer_fields for g in _issuer_groups(values, s, issuer_index)]
        dates = [d for s in fields.get((item, "date"), []) for d in all_dates(text[s.value_start:s.end])]
        mentions = []
        for index, (title, start, end, zh) in enumerate(titles):
            title = title.strip('"\' “”‘’')
            if not _WORDS.search(title):
                continue  # only quotes or brackets were left of it: no English title to name the node
            mention = DocumentMention.named(title, value_start + start, value_start + end, "document.field",
                                            zh=[zh] if zh else [], item=item, section="top")
            if issuer_groups:
                if len(issuer_groups) == len(titles):
                    group = issuer_groups[index]
                else:
                    group = issuer_groups[min(index, len(issuer_groups) - 1)]
                mention.issuers.extend(group)
                mention.evidence.extend((s.start, s.end) for s in issuer_fields)
            if dates:
                mention.date = dates[index] if len(dates) == len(titles) else dates[0]
            mentions.append(mention)
        for mention in list(mentions):
            inner = re.search(r"\"([^\"]{10,})\"", mention.title)
            if inner and re.search(r"\b(Plan|Notice|Opinions|Guidelines|Measures|Law|Program)\b", inner.group(1)):
                sub_title = inner.group(1)
                start = mention.start + inner.start(1)
                sub = DocumentMention.named(sub_title, start, start + len(sub_title), "document.quoted_title",
                                            item=item, section="top", issuers=list(mention.issuers))
                zh_inner = re.search(r"《([^》]+)》", " ".join(mention.zh))
                if zh_inner:
                    sub.zh.append(zh_inner.group(1))
                mentions.append(sub)
        found.extend(mentions)
    return found


@lru_cache(maxsize=1)
def _draft_rules() -> dict[str, re.Pattern]:
    return {name: re.compile(pattern, re.IGNORECASE) for name, pattern in load_rules("documents.yml")["drafts"].items()}


def _draft(final: DocumentMention, title: str, start: int, end: int, date: str, evidence: tuple[int, int]) -> DocumentMention:
    return DocumentMention.named(title, start, end, "document.draft", evidence, date=date, issuers=list(final.issuers),
                                 item=final.item, section=final.section, draft_of=final.key)


def draft_versions(values: DocValues, documents: list[DocumentMention]) -> list[DocumentMention]:
    """Earlier drafts a briefing mentions beside the final document, each linked by `draft_of`.

    "... publishes the final version of its anti-monopoly guidelines for the platform economy,
    first released as a draft on November 10, 2020" names two documents: the draft gets its own
    node, dated, so an analyst sees what changed between the two and when.
    """
    text = values.text
    if "draft" not in text.lower():  # every rule below needs the word
        return []
    rules = _draft_rules()
    sentences = values.sentences
    drafts = []
    for final in documents:
        if "draft" in final.title.lower().split():
            continue
        for start, end in final.spans:
            sentence_start, sentence_end = sentences.around(max(start, end - 1))
            match = rules["released_as_draft"].match(text, end, sentence_end)
            if match:
                dates = all_dates(match.group("when") or "")
                drafts.append(_draft(final, f"draft {final.title}", match.start(), match.end(), dates[0] if dates else "",
                                     (sentence_start, sentence_end)))
                break
    for sentence_start, sentence_end in sentences:
        sentence = text[sentence_start:sentence_end]
        if "draft" not in sentence.lower():  # the pattern needs the word: most sentences lack it
            continue
        match = rules["earlier_draft"].search(sentence)
        if not match or not rules["final_cue"].search(sentence):
            continue
        window_start = sentences.around(sentence_start - 1)[0] if sentence_start else sentence_start
        before = [(s, d) for d in documents if "draft" not in d.title.lower().split()
                  for s, _ in d.spans if window_start <= s < sentence_start + match.start()]
        if before:
            final = max(before, key=lambda pair: pair[0])[1]
            start = sentence_start + match.start("when")
            title = f"{match.group('when')} draft of {final.title}"
            drafts.append(_draft(final, title, start, sentence_start + match.end(), "", (sentence_start, sentence_end)))
    return drafts


@Language.factory("cikg_documents", requires=["doc._.layout", "doc.ents"], assigns=["doc._.documents"])
def make_document_finder(nlp: Language, name: str):
    return find_documents


def find_documents(doc: Doc) -> Doc:
    """spaCy component: every policy document of the briefing, merged by key."""
    values = DocValues.of(doc)  # read once: each doc._ read costs more than most rules here
    layout, text, sentences = values.layout, values.text, values.sentences
    documents = field_documents(values, layout)
    by_item: dict[int, list[DocumentMention]] = {}
    for mention in documents:
        if mention.rule == "document.field":
            by_item.setdefault(mention.item, []).append(mention)
    prose = [s for s in layout.segments if s.section in ("top", "policy_news", "corporate_news", "front")
             and s.kind in ("bullet", "paragraph") or (s.kind == "field" and s.field in ("glance", "comment"))]
    used_in_item: dict[int, int] = {}
    sectors = [(e.start, e.end) for e in values.entities if e.label == "Sector"]
    issuer_starts = [e.start for e in values.entities if e.label in _ISSUER_CLASSES]
    # A phrase names a document only after an issuer, or in an item's "At a glance" beside its
    # "Article:" field: other segments need not be read for phrases.
    named = {s for s in prose if s.field == "glance" and by_item.get(s.item)
             or bisect_left(issuer_starts, s.start) < bisect_left(issuer_starts, s.end)}
    phrases = phrase_documents(text, prose, sectors)  # read once: extract/story.py takes the others
    # only issuers are looked up: indexing them alone keeps a long sentence from scanning every mention
    issuer_index = MentionIndex(e for e in values.entities if e.label in _ISSUER_CLASSES)
    prose_starts = [s.start for s in prose]
    for verb_start, start, end, phrase in phrases:
        segment = segment_at(prose, prose_starts, start)
        if segment is None or segment not in named:
            continue
        sentence_start = max(sentences.around(verb_start)[0], segment.start)
        issuers = [(e.key, e.start, e.end) for e in issuer_index.inside(sentence_start, verb_start)]
        candidates = by_item.get(segment.item, []) if segment.section == "top" and segment.field == "glance" else []
        if candidates:
            scored = sorted(candidates, key=lambda m: -_overlap(m.title, phrase))
            if _overlap(scored[0].title, phrase) > 0.15 or len(candidates) == 1:
                target = scored[0]
            else:
                target = candidates[min(used_in_item.get(segment.item, 0), len(candidates) - 1)]
            used_in_item[segment.item] = used_in_item.get(segment.item, 0) + 1
            target.names.append(phrase)
            target.spans.append((start, end))
            target.issuers.extend(issuers)
            target.evidence.append((sentence_start, end))
            continue
        if not issuers:
            continue
        documents.append(DocumentMention.named(phrase, start, end, "document.phrase", (sentence_start, end), issuers=issuers,
                                               date=segment.date, item=segment.item, section=segment.section))
    taken = [span for mention in documents for span in mention.spans]
    for start, end, title, issuers, rule in verbless_documents(values, prose):
        if len(title.split()) < 2 or any(a < end and start < b for a, b in taken):
            continue
        segment = next(s for s in prose if s.start <= start < s.end)
        sentence_start = max(sentences.around(start)[0], segment.start)
        documents.append(DocumentMention.named(title, start, end, rule, (sentence_start, end), issuers=issuers,
                                               date=segment.date, item=segment.item, section=segment.section))
        taken.append((start, end))
    from extract.story import story_documents  # imports this module

    documents.extend(story_documents(doc, documents, prose, phrases))
    documents.extend(draft_versions(values, documents))
    merged: dict[str, DocumentMention] = {}
    for mention in documents:
        if mention.key in merged:
            kept = merged[mention.key]
            kept.names.extend(mention.names)
            kept.spans.extend(mention.spans)
            kept.issuers.extend(mention.issuers)
            kept.evidence.extend(mention.evidence)
            kept.date = kept.date or mention.date
            kept.draft_of = kept.draft_of or mention.draft_of
        else:
            merged[mention.key] = mention
    doc._.documents = list(merged.values())
    return doc
