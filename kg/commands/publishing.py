"""Commands that publish the graph: html, export, digest, validate, serve, push."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.api import KnowledgeGraph
from kg.api import validate as validate_graph
from kg.commands.options import day, handle_errors, out_option, output_option, window_options


@click.command()
@click.option("--focus", default=None, help="Draw only the neighbourhood of this name.")
@click.option("--depth", default=1, show_default=True, type=click.IntRange(1, 5))
@window_options("Keep relations with evidence on or after this date (YYYY-MM-DD).",
                "Keep relations with evidence on or before this date (YYYY-MM-DD).")
@output_option("File to write (default OUT/graph.html).", required=False)
@out_option
@handle_errors
def html(focus: str | None, depth: int, since, until, output: Path | None, out: Path) -> None:
    """Write the interactive HTML graph (self-contained, opens offline).

    \b
    Example:
        kg html --focus CATL --depth 2 -o catl.html
        kg html --since 2024-10-01 --until 2024-12-31 -o q4.html
    """
    written = KnowledgeGraph(out).html(output or out / "graph.html", focus, depth, day(since), day(until))
    click.echo(f"Wrote {written.path}: {written.nodes} nodes, {written.edges} edges")


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["trig", "nquads", "turtle", "ntriples", "jsonld", "graphml", "gexf", "neo4j-csv"]),
              default="trig", show_default=True,
              help="trig and nquads keep one named graph per briefing; turtle, ntriples and jsonld are the merged graph; "
                   "graphml and gexf (Gephi, Cytoscape) and neo4j-csv (a folder) are the entity network.")
@output_option("File to write (a folder for neo4j-csv).", dir_okay=True)
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
    written = KnowledgeGraph(out).export(fmt, output)
    if written.nodes is None:
        click.echo(f"Wrote {output} ({output.stat().st_size:,} bytes)")
        return
    click.echo(f"Wrote {output}: {written.nodes} nodes, {written.edges} edges")  # the network formats report what they drew
    if written.load_command:
        click.echo(f"Load it with: cd {output} && {written.load_command}")


@click.command()
@window_options("First day of the window (default: the month of the latest evidence).", "Last day of the window.")
@output_option("FILE.html (a page with charts, opens offline) or FILE.md.")
@out_option
@handle_errors
def digest(since, until, output: Path, out: Path) -> None:
    """A report to read: new documents by agency, top sectors against the window before, new deals, watched names.

    \b
    Example:
        kg digest --since 2024-12-01 --until 2024-12-31 -o december.html
    """
    result = KnowledgeGraph(out).digest(output, day(since), day(until))
    click.echo(f"Wrote {output}: {result.document_count} new document(s), "
               f"{len(result.deals)} deal(s), {len(result.sectors)} sector(s), {result.since} to {result.until}")


@click.command()
@out_option
@handle_errors
def validate(out: Path) -> None:
    """Check graph.ttl with an independent parser (rapper) and the SHACL shapes of the ontology.

    \b
    Example:
        kg validate --out out
    """
    result = validate_graph(out)
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


@click.command()
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
    def ready(url: str) -> None:
        click.echo(f"Serving SPARQL on {url} (query page: {url.removesuffix('sparql')}); Ctrl-C stops.", err=False)
        sys.stdout.flush()

    origins = tuple(origin.strip().rstrip("/") for origin in cors.split(",") if origin.strip()) if cors else ()
    KnowledgeGraph(out).serve(host, port, timeout, max_rows, workers, max_memory, origins, ready)


@click.command()
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
    report = KnowledgeGraph(out).push(endpoint, graph, named_graphs)
    click.echo(f"Pushed {report.triples} triples in {report.graphs} graph(s) to {endpoint}.")
