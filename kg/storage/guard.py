"""Refuse SPARQL that must never reach the engine: federated queries and absurd nesting.

pyoxigraph evaluates ``SERVICE`` by fetching the URL it names, so an endpoint that runs it is
an open proxy into the machine's network; and a query nested a few thousand groups deep
overflows the engine's stack and kills the process without a word. Both are decided on the
query's tokens, with strings, IRIs and comments blanked out first, so a label or a comment
that mentions SERVICE or holds braces is never refused.
"""

from __future__ import annotations

import re

from kg.errors import QueryError

MAX_NESTING = 64  # groups, brackets and parentheses inside each other; real queries stay under 15

_NOT_CODE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'  # long strings first, so '"""' is not read as an empty string
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'  # IRIREF; a bare "<" is the less-than operator
    r"|#[^\n]*",
    re.DOTALL,
)
_SERVICE = re.compile(r"(?<![\w:?$.-])SERVICE(?![\w:.-])", re.IGNORECASE)
_OPEN, _CLOSE = "{([", "})]"


def code_only(query: str) -> str:
    """The query with every string, IRI and comment replaced by spaces of the same length.

    >>> code_only('SELECT ?s { ?s rdfs:label "a { b" } # SERVICE')
    'SELECT ?s { ?s rdfs:label         }          '
    """
    return _NOT_CODE.sub(lambda match: " " * len(match.group()), query)


def nesting_depth(code: str) -> int:
    """How deep groups, brackets and parentheses go in ``code`` (strings already blanked).

    >>> nesting_depth("SELECT * { { ?s ?p ?o FILTER(?o > (1 + 2)) } }")
    4
    """
    depth = deepest = 0
    for character in code:
        if character in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif character in _CLOSE:
            depth -= 1
    return deepest


def check_query(query: str) -> None:
    """Raise `QueryError` for a federated query or one nested past `MAX_NESTING`."""
    code = code_only(query)
    if _SERVICE.search(code):
        raise QueryError("Federated queries (SERVICE) are refused: this graph never fetches other endpoints. "
                         "Run the remote part on its own endpoint.")
    depth = nesting_depth(code)
    if depth > MAX_NESTING:
        raise QueryError(f"Query refused: it nests groups {depth} deep, more than the {MAX_NESTING} allowed.")
