"""Every export format is read back and checked against the store."""

from __future__ import annotations

import csv

import networkx as nx
import pytest
from rdflib import Graph

from kg.storage.store import open_store, query

RELATION_VALUES = ("cikg:issuedBy cikg:targetsSector cikg:administers cikg:partOf cikg:partnersWith cikg:acquires cikg:mergesWith "
                   "cikg:licensesTo cikg:investsIn cikg:subsidiaryOf cikg:locatedIn cikg:draftOf")


def _store_counts(seed_out) -> tuple[int, int]:
    store = open_store(seed_out)
    entities = int(next(iter(query(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c ; skos:prefLabel ?l "
                                          "FILTER (?c != cikg:Briefing) }")))["n"].value)
    relations = int(next(iter(query(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?p {{ {RELATION_VALUES} skos:broader }} "
                                           "?s ?p ?o }")))["n"].value)
    return entities, relations


@pytest.mark.parametrize(("fmt", "reader"), [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_graphml_and_gexf_read_back_with_the_stores_counts(run, seed_out, tmp_path, fmt, reader):
    target = tmp_path / f"graph.{fmt}"
    result = run("export", "--format", fmt, "-o", str(target))
    assert result.exit_code == 0, result.output
    graph = reader(target)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == _store_counts(seed_out)
    catl = graph.nodes["https://w3id.org/cikg/id/firm/catl"]
    assert catl["label"] == "CATL" and catl["cls"] == "Firm"
    edges = [data for head, tail, data in graph.edges(data=True) if data.get("relation") == "partnersWith"
             and "https://w3id.org/cikg/id/firm/catl" in (head, tail)]
    assert edges and "Stellantis" in edges[0]["sentence"]


def test_jsonld_reads_back_to_the_same_triples(run, seed_out, tmp_path):
    target = tmp_path / "graph.jsonld"
    assert run("export", "--format", "jsonld", "-o", str(target)).exit_code == 0
    turtle = tmp_path / "graph.ttl"
    assert run("export", "--format", "turtle", "-o", str(turtle)).exit_code == 0
    from_jsonld, from_turtle = Graph().parse(target, format="json-ld"), Graph().parse(turtle, format="turtle")
    assert len(from_jsonld) == len(from_turtle) and set(from_jsonld) == set(from_turtle)


def test_neo4j_csv_has_the_import_headers_and_every_node_and_relation(run, seed_out, tmp_path):
    folder = tmp_path / "neo4j"
    result = run("export", "--format", "neo4j-csv", "-o", str(folder))
    assert result.exit_code == 0 and "neo4j-admin database import full" in result.output
    with open(folder / "nodes.csv", encoding="utf-8") as stream:
        nodes = list(csv.DictReader(stream))
    with open(folder / "relationships.csv", encoding="utf-8") as stream:
        relationships = list(csv.DictReader(stream))
    assert list(nodes[0]) == ["iri:ID", "name", "aliases:string[]", "zh:string[]", "date", ":LABEL"]
    assert list(relationships[0])[:3] == [":START_ID", ":END_ID", ":TYPE"]
    assert (len(nodes), len(relationships)) == _store_counts(seed_out)
    ids = {row["iri:ID"] for row in nodes}
    assert all(row[":START_ID"] in ids and row[":END_ID"] in ids for row in relationships)
    assert any(row[":TYPE"] == "partnersWith" and row["status"] == "terminated" for row in relationships)
