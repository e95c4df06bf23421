"""Entity-recognition follow-ups in extract/entities.py: elided and comma-free sector lists, sector
words that name something else, short and long forms of firms, firm units and appositions, and
extraction time on adversarial text.

Every sentence here is invented (invented firms, places and plans).
"""

from __future__ import annotations

import time

import pytest

from extract.pipeline import extract


def _entities(text: str, label: str) -> dict[str, tuple[str, ...]]:
    record = extract(f"Quorvia notes\n\n{text}\n", "quorvia")
    return {e.key: e.names for e in record.entities if e.label == label}


def _names(text: str, label: str) -> set[str]:
    return {name for names in _entities(text, label).values() for name in names}


# --- sectors ---------------------------------------------------------------------------------

def test_modified_sector_in_a_sentence_without_a_comma():
    assert "smart aquaculture" in _names("The Dornvale plan backs smart aquaculture in coastal towns.", "Sector")


def test_elided_list_items_are_named_by_their_whole_field():
    names = _names("The Dornvale fund will back chip design, manufacturing and packaging.", "Sector")
    assert {"chip manufacturing", "chip packaging"} <= names


@pytest.mark.parametrize("text", [
    "Dornvale cut its steel capacity by a tenth last year.",
    "Dornvale wants to become a tourism powerhouse within a decade.",
])
def test_sector_word_before_a_head_noun_names_no_sector(text):
    assert not {"steel", "tourism"} & _names(text, "Sector")


def test_judgement_before_industry_is_no_sector():
    assert "right" not in _names("Step one: target the right industry and wait.", "Sector")


def test_sector_words_ending_a_post_title_are_no_sector():
    text = "Lan Qiru, minister of industry and information technology, toured Dornvale on Monday."
    assert "information technology" not in _names(text, "Sector")


# --- firms -----------------------------------------------------------------------------------

def test_short_form_of_a_suffix_name_is_the_same_firm():
    firms = _entities("Tessaly Biopharma signed a licence with a rival. Tessaly will receive a fee of 90 million.", "Firm")
    assert ("Tessaly Biopharma", "Tessaly") in firms.values()


def test_short_form_that_is_a_place_is_not_taken():
    firms = _entities("Ningbo Ventures led the round. Tessaly Biopharma joined it. Tessaly and Ningbo grew fast.", "Firm")
    assert ("Tessaly Biopharma", "Tessaly") in firms.values()
    assert not any("Ningbo" in names for names in firms.values())


def test_compound_adjective_before_a_name_is_not_part_of_it():
    names = _names("Hong Kong-listed Tessaly Motors signed a partnership with a supplier.", "Firm")
    assert "Tessaly Motors" in names and not any(name.startswith("Hong Kong") for name in names)


@pytest.mark.parametrize("text", ["Later, CATL International said it would expand.", "Orders rose at CATL Germany last year."])
def test_known_firm_and_a_country_or_unit_word_is_a_unit(text):
    firms = _entities(text, "Firm")
    assert any(key.startswith("Firm:catl ") for key in firms), firms


def test_apposition_with_a_company_noun_makes_a_firm():
    names = _names("Quarnix, a Chinese cloud gaming (CG) platform also known as Quarnix Play, raised new funds.", "Firm")
    assert "Quarnix" in names


def test_apposition_with_a_person_noun_makes_no_firm():
    names = _names("Lan Qiru, an investor in several funds, praised Quarnix, a robotics startup based in Hubei.", "Firm")
    assert "Quarnix" in names and "Lan Qiru" not in names


def test_known_firm_with_a_legal_suffix_keeps_the_known_key():
    firms = _entities("BYD Co., Ltd. opened a plant. Later BYD added a line.", "Firm")
    assert any(key == "id:byd" and any(name.startswith("BYD Co") for name in names) for key, names in firms.items()), firms


def test_publisher_and_country_before_a_suffix_is_no_firm():
    assert not any("China Industries" in name for name in _names("Key China Industries to watch this year.", "Firm"))


def test_among_opens_no_name():
    names = _names("Among Tessaly Technologies customers are two carmakers.", "Firm")
    assert "Tessaly Technologies" in names and not any(name.startswith("Among") for name in names)


# --- time on adversarial text ------------------------------------------------------------------

A, Q = "'", '"'
ADVERSARIAL = {
    "glued acronyms": "MIIT" * 20000,
    "capitals": " ".join(["ABCD"] * 20000),
    "capitalised words": " ".join(["Tessaly"] * 12000),
    "apostrophe runs": (A * 9 + " ") * 8000,
    "possessives": "Tessaly's " * 8000,
    "quote runs": (Q * 9 + " ") * 8000,
    "quoted names": (Q + "Tessaly Lake" + Q + " ") * 6000,
    "list items": "A, " * 27000,
    "sector list": "steel, " * 12000,
    "apposition cues": ", a " * 20000,
    "hyphens": "-" * 80000,
    "one long sentence": ("the Tessaly Motors Group and the smart aquaculture industry of Hubei, a Chinese company that "
                          "makes batteries ") * 2000,
    # spaCy's own tokenizer is quadratic in one unbroken run of punctuation: short runs only here
    "glued apostrophes": A * 3000,
    "glued quotes": Q * 3000,
}


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_adversarial_text_extracts_in_bounded_time(name):
    extract("warm up", "warm")
    began = time.perf_counter()
    extract(ADVERSARIAL[name], "adversarial")
    assert time.perf_counter() - began < 20, name  # generous: fails only on super-linear behaviour


def test_suffix_name_takes_its_legal_form():
    assert "Quorvia Steel Co., Ltd." in _names("Quorvia Steel Co., Ltd. opened a rolling mill in a port town.", "Firm")


def test_name_after_or_is_the_known_firm_again():
    firms = _entities("A statement came from BYD, or Quorvia Auto Co., Ltd., on Monday.", "Firm")
    assert "Quorvia Auto Co., Ltd." in firms.get("id:byd", ()), firms


def test_ampersand_joins_one_suffix_name():
    names = _names("Funds came from Quorvia Capital & Incubator Group and two banks.", "Firm")
    assert "Quorvia Capital & Incubator Group" in names and "Incubator Group" not in names


@pytest.mark.parametrize("name", ["Quorvia & Co.", "Tessaly Solar Energy (Hubei) Co., Ltd."])
def test_ampersand_before_a_legal_form_and_a_bracketed_place_stay_in_the_name(name):
    assert name in _names(f"Last year {name} won a tender for rooftop panels.", "Firm")
