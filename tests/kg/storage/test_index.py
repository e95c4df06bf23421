"""The index in the store's folder: it holds what the store holds through build, add, replace and remove,
and `kg who` read from it answers as `who` over the whole Turtle graph does."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from kg.storage.index import INDEX_FILE, Index
from kg.storage.store import open_store, stored_evidence

ROOT = Path(__file__).resolve().parents[3]
SEEDS = ROOT / "seeds"
LAST = "004_d43c6ba5f3c6dba2"


def _evidence_in_index(out: Path) -> list[tuple]:
    with sqlite3.connect(out / "store" / INDEX_FILE) as db:
        return sorted(db.execute("SELECT * FROM evidence"))


def _assert_index_matches_store(out: Path) -> None:
    indexed = _evidence_in_index(out)
    assert indexed == sorted(stored_evidence(open_store(out)))
    assert len(indexed) > 10


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
