"""People, places, agencies and organisations found by rules (extract/people.py, extract/places.py,
extract/entities.py). Every sentence here is invented."""

from __future__ import annotations

import pytest

from extract.pipeline import extract


def _found(text: str) -> set[tuple[str, str]]:
    return {(e.label, name) for e in extract(text, "rules").entities for name in e.names}


def _names(text: str, label: str) -> set[str]:
    return {name for cls, name in _found(text) if cls == label}


# --- people -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("Lumora Cells chairman Zhou Wenbo said the plant would open in spring.", "Zhou Wenbo"),
        ("Output will double, said Martha Quigley, chief executive of Brightwater Mining.", "Martha Quigley"),
        ("The deal was led by Tobias Renner, an analyst at Quillon Partners, last week.", "Tobias Renner"),
        ("The head of the provincial grid office, Ingrid Solberg, said prices would fall.", "Ingrid Solberg"),
        ("The programme answers Gao Minghui's call for cheaper storage.", "Gao Minghui"),
        ("Harbourline Chief Executive Declan O'Rourke welcomed the order.", "Declan O'Rourke"),
    ],
)
def test_people_from_titles_roles_and_chinese_names(text, person):
    assert person in _names(text, "Person")


def test_person_surname_alone_is_the_same_person():
    record = extract("Sales rose, said Lars Eklund, founder of Nordvolt Cells. Eklund expects more orders.", "rules")
    people = [e for e in record.entities if e.label == "Person"]
    assert len(people) == 1 and set(people[0].names) == {"Lars Eklund", "Eklund"}


def test_speaker_labels_of_a_transcript_are_people():
    text = "Maria Lindqvist: Good morning and welcome.\n\nQuestion: What comes next?\n\nMaria Lindqvist: More pilots.\n"
    assert "Maria Lindqvist" in _names(text, "Person")


@pytest.mark.parametrize(
    "text",
    [
        "The ministry set new targets for grid storage this year.\n\nMa Lianjie\n",
        "The ministry set new targets for grid storage this year.\n\n(Web editor: Wen Xiaoli, Du Kanghua)\n",
    ],
)
def test_bylines_and_editors_are_no_people(text):
    assert not _names(text, "Person")


# --- places -----------------------------------------------------------------------------------

def test_gazetteer_cities_and_states_are_places():
    text = "The group will build a factory in Rotterdam and a second one in Ohio."
    assert {"Rotterdam", "Ohio"} <= _names(text, "Place")


def test_gazetteer_skips_city_names_that_are_common_words():
    assert not _names("Reading the plan closely, analysts saw a Phoenix project revived.", "Place")


def test_regions_are_places():
    text = "Wind farms in southwest China will sell power to buyers in East Africa."
    assert {"southwest China", "East Africa"} <= _names(text, "Place")


def test_chains_of_places_split():
    text = ("The plant sits in the Qiantang Hi-tech Zone in Zhejiang Province. "
            "A second site is in Sichuan's Tianfu New Area.")
    places = _names(text, "Place")
    assert {"Qiantang Hi-tech Zone", "Zhejiang Province", "Tianfu New Area"} <= places
    assert not any(" in " in p or "'s " in p for p in places)


def test_unknown_town_before_a_province_is_a_place():
    assert "Linbei" in _names("Orders come from a mill in Linbei, Shandong province.", "Place")


def test_prefecture_and_city_suffixes():
    text = "The smelter lies in Yibin City, Lianhe Prefecture."
    assert {"Yibin City", "Lianhe Prefecture"} <= _names(text, "Place")


def test_capital_standing_for_its_government_is_no_place():
    assert "Beijing" not in _names("Beijing wants to curb overcapacity in steel.", "Place")
    assert "Beijing" in _names("The firm opened an office in Beijing last year.", "Place")


def test_country_qualifying_a_title_or_currency_is_no_place():
    text = "The fund holds 3 billion US dollars, said US President Ann Calloway."
    assert "US" not in _names(text, "Place")


def test_eu_listed_with_places_is_a_market():
    text = "The drug is sold in Japan and the European Union."
    assert ("Place", "European Union") in _found(text)


# --- agencies and organisations -------------------------------------------------------------------

def test_city_government_is_an_agency():
    assert "Wuhu municipal government" in _names("The Wuhu municipal government backed the battery maker.", "Agency")


def test_agency_named_head_noun_first():
    assert "Administration of Coastal Fisheries" in _names(
        "The rules were drafted by the Administration of Coastal Fisheries in May.", "Agency")


def test_affiliation_names_an_organization():
    assert "KAIST" in _names("The robot was designed by a researcher at KAIST in 2023.", "Organization")


def test_experiment_station_is_an_organization_even_before_a_known_academy():
    text = "Staff of the Bohai Coastal Experiment Station of the Chinese Academy of Sciences sampled the soil."
    assert "Bohai Coastal Experiment Station" in _names(text, "Organization")


def test_one_word_organization_alias_opening_a_firm_name_is_that_firm():
    text = "Tsinghua Lumina Group bought a stake in the chipmaker. Tsinghua said the price was fair."
    assert "Tsinghua" not in _names(text, "Organization")


def test_firm_facility_is_no_organization():
    text = "Workers test robots at Veltrix's Minhang R&D Center in Shanghai."
    assert not _names(text, "Organization")


def test_head_noun_inside_a_longer_name_is_no_agency():
    assert not _names("The Government Work Report set a growth target.", "Agency")


# --- layout ---------------------------------------------------------------------------------------

def test_page_chrome_and_author_block_give_nothing():
    text = ("Grid storage takes off\n\nBack to Energy Committee publications\n\nHelen Marsh\nMarsh & Pike LLP, Shanghai\n"
            "hmarsh@example.com\n\nThe new rules cover grid storage in Jiangsu.\n")
    found = _found(text)
    assert ("Agency", "Energy Committee") not in found
    assert ("Place", "Shanghai") not in found
    assert ("Place", "Jiangsu") in found


def test_photo_caption_above_the_masthead_gives_places():
    text = ("Solar panels in Qinghai\nMERICS Briefs\n\nMERICS China Industries Briefing - May 2025\n\n"
            "1. A new plan\n\nAt a glance: The NDRC issued a plan on grid storage.\n")
    assert "Qinghai" in _names(text, "Place")


def test_early_authors_heading_opens_no_back_matter():
    story = " ".join(["The firm expands its output of cells and modules at home and abroad."] * 12)
    text = f"Daily\n\nCell makers grow\n\nAuthors\nA worker at a plant\n\n{story}\n\nThe new line sits in Ningbo.\n"
    assert "Ningbo" in _names(text, "Place")


def test_organization_named_head_noun_first():
    text = "The University of Northfield and the Institute of Soil Physics signed a deal."
    assert {"University of Northfield", "Institute of Soil Physics"} <= _names(text, "Organization")


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Ruritania-headquartered Vell Motors expanded its range.", "Ruritania"),
        ("The battery maker opened a plant in the town of Lanxiborg.", "Lanxiborg"),
    ],
)
def test_unknown_places_from_based_and_city_of(text, place):
    assert place in _names(text, "Place")


def test_media_outlets_give_no_entities():
    text = ("According to the Ruritania News Agency, the plan passed. The Northland Daily and Caixin Global agreed.\n"
            "Zhou Lin | Coastal Daily\n")
    assert not {(cls, name) for cls, name in _found(text) if cls in ("Agency", "Place", "Person", "Firm")}


def test_provincial_department_named_with_and():
    text = "The Qinghai Provincial Department of Water and Forest Resources approved the project."
    assert "Qinghai Provincial Department of Water and Forest Resources" in _names(text, "Agency")


def test_province_before_a_national_agency_is_its_own_agency():
    assert "Jiangxi SASAC" in _names("The Jiangxi SASAC approved the merger of the two smelters.", "Agency")


# --- forms of names found before ------------------------------------------------------------------

def test_plural_acronym_of_a_programme_or_sector_is_that_entity():
    found = _found("Provinces compete to build NQPFs, and OLEDs now ship from three new lines.")
    assert ("Program", "NQPFs") in found and ("Sector", "OLEDs") in found


def test_plural_acronym_of_an_agency_is_no_agency():
    assert not _names("The start-up raised money through SAFEs last year.", "Agency")


def test_place_government_at_the_start_of_a_line_is_an_agency():
    text = "Local officials moved fast.\nWuhan municipal government took a stake in Orvane Tech Co., Ltd. in May."
    assert "Wuhan municipal government" in _names(text, "Agency")


def test_a_firm_named_again_is_the_firm_not_the_province_inside_its_name():
    text = ("Battery maker Hubei Tarsen Co., Ltd. opened a cell plant last year. "
            "Hubei Tarsen also runs two plants in Laos.")
    record = extract(text, "rules")
    names = {e.key: e for e in record.entities}
    located = {(names[r.head].label, names[r.tail].names[0]) for r in record.relations if r.relation == "locatedIn"}
    assert ("Firm", "Laos") in located


def test_a_name_with_inner_capitals_is_also_found_in_title_case():
    assert "Biontech" in _names("Shanghai Fosun Pharma and Biontech agreed to widen their vaccine pact.", "Firm")


def test_a_capital_blamed_or_urged_stands_for_its_government():
    assert "Washington" not in _names("Officials in Ottawa blamed Washington for the new tariffs on steel.", "Place")
    assert "Washington" in _names("The battery start-up opened an office in Washington last year.", "Place")


def test_a_name_listed_between_two_firms_is_a_firm():
    assert "Tallow" in _names("Investors include Harbor Peak Capital, Tallow and Qiming Venture Partners.", "Firm")
    assert "Hefei" not in _names("Orvane Energy Co., Ltd. has plants in Wuhu, Hefei and Anqing.", "Firm")
