"""The index in the store's folder: it holds what the store holds through build, add, replace and remove,
and `kg who` read from it answers as `who` over the whole Turtle graph does."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from kg.model.terms import CLASS_VALUES
from kg.storage.index import EVIDENCE_COLUMNS, INDEX_FILE, Index, relation_of
from kg.storage.store import open_store, query, stored_evidence

ROOT = Path(__file__).resolve().parents[3]
SEEDS = ROOT / "seeds"
LAST = "004_d43c6ba5f3c6dba2"


def _evidence_in_index(out: Path) -> list[tuple]:
    with sqlite3.connect(out / "store" / INDEX_FILE) as db:
        return sorted(db.execute(f"SELECT {EVIDENCE_COLUMNS} FROM evidence"))


def _assert_index_matches_store(out: Path) -> None:
    """The index holds every evidence record the store holds, value for value, and the index's ids are the store's IRIs."""
    indexed = _evidence_in_index(out)
    assert sorted(map(relation_of, indexed)) == sorted(stored_evidence(open_store(out)))
    with sqlite3.connect(f"file:{out / 'store' / INDEX_FILE}?mode=ro", uri=True) as db:
        ids = {row[0] for row in db.execute("SELECT id FROM evidence")}
    records = query(open_store(out), "SELECT DISTINCT ?e WHERE { ?e a cikg:Evidence }")
    assert ids == {row["e"].value for row in records}
    assert len(indexed) > 10
    _assert_nodes_match_store(out)


def _assert_nodes_match_store(out: Path) -> None:
    """The nodes, names and taxonomy the index got from the resolver are those the store describes."""
    store = open_store(out)
    described = {(row["s"].value, row["l"].value, row["c"].value.rsplit("#", 1)[-1]) for row in query(
        store, f"SELECT ?s ?l ?c WHERE {{ VALUES ?c {{ {CLASS_VALUES} }} ?s a ?c ; skos:prefLabel ?l }}")}
    names = {(row["s"].value, row["n"].value) for row in query(store, "SELECT ?s ?n WHERE { ?s skos:altLabel ?n }")}
    broader = {(row["s"].value, row["o"].value) for row in query(store, "SELECT ?s ?o WHERE { ?s skos:broader ?o }")}
    with sqlite3.connect(f"file:{out / 'store' / INDEX_FILE}?mode=ro", uri=True) as db:
        assert set(db.execute("SELECT node, label, cls FROM nodes")) == described
        assert set(db.execute("SELECT node, name FROM names WHERE kind != 'label'")) == names
        assert set(db.execute("SELECT narrow, broad FROM broader")) == broader


def test_a_build_writes_the_evidence_the_store_holds(seed_out):
    _assert_index_matches_store(seed_out)
    assert not (seed_out / "names.sqlite").exists()  # the index lives in the store's folder, swapped in with it


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


def test_add_replace_and_remove_keep_the_index_in_step_with_the_store(kg, seeds_copy, tmp_path):
    last = seeds_copy / f"{LAST}.txt"
    held_back = tmp_path / last.name
    last.rename(held_back)
    out = tmp_path / "out"
    assert kg("build", str(seeds_copy), "--out", str(out)).exit_code == 0
    four = _evidence_in_index(out)
    assert kg("add", str(held_back), "--out", str(out)).exit_code == 0  # added
    _assert_index_matches_store(out)
    text = held_back.read_text(encoding="utf-8")
    held_back.write_text(text[: len(text) // 3], encoding="utf-8")
    result = kg("add", str(held_back), "--out", str(out))  # replaced by a shorter text
    assert result.exit_code == 0 and "replaced" in result.output, result.output
    _assert_index_matches_store(out)
    assert kg("remove", LAST, "--out", str(out)).exit_code == 0
    _assert_index_matches_store(out)
    assert _evidence_in_index(out) == four


def test_a_graph_without_an_index_is_named_and_never_guessed_back(kg, seed_out, tmp_path):
    """A graph from a kg that kept no index (or another version of it) has no extraction records:
    reading and writing both ask for a new build, rather than rebuild them from the triples."""
    out = tmp_path / "out"
    shutil.copytree(seed_out, out)
    (out / "store" / INDEX_FILE).unlink()
    for command in (["who", "MIIT"], ["remove", LAST], ["add", str(SEEDS / f"{LAST}.txt")]):
        refused = kg(*command, "--out", str(out))
        assert refused.exit_code == 1 and "built by an older kg; run `kg build` again" in refused.output, (command, refused.output)
    assert kg("build", str(SEEDS), "--out", str(out)).exit_code == 0
    _assert_index_matches_store(out)
    assert "Stellantis" in kg("who", "CATL", "--out", str(out)).output


def test_who_from_the_index_answers_as_who_over_the_whole_graph(seed_out):
    """Every entity, at depths 1 and 2, with and without a date range.

    Sectors are compared over all dates only: a date range drops from the whole graph the
    sectors with no dated relation, and with them the taxonomy links between the sectors
    around them, which the index keeps.
    """
    from kg.read.view import view_from_store, who_in_index, who_in_view, within_dates

    index = Index(seed_out)
    whole = view_from_store(open_store(seed_out))
    ranges = {"": whole, "2024-12-01": within_dates(whole, "2024-12-01", "2025-03-31")}
    compared = 0
    for node, data in whole.nodes(data=True):
        sector = data["cls"] == "Sector"
        for depth in (1, 2):
            for since, view in ranges.items() if not sector else [("", whole)]:
                until = "2025-03-31" if since else ""
                expected = who_in_view(view if node in view else whole.subgraph([node]), node, depth).as_dict()
                assert who_in_index(index, node, depth, since, until).as_dict() == expected, (node, depth, since)
                compared += 1
    assert compared > 1000


def test_adding_a_changed_text_gives_the_graph_a_build_of_todays_texts_gives(kg, seed_out, tmp_path):
    """The earlier text named a firm the new one does not: no trace of it stays, in the store or the index."""
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    changed = folder / f"{LAST}.txt"
    original = changed.read_text(encoding="utf-8")
    bullet = "- *February 4:* CATL and Quartz Zephyr Motors Co., Ltd. sign a joint venture agreement to build a battery plant in Hungary\n"
    at = original.index("- *February 9:*")
    changed.write_text(original[:at] + bullet + original[at:], encoding="utf-8")
    out = tmp_path / "out"
    assert kg("build", str(folder), "--out", str(out)).exit_code == 0
    assert "Quartz Zephyr Motors" in kg("who", "CATL", "--out", str(out)).output
    changed.write_text(original, encoding="utf-8")
    result = kg("add", str(changed), "--out", str(out))
    assert result.exit_code == 0 and "replaced" in result.output, result.output
    assert (out / "graph.ttl").read_bytes() == (seed_out / "graph.ttl").read_bytes()
    assert "Quartz Zephyr" in kg("who", "Quartz Zephyr Motors", "--out", str(out)).output.split("?")[0]  # unknown: named in the error
    _assert_index_matches_store(out)
