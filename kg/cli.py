"""The `kg` command line: each command parses options, calls one library function, prints.

Results go to stdout, progress and errors to stderr. Library errors (`KgError`) become one-line
messages with exit code 1; ``--debug`` shows the traceback instead. Heavy libraries are
imported inside commands, so `kg who` and `kg query` start without loading spaCy.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path

import click

from kg.errors import GraphNotBuiltError, KgError


def _default_out() -> str:
    return os.environ.get("KG_OUT", "out")


def out_option(command):
    """``--out DIR``: where the graph is written and read (default ``out/`` or ``$KG_OUT``)."""
    return click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=_default_out,
                        show_default="out/ or $KG_OUT", help="Output directory of the built graph.")(command)


def handle_errors(command):
    """Turn library errors into clean CLI errors unless --debug was given."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except KgError as error:
            if click.get_current_context().find_root().params.get("debug"):
                raise
            raise click.ClickException(str(error)) from None
    return wrapper


def _load(out: Path):
    from kg.graph import load_graph

    path = out / "graph.ttl"
    if not path.is_file():
        raise GraphNotBuiltError(f"No graph at {str(path)!r}. Run `kg build seeds --out {out}` first.")
    return load_graph(path)


@click.group()
@click.option("--debug", is_flag=True, help="Show Python tracebacks on errors.")
@click.version_option(package_name="china-industry-kg")
def cli(debug: bool) -> None:
    """Turn briefings on Chinese industrial policy into a queryable knowledge graph."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@out_option
@handle_errors
def build(paths: tuple[Path, ...], out: Path) -> None:
    """Build the graph from briefing files or folders.

    \b
    Example:
        kg build seeds --out out
    """
    from kg.build import build as build_graph

    summary = build_graph(list(paths), out)
    click.echo(f"Built {out / 'graph.ttl'} and {out / 'graph.html'} from {summary.briefings} briefing(s) "
               f"in {summary.seconds:.1f} s: {summary.triples} triples.")
    click.echo("Entities: " + ", ".join(f"{cls} {n}" for cls, n in sorted(summary.entities.items())))
    click.echo("Relations: " + ", ".join(f"{rel} {n}" for rel, n in sorted(summary.relations.items())))
    if summary.errors:
        click.echo(f"{len(summary.errors)} input(s) skipped (see errors above).", err=True)


@cli.command()
@click.argument("name")
@click.option("--depth", default=1, show_default=True, type=click.IntRange(1, 5), help="Hops to follow.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@out_option
@handle_errors
def who(name: str, depth: int, as_json: bool, out: Path) -> None:
    """Who is connected to NAME (any name, acronym or alias).

    \b
    Example:
        kg who MIIT
        kg who "Little Giants" --depth 2 --json
    """
    from kg.view import to_networkx
    from kg.view import who as who_is

    result = who_is(to_networkx(_load(out)), name, depth)
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"{result.label} ({result.cls})")
    if result.aliases:
        click.echo(f"  also: {'; '.join(a for a in result.aliases[:10] if a != result.label)}")
    current = None
    for neighbour in result.neighbours:
        arrow = "->" if neighbour.direction == "out" else "<-"
        group = f"{arrow} {neighbour.relation}" + (f" (distance {neighbour.distance})" if neighbour.distance > 1 else "")
        if group != current:
            click.echo(f"\n  {group}")
            current = group
        click.echo(f"    {neighbour.label} ({neighbour.cls})")
        for evidence in neighbour.evidence[:1]:
            click.echo(f"      [{evidence['date'] or 'undated'}, {evidence['briefing']}] {evidence['sentence'][:200]}")
    if not result.neighbours:
        click.echo("  (no relations)")


@cli.command()
@click.argument("query")
@click.option("--format", "output", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@out_option
@handle_errors
def query(query: str, output: str, out: Path) -> None:
    """Run a SPARQL query (inline, or a .rq file) on the built graph.

    \b
    Example:
        kg query "SELECT ?doc ?date WHERE { ?doc cikg:issuedBy ?a ; dcterms:date ?date . ?a skos:altLabel 'MIIT'@en }"
        kg query queries/policies_by_agency.rq --format csv
    """
    from kg.query import format_rows, read_query, run_query

    columns, rows = run_query(_load(out), read_query(query))
    click.echo(format_rows(columns, rows, output))


@cli.command("eval")
@click.option("--gold", "gold", required=True, type=click.Path(path_type=Path), help="Folder of gold *.jsonl files.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as JSON.")
@click.option("--errors/--no-errors", default=True, show_default=True, help="List misses and spurious items.")
@out_option
@handle_errors
def evaluate(gold: Path, as_json: bool, errors: bool, out: Path) -> None:
    """Score the built graph against gold annotations (precision, recall, F1).

    \b
    Example:
        kg eval --gold tests/gold
    """
    from kg.evaluate import evaluate as score

    report = score(_load(out), gold)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    if errors:
        for line in report.missed:
            click.echo(f"missed   {line}")
        for line in report.spurious:
            click.echo(f"spurious {line}")
        click.echo("")
    for title, table in (("Entities", report.entities), ("Relations", report.relations)):
        click.echo(f"{title:<16} {'P':>6} {'R':>6} {'F1':>6} {'pred':>6} {'gold':>6}")
        for key, s in table.items():
            click.echo(f"  {key:<14} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f} {s['predicted']:>6} {s['gold']:>6}")


DATE = click.DateTime(formats=["%Y-%m-%d"])


@cli.command()
@click.option("--focus", default=None, help="Draw only the neighbourhood of this name.")
@click.option("--depth", default=1, show_default=True, type=click.IntRange(1, 5))
@click.option("--since", type=DATE, default=None, help="Keep relations with evidence on or after this date (YYYY-MM-DD).")
@click.option("--until", type=DATE, default=None, help="Keep relations with evidence on or before this date (YYYY-MM-DD).")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default OUT/graph.html).")
@out_option
@handle_errors
def html(focus: str | None, depth: int, since, until, output: Path | None, out: Path) -> None:
    """Write the interactive HTML graph (self-contained, opens offline).

    \b
    Example:
        kg html --focus CATL --depth 2 -o catl.html
        kg html --since 2024-10-01 --until 2024-12-31 -o q4.html
    """
    from kg.html import focused_view, write_html
    from kg.view import to_networkx, within_dates

    graph = _load(out)
    target = output or out / "graph.html"
    view = within_dates(to_networkx(graph), f"{since:%Y-%m-%d}" if since else "", f"{until:%Y-%m-%d}" if until else "")
    if focus:
        view = focused_view(view, focus, depth)
    write_html(graph, target, view)
    click.echo(f"Wrote {target}: {view.number_of_nodes()} nodes, {view.number_of_edges()} edges")


def main() -> None:  # pragma: no cover - console entry point
    cli(prog_name="kg")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
