"""The Python API: kg.build and kg.open give a KnowledgeGraph whose methods answer as the CLI does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import kg

ROOT = Path(__file__).resolve().parent.parent.parent
SEEDS = ROOT / "seeds"
LAST = SEEDS / "004_d43c6ba5f3c6dba2.txt"


def test_build_open_and_ask(tmp_path, run):
    graph = kg.build([str(path) for path in sorted(SEEDS.glob("*.txt"))[:4]], out=tmp_path / "out")
    again = kg.build([LAST], out=tmp_path / "single")  # kg.build stays the function after the writer module is loaded
    assert repr(again).startswith("KnowledgeGraph(1 briefings")
    assert kg.open(tmp_path / "out").out == graph.out
    summary = graph.add(LAST)
    assert summary.briefings == 1
    cli = json.loads(run("who", "CATL", "--json", out=graph.out).output)
    assert graph.who("CATL").as_dict() == cli
    assert [e.as_dict() for e in graph.timeline("CATL")] == json.loads(run("timeline", "CATL", "--json", out=graph.out).output)
    result = graph.query("SELECT ?l WHERE { firm:catl rdfs:label ?l }")
    assert result.rows == [["CATL"]] and result.as_dicts() == [{"l": "CATL"}] and "CATL" in repr(result)
    assert {c.relation for c in graph.changes(since_build=True).relations} >= {"issuedBy"}
    assert graph.export("graphml", tmp_path / "g.graphml").is_file()
    assert graph.html(tmp_path / "catl.html", focus="CATL").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert graph.evaluate(ROOT / "tests" / "gold").entities["overall"]["f1"] > 0.9
    assert graph.to_networkx().number_of_nodes() > 100 and len(graph.to_rdflib()) > 1000
    graph.remove(LAST.stem)
    assert repr(graph).startswith("KnowledgeGraph(4 briefings")
    with pytest.raises(kg.KgError, match="Zotye"):  # named only in the briefing just removed
        graph.who("Zotye")


def test_open_a_folder_without_a_graph_is_a_kg_error(tmp_path):
    with pytest.raises(kg.KgError, match="No graph"):
        kg.open(tmp_path / "nothing")


def test_import_kg_loads_neither_spacy_nor_rdflib():
    code = "import sys, kg; print(sorted(m for m in ('spacy', 'rdflib', 'pyoxigraph') if m in sys.modules))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.stdout.strip() == "[]", run.stdout + run.stderr
