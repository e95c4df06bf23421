"""Doctests of the Python API (`kg/api.py`) get ``graph``: the seed briefings built once, in a temporary folder."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def _seed_graph_for_doctests(tmp_path_factory):
    import kg

    return kg.build(["seeds"], out=tmp_path_factory.mktemp("doctest-graph"))


@pytest.fixture(autouse=True)
def _doctest_graph(request, doctest_namespace):
    if type(request.node).__name__ == "DoctestItem" and request.node.name.startswith("kg.api."):
        doctest_namespace["graph"] = request.getfixturevalue("_seed_graph_for_doctests")
