"""Shared fixtures: the seed graph is built once per session, through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = Path(__file__).resolve().parent / "gold"


@pytest.fixture(scope="session")
def seed_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("seed-graph")
    result = CliRunner().invoke(cli, ["build", str(SEEDS), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def seed_graph(seed_out):
    from kg.model.namespace import load_graph

    return load_graph(seed_out / "graph.ttl")


@pytest.fixture
def run(seed_out):
    """Invoke `kg` against the seed graph; returns the click Result."""
    def invoke(*args: str, out: Path | None = None):
        return CliRunner().invoke(cli, [*args, "--out", str(out or seed_out)])
    return invoke


@pytest.fixture(scope="session")
def kg():
    """Invoke `kg` with exactly the arguments given (``--out`` among them); returns the click Result."""
    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args))
    return invoke
