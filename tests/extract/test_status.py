"""Deal status from the sentence that reports a deal (extract/status.py, rules in extract/rules/status.yml)."""

from __future__ import annotations

import pytest

from extract.pipeline import extract
from extract.status import STATUSES, deal_status


@pytest.mark.parametrize(("relation", "sentence", "expected"), [
    ("partnersWith", "Orvane Motors called off its planned battery venture with Kestrel Cells.", "terminated"),
    ("partnersWith", "Halden Auto has pulled out of its joint venture with Suqian Drive, selling its last shares.", "exited"),
    ("acquires", "Regulators in Bonn blocked the purchase of Veltra Optics by Lianhe Photonics.", "rejected"),
    ("acquires", "Lianhe Photonics completed its takeover of Veltra Optics in May.", "completed"),
    ("acquires", "Lianhe Photonics is reportedly in talks to buy a stake in Veltra Optics.", "rumoured"),
    ("licensesTo", "Qinmu Bio signed a licence deal granting Arvel Pharma rights to its antibody.", "agreed"),
    ("investsIn", "Tianrun Power announced plans to build a cell plant in Hungary.", "announced"),
    ("partnersWith", "Tianrun Power and Arvel Pharma are partners.", ""),
    ("issuedBy", "The ministry terminated the old rules and issued a new notice.", ""),  # not a deal: no status
])
def test_status_cues(relation, sentence, expected):
    assert deal_status(relation, sentence) == expected


def test_every_status_named_in_the_rules_is_known_and_reachable():
    found = {deal_status("acquires", sentence) for sentence in (
        "A called off the deal.", "A exited the venture.", "A's bid was rejected.", "A completed the deal.",
        "A is said to weigh a bid.", "A agreed to buy B.", "A announced a bid for B.")}
    assert found == set(STATUSES)


def test_an_ended_deal_carries_its_status_into_the_record():
    record = extract("JUNE 3, 2025\n\n- June 2: German carmaker Orvane Motors terminated its planned joint venture with "
                     "Chinese battery maker Kestrel Cells.\n", "b")
    statuses = {r.relation: r.evidence.status for r in record.relations}
    assert statuses.get("partnersWith") == "terminated", record.relations
