"""Policy documents of news stories, their issuers, targets and programmes (extract/story.py,
extract/targets.py, rules/policy.yml). Every sentence here is invented."""

from __future__ import annotations

import pytest

from extract.pipeline import extract


def _run(text: str):
    record = extract(text, "test")
    names = {e.key: e.names[0] for e in record.entities}
    documents = {e.names[0] for e in record.entities if e.label == "PolicyDocument"}
    programs = {e.names[0] for e in record.entities if e.label == "Program"}
    triples = {(names[r.head], r.relation, names[r.tail]) for r in record.relations}
    return documents, programs, triples


def _has(triples, head_part: str, relation: str, tail: str) -> bool:
    """A triple whose head contains ``head_part`` and whose tail is one of ``tail``'s "|"-separated names."""
    tails = {name.lower() for name in tail.split("|")}
    return any(head_part.lower() in h.lower() and r == relation and t.lower() in tails for h, r, t in triples)


STORY = (
    "China unveils action plan on shipbuilding upgrades\n\n"
    "NINGBO, May 4 (Wire) -- China on Monday rolled out a three-year action plan for upgrading the shipbuilding "
    "industry, as the country seeks more orders abroad.\n\n"
    "The plan, jointly released by the NDRC, the Ministry of Transport and the NEA, sets goals for 2027.\n\n"
    "It aims to boost aviation and robotics along the coast, according to the plan.\n\n"
    "Under the plan, hydrogen will power the first pilot vessels.\n"
)


def test_generic_subject_names_the_story_document():
    documents, _, _ = _run(STORY)
    assert "three-year action plan for upgrading the shipbuilding industry" in documents


def test_passive_after_an_anaphor_gives_the_issuers():
    _, _, triples = _run(STORY)
    assert _has(triples, "three-year action plan", "issuedBy", "Ministry of Transport")
    assert _has(triples, "three-year action plan", "issuedBy", "National Energy Administration|NEA")
    assert _has(triples, "three-year action plan", "issuedBy", "National Development and Reform Commission|NDRC")


def test_anaphora_and_continuing_sentences_give_targets():
    _, _, triples = _run(STORY)
    assert _has(triples, "three-year action plan", "targetsSector", "aviation")
    assert _has(triples, "three-year action plan", "targetsSector", "robotics")
    assert _has(triples, "three-year action plan", "targetsSector", "hydrogen")


def test_headline_becomes_a_name_of_the_story_document():
    documents, _, _ = _run(STORY)
    assert not any(d.startswith("action plan on shipbuilding") for d in documents)
    record = extract(STORY, "test")
    names = next(e.names for e in record.entities if e.label == "PolicyDocument")
    assert "action plan on shipbuilding upgrades" in names


def test_according_to_a_document_and_its_passive_issuer():
    text = ("Cheaper loans will go to drones and robotics projects, according to a guideline on fostering the "
            "low-altitude economy issued by the Ministry of Industry and Information Technology on Tuesday.\n")
    documents, _, triples = _run(text)
    assert "guideline on fostering the low-altitude economy" in documents
    assert _has(triples, "guideline on fostering", "issuedBy", "Ministry of Industry and Information Technology")
    assert _has(triples, "guideline on fostering", "targetsSector", "robotics")


def test_indefinite_document_before_a_passive():
    text = ("Regulators pointed to a guideline on building green data centers, issued jointly by the "
            "National Development and Reform Commission and the National Energy Administration two years ago.\n")
    documents, _, triples = _run(text)
    assert "guideline on building green data centers" in documents
    assert _has(triples, "guideline on building green data centers", "issuedBy", "National Energy Administration")


def test_the_bureau_refers_to_the_agency_named_before():
    text = ("Regulators on Monday published a work plan for regional computing hubs, the National Data Administration "
            "said.\n\nThe plan, issued by three agencies including the administration and the Ministry of Finance, "
            "covers cloud computing.\n")
    _, _, triples = _run(text)
    assert _has(triples, "work plan for regional computing hubs", "issuedBy", "National Data Administration")
    assert _has(triples, "work plan for regional computing hubs", "issuedBy", "Ministry of Finance")


@pytest.mark.parametrize(
    "text,document",
    [
        ("Exporters must follow the Export Control Law from next year.\n", "Export Control Law"),
        ("Pilots must comply with the Interim Measures for the Administration of Drone Flights in Urban Areas.\n",
         "Interim Measures for the Administration of Drone Flights in Urban Areas"),
        ("Growth targets were set in the 14th Five-Year Plan for the coming years.\n", "14th Five-Year Plan"),
        ("The targets of the 2025 government work report were met.\n", "2025 government work report"),
        ("Kelp farming was named in the Ruritanian government's work report.\n", "Government Work Report"),
    ],
)
def test_titled_documents(text, document):
    documents, programs, _ = _run(text)
    assert document in documents and document not in programs


def test_sector_five_year_plan_and_its_issuer():
    text = "The Ministry of Industry and Information Technology on Friday issued its 14th Five-Year Plan for the textile industry.\n"
    documents, _, triples = _run(text)
    assert "14th Five-Year Plan for the textile industry" in documents
    assert _has(triples, "14th Five-Year Plan for the textile", "issuedBy", "Ministry of Industry and Information Technology")


def test_programme_focus_gives_targets():
    text = "The Little Giants programme focuses on small suppliers of robotics and semiconductors.\n"
    _, _, triples = _run(text)
    assert ("Little Giants", "targetsSector", "robotics") in triples


def test_programme_policy_is_no_document_and_its_introducer_administers_it():
    text = "The Ministry of Industry and Information Technology rolled out the Little Giants policy as a way to back small firms.\n"
    documents, _, triples = _run(text)
    assert not documents
    assert ("Ministry of Industry and Information Technology", "administers", "Little Giants") in triples


def test_document_serving_a_programme_is_part_of_it():
    text = ("China issued an implementation plan on upgrading rural broadband networks. The plan aims to "
            "contribute to the building of a Digital China.\n")
    _, _, triples = _run(text)
    assert _has(triples, "implementation plan on upgrading", "partOf", "Digital China")


def test_numbered_document_takes_the_issuers_of_the_sentence_before():
    text = ("The State Council published a landmark text on rural land use. "
            "The thirty measures cover agriculture and forestry.\n")
    documents, _, triples = _run(text)
    assert "thirty measures" in documents
    assert ("thirty measures", "issuedBy", "State Council") in triples


GLANCE = (
    "MERICS China Industries\n\n"
    "1. Beijing doubles down on advanced materials\n\n"
    "At a glance: The Ministry of Industry and Information Technology released a development plan for new materials. "
    "Key goals include:\n\n"
    "- Expand the production of carbon fiber and rare earths\n"
    "- Use big data to improve quality control\n\n"
    "MERICS comment: The plan may also help shipbuilding, experts say.\n"
)


def test_glance_bullets_target_the_item_document_but_not_commentary_or_means():
    _, _, triples = _run(GLANCE)
    targets = {t for h, r, t in triples if r == "targetsSector" and h.startswith("development plan for new materials")}
    assert "carbon fiber" in targets or "rare earths" in targets
    assert "shipbuilding" not in targets
    assert "big data" not in targets


def test_speaker_remark_gives_no_targets():
    text = ("China on Monday released a guideline on developing the space industry.\n\n"
            "The guideline will also help aviation, said Wang Lin, an analyst at a consultancy.\n")
    documents, _, triples = _run(text)
    assert "guideline on developing the space industry" in documents
    assert not _has(triples, "guideline on developing the space industry", "targetsSector", "aviation")


DEFINITION = (
    "Officials explain the programme\n\n"
    "Officials say the new infrastructure covers two fields: the industrial internet and data centers.\n\n"
    "Industrial internet\n\n"
    "Concretely, the industrial internet consists of networks that rely on:\n\n"
    "• robotics, 5G and cloud computing;\n\n"
    "• drones and satellite internet.\n\n"
    "Other news\n\n"
    "Cheap loans also helped shipbuilding last year.\n"
)


def test_programme_definition_runs_on_through_its_listed_bullets():
    _, _, triples = _run(DEFINITION)
    targets = {t.lower() for h, r, t in triples if r == "targetsSector" and h == "new infrastructure"}
    assert {"industrial internet", "robotics", "cloud computing", "satellite internet"} <= targets
    assert "shipbuilding" not in targets


def test_closing_communique_is_issued_by_the_meeting_body_not_the_bracketed_party():
    text = ("At a glance: After four days of talks, the Central Committee of the Chinese Communist Party (CCP) adopted "
            "a plan for the northern provinces. The closing communiqué named robotics as a priority.\n")
    documents, _, triples = _run(text)
    assert "closing communiqué" in documents
    assert _has(triples, "closing communiqué", "issuedBy", "Central Committee of the Chinese Communist Party")
    assert not any(r == "issuedBy" and t in ("Chinese Communist Party", "CCP") for _, r, t in triples)


def test_list_of_colleges_is_a_programme_its_releaser_administers():
    text = "Last spring the Ministry of Education published a list of pilot robotics colleges for its new degree courses.\n"
    documents, programs, triples = _run(text)
    assert "pilot robotics colleges" in programs and not documents
    assert ("Ministry of Education", "administers", "pilot robotics colleges") in triples
    assert _has(triples, "pilot robotics colleges", "targetsSector", "robotics")


def test_according_to_the_document_before_another_title_keeps_the_sentence_owner():
    text = ("The Ministry of Finance released an announcement on extending tax relief for clean trucks. "
            "According to the announcement, buyers may claim relief only for models in the Green Truck Subsidy "
            "Catalogue, for example electric vehicles.\n")
    _, _, triples = _run(text)
    assert _has(triples, "announcement on extending tax relief", "targetsSector", "electric vehicles")


def test_heading_short_title_is_a_document_targeting_the_heading_sector():
    text = ("In this issue we look at:\n\n"
            "1. Battery boom: Lithium battery plan seeks faster growth in energy storage\n\n"
            "2. Drafting China's AI law: experts weigh in\n")
    documents, _, triples = _run(text)
    assert {"Lithium battery plan", "AI law"} <= documents
    assert _has(triples, "Lithium battery plan", "targetsSector", "energy storage")


def test_bracketed_short_form_is_a_name_of_the_document():
    text = ("Premier Wang presented the 2023 Government Work Report (hereinafter the 'Report') with shipbuilding "
            "among its priorities.\n")
    record = extract(text, "test")
    names = next(e.names for e in record.entities if e.label == "PolicyDocument")
    assert "Report" in names
    assert not any(e.label == "Program" and "Report" in e.names for e in record.entities)


def test_release_of_the_document_names_it():
    text = "MERICS comment: The publication of a national action plan to decarbonize steel mills, officials said, is due in autumn.\n"
    documents, _, _ = _run(text)
    assert "national action plan to decarbonize steel mills" in documents


def test_iteration_of_a_titled_document_folds_the_anaphor_into_it():
    text = ("The Ministry of Industry and Information Technology released a new catalogue of technologies for support. "
            "The catalogue is an updated version of the 'Advanced Materials Technology Guide' issued in 2011.\n")
    documents, _, triples = _run(text)
    assert "Advanced Materials Technology Guide" in documents
    assert "new catalogue of technologies for support" not in documents
    assert ("Advanced Materials Technology Guide", "issuedBy", "Ministry of Industry and Information Technology") in triples


def test_relevant_departments_and_for_example_sentences_continue_the_document():
    text = ("China on Tuesday issued a guideline on modernizing river ports.\n\n"
            "Relevant departments will speed up the use of robotics in cargo handling.\n\n"
            "For example, cloud computing will schedule the ships.\n")
    _, _, triples = _run(text)
    assert _has(triples, "guideline on modernizing river ports", "targetsSector", "robotics")
    assert _has(triples, "guideline on modernizing river ports", "targetsSector", "cloud computing")


def test_programme_run_by_an_agency_is_administered_by_it():
    text = "The Big Fund's shareholders, headed by the Ministry of Finance, approved a new budget.\n"
    _, _, triples = _run(text)
    assert ("Ministry of Finance", "administers", "Big Fund") in triples


def test_spokesman_we_will_issue_gives_the_host_ministry():
    text = ("Press conference of the Ministry of Commerce, 4 June 2025\n\n"
            "Spokesperson: Our next step is clear: we will soon publish the Opinions on Expanding Service Trade with "
            "Neighbouring Countries and explain them to local governments.\n")
    _, _, triples = _run(text)
    assert _has(triples, "Opinions on Expanding Service Trade", "issuedBy", "Ministry of Commerce|MOFCOM")


def test_parts_of_one_document_listed_after_such_as_are_no_documents():
    text = ("The MIIT said the roadmap has four main chapters, such as guidelines for cell safety and rules for "
            "recycling.\n")
    documents, _, _ = _run(text)
    assert not any(d.startswith("guidelines for cell safety") for d in documents)



def test_adoption_at_a_meeting_gives_the_meeting_body_as_issuer():
    text = ("China on Friday unveiled a plan on developing the commercial space industry. The plan was adopted at a "
            "State Council executive meeting chaired by the premier.\n")
    _, _, triples = _run(text)
    assert _has(triples, "plan on developing the commercial space industry", "issuedBy", "State Council")


def test_definition_with_an_unknown_subject_continues_the_programme():
    text = ("Officials say the new infrastructure covers two layers.\n\n"
            "Hardware layer\n\n"
            "Concretely, the hardware layer refers to facilities for cloud computing and blockchain.\n")
    _, _, triples = _run(text)
    assert ("new infrastructure", "targetsSector", "cloud computing") in triples


def test_among_them_continues_the_document_before():
    text = ("China on Tuesday issued a guideline on building industrial clusters.\n\n"
            "The guideline names 12 clusters to support by 2030. Among them, robotics and biomanufacturing lead the list.\n")
    _, _, triples = _run(text)
    assert _has(triples, "guideline on building industrial clusters", "targetsSector", "robotics")


def test_the_document_saying_something_is_no_speaker_remark():
    text = ("China on Friday released an outline on developing coastal logistics.\n\n"
            "The outline says the ports will be modernised by 2030.\n\n"
            "It also says Hainan will become a hub for cold chain logistics and shipbuilding.\n")
    _, _, triples = _run(text)
    assert _has(triples, "outline on developing coastal logistics", "targetsSector", "shipbuilding")


@pytest.mark.parametrize(
    ("text", "document", "target", "not_target"),
    [
        ("China on Monday released a plan on hydrogen energy.\n\n"
         "The plan calls for hydrogen produced from renewable energy and more fuel cells.\n",
         "plan on hydrogen energy", "fuel cells", "renewable energy"),
        ("China on Monday released a plan on the metaverse.\n\n"
         "The plan aims to make the metaverse a growth pole of the digital economy.\n",
         "plan on the metaverse", "metaverse", "digital economy"),
    ],
)
def test_a_source_or_a_frame_is_no_target(text, document, target, not_target):
    _, _, triples = _run(text)
    assert _has(triples, document, "targetsSector", target)
    assert not _has(triples, document, "targetsSector", not_target)


def test_programme_called_in_quotes_with_its_acronym_is_administered_by_its_introducer():
    text = 'The Ministry of Finance introduced a new form of procurement, called "green ladder lending" (GLL), for small suppliers.'
    _, programs, triples = _run(text)
    assert "green ladder lending" in programs
    assert _has(triples, "Ministry of Finance", "administers", "green ladder lending")
