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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from kg.errors import GraphNotBuiltError, KgError
from kg.write import TIME_LIMIT_SECONDS


@dataclass
class QueryResult:
    """The rows of a SELECT or ASK query, as strings; prints as the CLI's table."""

    columns: list[str]
    rows: list[list[str]]

    def __repr__(self) -> str:
        return self.format("table")

    def format(self, kind: str = "table") -> str:
        """The rows as ``table`` (aligned text), ``csv`` or ``json``, as `kg query --format` prints them."""
        from kg.read.query import format_rows

        return format_rows(self.columns, self.rows, kind)

    def as_dicts(self) -> list[dict[str, str]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


class KnowledgeGraph:
    """A graph built into the folder ``out``: its store, its index and its exports.

    ``summary`` is the `kg.write.build.BuildSummary` of the write that made it, when it was made here.
    """

    def __init__(self, out: str | Path, summary=None):
        from kg.storage.store import store_folder

        self.out = Path(out)
        self.summary = summary
        store_folder(self.out)  # a clear error when nothing was built there

    def __repr__(self) -> str:
        from kg.storage.store import open_store, query, stored_briefings

        store = open_store(self.out)
        triples = int(next(iter(query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)
        return f"KnowledgeGraph({len(stored_briefings(store))} briefings, {triples:,} triples)"

    # --- writing -------------------------------------------------------------------------------
    def add(self, paths, jobs: int = 1, time_limit: float = TIME_LIMIT_SECONDS, progress: Callable[[str], None] | None = None):
        """Add briefing files or folders (an unchanged briefing is skipped); the `kg.write.build.BuildSummary`.

        ``progress`` receives one line per file (None: quiet).
        """
        from kg.write.build import build as write

        return write([Path(p) for p in _listed(paths)], self.out, progress=progress, fresh=False, jobs=jobs,
                     time_limit=time_limit)

    def remove(self, briefing_ids):
        """Take briefings out by id; the others are resolved again as if built alone."""
        from kg.write.build import remove as take_out

        return take_out(list(_listed(briefing_ids)), self.out)

    # --- reading -------------------------------------------------------------------------------
    def who(self, name: str, depth: int = 1, since: str = "", until: str = "", active: bool = False):
        """Who is connected to ``name`` (any name or alias): a `kg.read.view.WhoResult`.

        >>> result = graph.who("Contemporary Amperex")
        >>> result.label, sorted({(n.relation, n.label) for n in result.neighbours})
        ('CATL', [('investsIn', 'Spain'), ('locatedIn', 'Spain'), ('partnersWith', 'Stellantis')])
        """
        from kg.read.view import ended, who_in_index
        from kg.storage.index import Index

        index = Index(self.out)
        result = who_in_index(index, index.find(name), depth, since, until)
        if active:
            result.neighbours = [n for n in result.neighbours if not ended(n)]
        return result

    def timeline(self, name: str, since: str = "", until: str = "") -> list:
        """The dated events of ``name``, oldest first (`kg.read.view.Event`).

        >>> [(e.date, e.relation, e.tail) for e in graph.timeline("CATL")][:1]
        [('2024-12-10', 'investsIn', 'Spain')]
        """
        from kg.read.view import timeline
        from kg.storage.index import Index

        index = Index(self.out)
        return timeline(index, index.find(name), since, until)

    def query(self, sparql: str) -> QueryResult:
        """Run a SELECT or ASK query (inline, or the path of a .rq file); the project's prefixes are declared."""
        from kg.read.query import read_query, run_query
        from kg.storage.store import open_store

        return QueryResult(*run_query(open_store(self.out), read_query(sparql)))

    def construct(self, sparql: str) -> str:
        """Run a CONSTRUCT or DESCRIBE query; the triples as Turtle.

        >>> print(graph.construct("CONSTRUCT { firm:catl rdfs:label ?l } WHERE { firm:catl rdfs:label ?l }").splitlines()[-1])
        firm:catl rdfs:label "CATL"@en .
        """
        from kg.read.query import construct_turtle, read_query
        from kg.storage.store import open_store

        return construct_turtle(open_store(self.out), read_query(sparql))

    def changes(self, since: str = "", until: str = "", since_build: bool = False, watched: bool = False):
        """What the last write changed, or what evidence dated in a window brought (`kg.read.changes.ChangeReport`).

        ``watched``: only what touches a name on the watch list.
        """
        from kg.read.changes import between
        from kg.read.changes import since_build as last_write
        from kg.storage.index import Index, index_file
        from kg.storage.store import store_folder

        Index(self.out)  # a clear error when nothing was built, or by an older kg
        if since_build and (since or until):
            raise KgError("give since_build or a date window (since/until), not both")
        path = index_file(store_folder(self.out))
        report = last_write(path) if since_build or not (since or until) else between(path, since, until)
        return report.watched(set(self.watched())) if watched else report

    def watched(self) -> dict[str, str]:
        """The watch list: node id -> label."""
        from kg.read.changes import WatchList

        return WatchList(self.out).read()

    def watch(self, names: Iterable[str]) -> list[str]:
        """Put names on the watch list (`kg add` and `kg build` report their new relations); their labels."""
        return self._edit_watch_list(names, remove=False)

    def unwatch(self, names: Iterable[str]) -> list[str]:
        """Take names off the watch list; a name not on it is an error."""
        return self._edit_watch_list(names, remove=True)

    def _edit_watch_list(self, names: Iterable[str], remove: bool) -> list[str]:
        from kg.read.changes import WatchList
        from kg.storage.index import Index

        index, watch_list = Index(self.out), WatchList(self.out)
        watched, labels = watch_list.read(), []
        for name in _listed(names):
            node = index.find(name)
            if remove and watched.pop(node, None) is None:
                raise KgError(f"{name!r} is not on the watch list")
            if not remove:
                watched[node] = index.describe(node).label
            labels.append(watched.get(node, name))
        watch_list.write(watched)
        return labels

    def evaluate(self, gold: str | Path):
        """Precision, recall and F1 against a folder of gold annotations (`kg.read.evaluate.Report`)."""
        from kg.read.evaluate import evaluate

        return evaluate(self.to_rdflib(), Path(gold))

    def to_rdflib(self):
        """The merged graph as an rdflib Graph (loaded from the store; slow on millions of triples)."""
        import pyoxigraph as ox
        from rdflib import Graph

        from kg.storage.store import open_store

        data = open_store(self.out).dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        return Graph().parse(data=data.decode("utf-8"), format="nt")

    def to_networkx(self):
        """Entities as a networkx MultiDiGraph keyed by relation, each edge with its evidence.

        >>> view = graph.to_networkx()
        >>> catl = "https://w3id.org/cikg/id/firm/catl"
        >>> view.nodes[catl]["label"], sorted(view.nodes[tail]["label"] for tail in view[catl])
        ('CATL', ['Spain', 'Stellantis'])
        """
        from kg.read.view import view_from_store
        from kg.storage.store import open_store

        return view_from_store(open_store(self.out))

    # --- exports and services ----------------------------------------------------------------------
    def export(self, fmt: str, path: str | Path):
        """Write the graph as trig, nquads, turtle, ntriples, jsonld, graphml, gexf or neo4j-csv (a folder).

        Returns a `kg.exporters.Written`: the path, and the nodes and edges drawn for the network formats.

        >>> import tempfile
        >>> written = graph.export("gexf", Path(tempfile.mkdtemp()) / "graph.gexf")
        >>> written.path.name, written.nodes == graph.to_networkx().number_of_nodes()
        ('graph.gexf', True)
        """
        from kg.exporters import EXPORT_FORMATS
        from kg.storage.store import open_store

        if fmt not in EXPORT_FORMATS:
            raise KgError(f"unknown format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}")
        return EXPORT_FORMATS[fmt](open_store(self.out), Path(path))

    def html(self, path: str | Path, focus: str | None = None, depth: int = 1, since: str = "", until: str = ""):
        """Write the interactive page: the whole graph, or ``focus`` and its neighbourhood; a `kg.exporters.Written`."""
        import networkx as nx

        from kg.exporters import Written
        from kg.exporters.html import write_html
        from kg.exporters.rdf import MAX_HTML_NODES, entity_count
        from kg.read.view import neighbourhood, view_from_store, within_dates
        from kg.storage.index import Index
        from kg.storage.store import open_store

        if focus:  # a part of the graph: read from the index alone
            index = Index(self.out)
            center = index.find(focus)
            view = within_dates(neighbourhood(index, {center}, depth), since, until)
            if view.number_of_nodes() > MAX_HTML_NODES:
                raise KgError(f"{view.number_of_nodes():,} nodes within {depth} hops of {focus!r}: too many to draw; "
                              "use a smaller --depth or --since/--until")
            view = nx.ego_graph(view, center, radius=depth, undirected=True) if center in view else view.subgraph([]).copy()
        else:
            store = open_store(self.out)
            total = entity_count(store)
            if total > MAX_HTML_NODES:
                raise KgError(f"the graph has {total:,} entities, more than {MAX_HTML_NODES:,} can be drawn usefully; "
                              "use --focus NAME [--depth N]")
            view = within_dates(view_from_store(store), since, until)
        write_html(Path(path), view)
        return Written(Path(path), view.number_of_nodes(), view.number_of_edges())

    def digest(self, path: str | Path, since: str = "", until: str = ""):
        """Write the month's report (FILE.html with charts, or FILE.md); the `kg.exporters.digest.Digest`.

        The window defaults to the month of the latest evidence.
        """
        from kg.exporters import digest as report
        from kg.files import write_atomically
        from kg.storage.index import Index, index_file
        from kg.storage.store import store_folder

        Index(self.out)  # a clear error when nothing was built, or by an older kg
        index_path, target = index_file(store_folder(self.out)), Path(path)
        first, last = report.default_window(index_path)
        result = report.build_digest(index_path, since or first, until or last, self.watched())
        text = report.to_markdown(result) if target.suffix.lower() in (".md", ".markdown") else report.to_html(result)
        write_atomically(target, text.encode("utf-8"))
        return result

    def validate(self):
        """Check graph.ttl (or the store) with rapper and the ontology's SHACL shapes (`kg.exporters.validate.Validation`)."""
        return validate(self.out)

    def push(self, endpoint: str, graph: str | None = None, named_graphs: bool = False):
        """Load the graph into a SPARQL 1.1 Graph Store Protocol server (`kg.services.push.PushReport`)."""
        from kg.services.push import push
        from kg.storage.store import open_store

        return push(open_store(self.out), endpoint, graph, named_graphs)

    def serve(self, host: str = "127.0.0.1", port: int = 7878, timeout: float = 10.0, max_rows: int = 10_000, workers: int = 2,
              max_memory: int = 2048, cors: tuple[str, ...] = (), ready: Callable[[str], None] | None = None) -> None:
        """Serve the graph over the SPARQL 1.1 Protocol until interrupted; ``ready`` gets the endpoint's URL."""
        from kg.services.serve import serve

        serve(self.out, host, port, timeout, max_rows, workers, ready, max_memory, cors)


def build(paths, out: str | Path = "out", jobs: int = 1, turtle: bool = True, time_limit: float = TIME_LIMIT_SECONDS,
          progress: Callable[[str], None] | None = None) -> KnowledgeGraph:
    """Build a graph from briefing files or folders into ``out`` and open it (its ``summary`` says what was read)."""
    from kg.write.build import build as write

    summary = write([Path(p) for p in _listed(paths)], Path(out), progress=progress, jobs=jobs, turtle=turtle,
                    time_limit=time_limit)
    return KnowledgeGraph(out, summary)


def validate(out: str | Path = "out"):
    """Check the graph in ``out``: its graph.ttl (a copy without a store is fine) or, without one, the store."""
    from kg.exporters.rdf import exports_current
    from kg.exporters.validate import validate_output

    out = Path(out)
    if (out / "graph.ttl").is_file() and not exports_current(out):
        raise GraphNotBuiltError(f"{out / 'graph.ttl'} is older than the store (a write was interrupted); "
                                 f"run `kg add` with any briefing, or `kg build`, to rewrite it.")
    return validate_output(out)


def open(out: str | Path = "out") -> KnowledgeGraph:  # noqa: A001 - kg.open(out), as sqlite_utils.Database(path)
    """Open a graph built earlier into ``out``."""
    if not Path(out).is_dir():
        raise GraphNotBuiltError(f"No graph in {str(out)!r}. Run kg.build([...], out={str(out)!r}) first.")
    return KnowledgeGraph(out)


def _listed(items) -> list:
    return [items] if isinstance(items, str | Path) else builtins.list(items)

