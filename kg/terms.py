"""The ontology's IRIs and term names as plain strings.

`kg who` and `kg timeline` answer from the index (`kg.index`) and never need rdflib, which
takes longer to import (150 ms) than they take to answer; they read these. `kg.namespace`
builds rdflib namespaces from the same strings.
"""

from __future__ import annotations

ONTOLOGY_IRI = "https://w3id.org/cikg/ontology#"
ID_IRI = "https://w3id.org/cikg/id/"

CLASSES = ("Agency", "Program", "PolicyDocument", "Firm", "Sector", "Place", "Organization", "Person")
# Each class's folder under ID_IRI; each is also a prefix in SPARQL and Turtle, so ``firm:catl``
# names <https://w3id.org/cikg/id/firm/catl> (``id:firm/catl`` is not a valid prefixed name).
CLASS_PATHS = {"Agency": "agency", "Program": "program", "PolicyDocument": "document", "Firm": "firm", "Sector": "sector",
               "Place": "place", "Organization": "organization", "Person": "person"}
ID_FOLDERS = (*CLASS_PATHS.values(), "briefing", "evidence")
# How an analyst groups relations: the HTML styles them by family, `kg changes` reports by family.
RELATION_FAMILY = {
    "issuedBy": "policy", "targetsSector": "policy", "administers": "policy", "partOf": "policy", "draftOf": "policy",
    "subsidiaryOf": "ownership", "acquires": "ownership", "mergesWith": "ownership", "investsIn": "ownership",
    "partnersWith": "deal", "licensesTo": "deal", "locatedIn": "place", "broader": "taxonomy",
}
RELATIONS = ("issuedBy", "targetsSector", "administers", "partOf", "partnersWith", "acquires", "mergesWith",
             "licensesTo", "investsIn", "subsidiaryOf", "locatedIn", "draftOf")
# Relations the gold annotations define; `kg eval` scores only these (drafts are not annotated).
SCORED_RELATIONS = RELATIONS[:-1]
# The classes and relations as SPARQL VALUES lists (the cikg: prefix is declared on every query)
CLASS_VALUES = " ".join(f"cikg:{c}" for c in CLASSES)
RELATION_VALUES = " ".join(f"cikg:{r}" for r in RELATIONS)
SYMMETRIC = frozenset({"partnersWith", "mergesWith"})
