"""The vocabulary every part of the code reads (`ontology/vocabulary.json`) says what `ontology/cikg.ttl` says."""

from __future__ import annotations

import ast
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.collection import Collection

from ontology import data_path
from ontology.vocabulary import VOCABULARY

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = Graph().parse(data_path("cikg.ttl"), format="turtle")
CIKG = VOCABULARY.ontology_iri


def _local(term) -> str:
    return str(term).removeprefix(CIKG)


def _classes_of(node) -> set[str]:
    """The classes a domain or range names: one class, or an owl:unionOf list."""
    union = ONTOLOGY.value(node, OWL.unionOf)
    return {_local(member) for member in Collection(ONTOLOGY, union)} if union is not None else {_local(node)}


def test_entity_classes_are_the_ontologys_subclasses_of_entity():
    declared = {_local(c) for c in ONTOLOGY.subjects(RDFS.subClassOf, URIRef(CIKG + "Entity"))}
    assert set(VOCABULARY.class_names) == declared


def test_relations_have_the_ontologys_domain_range_and_symmetry():
    entity_relations = {_local(p) for p in ONTOLOGY.subjects(RDF.type, OWL.ObjectProperty)} - {"mentionedIn", "inBriefing"}
    assert set(VOCABULARY.relation_names) == entity_relations
    for relation in VOCABULARY.relations:
        term = URIRef(CIKG + relation.name)
        domains = {c for node in ONTOLOGY.objects(term, RDFS.domain) for c in _classes_of(node)}
        ranges = {c for node in ONTOLOGY.objects(term, RDFS.range) for c in _classes_of(node)}
        assert (set(relation.domain), set(relation.range)) == (domains, ranges), relation.name
        assert relation.symmetric == ((term, RDF.type, OWL.SymmetricProperty) in ONTOLOGY), relation.name


def test_every_relation_has_one_family():
    members = [name for family in VOCABULARY.families for name in family.relations]
    assert sorted(members) == sorted({*VOCABULARY.relation_names, "broader"})


def test_no_module_keeps_its_own_list_of_classes_or_relations():
    """A tuple, list or set naming (nearly) every class or relation outside the vocabulary would be a second copy of it."""
    copies = []
    for path in [*ROOT.glob("kg/**/*.py"), *ROOT.glob("extract/**/*.py"), *ROOT.glob("tests/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Tuple | ast.List | ast.Set):
                named = {e.value for e in node.elts if isinstance(e, ast.Constant)}
                for kind in (set(VOCABULARY.class_names), set(VOCABULARY.relation_names)):
                    if len(named & kind) >= len(kind) - 1:
                        copies.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert copies == []
