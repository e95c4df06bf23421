"""The literal filter and the lower-case twins skip only what could not match (extract/literals.py)."""

from __future__ import annotations

import random
import re

from extract.literals import CaseFolded, LiteralFilter, lower_case_twin, required_literals
from extract.relations import _by_labels, load_pair_rules

# words the pair rules are made of, and others: random texts between two entities
_WORDS = ["with", "within", "partner", "partnered", "acquire", "acquired", "bought", "stake", "in", "of", "by", "the",
          "a", "its", "merge", "merger", "licensed", "rights", "to", "from", "invest", "invests", "fund", "backed",
          "owned", "subsidiary", "unit", "parent", "and", ",", "'s", "’s", "JV", "MoU", "Series", "B", "round", "led",
          "supplier", "customer", "plant", "in-licensed", "Kestrel", "agreed", "signed", "jointly", "x", "ſ", "K"]


def _texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        words = [rng.choice(_WORDS) for _ in range(rng.randint(0, 9))]
        text = " " + " ".join(words) + rng.choice([" ", "", ", "])
        texts.append(text.upper() if rng.random() < 0.1 else text)
    return texts


def test_required_literals_of_simple_patterns():
    assert required_literals(re.compile(r"\s(?:merge|merges|merged) with\s", re.I)) == frozenset({" with"})
    assert required_literals(re.compile(r"\s(?:[\w\-]+\s){0,4}")) == frozenset()  # nothing literal
    # longer literals rule out more texts: two of five letters rather than one of three
    assert required_literals(re.compile(r"(?:acquired|bought) by", re.I)) == frozenset({"acqui", "bough"})
    assert required_literals(re.compile(r"(?:partner)?\s+x")) == frozenset()  # an optional part needs nothing


def test_filter_never_drops_a_rule_that_matches():
    rules = load_pair_rules()
    filters = _by_labels(rules)
    texts = _texts(4000, 11) + [rule.example for rule in rules]
    for labels, rule_filter in filters.items():
        for text in texts:
            lower_case = text.lower() if text.isascii() else None
            possible = rule_filter.possible(lower_case)
            for rule in rule_filter.items:
                if rule.between.fullmatch(text):
                    assert rule in possible, (labels, rule.id, text)


def test_filter_finds_overlapping_literals():
    patterns = [re.compile(r".*with.*"), re.compile(r".*thin.*"), re.compile(r".*")]
    rule_filter = LiteralFilter(["a", "b", "c"], patterns)
    assert rule_filter.possible("within") == ("a", "b", "c")
    assert rule_filter.possible("thin ice") == ("b", "c")
    assert rule_filter.possible("nothing") == ("b", "c")  # "nothing" holds "thin"
    assert rule_filter.possible("none") == ("c",)
    assert rule_filter.possible(None) == ("a", "b", "c")  # not ASCII: every rule


def test_lower_case_twins_match_alike():
    patterns = [rule.between for rule in load_pair_rules()]
    twins = [(pattern, lower_case_twin(pattern)) for pattern in patterns]
    assert sum(twin is not None for _, twin in twins) > len(twins) // 2
    for text in _texts(3000, 12):
        if not text.isascii():
            continue
        for pattern, twin in twins:
            if twin is not None:
                expected = pattern.fullmatch(text)
                found = twin.fullmatch(text.lower())
                assert (expected and expected.span()) == (found and found.span()), (pattern.pattern, text)


def test_no_twin_where_case_matters():
    assert lower_case_twin(re.compile(r"\bJV\b", re.I)) is None
    assert lower_case_twin(re.compile(r"[A-Z]\w+", re.I)) is None
    assert lower_case_twin(re.compile(r"(?-i:a)b", re.I)) is None
    assert lower_case_twin(re.compile("\u212a", re.I)) is None  # the Kelvin sign folds to "k"
    assert lower_case_twin(re.compile(r"plan")) is None  # not case-insensitive: nothing to gain
    assert lower_case_twin(re.compile(r"(?<!\w)’s (?:plan|law)(?=\s)", re.I)) is not None


def test_case_folded_occurs_as_search_finds():
    folded = CaseFolded(re.compile(r"\b(?:using|by|apply\w*)\b[^.;:]{0,20}$", re.I))
    for text in ["Using AI", "BY ", "applying the", "nearby", "by x. y", "Some by"] + _texts(500, 13):
        assert folded.occurs(text) == bool(folded.pattern.search(text)), text
