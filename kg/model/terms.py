"""The ontology's IRIs and term names as plain strings, derived from `ontology.vocabulary`.

`kg who` and `kg timeline` answer from the index (`kg.storage.index`) and never need rdflib,
which takes longer to import (150 ms) than they take to answer; they read these.
`kg.model.namespace` builds rdflib namespaces from the same strings.
"""

from __future__ import annotations

from ontology.vocabulary import VOCABULARY

ONTOLOGY_IRI = VOCABULARY.ontology_iri
ID_IRI = VOCABULARY.id_iri

CLASSES = VOCABULARY.class_names
# Each class's folder under ID_IRI; each is also a prefix in SPARQL and Turtle, so ``firm:catl``
# names <https://w3id.org/cikg/id/firm/catl> (``id:firm/catl`` is not a valid prefixed name).
CLASS_PATHS = {c.name: c.path for c in VOCABULARY.classes}
ID_FOLDERS = (*CLASS_PATHS.values(), *VOCABULARY.other_id_folders)
RELATION_FAMILY = {relation: family.name for family in VOCABULARY.families for relation in family.relations}
RELATIONS = VOCABULARY.relation_names
# Relations the gold annotations define; `kg eval` scores only these (drafts are not annotated).
SCORED_RELATIONS = tuple(r.name for r in VOCABULARY.relations if r.scored)
# The classes and relations as SPARQL VALUES lists (the cikg: prefix is declared on every query)
CLASS_VALUES = " ".join(f"cikg:{c}" for c in CLASSES)
RELATION_VALUES = " ".join(f"cikg:{r}" for r in RELATIONS)
SYMMETRIC = frozenset(r.name for r in VOCABULARY.relations if r.symmetric)
# How the HTML page draws them: class -> (colour, shape); family -> (colour, width, dashes)
CLASS_STYLE = {c.name: (c.color, c.shape) for c in VOCABULARY.classes}
FAMILY_STYLE = {f.name: (f.color, f.width, f.dashes) for f in VOCABULARY.families}
