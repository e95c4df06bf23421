"""Sector rules: the taxonomy's folding of surface variants, lists of sectors, narrowed sectors.

Every sentence here is invented (invented places, plans and firms).
"""

from __future__ import annotations

import pytest

from extract.enumerations import elided_items, enumerated_sectors, modified_sectors
from extract.lexicon import load_known_entities
from extract.pipeline import extract


def _spans(sentence: str, names: list[str]) -> list[tuple[int, int]]:
    spans = []
    for name in names:
        start = sentence.find(name)
        while start >= 0 and (start, start + len(name)) in spans:
            start = sentence.find(name, start + 1)
        assert start >= 0, name
        spans.append((start, start + len(name)))
    return spans


def _sectors(text: str) -> dict[str, tuple[str, ...]]:
    record = extract(f"Velmora notes\n\n{text}\n", "velmora")
    return {e.key: e.names for e in record.entities if e.label == "Sector"}


# --- the taxonomy ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,key",
    [
        ("In 2030, the Velmora plan will back solar in the north.", "id:photovoltaics"),
        ("In 2030, the Velmora plan will back low-carbon energy in the north.", "id:new-energy"),
        ("In 2030, the Velmora plan will back 3D printing in the north.", "id:additive-manufacturing"),
        ("In 2030, the Velmora plan will back IC packaging and testing in the north.", "id:chip-packaging"),
        ("In 2030, the Velmora plan will back cars in the north.", "id:automotive"),
        ("In 2030, the Velmora plan will back fintech in the north.", "id:fintech"),
    ],
)
def test_surface_variants_fold_into_one_sector(text, key):
    assert key in _sectors(text)


@pytest.mark.parametrize(
    "text,narrow,broad",
    [
        ("In 2030, Velmora will cut coal power and coal mining.", "id:coal-power", "id:coal"),
        ("In 2030, Velmora will back electric vehicles and new energy vehicles.", "id:electric-vehicles", "id:new-energy-vehicles"),
        ("In 2030, Velmora will back power semiconductors and semiconductors.", "id:power-semiconductors", "id:semiconductors"),
        ("In 2030, Velmora will back construction machinery and machinery.", "id:construction-machinery", "id:machinery"),
        ("In 2030, Velmora will back smart agriculture and agriculture.", "id:smart-agriculture", "id:agriculture"),
    ],
)
def test_narrower_fields_stay_apart(text, narrow, broad):
    found = _sectors(text)
    assert narrow in found and broad in found
    known = {e.id: e for e in load_known_entities()}
    assert broad[3:] in known[narrow[3:]].broader


def test_generic_words_are_not_sectors_alone():
    # "energy" and "infrastructure" as common nouns; the energy sector is one
    found = _sectors("In 2030, Velmora's mills will need energy and new infrastructure, said the energy sector.")
    assert found == {"id:energy": ("energy sector",)}


def test_a_compound_field_stays_one_sector():
    found = _sectors("In 2030, Velmora will back clocks and watches, and oil and gas.")
    assert set(found) == {"id:watches", "id:oil-and-gas"}


# --- lists of sectors --------------------------------------------------------------------------


def test_a_list_may_start_after_a_failed_one():
    # the chunk before "including" holds no list; the list starts in the next chunk
    sentence = "The plan names eight sectors for the grants, including kelp farming, puppet theatre and financial services."
    found = [i.text for i in enumerated_sectors(sentence, 0, _spans(sentence, ["financial services"]))]
    assert found == ["kelp farming", "puppet theatre"]


def test_items_ending_in_known_sectors_count_as_known():
    # "marine tourism" holds "tourism": with healthcare, two sector items qualify the list
    sentence = "Marine tourism, pearl farming, healthcare and urban beekeeping were chosen."
    known = _spans(sentence, ["tourism", "healthcare"])
    assert [i.text for i in enumerated_sectors(sentence, 0, known)] == ["Marine tourism", "pearl farming", "urban beekeeping"]


def test_items_narrowing_one_sector_count_once():
    sentence = "Build basic-level smart factories, regional smart factories and pilot-level smart factories."
    known = _spans(sentence, ["smart factories", "smart factories", "smart factories"])
    assert enumerated_sectors(sentence, 0, known) == []


def test_a_noun_after_the_list_names_it():
    sentence = "Kelp farming, drone racing and logistics are the new priority sectors."
    found = [i.text for i in enumerated_sectors(sentence, 0, _spans(sentence, ["logistics"]))]
    assert found == ["Kelp farming", "drone racing"]


def test_a_cue_naming_sectors_needs_no_known_item():
    sentence = "It favours fields such as kelp farming, drone racing and puppet theatre."
    assert [i.text for i in enumerated_sectors(sentence, 0, [])] == ["kelp farming", "drone racing", "puppet theatre"]


def test_two_items_after_a_cue_naming_sectors():
    sentence = "The scheme opens new models in fields such as kelp farming and puppet theatre."
    assert [i.text for i in enumerated_sectors(sentence, 0, [])] == ["kelp farming", "puppet theatre"]


def test_measures_and_verbs_are_not_list_items():
    sentence = "It covers industries such as logistics, system solutions, pricing rules and expanding coverage."
    assert [i.text for i in enumerated_sectors(sentence, 0, _spans(sentence, ["logistics"]))] == []


def test_a_list_that_names_its_kind_ends_there():
    sentence = "The levy will cover the steel, cement and glass sectors, expanding coverage to 60 percent."
    found = [i.text for i in enumerated_sectors(sentence, 0, _spans(sentence, ["steel", "cement"]))]
    assert found == ["glass"]


# --- narrowed sectors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence,known,expected",
    [
        # a modifier before a known sector
        ("Velmora will fund smart aquaculture.", ["aquaculture"], ["smart aquaculture"]),
        # two known sectors side by side: the first narrows the second
        ("Velmora will fund fuel cell trucks.", ["fuel cell", "trucks"], ["fuel cell trucks"]),
        # an activity after a known sector
        ("Velmora will fund ceramics processing.", ["ceramics"], ["ceramics processing"]),
        # the noun phrase goes on: a product of the sector, not a sector
        ("Velmora will fund smart aquaculture ponds.", ["aquaculture"], []),
        # too generic a head to narrow
        ("Velmora will fund smart energy.", ["energy"], []),
    ],
)
def test_modified_sectors(sentence, known, expected):
    assert [i.text for i in modified_sectors(sentence, 0, _spans(sentence, known))] == expected


def test_modified_sector_in_a_briefing():
    found = _sectors("In 2030, Velmora will fund smart aquaculture in its bays.")
    assert "Sector:smart aquaculture" in found


def test_elided_words_are_expanded():
    sentence = "Funds go to drug design, testing and packaging."
    found = elided_items(sentence, 0, _spans(sentence, ["drug design"]))
    assert [(i.text, sentence[i.start:i.end]) for i in found] == [("drug testing", "testing"), ("drug packaging", "packaging")]
    # a plain list shares nothing
    assert elided_items("Funds go to steel, cement and glass.") == []


def test_paired_activities_inside_an_elided_list():
    sentence = "Funds go to battery design, assembly and recycling, sales and repair."
    found = [i.text for i in elided_items(sentence, 0, [])]
    assert found == []  # "repair" is no activity the list shares: nothing is expanded
    sentence = "Funds go to battery design, assembly and recycling, equipment and materials."
    found = [i.text for i in elided_items(sentence, 0, [])]
    assert found == ["battery assembly", "battery recycling", "battery equipment", "battery materials"]


def test_two_sectors_sharing_their_first_word_are_no_compound():
    # "smart agriculture and logistics" is smart agriculture and smart logistics; "clocks and watches" stays one
    sentence = "Velmora backs drones, biotech, and smart agriculture and logistics."
    known = _spans(sentence, ["drones", "biotech", "smart agriculture"])
    assert [i.text for i in enumerated_sectors(sentence, 0, known)] == []
    assert [i.text for i in elided_items(sentence, 0, known)] == ["smart logistics"]
    sentence = "Velmora backs drones, biotech, and clocks and watches."
    assert [i.text for i in enumerated_sectors(sentence, 0, _spans(sentence, ["drones", "biotech"]))] == ["clocks and watches"]


@pytest.mark.parametrize(
    "sentence,known,expected",
    [
        # a plain cue and "and" alone: one known item qualifies the pair
        ("Velmora will lead in seaweed drugs (including marine chemistry and biomedicine).", ["biomedicine"], ["marine chemistry"]),
        # a range from a known sector to another field
        ("Velmora grew several trades, from drones (UAVs) to cargo airships.", ["drones"], ["cargo airships"]),
        # a range of years is no list
        ("Velmora's output grew from 2020 to 2024.", [], []),
        # a plain cue with no known item qualifies nothing
        ("Velmora hired firms such as kelp farms and puppet theatres.", [], []),
    ],
)
def test_pairs_after_a_cue(sentence, known, expected):
    assert [i.text for i in enumerated_sectors(sentence, 0, _spans(sentence, known))] == expected


def test_hyphenated_modifiers_share_their_head():
    sentence = "Velmora favours fast-charging, zero-fume trucks and fast-charging/battery-swapping buses."
    known = _spans(sentence, ["trucks", "buses"])
    assert [(i.text, sentence[i.start:i.end]) for i in elided_items(sentence, 0, known)] == [
        ("fast-charging trucks", "fast-charging"), ("fast-charging buses", "fast-charging")]
    # neither modifier a known one, or the noun phrase goes on: nothing
    sentence = "Velmora favours low-noise, zero-fume trucks and fast-charging, zero-fume truck fleets."
    assert elided_items(sentence, 0, _spans(sentence, ["trucks", "truck"])) == []
