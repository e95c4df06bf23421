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

from kg.errors import GraphNotBuiltError, KgError, printable

DATE = click.DateTime(formats=["%Y-%m-%d"])


def _day(value) -> str:
    """A --since/--until value as an ISO date, or "" when not given."""
    return f"{value:%Y-%m-%d}" if value else ""


def _default_out() -> str:
    return os.environ.get("KG_OUT", "out")


def out_option(command):
    """``--out DIR``: where the graph is written and read (default ``out/`` or ``$KG_OUT``)."""
    return click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=_default_out,
                        show_default="out/ or $KG_OUT", help="Output directory of the built graph.")(command)


def clip(text: str, width: int | None) -> str:
    """``text`` cut to ``width`` characters at a word boundary, with "…" where it was cut (None: whole).

    >>> clip("CATL and Stellantis agreed to build a plant in Spain.", 30)
    'CATL and Stellantis agreed to…'
    """
    if width is None or len(text) <= width:
        return text
    cut = text[: width - 1]
    if text[width - 1] != " " and " " in cut[width // 2:]:  # the cut falls inside a word: drop the piece
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def width_options(command):
    """--width N and --full, shared by the commands that print evidence sentences."""
    command = click.option("--full", is_flag=True, help="Print sentences whole.")(command)
    return click.option("--width", default=160, show_default=True, type=click.IntRange(20),
                        help="Cut sentences to this many characters (…).")(command)


def time_limit_option(command):
    """--time-limit SECONDS, shared by the commands that extract briefings."""
    return click.option("--time-limit", default=600.0, show_default=True, type=click.FloatRange(0.1),
                        help="Seconds one file may take to extract; a file over it is named and skipped.")(command)


def handle_errors(command):
    """Turn library errors into clean CLI errors unless --debug was given."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except KgError as error:
            if click.get_current_context().find_root().params.get("debug"):
                raise
            if getattr(error, "reported", False):  # its reasons are on the lines above, one per input
                raise click.exceptions.Exit(1) from None
            raise click.ClickException(str(error)) from None
    return wrapper


def _load(out: Path):
    from kg.graph import load_graph

    path = out / "graph.ttl"
    if not path.is_file():  # built with --no-turtle: read the store
        from kg.api import KnowledgeGraph

        return KnowledgeGraph(out).to_rdflib()
    _check_exports(out)
    return load_graph(path)


def _check_exports(out: Path) -> None:
    from kg.export import exports_current

    if not exports_current(out):
        raise GraphNotBuiltError(f"{out / 'graph.ttl'} is older than the store (a write was interrupted); "
                                 f"run `kg add` with any briefing, or `kg build`, to rewrite it.")


@click.group()
@click.option("--debug", is_flag=True, help="Show Python tracebacks on errors.")
@click.version_option(package_name="china-industry-kg")
def cli(debug: bool) -> None:
    """Turn briefings on Chinese industrial policy into a queryable knowledge graph."""


@cli.command()
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
    from kg.write import build as build_graph

    summary = build_graph(list(paths), out, jobs=jobs, turtle=turtle, time_limit=time_limit)
    written = f"{out / 'graph.ttl'}, {out / 'graph.html'}" if turtle else f"{out / 'graph.html'}"
    click.echo(f"Built {written} and the store {out / 'store'} from {summary.briefings} "
               f"briefing(s) in {summary.seconds:.1f} s: {summary.triples} triples.")
    _print_summary(summary)
    _print_watched(out)


def _print_summary(summary) -> None:
    click.echo("Entities: " + ", ".join(f"{cls} {n}" for cls, n in sorted(summary.entities.items())))
    click.echo("Relations: " + ", ".join(f"{rel} {n}" for rel, n in sorted(summary.relations.items())))
    if summary.errors:
        click.echo(f"{len(summary.errors)} input(s) skipped (see errors above).", err=True)
    if summary.skipped:
        from kg.readers import READABLE_SUFFIXES

        names = ", ".join(printable(path.name) for path in summary.skipped[:3]) + (", …" if len(summary.skipped) > 3 else "")
        click.echo(f"{len(summary.skipped)} file(s) of other formats left out ({names}); kg reads "
                   f"{', '.join(s for s in READABLE_SUFFIXES if s not in ('.text', '.xhtml'))}.", err=True)


@cli.command()
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
    from kg.store import open_store
    from kg.write import build as build_graph

    open_store(out)  # adding needs a graph to add to
    summary = build_graph(list(paths), out, fresh=False, time_limit=time_limit)
    click.echo(f"Added {summary.briefings} briefing(s), {summary.unchanged} unchanged, in {summary.seconds:.1f} s: "
               f"{summary.triples} triples.")
    _print_summary(summary)
    if summary.briefings:
        _print_watched(out)


def _print_watched(out: Path) -> None:
    """After a write: the relations it added that touch a watched name."""
    from kg.changes import WatchList, since_build, text_lines
    from kg.index import index_file
    from kg.store import store_folder

    watched = WatchList(out).read()
    if not watched:
        return
    report = since_build(index_file(store_folder(out))).watched(set(watched))
    report.relations = [r for r in report.relations if r.change == "added"]
    report.entities = []
    click.echo(f"Watched names: {len(report.relations)} new relation(s)")
    for line in text_lines(report)[3:]:
        if line.strip():
            click.echo(line)


@cli.command()
@click.option("--since", type=DATE, default=None, help="Relations with evidence dated on or after this date (YYYY-MM-DD).")
@click.option("--until", type=DATE, default=None, help="... and on or before this date.")
@click.option("--since-build", is_flag=True, help="What the last kg build, kg add or kg remove added and took away.")
@click.option("--watched", is_flag=True, help="Only what touches a name on the watch list (kg watch).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
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
    from kg.api import KnowledgeGraph
    from kg.changes import WatchList, text_lines
    from kg.index import Index

    Index(out)  # a clear error when nothing was built, or by an older kg
    if since_build and (since or until):
        raise click.UsageError("give --since-build or a date window (--since/--until), not both")
    report = KnowledgeGraph(out).changes(_day(since), _day(until), since_build)
    if watched:
        report = report.watched(set(WatchList(out).read()))
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    click.echo("\n".join(text_lines(report, markdown)))


@cli.command()
@click.option("--since", type=DATE, default=None, help="First day of the window (default: the month of the latest evidence).")
@click.option("--until", type=DATE, default=None, help="Last day of the window.")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="FILE.html (a page with charts, opens offline) or FILE.md.")
@out_option
@handle_errors
def digest(since, until, output: Path, out: Path) -> None:
    """A report to read: new documents by agency, top sectors against the window before, new deals, watched names.

    \b
    Example:
        kg digest --since 2024-12-01 --until 2024-12-31 -o december.html
    """
    from kg import digest as report
    from kg.changes import WatchList
    from kg.graph import write_atomically
    from kg.index import Index, index_file
    from kg.store import store_folder

    Index(out)
    path = index_file(store_folder(out))
    first, last = report.default_window(path)
    result = report.build_digest(path, _day(since) or first, _day(until) or last, WatchList(out).read())
    text = report.to_markdown(result) if output.suffix.lower() in (".md", ".markdown") else report.to_html(result)
    write_atomically(output, text.encode("utf-8"))
    click.echo(f"Wrote {output}: {result.document_count} new document(s), "
               f"{len(result.deals)} deal(s), {len(result.sectors)} sector(s), {result.since} to {result.until}")


@cli.group()
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
    from kg.changes import WatchList
    from kg.index import Index

    index, watch_list = Index(out), WatchList(out)
    watched = watch_list.read()
    for name in names:
        node = index.find(name)
        watched[node] = index.describe(node).label
        click.echo(f"Watching {watched[node]}")
    watch_list.write(watched)


@watch.command("list")
@out_option
@handle_errors
def watch_list(out: Path) -> None:
    """List the watched names."""
    from kg.changes import WatchList

    for node, label in WatchList(out).read().items():
        click.echo(f"{label}  ({node})")


@watch.command("remove")
@click.argument("names", nargs=-1, required=True)
@out_option
@handle_errors
def watch_remove(names: tuple[str, ...], out: Path) -> None:
    """Stop watching NAMES."""
    from kg.changes import WatchList
    from kg.index import Index

    index, watch_list = Index(out), WatchList(out)
    watched = watch_list.read()
    for name in names:
        node = index.find(name)
        if watched.pop(node, None) is None:
            raise KgError(f"{name!r} is not on the watch list")
        click.echo(f"Stopped watching {name}")
    watch_list.write(watched)


@cli.command()
@click.argument("briefings", nargs=-1, required=True)
@out_option
@handle_errors
def remove(briefings: tuple[str, ...], out: Path) -> None:
    """Take briefings (by id, the file name without extension) out of the graph.

    \b
    Example:
        kg remove 004_d43c6ba5f3c6dba2 --out out
    """
    from kg.write import remove as remove_briefings

    summary = remove_briefings(list(briefings), out)
    click.echo(f"Removed {summary.briefings} briefing(s): {summary.triples} triples left.")
    _print_summary(summary)


@cli.command()
@click.argument("name")
@click.option("--depth", default=1, show_default=True, type=click.IntRange(1, 5), help="Hops to follow.")
@click.option("--since", type=DATE, default=None, help="Only relations with evidence on or after this date (YYYY-MM-DD).")
@click.option("--until", type=DATE, default=None, help="Only relations with evidence on or before this date (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
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
    from kg.api import KnowledgeGraph

    result = KnowledgeGraph(out).who(name, depth, _day(since), _day(until), active)
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
        via = ""
        if neighbour.via:
            via = f" via {neighbour.via}" if neighbour.distance > 1 else f" (via {neighbour.via})"
        click.echo(f"    {neighbour.label} ({neighbour.cls}){via}")
        for evidence in neighbour.evidence[:1]:
            sentence = clip(evidence["sentence"], None if full else width)
            status = f", {evidence['status']}" if evidence.get("status") else ""
            click.echo(f"      [{evidence['date'] or 'undated'}, {evidence['briefing']}{status}] {sentence}")
    if not result.neighbours:
        click.echo("  (no relations)")


@cli.command()
@click.argument("name")
@click.option("--since", type=DATE, default=None, help="Only events on or after this date (YYYY-MM-DD).")
@click.option("--until", type=DATE, default=None, help="Only events on or before this date (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@width_options
@out_option
@handle_errors
def timeline(name: str, since, until, as_json: bool, width: int, full: bool, out: Path) -> None:
    """List the dated events of NAME in order: its relations with their evidence.

    \b
    Example:
        kg timeline MIIT --since 2024-12-01
    """
    from kg.index import Index
    from kg.view import timeline as events_of

    index = Index(out)
    events = events_of(index, index.find(name), _day(since), _day(until))
    if as_json:
        click.echo(json.dumps([e.as_dict() for e in events], ensure_ascii=False, indent=2))
        return
    for event in events:
        what = f"{event.head} {event.relation} {event.tail}".strip()
        source = f"  [{event.briefing}] {clip(event.sentence, None if full else width)}" if event.briefing else ""
        click.echo(f"{event.date or 'undated':<10}  {what}{source}")
    if not events:
        click.echo("(no dated events)")


@cli.command()
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
    from kg.query import construct_turtle, format_rows, read_query, run_query
    from kg.store import open_store

    store = open_store(out)
    if output == "turtle":
        click.echo(construct_turtle(store, read_query(query)))
        return
    columns, rows = run_query(store, read_query(query))
    click.echo(format_rows(columns, rows, output))


@cli.command("eval")
@click.option("--gold", "gold", required=True, type=click.Path(path_type=Path), help="Folder of gold *.jsonl files.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as JSON.")
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
    from kg.evaluate import evaluate as score
    from kg.evaluate import score_table

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
    for line in score_table(report):
        click.echo(line)
    if by_rule:
        click.echo(f"\n{'Rule':<44} {'fired':>6} {'right':>6} {'P':>6}")
        for rule, counts in sorted(report.rules.items(), key=lambda item: (-item[1]["fired"], item[0])):
            click.echo(f"  {rule:<42} {counts['fired']:>6} {counts['correct']:>6} {counts['precision']:>6.3f}")


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
    import networkx as nx

    from kg.errors import KgError
    from kg.export import MAX_HTML_NODES, entity_count
    from kg.html import write_html
    from kg.index import Index
    from kg.store import open_store
    from kg.view import neighbourhood, view_from_store, within_dates

    target = output or out / "graph.html"
    if focus:  # a part of the graph: read from the index alone
        index = Index(out)
        center = index.find(focus)
        view = within_dates(neighbourhood(index, {center}, depth), _day(since), _day(until))
        if view.number_of_nodes() > MAX_HTML_NODES:
            raise KgError(f"{view.number_of_nodes():,} nodes within {depth} hops of {focus!r}: too many to draw; "
                          "use a smaller --depth or --since/--until")
        view = nx.ego_graph(view, center, radius=depth, undirected=True) if center in view else view.subgraph([]).copy()
    else:
        store = open_store(out)
        total = entity_count(store)
        if total > MAX_HTML_NODES:
            raise KgError(f"the graph has {total:,} entities, more than {MAX_HTML_NODES:,} can be drawn usefully; "
                          "use --focus NAME [--depth N]")
        view = within_dates(view_from_store(store), _day(since), _day(until))
    write_html(target, view)
    click.echo(f"Wrote {target}: {view.number_of_nodes()} nodes, {view.number_of_edges()} edges")


@cli.command()
@out_option
@handle_errors
def validate(out: Path) -> None:
    """Check graph.ttl with an independent parser (rapper) and the SHACL shapes of the ontology.

    \b
    Example:
        kg validate --out out
    """
    from kg.validate import validate_output

    if (out / "graph.ttl").is_file():
        _check_exports(out)
    result = validate_output(out)
    if result.rapper_triples is None:
        click.echo("rapper: not installed (Debian package raptor2-utils); independent parse skipped")
    elif result.rapper_error:
        click.echo(f"rapper: {result.rapper_error}")
    else:
        click.echo(f"rapper: parsed {result.rapper_triples} triples")
    for line in result.violations:
        click.echo(f"violation: {line}")
    click.echo(f"SHACL: {len(result.violations)} violation(s) of ontology/shapes.ttl")
    if not result.ok:
        raise click.exceptions.Exit(1)


@cli.command("export")
@click.option("--format", "fmt", type=click.Choice(["trig", "nquads", "turtle", "ntriples", "jsonld", "graphml", "gexf", "neo4j-csv"]),
              default="trig", show_default=True,
              help="trig and nquads keep one named graph per briefing; turtle, ntriples and jsonld are the merged graph; "
                   "graphml and gexf (Gephi, Cytoscape) and neo4j-csv (a folder) are the entity network.")
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), required=True,
              help="File to write (a folder for neo4j-csv).")
@out_option
@handle_errors
def export_command(fmt: str, output: Path, out: Path) -> None:
    """Export the graph as RDF (TriG, N-Quads, Turtle, N-Triples, JSON-LD) or as a network (GraphML, GEXF, Neo4j CSV).

    \b
    Example:
        kg export --format trig -o graph.trig
        kg export --format graphml -o graph.graphml
        kg export --format neo4j-csv -o neo4j-import
    """
    from kg.api import KnowledgeGraph
    from kg.network_exports import NEO4J_COMMAND, NETWORK_WRITERS
    from kg.store import open_store

    if fmt in NETWORK_WRITERS:  # the network formats report what they drew
        nodes, edges = NETWORK_WRITERS[fmt](open_store(out), output)
        click.echo(f"Wrote {output}: {nodes} nodes, {edges} edges")
        if fmt == "neo4j-csv":
            click.echo(f"Load it with: cd {output} && {NEO4J_COMMAND}")
        return
    KnowledgeGraph(out).export(fmt, output)
    click.echo(f"Wrote {output} ({output.stat().st_size:,} bytes)")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback: this machine only).")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535), help="0 picks a free port.")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(0.1, 3600), help="Seconds a query may run.")
@click.option("--max-rows", default=10_000, show_default=True, type=click.IntRange(1), help="Rows (or triples) per answer.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Queries run at once.")
@click.option("--max-memory", default=2048, show_default=True, type=click.IntRange(64), help="MiB of memory one query may use.")
@click.option("--cors", "cors", default=None, is_flag=False, flag_value="*", metavar="[ORIGIN]",
              help="Let browser pages from ORIGIN (comma-separated; alone: any origin) query the endpoint. Off by default.")
@out_option
@handle_errors
def serve(host: str, port: int, timeout: float, max_rows: int, workers: int, max_memory: int, cors: str | None, out: Path) -> None:
    """Serve the graph over the SPARQL 1.1 Protocol at /sparql (read-only), with a query page at /.

    \b
    Example:
        kg serve --port 7878
        curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s a cikg:Firm } LIMIT 5' http://127.0.0.1:7878/sparql
        curl http://127.0.0.1:7878/sparql          # the service description (Turtle)
        kg serve --cors https://yasgui.org         # pages from that origin may query too
    """
    from kg.serve import serve as run_server

    def ready(url: str) -> None:
        click.echo(f"Serving SPARQL on {url} (query page: {url.removesuffix('sparql')}); Ctrl-C stops.", err=False)
        sys.stdout.flush()

    origins = tuple(origin.strip().rstrip("/") for origin in cors.split(",") if origin.strip()) if cors else ()
    run_server(out, host, port, timeout, max_rows, workers, ready, max_memory, origins)


@cli.command()
@click.option("--endpoint", required=True, help="Graph Store Protocol URL, e.g. http://localhost:7878/store (Oxigraph).")
@click.option("--graph", "graph", default=None, help="Named graph IRI to replace (default: the server's default graph).")
@click.option("--named-graphs", is_flag=True, help="Also send each briefing's own named graph.")
@out_option
@handle_errors
def push(endpoint: str, graph: str | None, named_graphs: bool, out: Path) -> None:
    """Load the graph into a SPARQL 1.1 Graph Store Protocol server (replacing the target graph).

    \b
    Example:
        kg push --endpoint http://localhost:7878/store
        kg push --endpoint http://localhost:7878/store --graph https://example.org/graphs/cikg
    """
    from kg.push import push as push_graph
    from kg.store import open_store

    report = push_graph(open_store(out), endpoint, graph, named_graphs)
    click.echo(f"Pushed {report.triples} triples in {report.graphs} graph(s) to {endpoint}.")


def main() -> None:  # pragma: no cover - console entry point
    """Run the CLI; an unexpected error is one line on stderr, its traceback only with --debug."""
    try:
        code = cli(prog_name="kg", standalone_mode=False)
        if isinstance(code, int):  # --help, --version
            sys.exit(code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.UsageError as error:  # one line, exit 1, like every other error
        command = error.ctx.command_path if error.ctx else "kg"
        click.echo(printable(f"Error: {error.format_message()} (see `{command} --help`)"), err=True)
        sys.exit(1)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except Exception as error:  # noqa: BLE001 - the last line of defence before a traceback
        if "--debug" in sys.argv[1:]:
            raise
        click.echo(f"Error: unexpected {type(error).__name__}: {error} (run `kg --debug ...` for the traceback)", err=True)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
