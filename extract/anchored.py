"""A pattern's matches found from the rare words that end each of them.

``\\b(?:the|its|...) <up to three words> (?:industry|sector)`` opens with nothing the regex engine
can skip ahead to: `re.finditer` tries it at every letter of a briefing. Its last words are rare
and cheap to find, and every match starts at most a known number of characters before them, so
the pattern need only be tried in that window before each of them. `EndAnchored.finditer` gives
the very matches `re.finditer` gives, in the same order.

Why the same: a match (from its leftmost start, as `finditer` finds it) ends with the anchor at
some position; searching the window that ends with that anchor finds a match starting no later
(a match ending inside the window is one of the whole text too: the anchor ends at a word
boundary, so the window's end reads as the text does) and none earlier (nothing starts before
the window and ends at a later anchor, as the window reaches back as far as any match can). The
match is then taken again on the whole text, where it may run on to a later anchor.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from re import _parser as sre_parse  # the parse `re.compile` itself uses
from typing import NamedTuple


class EndAnchored(NamedTuple):
    """``head`` followed by ``tail``, searched from the tail's matches.

    The tail must end at a word boundary or a fixed character (what follows the window must not
    decide it) and its matches must not overlap one another (it opens with a space and holds no
    other, for instance); ``reach`` is the longest the head matches.
    """

    pattern: re.Pattern
    anchor: re.Pattern
    reach: int

    @classmethod
    def of(cls, head: str, tail: str, flags: int = 0) -> EndAnchored:
        reach = sre_parse.parse(head, flags).getwidth()[1]
        return cls(re.compile(head + tail, flags), re.compile(tail, flags), reach)

    def search(self, text: str) -> re.Match | None:
        """The first match, as ``pattern.search(text)`` finds it."""
        return next(self.finditer(text), None)

    def finditer(self, text: str) -> Iterator[re.Match]:
        """The matches of ``pattern`` in ``text``, as ``pattern.finditer(text)`` gives them."""
        position = 0  # where `finditer` would go on searching
        for anchor in self.anchor.finditer(text):
            at = anchor.start()
            if at < position:
                continue
            found = self.pattern.search(text, max(position, at - self.reach), anchor.end())
            if found:
                match = self.pattern.match(text, found.start())  # on the whole text: it may reach a later anchor
                yield match
                position = match.end()
