"""The one orchestrator: read briefings, extract, resolve, build the graph, write the outputs.

Reads inputs one at a time (a corpus is streamed, not loaded whole), reports progress and
per-file problems on stderr, and keeps going past a bad file: one unreadable briefing does not
cost the user the rest of the graph.
"""

from __future__ import annotations

import functools
import itertools
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from kg.errors import InputError, NothingReadError, printable
from kg.write import TIME_LIMIT_SECONDS
from kg.write.readers import READABLE_SUFFIXES, read_briefing


@dataclass
class BuildSummary:
    briefings: int = 0
    entities: Counter = field(default_factory=Counter)
    relations: Counter = field(default_factory=Counter)
    triples: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    unchanged: int = 0
    replaced: int = 0
    skipped: list[Path] = field(default_factory=list)  # files in the folders given, of formats kg does not read

    @property
    def readable(self) -> str:
        """The formats kg reads, named in the line about the files left out."""
        return ", ".join(s for s in READABLE_SUFFIXES if s not in (".text", ".xhtml"))


class BriefingFile(NamedTuple):
    """A file to read and the id its briefing gets in the graph."""

    path: Path
    briefing_id: str


def briefing_id(path: Path, root: Path | None) -> str:
    """The id of a briefing: its path below the folder it was found in, without the extension.

    A file given by name is its stem; a file found in a folder keeps its sub-folders
    (``2024/jan`` for ``briefings/2024/jan.md``), so same-named files in different folders
    stay apart, and the id is the same on every run with the same arguments.

    >>> briefing_id(Path("seeds/2024/jan.md"), Path("seeds"))
    '2024/jan'
    >>> briefing_id(Path("notes/jan.md"), None)
    'jan'
    """
    relative = path.relative_to(root) if root is not None else Path(path.name)
    return relative.with_suffix("").as_posix()


def iter_input_files(paths: list[Path], skipped: list[Path] | None = None) -> Iterator[BriefingFile | InputError]:
    """Every briefing file under ``paths`` with its id, in a stable order; problems come back as errors.

    Folders are walked without following symbolic links to folders, so a link loop cannot
    trap the build; a file named twice (directly and through a folder, or by a link) is read
    once. A file given by name is always tried, so a wrong format is reported, not skipped.
    Two different files that would get the same id are never merged in silence: the second
    is reported and skipped. Files of other formats inside a folder are collected in ``skipped``
    (hidden files aside), so the summary can say how many were left out.
    """
    seen: set[Path] = set()
    ids: dict[str, Path] = {}
    for path in paths:
        if not path.exists() and not path.is_symlink():
            yield InputError(f"{path}: no such file or directory")
            continue
        if path.is_dir():
            root, candidates = path, []
            for folder, folders, names in os.walk(path, followlinks=False, onerror=None):
                folders.sort()
                for name in sorted(names):
                    if Path(name).suffix.lower() in READABLE_SUFFIXES:
                        candidates.append(Path(folder) / name)
                    elif skipped is not None and not name.startswith("."):
                        skipped.append(Path(folder) / name)
        else:
            root, candidates = None, [path]
        for candidate in candidates:
            try:
                real = candidate.resolve(strict=False)
            except (OSError, RuntimeError):  # a link loop
                yield InputError(f"{candidate}: symbolic link loop")
                continue
            if real in seen:
                continue
            seen.add(real)
            identifier = briefing_id(candidate, root)
            if identifier in ids:
                yield InputError(f"{candidate}: its briefing id {identifier!r} is already that of {ids[identifier]}; "
                                 "rename one of them, or give their common folder")
                continue
            ids[identifier] = candidate
            yield BriefingFile(candidate, identifier)


def build(paths: list[Path], out: Path, progress: Callable[[str], None] | None = None, *, fresh: bool = True,
          jobs: int = 1, turtle: bool = True, time_limit: float = TIME_LIMIT_SECONDS) -> BuildSummary:
    """Build the store and its exports from briefing files (``fresh``), or add them to it (`kg add`).

    Adding resolves the new briefings onto the nodes already in the store; a briefing whose
    text is unchanged is skipped, one whose text changed replaces its earlier version.
    ``jobs`` is the number of cores to use (`_records`); resolution and writing stay in this
    process, in input order, so the graph is the same for any ``jobs``.
    """
    from kg.storage.index import IndexWriter, index_file, records_of
    from kg.storage.store import GraphWriter, locked, open_store, store_folder, store_path, stored_briefings, writable_copy

    report = progress or (lambda message: None)  # quiet unless asked: the CLI passes a printer
    started = time.perf_counter()
    summary = BuildSummary()
    with locked(out):
        try:
            before = index_file(store_folder(out)) if store_path(out).is_dir() else None  # what `kg changes` compares with
            previous = None if fresh else before
            records = None if previous is None else records_of(out, previous)  # before any copy: an older graph is refused
            with writable_copy(out, fresh) as (store, folder), IndexWriter(folder, previous, before) as index:
                existing = {} if fresh else stored_briefings(store)
                resolver = _resolver(records)
                files = list(iter_input_files(paths, summary.skipped))
                with GraphWriter(store) as writer:
                    for number, (item, record) in enumerate(_records(files, jobs, time_limit), start=1):
                        _add_result(item, record, number, len(files), writer, index, resolver, existing, summary, report)
                if not summary.briefings and (fresh or summary.errors and not summary.unchanged):
                    problems = "; ".join(summary.errors) if summary.errors else "no briefing files found"
                    raise NothingReadError(f"nothing to {'build' if fresh else 'add'}: {problems}", reported=bool(summary.errors))
                if not summary.briefings:
                    raise _NothingChangedError  # throw the copy away: the store and its exports stay as they are
                if summary.replaced:  # a changed text: every briefing is resolved again, in input order, as `kg build` would
                    resolver = _rewrite(store, index)
                _finish(store, index, resolver, full_merge=writer.replaced and not summary.replaced)
        except _NothingChangedError:
            from kg.exporters.rdf import exports_current

            if exports_current(out):
                _count(open_store(out), summary)
            else:  # an earlier write was killed between its store and its files
                summary.outputs = _export(out, open_store(out), summary, turtle)
        else:
            summary.outputs = _export(out, open_store(out), summary, turtle)
    summary.seconds = time.perf_counter() - started
    return summary


def remove(briefing_ids: list[str], out: Path) -> BuildSummary:
    """Take briefings out of the store again (`kg remove`); the exports follow.

    The briefings that stay are resolved again from their stored records, in their input
    order, as if built alone: a name that a removed briefing introduced and a staying one
    reused is then named as the staying one names it, so the graph equals `kg build` of the
    briefings that stay.
    """
    from kg.storage.index import IndexWriter, index_file, records_of
    from kg.storage.store import locked, open_store, store_folder, stored_briefings, writable_copy

    summary = BuildSummary()
    with locked(out):
        previous = index_file(store_folder(out))  # a clear error when nothing was built
        present = stored_briefings(open_store(out))
        unknown = [b for b in briefing_ids if b not in present]
        if unknown:
            raise InputError(f"not in the graph: {', '.join(unknown)}; briefings: {', '.join(sorted(present)) or 'none'}")
        records = records_of(out, previous)
        with writable_copy(out, fresh=True) as (store, folder), IndexWriter(folder, None, previous) as index:
            staying = (record for record in records if record.id not in briefing_ids)
            resolver = _write_records(store, index, staying, keep_records=True)
            _finish(store, index, resolver, full_merge=False)
        summary.briefings = len(briefing_ids)
        summary.outputs = _export(out, open_store(out), summary)
    return summary


def _rewrite(store, index):
    """Write the store again from the records the index holds, in input order; the resolver that did it.

    A briefing whose text changed was resolved onto names its earlier text brought; resolving
    every briefing's record again (no text is read or extracted again) gives the graph
    `kg build` of today's texts gives.
    """
    store.clear()
    return _write_records(store, index, index.records(), keep_records=False)


def _write_records(store, index, records: Iterable, keep_records: bool):
    """Resolve ``records`` in order with a new resolver and write each into the store and the index; the resolver.

    ``keep_records``: the index is new and keeps them too (`kg remove`); not when it already holds them (`_rewrite`).
    """
    from kg.storage.store import GraphWriter

    resolver = _resolver(None)
    with GraphWriter(store) as writer:
        for record in records:
            _write_briefing(record, resolver, writer, index, replace=False, keep_record=keep_records)
    return resolver


def _write_briefing(record, resolver, writer, index, replace: bool, keep_record: bool = True) -> None:
    """Resolve one briefing's record onto the graph so far and write its named graph and index rows (and the record)."""
    from kg.storage.store import graph_iri
    from kg.write.triples import briefing_graph

    resolved = resolver.add(record)
    writer.put(graph_iri(record.id), briefing_graph(resolved, resolver.result.nodes, resolver.ancestors), replace=replace)
    index.put(record.id, resolved.relations, record if keep_record else None)


def _resolver(records: Iterable | None):
    """A resolver that knows the briefings already in the graph (their stored ``records``; None for a fresh graph).

    They are resolved again, in their input order, so `kg add` names and merges exactly as
    `kg build` of all the briefings would: nothing is read back from the store's triples.
    """
    from kg.write.resolve import Resolver

    resolver = Resolver()
    for record in records or ():
        resolver.add(record)
    return resolver


class _OutOfTimeError(Exception):
    """The file's time limit ran out (raised by the interval timer's signal)."""


def extract_file(item: BriefingFile, seconds: float = TIME_LIMIT_SECONDS):
    """Read and extract one file: a `BriefingRecord`, or the `InputError` that stopped it.

    Runs in worker processes under ``--jobs N``; records are plain frozen data, so they cross
    the process boundary cheaply, and the main process resolves them in input order. A file
    that takes longer than ``seconds`` is stopped and named, so one pathological file cannot
    hold a build (and its lock) for hours.
    """
    import signal
    import threading

    from extract.pipeline import extract, make_nlp

    make_nlp()  # built once per process: its loading is not the file's time

    def out_of_time(signum, frame):
        raise _OutOfTimeError

    timed = bool(seconds) and threading.current_thread() is threading.main_thread()
    if timed:
        previous = signal.signal(signal.SIGALRM, out_of_time)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return extract(read_briefing(item.path), item.briefing_id, item.path.name)
    except InputError as error:
        return error
    except _OutOfTimeError:
        return InputError(f"{item.path}: extraction took longer than {seconds:g} s, the time limit per file; "
                          "split the file, or raise --time-limit")
    finally:
        if timed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def _records(files: list, jobs: int, seconds: float = TIME_LIMIT_SECONDS) -> Iterator:
    """(file, record or error) in input order, extracted on ``jobs`` cores.

    With one job this process extracts. With more, ``jobs - 1`` worker processes extract while
    this one resolves and writes (its bulk loads run on a thread): the work after extraction
    is a third of the whole and cannot be split, so it gets a core of its own. Only a few
    files per worker are handed out ahead, so records wait in memory only briefly however
    long the corpus is.
    """
    paths = [item for item in files if not isinstance(item, InputError)]
    workers = min(jobs - 1, len(paths) - 1)
    extract_one = functools.partial(extract_file, seconds=seconds)
    if workers < 1:
        results = map(extract_one, paths)
        pool = None
    else:
        import multiprocessing
        from collections import deque

        from kg.processes import exit_with_parent

        pool = multiprocessing.get_context("spawn").Pool(workers, initializer=exit_with_parent)
        queued = iter(paths)
        ahead = deque(pool.apply_async(extract_one, (path,)) for path in itertools.islice(queued, 8 * workers))

        def in_order() -> Iterator:
            while ahead:
                record = ahead.popleft().get()
                ahead.extend(pool.apply_async(extract_one, (path,)) for path in itertools.islice(queued, 1))
                yield record

        results = in_order()
    try:
        for item in files:
            yield item, item if isinstance(item, InputError) else next(results)
    finally:
        if pool is not None:
            pool.terminate()


def _add_result(item, record, number: int, total: int, writer, index, resolver, existing: dict, summary: BuildSummary,
                report) -> None:

    if isinstance(record, InputError):
        summary.errors.append(str(record))
        report(f"error: {record}")
        return
    if existing.get(record.id) == record.digest:
        summary.unchanged += 1
        report(f"[{number}/{total}] {printable(item.path.name)}: unchanged, already in the graph")
        return
    if record.id in existing:
        summary.replaced += 1
    _write_briefing(record, resolver, writer, index, replace=record.id in existing)
    summary.briefings += 1
    verb = "replaced" if record.id in existing else "added" if existing else "read"
    report(f"[{number}/{total}] {printable(item.path.name)}: {len(record.entities)} entities, {len(record.relations)} relations ({verb})")


def _finish(store, index, resolver, full_merge: bool) -> None:
    """Merge the default graph, describe the dataset (VoID), finish the index and compact the store before they are swapped in."""
    import pyoxigraph as ox

    from kg.exporters.rdf import ontology_triples, void_graph
    from kg.storage.store import ONTOLOGY_GRAPH, VOID_GRAPH, merge_default_graph, put_graph

    store.remove_graph(ox.NamedNode(VOID_GRAPH))
    if full_merge:
        merge_default_graph(store)
    put_graph(store, VOID_GRAPH, void_graph(store), merge=False)  # the description lives in its own graph only
    put_graph(store, ONTOLOGY_GRAPH, ontology_triples(), merge=False)
    index.finish(resolver.described_nodes())
    # Bulk loads leave the store in many small files; compacting once here makes every later
    # query read fewer of them (4x to 6x faster on a 4.5-million-triple graph, for ~1% of the build).
    store.optimize()


class _NothingChangedError(Exception):
    """Every briefing given to `kg add` is already in the store, unchanged."""


def _export(out: Path, store, summary: BuildSummary, turtle: bool = True) -> list[Path]:
    from kg.exporters.rdf import write_exports

    _count(store, summary)
    return write_exports(out, store, turtle)


def _count(store, summary: BuildSummary) -> None:
    """Entities mentioned per class, relations per kind and triples, for the closing summary.

    Each count reads as few rows as it can: every relation triple is written with its evidence,
    and the default graph is a set, so neither needs a DISTINCT over millions of rows (28 s
    to 3 s on 4.5 million triples).
    """
    from kg.model.terms import RELATION_VALUES
    from kg.storage.store import query

    for row in query(store, """SELECT ?c (COUNT(?s) AS ?n) WHERE { { SELECT DISTINCT ?s WHERE { ?s cikg:mentionedIn ?b } }
                               ?s a ?c } GROUP BY ?c"""):
        summary.entities[row["c"].value.rsplit("#", 1)[-1]] = int(row["n"].value)
    for row in query(store, f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ VALUES ?p {{ {RELATION_VALUES} }} ?s ?p ?o }} GROUP BY ?p"):
        summary.relations[row["p"].value.rsplit("#", 1)[-1]] = int(row["n"].value)
    summary.triples = int(next(iter(query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)
