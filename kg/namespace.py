"""The project's RDF namespaces: CIKG (the ontology, closed) and ID (minted resources)."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

from kg.terms import CLASSES, ID_IRI, ONTOLOGY_IRI, RELATIONS, SCORED_RELATIONS, SYMMETRIC

__all__ = ["CIKG", "CLASSES", "ID", "RELATIONS", "SCORED_RELATIONS", "SYMMETRIC"]

ID = Namespace(ID_IRI)


class CIKG(DefinedNamespace):
    """Terms of ontology/cikg.ttl. A misspelt term raises instead of minting a wrong IRI."""

    _fail = True
    _NS = Namespace(ONTOLOGY_IRI)

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
    status: URIRef
    confidence: URIRef
    startChar: URIRef
    endChar: URIRef
    sourceFile: URIRef
    sourceDigest: URIRef
