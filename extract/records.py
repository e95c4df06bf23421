"""Leave spaCy: turn a processed Doc into frozen, picklable records.

Last step of the extraction side. No `Span` crosses this line, so records survive
multiprocessing (`kg build --jobs N`) and `kg/` never imports spaCy. Entities keep their local
key; `kg.write.resolve` maps keys to canonical ids across briefings.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from extract.status import deal_status

if TYPE_CHECKING:  # records are read by kg/, which must not load spaCy
    from spacy.tokens import Doc

    from extract.relations import FoundRelation


class Evidence(NamedTuple):
    """Where a relation is stated: briefing, character offsets, sentence, date, rule, confidence."""

    briefing: str
    start: int
    end: int
    sentence: str
    date: str
    rule: str
    confidence: float
    status: str = ""  # a deal's state as the sentence reports it (`extract.status`), "" for policy relations


class EntityRecord(NamedTuple):
    """One thing named in one briefing, with every surface form the briefing uses for it."""

    key: str
    label: str
    names: tuple[str, ...]
    zh: tuple[str, ...] = ()
    date: str = ""
    rule: str = ""
    first_offset: int = 0


class RelationRecord(NamedTuple):
    """A relation between two local entity keys, with its evidence."""

    head: str
    relation: str
    tail: str
    evidence: Evidence


@dataclass(frozen=True)
class BriefingRecord:
    """Everything extracted from one briefing."""

    id: str
    source: str
    title: str
    date: str
    text: str
    entities: tuple[EntityRecord, ...]
    relations: tuple[RelationRecord, ...]

    @property
    def digest(self) -> str:
        """A fingerprint of the briefing's text: adding the same briefing again changes nothing."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:32]


class _DatedSegments:
    """The date of the segment holding an offset (a dated bullet), else the briefing's date."""

    def __init__(self, layout):
        dated = [s for s in layout.segments if s.date]
        self.starts = [s.start for s in dated]
        self.segments = dated
        self.default = layout.briefing_date

    def at(self, offset: int) -> str:
        index = bisect_right(self.starts, offset) - 1
        while index >= 0:  # segments do not nest, but a field's value may start inside its line
            segment = self.segments[index]
            if segment.start <= offset <= segment.end:
                return segment.date
            if segment.end < offset:
                break
            index -= 1
        return self.default


def records_from_doc(doc: Doc, briefing_id: str, source: str) -> BriefingRecord:
    """Collect entities (merged by local key) and relations with their evidence sentences."""
    layout = doc._.layout
    names: dict[str, dict] = {}
    text = doc._.text
    for mention in doc._.entities:
        entry = names.setdefault(mention.key, {"label": mention.label, "names": [], "rule": mention.rule, "first": mention.start, "zh": []})
        # an elided list item ("packaging" in "chip design, manufacturing and packaging") is named by its key
        entry["names"].append(mention.key[7:] if mention.rule == "sector.elided" else text[mention.start:mention.end])
    for document in doc._.documents:
        entry = names.setdefault(document.key, {"label": "PolicyDocument", "names": [], "rule": document.rule,
                                                "first": document.start, "zh": []})
        entry["names"].extend(document.names)
        entry["zh"].extend(document.zh)
        entry["date"] = document.date
    entities = tuple(
        EntityRecord(key, entry["label"], tuple(dict.fromkeys(filter(str.strip, entry["names"]))),  # no blank names
                     tuple(dict.fromkeys(entry["zh"])), entry.get("date", ""), entry["rule"], entry["first"])
        for key, entry in names.items()
    )
    relations = []
    dates = _DatedSegments(layout)
    statuses: dict[tuple[str, str], str] = {}  # many relations share a sentence: read its cues once
    for found in doc._.relations:
        found: FoundRelation
        if found.head not in names or found.tail not in names:
            continue
        sentence = text[found.start:found.end].strip()
        status = statuses.get((found.relation, sentence))
        if status is None:
            status = statuses[found.relation, sentence] = deal_status(found.relation, sentence)
        evidence = Evidence(briefing_id, found.start, found.end, sentence, dates.at(found.start), found.rule, found.confidence,
                            status)
        relations.append(RelationRecord(found.head, found.relation, found.tail, evidence))
    return BriefingRecord(briefing_id, source, layout.title, layout.briefing_date, text, entities, tuple(relations))
