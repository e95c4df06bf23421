"""Matches found from the words that end them are `re.finditer`'s matches (extract/anchored.py)."""

from __future__ import annotations

import random

from extract.anchored import EndAnchored

_SECTOR = EndAnchored.of(r"(?:\b(?:the|its|their|our|this|whose)|[A-Z]\w{0,30}['’]s) "
                         r"(?P<name>[a-z][a-z\-]{1,30}(?: [a-z][a-z\-]{1,30}){0,2})",
                         r" (?:industry|industries|sector|sectors)\b")
_TOKENS = ["the", "its", "their", "McKinsey's", "Kestrel's", "China’s", "big", "clean", "energy", "sector", "sectors",
           "sector-led", "industry", "industries", "industrys", "x", "a-b", ",", ".", "The", "whose", "\n"]


def _matches(matches) -> list[tuple[tuple[int, int], tuple]]:
    return [(m.span(), m.groups()) for m in matches]


def test_same_matches_as_finditer():
    rng = random.Random(17)
    for _ in range(3000):
        text = "".join(rng.choice(_TOKENS) + rng.choice([" ", " ", "", "  "]) for _ in range(rng.randint(0, 14)))
        assert _matches(_SECTOR.finditer(text)) == _matches(_SECTOR.pattern.finditer(text)), text
        expected = _SECTOR.pattern.search(text)
        found = _SECTOR.search(text)
        assert (expected and expected.span()) == (found and found.span()), text


def test_a_match_runs_on_to_a_later_anchor():
    text = "the big sector industry and its sector"
    assert _matches(_SECTOR.finditer(text)) == _matches(_SECTOR.pattern.finditer(text))
    assert next(_SECTOR.finditer(text)).group(0) == "the big sector industry"


def test_reach_is_the_longest_head():
    assert _SECTOR.reach == 33 + 1 + 31 + 2 * 32
