"""Read the layout of a briefing: its date, sections, numbered items, fields and dated bullets.

Second step of the pipeline. The briefings are semi-structured: a header with the publication
date and reporting period, five numbered items with "At a glance", "MERICS comment",
"Article:", "Issuing body:" and "Date:" fields, then "Policy news" and "Corporate news" bullets
that start with a date such as "December 10:". Relations depend on that structure (an item's
"Issuing bodies" field issues that item's documents), so it is parsed here, once, into plain
`Segment` records, and the spaCy component in `pipeline.py` turns them into sentence starts.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

MONTHS = {
    name: number
    for number, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for name in names
}
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
          r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?")
FULL_DATE = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.IGNORECASE)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_BULLET = re.compile(r"^\s*(?:[-•*]|\d+\))\s+")
_BULLET_DATE = re.compile(rf"^\s*(?:[-•*]\s+)?({_MONTH})\s+(\d{{1,2}})(?:,?\s+(\d{{4}}))?\s*:\s*", re.IGNORECASE)
_ITEM = re.compile(r"^\s*(\d{1,2})\.\s+(?=\S)")
_FIELD = re.compile(
    r"^\s*(At a glance|MERICS comment|Comment|Articles?|Policy names?|Issuing bod(?:y|ies)|Issuers?|Dates?)\s*:\s*",
    re.IGNORECASE,
)
_SECTION = {
    "top": re.compile(r"^\s*MERICS\s+top\s*5\s*$", re.IGNORECASE),
    "noteworthy": re.compile(r"^\s*(noteworthy|worth noting)\s*$", re.IGNORECASE),
    "policy_news": re.compile(r"^\s*policy news\s*$", re.IGNORECASE),
    "corporate_news": re.compile(r"^\s*corporate news\s*$", re.IGNORECASE),
    "contents": re.compile(r"^\s*contents\s*$", re.IGNORECASE),
    "back": re.compile(r"^\s*(authors?|editors?|editorial staff|publisher|for more information)\s*$|^\s*the authors would like",
                       re.IGNORECASE),
}
# every heading pattern as a group of one alternation, in the order above: the first that matches a
# line names its section (one match per short line instead of one per section)
_ANY_SECTION = re.compile("|".join(f"(?P<{name}>{pattern.pattern})" for name, pattern in _SECTION.items()), re.IGNORECASE)
_LONGEST_HEADING = 40  # characters: longer lines are text, bar the back matter's "The authors would like ..."


def _section_heading(line: str) -> str | None:
    """The section a heading line opens, if it is one; most lines are too long to be one."""
    if len(line) > _LONGEST_HEADING and not line[:11].lower() == "the authors":
        return None
    match = _ANY_SECTION.match(line)
    return next(name for name in _SECTION if match.group(name) is not None) if match else None


_CHINESE_ONLY = re.compile(r"^[\s()（）《》\u3000-\u303f\u4e00-\u9fff\uff00-\uffef0-9\-—,，.Link]*$")

FieldName = str


class Segment(NamedTuple):
    """One line of a briefing, with where it sits in the layout.

    ``section`` is one of front, contents, top, policy_news, corporate_news, back;
    ``item`` numbers the top-5 items; ``field`` names a field line ("article", "issuers",
    "date", "glance", "comment", "policy_name"); ``value_start`` is where a field's value begins;
    ``date`` is the ISO date of a dated bullet. A named tuple: a briefing has a segment per line,
    and a frozen dataclass took three times as long to build.
    """

    start: int
    end: int
    kind: str
    section: str
    item: int = 0
    field: FieldName = ""
    value_start: int = 0
    date: str = ""


@dataclass(frozen=True)
class Sentences:
    """Sentence boundaries as sorted character offsets, found by bisection.

    Computed once per briefing by the segmenter; spaCy's ``Span.sent`` and ``doc.sents`` scan the
    whole Doc on every call, which made long briefings quadratic.
    """

    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def around(self, char: int) -> tuple[int, int]:
        """(start, end) of the sentence holding character ``char``."""
        index = bisect_right(self.starts, char) - 1
        if index < 0:  # before the first sentence: a test, not max(), on this path of every mention
            index = 0
        return self.starts[index], self.ends[index]

    def __iter__(self):
        return iter(zip(self.starts, self.ends, strict=True))


@dataclass(frozen=True)
class Intervals:
    """Character intervals (merged where they overlap), asked by bisection whether they hold a span.

    Entity rules ask "is this match inside a part of the briefing we read?" for every candidate;
    a scan over all segments each time made that quadratic in the briefing's length.
    """

    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def of(cls, pairs) -> Intervals:
        merged: list[list[int]] = []
        for start, end in sorted(pairs):
            if merged and start < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return cls(tuple([a for a, _ in merged]), tuple([b for _, b in merged]))

    def holds(self, start: int, end: int) -> bool:
        """Whether [start, end) lies inside one interval."""
        index = bisect_right(self.starts, start) - 1
        return index >= 0 and end <= self.ends[index]

    def overlaps(self, start: int, end: int) -> bool:
        """Whether [start, end) shares a character with an interval."""
        index = bisect_right(self.starts, end - 1) - 1
        return index >= 0 and self.ends[index] > start

    def touches(self, char: int) -> bool:
        """Whether character ``char`` lies inside an interval (`holds` for it, without a second call)."""
        index = bisect_right(self.starts, char) - 1
        return index >= 0 and char < self.ends[index]


@dataclass
class Layout:
    """The segments of one briefing and the dates that anchor it."""

    segments: list[Segment] = field(default_factory=list)
    briefing_date: str = ""
    title: str = ""


def parse_date(text: str, default_year: int | None = None) -> str:
    """Return the first date in ``text`` as ISO 8601, or "" when there is none.

    Example:
        >>> parse_date("Date: April 17, 2025; May 23, 2025")
        '2025-04-17'
    """
    match = FULL_DATE.search(text)
    if match:
        return _iso(int(match.group(3)), MONTHS[match.group(1).lower().rstrip(".")], int(match.group(2)))
    match = _ISO_DATE.search(text)
    if match:
        return _iso(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    return ""


def all_dates(text: str) -> list[str]:
    """Return every full date in ``text`` as ISO 8601, in order."""
    found = []
    for match in FULL_DATE.finditer(text):
        iso = _iso(int(match.group(3)), MONTHS[match.group(1).lower().rstrip(".")], int(match.group(2)))
        if iso:
            found.append(iso)
    return found


def _iso(year: int, month: int, day: int) -> str:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return ""


def bullet_date(month_name: str, day: int, year: int | None, anchor: str) -> str:
    """Date a bullet such as "December 10:" from the briefing's own date.

    A briefing published in March that reports on December takes the previous year: a bullet
    month later than the anchor's month belongs to the year before.

    Example:
        >>> bullet_date("December", 10, None, "2025-03-12")
        '2024-12-10'
    """
    month = MONTHS[month_name.lower().rstrip(".")]
    if year is None:
        if not anchor:
            return ""
        anchor_year, anchor_month = int(anchor[:4]), int(anchor[5:7])
        year = anchor_year - 1 if month > anchor_month + 1 else anchor_year
    return _iso(year, month, day)


def _anchor_date(lines: list[str]) -> str:
    """The briefing's date: the header date, else the latest date of any "Date:" field."""
    for line in lines[:15]:
        found = parse_date(line)
        if found:
            return found
    field_dates = [d for line in lines if _FIELD.match(line) and _FIELD.match(line).group(1).lower().startswith("date")
                   for d in all_dates(line)]
    if field_dates:
        return max(field_dates)
    years = re.findall(r"\b(20\d\d)\b", "\n".join(lines))
    if years:  # the most frequent year; of equally frequent ones the first named (never the set's random order)
        return f"{max(dict.fromkeys(years), key=years.count)}-12-31"
    return ""


def _field_name(label: str) -> FieldName:
    label = label.lower()
    if label.startswith("article") or label.startswith("policy name"):
        return "article"
    if label.startswith("issu"):
        return "issuers"
    if label.startswith("date"):
        return "date"
    if label.startswith("at a glance"):
        return "glance"
    return "comment"


def segment_text(text: str) -> Layout:
    """Split normalised briefing text into layout segments, one per non-empty line.

    Unknown layouts degrade gracefully: a text without any of the briefing markers becomes a
    list of paragraphs in one section, which the entity and relation rules still read.
    """
    lines = text.split("\n")
    layout = Layout(briefing_date=_anchor_date(lines))
    section, item, previous_field = "front", 0, ""
    toc_done = False
    offset = 0
    for line in lines:
        start, end = offset, offset + len(line)
        offset = end + 1
        stripped = line.strip()
        if not stripped:
            continue
        start += len(line) - len(line.lstrip())
        new_section = _section_heading(stripped)
        if section == "contents":
            # A contents block lists the sections too; it ends at the first "MERICS Top 5"
            # heading after its own "Corporate news" entry.
            toc_done = toc_done or new_section == "corporate_news"
            if not (toc_done and new_section == "top"):
                layout.segments.append(Segment(start, end, "toc", "contents"))
                continue
        if new_section:
            section, item, previous_field = ("policy_news" if new_section == "noteworthy" else new_section), 0, ""
            layout.segments.append(Segment(start, end, "heading", section))
            continue
        if section == "front" and not layout.title and not parse_date(stripped) and len(stripped) > 3:
            layout.title = stripped
        item_match = _ITEM.match(line)
        if item_match and section in ("top", "front") and not _BULLET.match(line):
            section, item, previous_field = "top", int(item_match.group(1)), ""
            layout.segments.append(Segment(start, end, "heading", section, item))
            continue
        field_match = _FIELD.match(line)
        if field_match:
            name = _field_name(field_match.group(1))
            previous_field = name
            layout.segments.append(
                Segment(start, end, "field", section, item, name, value_start=offset - 1 - len(line) + field_match.end())
            )
            continue
        if previous_field == "article" and stripped.startswith("(") and _CHINESE_ONLY.match(stripped.replace("Link", "")):
            layout.segments.append(Segment(start, end, "field", section, item, "article_zh", value_start=start))
            continue
        date_match = _BULLET_DATE.match(line)
        if date_match and section in ("policy_news", "corporate_news", "top", "front"):
            year = int(date_match.group(3)) if date_match.group(3) else None
            iso = bullet_date(date_match.group(1), int(date_match.group(2)), year, layout.briefing_date)
            value_start = offset - 1 - len(line) + date_match.end()
            layout.segments.append(Segment(start, end, "bullet", section, item, previous_field, value_start, iso))
            continue
        kind = "bullet" if _BULLET.match(line) else "paragraph"
        if previous_field in ("glance", "comment") or kind == "bullet":
            field_name = previous_field if previous_field in ("glance", "comment") else ""
        else:
            field_name = ""
        if section == "top" and kind == "paragraph" and previous_field in ("article", "issuers", "date"):
            field_name = "glance" if stripped.lower().startswith("at a glance") else ""
        layout.segments.append(Segment(start, end, kind, section, item, field_name))
    return layout

