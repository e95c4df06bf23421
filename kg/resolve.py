"""Resolve local entity keys across briefings into canonical nodes with stable ids.

Corpus-level step between extraction and the graph: each briefing's records name things by
local keys; here a key from an alias table becomes its canonical id, and a thing found by rules
gets an id minted from its class and normalised name. Names are indexed per class, so "Hygon"
in one briefing and "Hygon Information Technology" in another meet on the alias table, and a
document named in two briefings by the same title or Chinese title becomes one node.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.lexicon import KnownEntity, load_known_entities
from extract.lexicon import name_signature as signature
from extract.records import BriefingRecord, Evidence

_CLASS_PATHS = {"Agency": "agency", "Program": "program", "PolicyDocument": "document", "Firm": "firm",
                "Sector": "sector", "Place": "place", "Organization": "organization", "Person": "person"}


def slug(text: str, limit: int = 80) -> str:
    """An IRI-safe path segment.

    Example:
        >>> slug("Notice on the 2025 'Little Giants'!")
        'notice-on-the-2025-little-giants'
    """
    value = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return value[:limit].rstrip("-") or "unnamed"


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


@dataclass(frozen=True)
class ResolvedRelation:
    head: str
    relation: str
    tail: str
    evidence: Evidence


@dataclass
class ResolvedBriefing:
    """What one briefing contributes: the names it uses for each node, and its relations."""

    record: BriefingRecord
    names: dict[str, set[str]] = field(default_factory=dict)
    zh: dict[str, set[str]] = field(default_factory=dict)
    relations: list[ResolvedRelation] = field(default_factory=list)


@dataclass
class Resolution:
    """Every node of a corpus so far, by canonical id.

    Relations are not kept: each briefing's go to the store with it (`ResolvedBriefing`), so
    memory grows with the number of distinct things, not with the number of briefings.
    """

    nodes: dict[str, Node] = field(default_factory=dict)


class Resolver:
    """Accumulates briefings one at a time, so a corpus can be streamed."""

    def __init__(self, known: tuple[KnownEntity, ...] | None = None):
        self.known = {k.id: k for k in (known if known is not None else load_known_entities())}
        self.result = Resolution()
        self._by_name: dict[tuple[str, str], str] = {}
        self._known_ids = {self._known_id(entity) for entity in self.known.values()}
        for entity in self.known.values():
            for name in (*entity.aliases, *entity.former_names):
                self._by_name.setdefault((entity.cls, signature(name)), self._known_id(entity))
            if entity.zh:
                self._by_name.setdefault((entity.cls, entity.zh), self._known_id(entity))

    @staticmethod
    def _known_id(entity: KnownEntity) -> str:
        return f"{_CLASS_PATHS[entity.cls]}/{entity.id}"

    def _node_for_known(self, entity: KnownEntity) -> Node:
        node_id = self._known_id(entity)
        if node_id not in self.result.nodes:
            self.result.nodes[node_id] = Node(
                node_id, entity.cls, entity.label, set(entity.aliases) | set(entity.former_names),
                {entity.zh} if entity.zh else set(),
                broader=[f"sector/{b}" for b in entity.broader], known=True, country=entity.country,
            )
        return self.result.nodes[node_id]

    def seed(self, node: Node) -> None:
        """Make a node of an existing graph known, so `kg add` resolves new briefings onto it."""
        known = self.known.get(node.id.split("/", 1)[-1])
        if known is not None and self._known_id(known) == node.id:
            seeded = self._node_for_known(known)
            seeded.aliases |= node.aliases
            seeded.date = seeded.date or node.date
            node = seeded
        self.result.nodes.setdefault(node.id, node)
        for name in (node.label, *node.aliases):
            self._by_name.setdefault((node.cls, signature(name)), node.id)
        for zh in node.zh:
            self._by_name.setdefault((node.cls, zh), node.id)

    def ancestors(self, node: Node) -> list[Node]:
        """The broader sectors of a known sector, transitively, described from the alias table."""
        found, queue, seen = [], list(node.broader), set()
        while queue:
            node_id = queue.pop(0)
            known = self.known.get(node_id.split("/", 1)[1])
            if node_id in seen or known is None:
                continue
            seen.add(node_id)
            ancestor = Node(node_id, known.cls, known.label, set(known.aliases) | set(known.former_names),
                            {known.zh} if known.zh else set(), broader=[f"sector/{b}" for b in known.broader], known=True)
            found.append(ancestor)
            queue.extend(ancestor.broader)
        return found

    def add(self, briefing: BriefingRecord) -> ResolvedBriefing:
        """Resolve one briefing's entities and relations into the corpus."""
        resolved = ResolvedBriefing(briefing)
        local: dict[str, str] = {}
        for entity in briefing.entities:
            if entity.key.startswith("id:") and entity.key[3:] in self.known:
                node = self._node_for_known(self.known[entity.key[3:]])
            else:
                node = self._find_or_mint(entity.label, entity.names, entity.zh)
            node.aliases.update(entity.names)
            node.zh.update(entity.zh)
            node.date = node.date or entity.date
            for name in entity.names:
                self._by_name.setdefault((node.cls, signature(name)), node.id)
            for zh in entity.zh:
                self._by_name.setdefault((node.cls, zh), node.id)
            local[entity.key] = node.id
            resolved.names.setdefault(node.id, set()).update(entity.names)
            resolved.zh.setdefault(node.id, set()).update(entity.zh)
        for relation in briefing.relations:
            if relation.head in local and relation.tail in local and local[relation.head] != local[relation.tail]:
                found = ResolvedRelation(local[relation.head], relation.relation, local[relation.tail], relation.evidence)
                resolved.relations.append(found)
        return resolved

    def _find_or_mint(self, cls: str, names: tuple[str, ...], zh: tuple[str, ...]) -> Node:
        for name in (*zh, *names):
            node_id = self._by_name.get((cls, name)) or self._by_name.get((cls, signature(name)))
            if node_id:
                if node_id not in self.result.nodes:
                    known_id = node_id.split("/", 1)[1]
                    return self._node_for_known(self.known[known_id])
                return self.result.nodes[node_id]
        label = names[0] if cls == "PolicyDocument" else max(names, key=len)
        base = f"{_CLASS_PATHS[cls]}/{slug(label)}"
        node_id, counter = base, 2
        while node_id in self.result.nodes or node_id in self._known_ids:  # never a known entity's id
            node_id, counter = f"{base}-{counter}", counter + 1
        node = Node(node_id, cls, label)
        self.result.nodes[node_id] = node
        return node

