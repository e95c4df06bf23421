"""Funding rounds over several sentences (extract/funding.py): invented firms, invented sentences."""

from __future__ import annotations

from extract.pipeline import process


def _investments(text: str) -> set[tuple[str, str]]:
    doc = process(text)
    names = {}
    for mention in doc._.entities:
        names.setdefault(mention.key, doc._.text[mention.start:mention.end])
    return {(names[r.head], names[r.tail]) for r in doc._.relations if r.relation == "investsIn" and r.rule == "invests_in.funding_round"}


def test_participants_named_after_the_round_invest_in_the_raiser():
    text = ("Chinese robotics startup Zentaro Robotics has closed a USD 40m Series C round. "
            "Investors included Halvard Capital and Orsino Ventures. "
            "Last year, the company raised a Series B led by Pellin Partners, with participation from Quarrel Capital.\n")
    assert _investments(text) == {("Halvard Capital", "Zentaro Robotics"), ("Orsino Ventures", "Zentaro Robotics"),
                                  ("Pellin Partners", "Zentaro Robotics"), ("Quarrel Capital", "Zentaro Robotics")}


def test_a_list_before_the_cue_also_invests():
    text = ("Battery maker Velmont Energy completed a CNY 300m financing round. "
            "Ardent Capital, Lorne Ventures and Tessaly Investments also participated.\n")
    assert _investments(text) == {("Ardent Capital", "Velmont Energy"), ("Lorne Ventures", "Velmont Energy"),
                                  ("Tessaly Investments", "Velmont Energy")}


def test_no_round_or_a_round_too_far_back_gives_nothing():
    assert not _investments("Investors included Halvard Capital and Orsino Ventures, a report said.\n")
    far = ("Chinese startup Zentaro Robotics has closed a USD 40m Series C round. The money goes to research. "
           "Robots sell well. Demand grows in Europe. Rivals are worried. Investors included Halvard Capital.\n")
    assert not _investments(far)
