"""The embedded store: the built graph on disk in pyoxigraph, one named graph per briefing.

Readers (`kg query`, `kg html`, `kg serve`) open it read-only and never re-parse Turtle; `kg
who` and `kg timeline` read the index kept in its folder (`kg.storage.index`). Writers (`kg build`,
`kg add`, `kg remove`) hold a lock on the output folder, change a copy of the store and swap it
in with renames, so a killed write leaves the previous store, and the files exported from it,
intact. The default graph seen by queries is the merge of the briefing graphs, rebuilt after
each change: a briefing's triples go with its named graph.
"""

from __future__ import annotations

import fcntl
import gc
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox

from kg.errors import BusyError, GraphNotBuiltError
from kg.model.terms import ID_FOLDERS, ID_IRI, ONTOLOGY_IRI
from kg.storage.guard import check_query

GRAPH_NS = "https://w3id.org/cikg/graph/"
VOID_GRAPH = f"{GRAPH_NS}void"
ONTOLOGY_GRAPH = f"{GRAPH_NS}ontology"  # the ontology and its SHACL shapes, so classes and properties can be found by query
DESCRIPTION_GRAPHS = (VOID_GRAPH, ONTOLOGY_GRAPH)  # about the graph, not part of it: never merged into the default graph
STORE_DIR = "store"
LOCK_FILE = ".kg.lock"
PREFIXES = {
    "cikg": ONTOLOGY_IRI, "id": ID_IRI, **{folder: f"{ID_IRI}{folder}/" for folder in ID_FOLDERS},
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/", "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#", "xsd": "http://www.w3.org/2001/XMLSchema#", "void": "http://rdfs.org/ns/void#",
    "schema": "https://schema.org/",
}


def graph_iri(briefing_id: str) -> str:
    """The named graph that holds one briefing's triples."""
    return GRAPH_NS + quote(briefing_id, safe="")


def store_path(out: Path) -> Path:
    return out / STORE_DIR


GENERATION_FILE = "GENERATION"  # in the store's folder: a new value with every write
OLD_STORE_GRACE_SECONDS = 120  # a replaced store is kept this long for readers that opened it just before


def _recover(out: Path) -> None:
    """Finish a swap of the earlier layout that was killed between its two renames (writers only, under the lock)."""
    if not os.path.lexists(store_path(out)):
        for old in sorted(out.glob(".store-old-*")):
            old.rename(store_path(out))
            break


def _remove_old_stores(out: Path) -> None:
    """Delete stores replaced more than `OLD_STORE_GRACE_SECONDS` ago (writers only, under the lock)."""
    current = store_folder(out).resolve() if os.path.lexists(store_path(out)) else None
    for old in [*out.glob(".store-gen-*"), *out.glob(".store-old-*")]:
        try:
            if old.resolve() != current and time.time() - old.stat().st_mtime > OLD_STORE_GRACE_SECONDS:
                shutil.rmtree(old, ignore_errors=True)
        except FileNotFoundError:
            pass


def store_folder(out: Path) -> Path:
    """The folder of the store now in ``out``; a clear error when nothing was built there.

    ``out/store`` is a symbolic link to the folder of the latest write (``.store-gen-…``), moved
    in one atomic step by each writer. Readers open the folder it points to, never the link:
    the database reads its files lazily, by path, so a reader that opened through the link
    would read the next write's files halfway through. A replaced folder is kept for
    `OLD_STORE_GRACE_SECONDS`. Readers never rename anything.
    """
    path = store_path(out)
    if path.is_dir():
        return path.resolve() if path.is_symlink() else path
    for old in sorted(out.glob(".store-old-*")):  # an earlier layout's swap, killed half way
        if old.is_dir():
            return old
    raise GraphNotBuiltError(f"No graph in {str(out)!r}. Run `kg build seeds --out {out}` first.")


def open_store(out: Path) -> ox.Store:
    """The built store, read-only; a clear error when nothing was built in ``out``."""
    return ox.Store.read_only(str(store_folder(out)))


def store_generation(folder: Path) -> str:
    """The value that changes with every write of the store in ``folder`` ("" for a store from before)."""
    try:
        return (folder / GENERATION_FILE).read_text(encoding="ascii").strip()
    except OSError:
        return ""


def _swap_in(work: Path, out: Path) -> None:
    """Make ``work`` the store: the link ``out/store`` moves to it in one step, so readers never find none."""
    link = store_path(out)
    previous = store_folder(out) if os.path.lexists(link) else None
    final = out / f".store-gen-{time.time_ns()}-{os.getpid()}"
    work.rename(final)
    temporary = out / f".store-link-{os.getpid()}"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(final.name)
    if link.is_dir() and not link.is_symlink():  # the layout before links: a plain folder
        link.rename(out / f".store-old-{time.time_ns()}-{os.getpid()}")
    os.replace(temporary, link)
    if previous is not None and previous.exists():
        os.utime(previous)  # its grace period starts now


def query(store: ox.Store, sparql: str, substitutions: dict | None = None):
    """Run SPARQL with the project's prefixes declared; the default graph is the merged graph.

    Every query passes `kg.storage.guard.check_query` first: no federation, no absurd nesting.
    """
    check_query(sparql)
    return store.query(sparql, prefixes=PREFIXES, substitutions=substitutions)


def merge_default_graph(store: ox.Store) -> None:
    """Make the default graph the union of the named graphs, each triple once.

    Queries read the default graph: a thing described in five briefings must answer once,
    not five times, as it would with a union of graphs that keeps duplicates.
    """
    store.clear_graph(ox.DefaultGraph())
    descriptions = {ox.NamedNode(iri) for iri in DESCRIPTION_GRAPHS}
    store.bulk_extend(ox.Quad(quad.subject, quad.predicate, quad.object) for quad in store.quads_for_pattern(None, None, None)
                      if not isinstance(quad.graph_name, ox.DefaultGraph) and quad.graph_name not in descriptions)


def put_graph(store: ox.Store, iri: str, triples, merge: bool = True) -> None:
    """Replace one named graph with ``triples`` (pyoxigraph Triples, or an rdflib Graph).

    With ``merge`` the triples also join the default graph, which stays the merge of the named
    graphs as long as graphs are only added; replacing or removing one needs
    `merge_default_graph`.
    """
    from rdflib import Graph

    name = ox.NamedNode(iri)
    store.remove_graph(name)
    if isinstance(triples, Graph):
        triples = ox.parse(triples.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    triples = list(triples)
    store.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
    if merge:
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)


class GraphWriter:
    """Briefing graphs into the store, as N-Quads text loaded in large bulk batches.

    Each triple goes to its briefing's named graph and to the default graph. One bulk load per
    few tens of thousands of quads is several times faster than inserting quad objects, and
    text batches stay small in memory. Writers only ever change a private copy of the store,
    so the bulk loader's lack of transactions costs nothing.

    The store's loader releases the GIL, so a batch loads on a thread while the next one is
    resolved and written as text; at most one batch waits, which bounds memory. The default
    graph is a set: a thing described by every briefing of a batch is loaded there once.
    """

    def __init__(self, store: ox.Store, batch: int = 100_000):
        from concurrent.futures import ThreadPoolExecutor

        self.store, self.batch = store, batch
        self.named: list[str] = []
        self.merged: list[str] = []
        self.pending: set[str] = set()  # graphs in the batch being filled
        self.written: set[str] = set()  # every graph this writer has written
        self.replaced = False  # a graph was replaced: the default graph needs `merge_default_graph`
        self._loader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-bulk-load")
        self._loading = None

    def put(self, iri: str, triples, replace: bool = True) -> None:
        """Write the named graph ``iri`` (`kg.write.triples.Triples`), replacing an earlier one if ``replace``."""
        if iri in self.written:  # the same briefing twice in one run: the later one wins
            if iri in self.pending:
                self.flush()
            replace = True
        if replace:
            self._wait()  # the graph to remove may be in the batch being loaded
            self.store.remove_graph(ox.NamedNode(iri))
            self.replaced = True
        name = f" <{iri}> .\n"
        for subject, predicate, value in dict.fromkeys(triples):  # a sector's ancestors come with each of its children
            triple = f"{subject} {predicate} {value}"
            self.named.append(triple + name)
            self.merged.append(triple)
        self.pending.add(iri)
        self.written.add(iri)
        if len(self.named) >= self.batch:
            self.flush()

    def flush(self) -> None:
        """Hand the batch to the loading thread (after the previous one has loaded)."""
        if self.named:
            text = "".join(self.named) + " .\n".join(dict.fromkeys(self.merged)) + " .\n"
            self._wait()
            self._loading = self._loader.submit(self.store.bulk_load, text.encode("utf-8"), format=ox.RdfFormat.N_QUADS)
        self.named, self.merged, self.pending = [], [], set()

    def __enter__(self) -> GraphWriter:
        return self

    def __exit__(self, error_type, error, traceback) -> None:
        """Load what is left and wait for it (a loading error is raised here); after an error,
        only wait for the batch in flight, so nothing writes to a store about to be thrown away."""
        try:
            if error_type is None:
                self.flush()
                self._wait()
            elif self._loading is not None:
                self._loading.exception()
        finally:
            self._loader.shutdown(wait=True)

    def _wait(self) -> None:
        if self._loading is not None:
            loading, self._loading = self._loading, None
            loading.result()


def stored_briefings(store: ox.Store) -> dict[str, str]:
    """Briefing id -> digest of every briefing in the store."""
    rows = query(store, """SELECT ?id ?digest WHERE { GRAPH ?g { ?b a cikg:Briefing ; dcterms:identifier ?id .
                           OPTIONAL { ?b cikg:sourceDigest ?digest } } }""")
    return {row["id"].value: row["digest"].value if row["digest"] else "" for row in rows}


def stored_evidence(store: ox.Store) -> Iterator:
    """Every relation of the store with its evidence, one `kg.model.records.RelationRecord` per record (nodes by IRI)."""
    from kg.model.records import Evidence, RelationRecord

    for row in query(store, """SELECT ?briefing ?s ?p ?o ?sentence ?date ?rule ?confidence ?status ?start ?end WHERE {
            ?e a cikg:Evidence ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; cikg:sentence ?sentence ;
               cikg:inBriefing ?b ; cikg:rule ?rule ; cikg:confidence ?confidence ; cikg:startChar ?start ; cikg:endChar ?end .
            ?b dcterms:identifier ?briefing . OPTIONAL { ?e dcterms:date ?date } OPTIONAL { ?e cikg:status ?status } }"""):
        evidence = Evidence(row["briefing"].value, int(row["start"].value), int(row["end"].value), row["sentence"].value,
                            row["date"].value if row["date"] else "", row["rule"].value, float(row["confidence"].value),
                            row["status"].value if row["status"] else "")
        yield RelationRecord(row["s"].value, row["p"].value.rsplit("#", 1)[-1], row["o"].value, evidence)


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold the output folder's write lock; a second writer gets a clear message, not a corrupt store.

    The lock file is removed when the writer is done, so no file with a dead pid stays behind. A
    writer that opened the file just before it was removed would hold a lock on a file no one
    else can see, so after locking each writer checks that the file it holds is still the one
    at the path, and tries again if not.
    """
    out.mkdir(parents=True, exist_ok=True)
    path = out / LOCK_FILE
    while True:
        handle = open(path, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise BusyError(f"{out} is being written by {holder}; wait for it to finish and try again") from None
        try:
            if os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino:
                break
        except FileNotFoundError:
            pass
        handle.close()  # the file was removed by the writer before us: lock the new one
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(f"kg (pid {os.getpid()})")
        handle.flush()
        yield
    finally:
        path.unlink(missing_ok=True)
        handle.close()


@contextmanager
def writable_copy(out: Path, fresh: bool) -> Iterator[tuple[ox.Store, Path]]:
    """A store to change and its folder: empty (``fresh``) or a copy of the current one; swapped in on success.

    Must run inside `locked`. On any error, or if the process is killed, the copy is thrown
    away (or left as a hidden folder) and the current store stays as it was. Files written
    into the folder (the index, `kg.storage.index`) are swapped in with the store; the store's
    database keeps to its own files.
    """
    _recover(out)
    _remove_old_stores(out)
    for stale in [*out.glob(".store-work-*"), *out.glob(".store-link-*")]:
        shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() and not stale.is_symlink() else stale.unlink()
    work = out / f".store-work-{os.getpid()}"
    if not fresh and store_path(out).is_dir():
        ox.Store.read_only(str(store_folder(out))).backup(str(work))
    store = ox.Store(str(work))
    try:
        yield store, work
        store.flush()
        (work / GENERATION_FILE).write_text(f"{time.time_ns()}-{os.getpid()}\n", encoding="ascii")
    except BaseException:
        del store
        gc.collect()
        shutil.rmtree(work, ignore_errors=True)
        raise
    del store
    gc.collect()  # pyoxigraph closes the database when the last reference goes
    _swap_in(work, out)
