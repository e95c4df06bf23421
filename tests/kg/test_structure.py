"""kg/ reads as the data path: its subpackages import one way (model -> storage -> read ->
exporters -> write -> services -> api -> cli), no module imports another that imports it back,
even inside functions, no module reaches into another's private names, and the extraction
side never imports the graph side."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[2]
# Each layer may import its own and the earlier layers, never a later one.
LAYERS = (("kg.errors", "kg.files", "kg.processes", "kg.model"), ("kg.storage",), ("kg.read",), ("kg.exporters",),
          ("kg.write",), ("kg.services",), ("kg.api", "kg"), ("kg.cli", "kg.commands"))


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(package: str) -> dict[str, set[tuple[str, str]]]:
    """Module -> (imported module, imported name) for every `from kg... import` in it, at any depth."""
    found = {}
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found[_module_name(path)] = {(node.module, alias.name) for node in ast.walk(tree)
                                     if isinstance(node, ast.ImportFrom) and node.module
                                     and node.module.split(".")[0] in ("kg", "extract") for alias in node.names}
    return found


def _layer(module: str) -> int:
    matches = [(len(prefix), number) for number, prefixes in enumerate(LAYERS) for prefix in prefixes
               if module == prefix or module.startswith(prefix + ".")]
    assert matches, f"{module} belongs to no layer of LAYERS: place it in the data path"
    return max(matches)[1]


def test_no_import_cycle_in_kg():
    imports = _imports("kg")
    graph = nx.DiGraph((module, target) for module, names in imports.items() for target, _ in names
                       if target in imports and target != module)
    assert list(nx.simple_cycles(graph)) == []


def test_kg_imports_run_one_way_through_the_layers():
    backwards = sorted(f"{module} imports {target}" for module, names in _imports("kg").items() for target, _ in names
                       if target.startswith("kg") and _layer(target) > _layer(module))
    assert backwards == []


def test_no_private_name_is_imported_across_modules():
    private = sorted(f"{module} imports {target}.{name}" for module, names in _imports("kg").items()
                     for target, name in names if name.startswith("_") and target != module)
    assert private == []


def test_extraction_never_imports_the_graph_side():
    reaching_back = sorted(f"{module} imports {target}" for module, names in _imports("extract").items()
                           for target, _ in names if target.split(".")[0] == "kg")
    assert reaching_back == []


def test_the_commands_call_the_api_only():
    """The CLI parses options, calls `kg.api` and prints: it reaches no other part of the library."""
    allowed = ("kg.api", "kg.errors", "kg.commands")
    reaching = sorted(f"{module} imports {target}" for module, names in _imports("kg").items()
                      if module == "kg.cli" or module.startswith("kg.commands")
                      for target, _ in names if not target.startswith(allowed))
    assert reaching == []


def test_modules_stay_small_enough_to_read():
    lines = {path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines()) for path in (ROOT / "kg").rglob("*.py")}
    assert lines["kg/cli.py"] < 250
    assert sorted(name for name, count in lines.items() if count > 400) == []
