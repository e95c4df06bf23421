"""The graph for the tools analysts already use: GraphML and GEXF (Gephi, Cytoscape), Neo4j CSV, JSON-LD.

Network tools want one node per entity and one edge per relation, each with plain attributes,
not RDF's evidence records: every node carries its class, label, aliases and date; every edge its
relation, how many sentences support it, and the first (oldest) one with its briefing, date and
deal status. JSON-LD is the RDF graph itself, with a context naming the ontology's prefixes.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyoxigraph as ox

from kg.files import atomic_output
from kg.storage.store import PREFIXES


def flat_view(store: ox.Store):
    """A MultiDiGraph with only scalar attributes (what GraphML and GEXF can hold); taxonomy edges kept as `broader`."""
    import networkx as nx

    from kg.read.view import view_from_store

    view = view_from_store(store)
    flat = nx.MultiDiGraph()
    for node, data in view.nodes(data=True):
        flat.add_node(node, label=data["label"], cls=data["cls"], aliases="; ".join(data.get("aliases", [])),
                      zh="; ".join(data.get("zh", [])), date=data.get("date", "") or "")
    for head, tail, relation, data in view.edges(keys=True, data=True):
        evidence = data.get("evidence", [])
        first = evidence[0] if evidence else {}
        flat.add_edge(head, tail, key=relation, relation=relation, sentences=len(evidence), sentence=first.get("sentence", ""),
                      briefing=first.get("briefing", ""), date=first.get("date", ""), status=first.get("status", ""))
    return flat


def write_graphml(store: ox.Store, path: Path) -> tuple[int, int]:
    import networkx as nx

    view = flat_view(store)
    with atomic_output(path) as temporary:
        nx.write_graphml(view, temporary, encoding="utf-8")
    return view.number_of_nodes(), view.number_of_edges()


def write_gexf(store: ox.Store, path: Path) -> tuple[int, int]:
    import networkx as nx

    view = flat_view(store)
    with atomic_output(path) as temporary:
        nx.write_gexf(view, temporary, encoding="utf-8")
    return view.number_of_nodes(), view.number_of_edges()


NEO4J_COMMAND = "neo4j-admin database import full --nodes=nodes.csv --relationships=relationships.csv --array-delimiter=';' neo4j"


def write_neo4j(store: ox.Store, folder: Path) -> tuple[int, int]:
    """nodes.csv and relationships.csv with the headers `neo4j-admin database import` reads (`NEO4J_COMMAND`)."""
    view = flat_view(store)
    folder.mkdir(parents=True, exist_ok=True)
    with atomic_output(folder / "nodes.csv") as temporary, open(temporary, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["iri:ID", "name", "aliases:string[]", "zh:string[]", "date", ":LABEL"])
        for node, data in sorted(view.nodes(data=True)):
            writer.writerow([node, data["label"], data["aliases"].replace("; ", ";"), data["zh"].replace("; ", ";"), data["date"],
                             f"Entity;{data['cls']}"])
    with atomic_output(folder / "relationships.csv") as temporary, open(temporary, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow([":START_ID", ":END_ID", ":TYPE", "sentences:int", "sentence", "briefing", "date", "status"])
        for head, tail, relation, data in sorted(view.edges(keys=True, data=True)):
            writer.writerow([head, tail, relation, data["sentences"], data["sentence"], data["briefing"], data["date"], data["status"]])
    return view.number_of_nodes(), view.number_of_edges()


def write_jsonld(store: ox.Store, path: Path) -> int:
    """The merged graph as JSON-LD: the nodes in ``@graph``, the project's prefixes as its ``@context``."""
    nodes = json.loads(store.dump(format=ox.RdfFormat.JSON_LD, from_graph=ox.DefaultGraph()))
    document = {"@context": dict(sorted(PREFIXES.items())), "@graph": nodes}
    with atomic_output(path) as temporary:
        Path(temporary).write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return len(nodes)
