"""Funding rounds told over several sentences: each investor named after a participant cue invests in the raiser.

"Acme raised a Series B round from state funds. Participants include A, B and C. Last year the
company raised a Series A led by D." The pair rules see one sentence at a time, so A, B and C,
which the round's sentence does not name, would be lost. Walking the sentences in order, the
firm that raises a round (its subject, or "the company" for the raiser before) is remembered;
a firm named in a later sentence after a participant cue ("participants include", "led by",
"also contributed capital") invests in it. Cues are data (`rules/funding.yml`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from extract.alternation import alternation
from extract.lexicon import load_rules


@lru_cache(maxsize=1)
def _rules() -> tuple[re.Pattern, re.Pattern, re.Pattern, re.Pattern, int]:
    rules = load_rules("funding.yml")
    raise_verb = re.compile(rf"(?<![\w-])(?:{alternation(rules['raise_verbs'], fold_case=True)})(?![\w-])", re.IGNORECASE)
    round_word = re.compile(rf"(?<![\w-])(?:{alternation(rules['round_words'], fold_case=True)})(?![\w-])", re.IGNORECASE)
    cue = re.compile(rf"(?<![\w-])(?:{alternation(rules['participant_cues'], fold_case=True)})(?![\w-])", re.IGNORECASE)
    anaphor = re.compile(rf"^\W{{0,3}}(?:[\w ,]{{0,40}}, )?(?:{alternation(rules['anaphors'], fold_case=True)})\b", re.IGNORECASE)
    return raise_verb, round_word, cue, anaphor, int(rules["reach"])


def funding_relations(text: str, sentences, mentions) -> list[tuple[str, str, int, int]]:
    """(investor key, raiser key, sentence start, sentence end) for every investor a round names."""
    if "round" not in text and "financing" not in text and "funding" not in text and "tranche" not in text:
        return []
    raise_verb, round_word, cue, anaphor, reach = _rules()
    firms = [m for m in mentions if m.label == "Firm"]  # in text order
    found, raiser, since = [], None, reach + 1
    index = 0
    for start, end in sentences:
        here = []
        while index < len(firms) and firms[index].start < end:
            if firms[index].start >= start:
                here.append(firms[index])
            index += 1
        sentence = text[start:end]
        verb = raise_verb.search(sentence)
        if verb and round_word.search(sentence, verb.end()):
            subjects = [m for m in here if m.end - start <= verb.start()]
            if subjects:
                raiser = subjects[-1].key  # the firm right before the verb: "Acme, a Chinese AI platform, has raised"
            elif raiser is None or not anaphor.search(sentence[:verb.start()]):
                raiser = None
            since = 0
            first_cue = cue.search(sentence, verb.end())
        else:
            since += 1
            first_cue = cue.search(sentence)
        if raiser is None or since > reach or first_cue is None:
            continue
        for mention in here:
            if mention.key == raiser:
                continue
            after_cue = mention.start - start >= first_cue.start()  # "... led by A and B", "participants include A, B"
            listed_before = since > 0 and _cue_follows_list(sentence, mention.end - start, first_cue.start())  # "A and B also invested"
            if after_cue or listed_before:
                found.append((mention.key, raiser, start, end))
    return found


def _cue_follows_list(sentence: str, mention_end: int, cue_start: int) -> bool:
    """A subject list before the cue: "A, B and C also contributed capital" (only commas, "and" and names between)."""
    if mention_end > cue_start:
        return False
    between = sentence[mention_end:cue_start]
    return len(between) < 120 and not re.search(r"[.;:]|\b(?:said|says|but|while|which|who)\b", between)
