"""The Python API: a built graph as one object, in the spirit of sqlite-utils' `Database`.

`build` and `open` return a `KnowledgeGraph`; its methods answer what the CLI's commands
answer, with plain result types that print well in a notebook. Nothing heavy is imported
until a method needs it, so `import kg` stays as quick as `kg who`.

>>> import tempfile, kg
>>> graph = kg.build(["seeds"], out=tempfile.mkdtemp())
>>> repr(graph).startswith("KnowledgeGraph(5 briefings, ")
True
>>> graph.who("CATL").label, [n.label for n in graph.who("CATL").neighbours if n.relation == "partnersWith"]
('CATL', ['Stellantis'])
>>> graph.query("SELECT ?l WHERE { firm:catl rdfs:label ?l }").rows
[['CATL']]
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from pathlib import Path

from kg.errors import GraphNotBuiltError


@dataclass
class QueryResult:
    """The rows of a SELECT or ASK query, as strings; prints as the CLI's table."""

    columns: list[str]
    rows: list[list[str]]

    def __repr__(self) -> str:
        from kg.query import format_rows

        return format_rows(self.columns, self.rows, "table")

    def as_dicts(self) -> list[dict[str, str]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


class KnowledgeGraph:
    """A graph built into the folder ``out``: its store, its index and its exports."""

    def __init__(self, out: str | Path):
        from kg.store import store_folder

        self.out = Path(out)
        store_folder(self.out)  # a clear error when nothing was built there

    def __repr__(self) -> str:
        from kg.store import open_store, query, stored_briefings

        store = open_store(self.out)
        triples = int(next(iter(query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)
        return f"KnowledgeGraph({len(stored_briefings(store))} briefings, {triples:,} triples)"

    # --- writing -------------------------------------------------------------------------------
    def add(self, paths, jobs: int = 1):
        """Add briefing files or folders (an unchanged briefing is skipped); the `kg.write.BuildSummary`."""
        from kg.write import build as write

        return write([Path(p) for p in _listed(paths)], self.out, progress=lambda message: None, fresh=False, jobs=jobs)

    def remove(self, briefing_ids):
        """Take briefings out by id; the others are resolved again as if built alone."""
        from kg.write import remove as take_out

        return take_out(list(_listed(briefing_ids)), self.out)

    # --- reading -------------------------------------------------------------------------------
    def who(self, name: str, depth: int = 1, since: str = "", until: str = "", active: bool = False):
        """Who is connected to ``name`` (any name or alias): a `kg.view.WhoResult`."""
        from kg.index import Index
        from kg.view import ended, who_in_index

        index = Index(self.out)
        result = who_in_index(index, index.find(name), depth, since, until)
        if active:
            result.neighbours = [n for n in result.neighbours if not ended(n)]
        return result

    def timeline(self, name: str, since: str = "", until: str = "") -> list:
        """The dated events of ``name``, oldest first (`kg.view.Event`)."""
        from kg.index import Index
        from kg.view import timeline

        index = Index(self.out)
        return timeline(index, index.find(name), since, until)

    def query(self, sparql: str) -> QueryResult:
        """Run a SELECT or ASK query on the store (the project's prefixes are declared)."""
        from kg.query import read_query, run_query
        from kg.store import open_store

        return QueryResult(*run_query(open_store(self.out), read_query(sparql)))

    def changes(self, since: str = "", until: str = "", since_build: bool = False):
        """What the last write changed, or what evidence dated in a window brought (`kg.changes.ChangeReport`)."""
        from kg.changes import between
        from kg.changes import since_build as last_write
        from kg.index import index_file
        from kg.store import store_folder

        path = index_file(store_folder(self.out))
        return last_write(path) if since_build or not (since or until) else between(path, since, until)

    def to_rdflib(self):
        """The merged graph as an rdflib Graph (loaded from the store; slow on millions of triples)."""
        import pyoxigraph as ox
        from rdflib import Graph

        from kg.store import open_store

        data = open_store(self.out).dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        return Graph().parse(data=data.decode("utf-8"), format="nt")

    def to_networkx(self):
        """Entities as a networkx MultiDiGraph keyed by relation, each edge with its evidence."""
        from kg.store import open_store
        from kg.view import view_from_store

        return view_from_store(open_store(self.out))

    # --- exports and services ----------------------------------------------------------------------
    def export(self, fmt: str, path: str | Path) -> Path:
        """Write the graph as trig, nquads, turtle, ntriples, jsonld, graphml, gexf or neo4j-csv (a folder)."""
        from kg.export import FORMATS, export
        from kg.network_exports import NETWORK_WRITERS, write_jsonld
        from kg.store import open_store

        target, store = Path(path), open_store(self.out)
        if fmt in NETWORK_WRITERS:
            NETWORK_WRITERS[fmt](store, target)
        elif fmt == "jsonld":
            write_jsonld(store, target)
        elif fmt in FORMATS:
            export(store, fmt, target)
        else:
            raise ValueError(f"unknown format {fmt!r}: use one of {', '.join([*FORMATS, 'jsonld', *NETWORK_WRITERS])}")
        return target

    def html(self, path: str | Path, focus: str | None = None, depth: int = 1) -> Path:
        """Write the interactive page: the whole graph, or ``focus`` and its neighbourhood."""
        from kg.html import write_html
        from kg.index import Index
        from kg.store import open_store
        from kg.view import neighbourhood, view_from_store

        if focus:
            index = Index(self.out)
            view = neighbourhood(index, {index.find(focus)}, depth)
        else:
            view = view_from_store(open_store(self.out))
        write_html(Path(path), view)
        return Path(path)

    def evaluate(self, gold: str | Path):
        """Precision, recall and F1 against a folder of gold annotations (`kg.evaluate.Report`)."""
        from kg.evaluate import evaluate

        return evaluate(self.to_rdflib(), Path(gold))


def build(paths, out: str | Path = "out", jobs: int = 1, turtle: bool = True) -> KnowledgeGraph:
    """Build a graph from briefing files or folders into ``out`` and open it."""
    from kg.write import build as write

    write([Path(p) for p in _listed(paths)], Path(out), progress=lambda message: None, jobs=jobs, turtle=turtle)
    return KnowledgeGraph(out)


def open(out: str | Path = "out") -> KnowledgeGraph:  # noqa: A001 - kg.open(out), as sqlite_utils.Database(path)
    """Open a graph built earlier into ``out``."""
    if not Path(out).is_dir():
        raise GraphNotBuiltError(f"No graph in {str(out)!r}. Run kg.build([...], out={str(out)!r}) first.")
    return KnowledgeGraph(out)


def _listed(items) -> list:
    return [items] if isinstance(items, str | Path) else builtins.list(items)
