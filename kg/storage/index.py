"""The index kept in the store's folder: names to nodes, and every relation with its evidence.

Two questions must answer in milliseconds however large the graph: which node a name means
(any alias, any case), and what is linked to a node, with which evidence (`kg who`, `kg html
--focus`). The store answers the second with eight lookups per evidence record, 180 ms for the
busiest agency of a 10,000-briefing graph; SQLite tables indexed by node answer it in a few.

The index lives inside the store's folder, so it is written on the writer's private copy and
swapped in with the store (`kg.storage.store.writable_copy`): the two cannot disagree, even after a
killed write. Evidence rows come from the same resolved relations as the briefing graphs
(`evidence_row`) as each briefing is written; reading them back out of the store
would cost 47 s at 10,000 briefings. `kg add` and `kg remove` carry the previous index over
and change only their briefings' rows. Nodes and names come from the resolver at the end.
"""

from __future__ import annotations

import difflib
import json
import shutil
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from extract.lexicon import name_signature
from kg.errors import GraphNotBuiltError, UnknownNameError
from kg.model.records import Evidence, Node, RelationRecord, entity_iri, evidence_iri
from kg.model.terms import ID_IRI

INDEX_FILE = "index.sqlite"
VERSION = 6  # PRAGMA user_version; a graph whose index has another version is built again
OLDER_KG = "The graph in {out!r} was built by an older kg; run `kg build` again."

_SCHEMA = f"""
CREATE TABLE evidence (id TEXT PRIMARY KEY, briefing TEXT, head TEXT, relation TEXT, tail TEXT, sentence TEXT, date TEXT,
                       rule TEXT, confidence REAL, status TEXT, start_char INTEGER, end_char INTEGER);
CREATE INDEX evidence_by_briefing ON evidence (briefing);
CREATE INDEX evidence_by_head ON evidence (head);
CREATE INDEX evidence_by_tail ON evidence (tail);
CREATE TABLE nodes (node TEXT PRIMARY KEY, label TEXT, cls TEXT, date TEXT, degree INTEGER);
CREATE TABLE names (signature TEXT, name TEXT, node TEXT, kind TEXT);
CREATE INDEX names_by_signature ON names (signature);
CREATE INDEX names_by_node ON names (node);
CREATE TABLE broader (narrow TEXT, broad TEXT);
CREATE INDEX broader_by_broad ON broader (broad);
CREATE TABLE records (briefing TEXT PRIMARY KEY, position INTEGER, record BLOB);
CREATE TABLE changes (change TEXT, id TEXT, briefing TEXT, head TEXT, relation TEXT, tail TEXT, sentence TEXT, date TEXT,
                      rule TEXT, confidence REAL, status TEXT, start_char INTEGER, end_char INTEGER, head_label TEXT, tail_label TEXT);
CREATE TABLE node_changes (change TEXT, node TEXT, label TEXT, cls TEXT);
PRAGMA user_version = {VERSION};
"""


EVIDENCE_COLUMNS = "id, briefing, head, relation, tail, sentence, date, rule, confidence, status, start_char, end_char"


def evidence_row(relation: RelationRecord) -> tuple:
    """A relation with its evidence as a row of the evidence table (nodes by IRI; the confidence to two places, as the store has it)."""
    e = relation.evidence
    return (evidence_iri(relation), e.briefing, entity_iri(relation.head), relation.relation, entity_iri(relation.tail),
            e.sentence, e.date or "", e.rule, float(f"{e.confidence:.2f}"), e.status, e.start, e.end)


def relation_of(row: tuple) -> RelationRecord:
    """The relation a row of the evidence table holds (`evidence_row` read back; nodes by IRI)."""
    _id, briefing, head, relation, tail, sentence, date, rule, confidence, status, start, end = row
    return RelationRecord(head, relation, tail, Evidence(briefing, start, end, sentence, date, rule, confidence, status or ""))


def _stated_date(node: Node) -> str:
    """A node's date as the graph states it: documents are dated (`dcterms:date`), other things are not."""
    return node.date if node.cls == "PolicyDocument" else ""


def index_file(store_folder: Path) -> Path:
    return store_folder / INDEX_FILE


def _version(path: Path) -> int:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
        db.close()
        return version
    except sqlite3.Error:
        return 0


def pack_record(record) -> bytes:
    """A briefing's extraction record as compressed JSON (named tuples become lists)."""
    import dataclasses

    fields = {field.name: getattr(record, field.name) for field in dataclasses.fields(record)}
    return zlib.compress(json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)


def unpack_record(data: bytes):
    """The `extract.records.BriefingRecord` that `pack_record` stored."""
    from extract.records import BriefingRecord, EntityRecord, Evidence, RelationRecord

    fields = json.loads(zlib.decompress(data))
    fields["entities"] = tuple(EntityRecord(*[tuple(v) if isinstance(v, list) else v for v in entity]) for entity in fields["entities"])
    fields["relations"] = tuple(RelationRecord(head, relation, tail, Evidence(*evidence))
                                for head, relation, tail, evidence in fields["relations"])
    return BriefingRecord(**fields)


def records_of(out: Path, path: Path) -> Iterator:
    """Every briefing's record in the index at ``path`` (the graph in ``out``), in input order, one at a time.

    An index written by an older kg, or none, kept no records: adding to or removing from that
    graph would have to guess them back from its triples, so the user is asked to build again.
    """
    if path.is_file() and _version(path) == VERSION:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            records = db.execute("SELECT COUNT(*) FROM records").fetchone()[0]
            briefings = db.execute("SELECT COUNT(DISTINCT briefing) FROM evidence").fetchone()[0]
        db.close()
        if records >= briefings:
            return _read_records(path)
    raise GraphNotBuiltError(OLDER_KG.format(out=str(out)))


def _read_records(path: Path) -> Iterator:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        yield from _records_in(db)
    finally:
        db.close()


def _records_in(db: sqlite3.Connection) -> Iterator:
    """The records of an index's briefings in input order, one at a time; the same connection may write in between."""
    briefings = [b for (b,) in db.execute("SELECT briefing FROM records ORDER BY position")]
    for briefing in briefings:
        yield unpack_record(db.execute("SELECT record FROM records WHERE briefing = ?", (briefing,)).fetchone()[0])


class IndexWriter:
    """The index of a store being written: evidence rows per briefing as they come, the rest at `finish`.

    ``previous`` is the index of the store the writer copied (`kg add`), or None for a new
    index (`kg build`, and `kg remove`, which writes the briefings that stay again).
    """

    def __init__(self, folder: Path, previous: Path | None, before: Path | None = None):
        """``before`` is the index of the store this write replaces (also for a fresh build over an
        earlier one): `finish` records what the write added and took away (`kg changes --since-build`)."""
        self.path = index_file(folder)
        self.before = before if before is not None and before.is_file() and _version(before) == VERSION else None
        carried = previous is not None and previous.is_file() and _version(previous) == VERSION
        if carried:
            shutil.copyfile(previous, self.path)
        self.db = sqlite3.connect(self.path)
        if not carried:
            self.db.executescript(_SCHEMA)

    def put(self, briefing: str, relations: Iterable[RelationRecord], record=None) -> None:
        """Make ``relations`` (resolved, nodes by id) the evidence of ``briefing``, replacing what an earlier text of it gave.

        ``record`` (its `extract.records.BriefingRecord`) is kept too, in input order (a
        replaced briefing keeps its place), so `kg remove` can resolve the briefings that stay
        as if they had been built alone, without reading a text again.
        """
        self.db.execute("DELETE FROM evidence WHERE briefing = ?", (briefing,))
        self.db.executemany("INSERT OR REPLACE INTO evidence VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            map(evidence_row, relations))
        if record is not None:
            self.db.execute("""INSERT INTO records VALUES (?, (SELECT COALESCE(MAX(position), 0) + 1 FROM records), ?)
                               ON CONFLICT (briefing) DO UPDATE SET record = excluded.record""", (briefing, pack_record(record)))

    def records(self) -> Iterator:
        """The records of this index's briefings, in input order, one at a time (`put` may run in between)."""
        return _records_in(self.db)

    def remove(self, briefing: str) -> None:
        self.db.execute("DELETE FROM evidence WHERE briefing = ?", (briefing,))
        self.db.execute("DELETE FROM records WHERE briefing = ?", (briefing,))

    def finish(self, nodes: Iterable[Node]) -> None:
        """Describe the nodes, their names and the sector taxonomy (from the resolver: every node the store describes); commit."""
        db = self.db
        db.execute("DELETE FROM nodes")
        db.execute("DELETE FROM names")
        db.execute("DELETE FROM broader")
        nodes = sorted(nodes, key=lambda node: node.id)
        db.executemany("INSERT INTO nodes VALUES (?, ?, ?, ?, 0)", ((entity_iri(n.id), n.label, n.cls, _stated_date(n)) for n in nodes))
        db.executemany("INSERT INTO names VALUES (?, ?, ?, ?)", (
            (name_signature(name), name, entity_iri(n.id), kind) for n in nodes
            for name, kind in ((n.label, "label"), *((a, "alias") for a in sorted(n.aliases - {n.label})),
                               *((z, "zh") for z in sorted(n.zh)))))
        db.executemany("INSERT INTO broader VALUES (?, ?)",
                       sorted({(entity_iri(n.id), entity_iri(broad)) for n in nodes for broad in n.broader}))
        # every relation is written with its evidence, so the evidence rows count each node's neighbours
        db.execute("""UPDATE nodes SET degree = counted.n FROM (SELECT node, COUNT(DISTINCT other) AS n FROM (
                          SELECT head AS node, tail AS other FROM evidence UNION ALL SELECT tail, head FROM evidence)
                      GROUP BY node) AS counted WHERE nodes.node = counted.node""")
        self._record_changes()
        db.commit()

    def _record_changes(self) -> None:
        """What this write added and took away, against the index it replaces (all added when there was none)."""
        db = self.db
        db.execute("DELETE FROM changes")
        db.execute("DELETE FROM node_changes")
        columns = ", ".join(f"e.{name}" for name in EVIDENCE_COLUMNS.split(", "))
        labelled = ("(SELECT label FROM {db}.nodes WHERE node = e.head), (SELECT label FROM {db}.nodes WHERE node = e.tail)")
        if self.before is None:
            db.execute(f"INSERT INTO changes SELECT 'added', {columns}, {labelled.format(db='main')} FROM evidence e")
            db.execute("INSERT INTO node_changes SELECT 'added', node, label, cls FROM nodes")
            return
        db.commit()  # ATTACH may not run inside a transaction
        db.execute("ATTACH DATABASE ? AS before", (str(self.before),))
        db.execute(f"""INSERT INTO changes SELECT 'added', {columns}, {labelled.format(db='main')} FROM evidence e
                       WHERE e.id NOT IN (SELECT id FROM before.evidence)""")
        db.execute(f"""INSERT INTO changes SELECT 'removed', {columns}, {labelled.format(db='before')} FROM before.evidence e
                       WHERE e.id NOT IN (SELECT id FROM main.evidence)""")
        db.execute("""INSERT INTO node_changes SELECT 'added', node, label, cls FROM nodes
                      WHERE node NOT IN (SELECT node FROM before.nodes)""")
        db.execute("""INSERT INTO node_changes SELECT 'removed', node, label, cls FROM before.nodes
                      WHERE node NOT IN (SELECT node FROM main.nodes)""")
        db.commit()
        db.execute("DETACH DATABASE before")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> IndexWriter:
        return self

    def __exit__(self, *error) -> None:
        self.close()


class Described(NamedTuple):
    label: str
    cls: str
    date: str
    aliases: list[str]
    zh: list[str]


class Index:
    """The index of a built graph, read-only."""

    def __init__(self, out: Path):
        from kg.storage.store import store_folder

        path = index_file(store_folder(out))
        if _version(path) != VERSION:
            raise GraphNotBuiltError(OLDER_KG.format(out=str(out)))
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def find(self, name: str) -> str:
        """The node a user means: an IRI, then any name ignoring case and punctuation.

        Several nodes can share a name ("energy" the sector and a firm "Energy"); the one named
        exactly so, then the best connected, wins. No match raises `UnknownNameError` with the
        closest names.
        """
        for candidate in (name, f"{ID_IRI}{name}"):  # an IRI, or an id such as "agency/miit"
            if self.db.execute("SELECT 1 FROM nodes WHERE node = ?", (candidate,)).fetchone():
                return candidate
        rows = self.db.execute("""SELECT names.node, MAX(names.name = ?), nodes.degree FROM names JOIN nodes USING (node)
                                  WHERE signature = ? GROUP BY names.node""", (name, name_signature(name))).fetchall()
        if rows:
            return max(rows, key=lambda row: (row[1], row[2], row[0]))[0]
        raise UnknownNameError(name, self._suggestions(name))

    def _suggestions(self, name: str) -> list[str]:
        """Labels of the nodes whose names are closest to ``name`` (first letter shared, to stay fast)."""
        first = name.strip()[:1].lower()
        rows = self.db.execute("""SELECT name, label FROM names JOIN nodes USING (node) WHERE lower(substr(name, 1, 1)) = ?
                                  ORDER BY nodes.degree DESC, node, name""", (first,))
        labels: dict[str, str] = {}
        for alias, label in rows:
            labels.setdefault(alias.lower(), label)
        close = difflib.get_close_matches(name.lower(), list(labels), n=5, cutoff=0.6)
        return list(dict.fromkeys(labels[c] for c in close))

    def describe(self, node: str) -> Described | None:
        row = self.db.execute("SELECT label, cls, date FROM nodes WHERE node = ?", (node,)).fetchone()
        if row is None:
            return None
        names = self.db.execute("SELECT DISTINCT name, kind FROM names WHERE node = ? AND kind != 'label'", (node,)).fetchall()
        return Described(*row, sorted(n for n, kind in names if kind == "alias"), sorted(n for n, kind in names if kind == "zh"))

    def labels(self, nodes: Iterable[str]) -> dict[str, tuple[str, str]]:
        """Node -> (label, class) for the ``nodes`` that are entities."""
        rows = self.db.execute("SELECT node, label, cls FROM nodes WHERE node IN (SELECT value FROM json_each(?))",
                               (json.dumps(list(nodes)),))
        return {node: (label, cls) for node, label, cls in rows}

    def links(self, nodes: Iterable[str]) -> list[RelationRecord]:
        """Every relation from or to one of ``nodes``, one per evidence record (nodes by IRI)."""
        wanted = json.dumps(list(nodes))
        rows = self.db.execute(f"""SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE head IN (SELECT value FROM json_each(?1))
                                   UNION SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE tail IN (SELECT value FROM json_each(?1))""",
                               (wanted,))
        return [relation_of(row) for row in rows]

    def narrower(self, sector: str) -> set[str]:
        """Every sector under ``sector`` in the taxonomy."""
        rows = self.db.execute("""WITH RECURSIVE under(node) AS (SELECT narrow FROM broader WHERE broad = ?
                                  UNION SELECT narrow FROM broader JOIN under ON broad = under.node) SELECT node FROM under""",
                               (sector,))
        return {node for (node,) in rows}

    def close(self) -> None:
        self.db.close()
