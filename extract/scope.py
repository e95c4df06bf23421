"""Where entities may come from in a text, and which class a name takes in this text.

Helpers of `extract.entities`: `readable` picks the lines to read (not the contents, the back
matter, page chrome or the masthead; a photo caption above the masthead for places only);
`one_sense` settles names whose class the text itself decides.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from extract.alternation import alternation
from extract.lexicon import name_signature
from extract.segment import Intervals, Layout

if TYPE_CHECKING:
    from extract.entities import Candidate

def matches_at(text: str, words: tuple[str, ...], pattern: re.Pattern):
    """The pattern's matches that start where one of ``words`` occurs (each match opens with one).

    A plain substring search per word and a match there: a pattern opening with an alternation of
    capitalised words is otherwise tried at every capital of the text, several times slower."""
    for word in words:
        at = text.find(word)
        while at >= 0:
            match = pattern.match(text, at)
            if match:
                yield match
            at = text.find(word, at + 1)


_MASTHEAD_WORDS = 8
_AUTHOR_LINES = 2  # lines under an early "Authors" heading that still name the authors


def _masthead(segment, body: int | None, text: str) -> bool:
    """The briefing's own title, date and authors above its first section (starting at ``body``).

    A bullet or an "A + B + C" topic line is content, even above the first section: a text
    without headings lists its subjects there.
    """
    line = text[segment.start:segment.end]
    if segment.section != "front" or len(line.split()) > _MASTHEAD_WORDS:
        return False
    if " + " in line or line.lstrip().startswith(("- ", "• ", "* ")):
        return False
    return body is not None and body > segment.start


def readable(layout: Layout, text: str, chrome: list[tuple[int, int]]) -> tuple[Intervals, Intervals]:
    """(the lines any entity may come from, the lines places may come from).

    Not the contents, the back matter or page chrome; the masthead only for places (a photo
    caption above the title names where the photo was taken). A "back matter" heading in the
    first third of a text ("Authors" above a photo caption) opens no back matter: the story
    follows it.
    """
    body = next((s.start for s in layout.segments if s.section != "front"), None)
    skipped = Intervals.of(chrome)
    early, opened, since = len(text) // 3, 0, 0
    every, places = [], []
    for segment in layout.segments:
        opened, since = (segment.start, 0) if segment.kind == "heading" else (opened, since + 1)
        if segment.section == "contents" or segment.section == "back" and (opened >= early or since <= _AUTHOR_LINES):
            continue  # the back matter; or, early on, the author lines right under "Authors"
        if skipped.overlaps(segment.start, max(segment.start + 1, segment.end)):
            continue
        places.append((segment.start, segment.end))
        if not _masthead(segment, body, text):
            every.append((segment.start, segment.end))
    return Intervals.of(every), Intervals.of(places)


class MediaNames:
    """Where a text names a media outlet: "China Daily", "Xinhua News Agency" (words in
    ``organizations.yml``). Found from the media word, then widened over the capitalised words
    around it, so the rare word is searched for, not every capital."""

    def __init__(self, words: list[str], outlets: list[str]):
        # a trie (`extract.alternation`): the same matches as the words longest first, a faster scan
        self.anchor = re.compile(rf"(?:{alternation({*words, *outlets})})\b")
        self.outlets = frozenset(outlets)
        self.left = re.compile(r"(?:[A-Z][\w&'.\-]* ){1,4}\Z")
        self.right = re.compile(r"(?: [A-Z][\w&'\-]*){1,3}")

    def __call__(self, text: str) -> list[tuple[int, int]]:
        spans = []
        for match in self.anchor.finditer(text):
            start, end = match.start(), match.end()
            if start and (text[start - 1].isalnum() or text[start - 1] in "-_"):
                continue
            left = self.left.search(text, max(0, start - 80), start)
            right = self.right.match(text, end)
            if left or right or match.group(0) in self.outlets:  # a bare "TV" or "News" names no outlet
                spans.append((left.start() if left else start, right.end() if right else end))
        return spans


_BYLINE_WORDS = 12


def media_lines(text: str, spans: list[tuple[int, int]]) -> Intervals:
    """Short lines that name a media outlet: "Zhang Wei | Daily Courier" is a byline."""
    lines = []
    for start, end in spans:
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        if len(text[line_start:line_end].split()) <= _BYLINE_WORDS:
            lines.append((line_start, line_end))
    return Intervals.of(lines)


_COORDINATED = re.compile(r"(?:,| and| or)(?: the)? ")
_PLACE_NOUNS = re.compile(r" and (?:other )?(?:countries|regions|economies|markets)\b")


def one_sense(text: str, chosen: list[Candidate], markets: frozenset[str],
              is_place: Callable[[str, int, int], bool]) -> list[Candidate]:
    """Names whose class this text decides:

    - a regional body in a list of places is a market, a Place: "sold in Japan and the EU",
      "with the EU and countries along the route"; before a noun it only qualifies ("EU rivals",
      ``is_place`` false): nothing;
    - a one-word organisation alias that opens a firm's name in the same text is that firm:
      "Northfield" where "Northfield Lumina Group" is named.
    """
    firms = {}
    for c in chosen:
        if c.label == "Firm":
            words = text[c.start:c.end].split()
            if len(words) > 1:
                firms.setdefault(words[0], c.key)
    result = []
    for index, c in enumerate(chosen):
        if c.label not in ("Agency", "Organization"):  # the classes this settles; others stay as they are
            result.append(c)
            continue
        surface = text[c.start:c.end]
        if c.label == "Agency" and surface in markets:
            if not is_place(text, c.start, c.end):
                continue
            before = chosen[index - 1] if index else None
            after = chosen[index + 1] if index + 1 < len(chosen) else None
            if (before and before.label == "Place" and _COORDINATED.fullmatch(text, before.end, c.start)
                    or after and after.label == "Place" and _COORDINATED.fullmatch(text, c.end, after.start)
                    or _PLACE_NOUNS.match(text, c.end)):
                c = c._replace(label="Place", key=f"Place:{name_signature(surface)}", rule="place.market")
        elif c.label == "Organization" and c.rule == "alias" and " " not in surface and surface in firms:
            c = c._replace(label="Firm", key=firms[surface], rule="firm.one_sense")
        result.append(c)
    return result
