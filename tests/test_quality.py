"""Extraction quality on the development set: floors just under the figures last measured.

The 40 development texts belong to their publishers and are never committed: this test runs
where they were fetched into ``.devset/`` (../shared/devset/SOURCES.md says how) and skips with
the reason elsewhere, as on CI, which has no texts. The seed floors are in tests/kg/test_cli.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from quality import DEV_GOLD, DEVSET, build_and_score, devset_texts  # noqa: E402

# Just under `make quality`'s figures when the floors were last raised (benchmarks/quality.md).
ENTITY_F1, RELATION_F1 = 0.94, 0.86
SLICE_FLOORS = {"merics": (0.92, 0.85), "gov": (0.96, 0.95), "explainer": (0.94, 0.79), "deal": (0.94, 0.83)}


@pytest.fixture(scope="module")
def dev_report(tmp_path_factory):
    if not devset_texts(DEVSET, DEV_GOLD):
        pytest.skip(f"the development texts are not fetched into {DEVSET} (or {DEV_GOLD} is absent); "
                    "../shared/devset/SOURCES.md says how")
    report, _ = build_and_score(DEVSET, DEV_GOLD, tmp_path_factory.mktemp("dev"))
    return report


def test_development_set_overall_floors(dev_report):
    assert dev_report.entities["overall"]["f1"] >= ENTITY_F1, dev_report.entities["overall"]
    assert dev_report.relations["overall"]["f1"] >= RELATION_F1, dev_report.relations["overall"]


def test_development_set_slice_floors(dev_report):
    below = {name: (scores["entities"]["f1"], scores["relations"]["f1"]) for name, scores in dev_report.slices.items()
             if scores["entities"]["f1"] < SLICE_FLOORS[name][0] or scores["relations"]["f1"] < SLICE_FLOORS[name][1]}
    assert not below, below


def test_every_rule_that_fires_on_the_development_set_is_named_in_the_report(dev_report):
    assert dev_report.rules and all(counts["fired"] >= counts["correct"] >= 0 for counts in dev_report.rules.values())
    fired = sum(counts["fired"] for counts in dev_report.rules.values())
    assert fired >= dev_report.relations["overall"]["predicted"]  # every predicted relation came from at least one rule
