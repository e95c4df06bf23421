"""Turn resolved nodes and relations into RDF triples, one briefing at a time.

Graph step of the pipeline; it never imports spaCy. Every relation is asserted directly
(``doc cikg:issuedBy agency``) so plain SPARQL works, and also reified as a `cikg:Evidence`
node (rdf:subject/predicate/object) carrying the sentence, briefing, date, rule and
confidence. Evidence IRIs are hashed from (briefing, offsets, relation, head, tail) and there
are no blank nodes, so the same input gives byte-identical Turtle. The triples go to the
store; rdflib reads them back only in `kg.model.namespace.load_graph`.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import DCTERMS, PROV, SDO, SKOS

from kg.model.namespace import CIKG, ID
from kg.model.records import entity_iri, evidence_iri

BRIEFING_PATH = "briefing/"


def briefing_iri(briefing_id: str) -> URIRef:
    """IRI of a briefing; its id (a file name) is percent-encoded, so any name gives a valid IRI."""
    return ID[BRIEFING_PATH + quote(briefing_id, safe="")]


_XSD = "http://www.w3.org/2001/XMLSchema#"
P = {name: f"<{iri}>" for name, iri in {
    "type": RDF.type, "label": RDFS.label, "prefLabel": SKOS.prefLabel, "altLabel": SKOS.altLabel, "broader": SKOS.broader,
    "country": SDO.addressCountry, "title": DCTERMS.title, "date": DCTERMS.date, "identifier": DCTERMS.identifier,
    "subject": RDF.subject, "predicate": RDF.predicate, "object": RDF.object, "derived": PROV.wasDerivedFrom,
    **{term: CIKG[term] for term in ("mentionedIn", "sentence", "inBriefing", "rule", "status", "confidence", "startChar", "endChar",
                                     "sourceFile", "sourceDigest", "Briefing", "Evidence")},
}.items()}
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"}
                         | {chr(c): f"\\u{c:04X}" for c in range(32) if c not in (10, 13)})


def _iri(iri: str) -> str:
    return f"<{iri}>"


def literal(value: str, language: str = "", datatype: str = "") -> str:
    """An N-Triples literal; quotes, backslashes and control characters are escaped.

    >>> literal('say "hi"\\n', language="en")
    '"say \\\\"hi\\\\"\\\\n"@en'
    """
    text = '"' + value.translate(_ESCAPES) + '"'
    return f"{text}@{language}" if language else f"{text}^^<{_XSD}{datatype}>" if datatype else text


class Triples(list):
    """The triples of one briefing as N-Triples terms (strings), ready for a bulk load.

    Building terms as text and letting the store's Rust parser read them is several times
    faster than building Python term objects, and a batch of briefings loads in one call.
    """

    def add(self, subject: str, predicate: str, value: str) -> None:
        self.append((subject, P[predicate], value))

    def ntriples(self) -> str:
        return "".join(f"{s} {p} {o} .\n" for s, p, o in self)


def _describe(triples: Triples, node, aliases: set[str], zh: set[str]) -> str:
    iri = _iri(entity_iri(node.id))
    triples.add(iri, "type", _iri(CIKG[node.cls]))
    triples.add(iri, "label", literal(node.label, "en"))
    triples.add(iri, "prefLabel", literal(node.label, "en"))
    for alias in sorted(aliases - {node.label}):
        triples.add(iri, "altLabel", literal(alias, "en"))
    for name in sorted(zh):
        triples.add(iri, "altLabel", literal(name, "zh"))
    for broader in node.broader:
        triples.add(iri, "broader", _iri(entity_iri(broader)))
    if node.country:
        triples.add(iri, "country", literal(node.country))
    return iri


def briefing_graph(resolved, nodes: dict, ancestors: Callable[[object], list]) -> Triples:
    """The triples one briefing contributes: it, the things it names, its relations with evidence.

    Each briefing's graph stands alone (it becomes one named graph of the store), so a thing
    named in two briefings is described in both, with the names each one uses; the merge is the
    whole graph. Known sectors bring their broader sectors, so the taxonomy is always complete.
    ``resolved`` is a `kg.write.resolve.ResolvedBriefing`; ``ancestors`` gives a node's broader nodes.
    Triples are N-Triples text for the store's bulk loader: building them through an rdflib
    Graph cost more than extraction itself.
    """
    triples = Triples()
    briefing = resolved.record
    source = _iri(briefing_iri(briefing.id))
    title = literal(briefing.title or briefing.id, "en")
    triples.add(source, "type", P["Briefing"])
    triples.add(source, "label", title)
    triples.add(source, "title", title)
    triples.add(source, "identifier", literal(briefing.id))
    triples.add(source, "sourceFile", literal(briefing.source))
    if briefing.digest:
        triples.add(source, "sourceDigest", literal(briefing.digest))
    if briefing.date:
        triples.add(source, "date", literal(briefing.date, datatype="date"))
    for node_id, names in resolved.names.items():
        node = nodes[node_id]
        table_aliases = node.aliases if node.known else set()
        iri = _describe(triples, node, names | table_aliases, resolved.zh.get(node_id, set()) | (node.zh if node.known else set()))
        triples.add(iri, "mentionedIn", source)
        if node.cls == "PolicyDocument":
            triples.add(iri, "title", literal(node.label, "en"))
            for zh in sorted(node.zh):
                triples.add(iri, "title", literal(zh, "zh"))
            if node.date:
                triples.add(iri, "date", literal(node.date, datatype="date"))
        for ancestor in ancestors(node):
            _describe(triples, ancestor, ancestor.aliases, ancestor.zh)
    for relation in resolved.relations:
        head, tail, predicate = _iri(entity_iri(relation.head)), _iri(entity_iri(relation.tail)), _iri(CIKG[relation.relation])
        triples.append((head, predicate, tail))
        evidence = relation.evidence
        record = _iri(evidence_iri(relation))
        triples.add(record, "type", P["Evidence"])
        triples.add(record, "subject", head)
        triples.add(record, "predicate", predicate)
        triples.add(record, "object", tail)
        triples.add(record, "sentence", literal(evidence.sentence))
        triples.add(record, "inBriefing", source)
        triples.add(record, "derived", source)
        triples.add(record, "rule", literal(evidence.rule))
        if evidence.status:
            triples.add(record, "status", literal(evidence.status))
        triples.add(record, "confidence", literal(f"{evidence.confidence:.2f}", datatype="decimal"))
        triples.add(record, "startChar", literal(str(evidence.start), datatype="integer"))
        triples.add(record, "endChar", literal(str(evidence.end), datatype="integer"))
        if evidence.date:
            triples.add(record, "date", literal(evidence.date, datatype="date"))
    return triples
