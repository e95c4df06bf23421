"""kg changes and kg watch: what a write added and took away, checked against the stores themselves."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from kg.storage.store import open_store, query

ROOT = Path(__file__).resolve().parents[3]
SEEDS = ROOT / "seeds"
LAST = "004_d43c6ba5f3c6dba2"
EVIDENCE = """SELECT ?s ?p ?o ?sentence WHERE { ?e a cikg:Evidence ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                                          cikg:sentence ?sentence }"""
ENTITIES = "SELECT DISTINCT ?s WHERE { ?s skos:prefLabel ?l }"  # broader sectors a new one brings count too


def _evidence(out: Path) -> set[tuple[str, str, str, str]]:
    return {(r["s"].value, r["p"].value.rsplit("#", 1)[-1], r["o"].value, r["sentence"].value) for r in query(open_store(out), EVIDENCE)}


def _entities(out: Path) -> set[str]:
    return {r["s"].value for r in query(open_store(out), ENTITIES)}


def test_changes_since_build_are_exactly_what_the_added_briefing_brought(kg, tmp_path):
    four = tmp_path / "four"
    four.mkdir()
    for path in sorted(SEEDS.glob("*.txt"))[:4]:
        shutil.copy(path, four)
    before, after = tmp_path / "before", tmp_path / "after"
    for out in (before, after):
        assert kg("build", str(four), "--out", str(out)).exit_code == 0
    assert kg("watch", "add", "MIIT", "--out", str(after)).exit_code == 0
    added = kg("add", str(SEEDS / f"{LAST}.txt"), "--out", str(after))
    assert added.exit_code == 0, added.output
    watched_lines = [line for line in added.output.splitlines() if line.startswith("  + ")]
    assert "Watched names:" in added.output and watched_lines
    assert all("Ministry of Industry and Information Technology" in line for line in watched_lines)

    report = json.loads(kg("changes", "--since-build", "--json", "--out", str(after)).output)
    listed = {(r["head_id"], r["relation"], r["tail_id"], r["sentence"]) for r in report["relations"] if r["change"] == "added"}
    assert listed == _evidence(after) - _evidence(before)
    assert not [r for r in report["relations"] if r["change"] == "removed"]
    assert {e["id"] for e in report["entities"] if e["change"] == "added"} == _entities(after) - _entities(before)

    assert kg("remove", LAST, "--out", str(after)).exit_code == 0
    taken = json.loads(kg("changes", "--since-build", "--json", "--out", str(after)).output)
    assert {(r["head_id"], r["relation"], r["tail_id"], r["sentence"]) for r in taken["relations"] if r["change"] == "removed"} == listed
    assert not [r for r in taken["relations"] if r["change"] == "added"]


def test_changes_in_a_date_window_by_family_and_watch_list(kg, seed_out):
    report = json.loads(kg("changes", "--since", "2024-12-01", "--until", "2024-12-31", "--json", "--out", str(seed_out)).output)
    assert report["relations"] and all("2024-12-01" <= r["date"] <= "2024-12-31" for r in report["relations"])
    assert {"policy", "deal"} <= {r["family"] for r in report["relations"]}
    markdown = kg("changes", "--since", "2024-12-01", "--until", "2024-12-31", "--markdown", "--out", str(seed_out)).output
    assert markdown.startswith("# Changes, evidence dated 2024-12-01 to 2024-12-31") and "## Deal:" in markdown
    assert "CATL partnersWith Stellantis" in markdown


def test_watch_list_add_list_remove(kg, tmp_path):
    out = tmp_path / "out"
    assert kg("build", str(SEEDS / f"{LAST}.txt"), "--out", str(out)).exit_code == 0
    assert kg("watch", "add", "ford motor", "--out", str(out)).output.strip() == "Watching Ford Motor"
    assert "Ford Motor" in kg("watch", "list", "--out", str(out)).output
    assert kg("watch", "remove", "Ford Motor", "--out", str(out)).exit_code == 0
    assert kg("watch", "list", "--out", str(out)).output == ""
    missing = kg("watch", "remove", "Ford Motor", "--out", str(out))
    assert missing.exit_code == 1 and "not on the watch list" in missing.output
