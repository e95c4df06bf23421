"""The graph's model, defined once: a node as the resolver and the store know it, an evidence row as the index holds it."""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass
class Node:
    """One real-world thing across the corpus."""

    id: str
    cls: str
    label: str
    aliases: set[str] = field(default_factory=set)
    zh: set[str] = field(default_factory=set)
    date: str = ""
    broader: list[str] = field(default_factory=list)
    known: bool = False
    country: str = ""
