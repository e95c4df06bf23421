"""The Python API: kg.build and kg.open give a KnowledgeGraph whose methods answer as the CLI does."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import kg

ROOT = Path(__file__).resolve().parents[2]
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
    graphml = graph.export("graphml", tmp_path / "g.graphml")
    assert graphml.path.is_file() and graphml.nodes > 100 and graphml.edges > 100
    page = graph.html(tmp_path / "catl.html", focus="CATL")
    assert page.path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert page.nodes == 1 + len({n.label for n in graph.who("CATL").neighbours})
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


def test_the_api_answers_what_each_command_prints(tmp_path, run, seed_out):
    graph = kg.open(seed_out)
    turtle = graph.construct("CONSTRUCT { firm:catl ?p ?o } WHERE { firm:catl ?p ?o }")
    assert turtle == run("query", "CONSTRUCT { firm:catl ?p ?o } WHERE { firm:catl ?p ?o }", "--format", "turtle").stdout[:-1]
    validation = graph.validate()
    assert validation.ok and validation.violations == []
    digest = graph.digest(tmp_path / "d.md", since="2024-12-01", until="2024-12-31")
    assert f"{digest.document_count} new document(s)" in run("digest", "--since", "2024-12-01", "--until", "2024-12-31",
                                                             "-o", str(tmp_path / "d2.md")).stdout
    assert (tmp_path / "d.md").read_bytes() == (tmp_path / "d2.md").read_bytes()
    with pytest.raises(kg.KgError, match="unknown format 'xml'"):
        graph.export("xml", tmp_path / "g.xml")
    with pytest.raises(kg.KgError, match="not both"):
        graph.changes(since="2024-01-01", since_build=True)


def test_the_watch_list_through_the_api(tmp_path):
    graph = kg.build([LAST], out=tmp_path / "out")
    assert graph.summary.briefings == 1 and graph.watched() == {}
    assert graph.watch(["Zotye"]) == ["Zotye"]
    assert list(graph.watched().values()) == ["Zotye"]
    with pytest.raises(kg.KgError, match="not on the watch list"):
        graph.unwatch(["MIIT"])
    graph.unwatch(["Zotye"])
    assert graph.watched() == {}


def test_every_method_the_readme_shows_exists_and_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Python API", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    shown = set(re.findall(r"graph\.(\w+)\(", block))
    assert {"who", "timeline", "query", "add", "remove", "export", "html", "evaluate", "validate", "push"} <= shown
    assert sorted(name for name in shown if not (getattr(kg.KnowledgeGraph, name, None) and getattr(kg.KnowledgeGraph, name).__doc__)) == []
