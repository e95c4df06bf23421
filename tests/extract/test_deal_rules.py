"""Deal and firm relations: list distribution, anaphors, `before` contexts and the deal rules.

Every sentence here is invented (invented firms), none is taken from a briefing.
"""

from __future__ import annotations

import pytest

from extract.pipeline import process


def relations(text: str) -> set[tuple[str, str, str]]:
    """(head name, relation, tail name) found in ``text``, names as first written."""
    doc = process(text)
    text = doc._.text
    names: dict[str, str] = {}
    for mention in doc._.entities:
        names.setdefault(mention.key, text[mention.start:mention.end])
    return {(names.get(r.head, r.head), r.relation, names.get(r.tail, r.tail)) for r in doc._.relations}


def test_funding_round_gives_every_participant():
    found = relations("Kestrel Robotics raised USD 40m in a Series B round led by Harbor Peak Capital, "
                      "with participation from Larch Ventures, Quill Investments and Osprey Capital.")
    for investor in ("Harbor Peak Capital", "Larch Ventures", "Quill Investments", "Osprey Capital"):
        assert (investor, "investsIn", "Kestrel Robotics") in found


def test_alliance_joins_the_listed_partners_with_each_other():
    found = relations("Kelvor Motors formed an alliance last year with Norway's Fjellstad Motors and Brannvik Motors.")
    assert ("Kelvor Motors", "partnersWith", "Brannvik Motors") in found
    assert ("Fjellstad Motors", "partnersWith", "Brannvik Motors") in found
    assert ("Brannvik Motors", "locatedIn", "Norway") in found


def test_pronoun_opening_a_sentence_stands_for_the_previous_subject():
    found = relations("Still, Vorlane Energy runs three plants in Vietnam. "
                      "Its clients include Kestrel Motors and Fjord Marine Group.")
    assert ("Vorlane Energy", "partnersWith", "Kestrel Motors") in found
    assert ("Vorlane Energy", "partnersWith", "Fjord Marine Group") in found
    assert ("Harbor Peak Capital", "investsIn", "Kestrel Motors") in relations(
        "Harbor Peak Capital was founded in 2009. It is now an early backer of Kestrel Motors.")
    # no antecedent when the sentence before opens without a subject
    found = relations("Buyers include Harbor Peak Capital. It is now an early backer of Kestrel Motors.")
    assert not any(rel == "investsIn" for _, rel, _ in found)


def test_merger_of_two_named_firms():
    found = relations("Regulators cleared the merger of shipbuilders Skarv Yards Group and Fjord Marine Group.")
    assert {("Skarv Yards Group", "mergesWith", "Fjord Marine Group")} <= found


def test_stake_transfer_and_subsidiary_status():
    found = relations("In the deal, the owner of Kestrel Motors -- the Ministry of Finance -- is to sell a 60% stake "
                      "in the carmaker to Larsfield Group, after which Kestrel Motors would become a subsidiary of Larsfield Group.")
    assert ("Larsfield Group", "acquires", "Kestrel Motors") in found
    assert ("Kestrel Motors", "subsidiaryOf", "Larsfield Group") in found
    assert ("Ministry of Finance", "investsIn", "Kestrel Motors") in found


def test_licensor_is_the_head_whatever_the_order():
    found = relations("Kestrel Motors builds its cells with patents licensed from Larsfield Group.")
    assert ("Larsfield Group", "licensesTo", "Kestrel Motors") in found


def test_buying_products_from_a_firm_is_no_acquisition():
    found = relations("Kestrel Motors plans to buy cathode powder in bulk from Larsfield Group.")
    assert not any(rel == "acquires" for _, rel, _ in found)


def test_taking_over_as_chairman_is_no_takeover():
    found = relations("Kestrel Motors chief Ola Berg took over as chief executive of Larsfield Group in 2019.")
    assert not any(rel == "acquires" for _, rel, _ in found)


@pytest.mark.parametrize("sentence,place", [
    ("Larsfield Group and Pellion Semiconductor are both located in Vietnam.", "Vietnam"),
    ("Norway's top shipbuilders, Fjord Marine Group and Pellion Semiconductor, won orders.", "Norway"),
])
def test_place_reaches_every_listed_firm(sentence, place):
    found = relations(sentence)
    assert ("Pellion Semiconductor", "locatedIn", place) in found


def test_place_descriptor_and_country_largest():
    assert ("Pellion Optoelectronics", "locatedIn", "Taiwan") in relations("Regulators fined Taiwan display maker Pellion Optoelectronics.")
    assert ("Kestrel Motors", "locatedIn", "Norway") in relations("Kestrel Motors is now Norway's biggest maker of ferries.")


def test_rejected_plan_builds_nothing():
    found = relations("Kestrel Motors was looking to build the plant in Vietnam, but the government rejected the plan.")
    assert not any(rel in ("investsIn", "locatedIn") for _, rel, _ in found)


def test_headline_push_is_no_verb():
    found = relations("Kestrel Motors and Larsfield Group Push Humanoid Robots Into Factories")
    assert not any(rel == "investsIn" for _, rel, _ in found)


def test_possessive_unit_and_apposition_parent():
    assert ("Fjord Marine Group", "subsidiaryOf", "Tencent") in relations("Tencent's Fjord Marine Group unit will pay the price.")
    found = relations("Fjord Marine Group, a Larsfield Group subsidiary, makes hulls.")
    assert ("Fjord Marine Group", "subsidiaryOf", "Larsfield Group") in found


def test_consortium_members_partner_pairwise():
    found = relations("The bid came from a consortium of Kestrel Motors, Larsfield Group and Fjord Marine Group.")
    assert ("Kestrel Motors", "partnersWith", "Fjord Marine Group") in found
    assert ("Larsfield Group", "partnersWith", "Fjord Marine Group") in found


def test_place_possessive_not_dropped_for_a_distant_later_place():
    found = relations("Kestrel Motors became Norway's largest carmaker after it bought a closed plant in Vietnam.")
    assert ("Kestrel Motors", "locatedIn", "Norway") in found


@pytest.mark.parametrize("sentence,triple", [
    ("Output at Vorlane Energy's new Vietnam plant doubled.", ("Vorlane Energy", "locatedIn", "Vietnam")),
    ("Fjord Marine Group's parent company Larsfield Group cut jobs.", ("Fjord Marine Group", "subsidiaryOf", "Larsfield Group")),
    ("Larsfield Group unit Fjord Marine Group won the tender.", ("Fjord Marine Group", "subsidiaryOf", "Larsfield Group")),
    ("Kestrel Motors will supply Larsfield Group with battery cells.", ("Kestrel Motors", "partnersWith", "Larsfield Group")),
    ("Kestrel Motors won a 2 GWh battery order from Larsfield Group.", ("Kestrel Motors", "partnersWith", "Larsfield Group")),
    ("Regulators approved the acquisition of Kestrel Motors by Larsfield Group.", ("Larsfield Group", "acquires", "Kestrel Motors")),
    ("Kestrel Motors gets cheap credit from its largest shareholder Larsfield Group.", ("Larsfield Group", "investsIn", "Kestrel Motors")),
    ("Its brands include Kestrel Motors, which Larsfield Group bought in 2015.", ("Larsfield Group", "acquires", "Kestrel Motors")),
])
def test_deal_sentences(sentence, triple):
    assert triple in relations(sentence)


def test_the_company_reaches_back_to_the_last_subject():
    found = relations("Kestrel Robotics has raised USD 70m from five state funds. Backers include Harbor Peak Capital. "
                      "In 2021 the company also closed a Series A led by Quill Investments and Osprey Capital.")
    assert ("Quill Investments", "investsIn", "Kestrel Robotics") in found
    assert ("Osprey Capital", "investsIn", "Kestrel Robotics") in found


@pytest.mark.parametrize("sentence", [
    "Kestrel Robotics, backed by Harbor Peak Capital and Larch Ventures, opened a lab.",
    "Kestrel Robotics, whose investors include Harbor Peak Capital and Larch Ventures, plans a listing.",
    "Kestrel Robotics' USD 50m Series C round, led by Harbor Peak Capital and Larch Ventures, closed on Monday.",
    "Harbor Peak Capital and Larch Ventures also took part in Kestrel Robotics' latest funding round.",
])
def test_backers_named_around_the_firm(sentence):
    found = relations(sentence)
    assert ("Harbor Peak Capital", "investsIn", "Kestrel Robotics") in found
    assert ("Larch Ventures", "investsIn", "Kestrel Robotics") in found


def test_part_owner_invests_but_is_no_parent():
    found = relations("The launch by Kestrel Motors, partly owned by Larsfield Group, was delayed.")
    assert ("Larsfield Group", "investsIn", "Kestrel Motors") in found
    assert not any(rel == "subsidiaryOf" for _, rel, _ in found)


def test_a_firm_after_from_or_including_is_not_the_builder():
    found = relations("Vorlane Energy took USD 90m from backers including Harbor Peak Capital as it gets ready to "
                      "build two plants in Vietnam.")
    assert not any(head == "Harbor Peak Capital" and rel == "locatedIn" for head, rel, _ in found)
