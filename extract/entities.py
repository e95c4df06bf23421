"""Find entity mentions: alias tables first, then name patterns for what no table lists.

Third step of the pipeline. Candidates may overlap; `choose_entities` keeps the longest
(an alias-table match beats a pattern match of the same length) and the result becomes
``doc.ents`` and ``doc._.entities`` (plain `Mention` tuples, which later steps read). Each entity
carries a local key (``ent.kb_id_``, ``Mention.key``): mentions with the same key are
one thing inside this briefing (an acronym and its definition, "Hygon" and "Hygon Information
Technology"). Merging keys across briefings is `kg.write.resolve`'s job, not this module's.

People come from `extract.people`, gazetteer places, regions and place uses from
`extract.places`, the lines to read and names whose class the text decides from `extract.scope`.
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
from extract.alternation import alternation
from extract.anchored import EndAnchored
from extract.enumerations import elided_items, enumerated_sectors, known_sector_name
from extract.lexicon import CONNECTORS, KnownEntity, load_known_entities, load_rules, name_signature
from extract.people import PersonFinder
from extract.places import PlaceRules
from extract.scope import MediaNames, matches_at, media_lines, one_sense, readable
from extract.segment import Intervals, Layout, Sentences

# bounded repetitions: a run of letters is never tried to its end from each of its capitals
_CAP = r"(?:[A-Z][\w'&.\-]{0,40}[\w&]|[A-Z]|\d{1,8}[A-Za-z][\w\-]{0,40})"
_CJK = re.compile(r"[\u4e00-\u9fff]")
# "Shanghai-based", "Hong Kong-listed", "state-backed": a compound adjective before a name is not part of it
_PREFIX = re.compile(r"^(?:[A-Z][\w.\-]{0,30}(?: [A-Z][\w.\-]{0,30})?-(?:based|headquartered|owned|backed|controlled|listed|funded) "
                     r"|[A-Z][\w.\-]{0,30}'s )")
_LEADING = {"The", "A", "An", "This", "That", "Its", "Their", "Our", "In", "On", "For", "By", "As", "At",
            "With", "From", "And", "But", "Both", "Meanwhile", "However", "Also", "While", "After", "When", "Among"}
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


_ACRONYM = re.compile(r"[A-Z][A-Z0-9&]{1,9}")
_CAMEL_CASE = re.compile(r"^[A-Za-z][a-z]+[A-Z][A-Za-z]*$")


def _variants(alias: str, label: str, plural_acronyms: frozenset[str] = frozenset(),
              camel_case: frozenset[str] = frozenset()) -> set[str]:
    """Singular and plural forms of sector names, so tables list each sector once; an acronym's
    plural ("NEVs") for the classes in ``plural_acronyms``; a one-word name with inner capitals
    in title case ("Biontech") for the classes in ``camel_case``."""
    forms = {alias}
    if label in plural_acronyms and _ACRONYM.fullmatch(alias):
        forms.add(alias + "s")
    if label in camel_case and _CAMEL_CASE.match(alias):
        forms.add(alias.capitalize())
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

    def __init__(self, nlp: Language, known: tuple[KnownEntity, ...], plural_acronyms: frozenset[str] = frozenset(),
                 camel_case: frozenset[str] = frozenset()):
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
                for form in _variants(alias, entity.cls, plural_acronyms, camel_case):
                    if _case_sensitive(form):
                        self.exact.setdefault(key, set()).add(" ".join(form.split()))
                    else:
                        self.lower.setdefault(key, set()).add(" ".join(form.lower().split()))
                    forms.append(nlp.make_doc(form))
            if forms:
                self.matcher.add(entity.id, forms)

    def __call__(self, doc: Doc, text: str, offsets) -> list[Candidate]:
        """The alias matches of a Doc with its ``text`` and tokens' (character offset, length) ``offsets``."""
        found = []
        matches = self.matcher(doc)
        if not matches:
            return found
        # token offsets at once: a Span per match costs more
        token_starts, token_ends = offsets[:, 0].tolist(), (offsets[:, 0] + offsets[:, 1]).tolist()
        for match_id, start, end in matches:
            start_char, end_char = token_starts[start], token_ends[end - 1]
            surface = text[start_char:end_char]
            # printable text holds no white space but single blanks unless it holds two in a row: the
            # usual surface is settled without the pattern
            if (not surface.isprintable() or "  " in surface) and _UNEVEN_SPACE.search(surface):
                surface = " ".join(surface.split())
            if surface.lower() in self.lower.get(match_id, ()) or surface in self.exact.get(match_id, ()):
                cls, key = self.labels[match_id]
                found.append(Candidate(start_char, end_char, cls, key, "alias", 3))
        return found


# "a national AI industry investment fund": how a programme phrase opens, up to its last word
_PROGRAM_PHRASE_START = r"(?:national|state|basic|new|pilot)(?: [a-z][a-z\-]{0,30}){0,5}? "
_SUFFIX_NAME_SPACES = 3  # "China Merchants Energy Shipping Co": at most four words before the suffix
_HEAD_NAME_SPACES = 8


@lru_cache(maxsize=1)
def _name_patterns() -> dict[str, re.Pattern]:
    rules = load_rules("names.yml")
    name = rf"{_CAP}(?:[ \-]{_CAP}){{0,4}}"
    orgs = load_rules("organizations.yml")
    head_nouns = {**rules["head_nouns"], "Place": [*rules["head_nouns"]["Place"], *load_rules("places.yml")["place_heads"]],
                  "Organization": [*rules["head_nouns"]["Organization"], *orgs["organization_heads"]]}
    heads = {cls: alternation(words) for cls, words in head_nouns.items()}
    launched = rules["launched_programs"]
    launched_head = rf"(?:{alternation(launched['heads'])}) (?:{alternation(launched['links'])}) "  # "pilot program for "
    return {
        "descriptor": re.compile(rf"\b(?:{alternation(rules['firm_descriptors'])})\s+(?P<name>{name})"),
        # Names that end in a given word are found from that word backwards: the word is rare, a
        # capital letter is not, and trying every capital as a name's start made these the slowest rules.
        "suffix": (re.compile(rf" (?:{alternation(rules['firm_suffixes'])})(?![\w])"),
                   # "Kestrel Capital & Incubator Group": an ampersand joins two runs of up to four words;
                   # "Kestrel & Co.", and a registered place in brackets: "Kestrel Solar (Hubei) Co., Ltd."
                   re.compile(rf"(?<![\w']){_CAP}(?: {_CAP}){{0,{_SUFFIX_NAME_SPACES}}}"
                              rf"(?: & {_CAP}(?: {_CAP}){{0,{_SUFFIX_NAME_SPACES}}})?(?: &| \([A-Z][a-z]{{2,20}}\))?\Z"),
                   2 * _SUFFIX_NAME_SPACES + 3),
        "deal_subject": (re.compile(rf"\s(?P<at>{alternation(rules['deal_verbs'])})\b"),
                         re.compile(rf"(?<![\w']){name}\s+\Z")),
        # one pass for every class: the head noun that ends the name says which class it is
        "head": (re.compile(rf" (?:{'|'.join(f'(?P<{cls}>{head})' for cls, head in heads.items())})"
                            rf"(?: of(?: the)?(?: {_CAP}){{1,4}}(?: and(?: {_CAP}){{1,3}})?)?(?![\w])"),
                 re.compile(rf"(?<![\w']){_CAP}(?: (?:{_CAP}|of|and|for|on|in)){{0,{_HEAD_NAME_SPACES}}}\Z"), _HEAD_NAME_SPACES),
        "program_phrase": re.compile(rf"\b(?:a|an|the|its|their)\s+(?P<name>{_PROGRAM_PHRASE_START}"
                                     r"(?:fund|scheme|pilot program|pilot programme|pilot zone|pilot))\b"),
        "launched_program": _launched_program_pattern(launched_head, rules["launched_programs"], alternation),
        "called_program": re.compile(rf"\b(?:{alternation(rules['program_called'])}),?\s+[\"“'‘](?P<name>[a-z][a-z\- ]{{2,60}}?)"
                                     r"[\"”'’]\s*\((?P<acronym>[A-Z][A-Za-z]{1,7})\)"),
        # the quote first, then the look back: a pattern that opens with a character the engine can skip to
        "quoted": re.compile(r"[\"'](?<![\w][\"'])(?P<name>[A-Z0-9][^\"'\n]{2,60}?)[\"'](?![\w-])"),
        "document_tail": re.compile(rf"\b(?:{alternation(w.title() for w in load_rules('documents.yml')['document_nouns'])})$"),
        # "its hydrogen industry", "China's electrolyzer sector": a determiner before the name keeps
        # verbs and adjectives out ("to identify sectors", "labor-intensive sectors"). Searched from
        # the rare last word back: the determiner is tried at every word otherwise (`extract.anchored`).
        "sector": EndAnchored.of(r"(?:\b(?:the|its|their|our|this|whose)|[A-Z]\w{0,30}['’]s) "
                                 r"(?P<name>[a-z][a-z\-]{1,30}(?: [a-z][a-z\-]{1,30}){0,2})",
                                 r" (?:industry|industries|sector|sectors)\b"),
        # "Kestrel, a Chinese battery-swapping platform, ...": the apposition first, the name before it after
        "apposition": (re.compile(rf", (?:a|an) (?:[\w\-()&]{{1,30}} ){{0,7}}?(?:{alternation(rules['apposition_heads'])})"
                                  rf"(?=[,.;:]| (?:{alternation(rules['apposition_followers'])})\b)"),
                       re.compile(rf"(?<![\w']){_CAP}(?: {_CAP}){{0,3}}\Z"), 3),
        "not_names": set(rules["not_names"]),
        "industry_noun_stop": frozenset(rules["industry_noun_stop"]),
        # "Ministry of Water Supply", "University of Northfield": the head noun first, then "of" and a name
        "head_first": re.compile(rf"(?P<name>(?:(?P<Agency>{alternation(orgs['agency_heads_first'])})|"
                                 rf"(?P<Organization>{alternation(orgs['organization_heads_first'])})) of"
                                 rf"(?: the)?(?: (?:{_CAP}|and|for|of)){{0,5}} {_CAP})"),
        "head_first_cue": tuple(f"{w} of" for w in (*orgs["agency_heads_first"], *orgs["organization_heads_first"])),
        "affiliation": re.compile(rf"(?:{alternation(orgs['affiliation_roles'])}) (?:at|of) "
                                  rf"(?:the )?(?P<name>{_CAP}(?: (?:{_CAP}|of|for|and)){{0,6}})(?<! of)(?<! for)(?<! and)"),
        "affiliation_cue": tuple(f"{w} " for w in orgs["affiliation_roles"]),
        "facility": re.compile(rf"\b(?:{alternation(orgs['facility_words'])}) (?:Center|Centre)$"),
        "place_heads": tuple(f" {w}" for w in [*rules["head_nouns"]["Place"], *load_rules("places.yml")["place_heads"]]),
        # Cues: what a text must contain for the pattern of the same name to match. They open with
        # a word, not a look back, so the regex engine skips straight to it; most briefings lack them.
        # A launched programme's head is one of a few words: substring tests find none in most texts
        # before the cue is searched; the phrase's cue is searched from its last word back.
        "launched_program_cue": re.compile(launched_head),
        "launched_program_words": tuple(launched["heads"]),
        "program_phrase_cue": EndAnchored.of(_PROGRAM_PHRASE_START.removesuffix(" "), r" (?:fund|scheme|pilot)\b"),
    }


@lru_cache(maxsize=1)
def _nationalities() -> frozenset[str]:
    return frozenset(load_rules("names.yml")["nationalities"])


def _only_places_before_suffix(name: str, countries: frozenset[str], not_names: set[str]) -> bool:
    """"China Industries" or "European Technologies" names an economy and a trade, not a firm;
    so does a series title made of the publisher and a country ("Briefing China Industries": the
    publisher is among ``not_names``). A city's name and a suffix often is one ("Ningbo Ventures")."""
    words = name.split()
    return len(words) >= 2 and all(w in countries or w in _nationalities() or w in not_names for w in words[:-1])


def _launched_program_pattern(head: str, rules: dict, alternation) -> re.Pattern:
    lead_in = alternation(rules["lead_in"])
    return re.compile(
        rf"\b(?:{alternation(rules['verbs'])})\s{{1,4}}(?:(?:{lead_in})\s{{1,4}}){{0,6}}"
        rf"(?P<name>{head}[^,.;:()\n\"]{{5,90}}?)"
        r"(?=[,.;:(\n\"]|\s(?:which|that|allowing|while|by 20\d\d|in order)\b|$)"
    )


def _trim_leading(text: str, start: int) -> tuple[str, int]:
    """The text without the leading words of `_LEADING` ("The", "In", ...), and where it now starts.
    Most names open with none: the first word alone is read for them."""
    first, space, _ = text.partition(" ")
    if not space or first not in _LEADING:
        return text, start
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
            # one split from the right finds the space that many words back (or none: keep the reach)
            parts = text[start:at].rsplit(" ", spaces + 1)
            if len(parts) == spaces + 2:
                start += len(parts[0]) + 1
        name = before.search(text, start, at)
        if name:
            yield name, found


def _when_any(text: str, words: tuple[str, ...], pattern: re.Pattern):
    """The pattern's matches, when one of the words it cannot match without occurs at all: a
    substring search is far cheaper than trying the pattern at every position of the text."""
    return pattern.finditer(text) if any(word in text for word in words) else ()


def _when_found(text: str, cue: re.Pattern | EndAnchored, pattern: re.Pattern, words: tuple[str, ...] = ()):
    """The pattern's matches, when the text holds its cue, which every match contains: the cue's
    search skips ahead to its words, far cheaper than trying the pattern at every position. Every
    cue match holds one of ``words``, if given: substring tests, cheaper still, come first."""
    if words and not any(word in text for word in words):
        return ()
    return pattern.finditer(text) if cue.search(text) else ()


def pattern_candidates(text: str, allowed: Intervals, places: PlaceRules | None = None) -> list[Candidate]:
    """Names that no table lists, found by descriptors, suffixes, head nouns and quotes."""
    patterns = _name_patterns()
    not_names = patterns["not_names"]
    countries = places.countries if places is not None else frozenset()
    found: list[Candidate] = []

    def add(start: int, name: str, label: str, rule: str, priority: int = 1) -> None:
        name, start = _trim_leading(name.rstrip(".,'"), start)
        if name.endswith("'s"):
            name = name[:-2]
        prefix = _PREFIX.match(name)  # "Shanghai-based LaNova Medicines", "the EU's Carbon Border Adjustment Mechanism"
        if prefix and prefix.end() < len(name) and (label != "Place" or prefix.group(0).endswith(("-based ", "-headquartered "))):
            name, start = name[prefix.end():], start + prefix.end()
        if rule == "firm.suffix" and _only_places_before_suffix(name, countries, not_names):
            return
        if not name or name in not_names or len(name) < 2:
            return
        end = start + len(name)
        if allowed.holds(start, end):
            found.append(Candidate(start, end, label, _norm_key(label, name), rule, priority))

    for match in patterns["descriptor"].finditer(text):
        add(match.start("name"), match.group("name"), "Firm", "firm.descriptor")
    legal = _legal_tail()
    for name, anchor in _ending_at(text, *patterns["suffix"]):
        tail = legal.match(text, anchor.end())  # "Kestrel Steel Co., Ltd.": the legal form is part of the name
        add(name.start(), text[name.start():tail.end() if tail else anchor.end()], "Firm", "firm.suffix")
    if ", a" in text:
        for name, _ in _ending_at(text, *patterns["apposition"]):
            add(name.start(), name.group(0), "Firm", "firm.apposition")
    for name, _ in _ending_at(text, *patterns["deal_subject"]):
        add(name.start(), name.group(0).rstrip(), "Firm", "firm.deal_subject", 0)
    for name, anchor in _ending_at(text, *patterns["head"]):
        cls = next(c for c in _HEAD_CLASSES if anchor.group(c))
        if _continues_name(text, anchor.end()):
            continue  # "Government Work Report": the head noun is not the name's last word
        whole = text[name.start():anchor.end()]
        if cls == "Place" and places is not None:  # "Jiangsu's Haian High-tech Zone": the zone alone
            for offset, part in places.split_chain(whole, patterns["place_heads"]):
                add(name.start() + offset, part, cls, "place.head_noun")
        elif not (cls == "Organization" and patterns["facility"].search(whole)):
            add(name.start(), whole, cls, f"{cls.lower()}.head_noun")
            if anchor.end(cls) < anchor.end():  # "X Station of the Chinese Academy": if the "of" part cuts a known name
                add(name.start(), text[name.start():anchor.end(cls)], cls, f"{cls.lower()}.head_noun")
    for match in matches_at(text, patterns["head_first_cue"], patterns["head_first"]):
        if match.start() == 0 or not text[match.start() - 1].isalnum():
            cls = "Agency" if match.group("Agency") else "Organization"
            add(match.start("name"), match.group("name"), cls, f"{cls.lower()}.head_first")
    for match in _when_any(text, patterns["affiliation_cue"], patterns["affiliation"]):
        add(match.start("name"), match.group("name"), "Organization", "organization.affiliation")
    for match in _when_found(text, patterns["launched_program_cue"], patterns["launched_program"], patterns["launched_program_words"]):
        add(match.start("name"), match.group("name"), "Program", "program.launched")
    for match in _when_found(text, patterns["program_phrase_cue"], patterns["program_phrase"]):
        add(match.start("name"), match.group("name"), "Program", "program.phrase")
    if any(quote in text for quote in ('" (', '"(', '” (', '”(', "' (", "’ (")):  # a closing quote, then the acronym
        for match in patterns["called_program"].finditer(text):
            add(match.start("name"), match.group("name"), "Program", "program.called")
    for match in patterns["quoted"].finditer(text):
        name = match.group("name")
        content = [w for w in name.split() if w.lower() not in CONNECTORS]
        if patterns["document_tail"].search(name) or not re.search(r"[A-Za-z]{3}", name):
            continue  # a quoted document title ("... White Paper") or a formula ("1+N")
        if len(name.split()) <= 8 and not name.endswith((".", ",")) and all(w[0].isupper() or w[0].isdigit() for w in content):
            add(match.start("name"), name, "Program", "program.quoted", 0)
    sector_stop = patterns["industry_noun_stop"]
    for match in patterns["sector"].finditer(text):
        words = match.group("name").split()
        while words and words[0] in sector_stop:
            words = words[1:]
        if words and not any(w in sector_stop or w.endswith(("ize", "ise", "ing", "ed", "ly")) for w in words):
            name = " ".join(words)
            start = match.end("name") - len(name)
            found.append(Candidate(start, match.end("name"), "Sector", _norm_key("Sector", name), "sector.industry_noun", 0))
    return found


_NEXT_NAME_WORD = re.compile(r" (?!(?:Of|And|For|In|On|The|To)\b)[A-Z][a-z]")


def _continues_name(text: str, end: int) -> bool:
    """Whether a capitalised word follows, so a head noun sits inside a longer name."""
    return bool(_NEXT_NAME_WORD.match(text, end))


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
        short_known = by_span.get((definition.short_start, definition.short_end))
        if (not known and short_known and short_known.label == "Firm" and " and " not in definition.long_form
                and not any(definition.long_start <= c.start and c.end <= definition.long_end for c in alias_cands)):
            # "Kestrel Optical Instruments (KOI)" where the table knows KOI: the long form is KOI's name
            # (unless the long form holds a known name: then its bounds are a guess)
            found.append(Candidate(definition.long_start, definition.long_end, "Firm", short_known.key, "abbreviation.long", 2))
            continue
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


_UNIT_WORD = re.compile(r" ([A-Z][A-Za-z.]{1,20}(?: [A-Z][a-z]{1,20})?)")


def firm_units(text: str, alias_cands: list[Candidate], countries: frozenset[str]) -> list[Candidate]:
    """ "Kestrel USA", "Kestrel International": a known firm's name and a country or a unit word
    (``unit_words`` in names.yml) right after it name one of its units, a firm of its own."""
    units = frozenset(load_rules("names.yml")["unit_words"])
    found = []
    for c in alias_cands:
        if c.label != "Firm":
            continue
        word = _UNIT_WORD.match(text, c.end)
        if word is None:
            continue
        whole = word.group(1)
        # "Kestrel Chile Holdings": the country, then more of the name; "U.S." keeps its dots, a full stop goes
        forms = (whole, whole.rstrip("."), whole.split(" ")[0], whole.split(" ")[0].rstrip("."))
        unit = next((f for f in forms if f in units or f in countries), None)
        if unit is None:
            continue
        end = c.end + 1 + len(unit)
        if end < len(text) and (text[end].isalnum() or text[end] in "-'’"):
            continue
        name = text[c.start:end]
        found.append(Candidate(c.start, end, "Firm", _norm_key("Firm", name), "firm.unit", 1))
    return found


@lru_cache(maxsize=1)
def _legal_tail() -> re.Pattern:
    words = sorted(load_rules("names.yml")["legal_suffixes"], key=len, reverse=True)
    return re.compile(rf"(?:,? (?:{'|'.join(re.escape(w) for w in words)})){{1,4}}\.?")


def known_firm_keys(text: str, patterns: list[Candidate], alias_cands: list[Candidate]) -> list[Candidate]:
    """A pattern name that is a known firm's name and a legal suffix ("Kestrel Motors Co., Ltd.",
    the table knowing "Kestrel Motors") takes the known firm's key: one firm, two names."""
    firms, ends = {}, {}
    for c in alias_cands:
        if c.label == "Firm":
            firms.setdefault(c.start, []).append(c)
            ends[c.end] = c
    if not firms:
        return patterns
    tail = _legal_tail()
    links = _equating()
    kept = []
    for c in patterns:
        known = None
        if c.label == "Firm" and c.start in firms:
            known = next((k for k in firms[c.start] if k.end < c.end and tail.fullmatch(text, k.end, c.end)), None)
            if known is not None:
                c = c._replace(key=known.key)
        if known is None and c.label == "Firm" and c.rule.startswith("firm."):  # "Kestrel, or Kestrel Steel Co., Ltd."
            link = next((w for w in links if text.startswith(w, c.start - len(w))), None)
            if link is not None and c.start - len(link) in ends:
                c = c._replace(key=ends[c.start - len(link)].key)
        kept.append(c)
    return kept


@lru_cache(maxsize=1)
def _equating() -> tuple[str, ...]:
    return tuple(load_rules("names.yml")["equating"])


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


def _word_char(char: str) -> bool:
    """Whether a character is a word character or a hyphen (as ``[\\w-]`` matches: \\w is what
    str.isalnum() holds for, and "_"), without a regex call per character."""
    return char.isalnum() or char == "_" or char == "-"


def _occurrences(text: str, word: str):
    """Start offsets of ``word`` as a whole word (not inside a longer word or a hyphenated one).

    A plain search per name: a regular expression per name and per briefing would be compiled
    again for every briefing."""
    start = text.find(word)
    while start >= 0:
        end = start + len(word)
        if (start == 0 or not _word_char(text[start - 1])) and (end == len(text) or not _word_char(text[end])):
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
def _modifier_contexts() -> tuple[re.Pattern, re.Pattern, tuple[str, ...], re.Pattern]:
    rules = load_rules("names.yml")["sector_modifiers"]
    # only whether these match counts, not which word: tries (`extract.alternation`) do for the lists
    words = lambda key: alternation(rules[key], fold_case=True)  # noqa: E731
    return (re.compile(rf"\s+(?:{words('heads')})\b", re.IGNORECASE), re.compile(rf"\b(?:{words('before')})\s+$", re.IGNORECASE),
            tuple(w.lower() for w in rules["before"]),
            re.compile(rf"\b(?i:{words('titles')}) (?:of|for) (?:[a-z][a-z\-]{{0,20}},? ){{0,3}}$"))


def _may_end_in_title(wide: str) -> bool:
    """Whether ``wide`` may end in a post's title and its "of" part (the ``titles`` pattern of
    `_modifier_contexts`): it ends in a space (or one and a line break, where "$" also holds) and
    "of" or "for" is one of its last four words. Most texts before a sector word fail this
    cheap test, and the pattern is not searched."""
    body = wide[:-1] if wide.endswith("\n") else wide
    if not body.endswith(" "):
        return False
    last = body[:-1].rsplit(" ", 4)[-4:]
    return "of" in last or "for" in last


def names_other_thing(text: str, start: int, end: int) -> bool:
    """Whether a sector word only qualifies another noun: "energy consumption", "greenhouse gas".

    Such phrases talk about a quantity or a side effect, not about the industry, so a sector
    node for them would be noise in the graph. The word lists live in ``names.yml``.
    """
    heads, before, before_words, title = _modifier_contexts()
    if heads.match(text, end):
        return True
    wide = text[max(0, start - 70):start]
    if _may_end_in_title(wide) and title.search(wide):
        return True  # "minister of industry and information technology": the sector word ends a post's title
    window = wide[-30:]
    if window.isascii() and not window.rstrip().lower().endswith(before_words):  # the pattern needs one of them last
        return False
    return bool(before.search(window))


def _names_a_list(sentence: str) -> bool:
    """Whether the sentence holds a word that every cue naming a list as one of sectors holds:
    four substring tests, several times cheaper than a regular expression or a loop."""
    return "sector" in sentence or "industr" in sentence or "field" in sentence or "area" in sentence


def enumeration_candidates(text: str, sentences: Sentences, known: list[Candidate], allowed: Intervals) -> list[Candidate]:
    """Unknown items of sector lists, sentence by sentence (see `extract.enumerations`)."""
    sectors = sorted((c.start, c.end) for c in known if c.label == "Sector")
    starts = [a for a, _ in sectors]
    found = []
    for start, end in sentences:
        if not allowed.touches(start):
            continue
        sentence = text[start:end]
        index = bisect_left(starts, start)
        inside = sectors[index:bisect_left(starts, end, index)]  # only these can lie in the sentence: no scan of all
        has_known = bool(inside)
        # without a known sector in it, only a list its cue names as one of sectors counts ("fields such as")
        if has_known or _names_a_list(sentence):
            for item in enumerated_sectors(sentence, start, inside):
                found.append(Candidate(item.start, item.end, "Sector", _norm_key("Sector", item.text), "sector.enumeration", 0))
        if ", " not in sentence and not (has_known and "-" in sentence):
            continue  # an elided item stands in a list or shares a known sector with a hyphenated modifier
        for item in elided_items(sentence, start, inside):  # "chip design, manufacturing and packaging"
            # the bare word may be a known sector too ("packaging"): the whole name wins when the
            # taxonomy knows it ("chip packaging"), the bare one when not ("power generation, transportation")
            priority = PRIORITY["alias"] + 1 if known_sector_name(item.text) else 0
            found.append(Candidate(item.start, item.end, "Sector", f"Sector:{item.text}", "sector.elided", priority))
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


def repeat_found_names(text: str, chosen: list[Candidate], allowed: Intervals,
                       known_names: frozenset[str] = frozenset()) -> list[Candidate]:
    """Other mentions of a name a pattern found once: "arm Hubble invests ..." makes the later
    "This is Hubble's 28th semiconductor investment" a mention of the same firm.

    A briefing introduces an unknown firm once, with its descriptor, and then uses the bare name;
    one sense per document is the rule an analyst reads by. A name found by its suffix is also
    used without it ("Kestrel Biopharma" and later "Kestrel"), unless what is left is a place, a
    known name of the tables (``known_names``, lower case) or a word the text also writes in lower case.
    """
    names = {text[c.start:c.end]: c for c in chosen if c.rule.startswith("firm.") and c.end - c.start > 3}
    if not names:
        return chosen
    for name, source in list(names.items()):
        short = _short_form(name, text, known_names)
        if short is not None:
            names.setdefault(short, source)
    occupied = Intervals.of((c.start, c.end) for c in chosen)
    spans = {(c.start, c.end) for c in chosen}
    by_start, starts = None, None
    extra, replaced = [], set()
    for name, source in names.items():
        for start in _occurrences(text, name):
            end = start + len(name)
            if (start, end) in spans or not allowed.holds(start, end):
                continue  # (most often the name's first mention, which found it)
            if not occupied.overlaps(start, end):
                extra.append(Candidate(start, end, source.label, source.key, "firm.repeated", 0))
                continue
            if by_start is None:
                by_start = sorted(chosen, key=lambda c: c.start)
                starts = [c.start for c in by_start]
            inside = _shorter_place_or_sector_inside(by_start, starts, start, end)
            if inside:  # "Hubei Tarsen" again, read there as the province "Hubei": the whole name the text introduced wins
                replaced.update(inside)
                extra.append(Candidate(start, end, source.label, source.key, "firm.repeated", 0))
    return sorted([*(c for c in chosen if c not in replaced), *extra], key=lambda c: c.start)


_LONGEST_NAME = 400  # characters: longer than any entity name the rules find


def _shorter_place_or_sector_inside(by_start: list[Candidate], starts: list[int], start: int, end: int) -> list[Candidate]:
    """The candidates overlapping start:end when every one of them is a place or sector strictly inside it; else none.

    ``by_start`` holds the chosen candidates sorted by start (``starts``); a name is far shorter
    than ``_LONGEST_NAME``, so only those that begin that close before the span can reach into it
    (a scan of all of them made long texts quadratic)."""
    first, last = bisect_left(starts, start - _LONGEST_NAME), bisect_left(starts, end)
    inside = [c for c in by_start[first:last] if start < c.end]
    if all(start <= c.start and c.end <= end and c.end - c.start < end - start and c.label in ("Place", "Sector") for c in inside):
        return inside
    return []


_LIST_MEMBER = re.compile(r", (?P<name>[A-Z][\w&'.-]*(?: [A-Z][\w&'.-]*){0,3})(?:,? and |, )\Z")


def firm_list_members(text: str, chosen: list[Candidate], allowed: Intervals, known_names: frozenset[str] = frozenset()) -> list[Candidate]:
    """A capitalised name listed between two firms is a firm: "Hillhouse, Sfund and Qiming Venture
    Partners" (a list names things of one kind). Names of the tables (``known_names``) are left alone."""
    found = []
    for first, second in zip(chosen, chosen[1:], strict=False):
        if first.label != "Firm" or second.label != "Firm" or second.start - first.end > 60:
            continue
        member = _LIST_MEMBER.match(text[first.end:second.start])
        if member and member.group("name").lower() not in known_names:
            start = first.end + member.start("name")
            end = start + len(member.group("name"))
            if allowed.holds(start, end):
                found.append(Candidate(start, end, "Firm", _norm_key("Firm", member.group("name")), "firm.list_member", 0))
    return sorted([*chosen, *found], key=lambda c: c.start) if found else chosen


@lru_cache(maxsize=1)
def _suffix_words() -> tuple[frozenset[str], frozenset[str]]:
    rules = load_rules("names.yml")
    stop = frozenset({*rules["not_names"], *rules["nationalities"], *_LEADING})
    return frozenset({*rules["firm_suffixes"], *rules["legal_suffixes"]}), stop


@lru_cache(maxsize=4096)
def _without_suffixes(name: str) -> str | None:
    """ "Kestrel Biopharma Co., Ltd." -> "Kestrel", if what is left may be a name on its own."""
    suffixes, stop = _suffix_words()
    words = name.split(" ")
    for _ in range(4):  # "Co., Ltd.": the comma goes with the word before it
        if len(words) > 2 and " ".join(words[-2:]).rstrip(",") in suffixes:  # "Heavy Industry"
            del words[-2:]
        elif len(words) > 1 and (words[-1].rstrip(",") in suffixes or words[-1].rstrip(",.") in suffixes):
            del words[-1]
        else:
            break
    short = " ".join(words).rstrip(",")
    if short == name or len(short) < 3 or " " not in name or short in suffixes:
        return None
    if len(words) > 3 or not all(w[:1].isupper() for w in words) or short in stop or words[0] in stop:
        return None
    return short


def _short_form(name: str, text: str, known_names: frozenset[str]) -> str | None:
    """ "Kestrel Biopharma Co., Ltd." -> "Kestrel": the name without its suffix words, when that
    is a name of its own (capitalised words, no table's name, no word written in lower case too)."""
    short = _without_suffixes(name)
    if short is None or short.lower() in known_names or (" " not in short and f" {short.lower()} " in text):
        return None
    return short


def link_short_names(chosen: list[Candidate]) -> list[Candidate]:
    """Give "Hygon" the key of "Hygon Information Technology" when both occur in a briefing."""
    long_names = {}
    for c in chosen:
        if c.label == "Firm" and c.rule != "alias":
            long_names.setdefault(c.key.split(":", 1)[1].split()[0], c.key)
    if not long_names:
        return chosen
    linked = []
    for c in chosen:
        if c.label == "Firm" and not c.key.startswith("id:"):
            name = c.key.split(":", 1)[1]
            if " " not in name and name in long_names and long_names[name] != c.key:
                c = Candidate(c.start, c.end, c.label, long_names[name], c.rule, c.priority)
        linked.append(c)
    return linked


# Title Case in a document's title is no sign of a name: "Selection of Advanced and Applicable
# Technologies" holds no firm. Quoted programmes and alias-table names in titles still count.
_NOT_IN_TITLES = {"firm.suffix", "firm.descriptor", "firm.deal_subject", "organization.head_noun", "program.head_noun"}


class Mention(NamedTuple):
    """One entity mention as plain values. Later steps read these, not Spans: a Span builds its
    label and id strings on every access, and that cost more than finding the entities."""

    start: int
    end: int
    label: str
    key: str
    rule: str


def _token_spans(starts, ends, chosen: list[Candidate]) -> tuple[list[int], list[int], list[Candidate]]:
    """The chosen names widened to the tokens from ``starts`` to ``ends`` (arrays), in text order:
    where two share a token the longer one stays (spaCy's ``filter_spans`` policy), and a name
    before the first token goes.

    Names in text order that share no token (nearly always) all stay as they are: the arrays say
    so at once, without a Python test per name.
    """
    if (starts >= 0).all() and (ends > starts).all() and (starts[1:] >= ends[:-1]).all():
        return starts.tolist(), ends.tolist(), chosen
    widened = zip(starts.tolist(), ends.tolist(), chosen, strict=True)
    taken = bytearray(int(ends.max()) + 1)  # 1 where a kept name has a token
    kept = []
    for start, end, candidate in sorted(widened, key=lambda t: (t[0] - t[1], t[0])):  # longest first, then leftmost
        if start < 0 or end <= start or 1 in taken[start:end]:
            continue
        taken[start:end] = b"\x01" * (end - start)
        kept.append((start, end, candidate))
    kept.sort(key=lambda t: t[0])
    return [start for start, _, _ in kept], [end for _, end, _ in kept], [c for _, _, c in kept]


def set_entities(doc: Doc, chosen: list[Candidate], offsets) -> list[Mention]:
    """Write the chosen names to ``doc.ents`` in one array and return them as mentions.

    ``offsets`` are the tokens' (character offset, length). Offsets widen to whole tokens (see
    `_token_spans`).
    """
    if not len(doc) or not chosen:
        return []
    token_starts = offsets[:, 0]
    starts = numpy.searchsorted(token_starts, [c.start for c in chosen], side="right") - 1
    ends = numpy.searchsorted(token_starts, [c.end - 1 for c in chosen], side="right")
    kept_starts, kept_ends, kept = _token_spans(starts, ends, chosen)
    strings = doc.vocab.strings
    labels = {label: strings.add(label) for label in {c.label for c in kept}}
    first = numpy.array(kept_starts, dtype=numpy.intp)
    lengths = numpy.array(kept_ends, dtype=numpy.intp) - first
    inside = numpy.repeat(first - numpy.cumsum(lengths) + lengths, lengths) + numpy.arange(lengths.sum())  # each entity's tokens
    columns = numpy.zeros((len(doc), 3), dtype="uint64")  # ENT_IOB, ENT_TYPE, ENT_KB_ID per token
    columns[:, 0] = 2  # outside every entity
    columns[inside, 0] = 1
    columns[first, 0] = 3
    columns[inside, 1] = numpy.repeat(numpy.array([labels[c.label] for c in kept], dtype="uint64"), lengths)
    keys = {key: strings.add(key) for key in {c.key for c in kept}}  # a name recurs: each key is added once
    columns[inside, 2] = numpy.repeat(numpy.array([keys[c.key] for c in kept], dtype="uint64"), lengths)
    doc.from_array([ENT_IOB, ENT_TYPE, ENT_KB_ID], columns)
    token_ends = (token_starts + offsets[:, 1]).tolist()
    token_starts = token_starts.tolist()
    return [Mention(token_starts[start], token_ends[end - 1], c.label, c.key, c.rule)
            for start, end, c in zip(kept_starts, kept_ends, kept, strict=True)]


@Language.factory("cikg_entities", requires=["doc._.layout", "doc._.sentences"],
                  assigns=["doc.ents", "doc._.entities"])
def make_entity_recognizer(nlp: Language, name: str) -> EntityRecognizer:
    return EntityRecognizer(nlp)


class EntityRecognizer:
    """spaCy component: alias tables, abbreviations and name patterns to ``doc.ents``."""

    def __init__(self, nlp: Language):
        known = load_known_entities()
        self.places = PlaceRules(known)
        names = load_rules("names.yml")
        self.aliases = AliasMatcher(nlp, (*known, *self.places.gazetteer), frozenset(names["plural_acronym_classes"]),
                                    frozenset(names["camel_case_classes"]))
        self.known_names = frozenset(a.lower() for e in (*known, *self.places.gazetteer) for a in (e.label, *e.aliases))
        self.people = PersonFinder()
        orgs = load_rules("organizations.yml")
        self.markets = frozenset(orgs["market_agencies"])
        self.media = MediaNames(orgs["media_words"], orgs["media_outlets"])
        # "Ministry of Commerce Regular Press Conference": a known agency's name and more words
        # that end in no agency head noun name an event, not another agency
        self.agency_heads = tuple(load_rules("names.yml")["head_nouns"]["Agency"])

    def __call__(self, doc: Doc) -> Doc:
        underscore = doc._  # each doc._ read builds spaCy's Underscore again: once here
        layout: Layout = underscore.layout
        text = underscore.text
        offsets = underscore.offsets
        if offsets is None:  # the segmenter reads them, unless the Doc is empty
            offsets = doc.to_array([IDX, LENGTH])
        allowed, for_places = readable(layout, text, self.places.chrome_lines(text))
        titles = Intervals.of((s.value_start, s.end) for s in layout.segments if s.kind == "field" and s.field in ("article", "article_zh"))
        alias_cands = [
            c for c in self.aliases(doc, text, offsets)
            if (allowed.holds(c.start, c.end) or c.label == "Place" and for_places.holds(c.start, c.end))
            and not (c.label == "Sector" and _modifies_other_noun(text, c))
            and not (c.label == "Place" and not self.places.keep(text, c.start, c.end))
        ]
        alias_cands = [c._replace(end=self.places.extended(text, c.end)) if c.label == "Place" else c for c in alias_cands]
        abbreviations, short_keys = abbreviation_candidates(text, alias_cands, allowed)
        labels = {c.key: c.label for c in [*alias_cands, *abbreviations]}
        bare = bare_short_forms(text, short_keys, labels, allowed)
        agency_starts = {c.start for c in alias_cands if c.label == "Agency"}
        patterns = [c for c in pattern_candidates(text, allowed, self.places)
                    if not (c.rule in _NOT_IN_TITLES and titles.touches(c.start))
                    and not (c.label == "Agency" and c.start in agency_starts and not text[c.start:c.end].endswith(self.agency_heads))]
        patterns = [*known_firm_keys(text, patterns, alias_cands), *firm_units(text, alias_cands, self.places.countries)]
        media_spans = self.media(text)  # "China Daily": neither a place nor a firm; a short line with it is a byline
        bylines = media_lines(text, media_spans)
        people = [Candidate(p.start, p.end, "Person", _norm_key("Person", p.name), p.rule, 1)
                  for p in self.people(text, allowed.holds) if not bylines.overlaps(p.start, p.end)]
        table_spans = sorted((c.start, c.end, c.label) for c in alias_cands)
        places = [Candidate(f.start, f.end, f.label, _norm_key(f.label, f.name), f.rule, 1)
                  for f in (*self.places.candidates(text), *self.places.local_agencies(text, table_spans))
                  if allowed.holds(f.start, f.end)]
        candidates = [*alias_cands, *abbreviations, *bare, *patterns, *people, *places,
                      *enumeration_candidates(text, underscore.sentences, alias_cands, allowed)]
        media = Intervals.of(media_spans)
        cjk = _CJK.search(text) is not None  # most briefings have no Chinese at all: no name need be read for it
        latin = [c for c in candidates if (not (cjk and _CJK.search(text, c.start, c.end)) or c.rule == "alias")
                 and not media.overlaps(c.start, c.end)]
        chosen = link_short_names(repeat_found_names(text, choose_entities(drop_crossing(latin)), allowed, self.known_names))
        chosen = firm_list_members(text, chosen, allowed, self.known_names)
        chosen = one_sense(text, chosen, self.markets, self.places.keep)
        underscore.entities = set_entities(doc, chosen, offsets)
        return doc
