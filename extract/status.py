"""The state of a deal as its sentence reports it: announced, agreed, completed, terminated, exited, rejected, rumoured.

"Ford terminates its plans to launch an EV joint venture with Zotye" is a partnership that ended;
an analyst asking who partners with whom today must be able to leave it out. The cues are data
(`rules/status.yml`); the first status whose cue occurs in the sentence wins, ended states first.
A relation that is not a deal, or a sentence with no cue, has no status ("").
"""

from __future__ import annotations

import re
from functools import lru_cache

from extract.alternation import alternation
from extract.lexicon import load_rules

STATUSES = ("announced", "agreed", "completed", "terminated", "exited", "rejected", "rumoured")
ENDED = frozenset({"terminated", "exited", "rejected"})


def _cue_alternation(cues: list[str]) -> str:
    """The cues as one alternation, whole words first, then the stems of those that end in "*".

    Only whether a cue matches at a place counts, never which one: the order of the cues does not
    matter, and tries (`extract.alternation`) scan a case-insensitive list far faster than the list.
    """
    words = [cue for cue in cues if not cue.endswith("*")]
    stems = [cue[:-1] for cue in cues if cue.endswith("*")]
    parts = [alternation(words, fold_case=True)] if words else []
    if stems:
        parts.append(rf"(?:{alternation(stems, fold_case=True)})\w{{0,12}}")
    return "|".join(parts)


def _cue_pattern(cues: list[str]) -> re.Pattern:
    return re.compile(r"(?<!\w)(?:" + _cue_alternation(cues) + r")(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _rules() -> tuple[frozenset[str], tuple[tuple[str, re.Pattern], ...]]:
    rules = load_rules("status.yml")
    ordered = tuple((entry["status"], _cue_pattern(entry["cues"])) for entry in rules["statuses"])
    unknown = {status for status, _ in ordered} - set(STATUSES)
    if unknown:
        raise ValueError(f"status.yml: unknown status {sorted(unknown)}")
    return frozenset(rules["deal_relations"]), ordered


@lru_cache(maxsize=2)
def _cues_before(lower_case: bool) -> tuple[re.Pattern | None, ...]:
    """For each rank, the cues of the statuses ranked before it in one pattern, a group per status
    (``s0``, ``s1``, ...) in rank order: it matches where one of them starts, and the group that
    matched there is the best status whose cue starts there (alternatives are tried in order).

    The cues are in lower case (`_cue_alternation`): for ASCII text in lower case (``lower_case``)
    an exact match finds what a case-insensitive one finds in the text, twice as fast."""
    cues = [_cue_alternation(entry["cues"]) for entry in load_rules("status.yml")["statuses"]]
    groups = [f"(?P<s{rank}>{alternatives})" for rank, alternatives in enumerate(cues)]
    flags = 0 if lower_case else re.IGNORECASE
    return tuple(re.compile(r"(?<!\w)(?:" + "|".join(groups[:rank]) + r")(?!\w)", flags) if rank else None
                 for rank in range(len(groups) + 1))


def deal_status(relation: str, sentence: str) -> str:
    """The status the sentence gives a ``relation`` of that kind, or "" (not a deal, or no cue).

    >>> deal_status("partnersWith", "Ford terminates its plans to launch an EV joint venture with Zotye.")
    'terminated'
    >>> deal_status("acquires", "Acme agreed to acquire a 30 percent stake in Borealis.")
    'agreed'
    >>> deal_status("issuedBy", "The MIIT issued a notice.")
    ''
    """
    deals, ordered = _rules()
    if relation not in deals:
        return ""
    # One scan for the cues of every status ranked before the best one found so far: where one
    # matches, its group names the best status whose cue starts there.
    lower_case = sentence.isascii()  # lower() of other text may differ from case folding
    if lower_case:
        sentence = sentence.lower()
    best, position, before = len(ordered), 0, _cues_before(lower_case)
    while best:
        found = before[best].search(sentence, position)
        if found is None:
            break
        best = int(found.lastgroup[1:])
        position = found.start() + 1
    return ordered[best][0] if best < len(ordered) else ""
