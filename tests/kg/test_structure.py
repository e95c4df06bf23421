"""kg/ imports run one way: no module imports another that imports it back, even inside functions,
and no module reaches into another's private names."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

KG = Path(__file__).resolve().parent.parent.parent / "kg"


def _imports() -> dict[str, set[tuple[str, str]]]:
    """Module -> (imported module, imported name) for every `from kg... import` in it, at any depth."""
    found = {}
    for path in KG.glob("*.py"):
        module = "kg" if path.stem == "__init__" else f"kg.{path.stem}"
        found[module] = {(node.module, alias.name) for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                         if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kg")
                         for alias in node.names}
    return found


def test_no_import_cycle_in_kg():
    imports = _imports()
    graph = nx.DiGraph((module, target) for module, names in imports.items() for target, _ in names
                       if target in imports and target != module)
    assert list(nx.simple_cycles(graph)) == []


def test_no_private_name_is_imported_across_modules():
    private = sorted(f"{module} imports {target}.{name}" for module, names in _imports().items()
                     for target, name in names if name.startswith("_") and target != module)
    assert private == []
