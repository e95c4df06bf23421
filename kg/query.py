"""Run SPARQL on the built graph and format the answer as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Literal

from rdflib import Graph

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


def run_query(graph: Graph, query: str, bindings: dict | None = None) -> tuple[list[str], list[list[str]]]:
    """Column names and rows (as strings) of a SELECT or ASK query."""
    try:
        result = graph.query(query, initBindings=bindings or {})
    except Exception as error:  # pyparsing and rdflib raise many types
        raise QueryError(f"SPARQL error: {error}") from None
    if result.type == "ASK":
        return ["ask"], [[str(bool(result.askAnswer)).lower()]]
    if result.type != "SELECT":
        raise QueryError("Only SELECT and ASK queries print as rows; use CONSTRUCT with rdflib directly.")
    columns = [str(v) for v in result.vars]
    rows = [["" if value is None else str(value) for value in row] for row in result]
    return columns, rows


def format_rows(columns: list[str], rows: list[list[str]], output: Format) -> str:
    if output == "json":
        return json.dumps([dict(zip(columns, row, strict=True)) for row in rows], ensure_ascii=False, indent=2)
    if output == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return buffer.getvalue().rstrip("\n")
    widths = [min(60, max([len(c), *(len(r[i]) for r in rows)])) for i, c in enumerate(columns)]
    cut = lambda value, width: value if len(value) <= width else value[: width - 1] + "…"  # noqa: E731
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(cut(v, w).ljust(w) for v, w in zip(row, widths, strict=True)) for row in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)
