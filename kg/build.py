"""The one orchestrator: read briefings, extract, resolve, build the graph, write the outputs.

Reads inputs one at a time (a corpus is streamed, not loaded whole), reports progress and
per-file problems on stderr, and keeps going past a bad file: one unreadable briefing does not
cost the user the rest of the graph.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError

READABLE_SUFFIXES = (".txt", ".md", ".markdown", ".text")
MAX_BYTES = 200 * 1024 * 1024


@dataclass
class BuildSummary:
    briefings: int = 0
    entities: Counter = field(default_factory=Counter)
    relations: Counter = field(default_factory=Counter)
    triples: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)


def iter_input_files(paths: list[Path]) -> Iterator[Path | InputError]:
    """Every briefing file under ``paths``, in a stable order; problems come back as errors."""
    seen: set[Path] = set()
    for path in paths:
        if not path.exists():
            yield InputError(f"{path}: no such file or directory")
            continue
        candidates = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for candidate in candidates:
            real = candidate.resolve()
            if real in seen:
                continue
            seen.add(real)
            if path.is_dir() and candidate.suffix.lower() not in READABLE_SUFFIXES:
                continue
            yield candidate


def read_briefing(path: Path) -> str:
    """Text of one briefing; encodings other than UTF-8 are tried before giving up."""
    if path.suffix.lower() not in READABLE_SUFFIXES:
        raise InputError(f"{path}: unsupported format {path.suffix or '(none)'!r}; use .txt or .md")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror})") from None
    if not data.strip():
        raise InputError(f"{path}: empty file")
    if len(data) > MAX_BYTES:
        raise InputError(f"{path}: larger than {MAX_BYTES // 2**20} MB")
    if b"\x00" in data[:4096]:
        raise InputError(f"{path}: binary file, not text")
    for encoding in ("utf-8-sig", "gb18030", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path}: not decodable as UTF-8, GB18030 or cp1252")


def build(paths: list[Path], out: Path, progress: Callable[[str], None] | None = None) -> BuildSummary:
    """Build ``out/graph.ttl`` and ``out/graph.html`` from briefing files."""
    from extract.pipeline import extract
    from kg.graph import build_graph, write_turtle
    from kg.html import write_html
    from kg.resolve import Resolver

    report = progress or (lambda message: print(message, file=sys.stderr))
    started = time.perf_counter()
    summary = BuildSummary()
    resolver = Resolver()
    files = list(iter_input_files(paths))
    for number, item in enumerate(files, start=1):
        if isinstance(item, InputError):
            summary.errors.append(str(item))
            report(f"error: {item}")
            continue
        try:
            text = read_briefing(item)
        except InputError as error:
            summary.errors.append(str(error))
            report(f"error: {error}")
            continue
        record = extract(text, item.stem, item.name)
        resolver.add(record)
        summary.briefings += 1
        report(f"[{number}/{len(files)}] {item.name}: {len(record.entities)} entities, {len(record.relations)} relations")
    if not summary.briefings:
        raise InputError("nothing to build: " + ("; ".join(summary.errors) if summary.errors else "no briefing files found"))
    resolution = resolver.result
    graph = build_graph(resolution)
    out.mkdir(parents=True, exist_ok=True)
    write_turtle(graph, out / "graph.ttl")
    write_html(graph, out / "graph.html")
    summary.outputs = [out / "graph.ttl", out / "graph.html"]
    summary.entities = Counter(node.cls for node in resolution.nodes.values())
    summary.relations = Counter(relation for _, relation, _ in {(r.head, r.relation, r.tail) for r in resolution.relations})
    summary.triples = len(graph)
    summary.seconds = time.perf_counter() - started
    return summary
