"""`kg push`: load the graph into any SPARQL 1.1 Graph Store Protocol server.

Export step: reads the store, sends N-Triples with HTTP PUT, which replaces the target graph,
so pushing twice leaves the server as after one push. The merged graph goes to the server's
default graph (a bare POST to Oxigraph's /store would land in a new named graph that
default-graph queries do not see), or to ``--graph IRI``; ``named_graphs`` also sends each
briefing's own graph to its own IRI.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import quote

import pyoxigraph as ox

from kg.errors import PushError
from kg.storage.store import graph_iri, stored_briefings


@dataclass
class PushReport:
    graphs: int = 0
    triples: int = 0


def _target(endpoint: str, graph: str | None) -> str:
    joiner = "&" if "?" in endpoint else "?"
    return f"{endpoint}{joiner}default" if graph is None else f"{endpoint}{joiner}graph={quote(graph, safe='')}"


def _put(url: str, data: bytes, timeout: float) -> None:
    request = urllib.request.Request(url, data=data, method="PUT", headers={"Content-Type": "application/n-triples"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as error:
        detail = " ".join(re.sub(r"<[^>]{0,500}>", " ", error.read(2000).decode("utf-8", errors="replace")).split())
        detail = detail if len(detail) <= 160 else detail[:159] + "…"
        hint = (" Is it a SPARQL 1.1 Graph Store Protocol endpoint? (for Oxigraph: http://host:7878/store)"
                if error.code in (404, 405, 415, 501) else "")
        said = f": {detail}" if detail else ""
        raise PushError(f"{url}: the server answered {error.code} {error.reason}{said}.{hint}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise PushError(f"{url}: cannot reach the server ({reason})") from None


def push(store: ox.Store, endpoint: str, graph: str | None = None, named_graphs: bool = False,
         timeout: float = 300) -> PushReport:
    """PUT the merged graph (and optionally every briefing graph) to a Graph Store Protocol endpoint."""
    if not endpoint.startswith(("http://", "https://")):
        raise PushError(f"{endpoint!r} is not an http(s) URL of a Graph Store Protocol endpoint (for Oxigraph: http://host:7878/store)")
    report = PushReport()
    merged = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    _put(_target(endpoint, graph), merged, timeout)
    report.graphs, report.triples = 1, merged.count(b"\n")
    if named_graphs:
        for briefing in sorted(stored_briefings(store)):
            data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph_iri(briefing)))
            _put(_target(endpoint, graph_iri(briefing)), data, timeout)
            report.graphs += 1
    return report
