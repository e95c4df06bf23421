"""The project's RDF namespaces, CIKG (the ontology, closed) and ID (minted resources), and rdflib graphs that use them."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, SDO, SKOS, ClosedNamespace

from kg.model.terms import CLASSES, ID_IRI, ONTOLOGY_IRI, RELATIONS, SCORED_RELATIONS, SYMMETRIC

__all__ = ["CIKG", "CLASSES", "ID", "RELATIONS", "SCORED_RELATIONS", "SYMMETRIC", "load_graph", "new_graph"]

ID = Namespace(ID_IRI)


# Terms of ontology/cikg.ttl besides its entity classes and relations (which come from the vocabulary)
OTHER_TERMS = ("Entity", "Briefing", "Evidence", "mentionedIn", "inBriefing", "sentence", "rule", "status", "confidence",
               "startChar", "endChar", "sourceFile", "sourceDigest")
# A misspelt term raises AttributeError instead of minting a wrong IRI.
CIKG = ClosedNamespace(ONTOLOGY_IRI, [*CLASSES, *RELATIONS, *OTHER_TERMS])


def new_graph() -> Graph:
    """An empty rdflib graph with the project's prefixes bound."""
    graph = Graph()
    for prefix, namespace in (("cikg", Namespace(ONTOLOGY_IRI)), ("id", ID), ("skos", SKOS), ("dcterms", DCTERMS), ("prov", PROV),
                              ("owl", OWL), ("schema", SDO)):
        graph.bind(prefix, namespace)
    return graph


def load_graph(path: Path) -> Graph:
    """A Turtle file written by `kg build` or `kg export`, read into rdflib."""
    graph = new_graph()
    graph.parse(path, format="turtle")
    return graph
