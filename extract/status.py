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


@lru_cache(maxsize=1)
def _any_cue() -> re.Pattern:
    """Every status's cues in one pattern: it matches where (and only where) one of them starts."""
    cues = [f"(?:{_cue_alternation(entry['cues'])})" for entry in load_rules("status.yml")["statuses"]]
    return re.compile(r"(?<!\w)(?:" + "|".join(cues) + r")(?!\w)", re.IGNORECASE)


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
    # One scan for any cue instead of one per status: at each place a cue starts, only the
    # statuses ranked before the best one found so far are tried there.
    best, position, search = len(ordered), 0, _any_cue().search
    while best:
        found = search(sentence, position)
        if found is None:
            break
        start = found.start()
        for rank in range(best):
            if ordered[rank][1].match(sentence, start):
                best = rank
                break
        position = start + 1
    return ordered[best][0] if best < len(ordered) else ""
