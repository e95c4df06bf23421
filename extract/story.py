"""Documents of news stories and explainers: the story's document without a layout around it.

Called by `extract.documents.find_documents` after the layout and verb rules. A news story names
its document in running text with a generic subject ("China on Sunday rolled out a two-year plan
for ..."), after "according to a circular ...", in its headline, by a title in title case
("Interim Measures for ..."), as a five-year plan or a government work report; its issuers often
come in a passive a sentence later ("The plan, issued by A and B, ..."). The patterns are in
`rules/policy.yml`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from spacy.tokens import Doc

from extract.alternation import alternation
from extract.documents import DocumentMention, _clean_title, _phrase_rules, phrase_documents
from extract.entities import Mention
from extract.lexicon import load_rules, name_signature
from extract.literals import CaseFolded, Gated
from extract.segment import Segment
from extract.values import DocValues

Issuer = tuple[str, int, int]
_BY = re.compile(r"[Bb]y\s")
_ANAPHOR_REACH = 3000  # characters: "the plan" further from any document's name refers to none of them
_EAR_PLAN = re.compile(r"ear[\s-][Pp]lan")  # what every "[Yy]ear[\s-][Pp]lan" hint holds, from a literal
_RELEASE_CUES = ("release of", "publication of", "issuance of", "unveiling of", "adoption of")  # cheap test before the pattern

if not Doc.has_extension("administered"):
    # (agency key, programme key, evidence start, evidence end): "MIIT rolled out the Little Giants policy"
    Doc.set_extension("administered", default=None)


@lru_cache(maxsize=1)
def policy_rules() -> dict:
    """The compiled patterns of `rules/policy.yml` (shared with extract/targets.py)."""
    raw = load_rules("policy.yml")
    document_rules = load_rules("documents.yml")
    documents = alternation(document_rules["document_nouns"])
    topics = alternation(document_rules["topic_nouns"])
    phrase_body = _phrase_rules()["phrase_body"]
    nouns = alternation(raw["anaphora_nouns"], fold_case=True)  # in case-insensitive patterns only
    word = r"(?:[A-Z][\w'’-]*|\d[\w-]*|of|and|the|for|on|in|to|a|an|with|by|from|at|into|its)"
    heads, ends = alternation(raw["title_heads"]), alternation(raw["title_ends"])
    return {
        "generic": re.compile(raw["generic_subject"], re.IGNORECASE),
        "generic_noun": re.compile(rf"\b(?:{alternation(raw['generic_subject_nouns'], fold_case=True)})\b", re.IGNORECASE),
        "according": re.compile(raw["according_to"] + phrase_body, re.IGNORECASE),
        "headline_max": int(raw["headline_max_chars"]),
        "issued_before": re.compile(rf"\b(?:{alternation(document_rules['issue_verbs'])})\s+"
                                    rf"(?:(?:a|an|the|its|their|new|draft)\s+){{0,2}}$"),
        "document_name": re.compile(rf"(?:\b(?:{ends}|Policy|Strategy|Plan|Guidelines|Measures|Provisions|Opinions|Notice)"
                                    rf"(?:\s+(?:\(\d{{4}}\)|\d{{4}}))?$"
                                    rf"|^(?:[A-Z][\w-]*\s+)?(?:{heads}|Policy)\s+(?:on|for|of)\s+[A-Z])"),
        "program_word": re.compile(r"['’\"”]?\s*(?:\([^()]{1,20}\)\s*)?(?:policy|program|programme|scheme|initiative|campaign|model)\b"),
        # '"Blue Ocean" action plan to expand ...': a quoted name before the head noun ends the title there
        "quoted_name": re.compile(rf"[\"“][^\"”]{{2,40}}[\"”]\s+(?:[\w-]+\s+){{0,2}}?(?:{documents})\b"),
        "unveiled": re.compile(rf"(?:^|(?<=[.!?] )|(?<=^\s))(?:The|A|An)\s+(?P<item>(?:[\w'’-]+\s+){{0,8}}?(?:{documents})"
                               rf"\s+(?:for|on|to|of)\s+[^,.;:()\n]{{1,140}}?)\s+(?:was|were|has\s+been|have\s+been)\s+"
                               rf"(?:officially\s+|formally\s+|jointly\s+)?{raw['was_issued_verbs']}\b", re.MULTILINE),
        "indefinite": re.compile(rf"\b(?:a|an)\s+(?P<item>(?:(?!(?:a|an|the|to)\s)[\w'’-]+\s+){{0,3}}?(?:{topics})"
                                 rf"\s+(?:on|for|to)\s+[^,;:.()\n]{{3,150}}?),?\s*$"),
        # "Interim Measures for the Supervision of ...": a head, on/for/of, title words ending in a capital;
        # found from the head noun (a plain alternation, cheap to scan for), then matched forwards
        # plain alternations without a leading \b, which would stop the scan skipping ahead
        "head_noun": re.compile(rf"(?:{alternation(head.split()[-1] for head in raw['title_heads'])})\s+(?:on|for|of)\s+"
                                r"(?:the\s+)?[A-Z]"),
        "end_noun": re.compile(rf"(?P<noun>{ends})\b(?!\s+[A-Z])"),
        "fyp_hint": re.compile(r"[Yy]ear[\s-][Pp]lan|FYP"),
        "title_lead": re.compile(rf"(?<![\w-])(?:{alternation(h.rsplit(' ', 1)[0] for h in raw['title_heads'] if ' ' in h)})"
                                 r"\s+$"),
        "title_head": re.compile(rf"(?P<title>(?:{heads})\s+(?:on|for|of)\s+(?:{word}\s+){{0,24}}"
                                 rf"[A-Z][\w'’-]*[\w)](?:\s+\(\d{{4}}(?:\s*[-–]\s*\d{{4}})?\))?)"),
        # "Export Control Law": the end noun first, then up to six title words before it
        "title_end": re.compile(r"(?<![\w'’-])(?P<title>(?:[A-Z][\w'’-]*\s+(?:(?:and|of|on|for)\s+)?){1,6})$"),
        "title_stop": frozenset(raw["title_stop_words"]),
        "fyp": re.compile(raw["five_year_plan"]),
        "fyp_sector": re.compile(raw["five_year_plan_sector"]),
        "fyp_not": re.compile(raw["five_year_plan_not"], re.IGNORECASE),
        "work_report": re.compile(raw["work_report"]),
        "issued_by": re.compile(raw["issued_by"], re.IGNORECASE),
        "issuers_end": re.compile(raw["issuers_end"].replace("{nouns}", nouns), re.IGNORECASE),
        "agency_anaphora": re.compile(raw["agency_anaphora"], re.IGNORECASE),
        "anaphor_before": re.compile(rf"\b(?:the|this|that)\s+(?:[\w-]+\s+)?(?P<noun>{nouns}),?\s*$", re.IGNORECASE),
        "anaphor_after": re.compile(rf",?\s*(?:the|this|that)\s+(?:[\w-]+\s+)?(?P<noun>{nouns})\b", re.IGNORECASE),
        "anaphora_subject": re.compile(raw["anaphora_subject"].replace("{nouns}", nouns), re.IGNORECASE),
        # asked of every sentence with a sector; only its place and its noun (in any case) are read
        "anaphora_source": CaseFolded(re.compile(raw["anaphora_source"].replace("{nouns}", nouns), re.IGNORECASE)),
        "continuing": re.compile(raw["continuing"]),
        "remark": re.compile(raw["remark"]),
        "document_says": re.compile(raw["document_says"].replace("{nouns}", nouns), re.IGNORECASE),
        "program_focus": re.compile(raw["program_focus"], re.IGNORECASE),
        "numbered": re.compile(raw["numbered_document"]),
        "adopted_at": re.compile(raw["adopted_at"], re.IGNORECASE),
        "meeting_after": re.compile(raw["meeting_after"], re.IGNORECASE),
        "we_issue": re.compile(raw["we_issue"]),
        "press_conference": re.compile(raw["press_conference"]),
        "run_by": re.compile(raw["run_by"], re.IGNORECASE),
        "iteration_of": re.compile(raw["iteration_of"].replace("{nouns}", nouns)),
        # searched in every headline and heading, which mostly lack its nouns (`extract.literals.Gated`)
        "headline_title": Gated(re.compile(raw["headline_title"], re.MULTILINE)),
        "short_form": re.compile(raw["short_form"]),
        "release_of": re.compile(raw["release_of"] + phrase_body, re.IGNORECASE),
        "institution_list": re.compile(raw["institution_list"], re.IGNORECASE),
        "issue_verb": re.compile(rf"\b(?:{alternation(document_rules['issue_verbs'])})\b"),
        "defines_sector": re.compile(raw["defines_sector"], re.IGNORECASE),
        "defines_subject": re.compile(raw["defines_subject"]),
        "lead_in": re.compile(r"(?:[A-Z][a-z]+,\s+)?(?:[Tt]he\s+)?[\"“‘']?"),
        "tool": re.compile(raw["tool"], re.IGNORECASE),
        "heading_document": Gated(re.compile(raw["heading_document"], re.IGNORECASE)),
        "content_verbs": re.compile(raw["content_verbs"], re.IGNORECASE),
        "investing_program": re.compile(raw["investing_program"], re.IGNORECASE),
        "serves_program": re.compile(raw["serves_program"], re.IGNORECASE),
    }


def refers_to(documents: list[DocumentMention], noun: str, position: int) -> DocumentMention | None:
    """The document an anaphor ("the plan", "the guideline") at ``position`` refers to: the
    latest one named before it (and not too far) whose title has the anaphor's head noun, else the
    latest one."""
    before = [(max(a for a, _ in d.spans if a < position), d) for d in documents if any(a < position for a, _ in d.spans)]
    before = [(at, d) for at, d in before if position - at <= _ANAPHOR_REACH]
    if not before:
        return None
    head = noun.lower().split()[-1].rstrip("s")
    fitting = [(at, d) for at, d in before if head in d.title.lower()]
    return max(fitting or before, key=lambda pair: pair[0])[1]


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a < end and start < b for a, b in spans)


def _title_start(title: str, stop: frozenset[str]) -> int:
    """How many characters of leading stop words ("The", "China") a title-case match carries."""
    cut = 0
    for word in title.split(" "):
        if word not in stop:
            break
        cut += len(word) + 1
    return cut


def _segment_of(segments: list[Segment], starts: list[int], position: int) -> Segment | None:
    index = bisect_left(starts, position + 1) - 1
    return segments[index] if index >= 0 and segments[index].start <= position < segments[index].end else None


def story_documents(doc: Doc, documents: list[DocumentMention], prose: list[Segment],
                    phrases: list[tuple[int, int, int, str]]) -> list[DocumentMention]:
    """New documents of the story, and issuers of known ones from passives (mutates ``documents``)."""
    rules = policy_rules()
    values = DocValues.of(doc)
    # programmes whose issuers administer them (`_programs_not_documents`); a list on every Doc read here
    administered = doc._.administered = doc._.administered or []
    text = values.text
    sentences = values.sentences
    prose = sorted(prose, key=lambda s: s.start)
    starts = [s.start for s in prose]
    agencies = [e for e in values.entities if e.label in ("Agency", "Organization")]
    sectors = [(e.start, e.end) for e in values.entities if e.label == "Sector"]
    taken = [span for d in documents for span in d.spans]
    found: list[DocumentMention] = []

    def add(title: str, start: int, end: int, rule: str, issuers=(), nested: bool = False) -> DocumentMention | None:
        if len(title.split()) < 2 or not nested and _overlaps(taken, start, end):
            return None
        segment = _segment_of(prose, starts, start)
        sentence = (max(sentences.around(start)[0], segment.start if segment else 0), end)
        verb = rules["issued_before"].search(text, sentence[0], start) if not issuers else None
        if verb:  # "The NDRC published a 12th FYP on ...": the agencies before the verb issue it
            issuers = [(a.key, a.start, a.end) for a in agencies if sentence[0] <= a.start and a.end <= verb.start()]
        mention = DocumentMention.named(title, start, end, rule, sentence, issuers=list(issuers),
                                        date=segment.date if segment else "", item=segment.item if segment else 0,
                                        section=segment.section if segment else "")
        found.append(mention)
        taken.append((start, end))
        return mention

    headlines = _headlines(values, rules)
    # "China on Sunday rolled out a two-year plan ...": a generic subject before the verb
    skip = set(headlines)
    for verb_start, start, end, title in phrases:
        segment = _segment_of(prose, starts, start)
        if segment is None or segment in skip or segment.field == "comment" or _overlaps(taken, start, end):
            continue
        sentence_start = sentences.around(verb_start)[0]
        if rules["generic"].search(text[sentence_start:verb_start]) and rules["generic_noun"].search(title, 0, 80):
            quoted = rules["quoted_name"].match(text, start, end)
            if quoted:
                title, end = quoted.group(0), quoted.end()
            add(title, start, end, "document.generic_subject")
    # "..., according to a circular on port safety"
    cited = [s for s in prose if "ccording to a" in text[s.start:s.end]] if "ccording to a" in text else []
    for _, start, end, title in phrase_documents(text, cited, sectors, rules["according"]):
        add(title, start, end, "document.according_to")
    # "The publication of a national plan to decarbonize steel mills is due in autumn."
    cues = [cue for cue in _RELEASE_CUES if cue in text]  # most texts have none: no segment need be read
    released = [s for s in prose if any(cue in text[s.start:s.end] for cue in cues)] if cues else []
    for _, start, end, title in phrase_documents(text, released, sectors, rules["release_of"]):
        add(title, start, end, "document.release_of")
    # "The long-delayed master plan for the river delta was published on Tuesday"
    # every match has "was", "were" or "(has|have) been" in its segment: most segments have none
    passive = [word for word in ("was", "were", "been") if word in text]
    for segment in prose if passive else ():
        if any(text.find(word, segment.start, segment.end) >= 0 for word in passive) and segment not in headlines:
            for match in rules["unveiled"].finditer(text, segment.start, segment.end):
                add(_clean_title(match.group("item")), match.start("item"), match.end("item"), "document.was_issued")
    for match in rules["numbered"].finditer(text):
        mention = add(match.group("title"), match.start("title"), match.end("title"), "document.numbered")
        if mention:
            _issuers_before(values, rules, mention, agencies)
    _alias_documents(values, rules, documents, found, taken)
    _titled(values, rules, add)
    _headline(values, rules, headlines, documents, found, sectors)
    _headline_titles(values, rules, headlines, documents, found)
    _short_forms(values, rules, [*documents, *found])
    _programs_not_documents(values, rules, documents, found, administered)
    found.extend(_passive_issuers(values, rules, [*documents, *found], agencies))
    _spokesman_issuers(values, rules, [*documents, *found], agencies)
    _drop_bracketed_issuers(values, [*documents, *found])
    _iterations(values, rules, documents, found)
    return found


def _iterations(values: DocValues, rules: dict, documents: list[DocumentMention], found: list[DocumentMention]) -> None:
    """"The catalogue is an updated version of the 'X Guide'": fold the document "the catalogue"
    refers to into the named one."""
    text = values.text
    if "is the" not in text and "is an" not in text:
        return
    for match in rules["iteration_of"].finditer(text):
        pools = [documents, found]
        named = next((d for pool in pools for d in pool if any(match.end() <= a <= match.end() + 2 for a, _ in d.spans)), None)
        if named is None:
            continue
        referent = refers_to([d for pool in pools for d in pool if d is not named], match.group("noun"), match.start())
        if referent is None:
            continue
        named.names.extend(referent.names)
        named.spans.extend(referent.spans)
        named.issuers.extend(i for i in referent.issuers if i[0] not in {key for key, _, _ in named.issuers})
        named.evidence.extend(referent.evidence)
        named.date = named.date or referent.date
        for pool in pools:
            if referent in pool:
                pool.remove(referent)


def _spokesman_issuers(values: DocValues, rules: dict, documents: list[DocumentMention], agencies) -> None:
    """"We will soon issue the Opinions on ..." at a ministry's press conference: the
    ministry whose conference it is (named in a heading line with "press conference") issues it."""
    text = values.text
    if "e will" not in text:
        return
    host = None
    for segment in values.layout.segments[:8]:
        line = text[segment.start:segment.end]
        if len(line) < 160 and rules["press_conference"].search(line):
            host = next((a for a in agencies if segment.start <= a.start < segment.end and a.label == "Agency"), None)
            if host:
                break
    if host is None:
        return
    for document in documents:
        for start, _ in document.spans:
            if rules["we_issue"].search(text, max(0, start - 80), start) and host.key not in {k for k, _, _ in document.issuers}:
                document.issuers.append((host.key, host.start, host.end))
                document.evidence.append(values.sentences.around(start))


def _drop_bracketed_issuers(values: DocValues, documents: list[DocumentMention]) -> None:
    """"The Standing Committee of the Ruritanian Labour Party (RLP) approved ...": the bracket after
    an agency's name abbreviates a body inside that name, which issues nothing itself."""
    text = values.text
    ends = {e.end for e in values.entities if e.label == "Agency"}
    for document in documents:
        document.issuers = [(key, start, end) for key, start, end in document.issuers
                            if not (text[max(0, start - 2):start] == " (" and start - 2 in ends)]


def _issuers_before(values: DocValues, rules: dict, mention: DocumentMention, agencies) -> None:
    """The sentence before names who issued a document it only describes: its agencies before the
    issuing verb issue ``mention``, and its words after the verb describe it (a span of it)."""
    sentences = values.sentences
    start = sentences.around(mention.start)[0]
    if start == 0:
        return
    before_start, before_end = sentences.around(start - 1)
    verb = rules["issue_verb"].search(values.text, before_start, before_end)
    if not verb:
        return
    issuers = [(a.key, a.start, a.end) for a in agencies if before_start <= a.start and a.end <= verb.start() and a.label == "Agency"]
    if issuers:
        mention.issuers.extend(issuers)
        mention.spans.append((verb.end(), before_end))
        mention.evidence.append((before_start, before_end))


def _titled(values: DocValues, rules: dict, add) -> None:
    """Titles in title case, five-year plans and government work reports anywhere in the text."""
    text = values.text
    titles = []
    for found in rules["head_noun"].finditer(text):
        if found.start() and text[found.start() - 1].isalnum():
            continue
        lead = rules["title_lead"].search(text, max(0, found.start() - 24), found.start())
        begin = lead.start() if lead else found.start()
        match = rules["title_head"].match(text, begin, begin + 400)
        if match:
            titles.append((match.start(), match.group("title")))
    for found in rules["end_noun"].finditer(text):
        if found.start() > 1 and text[found.start() - 1] == " " and text[found.start() - 2].isalnum():
            match = rules["title_end"].search(text, max(0, found.start() - 120), found.start())
            if match:
                titles.append((match.start(), match.group("title") + found.group("noun")))
    for start, title in titles:
        cut = _title_start(title, rules["title_stop"])
        if len(title[cut:].split()) >= 2 and "\n" not in title:
            add(title[cut:], start + cut, start + len(title), "document.title_case")
    # a hint has "FYP" or "ear" before "plan": the literal scans are far cheaper than the pattern's
    for hint in rules["fyp_hint"].finditer(text) if "FYP" in text or _EAR_PLAN.search(text) else ():
        match = rules["fyp"].search(text, max(0, hint.start() - 12), hint.end() + 8)
        if not match or match.end() < hint.end():
            continue
        ordinal = match.group("n") + match.group("suffix")
        after = text[match.end():match.end() + 80]
        sector = rules["fyp_sector"].match(after)
        if sector and not rules["fyp_not"].match(after):
            end = match.end() + len(after[:sector.end()].rstrip())
            surface = re.sub(r"\s*\(FYP\)", "", text[match.start():end])
            add(" ".join(surface.split()), match.start(), end, "document.five_year_plan", nested=True)
        else:
            mention = add(f"{ordinal} Five-Year Plan", match.start(), match.end(), "document.five_year_plan", nested=True)
            if mention and text[match.start():match.end()] != mention.title:
                mention.names.append(text[match.start():match.end()])
    for match in rules["work_report"].finditer(text) if "overnment" in text and "eport" in text else ():
        year = match.group("year")
        add(f"{year} government work report" if year else "Government Work Report", match.start(), match.end(),
            "document.work_report", nested=True)


def _alias_documents(values: DocValues, rules: dict, documents: list[DocumentMention], found: list[DocumentMention], taken) -> None:
    """Documents the alias tables know (laws, acts): mentions with the PolicyDocument label; and
    quoted names the entity rules took for programmes that are titles ("'Advanced Materials
    Guide'", "General Policy on Port Development")."""
    text = values.text
    known = {d.key: d for d in [*documents, *found]}
    entities = values.entities
    for index, mention in enumerate(entities):
        name = text[mention.start:mention.end]
        if mention.label == "Program" and not mention.key.startswith("id:") and rules["document_name"].search(name):
            entities[index] = mention = mention._replace(label="PolicyDocument")
            if _overlaps(taken, mention.start, mention.end):  # a document rule has it already
                entities[index] = mention._replace(label="")
                continue
        if mention.label != "PolicyDocument":
            continue
        taken.append((mention.start, mention.end))
        name = text[mention.start:mention.end]
        if mention.key in known:
            known[mention.key].names.append(name)
            known[mention.key].spans.append((mention.start, mention.end))
            continue
        document = DocumentMention(mention.key, name, mention.start, mention.end, "document.alias", names=[name],
                                   spans=[(mention.start, mention.end)], evidence=[values.sentences.around(mention.start)])
        known[mention.key] = document
        found.append(document)
    entities[:] = [e for e in entities if e.label]


def _programs_not_documents(values: DocValues, rules: dict, documents: list[DocumentMention], found: list[DocumentMention],
                            administered: list) -> None:
    """A phrase that is a programme's name (a quoted "Made in China 2025" strategy) or a programme's
    policy ("MIIT rolled out the Little Giants policy ...") is no document: the programme stays, and
    whoever issued the phrase administers it."""
    text = values.text
    programs = [e for e in values.entities if e.label == "Program"]
    for pool in (documents, found):
        for document in list(pool):
            if document.rule not in ("document.phrase", "document.quoted", "document.generic_subject", "document.list"):
                continue
            listed = rules["institution_list"].match(document.title)
            if listed:
                _institution_programme(values, document, listed.group("name"), administered)
                pool.remove(document)
                continue
            start, end = document.spans[0]
            program = next((p for p in programs if p.start <= start + 1 and start < p.end), None)
            if program is None:
                continue
            rest = text[program.end:end]
            if rest.strip(" '\"’”") and not rules["program_word"].match(rest):
                continue
            pool.remove(document)
            for key, _, _ in document.issuers:
                administered.append((key, program.key, *(document.evidence[0] if document.evidence else (start, end))))


def _institution_programme(values: DocValues, document: DocumentMention, name: str, administered: list) -> None:
    """The programme a list of institutions names ("pilot robotics colleges"), as an entity
    mention of its own; whoever released the list administers it."""
    start = values.text.find(name, document.start, document.end + 1)
    if start < 0:
        return
    mention = Mention(start, start + len(name), "Program", f"Program:{name_signature(name)}", "program.institution_list")
    entities = values.entities
    entities.insert(bisect_left([e.start for e in entities], start), mention)
    for key, _, _ in document.issuers:
        administered.append((key, mention.key, *(document.evidence[0] if document.evidence else (start, mention.end))))


def _headline_titles(values: DocValues, rules: dict, headlines: list[Segment], documents: list[DocumentMention],
                     found: list[DocumentMention]) -> None:
    """"3. Battery boom: Lithium battery plan seeks ...": a heading's short title of a
    document names the item's (or the story's) document when they share a word, else a document of
    its own."""
    text = values.text
    lines = [*headlines, *(s for s in values.layout.segments if s.kind == "heading")]
    for segment in lines:
        match = rules["headline_title"].search(text, segment.start, segment.end)
        if not match:
            continue
        title, start, end = match.group("title"), match.start("title"), match.end("title")
        words = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", title)} - {"plan", "policy", "guideline", "guidelines", "strategy"}
        pool = [d for d in [*documents, *found] if d.start > segment.end and (not segment.item or d.item == segment.item)]
        same = [d for d in pool if words & {w.lower() for w in re.findall(r"[A-Za-z]{4,}", " ".join(d.names))}]
        if same:
            main = min(same, key=lambda d: d.start)
            main.names.append(title)
            main.spans.append((start, end))
        elif not any(d.start <= start < d.end for d in [*documents, *found]):
            found.append(DocumentMention.named(title, start, end, "document.headline", (segment.start, segment.end),
                                               item=segment.item, section=segment.section))


def _short_forms(values: DocValues, rules: dict, documents: list[DocumentMention]) -> None:
    """"The 2023 Government Work Report (hereinafter the 'Report')": a bracketed short form sharing a word with the
    title is one more name of the document; an entity rule's programme on it is dropped."""
    text = values.text
    sentences = values.sentences
    for document in documents:
        _, sentence_end = sentences.around(document.start)
        match = rules["short_form"].search(text, document.end, min(sentence_end, document.end + 200))
        if not match:
            continue
        alias = match.group("alias").strip()
        if {w.lower() for w in alias.split()} & {w.lower() for w in document.title.split()}:
            document.names.append(alias)
            start, end = match.start("alias"), match.end("alias")
            document.spans.append((start, end))
            values.entities[:] = [e for e in values.entities if not (e.label == "Program" and start <= e.start and e.end <= end)]


def _headlines(values: DocValues, rules: dict) -> list[Segment]:
    """Short lines without a full stop among the first lines of a text: its headline."""
    text = values.text
    lines = [s for s in values.layout.segments if s.section == "front" and s.kind == "paragraph"][:4]
    return [s for s in lines if s.end - s.start <= rules["headline_max"] and not text[s.start:s.end].rstrip().endswith(".")]


def _headline(values: DocValues, rules: dict, headlines: list[Segment], documents: list[DocumentMention],
              found: list[DocumentMention], sectors) -> None:
    """The story's headline: "China unveils action plan on shipbuilding upgrades" names the
    story's main document; its words become one more name of it (or the document, if the body
    names none)."""
    text = values.text
    for segment in headlines:
        for verb_start, start, end, title in phrase_documents(text, [segment], sectors):
            if not rules["generic"].search(text[segment.start:verb_start]):
                continue
            body = [d for d in [*documents, *found] if d.start > segment.end and d.rule != "document.five_year_plan"]
            if body:
                main = min(body, key=lambda d: d.start)
                main.names.append(title)
                main.spans.append((start, end))
            else:
                found.append(DocumentMention.named(title, start, end, "document.headline", (segment.start, segment.end)))
            return


def _passive_issuers(values: DocValues, rules: dict, documents: list[DocumentMention], agencies) -> list[DocumentMention]:
    """"The plan, issued by A and B, ...", "a guideline ..., issued jointly by A, B and C",
    "Released by four ministries including A, the plan ...", "The plan was adopted at a State
    Council executive meeting": the agencies after "by" (or the meeting's body) issue the document
    named just before, or the one an anaphor ("the plan") refers to."""
    created: list[DocumentMention] = []
    text = values.text
    sentences = values.sentences
    starts = [a.start for a in agencies]
    by_start = sorted(((a, b, d) for d in documents for a, b in d.spans), key=lambda t: (t[0], t[1]))
    span_starts = [a for a, _, _ in by_start]
    cues = []  # (cue start, end of the issuers' part, issuers)
    for by in _BY.finditer(text):
        if by.start() and text[by.start() - 1].isalnum():
            continue
        match = rules["issued_by"].search(text, max(0, by.start() - 60), by.end())
        if not match:
            continue
        sentence_end = sentences.around(match.start())[1]
        stop = rules["issuers_end"].search(text, match.end(), sentence_end)
        by_end = stop.start() if stop else sentence_end
        named = [(a.key, a.start, a.end) for a in agencies[bisect_left(starts, match.end()):bisect_left(starts, by_end)]
                 if a.end <= by_end]
        cues.append((match.start(), by_end, named + _agency_anaphora(values, rules, agencies, match.end(), by_end)))
    for agency in agencies:  # "The plan was adopted at a State Council executive meeting chaired by ..."
        meeting = rules["meeting_after"].match(text, agency.end)
        adopted = rules["adopted_at"].search(text, max(0, agency.start - 50), agency.start) if meeting else None
        if adopted and agency.label == "Agency":
            cues.append((adopted.start(), meeting.end(), [(agency.key, agency.start, agency.end)]))
    for cue_start, by_end, named in cues:
        if not named:
            continue
        sentence_start, sentence_end = sentences.around(cue_start)
        before = text[sentence_start:cue_start]
        target = None
        spans = [(b, d) for a, b, d in by_start[bisect_left(span_starts, sentence_start):bisect_left(span_starts, cue_start)]
                 if b <= cue_start]
        if spans:
            target = max(spans, key=lambda pair: pair[0])[1]
        else:
            anaphor = rules["anaphor_before"].search(before) or rules["anaphor_after"].match(text, by_end, sentence_end)
            if anaphor:
                target = refers_to(documents, anaphor.group("noun"), cue_start)
            else:
                # "pointed to a guideline on building ..., issued jointly by A and B": a document named here
                named_here = rules["indefinite"].search(before)
                if named_here:
                    start = sentence_start + named_here.start("item")
                    target = DocumentMention.named(_clean_title(named_here.group("item")), start,
                                                   sentence_start + named_here.end("item"), "document.issued_by",
                                                   (sentence_start, sentence_end))
                    documents.append(target)
                    created.append(target)
        if target is None:
            continue
        seen = {key for key, _, _ in target.issuers}
        for issuer in named:
            if issuer[0] not in seen:
                seen.add(issuer[0])
                target.issuers.append(issuer)
        target.evidence.append((sentence_start, sentence_end))
    return created


def _agency_anaphora(values: DocValues, rules: dict, agencies, start: int, end: int) -> list[Issuer]:
    """"by three agencies including the administration and ...": "the administration" is the latest
    agency named before with that head noun ("the National Data Administration")."""
    text = values.text
    found = []
    for match in rules["agency_anaphora"].finditer(text, start, end):
        if any(a.start <= match.start() < a.end for a in agencies):
            continue
        noun = match.group("noun").lower()
        earlier = [a for a in agencies if a.end <= start and noun in text[a.start:a.end].lower()]
        if earlier:
            agency = earlier[-1]
            found.append((agency.key, match.start(), match.end()))
    return found
