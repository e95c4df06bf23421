"""Contracts of the rule files: every rule's example fires, every label is an ontology term."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from rdflib import OWL, RDF, Graph

from extract.abbreviations import find_definitions
from extract.lexicon import CLASSES, load_known_entities
from extract.normalize import normalize_text
from extract.pipeline import make_nlp
from extract.relations import load_pair_rules, pair_relations
from extract.segment import segment_text
from ontology import data_path

EXTRACT = Path(__file__).resolve().parent.parent.parent / "extract"


@pytest.mark.parametrize(
    "rule,example",
    [(rule, example) for rule in load_pair_rules() for example in (rule.example, *rule.more_examples)],
    ids=lambda value: value.id if hasattr(value, "id") else "",
)
def test_rule_example_fires(rule, example):
    doc = make_nlp()(example)
    assert any(found.rule == rule.id for found in pair_relations(doc, (rule,))), [(e.text, e.label_) for e in doc.ents]


@pytest.fixture(scope="module")
def ontology():
    graph = Graph()
    graph.parse(data_path("cikg.ttl"))
    return graph


def test_rules_use_only_ontology_terms(ontology):
    local = lambda iri: str(iri).rsplit("#", 1)[-1]  # noqa: E731
    classes = {local(c) for c in ontology.subjects(RDF.type, OWL.Class)}
    properties = {local(p) for p in ontology.subjects(RDF.type, OWL.ObjectProperty)}
    assert set(CLASSES) <= classes
    assert {rule.relation for rule in load_pair_rules()} <= properties
    assert {entity.cls for entity in load_known_entities()} <= classes


@pytest.mark.parametrize("table", ["agencies", "programs", "sectors", "firms", "places", "organizations"])
def test_alias_tables_load_and_have_labels(table):
    rows = [e for e in load_known_entities() if data_path(f"aliases/{table}.jsonl").read_text().count(f'"id": "{e.id}"')]
    assert rows and all(row.aliases and (row.label in row.aliases) != row.generic_label for row in rows)


def test_sector_broader_links_exist():
    sectors = {e.id for e in load_known_entities() if e.cls == "Sector"}
    assert all(set(e.broader) <= sectors for e in load_known_entities() if e.cls == "Sector")


@pytest.mark.parametrize("module", sorted(p.name for p in EXTRACT.glob("*.py")))
def test_extract_never_imports_graph_side(module):
    tree = ast.parse((EXTRACT / module).read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"rdflib", "networkx", "click", "kg"}


@pytest.mark.parametrize(
    "text,expected",
    [
        ("The National Energy Administration (NEA) issued", ("National Energy Administration", "NEA")),
        ("Chinese biotech firm Innovent Biologics (Innovent) said", ("Innovent Biologics", "Innovent")),
        ("an action plan (CN) for", None),
    ],
)
def test_find_definitions(text, expected):
    found = [(d.long_form, d.short_form) for d in find_definitions(text)]
    assert found == ([expected] if expected else [])


@pytest.mark.parametrize(
    "seed,date",
    [("000_69236e72d48cdb4c.txt", "2025-05-23"), ("001_b5d9c1f1c879eadf.txt", "2025-03-12"), ("004_d43c6ba5f3c6dba2.txt", "2021-03-02")],
)
def test_segment_briefing_date(seed, date):
    text = normalize_text((EXTRACT.parent / "seeds" / seed).read_text(encoding="utf-8"))
    assert segment_text(text).briefing_date == date


def test_segment_reads_fields_and_news_sections():
    text = normalize_text((EXTRACT.parent / "seeds" / "001_b5d9c1f1c879eadf.txt").read_text(encoding="utf-8"))
    layout = segment_text(text)
    assert sum(1 for s in layout.segments if s.field == "article") == 5
    assert {s.section for s in layout.segments} >= {"contents", "top", "policy_news", "corporate_news", "back"}
    december = [s.date for s in layout.segments if s.section == "corporate_news" and s.date.startswith("2024-12")]
    assert december == ["2024-12-05", "2024-12-10"]


@pytest.mark.parametrize(
    "sentence,known,expected",
    [
        # two exactly known items qualify a list; its unknown items become sectors
        ("use of hydrogen in steel, cement, glassmaking and ceramics.", ["steel", "cement"], ["glassmaking", "ceramics"]),
        # one known item suffices after a cue
        ("industries such as aviation, drone logistics and air taxis", ["aviation"], ["drone logistics", "air taxis"]),
        # an item that only contains a known sector is a narrower, new one
        ("lithium batteries, sodium batteries, flow batteries and supercapacitors", ["lithium batteries", "sodium batteries", "batteries"],
         ["flow batteries", "supercapacitors"]),
        # no cue and a single known item: not a sector list
        ("Over the next five years, promote smart factories, pilot zones and standards", ["smart factories"], []),
        # a list of firms or places is left alone
        ("CATL, BYD and Sunwoda build plants in Hefei, Ningde and Shenzhen", [], []),
    ],
)
def test_enumerated_sectors(sentence, known, expected):
    from extract.enumerations import enumerated_sectors

    spans = []
    for name in known:
        start = sentence.find(name)
        while start >= 0 and (start, start + len(name)) in spans:
            start = sentence.find(name, start + 1)
        spans.append((start, start + len(name)))
    assert [item.text for item in enumerated_sectors(sentence, 0, spans)] == expected
