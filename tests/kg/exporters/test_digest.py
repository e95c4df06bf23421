"""kg digest: its figures equal what SPARQL counts on the store."""

from __future__ import annotations

import re

from kg.storage.store import open_store, query

WINDOW = ("2024-12-01", "2024-12-31")
IN_WINDOW = f'FILTER (?d >= "{WINDOW[0]}"^^xsd:date && ?d <= "{WINDOW[1]}"^^xsd:date)'


def test_digest_figures_equal_sparql_counts(run, seed_out, tmp_path):
    target = tmp_path / "december.md"
    result = run("digest", "--since", WINDOW[0], "--until", WINDOW[1], "-o", str(target))
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    store = open_store(seed_out)
    sectors = {row["l"].value: int(row["n"].value) for row in query(store, f"""
        SELECT ?l (COUNT(?e) AS ?n) WHERE {{ ?e a cikg:Evidence ; rdf:predicate cikg:targetsSector ; rdf:object ?s ; dcterms:date ?d .
        {IN_WINDOW} ?s rdfs:label ?l }} GROUP BY ?l""")}
    table = dict(re.findall(r"^\| (.+?) \| (\d+) \| \d+ \| [+-]\d+ \|$", text, re.MULTILINE))
    assert table and all(int(count) == sectors[name] for name, count in table.items())
    assert sorted(sectors.values(), reverse=True)[: len(table)] == sorted(map(int, table.values()), reverse=True)
    documents = int(next(iter(query(store, f"""
        SELECT (COUNT(DISTINCT ?doc) AS ?n) WHERE {{ ?e a cikg:Evidence ; rdf:predicate cikg:issuedBy ; rdf:subject ?doc ;
        dcterms:date ?d . {IN_WINDOW} }}""")))["n"].value)
    assert f"## New documents by agency ({documents})" in text
    assert "CATL partnersWith Stellantis" in text and f"{documents} new document(s)" in result.output
