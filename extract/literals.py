"""What a regular expression needs of a text, read from the expression itself, to skip work.

The pair rules of `rules/relations.yml` each try the words between two entities, and nearly all
of those tries fail: "agreed to acquire" holds none of "merge", "licen" or "subsidiar". A failed
regex match still costs its call and a walk over the text, once per rule and pair. Each rule's
pattern names literal text any match must contain ("acqui", "buy", "bought", ... for a purchase
rule); one scan of the words between a pair finds which of those literals occur, and only the
rules whose literals occur (or that need none) are tried (`LiteralFilter`; `Gated` does the same
for one pattern). Which rules match does not change: a rule is skipped only when a literal its
every match contains is absent.

Case-insensitive matching folds every character it reads: a pattern that names no upper-case
letter finds the same in ASCII text in lower case without folding, twice as fast
(`lower_case_twin`, `CaseFolded`).

The literals come from Python's own parse of the pattern (``re._parser``), so they follow the
rule files as they change. Anything the reading does not know (a look-around, a character class,
a back reference) counts as needing nothing: a rule is then always tried.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from re import _parser as sre_parse  # the parse `re.compile` itself uses
from re._constants import (
    ANY,
    ASSERT,
    ASSERT_NOT,
    AT,
    ATOMIC_GROUP,
    BRANCH,
    CATEGORY,
    GROUPREF,
    IN,
    LITERAL,
    MAX_REPEAT,
    MIN_REPEAT,
    NEGATE,
    NOT_LITERAL,
    POSSESSIVE_REPEAT,
    RANGE,
    SUBPATTERN,
)

from extract.alternation import alternation

_SHORTEST = 3  # literals shorter than this occur in nearly every text: no use as a filter
_MOST = 12  # a rule needing one of more literals than this is always tried
_CAPPED = 5  # literals this long are all rare enough: fewer alternatives count more than more letters

Condition = frozenset  # every match contains one of these literals (lower case)


def required_literals(pattern: re.Pattern) -> frozenset[str]:
    """Lower-case literals one of which every match of ``pattern`` contains; empty when none is known.

    >>> sorted(required_literals(re.compile(r"\\s(?:merge|merges|merged) with\\s", re.I)))
    [' with']
    """
    best = _best(_sequence(sre_parse.parse(pattern.pattern, pattern.flags)))
    return best if best is not None and len(best) <= _MOST else frozenset()


def _sequence(items) -> list[Condition]:
    """The conditions a run of parsed items imposes: each must hold; runs of letters are literals."""
    conditions: list[Condition] = []
    run: list[str] = []
    for op, value in items:
        if op is LITERAL and value < 128:  # ASCII only: other characters fold case in ways lower() does not
            run.append(chr(value).lower())
            continue
        if run:
            conditions.append(frozenset({"".join(run)}))
            run = []
        conditions.extend(_node(op, value))
    if run:
        conditions.append(frozenset({"".join(run)}))
    return [c for c in conditions if min(map(len, c)) >= _SHORTEST]


def _node(op, value) -> list[Condition]:
    """The conditions of one parsed item that is not a literal character."""
    if op is SUBPATTERN:
        return _sequence(value[-1])
    if op is ATOMIC_GROUP:
        return _sequence(value)
    if op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT):
        least, _, body = value
        return _sequence(body) if least >= 1 else []
    if op is BRANCH:
        branches = [_sequence(branch) for branch in value[1]]
        return [] if any(not b for b in branches) else [_cover(branches)]
    return []


def _best(conditions: list[Condition]) -> Condition | None:
    """The condition that rules out the most: long literals, then few of them."""
    return min(conditions, key=lambda c: (-min(min(map(len, c)), _CAPPED), len(c), sorted(c)), default=None)


def _substrings(literal: str) -> set[str]:
    return {literal[i:j] for i in range(len(literal)) for j in range(i + _SHORTEST, len(literal) + 1)}


def _cover(branches: list[list[Condition]]) -> Condition:
    """Literals such that each branch's match holds one: a text part shared by several branches
    stands for all of them ("merge with", "merger with" -> " with"); a literal's part is as
    necessary as the literal."""
    parts = [set().union(*(_substrings(next(iter(c))) for c in conditions if len(c) == 1)) for conditions in branches]
    chosen: set[str] = set()
    left = list(range(len(branches)))
    while left:
        counts: dict[str, int] = {}
        for index in left:
            for part in parts[index]:
                counts[part] = counts.get(part, 0) + 1
        if counts:
            part = max(sorted(counts), key=lambda p: (counts[p], min(len(p), _CAPPED), -len(p)))
            if counts[part] > 1 or not any(len(c) > 1 for index in left for c in branches[index]):
                chosen.add(part)
                left = [index for index in left if part not in parts[index]]
                continue
        chosen |= _best(branches[left.pop(0)])
    return frozenset(chosen)


def lower_case_twin(pattern: re.Pattern) -> re.Pattern | None:
    """The case-insensitive ``pattern`` made case-sensitive, for ASCII text in lower case: it matches
    there where ``pattern`` matches in the text, twice as fast (case-insensitive matching folds
    every character it reads). None when the pattern names an upper-case or non-ASCII letter, or
    switches case-sensitivity inside: then the two could differ.

    >>> lower_case_twin(re.compile(r"\\bby\\s", re.I)).pattern
    '\\\\bby\\\\s'
    """
    if not pattern.flags & re.IGNORECASE or not _folds(sre_parse.parse(pattern.pattern, pattern.flags)):
        return None
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


class CaseFolded:
    """A case-insensitive pattern asked only whether it occurs in a text: in ASCII text its
    lower-case twin (`lower_case_twin`), if it has one, searches the text in lower case."""

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern
        self.lower_case = lower_case_twin(pattern)

    def occurs(self, text: str) -> bool:
        return self.search(text) is not None

    def search(self, text: str) -> re.Match | None:
        """The first match, at the place ``pattern`` finds it; its groups may hold the text in lower case."""
        if self.lower_case is not None and text.isascii():
            return self.lower_case.search(text.lower())
        return self.pattern.search(text)


def _folds(items) -> bool:
    """Whether parsed items read the same in lower-case ASCII text with or without case folding."""
    for op, value in items:
        if op in (LITERAL, NOT_LITERAL):
            ok = _lower_ascii(value)
        elif op is IN:
            ok = all(_folds_in(item_op, item_value) for item_op, item_value in value)
        elif op is SUBPATTERN:
            _, add_flags, del_flags, body = value
            ok = not (add_flags | del_flags) & re.IGNORECASE and _folds(body)
        elif op is BRANCH:
            ok = all(_folds(branch) for branch in value[1])
        elif op in (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT):
            ok = _folds(value[2])
        elif op in (ASSERT, ASSERT_NOT):
            ok = _folds(value[1])
        elif op is ATOMIC_GROUP:
            ok = _folds(value)
        else:
            ok = op in (ANY, AT, GROUPREF)  # a back reference repeats text already read
        if not ok:
            return False
    return True


def _folds_in(op, value) -> bool:
    if op in (LITERAL, NOT_LITERAL):
        return _lower_ascii(value)
    if op is RANGE:
        low, high = value
        if low <= ord("Z") and high >= ord("A"):
            return False
        return high < 128 or _no_ascii_fold(f"[{re.escape(chr(low))}-{re.escape(chr(high))}]")
    return op in (CATEGORY, NEGATE)


def _lower_ascii(code: int) -> bool:
    """Whether a character reads alike in both: an ASCII one that is not upper case, or another
    that matches no ASCII character even folded ("’" does, the Kelvin sign does not)."""
    if code < 128:
        return not chr(code).isupper()
    return _no_ascii_fold(re.escape(chr(code)))


def _no_ascii_fold(piece: str) -> bool:
    folded = re.compile(piece, re.IGNORECASE)
    return not any(folded.fullmatch(chr(code)) for code in range(128))


class Gated:
    """A pattern searched only in texts holding one of the literals its every match holds
    (`required_literals`): a few substring tests cost less than the search, and most texts it is
    asked about hold none of them. Only ``search`` is offered."""

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern
        self.literals = tuple(sorted(required_literals(pattern)))

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match | None:
        end = len(text) if endpos is None else endpos
        if self.literals:
            window = text[pos:end]  # a match lies inside it, and so its literal
            if window.isascii():  # lower() of other text may differ from case folding
                lower_case = window.lower()
                if not any(literal in lower_case for literal in self.literals):
                    return None
        return self.pattern.search(text, pos, end)


class LiteralFilter:
    """Items (rules) with their patterns; `possible` keeps those whose patterns a text allows: the
    text holds one of the literals a pattern needs (`required_literals`), or it needs none.

    The literals of all items are searched as one alternation. No literal contains another (a
    longer one is replaced by the shorter one it contains, as necessary as itself), so at most one
    starts at any position, and a search from the character after each occurrence finds every
    occurrence, overlapping ones too.
    """

    def __init__(self, items: Sequence, patterns: Sequence[re.Pattern]):
        needs = [required_literals(pattern) for pattern in patterns]
        literals = sorted({literal for need in needs for literal in need}, key=len)
        shortest: dict[str, str] = {}  # literal -> the shortest literal it contains
        for literal in literals:
            shortest[literal] = next((s for s in literals if len(s) < len(literal) and s in literal), literal)
        self.items = tuple(items)
        needs = [frozenset(shortest[literal] for literal in need) for need in needs]
        self.always = tuple(item for item, need in zip(self.items, needs, strict=True) if not need)
        self.always_numbers = frozenset(number for number, need in enumerate(needs) if not need)
        kept = {literal for need in needs for literal in need}
        # literal -> the numbers of the items one of whose literals it is
        self.numbers = {literal: [number for number, need in enumerate(needs) if literal in need] for literal in kept}
        self.finder = re.compile(alternation(kept)) if kept else None

    def _found(self, text: str) -> set[str]:
        """The literals that occur in ``text``."""
        found = set()
        search = self.finder.search
        match = search(text)
        while match:
            found.add(match.group())
            match = search(text, match.start() + 1)
        return found

    def possible(self, lower_case: str | None) -> tuple:
        """The items, in their order, that a text may match: those whose literals occur in it.

        ``lower_case`` is the text in lower case, or None if it is not ASCII (lower() of other text
        may differ from case folding): then every item may match."""
        if self.finder is None or lower_case is None:
            return self.items
        found = self._found(lower_case)
        if not found:
            return self.always
        chosen = set(self.always_numbers)
        for literal in found:
            chosen.update(self.numbers[literal])
        return tuple(self.items[number] for number in sorted(chosen))
