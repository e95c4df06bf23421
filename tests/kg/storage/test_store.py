"""The embedded store: named graphs per briefing, incremental add and remove, exports, time filters."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph

from kg.api import KnowledgeGraph
from kg.cli import cli
from kg.storage.store import graph_iri, locked, open_store, query, stored_briefings

ROOT = Path(__file__).resolve().parents[3]
SEEDS = ROOT / "seeds"
QUERIES = ROOT / "queries"
LAST = "004_d43c6ba5f3c6dba2"


@pytest.fixture(scope="module")
def incremental(kg, tmp_path_factory) -> Path:
    """Four seeds built, then the fifth added."""
    first = tmp_path_factory.mktemp("four-seeds")
    for path in sorted(SEEDS.glob("*.txt"))[:4]:
        shutil.copy(path, first)
    out = tmp_path_factory.mktemp("incremental")
    assert kg("build", str(first), "--out", str(out)).exit_code == 0
    assert kg("export", "--format", "nquads", "-o", str(out.parent / "four.nq"), "--out", str(out)).exit_code == 0
    result = kg("add", str(SEEDS / f"{LAST}.txt"), "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def test_each_briefing_is_its_own_named_graph(seed_out):
    store = open_store(seed_out)
    briefings = stored_briefings(store)
    assert sorted(briefings) == sorted(p.stem for p in SEEDS.glob("*.txt"))
    graphs = {g.value for g in store.named_graphs()}
    assert {graph_iri(b) for b in briefings} <= graphs
    catl = "https://w3id.org/cikg/id/firm/catl"
    holders = {row["g"].value for row in query(store, f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{catl}> ?p ?o }} }}")}
    mentioned = {row["id"].value for row in query(store, f"SELECT ?id WHERE {{ <{catl}> cikg:mentionedIn/dcterms:identifier ?id }}")}
    assert graph_iri("001_b5d9c1f1c879eadf") in holders and holders == {graph_iri(b) for b in mentioned}


def test_default_graph_answers_each_fact_once(seed_out):
    store = open_store(seed_out)
    rows = list(query(store, "SELECT ?label WHERE { <https://w3id.org/cikg/id/agency/miit> skos:prefLabel ?label }"))
    assert len(rows) == 1  # MIIT is described in every briefing's graph, but listed once


def _nquads(out: Path) -> bytes:
    target = out.parent / f"{out.name}.nq"
    KnowledgeGraph(out).export("nquads", target)
    return target.read_bytes()


def test_adding_the_last_briefing_equals_building_all(incremental, seed_out):
    assert (incremental / "graph.ttl").read_bytes() == (seed_out / "graph.ttl").read_bytes()
    assert _nquads(incremental) == _nquads(seed_out)


def test_adding_the_same_briefing_twice_changes_nothing(kg, incremental):
    before = _nquads(incremental)
    result = kg("add", str(SEEDS / f"{LAST}.txt"), "--out", str(incremental))
    assert result.exit_code == 0 and "1 unchanged" in result.output
    assert _nquads(incremental) == before


def test_remove_takes_the_briefing_out_again(kg, incremental, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(incremental, out)
    result = kg("remove", LAST, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert _nquads(out) == (incremental.parent / "four.nq").read_bytes()
    assert LAST not in stored_briefings(open_store(out))
    missing = kg("remove", "no-such-briefing", "--out", str(out))
    assert missing.exit_code == 1 and "not in the graph" in missing.output


def test_trig_and_nquads_hold_the_same_named_graphs(kg, seed_out, tmp_path):
    for fmt, name in (("trig", "graph.trig"), ("nquads", "graph.nq")):
        result = kg("export", "--format", fmt, "-o", str(tmp_path / name), "--out", str(seed_out))
        assert result.exit_code == 0, result.output
    dataset = Dataset()
    dataset.parse(tmp_path / "graph.trig", format="trig")
    lines = (tmp_path / "graph.nq").read_text(encoding="utf-8").splitlines()
    assert sum(len(graph) for graph in dataset.graphs()) == len(lines) > 1000
    names = {str(g.identifier) for g in dataset.graphs()}
    assert graph_iri("000_69236e72d48cdb4c") in names


def test_void_description_counts_what_the_store_holds(seed_out):
    void = Graph().parse(seed_out / "void.ttl")
    firms = next(iter(void.query("""PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?n WHERE { ?p void:class <https://w3id.org/cikg/ontology#Firm> ; void:entities ?n }""")))[0]
    store = open_store(seed_out)
    counted = next(iter(query(store, "SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a cikg:Firm }")))["n"].value
    assert int(firms) == int(counted) > 50
    assert bool(query(store, "ASK { GRAPH <https://w3id.org/cikg/graph/void> { ?d a void:Dataset } }"))  # the store lists it


def test_who_since_until_keeps_only_dated_relations_in_range(run):
    everything = json.loads(run("who", "MIIT", "--json").output)
    december = json.loads(run("who", "MIIT", "--json", "--since", "2024-12-01", "--until", "2024-12-31").output)
    dates = [e["date"] for n in december["neighbours"] for e in n["evidence"]]
    assert dates and all("2024-12-01" <= d <= "2024-12-31" for d in dates)
    assert len(december["neighbours"]) < len(everything["neighbours"])
    bad = run("who", "MIIT", "--since", "December")
    assert bad.exit_code == 2 and "December" in bad.output


def test_timeline_lists_events_in_date_order(run):
    result = run("timeline", "MIIT", "--json")
    events = json.loads(result.output)
    dated = [e["date"] for e in events if e["date"]]
    assert len(dated) > 20 and dated == sorted(dated)
    window = json.loads(run("timeline", "MIIT", "--json", "--since", "2025-01-01").output)
    assert window and all(e["date"] >= "2025-01-01" for e in window)
    catl = run("timeline", "CATL").output
    assert catl.startswith("2024-12-10") and "Stellantis" in catl


def test_a_second_writer_is_refused_while_the_first_holds_the_lock(kg, tmp_path):
    out = tmp_path / "out"
    with locked(out):
        result = kg("build", str(SEEDS), "--out", str(out))
    assert result.exit_code == 1 and "being written by" in result.output
    assert not (out / "store").exists()


@pytest.mark.parametrize(
    "name,expected",
    [
        # answer checked against the briefings: the first row, or a row that must be present
        ("co_issuers.rq", ["Ministry of Industry and Information Technology", "National Medical Products Administration", "3"]),
        ("top_sectors.rq", ["manufacturing"]),
        ("policies_by_agency.rq", ["2024-11-11", "Notice on the Selection of Advanced and Applicable Technologies"]),
        ("firms_with_foreign_partners.rq", ["CATL", "Stellantis", "NL"]),
        ("programmes_and_sectors.rq", ["Hundred Cities and Thousands of Parks", "industrial internet"]),
        ("two_hops.rq", ["Spain", "1"]),  # CATL -> Stellantis -> Spain
    ],
)
def test_example_queries_answer_on_the_seed_graph(seed_out, name, expected):
    from kg.read.query import run_query

    text = (QUERIES / name).read_text(encoding="utf-8")
    assert text.startswith("# "), "every example query says what it answers"
    columns, rows = run_query(open_store(seed_out), text)
    assert any(all(value in row for value in expected) for row in rows), rows[:5]
    assert len(rows) == len({tuple(row) for row in rows}) or "DISTINCT" not in text


def test_query_values_are_bound_not_pasted(seed_out):
    """A hostile name reaches SPARQL as a bound term, so it cannot change the query."""
    from kg.read.query import run_query

    hostile = ox.Literal('MIIT" } ; DROP ALL ; SELECT * { ?s ?p ?o . FILTER("1"="1')
    columns, rows = run_query(open_store(seed_out), "SELECT ?a ?name WHERE { ?a skos:altLabel ?name }", {"name": hostile})
    assert rows == []


DRAFTS = ROOT / "tests" / "data" / "drafts"
_DRAFT_LINK = """SELECT ?draft ?final ?sentence WHERE {
    ?d cikg:draftOf ?f ; rdfs:label ?draft . ?f rdfs:label ?final .
    ?e rdf:subject ?d ; rdf:predicate cikg:draftOf ; rdf:object ?f ; cikg:sentence ?sentence }"""


@pytest.mark.parametrize("how", ["build", "add"])
def test_draft_and_final_in_different_briefings_are_linked(kg, tmp_path, how):
    out = tmp_path / "out"
    if how == "build":
        assert kg("build", str(DRAFTS), "--out", str(out)).exit_code == 0
    else:
        first = tmp_path / "first"
        first.mkdir()
        shutil.copy(DRAFTS / "2026-03_draft.md", first)
        assert kg("build", str(first), "--out", str(out)).exit_code == 0
        result = kg("add", str(DRAFTS / "2026-06_final.md"), "--out", str(out))
        assert result.exit_code == 0, result.output
    rows = [{k: v.value for k, v in zip(("draft", "final", "sentence"), row, strict=True)}
            for row in query(open_store(out), _DRAFT_LINK)]
    assert rows == [{"draft": "draft plan for the development of offshore hydrogen pipelines",
                     "final": "plan for the development of offshore hydrogen pipelines",
                     "sentence": rows[0]["sentence"]}]
    assert "issued a plan for the development of offshore hydrogen pipelines" in rows[0]["sentence"]


def test_build_without_turtle_removes_a_stale_file_and_still_answers(kg, tmp_path):
    out = tmp_path / "out"
    assert kg("build", str(SEEDS), "--out", str(out)).exit_code == 0
    assert (out / "graph.ttl").exists()
    result = kg("build", str(SEEDS), "--out", str(out), "--no-turtle")
    assert result.exit_code == 0, result.output
    assert not (out / "graph.ttl").exists() and "graph.ttl" not in result.output
    who = kg("who", "CATL", "--out", str(out))
    assert who.exit_code == 0 and "Stellantis" in who.output
    assert kg("export", "--format", "turtle", "-o", str(out / "graph.ttl"), "--out", str(out)).exit_code == 0
    assert len(Graph().parse(out / "graph.ttl")) > 5000


def test_too_many_entities_give_an_overview_page(kg, tmp_path, monkeypatch):
    from kg.exporters import rdf as exports

    monkeypatch.setattr(exports, "MAX_HTML_NODES", 10)
    out = tmp_path / "out"
    assert kg("build", str(SEEDS), "--out", str(out), "--no-turtle").exit_code == 0
    page = (out / "graph.html").read_text(encoding="utf-8")
    assert "too many to draw on one page" in page and "kg html --focus NAME" in page
    items = page.split("<ol>", 1)[1].split("</ol>", 1)[0].split("<li>")[1:]
    assert len(items) == 50
    counts = [int(item.rsplit("(", 1)[1].split()[0]) for item in items]
    assert counts == sorted(counts, reverse=True)
    assert items[0].startswith("Ministry of Industry and Information Technology")  # the seeds' busiest node


def test_building_on_three_cores_gives_the_same_graph(kg, seed_out, tmp_path):
    out = tmp_path / "out"
    result = kg("build", str(SEEDS), "--out", str(out), "--jobs", "3")  # two extracting processes beside this one
    assert result.exit_code == 0, result.output
    assert (out / "graph.ttl").read_bytes() == (seed_out / "graph.ttl").read_bytes()
    assert _nquads(out) == _nquads(seed_out)


def test_a_briefing_id_given_twice_in_one_build_is_reported_and_the_first_kept(kg, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    text = (SEEDS / f"{LAST}.txt").read_text(encoding="utf-8")
    (first / f"{LAST}.txt").write_text(text, encoding="utf-8")
    (second / f"{LAST}.txt").write_text(text[: len(text) // 3], encoding="utf-8")  # same id, another text
    out = tmp_path / "out"
    result = kg("build", str(first), str(second), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"error: {second / LAST}.txt: its briefing id {LAST!r} is already that of {first / LAST}.txt" in result.output
    store = open_store(out)
    assert len(list(store.named_graphs())) == 3  # the briefing, the VoID description and the ontology
    stale = """SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"""
    assert list(query(store, stale)) == []
    single = tmp_path / "single"
    assert kg("build", str(first), "--out", str(single)).exit_code == 0
    assert (out / "graph.ttl").read_bytes() == (single / "graph.ttl").read_bytes()


def test_a_briefing_given_again_after_a_full_batch_still_replaces_the_first(tmp_path):
    from kg.storage.store import GraphWriter
    from kg.write.triples import Triples

    store = ox.Store(str(tmp_path / "store"))
    first, second = Triples(), Triples()
    first.add("<https://example.org/a>", "label", '"first text"')
    second.add("<https://example.org/a>", "label", '"second text"')
    with GraphWriter(store, batch=1) as writer:  # every put fills a batch: the first is loading or loaded
        writer.put(graph_iri("x"), first, replace=False)
        writer.put(graph_iri("y"), second, replace=False)
        writer.put(graph_iri("x"), second, replace=False)
    named = {q.object.value for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph_iri("x")))}
    assert named == {"second text"} and writer.replaced


# --- exports that match the store, readers beside writers, old stores cleaned up ---------------------

def test_exports_left_behind_by_a_killed_add_are_named_and_redone(kg, tmp_path, monkeypatch, seed_out):
    from kg.exporters import rdf as export_module

    first = tmp_path / "four"
    first.mkdir()
    for path in sorted(SEEDS.glob("*.txt"))[:4]:
        shutil.copy(path, first)
    out = tmp_path / "out"
    assert kg("build", str(first), "--out", str(out)).exit_code == 0

    class Killed(BaseException):
        """The process dies after the store swap, before its files are rewritten."""

    def killed(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(export_module, "write_exports", killed)
    with pytest.raises(Killed):
        CliRunner().invoke(cli, ["add", str(SEEDS / f"{LAST}.txt"), "--out", str(out)], catch_exceptions=False)
    monkeypatch.undo()
    stale = kg("validate", "--out", str(out))
    assert stale.exit_code == 1 and "older than the store" in stale.output, stale.output
    again = kg("add", str(SEEDS / f"{LAST}.txt"), "--out", str(out))
    assert again.exit_code == 0 and "unchanged" in again.output, again.output
    assert (out / "graph.ttl").read_bytes() == (seed_out / "graph.ttl").read_bytes()
    assert kg("validate", "--out", str(out)).exit_code == 0


def test_readers_beside_a_writer_see_the_old_graph_or_the_new_never_an_error(kg, tmp_path):
    import subprocess
    import sys
    import threading

    from kg.storage.index import Index

    out = tmp_path / "out"
    assert kg("build", str(SEEDS), "--out", str(out)).exit_code == 0
    failures: list[str] = []
    reads = [0]
    done = threading.Event()

    def read(action) -> None:
        while not done.is_set():
            try:
                action()
                reads[0] += 1
            except Exception as error:  # noqa: BLE001 - any error is the failure this test looks for
                failures.append(f"{type(error).__name__}: {error}")

    def ask_store() -> None:
        assert bool(query(open_store(out), "ASK { ?s a cikg:Firm }"))

    def find_in_index() -> None:
        assert Index(out).find("CATL")

    readers = [threading.Thread(target=read, args=(action,)) for action in (ask_store, find_in_index)]
    for reader in readers:
        reader.start()
    command = [sys.executable, "-m", "kg.cli"]
    try:
        for _ in range(4):
            for step in (["remove", LAST], ["add", str(SEEDS / f"{LAST}.txt")]):
                run = subprocess.run([*command, *step, "--out", str(out)], capture_output=True, text=True, timeout=120)
                assert run.returncode == 0, run.stderr
    finally:
        done.set()
        for reader in readers:
            reader.join(60)
    assert reads[0] > 100 and not failures, (reads[0], failures[:3])


def test_replaced_stores_are_deleted_after_their_grace_period(kg, tmp_path):
    import os
    import time

    out = tmp_path / "out"
    assert kg("build", str(SEEDS), "--out", str(out)).exit_code == 0
    assert kg("remove", LAST, "--out", str(out)).exit_code == 0
    current = (out / "store").resolve()
    old = [folder for folder in out.glob(".store-gen-*") if folder != current]
    assert len(old) == 1  # kept a while for readers that opened it just before the swap
    long_ago = time.time() - 3600
    os.utime(old[0], (long_ago, long_ago))
    assert kg("add", str(SEEDS / f"{LAST}.txt"), "--out", str(out)).exit_code == 0
    assert not old[0].exists()
    assert sorted(out.glob(".store-gen-*")) == sorted([current, (out / "store").resolve()])  # the one just replaced, and now


def test_a_store_in_the_earlier_layout_is_read_and_moved_to_the_linked_one(kg, tmp_path):
    out = tmp_path / "out"
    assert kg("build", str(SEEDS), "--out", str(out)).exit_code == 0
    target = (out / "store").resolve()
    (out / "store").unlink()
    target.rename(out / "store")  # a plain folder, as kg wrote it before stores were linked
    assert "Stellantis" in kg("who", "CATL", "--out", str(out)).output
    assert kg("remove", LAST, "--out", str(out)).exit_code == 0
    assert (out / "store").is_symlink() and "Stellantis" in kg("who", "CATL", "--out", str(out)).output


def test_no_lock_file_stays_after_a_writer_and_many_writers_never_overlap(kg, tmp_path):
    import threading
    import time

    from kg.errors import BusyError
    from kg.storage.store import LOCK_FILE

    out = tmp_path / "out"
    assert kg("build", str(SEEDS), "--out", str(out)).exit_code == 0
    assert not (out / LOCK_FILE).exists()  # no file with a dead pid left behind
    inside, overlaps, entered = [0], [], [0]

    def writer() -> None:
        mine, deadline = 0, time.monotonic() + 60
        while mine < 20 and time.monotonic() < deadline:  # each writer gets in 20 times, however busy the machine
            try:
                with locked(out):
                    inside[0] += 1
                    entered[0] += 1
                    mine += 1
                    if inside[0] > 1:
                        overlaps.append(inside[0])
                    time.sleep(0.0005)
                    inside[0] -= 1
            except BusyError:
                time.sleep(0.0005)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    assert entered[0] == 80 and not overlaps and not (out / LOCK_FILE).exists()


def test_removing_a_briefing_leaves_no_trace_of_the_names_it_introduced(kg, tmp_path):
    """kg add A, kg add B, kg remove A equals kg build B, though B reuses a name that A introduced."""
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    first.write_text("MARCH 3, 2025\n\n- March 2: Chinese chipmaker Zentrix Semiconductor Technology (Zentrix) agreed to acquire "
                     "a 30 percent stake in Dutch firm Velmora Optics.\n", encoding="utf-8")
    second.write_text("APRIL 7, 2025\n\n- April 4: Chinese chipmaker Zentrix and German carmaker Holtberg Motors agreed to "
                      "jointly build a chip plant in Saxony.\n", encoding="utf-8")
    out, alone = tmp_path / "out", tmp_path / "alone"
    for arguments in (["build", str(first)], ["add", str(second)], ["remove", "a"]):
        result = kg(*arguments, "--out", str(out))
        assert result.exit_code == 0, result.output
    assert kg("build", str(second), "--out", str(alone)).exit_code == 0
    assert (out / "graph.ttl").read_bytes() == (alone / "graph.ttl").read_bytes()
    assert _nquads(out) == _nquads(alone)
    who = kg("who", "Zentrix", "--out", str(out)).output
    assert who.startswith("Zentrix (Firm)") and "Zentrix Semiconductor Technology" not in who, who
