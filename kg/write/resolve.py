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
from kg.model.records import BriefingRecord, Evidence, Node, RelationRecord
from kg.model.terms import CLASS_PATHS


def slug(text: str, limit: int = 80) -> str:
    """An IRI-safe path segment that is also a valid local name (``firm:…``), cut between words.

    Example:
        >>> slug("Notice on the 2025 'Little Giants'!")
        'notice-on-the-2025-little-giants'
        >>> slug("Guiding opinions on accelerating the development of new energy storage", limit=40)
        'guiding-opinions-on-accelerating-the'
    """
    value = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(value) > limit:
        cut = value[: limit + 1].rfind("-")
        value = value[:cut] if cut > 0 else value[:limit]
    return value or "unnamed"


_VERSION_WORDS = {"draft", "final", "finalized", "version", "revised", "edition", "of", "the", "a", "an", "its", "their",
                  "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                  "november", "december"}


def document_stem(title: str) -> tuple[str, bool]:
    """A document title without its version words, and whether it names a draft.

    Example:
        >>> document_stem("November 2024 draft of the action plan for new energy storage")
        ('action plan for new energy storage', True)
    """
    words = re.findall(r"[a-z0-9]+", title.lower())
    stem = [w for w in words if w not in _VERSION_WORDS and not re.fullmatch(r"(?:19|20)\d\d", w)]
    return (" ".join(stem) if len(stem) >= 3 else ""), "draft" in words


def _sentence_at(text: str, offset: int) -> tuple[int, int]:
    start = max(text.rfind("\n", 0, offset), text.rfind(". ", 0, offset) + 1) + 1
    ends = [i for i in (text.find("\n", offset), text.find(". ", offset)) if i >= 0]
    return start, min(ends) + 1 if ends else len(text)


@dataclass
class ResolvedBriefing:
    """What one briefing contributes: the names it uses for each node, and its relations."""

    record: BriefingRecord
    names: dict[str, set[str]] = field(default_factory=dict)
    zh: dict[str, set[str]] = field(default_factory=dict)
    relations: list[RelationRecord] = field(default_factory=list)  # nodes by id


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
        self._versions: dict[tuple[str, bool], str] = {}  # (title stem, is draft) -> document id
        for entity in self.known.values():
            for name in (*entity.aliases, *entity.former_names):
                self._by_name.setdefault((entity.cls, signature(name)), self._known_id(entity))
            if entity.zh:
                self._by_name.setdefault((entity.cls, entity.zh), self._known_id(entity))

    @staticmethod
    def _known_id(entity: KnownEntity) -> str:
        return f"{CLASS_PATHS[entity.cls]}/{entity.id}"

    def _node_for_known(self, entity: KnownEntity) -> Node:
        node_id = self._known_id(entity)
        if node_id not in self.result.nodes:
            self.result.nodes[node_id] = Node(
                node_id, entity.cls, entity.label, set(entity.aliases) | set(entity.former_names),
                {entity.zh} if entity.zh else set(),
                broader=[f"sector/{b}" for b in entity.broader], known=True, country=entity.country,
            )
        return self.result.nodes[node_id]

    def _draft_links(self, briefing: BriefingRecord, documents: dict[str, int]) -> list[RelationRecord]:
        """Link a draft and its final version named in different briefings by the same title.

        Within one briefing the sentence says which is which (`extract.documents.draft_versions`);
        across briefings, "draft plan for X" in March and "plan for X" in June are one policy's
        two stages. The evidence is the later briefing's sentence naming the document.
        """
        links = []
        for node_id, offset in documents.items():
            stem, is_draft = document_stem(self.result.nodes[node_id].label)
            if not stem:
                continue
            other = self._versions.get((stem, not is_draft))
            if other and other != node_id:
                start, end = _sentence_at(briefing.text, offset)
                evidence = Evidence(briefing.id, start, end, briefing.text[start:end].strip(), briefing.date, "draft_of.same_title", 0.5)
                draft, final = (node_id, other) if is_draft else (other, node_id)
                links.append(RelationRecord(draft, "draftOf", final, evidence))
            self._versions.setdefault((stem, is_draft), node_id)
        return links

    def described_nodes(self) -> list[Node]:
        """Every node the graph describes: the things the briefings name, and the broader sectors of known ones."""
        nodes = dict(self.result.nodes)
        for node in self.result.nodes.values():
            for ancestor in self.ancestors(node):
                nodes.setdefault(ancestor.id, ancestor)
        return list(nodes.values())

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
                found = relation._replace(head=local[relation.head], tail=local[relation.tail])
                resolved.relations.append(found)
        documents = {local[e.key]: e.first_offset for e in briefing.entities if e.label == "PolicyDocument"}
        stated = {(r.head, r.tail) for r in resolved.relations if r.relation == "draftOf"}
        resolved.relations.extend(r for r in self._draft_links(briefing, documents) if (r.head, r.tail) not in stated)
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
        base = f"{CLASS_PATHS[cls]}/{slug(label)}"
        node_id, counter = base, 2
        while node_id in self.result.nodes or node_id in self._known_ids:  # never a known entity's id
            node_id, counter = f"{base}-{counter}", counter + 1
        node = Node(node_id, cls, label)
        self.result.nodes[node_id] = node
        return node

