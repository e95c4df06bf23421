"""Trie-shaped alternations match exactly what the plain longest-first alternation matches."""

from __future__ import annotations

import random
import re

from extract.alternation import alternation


def _plain(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _matches(pattern: re.Pattern, text: str) -> list[tuple[tuple[int, int], tuple]]:
    return [(m.span(), m.groups()) for m in pattern.finditer(text)]


def test_same_matches_as_the_plain_alternation():
    rng = random.Random(7)
    letters = "ab -."
    for _ in range(300):
        words = ["".join(rng.choice(letters) for _ in range(rng.randint(1, 5))) for _ in range(rng.randint(1, 8))]
        text = "".join(rng.choice(letters + "c") for _ in range(80))
        # a tail that backtracks into shorter words: the order in which words are tried shows
        for tail in ("", r"(?P<rest>a?b)", r"\b"):
            plain = re.compile(rf"(?:{_plain(words)}){tail}")
            trie = re.compile(rf"(?:{alternation(words)}){tail}")
            assert _matches(plain, text) == _matches(trie, text), (words, text, tail)


def test_fold_case_for_case_insensitive_patterns():
    words = ["Plan", "planning", "plan", "Action Plan"]
    text = "A PLANNING note, an action plan and a Plan B."
    plain = re.compile(rf"(?:{_plain(w.lower() for w in words)})\w*", re.IGNORECASE)
    trie = re.compile(rf"(?:{alternation(words, fold_case=True)})\w*", re.IGNORECASE)
    assert _matches(plain, text) == _matches(trie, text)


def test_prefix_words_prefer_the_longest():
    assert re.match(alternation(["chip", "chip maker", "chipmaker"]), "chip maker").group(0) == "chip maker"
    assert re.fullmatch(alternation([]), "") is None
