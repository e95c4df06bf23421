"""Find named people in a public role: titles, roles after a comma, Chinese names, speakers.

A blank pipeline has no statistical model, so names of people come from how texts introduce
them (word lists in ``extract/rules/people.yml``):

- a title before the name: "Premier Zhang Wei", "Acme chairman Liu Hong";
- a role after the name and a comma: "Liu Hong, chairman of Acme", "Mary Fox, an analyst at";
- a role before the name between commas: "The director of the bureau, Liu Hong, said";
- a Chinese family name and a given name of one or two pinyin syllables: "Zhang Weiming";
- a transcript's speaker labels: "Liu Hong: ..." at the start of two lines or more.

A person's later mentions by family name alone ("said Liu") take the full name's key. Names on a
line of their own or after "By" are bylines, and the text's own people are no entities.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import NamedTuple

from extract.alternation import alternation
from extract.lexicon import load_known_entities, load_rules

_WORD = r"(?:O['’]|Mc|Mac)?[A-Z][a-z]+(?:['’][a-z]+|-[a-z]+)?"
NAME = rf"{_WORD}(?: {_WORD}){{1,2}}"
_INITIALS = r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])"
_FINALS = r"(?:iang|iong|uang|ang|eng|ing|ong|uai|ian|iao|uan|ai|ei|ao|ou|an|en|in|un|ia|ie|iu|ua|uo|ui|ue|a|o|e|i|u)"
_SYLLABLE = rf"(?:{_INITIALS}?{_FINALS}|er)"
_PINYIN_GIVEN = re.compile(rf"{_SYLLABLE}(?:['’\-]?{_SYLLABLE})?")
_NEXT_CAPITAL = re.compile(r" [A-Z]")
_PREVIOUS_WORD = re.compile(r"([A-Z][\w'’\-]*) \Z")


class PersonMention(NamedTuple):
    start: int
    end: int
    name: str  # the full name the mention stands for
    rule: str


def _word_start(text: str, at: int) -> bool:
    return at == 0 or not (text[at - 1].isalnum() or text[at - 1] in "_-'’")


class PersonFinder:
    """The person rules, compiled once from ``people.yml`` and the other tables' name words."""

    def __init__(self) -> None:
        rules = load_rules("people.yml")
        names = load_rules("names.yml")
        places = {n for e in load_known_entities() if e.cls == "Place" for n in (e.label, *e.aliases)}
        self.not_words = frozenset({*rules["not_name_words"], *(w for h in names["head_nouns"].values() for w in h),
                                    *(w for s in names["firm_suffixes"] for w in s.split()),
                                    *(w for p in places for w in p.split()), *names["nationalities"]})
        self.surnames = frozenset(rules["chinese_surnames"])
        # Patterns open with their words, not with a look back, so the engine can skip ahead to them;
        # whether a match starts a word is checked after (`_word_start`).
        titles = rules["titles_before"]
        self.titles = frozenset(w for t in titles for w in t.split())
        self.title = re.compile(rf"(?:{alternation(t for t in titles if t[0].isupper())}) (?P<name>{NAME}|{_WORD})")
        # lower-case titles ("Acme chairman Liu Hong") open with the space before them: a pattern
        # opening with a lower-case word is tried at a third of all positions
        self.lower_title = re.compile(rf" (?:{alternation(t for t in titles if t[0].islower())}) (?P<name>{NAME})")
        roles = alternation(rules["roles_after"], fold_case=True)  # in a case-insensitive pattern
        lead_in = alternation(rules["role_lead_in"], fold_case=True)
        # ", an analyst at", ", Acme's executive vice president": the comma, a few words, the role
        self.role_after = re.compile(rf", (?:(?:{lead_in}) )?(?:[\w&'’\-]+ ){{0,3}}?(?:{roles})(?![\w-])", re.IGNORECASE)
        self.name_before = re.compile(rf"(?<![\w'’]){NAME}\Z")
        self.between_commas = re.compile(rf", (?P<name>{NAME}),")
        self.role_word = re.compile(rf"(?i:\b(?:{roles}))\b[^,.;:\n]{{0,60}}\Z")
        given = r"[A-Z][a-z]{1,12}(?:['’\-](?!s(?![a-z]))[a-z]{1,6})?"  # "Jinping", "Min'er", not "Jinping's"
        # any short capitalised word and a given name; the family name is looked up after (an
        # alternation of a hundred names at the start was the slowest pattern here)
        self.chinese = re.compile(rf"(?P<name>(?P<family>[A-Z][a-z]{{0,5}}) (?P<given>{given}))(?![\w\-]|['’][a-rt-z])")
        self.speaker = re.compile(rf"\n(?P<name>{NAME}): ")  # after a line break: faster than "^" with MULTILINE
        self.first_speaker = re.compile(rf"(?P<name>{NAME}): ")
        self.byline = re.compile(rf"(?i:\b(?:{alternation(rules['byline_words'], fold_case=True)}))\b")

    def _is_name(self, name: str) -> bool:
        return not any(word in self.not_words for word in name.split())

    def _chinese_order(self, name: str) -> bool:
        words = name.split()
        return len(words) == 2 and words[0] in self.surnames and bool(_PINYIN_GIVEN.fullmatch(words[1].lower()))

    def _byline(self, text: str, start: int, end: int) -> bool:
        """A name alone on its line, or on a short line that opens with "by", "editor" and the like."""
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        if not text[line_start:start].strip(" *_#-•|") and not text[end:line_end].strip(" *_.,|"):
            return True
        words = text[line_start:line_end].split()
        return len(words) <= 12 and bool(self.byline.search(" ".join(words[:3])))

    def __call__(self, text: str, allowed: Callable[[int, int], bool]) -> list[PersonMention]:
        """The people named where ``allowed(start, end)`` holds, and their later short mentions."""
        found: list[PersonMention] = []

        def add(start: int, name: str, rule: str) -> None:
            end = start + len(name)
            if allowed(start, end) and self._is_name(name) and not self._byline(text, start, end):
                found.append(PersonMention(start, end, name, rule))

        for match in self.title.finditer(text):
            name = match.group("name")
            if _word_start(text, match.start()) and (" " in name or name in self.surnames):
                add(match.start("name"), name, "person.title")
        for match in self.lower_title.finditer(text):
            add(match.start("name"), match.group("name"), "person.title")
        for comma in self.role_after.finditer(text):
            name = self.name_before.search(text, max(0, comma.start() - 60), comma.start())
            if name:
                add(name.start(), name.group(0), "person.role")
        for match in self.between_commas.finditer(text):  # "The director of the bureau, Liu Hong, said"
            if self.role_word.search(text, max(0, match.start() - 80), match.start()):
                add(match.start("name"), match.group("name"), "person.role")
        match = self.chinese.search(text)
        while match:
            if match.group("family") not in self.surnames:  # "Ms Chen Wei": try again from "Chen"
                match = self.chinese.search(text, match.start("given"))
                continue
            if (_word_start(text, match.start()) and self._chinese_order(match.group("name"))
                    and not _NEXT_CAPITAL.match(text, match.end("name"))):
                add(match.start("name"), match.group("name"), "person.chinese_name")
            match = self.chinese.search(text, match.end())
        labels = [*filter(None, [self.first_speaker.match(text)]), *self.speaker.finditer(text)] if ": " in text else []
        speakers = Counter(m.group("name") for m in labels)
        for match in labels:
            if speakers[match.group("name")] >= 2 and self._is_name(match.group("name")) and allowed(*match.span("name")):
                found.append(PersonMention(match.start("name"), match.end("name"), match.group("name"), "person.speaker"))
        short = self._short_names(found)
        found = [p._replace(name=short.get(p.name, p.name)) for p in found]
        return found + [p for p in self._short_forms(text, short) if allowed(p.start, p.end)]

    def _short_names(self, people: list[PersonMention]) -> dict[str, str]:
        """Each full name's short form: the family name, first in Chinese order, else last."""
        short: dict[str, set[str]] = {}
        for name in {p.name for p in people if " " in p.name}:
            words = name.split()
            short.setdefault(words[0] if self._chinese_order(name) else words[-1], set()).add(name)
        return {word: names.pop() for word, names in short.items() if len(names) == 1}  # two Lis: neither is "Li"

    def _short_forms(self, text: str, short: dict[str, str]) -> list[PersonMention]:
        """"Liu" for "Liu Hong" (Chinese order) or "Fox" for "Mary Fox", anywhere in the text, as a
        word of its own that no other capitalised word continues."""
        if not short:
            return []
        words = re.compile(rf"(?:{alternation(short)})(?![\w\-]|['’][a-rt-z])")  # one pass for all names
        return [PersonMention(match.start(), match.end(), short[match.group(0)], "person.short_form")
                for match in words.finditer(text)
                if _word_start(text, match.start()) and not _NEXT_CAPITAL.match(text, match.end())
                and not self._after_other_name(text, match.start())]

    def _after_other_name(self, text: str, start: int) -> bool:
        """Whether a capitalised word other than a title stands right before: "Laura Chen"."""
        before = _PREVIOUS_WORD.search(text, max(0, start - 30), start)
        return bool(before) and before.group(1) not in self.titles
