"""Everything written beside the store after it changes: Turtle, TriG, N-Quads, HTML, VoID, name index.

Export step: reads the store (read-only), writes each file atomically. The Turtle file is the
union of the briefing graphs, serialised by rdflib in a stable order, so rebuilding the same
input gives byte-identical Turtle; TriG and N-Quads keep one named graph per briefing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

from kg.graph import new_graph, write_atomically, write_turtle
from kg.namespace import CIKG, CLASSES, ID, RELATIONS
from kg.store import GRAPH_NS, PREFIXES, VOID_GRAPH, query, union_graph

VOID = Namespace("http://rdfs.org/ns/void#")
OUTPUTS = ("graph.ttl", "graph.trig", "graph.nq", "graph.html", "void.ttl")


def void_graph(store: ox.Store) -> Graph:
    """A VoID description of the dataset: size, classes and relations with their counts.

    It is stored in its own named graph, so a SPARQL store that holds the graph also lists it.
    """
    graph = new_graph()
    graph.bind("void", VOID)
    dataset = URIRef(f"{GRAPH_NS}dataset")
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, DCTERMS.title, Literal("china-industry-kg: Chinese industrial policy briefings as a knowledge graph", lang="en")))
    graph.add((dataset, DCTERMS.modified, Literal(date.today().isoformat(), datatype=XSD.date)))
    graph.add((dataset, VOID.vocabulary, URIRef(str(CIKG._NS))))
    graph.add((dataset, VOID.uriSpace, Literal(str(ID))))
    graph.add((dataset, VOID.feature, URIRef("http://www.w3.org/ns/formats/Turtle")))
    # the merged default graph, before the VoID graph joins it
    triples = next(iter(query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))
    graph.add((dataset, VOID.triples, Literal(int(triples["n"].value))))
    briefings = [row["g"].value for row in query(store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?b a cikg:Briefing } }")]
    for briefing in sorted(briefings):
        graph.add((dataset, VOID.subset, URIRef(briefing)))
        graph.add((URIRef(briefing), RDF.type, VOID.Dataset))
    total = 0
    for cls in CLASSES:
        count = int(next(iter(query(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a cikg:{cls} }}")))["n"].value)
        total += count
        partition = URIRef(f"{GRAPH_NS}dataset/class/{cls}")
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], CIKG[cls]))
        graph.add((partition, VOID.entities, Literal(count)))
    graph.add((dataset, VOID.entities, Literal(total)))
    for relation in RELATIONS:
        pairs = f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o {{ ?s cikg:{relation} ?o }} }}"
        count = int(next(iter(query(store, pairs)))["n"].value)
        partition = URIRef(f"{GRAPH_NS}dataset/property/{relation}")
        graph.add((dataset, VOID.propertyPartition, partition))
        graph.add((partition, VOID.property, CIKG[relation]))
        graph.add((partition, VOID.triples, Literal(count)))
    return graph


def _dump(store: ox.Store, fmt: ox.RdfFormat) -> bytes:
    return store.dump(format=fmt, prefixes=PREFIXES if fmt == ox.RdfFormat.TRIG else None)


def write_exports(out: Path, store: ox.Store) -> list[Path]:
    """Write every file derived from the store into ``out``; returns their paths."""
    from kg.html import write_html
    from kg.index import INDEX_FILE, write_index
    from kg.view import view_from_store

    union = union_graph(store)
    write_turtle(union, out / "graph.ttl")
    write_atomically(out / "graph.trig", _dump(store, ox.RdfFormat.TRIG))
    quads = sorted(_dump(store, ox.RdfFormat.N_QUADS).decode("utf-8").splitlines())
    write_atomically(out / "graph.nq", ("\n".join(quads) + "\n").encode("utf-8"))
    void = Graph()
    void.parse(data=_dump_graph(store, VOID_GRAPH), format="nt")
    write_turtle(void, out / "void.ttl")
    write_html(out / "graph.html", view_from_store(store))
    write_index(store, out / INDEX_FILE)
    return [out / name for name in OUTPUTS] + [out / INDEX_FILE]


def _dump_graph(store: ox.Store, iri: str) -> bytes:
    return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(iri))
