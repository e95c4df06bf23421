"""Run SPARQL on the built graph and format the answer as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Literal

import pyoxigraph as ox

from kg.errors import QueryError

Format = Literal["table", "csv", "json"]


def read_query(query_or_file: str) -> str:
    """A query given inline, or the text of a ``.rq`` file."""
    path = Path(query_or_file)
    if query_or_file.endswith((".rq", ".sparql")):
        if not path.is_file():
            raise QueryError(f"Query file {query_or_file!r} does not exist.")
        return path.read_text(encoding="utf-8")
    return query_or_file


def syntax_message(text: str, error: SyntaxError) -> str:
    """The engine's syntax error as one line with its position, the word there and a hint."""
    from kg.read.sparql_errors import explain
    from kg.storage.store import PREFIXES

    return explain(text, str(error), set(PREFIXES))


def _term(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def run_query(graph, query: str, bindings: dict | None = None) -> tuple[list[str], list[list[str]]]:
    """Column names and rows (as strings) of a SELECT or ASK query.

    ``graph`` is the embedded store (`kg.storage.store.open_store`) or an rdflib Graph; on the store,
    ``bindings`` maps variable names to pyoxigraph terms and is substituted safely, never
    pasted into the query text.
    """
    if isinstance(graph, ox.Store):
        return _run_on_store(graph, query, bindings)
    try:
        result = graph.query(query, initBindings=bindings or {})  # an rdflib Graph (the notebook's path)
    except Exception as error:  # pyparsing and rdflib raise many types
        raise QueryError(f"SPARQL error: {error}") from None
    if result.type == "ASK":
        return ["ask"], [[str(bool(result.askAnswer)).lower()]]
    if result.type != "SELECT":
        raise QueryError("Only SELECT and ASK queries print as rows; use CONSTRUCT with rdflib directly.")
    columns = [str(v) for v in result.vars]
    rows = [["" if value is None else str(value) for value in row] for row in result]
    return columns, rows


def _run_on_store(store: ox.Store, text: str, bindings: dict | None) -> tuple[list[str], list[list[str]]]:
    from kg.storage.store import query

    substitutions = {ox.Variable(name): value for name, value in (bindings or {}).items()}
    try:
        result = query(store, text, substitutions or None)
    except SyntaxError as error:
        raise QueryError(syntax_message(text, error)) from None
    except (OSError, ValueError, TypeError, RuntimeError) as error:
        raise QueryError(f"SPARQL error: {error}") from None
    if isinstance(result, ox.QueryBoolean):
        return ["ask"], [[str(bool(result)).lower()]]
    if isinstance(result, ox.QueryTriples):
        raise QueryError("Only SELECT and ASK queries print as rows; use `kg query --format turtle` for CONSTRUCT and DESCRIBE.")
    columns = [variable.value for variable in result.variables]
    return columns, [[_term(value) for value in row] for row in result]


def construct_turtle(store: ox.Store, text: str) -> str:
    """The triples of a CONSTRUCT or DESCRIBE query, as Turtle."""
    from kg.storage.store import PREFIXES, query

    try:
        result = query(store, text)
    except SyntaxError as error:
        raise QueryError(syntax_message(text, error)) from None
    if not isinstance(result, ox.QueryTriples):
        raise QueryError("--format turtle is for CONSTRUCT and DESCRIBE queries.")
    return ox.serialize(result, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES).decode("utf-8")


_LOCAL_NAME = re.compile(r"[A-Za-z0-9_](?:[\w.-]*[\w-])?")


def prefixed(value: str) -> str:
    """An IRI as a prefixed name where a declared prefix covers it (``firm:catl``); anything else as it is.

    >>> prefixed("https://w3id.org/cikg/id/firm/catl"), prefixed("CATL")
    ('firm:catl', 'CATL')
    """
    from kg.storage.store import PREFIXES

    best = max((namespace for namespace in PREFIXES.values() if value.startswith(namespace)), key=len, default=None)
    if best is None or not _LOCAL_NAME.fullmatch(value[len(best):]):
        return value
    return next(name for name, namespace in PREFIXES.items() if namespace == best) + ":" + value[len(best):]


def format_rows(columns: list[str], rows: list[list[str]], output: Format) -> str:
    if output == "json":
        return json.dumps([dict(zip(columns, row, strict=True)) for row in rows], ensure_ascii=False, indent=2)
    if output == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return buffer.getvalue().rstrip("\n")
    rows = [[prefixed(value) for value in row] for row in rows]  # a table is read by a person: firm:catl, not the whole IRI
    widths = [min(60, max([len(c), *(len(r[i]) for r in rows)])) for i, c in enumerate(columns)]
    cut = lambda value, width: value if len(value) <= width else value[: width - 1] + "…"  # noqa: E731
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(cut(v, w).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)
