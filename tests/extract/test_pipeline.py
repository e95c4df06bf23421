"""Extraction on real seed briefings, on a briefing we wrote ourselves, and on layout variants."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.pipeline import extract

DATA = Path(__file__).resolve().parent.parent / "data"
SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"


def _triples(record):
    names = {e.key: e.names[0] for e in record.entities}
    return {(names[r.head], r.relation, names[r.tail]) for r in record.relations}


@pytest.fixture(scope="module")
def unseen():
    return extract((DATA / "unseen_briefing.md").read_text(encoding="utf-8"), "unseen")


@pytest.mark.parametrize(
    "label,name",
    [
        ("Firm", "Skylark Aeronautics"),
        ("Firm", "Kranich Werke"),
        ("Firm", "Qilin Biologics"),
        ("Firm", "Nordlys Therapeutics"),
        ("Firm", "Huaxin Power Holdings"),
        ("Agency", "National Marine Technology Administration"),
        ("Agency", "Ministry of Natural Resources"),
        ("Place", "Hefei"),
        ("Sector", "subsea cables"),
        ("Sector", "tidal turbines"),
    ],
)
def test_extract_unseen_names_found_by_rules(unseen, label, name):
    assert any(e.label == label and name in e.names for e in unseen.entities)


@pytest.mark.parametrize(
    "triple",
    [
        ("Skylark Aeronautics", "partnersWith", "Kranich Werke"),
        ("Qilin Biologics", "acquires", "Nordlys Therapeutics"),
        ("Huaxin Power Holdings", "mergesWith", "Longhai Grid Equipment"),
        ("Guidelines on Promoting the Development of the Underwater Robotics Industry", "issuedBy", "MIIT"),
        ("Guidelines on Promoting the Development of the Underwater Robotics Industry", "issuedBy", "MNR"),
        ("Guidelines on Promoting the Development of the Underwater Robotics Industry", "targetsSector", "tidal turbines"),
    ],
)
def test_extract_unseen_relations(unseen, triple):
    found = _triples(unseen)
    names = {e.names[0]: e for e in unseen.entities}
    assert any(h == triple[0] and r == triple[1] and (t == triple[2] or triple[2] in names.get(t).names) for h, r, t in found), found


def test_extract_unseen_document_has_date_and_chinese_title(unseen):
    document = next(e for e in unseen.entities if e.label == "PolicyDocument" and e.names[0].startswith("Guidelines on Promoting"))
    assert document.date == "2026-06-02"
    assert document.zh == ("关于推动水下机器人产业发展的指导意见",)


def test_extract_abbreviation_links_bare_short_form(unseen):
    agency = next(e for e in unseen.entities if "National Marine Technology Administration" in e.names)
    assert "NMTA" in agency.names


def test_extract_bullet_date_takes_year_from_briefing(unseen):
    document = next(e for e in unseen.entities if e.label == "PolicyDocument" and "pilot ports" in e.names[0])
    assert document.date == "2026-06-03"


def test_extract_coreference_never_maps_ministry_to_wrong_node(unseen):
    assert not any("ministry" == n.lower() or "the ministry" == n.lower() for e in unseen.entities for n in e.names)


def _policy_name_first(text: str) -> str:
    """Each item's "Article:" line moved above its "At a glance:" and called "Policy name:"."""
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        if lines[index].startswith("At a glance:"):
            article = next(i for i in range(index, len(lines)) if lines[i].startswith(("Article:", "Articles:")))
            moved = lines.pop(article).replace("Articles:", "Policy names:", 1).replace("Article:", "Policy name:", 1)
            lines[index:index] = [moved, ""]
            index += 2
        index += 1
    return "\n".join(lines)


@pytest.mark.parametrize("variant", ["crlf", "html_bold", "curly_quotes", "worth_noting", "policy_name_first", "pdf_hyphens"])
def test_extract_layout_variants_give_same_triples(variant):
    text = (SEEDS / "000_69236e72d48cdb4c.txt").read_text(encoding="utf-8")
    keyed = lambda record: {(r.head, r.relation, r.tail) for r in record.relations}  # noqa: E731  (first names follow the layout's order)
    base = keyed(extract(text, "x"))
    if variant == "crlf":
        changed = text.replace("\n", "\r\n")
    elif variant == "html_bold":
        changed = text.replace("At a glance:", "<b>At a glance:</b>")
    elif variant == "curly_quotes":
        changed = text.replace('"', "“")
    elif variant == "worth_noting":
        changed = text.replace("\nNoteworthy\n", "\nWorth noting\n")
    elif variant == "policy_name_first":
        changed = _policy_name_first(text)
    else:
        changed = text.replace(" transformation ", " transfor-\nmation ").replace(" integration ", " integra-\ntion ")
    assert changed != text
    assert keyed(extract(changed, "x")) == base


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_extract_evidence_offsets_point_into_text(seed):
    record = extract((SEEDS / seed).read_text(encoding="utf-8"), seed)
    assert record.relations
    for relation in record.relations:
        evidence = relation.evidence
        assert 0 <= evidence.start < evidence.end <= len(record.text)
        assert record.text[evidence.start:evidence.end].strip() == evidence.sentence
        assert 0 < evidence.confidence <= 1


@pytest.mark.parametrize("text", ["", "   \n\n", "(((", "MIIT", "<script>alert(1)</script>", "\x00\x01 ü ß 中文"])
def test_extract_odd_text_does_not_crash(text):
    record = extract(text, "odd")
    assert record.id == "odd"


@pytest.fixture(scope="module")
def unseen_documents():
    return extract((DATA / "unseen_documents.md").read_text(encoding="utf-8"), "unseen-documents")


@pytest.mark.parametrize(
    "title,rule",
    [
        ("opinions on accelerating the use of recycled plastics", "document.list"),
        ("plan for port automation in coastal provinces", "document.list"),
        ("guidelines for the certification of marine sensors", "document.list"),
        ("notice on pricing offshore wind power", "document.agency_noun"),
        ("guiding opinions on protecting coral reefs", "document.agency_noun"),
        ("offshore wind subsidy policies", "document.passive"),
        ("2026 Marine Economy White Paper", "document.quoted"),
        ("artificial intelligence content labelling framework (version 2.0)", "document.phrase"),
        ("draft calling for 20 hydrogen pipelines by 2030", "document.phrase"),
        ("draft plan to bring the glass, ceramics, and papermaking industries into the national emission trading system",
         "document.phrase"),
        ("merger review guidelines for the chip industry", "document.phrase"),
    ],
)
def test_extract_documents_named_without_title_case(unseen_documents, title, rule):
    documents = {e.names[0]: e for e in unseen_documents.entities if e.label == "PolicyDocument"}
    assert title in documents, sorted(documents)
    assert documents[title].rule == rule


@pytest.mark.parametrize(
    "triple",
    [
        ("notice on pricing offshore wind power", "issuedBy", "NDRC"),
        ("guiding opinions on protecting coral reefs", "issuedBy", "MNR"),
        ("offshore wind subsidy policies", "issuedBy", "Ministry of Finance"),
        ("draft merger review guidelines for the chip industry", "draftOf", "merger review guidelines for the chip industry"),
        ("Ministry of Commerce", "administers", "pilot program for opening up the telecoms market in free trade zones"),
        ("Qiantang Semiconductor Holdings", "locatedIn", "Hangzhou"),
        ("Lumen Cell", "investsIn", "Yancheng"),
        ("Lumen Cell", "locatedIn", "Yancheng"),
        ("Kestrel Robotics", "subsidiaryOf", "Tencent"),
        ("Kestrel Robotics", "investsIn", "humanoid robotics"),
    ],
)
def test_extract_unseen_documents_relations(unseen_documents, triple):
    assert triple in _triples(unseen_documents)


def test_extract_draft_keeps_its_own_date(unseen_documents):
    draft = next(e for e in unseen_documents.entities if e.names[0] == "draft merger review guidelines for the chip industry")
    assert draft.date == "2025-10-02"


def test_extract_no_names_in_masthead_or_title_case_titles(unseen_documents):
    names = {n for e in unseen_documents.entities for n in e.names}
    assert not {"Jana Beispiel", "China Industries", "MERICS China Industries", "Reliable Technologies"} & names
    assert not any(e.label == "Person" for e in unseen_documents.entities)


def test_extract_title_of_only_quotes_and_chinese_names_nothing():
    text = ("MAY 2, 2025\n\n# MERICS China Industries\n\n## MERICS TOP 5\n\n### 1. A notice\n\n"
            "**At a glance:** The MIIT issued a notice.\n\n**Article:** “百场万企” (Link)\n\n**Issuing bodies:** MIIT\n\n"
            "**Date:** April 17, 2025\n")
    record = extract(text, "quotes-only")
    assert all(e.names for e in record.entities)
    assert not any(e.label == "PolicyDocument" and not e.names[0].strip('"“” ') for e in record.entities)
