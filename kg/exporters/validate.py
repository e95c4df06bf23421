"""`kg validate`: check the built Turtle with an independent parser and the SHACL shapes.

Export-side check: Debian's `rapper` (raptor2-utils), a parser that shares no code with
pyoxigraph or rdflib, must read graph.ttl; pyshacl must find zero violations of
`ontology/shapes.ttl`. The tests run the same check on the seed graph.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ontology import data_path


@dataclass
class Validation:
    rapper_triples: int | None = None  # None: rapper is not installed
    rapper_error: str = ""
    violations: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rapper_error and not self.violations


def rapper_count(path: Path) -> tuple[int | None, str]:
    """Triples rapper parses from a Turtle file, or its error; (None, "") when rapper is missing."""
    binary = shutil.which("rapper")
    if binary is None:
        return None, ""
    run = subprocess.run([binary, "-i", "turtle", "-c", str(path)], capture_output=True, text=True)
    if run.returncode != 0:
        return 0, " ".join(line for line in run.stderr.splitlines() if "error" in line.lower())[:500] or run.stderr[:500]
    counted = [line for line in run.stderr.splitlines() if "returned" in line]
    return int(counted[-1].split("returned", 1)[1].split()[0]) if counted else 0, ""


def shacl_violations(path: Path) -> list[str]:
    """One line per SHACL violation of graph.ttl against the project's shapes."""
    from pyshacl import validate
    from rdflib import Graph, Namespace

    sh = Namespace("http://www.w3.org/ns/shacl#")
    data = Graph().parse(path, format="turtle")
    shapes = Graph().parse(data_path("shapes.ttl"), format="turtle")
    _conforms, report, _text = validate(data, shacl_graph=shapes, inference="none")
    lines = []
    for result in report.subjects(sh.resultSeverity, sh.Violation):
        focus, message = report.value(result, sh.focusNode), report.value(result, sh.resultMessage)
        path_ = report.value(result, sh.resultPath)
        lines.append(f"{focus} {path_ or ''}: {message}".replace("  ", " "))
    return sorted(lines)


def validate_output(out: Path) -> Validation:
    """Validate graph.ttl, or, after `kg build --no-turtle`, the store's merged graph written to a temporary file."""
    import tempfile

    path = out / "graph.ttl"
    if path.is_file():
        return _validate(path)
    from kg.exporters.rdf import export
    from kg.storage.store import open_store

    store = open_store(out)  # a clear error when nothing was built
    with tempfile.TemporaryDirectory() as folder:
        export(store, "turtle", Path(folder) / "graph.ttl")
        return _validate(Path(folder) / "graph.ttl")


def _validate(path: Path) -> Validation:
    result = Validation()
    result.rapper_triples, result.rapper_error = rapper_count(path)
    result.violations = shacl_violations(path)
    return result
