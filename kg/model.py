"""The records the graph's readers share, defined once: an evidence row as the index holds it."""

from __future__ import annotations

from typing import NamedTuple


class EvidenceRow(NamedTuple):
    """One evidence record as the evidence table holds it: what the briefing graph states about it."""

    id: str
    briefing: str
    head: str
    relation: str
    tail: str
    sentence: str
    date: str
    rule: str
    confidence: float
    status: str = ""
