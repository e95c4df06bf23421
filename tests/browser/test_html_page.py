"""The HTML graph as a person uses it, in headless Chromium: drawn, searched, filtered, clicked.

Expected counts come from the Turtle through SPARQL, not from the code that drew the page.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from kg.exporters.html import write_html
from kg.model.namespace import ID, RELATIONS, load_graph
from kg.model.terms import CLASS_VALUES

SCREENSHOT_ENV = "KG_SCREENSHOT"


def _count(graph: Graph, query: str) -> int:
    return int(next(iter(graph.query(query)))[0])


def _entity_count(graph: Graph) -> int:
    return _count(graph, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?c {{ {CLASS_VALUES} }} ?s a ?c }}")


def _edge_count(graph: Graph, relations=RELATIONS, taxonomy: bool = True) -> int:
    values = " ".join(f"cikg:{r}" for r in relations)
    direct = _count(graph, f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o }}")
    return direct + (_count(graph, "SELECT (COUNT(*) AS ?n) WHERE { ?s skos:broader ?o }") if taxonomy else 0)


def _drawn(page) -> tuple[int, int]:
    return tuple(page.evaluate("[cikg.network.body.nodeIndices.length, cikg.network.body.edgeIndices.length]"))


def _on_screen(page, node: str) -> tuple[float, float]:
    """Where a node is drawn, in page coordinates, for a real mouse event."""
    return tuple(page.evaluate("""id => { const d = cikg.network.canvasToDOM(cikg.network.getPositions([id])[id]);
        const box = document.getElementById('graph').getBoundingClientRect(); return [box.x + d.x, box.y + d.y]; }""", node))


@pytest.fixture(scope="module")
def seed_page_path(seed_out) -> Path:
    return seed_out / "graph.html"


@pytest.fixture(scope="module")
def turtle(seed_out) -> Graph:
    return load_graph(seed_out / "graph.ttl")


def test_seed_page_draws_the_whole_graph_offline(open_page, seed_page_path, turtle, tmp_path):
    opened = open_page(seed_page_path)
    assert _drawn(opened.page) == (_entity_count(turtle), _edge_count(turtle))
    assert opened.requests == []
    assert opened.console_errors == []
    assert opened.page.evaluate("cikg.network.physics.physicsEnabled") is False  # layout settled, physics stopped
    opened.page.fill("#search", "light industry")  # the picture shows a focused node and its neighbours
    opened.page.press("#search", "Enter")
    opened.page.wait_for_function("Math.abs(cikg.network.getScale() - 1.2) < 1e-6")
    shot = tmp_path / "seed-graph.png"
    opened.page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get(SCREENSHOT_ENV):  # how the README's picture is refreshed
        shutil.copyfile(shot, os.environ[SCREENSHOT_ENV])


def test_search_by_alias_focuses_the_node(open_page, seed_page_path):
    page = open_page(seed_page_path).page
    page.fill("#search", "miit")
    page.press("#search", "Enter")
    assert page.evaluate("cikg.network.getSelectedNodes()") == [f"{ID}agency/miit"]
    assert page.inner_text("#details h2") == "Ministry of Industry and Information Technology"
    page.fill("#search", "no such thing")
    page.press("#search", "Enter")
    assert "not found" in page.inner_text("#status")


def test_class_filter_hides_that_class_and_its_edges(open_page, seed_page_path, turtle):
    page = open_page(seed_page_path).page
    nodes, edges = _drawn(page)
    page.uncheck("input.cls[value=Sector]")
    sectors = _count(turtle, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a cikg:Sector }")
    values = " ".join(f"cikg:{r}" for r in RELATIONS)
    touching = _count(turtle, f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o . "
                              "{ ?s a cikg:Sector } UNION { ?o a cikg:Sector } }")
    taxonomy = _count(turtle, "SELECT (COUNT(*) AS ?n) WHERE { ?s skos:broader ?o }")
    assert _drawn(page) == (nodes - sectors, edges - touching - taxonomy)
    assert page.evaluate("cikg.network.body.nodeIndices.filter(id => cikg.nodes.get(id).group === 'Sector').length") == 0
    page.check("input.cls[value=Sector]")
    assert _drawn(page) == (nodes, edges)
    page.check("#unlinked")
    unlinked = _count(turtle, f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?c {{ {CLASS_VALUES} }} ?s a ?c .
        FILTER NOT EXISTS {{ VALUES ?p {{ {values} skos:broader }} {{ ?s ?p ?x }} UNION {{ ?x ?p ?s }} }} }}""")
    assert unlinked > 0 and _drawn(page) == (nodes - unlinked, edges)


def test_relation_and_date_filters_hide_edges(open_page, seed_page_path, turtle):
    page = open_page(seed_page_path).page
    nodes, edges = _drawn(page)
    page.uncheck("input.rel[value=targetsSector]")
    assert _drawn(page) == (nodes, edges - _edge_count(turtle, ["targetsSector"], taxonomy=False))
    page.click("#reset")
    page.fill("#since", "2024-12-01")
    page.fill("#until", "2024-12-31")
    dated = _count(turtle, """SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {
        ?r a cikg:Evidence ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; dcterms:date ?d .
        FILTER(STR(?d) >= "2024-12-01" && STR(?d) <= "2024-12-31") BIND(CONCAT(STR(?s), STR(?p), STR(?o)) AS ?e) }""")
    taxonomy = _count(turtle, "SELECT (COUNT(*) AS ?n) WHERE { ?s skos:broader ?o }")
    assert 0 < _drawn(page)[1] - taxonomy == dated


def test_click_on_a_node_lists_its_neighbours(open_page, seed_page_path):
    page = open_page(seed_page_path).page
    page.fill("#search", "CATL")
    page.press("#search", "Enter")
    page.wait_for_function("Math.abs(cikg.network.getScale() - 1.2) < 1e-6")  # the focus animation has ended
    page.evaluate("cikg.network.unselectAll(); document.getElementById('details').replaceChildren()")
    page.mouse.click(*_on_screen(page, f"{ID}firm/catl"))
    assert page.inner_text("#details h2") == "CATL"
    neighbours = page.eval_on_selector_all("#details a.neighbour", "links => links.map(a => a.textContent)")
    assert "Stellantis" in neighbours


HOSTILE_NAME = '</script><script>window.pwned = 1</script>"\'&<b>'
HOSTILE_ALIAS = '<img src=x onerror="window.pwned = 2">'
HOSTILE_SENTENCE = 'They agreed "><svg onload="window.pwned = 3"> {{DATA}} to cooperate.'


def _hostile_view():
    """Two firms and their link, in the shape the store's view gives (`kg.read.view.view_from_store`)."""
    import networkx as nx

    view = nx.MultiDiGraph()
    evil, other = f"{ID}firm/evil", f"{ID}firm/other"
    view.add_node(evil, cls="Firm", label=HOSTILE_NAME, aliases=[HOSTILE_ALIAS], zh=[], date="")
    view.add_node(other, cls="Firm", label="Other Firm", aliases=[], zh=[], date="")
    view.add_edge(evil, other, key="partnersWith", evidence=[{"sentence": HOSTILE_SENTENCE, "briefing": "hostile", "date": "",
                                                              "rule": "test", "confidence": 1.0, "status": ""}])
    return view


def test_hostile_names_are_shown_as_text_and_never_run(open_page, tmp_path):
    path = tmp_path / "hostile.html"
    write_html(path, _hostile_view())
    opened = open_page(path)
    page = opened.page
    assert _drawn(page) == (2, 1)
    assert page.evaluate(f"cikg.nodes.get('{ID}firm/evil').names") == [HOSTILE_NAME, HOSTILE_ALIAS]
    assert HOSTILE_SENTENCE in page.evaluate("cikg.edges.get(0).title")
    page.fill("#search", HOSTILE_ALIAS)
    page.press("#search", "Enter")
    assert page.inner_text("#details h2") == HOSTILE_NAME
    page.mouse.move(*_on_screen(page, f"{ID}firm/evil"))  # show the tooltip
    page.wait_for_timeout(400)
    assert page.evaluate("window.pwned") is None
    assert page.locator("img, svg[onload]").count() == 0
    assert opened.console_errors == [] and opened.requests == []
