"""The graph's model, defined once: a node, and a relation with its evidence from the rule that found it to the index.

A relation is an `extract.records.RelationRecord`: its head, relation and tail, and one
`extract.records.Evidence` (briefing, offsets, sentence, date, rule, confidence, deal status).
The extraction creates it; the resolver puts node ids in place of the briefing's local keys;
the store gets its triples and the index its row, and both give the same record back (with
IRIs for ids). Nothing on the way turns it into another type.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from extract.records import BriefingRecord, EntityRecord, Evidence, RelationRecord
from kg.model.terms import ID_IRI

__all__ = ["BriefingRecord", "EntityRecord", "Evidence", "Node", "RelationRecord", "entity_iri", "evidence_iri"]


def entity_iri(node_id: str) -> str:
    """IRI of a node from its canonical id (``agency/miit`` -> ``…/id/agency/miit``)."""
    return f"{ID_IRI}{node_id}"


def evidence_iri(relation: RelationRecord) -> str:
    """IRI of an evidence record, hashed from (briefing, offsets, relation, head, tail): the same input, the same IRI.

    ``relation`` names its nodes by id (as the resolver gives it) or by IRI (as the index and
    the store give it back): both hash the id.
    """
    evidence = relation.evidence
    head, tail = (relation.head.removeprefix(ID_IRI), relation.tail.removeprefix(ID_IRI))
    key = f"{evidence.briefing}|{evidence.start}|{evidence.end}|{relation.relation}|{head}|{tail}"
    return f"{ID_IRI}evidence/{hashlib.sha1(key.encode()).hexdigest()[:16]}"


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
