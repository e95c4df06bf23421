"""Commands that ask the graph: who, timeline, query, changes, eval."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kg.api import KnowledgeGraph
from kg.commands.options import day, handle_errors, json_option, out_option, width_options, window_options


@click.command()
@click.argument("name")
@click.option("--depth", default=1, show_default=True, type=click.IntRange(1, 5), help="Hops to follow.")
@window_options()
@json_option()
@click.option("--active", is_flag=True, help="Leave out deals that ended (terminated, exited, rejected).")
@width_options
@out_option
@handle_errors
def who(name: str, depth: int, since, until, as_json: bool, active: bool, width: int, full: bool, out: Path) -> None:
    """Who is connected to NAME (any name, acronym or alias).

    \b
    Example:
        kg who MIIT
        kg who "Little Giants" --depth 2 --json
        kg who CATL --since 2024-06-01 --until 2025-03-31
    """
    result = KnowledgeGraph(out).who(name, depth, day(since), day(until), active)
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return
    for line in result.lines(None if full else width):
        click.echo(line)


@click.command()
@click.argument("name")
@window_options("Only events on or after this date (YYYY-MM-DD).", "Only events on or before this date (YYYY-MM-DD).")
@json_option()
@width_options
@out_option
@handle_errors
def timeline(name: str, since, until, as_json: bool, width: int, full: bool, out: Path) -> None:
    """List the dated events of NAME in order: its relations with their evidence.

    \b
    Example:
        kg timeline MIIT --since 2024-12-01
    """
    events = KnowledgeGraph(out).timeline(name, day(since), day(until))
    if as_json:
        click.echo(json.dumps([e.as_dict() for e in events], ensure_ascii=False, indent=2))
        return
    for event in events:
        click.echo(event.line(None if full else width))
    if not events:
        click.echo("(no dated events)")


@click.command()
@click.argument("query")
@click.option("--format", "output", type=click.Choice(["table", "csv", "json", "turtle"]), default="table", show_default=True,
              help="turtle is for CONSTRUCT and DESCRIBE queries.")
@out_option
@handle_errors
def query(query: str, output: str, out: Path) -> None:
    """Run a SPARQL query (inline, or a .rq file) on the built graph.

    \b
    Example:
        kg query "SELECT ?doc ?date WHERE { ?doc cikg:issuedBy ?a ; dcterms:date ?date . ?a skos:altLabel 'MIIT'@en }"
        kg query queries/policies_by_agency.rq --format csv
    """
    graph = KnowledgeGraph(out)
    click.echo(graph.construct(query) if output == "turtle" else graph.query(query).format(output))


@click.command()
@window_options("Relations with evidence dated on or after this date (YYYY-MM-DD).", "... and on or before this date.")
@click.option("--since-build", is_flag=True, help="What the last kg build, kg add or kg remove added and took away.")
@click.option("--watched", is_flag=True, help="Only what touches a name on the watch list (kg watch).")
@json_option("Print JSON.")
@click.option("--markdown", is_flag=True, help="Print Markdown, to paste into a note.")
@out_option
@handle_errors
def changes(since, until, since_build: bool, watched: bool, as_json: bool, markdown: bool, out: Path) -> None:
    """What is new: relations and entities, grouped by family (policy, ownership, deals, places).

    \b
    Example:
        kg changes --since-build
        kg changes --since 2024-12-01 --until 2024-12-31 --markdown
    """
    if since_build and (since or until):
        raise click.UsageError("give --since-build or a date window (--since/--until), not both")
    report = KnowledgeGraph(out).changes(day(since), day(until), since_build, watched)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    click.echo("\n".join(report.lines(markdown)))


@click.command("eval")
@click.option("--gold", "gold", required=True, type=click.Path(path_type=Path), help="Folder of gold *.jsonl files.")
@json_option("Print the whole report as JSON.")
@click.option("--errors/--no-errors", default=True, show_default=True, help="List misses and spurious items.")
@click.option("--by-rule", is_flag=True, help="Also list each relation rule: how often it fired and its precision.")
@out_option
@handle_errors
def evaluate(gold: Path, as_json: bool, errors: bool, by_rule: bool, out: Path) -> None:
    """Score the built graph against gold annotations (precision, recall, F1).

    Scores come per class, per relation, per slice (the briefing id up to its first hyphen,
    such as gov- or deal-) and overall.

    \b
    Example:
        kg eval --gold tests/gold
        kg eval --gold ../shared/devset/gold --no-errors --by-rule
    """
    report = KnowledgeGraph(out).evaluate(gold)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    if errors:
        for line in report.missed:
            click.echo(f"missed   {line}")
        for line in report.spurious:
            click.echo(f"spurious {line}")
        click.echo("")
    for line in report.table():
        click.echo(line)
    if by_rule:
        click.echo(f"\n{'Rule':<44} {'fired':>6} {'right':>6} {'P':>6}")
        for rule, counts in sorted(report.rules.items(), key=lambda item: (-item[1]["fired"], item[0])):
            click.echo(f"  {rule:<42} {counts['fired']:>6} {counts['correct']:>6} {counts['precision']:>6.3f}")
