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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, SDO, SKOS

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
                              ("owl", OWL), ("schema", SDO)):
        graph.bind(prefix, namespace)
    return graph


def _describe(graph: Graph, node, aliases: set[str], zh: set[str]) -> URIRef:
    iri = entity_iri(node.id)
    graph.add((iri, RDF.type, CIKG[node.cls]))
    graph.add((iri, RDFS.label, Literal(node.label)))
    graph.add((iri, SKOS.prefLabel, Literal(node.label, lang="en")))
    for alias in aliases - {node.label}:
        graph.add((iri, SKOS.altLabel, Literal(alias, lang="en")))
    for name in zh:
        graph.add((iri, SKOS.altLabel, Literal(name, lang="zh")))
    for broader in node.broader:
        graph.add((iri, SKOS.broader, entity_iri(broader)))
    if node.country:
        graph.add((iri, SDO.addressCountry, Literal(node.country)))
    return iri


def briefing_graph(resolved, nodes: dict, ancestors: Callable[[object], list]) -> Graph:
    """The triples one briefing contributes: it, the things it names, its relations with evidence.

    Each briefing's graph stands alone (it becomes one named graph of the store), so a thing
    named in two briefings is described in both, with the names each one uses; the union is the
    whole graph. Known sectors bring their broader sectors, so the taxonomy is always complete.
    ``resolved`` is a `kg.resolve.ResolvedBriefing`; ``ancestors`` gives a node's broader nodes.
    """
    graph = new_graph()
    briefing = resolved.record
    source = briefing_iri(briefing.id)
    graph.add((source, RDF.type, CIKG.Briefing))
    graph.add((source, RDFS.label, Literal(briefing.title or briefing.id)))
    graph.add((source, DCTERMS.title, Literal(briefing.title or briefing.id)))
    graph.add((source, DCTERMS.identifier, Literal(briefing.id)))
    graph.add((source, CIKG.sourceFile, Literal(briefing.source)))
    if briefing.digest:
        graph.add((source, CIKG.sourceDigest, Literal(briefing.digest)))
    if briefing.date:
        graph.add((source, DCTERMS.date, Literal(briefing.date, datatype=XSD.date)))
    for node_id, names in resolved.names.items():
        node = nodes[node_id]
        table_aliases = node.aliases if node.known else set()
        iri = _describe(graph, node, names | table_aliases, resolved.zh.get(node_id, set()) | (node.zh if node.known else set()))
        graph.add((iri, CIKG.mentionedIn, source))
        if node.cls == "PolicyDocument":
            graph.add((iri, DCTERMS.title, Literal(node.label, lang="en")))
            for zh in node.zh:
                graph.add((iri, DCTERMS.title, Literal(zh, lang="zh")))
            if node.date:
                graph.add((iri, DCTERMS.date, Literal(node.date, datatype=XSD.date)))
        for ancestor in ancestors(node):
            _describe(graph, ancestor, ancestor.aliases, ancestor.zh)
    for relation in resolved.relations:
        head, tail, predicate = entity_iri(relation.head), entity_iri(relation.tail), CIKG[relation.relation]
        graph.add((head, predicate, tail))
        evidence = relation.evidence
        node = evidence_iri(evidence.briefing, evidence.start, evidence.end, relation.relation, relation.head, relation.tail)
        graph.add((node, RDF.type, CIKG.Evidence))
        graph.add((node, RDF.subject, head))
        graph.add((node, RDF.predicate, predicate))
        graph.add((node, RDF.object, tail))
        graph.add((node, CIKG.sentence, Literal(evidence.sentence)))
        graph.add((node, CIKG.inBriefing, source))
        graph.add((node, PROV.wasDerivedFrom, source))
        graph.add((node, CIKG.rule, Literal(evidence.rule)))
        graph.add((node, CIKG.confidence, Literal(f"{evidence.confidence:.2f}", datatype=XSD.decimal)))
        graph.add((node, CIKG.startChar, Literal(evidence.start)))
        graph.add((node, CIKG.endChar, Literal(evidence.end)))
        if evidence.date:
            graph.add((node, DCTERMS.date, Literal(evidence.date, datatype=XSD.date)))
    return graph


@contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed over it on success: a killed write leaves the old file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        with open(temporary, "rb+") as stream:
            os.fsync(stream.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes 0600; give the file the user's usual mode
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_atomically(path: Path, data: bytes) -> None:
    """Write bytes to ``path`` atomically (see `atomic_output`)."""
    with atomic_output(path) as temporary:
        temporary.write_bytes(data)


def write_turtle(graph: Graph, path: Path) -> None:
    """Serialise as Turtle, atomically."""
    write_atomically(path, graph.serialize(format="turtle").encode("utf-8"))


def load_graph(path: Path) -> Graph:
    graph = new_graph()
    graph.parse(path, format="turtle")
    return graph
