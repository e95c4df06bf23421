"""Fuzzing the extractor: arbitrary Unicode and mutated seed briefings never crash it, every
evidence offset points inside the text, and every IRI the graph step mints is valid."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.normalize import normalize_text
from extract.pipeline import extract
from kg.write.resolve import Resolver
from kg.write.triples import briefing_graph

SEEDS = sorted((Path(__file__).resolve().parent.parent.parent / "seeds").glob("*.txt"))
SEED_TEXTS = [path.read_text(encoding="utf-8") for path in SEEDS]
HOSTILE = ["</script>", '"', "'", "<", ">", "&", "\\", "\x00", "\x07", "\u202e", "\ufeff", "\r\n", "{ ?s ?p ?o }", "DROP ALL",
           "<http://x/y>", "**Article:** ", "**Issuing bodies:** ", "- *December 10:* ", "Chinese chipmaker ", " (", ")",
           "（", "）", "《", "》", "\t", "\n\n", "Ministry of ", " Holdings", "\U0001f600", "İ", "ß", "ﬁ"]


def check(text: str, briefing_id: str = "fuzz") -> None:
    record = extract(text, briefing_id)
    normalized = normalize_text(text)
    keys = {entity.key for entity in record.entities}
    for relation in record.relations:
        evidence = relation.evidence
        assert 0 <= evidence.start <= evidence.end <= len(normalized)
        assert relation.head in keys and relation.tail in keys
    resolver = Resolver()
    triples = briefing_graph(resolver.add(record), resolver.result.nodes, resolver.ancestors)
    # the store's own N-Triples parser is the judge: an invalid IRI or literal raises here
    parsed = list(ox.parse(triples.ntriples().encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    assert len(parsed) == len(triples)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=3000))
def test_arbitrary_unicode_never_crashes(text):
    check(text)


@st.composite
def mutated_seed(draw):
    text = draw(st.sampled_from(SEED_TEXTS))
    for _ in range(draw(st.integers(1, 12))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "duplicate"]))
        if action == "insert":
            text = text[:position] + draw(st.sampled_from(HOSTILE) | st.text(max_size=20)) + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + draw(st.integers(1, 400)):]
        else:
            text = text[:position] + text[position:position + draw(st.integers(1, 400))] + text[position:]
    return text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_seed(), st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=40))
def test_mutated_seed_briefings_never_crash(text, briefing_id):
    check(text, briefing_id)


def test_long_unbroken_runs_of_one_punctuation_mark_extract_in_linear_time():
    """spaCy's tokenizer is quadratic on one unbroken run (80 KB of apostrophes: minutes); normalisation caps runs."""
    import time

    from extract.normalize import normalize_text
    from extract.pipeline import extract

    for mark in ("'", '"', "-", ".", "*"):
        text = "The MIIT issued a notice on robots " + mark * 80_000 + " and CATL agreed to build a plant in Spain."
        started = time.perf_counter()
        record = extract(text, "runs")
        assert time.perf_counter() - started < 20, mark  # catastrophic behaviour only: it takes well under a second
        assert "CATL" in {entity.label for entity in record.entities} | {n for e in record.entities for n in e.names}
        assert len(normalize_text(text)) < 200
