"""Find entity mentions: alias tables first, then name patterns for what no table lists.

Third step of the pipeline. Candidates may overlap; `choose_entities` keeps the longest
(an alias-table match beats a pattern match of the same length) and the result becomes
``doc.ents`` and ``doc._.entities`` (plain `Mention` tuples, which later steps read). Each entity
carries a local key (``ent.kb_id_``, ``Mention.key``): mentions with the same key are
one thing inside this briefing (an acronym and its definition, "Hygon" and "Hygon Information
Technology"). Merging keys across briefings is `kg.resolve`'s job, not this module's.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from typing import NamedTuple

import numpy
from spacy.attrs import ENT_IOB, ENT_KB_ID, ENT_TYPE, IDX, LENGTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from extract.abbreviations import find_definitions
from extract.enumerations import enumerated_sectors
from extract.lexicon import CONNECTORS, KnownEntity, load_known_entities, load_rules, name_signature
from extract.segment import Intervals, Layout

_CAP = r"(?:[A-Z][\w'&.\-]*[\w&]|[A-Z]|\d+[A-Za-z][\w\-]*)"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_PREFIX = re.compile(r"^(?:[A-Z][\w.\-]*(?: [A-Z][\w.\-]*)?-based |[A-Z][\w.\-]*'s )")
_LEADING = {"The", "A", "An", "This", "That", "Its", "Their", "Our", "In", "On", "For", "By", "As", "At",
            "With", "From", "And", "But", "Both", "Meanwhile", "However", "Also", "While", "After", "When"}
_SECTOR_STOP = {"this", "that", "whole", "entire", "domestic", "private", "public", "key", "the", "its", "their",
                "our", "related", "relevant", "other", "same", "such", "many", "various", "global", "national",
                "local", "industrial", "strategic", "emerging", "chinese", "china's", "an", "a", "which", "every",
                "each", "these", "those", "all", "new", "specific", "particular", "target", "traditional",
                "manufacturing", "overall", "respective", "certain", "advanced", "digital", "sub", "different",
                "four", "two", "three", "five", "ten", "nine", "several", "tech", "high-tech", "in", "of", "and",
                "priority", "real", "broader", "european", "western", "foreign", "major", "leading", "core",
                "over", "to", "towards", "with", "up", "more", "will", "open", "create", "regional", "heavy", "into",
                "for", "from", "by", "on", "at", "as", "is", "are", "was", "be", "has", "have", "whose", "than",
                "most", "less", "very", "also", "not", "only", "still", "further", "cover", "equipment", "data"}
_WORD_CHAR = re.compile(r"[\w-]")
_HEAD_CLASSES = ("Agency", "Organization", "Place", "Program")
PRIORITY = {"alias": 3, "abbreviation": 2, "pattern": 1}


class Candidate(NamedTuple):
    """A possible entity mention, before overlaps are resolved."""

    start: int
    end: int
    label: str
    key: str
    rule: str
    priority: int


def _variants(alias: str, label: str) -> set[str]:
    """Singular and plural forms of sector names, so tables list each sector once."""
    forms = {alias}
    if label == "Sector" and alias.islower() and alias.isascii():
        if alias.endswith("s") and not alias.endswith("ss"):
            forms.add(alias[:-1])
        elif not alias.endswith(("y", "ing", "ics", "ry")):
            forms.add(alias + "s")
    return forms


def _case_sensitive(alias: str) -> bool:
    """Acronyms and short capitalised names match exactly; longer names on lower case.

    "MOST" is also the word "most" and "Gree" a typo away from "green", while "ministry of
    finance" in lower case is still the ministry.
    """
    words = alias.split()
    return any(ch.isupper() for ch in alias) and (len(words) <= 2 or alias.isupper())


_UNEVEN_SPACE = re.compile(r"\s\s|[^\S ]")  # any space but single blanks: the surface needs collapsing


class AliasMatcher:
    """One lower-case PhraseMatcher over every alias of every table; forms that must match in
    their own case (acronyms, short capitalised names) are checked on the matched text."""

    def __init__(self, nlp: Language, known: tuple[KnownEntity, ...]):
        # One matcher on lower case; case-sensitive forms are checked on the matched text after.
        # (Two matchers, one per attribute, read the whole Doc twice.)
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.labels: dict[int, tuple[str, str]] = {}  # match id -> (class, candidate key)
        self.exact: dict[int, set[str]] = {}
        self.lower: dict[int, set[str]] = {}
        for entity in known:
            key = nlp.vocab.strings.add(entity.id)
            self.labels[key] = (entity.cls, f"id:{entity.id}")
            forms = []
            for alias in (*entity.aliases, *entity.former_names, *((entity.zh,) if entity.zh else ())):
                for form in _variants(alias, entity.cls):
                    if _case_sensitive(form):
                        self.exact.setdefault(key, set()).add(" ".join(form.split()))
                    else:
                        self.lower.setdefault(key, set()).add(" ".join(form.lower().split()))
                    forms.append(nlp.make_doc(form))
            if forms:
                self.matcher.add(entity.id, forms)

    def __call__(self, doc: Doc) -> list[Candidate]:
        found = []
        matches = self.matcher(doc)
        if not matches:
            return found
        text = doc._.text
        offsets = token_offsets(doc)  # token offsets at once: a Span per match costs more
        token_starts, token_ends = offsets[:, 0].tolist(), (offsets[:, 0] + offsets[:, 1]).tolist()
        for match_id, start, end in matches:
            start_char, end_char = token_starts[start], token_ends[end - 1]
            surface = text[start_char:end_char]
            if _UNEVEN_SPACE.search(surface):
                surface = " ".join(surface.split())
            if surface.lower() in self.lower.get(match_id, ()) or surface in self.exact.get(match_id, ()):
                cls, key = self.labels[match_id]
                found.append(Candidate(start_char, end_char, cls, key, "alias", 3))
        return found


# "a national AI industry investment fund": how a programme phrase opens, up to its last word
_PROGRAM_PHRASE_START = r"(?:national|state|basic|new|pilot)(?: [a-z][a-z\-]*){0,5}? "
_SUFFIX_NAME_SPACES = 3  # "China Merchants Energy Shipping Co": at most four words before the suffix
_HEAD_NAME_SPACES = 8


@lru_cache(maxsize=1)
def _name_patterns() -> dict[str, re.Pattern]:
    rules = load_rules("names.yml")
    alternation = lambda words: "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))  # noqa: E731
    name = rf"{_CAP}(?:[ \-]{_CAP}){{0,4}}"
    heads = {cls: alternation(words) for cls, words in rules["head_nouns"].items()}
    launched = rules["launched_programs"]
    launched_head = rf"(?:{alternation(launched['heads'])}) (?:{alternation(launched['links'])}) "  # "pilot program for "
    return {
        "descriptor": re.compile(rf"\b(?:{alternation(rules['firm_descriptors'])})\s+(?P<name>{name})"),
        # Names that end in a given word are found from that word backwards: the word is rare, a
        # capital letter is not, and trying every capital as a name's start made these the slowest rules.
        "suffix": (re.compile(rf" (?:{alternation(rules['firm_suffixes'])})(?![\w])"),
                   re.compile(rf"(?<![\w']){_CAP}(?: {_CAP}){{0,{_SUFFIX_NAME_SPACES}}}\Z"), _SUFFIX_NAME_SPACES),
        "deal_subject": (re.compile(rf"\s(?P<at>{alternation(rules['deal_verbs'])})\b"),
                         re.compile(rf"(?<![\w']){name}\s+\Z")),
        "person": re.compile(rf"\b(?:{alternation(rules['person_titles'])})\s+(?P<name>[A-Z][a-z]+(?: [A-Z][a-z]+){{1,2}})\b"),
        # one pass for every class: the head noun that ends the name says which class it is
        "head": (re.compile(rf" (?:{'|'.join(f'(?P<{cls}>{head})' for cls, head in heads.items())})"
                            rf"(?: of(?: the)?(?: {_CAP}){{1,4}})?(?![\w])"),
                 re.compile(rf"(?<![\w']){_CAP}(?: (?:{_CAP}|of|and|for|on|in)){{0,{_HEAD_NAME_SPACES}}}\Z"), _HEAD_NAME_SPACES),
        "program_phrase": re.compile(rf"\b(?:a|an|the|its|their)\s+(?P<name>{_PROGRAM_PHRASE_START}"
                                     r"(?:fund|scheme|pilot program|pilot programme|pilot zone|pilot))\b"),
        "launched_program": _launched_program_pattern(launched_head, rules["launched_programs"], alternation),
        # the quote first, then the look back: a pattern that opens with a character the engine can skip to
        "quoted": re.compile(r"[\"'](?<![\w][\"'])(?P<name>[A-Z0-9][^\"'\n]{2,60}?)[\"'](?![\w-])"),
        "document_tail": re.compile(rf"\b(?:{alternation(w.title() for w in load_rules('documents.yml')['document_nouns'])})$"),
        # "its hydrogen industry", "China's electrolyzer sector": a determiner before the name keeps
        # verbs and adjectives out ("to identify sectors", "labor-intensive sectors").
        "sector": re.compile(r"(?:\b(?:the|its|their|our|this|whose)|[A-Z]\w*['’]s) (?P<name>[a-z][a-z\-]+(?: [a-z][a-z\-]+){0,2}) "
                             r"(?:industry|industries|sector|sectors)\b"),
        "not_names": set(rules["not_names"]),
        "person_words": tuple(rules["person_titles"]),
        # Cues: what a text must contain for the pattern of the same name to match. They open with
        # a word, not a look back, so the regex engine skips straight to it; most briefings lack them.
        "launched_program_cue": re.compile(launched_head),
        "program_phrase_cue": re.compile(rf"{_PROGRAM_PHRASE_START}(?:fund|scheme|pilot)\b"),
    }


@lru_cache(maxsize=1)
def _place_words() -> frozenset[str]:
    places = {name for e in load_known_entities() if e.cls == "Place" for name in (e.label, *e.aliases)}
    return frozenset({*places, *load_rules("names.yml")["nationalities"]})


def _only_places_before_suffix(name: str) -> bool:
    """"China Industries" or "European Technologies" names a place and a trade, not a firm."""
    words = name.split()
    return len(words) >= 2 and all(w in _place_words() for w in words[:-1])


def _launched_program_pattern(head: str, rules: dict, alternation) -> re.Pattern:
    lead_in = alternation(rules["lead_in"])
    return re.compile(
        rf"\b(?:{alternation(rules['verbs'])})\s+(?:(?:{lead_in})\s+)*"
        rf"(?P<name>{head}[^,.;:()\n\"]{{5,90}}?)"
        r"(?=[,.;:(\n\"]|\s(?:which|that|allowing|while|by 20\d\d|in order)\b|$)"
    )


def _trim_leading(text: str, start: int) -> tuple[str, int]:
    words = text.split(" ")
    while len(words) > 1 and words[0] in _LEADING:
        start += len(words[0]) + 1
        words = words[1:]
    return " ".join(words), start


def _norm_key(label: str, text: str) -> str:
    return f"{label}:{name_signature(text)}"


def _ending_at(text: str, anchor: re.Pattern, before: re.Pattern, spaces: int | None = None, reach: int = 160):
    """(name, anchor) pairs: each anchor word (its group "at", when it has one), and the leftmost
    name that runs up to it.

    A name ``before`` matches holds at most ``spaces`` spaces (and no other white space), so it
    starts after that many and one more: the search need not try the positions before.
    """
    grouped = "at" in anchor.groupindex
    for found in anchor.finditer(text):
        at = found.start("at") if grouped else found.start()
        start = max(0, at - reach)
        if spaces is not None:
            space = at
            for _ in range(spaces + 1):
                space = text.rfind(" ", start, space)
                if space < 0:
                    break
            start = max(start, space + 1)
        name = before.search(text, start, at)
        if name:
            yield name, found


def _when_any(text: str, words: tuple[str, ...], pattern: re.Pattern):
    """The pattern's matches, when one of the words it cannot match without occurs at all: a
    substring search is far cheaper than trying the pattern at every position of the text."""
    return pattern.finditer(text) if any(word in text for word in words) else ()


def _when_found(text: str, cue: re.Pattern, pattern: re.Pattern):
    """The pattern's matches, when the text holds its cue, which every match contains: the cue's
    search skips ahead to its words, far cheaper than trying the pattern at every position."""
    return pattern.finditer(text) if cue.search(text) else ()


def pattern_candidates(text: str, allowed: Intervals) -> list[Candidate]:
    """Names that no table lists, found by descriptors, suffixes, head nouns and quotes."""
    patterns = _name_patterns()
    not_names = patterns["not_names"]
    found: list[Candidate] = []

    def add(start: int, name: str, label: str, rule: str, priority: int = 1) -> None:
        name, start = _trim_leading(name.rstrip(".,'"), start)
        if name.endswith("'s"):
            name = name[:-2]
        prefix = _PREFIX.match(name)  # "Shanghai-based LaNova Medicines", "the EU's Carbon Border Adjustment Mechanism"
        if prefix and prefix.end() < len(name) and (label != "Place" or prefix.group(0).endswith("-based ")):
            name, start = name[prefix.end():], start + prefix.end()
        if label == "Firm" and rule in ("firm.suffix", "firm.descriptor") and _only_places_before_suffix(name):
            return
        if not name or name in not_names or len(name) < 2:
            return
        end = start + len(name)
        if allowed.holds(start, end):
            found.append(Candidate(start, end, label, _norm_key(label, name), rule, priority))

    for match in patterns["descriptor"].finditer(text):
        add(match.start("name"), match.group("name"), "Firm", "firm.descriptor")
    for name, anchor in _ending_at(text, *patterns["suffix"]):
        add(name.start(), text[name.start():anchor.end()], "Firm", "firm.suffix")
    for name, _ in _ending_at(text, *patterns["deal_subject"]):
        add(name.start(), name.group(0).rstrip(), "Firm", "firm.deal_subject", 0)
    for match in _when_any(text, patterns["person_words"], patterns["person"]):
        add(match.start("name"), match.group("name"), "Person", "person.title")
    for name, anchor in _ending_at(text, *patterns["head"]):
        cls = next(c for c in _HEAD_CLASSES if anchor.group(c))
        add(name.start(), text[name.start():anchor.end()], cls, f"{cls.lower()}.head_noun")
    for match in _when_found(text, patterns["launched_program_cue"], patterns["launched_program"]):
        add(match.start("name"), match.group("name"), "Program", "program.launched")
    for match in _when_found(text, patterns["program_phrase_cue"], patterns["program_phrase"]):
        add(match.start("name"), match.group("name"), "Program", "program.phrase")
    for match in patterns["quoted"].finditer(text):
        name = match.group("name")
        content = [w for w in name.split() if w.lower() not in CONNECTORS]
        if patterns["document_tail"].search(name) or not re.search(r"[A-Za-z]{3}", name):
            continue  # a quoted document title ("... White Paper") or a formula ("1+N")
        if len(name.split()) <= 8 and not name.endswith((".", ",")) and all(w[0].isupper() or w[0].isdigit() for w in content):
            add(match.start("name"), name, "Program", "program.quoted", 0)
    for match in patterns["sector"].finditer(text):
        words = match.group("name").split()
        while words and words[0] in _SECTOR_STOP:
            words = words[1:]
        if words and not any(w in _SECTOR_STOP or w.endswith(("ize", "ise", "ing", "ed", "ly")) for w in words):
            name = " ".join(words)
            start = match.end("name") - len(name)
            found.append(Candidate(start, match.end("name"), "Sector", _norm_key("Sector", name), "sector.industry_noun", 0))
    return found


def abbreviation_candidates(
    text: str, alias_cands: list[Candidate], allowed: Intervals
) -> tuple[list[Candidate], dict[str, str]]:
    """Long forms that define a short form, and a map from short form to the long form's key."""
    by_span = {(c.start, c.end): c for c in alias_cands}
    found, short_keys = [], {}
    for definition in find_definitions(text):
        if not allowed.holds(definition.long_start, definition.short_end):
            continue
        known = by_span.get((definition.long_start, definition.long_end))
        if known:
            short_keys.setdefault(definition.short_form, known.key)
            label = known.label
            key = known.key
        else:
            label = classify_name(definition.long_form)
            if label is None:
                continue
            key = _norm_key(label, definition.long_form)
            short_keys.setdefault(definition.short_form, key)
            found.append(Candidate(definition.long_start, definition.long_end, label, key, "abbreviation.long", 2))
        found.append(Candidate(definition.short_start, definition.short_end, label, key, "abbreviation.short", 2))
    return found, short_keys


def classify_name(name: str) -> str | None:
    """The class an unknown capitalised name belongs to, from its last word or firm suffix."""
    rules = load_rules("names.yml")
    last = name.split()[-1]
    for cls, heads in rules["head_nouns"].items():
        if last in heads:
            return cls
    if last in rules["firm_suffixes"]:
        return "Firm"
    return None


def bare_short_forms(text: str, short_keys: dict[str, str], labels: dict[str, str], allowed: Intervals) -> list[Candidate]:
    """Later uses of a defined short form, matched exactly as written."""
    found = []
    for short, key in short_keys.items():
        for start in _occurrences(text, short):
            if allowed.holds(start, start + len(short)):
                found.append(Candidate(start, start + len(short), labels[key], key, "abbreviation.bare", 2))
    return found


def _occurrences(text: str, word: str):
    """Start offsets of ``word`` as a whole word (not inside a longer word or a hyphenated one).

    A plain search per name: a regular expression per name and per briefing would be compiled
    again for every briefing."""
    start = text.find(word)
    while start >= 0:
        end = start + len(word)
        if (start == 0 or not _WORD_CHAR.match(text[start - 1])) and (end == len(text) or not _WORD_CHAR.match(text[end])):
            yield start
        start = text.find(word, start + 1)


def in_compound(text: str, start: int, end: int) -> bool:
    """Whether a match is one half of a hyphenated modifier: "energy-rich", "energy-efficient"."""
    after = text[end:end + 2]
    before = text[max(0, start - 2):start]
    return len(after) == 2 and after[0] == "-" and after[1].isalpha() or len(before) == 2 and before[1] == "-" and before[0].isalpha()


def _modifies_other_noun(text: str, candidate: Candidate) -> bool:
    return in_compound(text, candidate.start, candidate.end) or names_other_thing(text, candidate.start, candidate.end)


@lru_cache(maxsize=1)
def _modifier_contexts() -> tuple[re.Pattern, re.Pattern, tuple[str, ...]]:
    rules = load_rules("names.yml")["sector_modifiers"]
    words = lambda key: "|".join(re.escape(w) for w in rules[key])  # noqa: E731
    return (re.compile(rf"\s+(?:{words('heads')})\b", re.IGNORECASE), re.compile(rf"\b(?:{words('before')})\s+$", re.IGNORECASE),
            tuple(w.lower() for w in rules["before"]))


def names_other_thing(text: str, start: int, end: int) -> bool:
    """Whether a sector word only qualifies another noun: "energy consumption", "greenhouse gas".

    Such phrases talk about a quantity or a side effect, not about the industry, so a sector
    node for them would be noise in the graph. The word lists live in ``names.yml``.
    """
    heads, before, before_words = _modifier_contexts()
    if heads.match(text, end):
        return True
    window = text[max(0, start - 30):start]
    if window.isascii() and not window.rstrip().lower().endswith(before_words):  # the pattern needs one of them last
        return False
    return bool(before.search(window))


def enumeration_candidates(doc: Doc, known: list[Candidate], allowed: Intervals) -> list[Candidate]:
    """Unknown items of sector lists, sentence by sentence (see `extract.enumerations`)."""
    sectors = [(c.start, c.end) for c in known if c.label == "Sector"]
    text = doc._.text
    found = []
    for start, end in doc._.sentences:
        sentence = text[start:end]
        if ", " not in sentence or not allowed.touches(start):
            continue
        for item in enumerated_sectors(sentence, start, sectors):
            found.append(Candidate(item.start, item.end, "Sector", _norm_key("Sector", item.text), "sector.enumeration", 0))
    return found


def drop_crossing(candidates: list[Candidate]) -> list[Candidate]:
    """Drop pattern matches that cut through an alias-table match.

    A pattern may extend a known name ("Beijing Municipal ... Bureau" contains "Beijing"), but
    "MIIT and the Chinese Academy" cuts "Chinese Academy of Sciences" in two and is wrong.
    """
    known = sorted((c for c in candidates if c.priority >= PRIORITY["abbreviation"]), key=lambda c: c.start)
    starts = [k.start for k in known]
    longest = max((k.end - k.start for k in known), default=0)
    kept = []
    for c in candidates:
        if c.priority < PRIORITY["abbreviation"]:
            near = known[bisect_left(starts, c.start - longest):bisect_left(starts, c.end)]  # only these can overlap c
            if any(k.start < c.end and c.start < k.end and not (c.start <= k.start and k.end <= c.end) for k in near):
                continue
        kept.append(c)
    return kept


def choose_entities(candidates: list[Candidate]) -> list[Candidate]:
    """Keep non-overlapping candidates: longest first, then the more trusted rule.

    The same policy as spaCy's `util.filter_spans`, with a tie-break on the rule's priority so
    an alias-table match beats a descriptor pattern that found the same span.
    """
    ordered = sorted(candidates, key=lambda c: (-(c.end - c.start), -c.priority, c.start))
    taken: list[Candidate] = []
    starts: list[int] = []  # the taken spans, kept sorted by start; they never overlap
    for candidate in ordered:
        index = bisect_left(starts, candidate.end)
        if index and taken[index - 1].end > candidate.start:
            continue
        starts.insert(index, candidate.start)
        taken.insert(index, candidate)
    return taken


def repeat_found_names(text: str, chosen: list[Candidate], allowed: Intervals) -> list[Candidate]:
    """Other mentions of a name a pattern found once: "arm Hubble invests ..." makes the later
    "This is Hubble's 28th semiconductor investment" a mention of the same firm.

    A briefing introduces an unknown firm once, with its descriptor, and then uses the bare name;
    one sense per document is the rule an analyst reads by.
    """
    names = {text[c.start:c.end]: c for c in chosen if c.rule.startswith("firm.") and c.end - c.start > 3}
    if not names:
        return chosen
    occupied = Intervals.of((c.start, c.end) for c in chosen)
    extra = []
    for name, source in names.items():
        for start in _occurrences(text, name):
            end = start + len(name)
            if not occupied.overlaps(start, end) and allowed.holds(start, end):
                extra.append(Candidate(start, end, source.label, source.key, "firm.repeated", 0))
    return sorted([*chosen, *extra], key=lambda c: c.start)


def link_short_names(chosen: list[Candidate]) -> list[Candidate]:
    """Give "Hygon" the key of "Hygon Information Technology" when both occur in a briefing."""
    long_names = {}
    for c in chosen:
        if c.label == "Firm" and c.rule != "alias":
            long_names.setdefault(c.key.split(":", 1)[1].split()[0], c.key)
    linked = []
    for c in chosen:
        name = c.key.split(":", 1)[1]
        if c.label == "Firm" and " " not in name and name in long_names and long_names[name] != c.key and not c.key.startswith("id:"):
            c = Candidate(c.start, c.end, c.label, long_names[name], c.rule, c.priority)
        linked.append(c)
    return linked


# Title Case in a document's title is no sign of a name: "Selection of Advanced and Applicable
# Technologies" holds no firm. Quoted programmes and alias-table names in titles still count.
_NOT_IN_TITLES = {"firm.suffix", "firm.descriptor", "firm.deal_subject", "organization.head_noun", "program.head_noun"}


def _masthead(segment, body: int | None, text: str) -> bool:
    """The briefing's own title, date and authors above its first section (starting at ``body``):
    no entities there."""
    if segment.section != "front" or len(text[segment.start:segment.end].split()) > 8:
        return False
    return body is not None and body > segment.start


class Mention(NamedTuple):
    """One entity mention as plain values. Later steps read these, not Spans: a Span builds its
    label and id strings on every access, and that cost more than finding the entities."""

    start: int
    end: int
    label: str
    key: str
    rule: str


def token_offsets(doc: Doc):
    """Each token's (character offset, length), as the segmenter read them, or read now."""
    return doc._.offsets if doc._.offsets is not None else doc.to_array([IDX, LENGTH])


def set_entities(doc: Doc, chosen: list[Candidate]) -> list[Mention]:
    """Write the chosen names to ``doc.ents`` in one array and return them as mentions.

    Offsets widen to whole tokens; where two widened names share a token the longer one stays
    (spaCy's ``filter_spans`` policy).
    """
    if not len(doc) or not chosen:
        return []
    offsets = token_offsets(doc)
    token_starts = offsets[:, 0]
    starts = numpy.searchsorted(token_starts, [c.start for c in chosen], side="right") - 1
    ends = numpy.searchsorted(token_starts, [c.end - 1 for c in chosen], side="right")
    widened = zip(starts.tolist(), ends.tolist(), chosen, strict=True)
    taken = bytearray(len(doc))  # 1 where a kept name has a token
    kept = []
    for start, end, candidate in sorted(widened, key=lambda t: (t[0] - t[1], t[0])):  # longest first, then leftmost
        if start < 0 or end <= start or 1 in taken[start:end]:
            continue
        taken[start:end] = b"\x01" * (end - start)
        kept.append((start, end, candidate))
    kept.sort(key=lambda t: t[0])
    strings = doc.vocab.strings
    labels = {label: strings.add(label) for label in {c.label for _, _, c in kept}}
    first = numpy.array([start for start, _, _ in kept], dtype=numpy.intp)
    lengths = numpy.array([end - start for start, end, _ in kept], dtype=numpy.intp)
    inside = numpy.repeat(first - numpy.cumsum(lengths) + lengths, lengths) + numpy.arange(lengths.sum())  # each entity's tokens
    columns = numpy.zeros((len(doc), 3), dtype="uint64")  # ENT_IOB, ENT_TYPE, ENT_KB_ID per token
    columns[:, 0] = 2  # outside every entity
    columns[inside, 0] = 1
    columns[first, 0] = 3
    columns[inside, 1] = numpy.repeat(numpy.array([labels[c.label] for _, _, c in kept], dtype="uint64"), lengths)
    columns[inside, 2] = numpy.repeat(numpy.array([strings.add(c.key) for _, _, c in kept], dtype="uint64"), lengths)
    doc.from_array([ENT_IOB, ENT_TYPE, ENT_KB_ID], columns)
    token_ends = (token_starts + offsets[:, 1]).tolist()
    token_starts = token_starts.tolist()
    return [Mention(token_starts[start], token_ends[end - 1], c.label, c.key, c.rule) for start, end, c in kept]


@Language.factory("cikg_entities", requires=["doc._.layout", "doc._.sentences"],
                  assigns=["doc.ents", "doc._.entities"])
def make_entity_recognizer(nlp: Language, name: str) -> EntityRecognizer:
    return EntityRecognizer(nlp)


class EntityRecognizer:
    """spaCy component: alias tables, abbreviations and name patterns to ``doc.ents``."""

    def __init__(self, nlp: Language):
        self.aliases = AliasMatcher(nlp, load_known_entities())

    def __call__(self, doc: Doc) -> Doc:
        layout: Layout = doc._.layout
        text = doc._.text
        body = next((s.start for s in layout.segments if s.section != "front"), None)
        allowed = Intervals.of((s.start, s.end) for s in layout.segments
                               if s.section not in ("contents", "back") and not _masthead(s, body, text))
        titles = Intervals.of((s.value_start, s.end) for s in layout.segments if s.kind == "field" and s.field in ("article", "article_zh"))
        alias_cands = [
            c for c in self.aliases(doc)
            if allowed.holds(c.start, c.end) and not (c.label == "Sector" and _modifies_other_noun(text, c))
        ]
        abbreviations, short_keys = abbreviation_candidates(text, alias_cands, allowed)
        labels = {c.key: c.label for c in [*alias_cands, *abbreviations]}
        bare = bare_short_forms(text, short_keys, labels, allowed)
        patterns = [c for c in pattern_candidates(text, allowed)
                    if not (c.rule in _NOT_IN_TITLES and titles.touches(c.start))]
        candidates = [*alias_cands, *abbreviations, *bare, *patterns, *enumeration_candidates(doc, alias_cands, allowed)]
        latin = [c for c in candidates if not _CJK.search(text[c.start:c.end]) or c.rule == "alias"]
        chosen = link_short_names(repeat_found_names(text, choose_entities(drop_crossing(latin)), allowed))
        doc._.entities = set_entities(doc, chosen)
        return doc
