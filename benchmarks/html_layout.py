"""How long the HTML page takes to lay out a large graph, in the same headless Chromium as the tests.

Run on demand (`make bench` runs it; never part of `make test`):

    .venv/bin/python benchmarks/html_layout.py --nodes 5000 --edges 20000

A seeded random graph with the seed graph's classes and relations is drawn by `kg.exporters.html`; the
page reports the time from its script start until the physics layout stops (`cikg.layoutMs`).
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import tempfile
import time
from pathlib import Path

import networkx as nx

from kg.exporters.html import render_html
from kg.model.terms import CLASS_STYLE, RELATION_FAMILY

ROOT = Path(__file__).resolve().parent.parent


def _chromium():
    """The tests' own Chromium settings (tests/browser/chromium.py), loaded by path."""
    spec = importlib.util.spec_from_file_location("chromium", ROOT / "tests" / "browser" / "chromium.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def synthetic_view(nodes: int, edges: int, seed: int = 7) -> nx.MultiDiGraph:
    """A random multigraph shaped like ours: every class, every relation, dated evidence."""
    rng = random.Random(seed)
    view = nx.MultiDiGraph()
    classes = list(CLASS_STYLE)
    for index in range(nodes):
        view.add_node(f"n{index}", cls=rng.choice(classes), label=f"Entity {index}", aliases=[f"E{index}"], zh=[], date="")
    relations = [r for r in RELATION_FAMILY if r != "broader"]
    names = list(view.nodes)
    for index in range(edges):
        head, tail = rng.sample(names, 2)
        day = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        evidence = [{"sentence": f"Sentence {index}.", "briefing": "synthetic", "date": day, "rule": "bench", "confidence": 0.9}]
        view.add_edge(head, tail, key=rng.choice(relations), evidence=evidence)
    return view


def measure(nodes: int, edges: int) -> dict:
    from playwright.sync_api import sync_playwright

    chromium = _chromium()
    executable = chromium.chromium_path()
    if not executable:
        raise SystemExit("Chromium is not installed (Debian package `chromium`)")
    view = synthetic_view(nodes, edges)
    started = time.perf_counter()
    page_html = render_html(view)
    render_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        path = Path(folder) / "large.html"
        path.write_text(page_html, encoding="utf-8")
        browser = playwright.chromium.launch(executable_path=executable, args=chromium.CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900}, bypass_csp=True)
        opened = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_function("window.cikg && window.cikg.stabilized", timeout=900_000, polling=200)
        wall = time.perf_counter() - opened
        drawn = page.evaluate("[cikg.network.body.nodeIndices.length, cikg.network.body.edgeIndices.length, cikg.layoutMs]")
        browser.close()
    return {"nodes": drawn[0], "edges": drawn[1], "layout_s": drawn[2] / 1000, "open_to_stable_s": wall,
            "render_s": render_seconds, "html_mb": len(page_html.encode()) / 1e6, "chromium": executable}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--edges", type=int, default=20000)
    args = parser.parse_args()
    result = measure(args.nodes, args.edges)
    print(f"HTML layout: {result['nodes']} nodes, {result['edges']} edges drawn; page written in {result['render_s']:.2f} s "
          f"({result['html_mb']:.1f} MB); layout stopped after {result['layout_s']:.1f} s "
          f"({result['open_to_stable_s']:.1f} s from opening the file)")


if __name__ == "__main__":
    main()
