"""Commands that write the graph: build, add, remove, and the watch list they report on."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.api import KnowledgeGraph
from kg.api import build as build_graph
from kg.commands.options import handle_errors, out_option, time_limit_option
from kg.errors import printable


def _progress(message: str) -> None:
    print(message, file=sys.stderr)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(1, 256),
              help="Cores to use: with N > 1, N-1 processes extract while this one resolves and writes "
                   "(the graph is the same for any number).")
@click.option("--turtle/--no-turtle", default=True, show_default=True,
              help="Write graph.ttl. On millions of triples it takes minutes; `kg export` writes it later.")
@time_limit_option
@out_option
@handle_errors
def build(paths: tuple[Path, ...], jobs: int, turtle: bool, time_limit: float, out: Path) -> None:
    """Build the graph from briefing files or folders.

    \b
    Example:
        kg build seeds --out out
        kg build archive/ --jobs 2 --no-turtle
    """
    graph = build_graph(list(paths), out, jobs=jobs, turtle=turtle, time_limit=time_limit, progress=_progress)
    summary = graph.summary
    written = f"{out / 'graph.ttl'}, {out / 'graph.html'}" if turtle else f"{out / 'graph.html'}"
    click.echo(f"Built {written} and the store {out / 'store'} from {summary.briefings} "
               f"briefing(s) in {summary.seconds:.1f} s: {summary.triples} triples.")
    _print_summary(summary)
    _print_watched(graph)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@time_limit_option
@out_option
@handle_errors
def add(paths: tuple[Path, ...], time_limit: float, out: Path) -> None:
    """Add briefings to an existing graph (an unchanged briefing is skipped, a changed one replaced).

    \b
    Example:
        kg add docs/example/2025-06.md --out out
    """
    graph = KnowledgeGraph(out)  # adding needs a graph to add to
    summary = graph.add(list(paths), time_limit=time_limit, progress=_progress)
    click.echo(f"Added {summary.briefings} briefing(s), {summary.unchanged} unchanged, in {summary.seconds:.1f} s: "
               f"{summary.triples} triples.")
    _print_summary(summary)
    if summary.briefings:
        _print_watched(graph)


@click.command()
@click.argument("briefings", nargs=-1, required=True)
@out_option
@handle_errors
def remove(briefings: tuple[str, ...], out: Path) -> None:
    """Take briefings (by id, the file name without extension) out of the graph.

    \b
    Example:
        kg remove 004_d43c6ba5f3c6dba2 --out out
    """
    summary = KnowledgeGraph(out).remove(list(briefings))
    click.echo(f"Removed {summary.briefings} briefing(s): {summary.triples} triples left.")
    _print_summary(summary)


def _print_summary(summary) -> None:
    click.echo("Entities: " + ", ".join(f"{cls} {n}" for cls, n in sorted(summary.entities.items())))
    click.echo("Relations: " + ", ".join(f"{rel} {n}" for rel, n in sorted(summary.relations.items())))
    if summary.errors:
        click.echo(f"{len(summary.errors)} input(s) skipped (see errors above).", err=True)
    if summary.skipped:
        names = ", ".join(printable(path.name) for path in summary.skipped[:3]) + (", …" if len(summary.skipped) > 3 else "")
        click.echo(f"{len(summary.skipped)} file(s) of other formats left out ({names}); kg reads "
                   f"{summary.readable}.", err=True)


def _print_watched(graph: KnowledgeGraph) -> None:
    """After a write: the relations it added that touch a watched name."""
    if not graph.watched():
        return
    report = graph.changes(since_build=True, watched=True)
    report.relations = [r for r in report.relations if r.change == "added"]
    report.entities = []
    click.echo(f"Watched names: {len(report.relations)} new relation(s)")
    for line in report.lines()[3:]:
        if line.strip():
            click.echo(line)


@click.group()
def watch() -> None:
    """Names to follow: kg add and kg build print the new relations that touch them.

    \b
    Example:
        kg watch add CATL MIIT
        kg watch list
        kg watch remove CATL
    """


@watch.command("add")
@click.argument("names", nargs=-1, required=True)
@out_option
@handle_errors
def watch_add(names: tuple[str, ...], out: Path) -> None:
    """Watch NAMES (any name, acronym or alias, resolved as kg who resolves them)."""
    for label in KnowledgeGraph(out).watch(names):
        click.echo(f"Watching {label}")


@watch.command("list")
@out_option
@handle_errors
def watch_list(out: Path) -> None:
    """List the watched names."""
    for node, label in KnowledgeGraph(out).watched().items():
        click.echo(f"{label}  ({node})")


@watch.command("remove")
@click.argument("names", nargs=-1, required=True)
@out_option
@handle_errors
def watch_remove(names: tuple[str, ...], out: Path) -> None:
    """Stop watching NAMES."""
    KnowledgeGraph(out).unwatch(names)
    for name in names:
        click.echo(f"Stopped watching {name}")
