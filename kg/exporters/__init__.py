"""Views of the store written to files: RDF serialisations, network formats, the HTML page, the digest.

`EXPORT_FORMATS` is the one table of `kg export`'s formats: each writer takes the store and a
path and says what it wrote. Writers import their libraries when called, so reading this table
costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Written:
    """A file (or folder) an exporter wrote; ``nodes`` and ``edges`` for the network formats.

    ``load_command`` is how the target tool loads it, run inside ``path`` (Neo4j's importer).
    """

    path: Path
    nodes: int | None = None
    edges: int | None = None
    load_command: str = ""


def _rdf(fmt: str) -> Callable[..., Written]:
    def write(store, path: Path) -> Written:
        from kg.exporters.rdf import export

        export(store, fmt, path)
        return Written(path)
    return write


def _jsonld(store, path: Path) -> Written:
    from kg.exporters.network import write_jsonld

    write_jsonld(store, path)
    return Written(path)


def _network(name: str) -> Callable[..., Written]:
    def write(store, path: Path) -> Written:
        from kg.exporters import network

        nodes, edges = getattr(network, name)(store, path)
        return Written(path, nodes, edges, network.NEO4J_COMMAND if name == "write_neo4j" else "")
    return write


EXPORT_FORMATS: dict[str, Callable[..., Written]] = {
    "trig": _rdf("trig"), "nquads": _rdf("nquads"), "turtle": _rdf("turtle"), "ntriples": _rdf("ntriples"), "jsonld": _jsonld,
    "graphml": _network("write_graphml"), "gexf": _network("write_gexf"), "neo4j-csv": _network("write_neo4j"),
}
