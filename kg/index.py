"""A name index beside the store: any alias, in any case, to its node, in a millisecond.

Written whenever the store changes (`kg.export`). `kg who`, `kg timeline` and `kg html
--focus` look names up here instead of scanning every label of a large graph; unknown names get
the closest names as suggestions.
"""

from __future__ import annotations

import difflib
import os
import sqlite3
from pathlib import Path

from extract.lexicon import name_signature
from kg.errors import UnknownNameError
from kg.namespace import ID

INDEX_FILE = "names.sqlite"


def write_index(store, path: Path) -> None:
    """(Re)write the index from the store, atomically."""
    from kg.store import query
    from kg.view import _CLASS_VALUES, _RELATION_VALUES

    nodes = {}
    for row in query(store, f"SELECT ?s ?c ?label WHERE {{ VALUES ?c {{ {_CLASS_VALUES} }} ?s a ?c ; skos:prefLabel ?label }}"):
        nodes[row["s"].value] = (row["label"].value, row["c"].value.rsplit("#", 1)[-1])
    degree = {row["s"].value: int(row["n"].value) for row in query(store, f"""SELECT ?s (COUNT(DISTINCT ?o) AS ?n) WHERE {{
        VALUES ?p {{ {_RELATION_VALUES} }} {{ ?s ?p ?o }} UNION {{ ?o ?p ?s }} }} GROUP BY ?s""")}
    names = set()
    for row in query(store, "SELECT DISTINCT ?s ?name WHERE { { ?s skos:prefLabel ?name } UNION { ?s skos:altLabel ?name } }"):
        if row["s"].value in nodes:
            names.add((row["name"].value, row["s"].value))
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    with sqlite3.connect(temporary) as db:
        db.execute("CREATE TABLE nodes (node TEXT PRIMARY KEY, label TEXT, cls TEXT, degree INTEGER)")
        db.execute("CREATE TABLE names (signature TEXT, name TEXT, node TEXT)")
        db.executemany("INSERT INTO nodes VALUES (?, ?, ?, ?)", [(n, lab, c, degree.get(n, 0)) for n, (lab, c) in nodes.items()])
        db.executemany("INSERT INTO names VALUES (?, ?, ?)", [(name_signature(name), name, node) for name, node in sorted(names)])
        db.execute("CREATE INDEX by_signature ON names (signature)")
    db.close()
    os.replace(temporary, path)


def find(path: Path, name: str) -> str:
    """The node a user means: an IRI, then any name ignoring case and punctuation.

    Several nodes can share a name ("energy" the sector and a firm "Energy"); the one named
    exactly so, then the best connected, wins. No match raises `UnknownNameError` with the
    closest names.
    """
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        for candidate in (name, f"{ID}{name}"):  # an IRI, or an id such as "agency/miit"
            if db.execute("SELECT 1 FROM nodes WHERE node = ?", (candidate,)).fetchone():
                return candidate
        rows = db.execute("""SELECT names.node, MAX(names.name = ?), nodes.degree FROM names JOIN nodes USING (node)
                             WHERE signature = ? GROUP BY names.node""", (name, name_signature(name))).fetchall()
        if rows:
            return max(rows, key=lambda row: (row[1], row[2], row[0]))[0]
        close = _suggestions(db, name)
    raise UnknownNameError(name, close)


def _suggestions(db: sqlite3.Connection, name: str) -> list[str]:
    """Labels of the nodes whose names are closest to ``name`` (first letter shared, to stay fast)."""
    first = name.strip()[:1].lower()
    rows = db.execute("SELECT name, label FROM names JOIN nodes USING (node) WHERE lower(substr(name, 1, 1)) = ?", (first,))
    labels: dict[str, str] = {}
    for alias, label in rows:
        labels.setdefault(alias.lower(), label)
    close = difflib.get_close_matches(name.lower(), list(labels), n=5, cutoff=0.6)
    return list(dict.fromkeys(labels[c] for c in close))
