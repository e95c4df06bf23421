"""Word lists as regular-expression alternations shaped as a trie.

Python's regex engine tries the branches of an alternation one by one at every position it
scans: ``\\b(?:maker|manufacturer|company|...)`` costs one attempt per word at each letter of a
briefing. Factored by shared prefixes (``ma(?:ker|nufacturer)|company|...``) it reads a letter
once and drops every word that cannot follow, which halves the scan of the long word lists in
``rules/*.yml``.

The result matches exactly what the plain alternation with the longest word first matches, with
the same preference among words that match at one position: words that start alike are tried
longest first (a greedy optional tail), and words that differ in a letter cannot both match.
That is why a case-insensitive pattern asks for ``fold_case``: its branches must differ in their
lower case, not only in their case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def alternation(words: Iterable[str], fold_case: bool = False) -> str:
    """A regex (no group around it) that matches any of ``words``, the longest word first.

    ``fold_case`` builds it from the words' lower case, for patterns compiled with
    ``re.IGNORECASE`` (where "Plan" and "plan" are one branch).

    >>> alternation(["maker", "makers", "manufacturer", "firm"])
    '(?:firm|ma(?:ker(?:s)?|nufacturer))'
    >>> re.fullmatch(alternation(["a", "ab"]), "ab") is not None
    True
    """
    trie: dict = {}
    for word in {w.lower() if fold_case else w for w in words}:
        if not word:
            continue
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here
    return _branches(trie) if trie else "(?!)"


def _branches(node: dict) -> str:
    """The alternation below one trie node: its children in one group (letters in a fixed order,
    so the pattern is the same in every process)."""
    parts = []
    for char in sorted(c for c in node if c):
        child = node[char]
        tail = _branches(child) if any(c for c in child) else ""
        if "" in child and tail:
            tail = f"(?:{tail})?"  # the longer words first, then the one that ends here
        parts.append(re.escape(char) + tail)
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
