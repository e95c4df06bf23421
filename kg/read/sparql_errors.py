"""SPARQL syntax errors a newcomer can act on: where, near what, and the likely fix, in one line.

The engine's own message lists every character range the grammar would have accepted (a
screenful of Unicode ranges), and says "expected CONSTRUCT" for an update. This keeps its
position and the tokens it expected, names the word at that position, and adds a hint for
the common slips: an undeclared prefix, a bare class or relation name, an update sent to a
read-only graph.
"""

from __future__ import annotations

import re

from kg.model.terms import CLASSES, RELATIONS

_POSITION = re.compile(r"error at (\d+):(\d+)")
_QUOTED = re.compile(r'"([^"]{1,20})"')
_UPDATE = re.compile(r"^\s*(?:(?:PREFIX|BASE)\b[^\n]*\n\s*)*(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE)
_PREFIXED = re.compile(r"(?<![\w:?$<])([A-Za-z][\w-]{0,40})?:(?=[A-Za-z_])")
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w-]*)?:", re.IGNORECASE)
_FORM = re.compile(r"^\s*(?:(?:PREFIX\s+[\w-]*:\s*<[^>]*>|BASE\s*<[^>]*>|#[^\n]*)\s*)*([A-Za-z]\w{0,30})")
_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
_TERMS = {name.lower(): f"cikg:{name}" for name in (*CLASSES, *RELATIONS, "Evidence", "Briefing")}


def _word_at(query: str, line: int, column: int) -> str:
    lines = query.splitlines() or [""]
    text = lines[min(max(line, 1), len(lines)) - 1]
    start = min(max(column - 1, 0), len(text))
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    match = re.match(r"[^\s{}()]{1,60}", text[start:])
    return match.group() if match else ""


def explain(query: str, message: str, declared: set[str]) -> str:
    """One line for a syntax error ``message`` of ``query``; ``declared`` holds the predeclared prefixes.

    >>> explain("SELECT ?x WHERE { ?x a Firm }", "error at 1:28: expected one of \\".\\", \\":\\"", {"cikg"})
    "SPARQL syntax error at line 1, column 28 near 'Firm': expected one of '.' ':'. Did you mean cikg:Firm?"
    """
    update = _UPDATE.match(query)
    if update:
        return f"This graph is read-only: {update.group(1).upper()} and other updates are refused; use SELECT, ASK, CONSTRUCT or DESCRIBE."
    form = _FORM.match(query)
    if form and form.group(1).upper() not in _FORMS:
        return (f"SPARQL syntax error: a query starts with SELECT, ASK, CONSTRUCT or DESCRIBE (after any PREFIX lines), "
                f"not {form.group(1)!r}.")
    position = _POSITION.search(message)
    if not position:
        return f"SPARQL syntax error: {' '.join(message.split())[:200]}"
    line, column = int(position.group(1)), int(position.group(2))
    word = _word_at(query, line, column)
    expected = list(dict.fromkeys(_QUOTED.findall(message)))[:6]
    text = f"SPARQL syntax error at line {line}, column {column}" + (f" near {word!r}" if word else "")
    if expected:
        text += ": expected one of " + " ".join(repr(token) for token in expected)
    known = declared | {name.lower() for name in _DECLARED.findall(query)}
    undeclared = sorted({prefix for prefix in _PREFIXED.findall(query) if prefix.lower() not in known})
    if "Prefix not found" in message and undeclared:
        prefix = undeclared[0]
        hint = f"Undeclared prefix {prefix}: declare it with PREFIX {prefix}: <…>, or use one of {', '.join(sorted(declared))}"
    elif word.strip(".;,").lower() in _TERMS:
        hint = f"Did you mean {_TERMS[word.strip('.;,').lower()]}?"
    else:
        hint = ""
    return f"{text}. {hint}" if hint else f"{text}."
