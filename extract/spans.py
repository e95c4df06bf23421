"""Mentions and segments found by position in logarithmic time.

Rules often ask "which mentions lie inside this segment (or sentence)?". Scanning every mention
of the text for each segment makes extraction grow with the square of the text's length (a few
seconds at 1 MB became a minute at 4 MB); mentions and segments are kept in text order, so a
bisection finds the first one and the scan stops at the last.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence


class MentionIndex:
    """Mentions (anything with ``start``, ``end`` and ``label``) in text order, looked up by span."""

    def __init__(self, mentions: Iterable):
        self.mentions = sorted(mentions, key=lambda mention: mention.start)
        self.starts = [mention.start for mention in self.mentions]

    def inside(self, start: int, end: int, labels: Iterable[str] | None = None) -> list:
        """The mentions that lie wholly inside [start, end), of one of ``labels`` if given."""
        wanted = None if labels is None else set(labels)
        first, last = bisect_left(self.starts, start), bisect_left(self.starts, end)
        return [m for m in self.mentions[first:last] if m.end <= end and (wanted is None or m.label in wanted)]

    def starting(self, start: int, end: int) -> list:
        """The mentions that start in [start, end]."""
        return self.mentions[bisect_left(self.starts, start):bisect_right(self.starts, end)]


def segment_at(segments: Sequence, starts: Sequence[int], offset: int):
    """The segment (in text order, with their ``starts``) that holds ``offset``, or None."""
    index = bisect_right(starts, offset) - 1
    while index >= 0:
        segment = segments[index]
        if segment.start <= offset < segment.end:
            return segment
        if segment.end <= offset:
            return None
        index -= 1
    return None
