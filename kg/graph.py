"""Turn resolved nodes and relations into an rdflib Graph, and write it as Turtle.

Graph step of the pipeline; it never imports spaCy. Every relation is asserted directly
(``doc cikg:issuedBy agency``) so plain SPARQL works, and also reified as a `cikg:Evidence`
node (rdf:subject/predicate/object) carrying the sentence, briefing, date, rule and
confidence. Evidence IRIs are hashed from (briefing, offsets, relation, head, tail) and there
are no blank nodes, so the same input gives byte-identical Turtle.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SKOS

from kg.namespace import CIKG, ID

BRIEFING_PATH = "briefing/"


def entity_iri(node_id: str) -> URIRef:
    """IRI of a node from its canonical id (``agency/miit`` -> ``…/id/agency/miit``)."""
    return ID[node_id]


def briefing_iri(briefing_id: str) -> URIRef:
    return ID[BRIEFING_PATH + briefing_id]


def evidence_iri(briefing: str, start: int, end: int, relation: str, head: str, tail: str) -> URIRef:
    digest = hashlib.sha1(f"{briefing}|{start}|{end}|{relation}|{head}|{tail}".encode()).hexdigest()[:16]
    return ID[f"evidence/{digest}"]


def new_graph() -> Graph:
    graph = Graph()
    for prefix, namespace in (("cikg", CIKG._NS), ("id", ID), ("skos", SKOS), ("dcterms", DCTERMS), ("prov", PROV),
                              ("owl", OWL)):
        graph.bind(prefix, namespace)
    return graph


def build_graph(resolution) -> Graph:
    """The RDF graph of a `kg.resolve.Resolution`."""
    graph = new_graph()
    for briefing in resolution.briefings:
        iri = briefing_iri(briefing.id)
        graph.add((iri, RDF.type, CIKG.Briefing))
        graph.add((iri, RDFS.label, Literal(briefing.title or briefing.id)))
        graph.add((iri, DCTERMS.title, Literal(briefing.title or briefing.id)))
        graph.add((iri, DCTERMS.identifier, Literal(briefing.id)))
        graph.add((iri, CIKG.sourceFile, Literal(briefing.source)))
        if briefing.date:
            graph.add((iri, DCTERMS.date, Literal(briefing.date, datatype=XSD.date)))
    for node in resolution.nodes.values():
        iri = entity_iri(node.id)
        graph.add((iri, RDF.type, CIKG[node.cls]))
        graph.add((iri, RDFS.label, Literal(node.label)))
        graph.add((iri, SKOS.prefLabel, Literal(node.label, lang="en")))
        for alias in sorted(node.aliases - {node.label}):
            graph.add((iri, SKOS.altLabel, Literal(alias, lang="en")))
        for zh in sorted(node.zh):
            graph.add((iri, SKOS.altLabel, Literal(zh, lang="zh")))
        if node.cls == "PolicyDocument":
            graph.add((iri, DCTERMS.title, Literal(node.label, lang="en")))
            for zh in sorted(node.zh):
                graph.add((iri, DCTERMS.title, Literal(zh, lang="zh")))
            if node.date:
                graph.add((iri, DCTERMS.date, Literal(node.date, datatype=XSD.date)))
        for broader in node.broader:
            if broader in resolution.nodes:
                graph.add((iri, SKOS.broader, entity_iri(broader)))
        for briefing in sorted(node.briefings):
            graph.add((iri, CIKG.mentionedIn, briefing_iri(briefing)))
    for relation in resolution.relations:
        head, tail, predicate = entity_iri(relation.head), entity_iri(relation.tail), CIKG[relation.relation]
        graph.add((head, predicate, tail))
        evidence = relation.evidence
        node = evidence_iri(evidence.briefing, evidence.start, evidence.end, relation.relation, relation.head, relation.tail)
        graph.add((node, RDF.type, CIKG.Evidence))
        graph.add((node, RDF.subject, head))
        graph.add((node, RDF.predicate, predicate))
        graph.add((node, RDF.object, tail))
        graph.add((node, CIKG.sentence, Literal(evidence.sentence)))
        graph.add((node, CIKG.inBriefing, briefing_iri(evidence.briefing)))
        graph.add((node, PROV.wasDerivedFrom, briefing_iri(evidence.briefing)))
        graph.add((node, CIKG.rule, Literal(evidence.rule)))
        graph.add((node, CIKG.confidence, Literal(f"{evidence.confidence:.2f}", datatype=XSD.decimal)))
        graph.add((node, CIKG.startChar, Literal(evidence.start)))
        graph.add((node, CIKG.endChar, Literal(evidence.end)))
        if evidence.date:
            graph.add((node, DCTERMS.date, Literal(evidence.date, datatype=XSD.date)))
    return graph


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename: a killed write leaves the old file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes 0600; give the file the user's usual mode
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_turtle(graph: Graph, path: Path) -> None:
    """Serialise as Turtle, atomically."""
    write_atomically(path, graph.serialize(format="turtle").encode("utf-8"))


def load_graph(path: Path) -> Graph:
    graph = new_graph()
    graph.parse(path, format="turtle")
    return graph
