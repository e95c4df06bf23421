"""The project's RDF namespaces: CIKG (the ontology, closed) and ID (minted resources)."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ID = Namespace("https://w3id.org/cikg/id/")


class CIKG(DefinedNamespace):
    """Terms of ontology/cikg.ttl. A misspelt term raises instead of minting a wrong IRI."""

    _fail = True
    _NS = Namespace("https://w3id.org/cikg/ontology#")

    Entity: URIRef
    Agency: URIRef
    Program: URIRef
    PolicyDocument: URIRef
    Firm: URIRef
    Sector: URIRef
    Place: URIRef
    Organization: URIRef
    Person: URIRef
    Briefing: URIRef
    Evidence: URIRef
    issuedBy: URIRef
    targetsSector: URIRef
    administers: URIRef
    partOf: URIRef
    partnersWith: URIRef
    acquires: URIRef
    mergesWith: URIRef
    licensesTo: URIRef
    investsIn: URIRef
    subsidiaryOf: URIRef
    locatedIn: URIRef
    mentionedIn: URIRef
    draftOf: URIRef
    inBriefing: URIRef
    sentence: URIRef
    rule: URIRef
    confidence: URIRef
    startChar: URIRef
    endChar: URIRef
    sourceFile: URIRef
    sourceDigest: URIRef


CLASSES = ("Agency", "Program", "PolicyDocument", "Firm", "Sector", "Place", "Organization", "Person")
RELATIONS = ("issuedBy", "targetsSector", "administers", "partOf", "partnersWith", "acquires", "mergesWith",
             "licensesTo", "investsIn", "subsidiaryOf", "locatedIn", "draftOf")
# Relations the gold annotations define; `kg eval` scores only these (drafts are not annotated).
SCORED_RELATIONS = RELATIONS[:-1]
SYMMETRIC = frozenset({"partnersWith", "mergesWith"})
