"""Find abbreviation definitions such as "National Energy Administration (NEA)".

The algorithm is Schwartz & Hearst (2003), "A simple algorithm for identifying abbreviation
definitions in biomedical text", Pacific Symposium on Biocomputing 8:451-462, as scispacy's
`abbreviation.py` implements it: a short form in parentheses, and the shortest run of preceding
words whose characters contain the short form's characters in order, the first one starting a
word. Definitions let unseen agencies, firms and programmes enter the graph with their acronym
as an alias, and later bare uses of the acronym resolve to the same node.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PAREN = re.compile(r"\(([^()]{1,12})\)")
_WORD = re.compile(r"[^\s]+")
# Parenthesised tokens that look like short forms but mark a language, a currency or a link.
NOT_SHORT_FORMS = frozenset({"CN", "EN", "DE", "ZH", "USD", "CNY", "EUR", "RMB", "Link", "PDF", "Draft"})


@dataclass(frozen=True)
class Definition:
    """A long form and its short form, with character offsets into the text."""

    long_start: int
    long_end: int
    short_start: int
    short_end: int
    long_form: str
    short_form: str


def is_short_form(candidate: str) -> bool:
    """A plausible short form: 2 to 10 characters, one word, at least one capital letter.

    Example:
        >>> is_short_form("NEA"), is_short_form("2025"), is_short_form("e.g.")
        (True, False, False)
    """
    return (
        2 <= len(candidate) <= 10
        and " " not in candidate
        and any(ch.isupper() for ch in candidate)
        and candidate[0].isalnum()
        and not candidate.isdigit()
        and candidate not in NOT_SHORT_FORMS
    )


def best_long_form(short_form: str, candidate: str) -> int | None:
    """Return where the long form starts inside ``candidate``, or None (Schwartz & Hearst, fig. 2).

    Walk both strings from the end: every character of the short form must be found in order,
    and the first one must start a word of the long form.

    Example:
        >>> text = "The National Energy Administration"
        >>> text[best_long_form("NEA", text):]
        'National Energy Administration'
    """
    short_index = len(short_form) - 1
    long_index = len(candidate) - 1
    while short_index >= 0:
        current = short_form[short_index].lower()
        if not current.isalnum():
            short_index -= 1
            continue
        while long_index >= 0 and (
            candidate[long_index].lower() != current
            or (short_index == 0 and long_index > 0 and candidate[long_index - 1].isalnum())
        ):
            long_index -= 1
        if long_index < 0:
            return None
        long_index -= 1
        short_index -= 1
    start = candidate.rfind(" ", 0, long_index + 1) + 1
    return start


def find_definitions(text: str) -> list[Definition]:
    """Every "long form (SHORT)" definition in ``text``.

    The long form is searched in at most min(|A| + 5, 2|A|) words before the parenthesis, as in
    the paper; it must start with a capital letter (names, not descriptions) and may not cross a
    line, a semicolon or a closing parenthesis.
    """
    definitions = []
    for match in _PAREN.finditer(text):
        short_form = match.group(1).strip()
        if not is_short_form(short_form):
            continue
        line_start = max(text.rfind("\n", 0, match.start()), text.rfind(";", 0, match.start()),
                         text.rfind(")", 0, match.start()), text.rfind(":", 0, match.start())) + 1
        before = text[line_start:match.start()].rstrip()
        words = list(_WORD.finditer(before))
        limit = min(len(short_form) + 5, 2 * len(short_form))
        window = words[-limit:]
        if not window:
            continue
        window_start = window[0].start()
        candidate = before[window_start:]
        start = best_long_form(short_form, candidate)
        if start is None:
            continue
        long_form = candidate[start:].strip(" ,\"'")
        if not long_form or not long_form[0].isupper() or long_form == short_form:
            continue
        if len(long_form.split()) < 2 and "-" not in long_form:
            continue
        long_start = line_start + window_start + start + (len(candidate[start:]) - len(candidate[start:].lstrip(" ,\"'")))
        definitions.append(
            Definition(long_start, long_start + len(long_form), match.start(1), match.start(1) + len(match.group(1)),
                       long_form, short_form)
        )
    return definitions
