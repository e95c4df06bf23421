"""Complete lists of sectors: unknown items in a list of known sectors are sectors too.

Briefings name target sectors in enumerations ("lithium batteries, sodium batteries, flow
batteries, supercapacitors and flywheel energy storage"; "sectors such as home appliances,
leather, papermaking and bicycles"). No taxonomy lists every narrow field, but a list whose
items are mostly known sectors, or that follows a cue such as "sectors such as", tells us what
its other items are. Lists are read from plain text and the alias-table matches already found,
so the rule is the same for every briefing; its word lists live in ``rules/names.yml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from extract.lexicon import load_rules

_ITEM_WORD = re.compile(r"^[a-z][a-z\-]*[a-z]$|^[a-z]$")
_CHUNK_END = re.compile(r"\s*(?:\(|\)|;|:|\.(?:\s|$)|\s-\s|\s–\s|$)")


@dataclass(frozen=True)
class ListItem:
    """One item of an enumeration, with its offsets in the text."""

    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def _words() -> tuple[frozenset[str], re.Pattern]:
    rules = load_rules("names.yml")["enumerations"]
    cue = "|".join(re.escape(c) for c in sorted(rules["cues"], key=len, reverse=True))
    return frozenset(rules["stop_words"]), re.compile(rf"(?:{cue})\s*:?\s*$", re.IGNORECASE)


def _clean_words(words: list[str], stop: frozenset[str], inner_and: bool) -> bool:
    if not 1 <= len(words) <= 5:
        return False
    for position, word in enumerate(words):
        if word == "and" and inner_and and 0 < position < len(words) - 1:
            continue
        if word in stop or not _ITEM_WORD.match(word):
            return False
    return True


def _tail(chunk: str, offset: int, stop: frozenset[str]) -> ListItem | None:
    """The item that ends a chunk: the run of clean words after the last stop word or colon."""
    head = re.split(r"[:;(]", chunk)[-1]
    base = offset + len(chunk) - len(head)
    words = head.split(" ")
    kept: list[str] = []
    for word in reversed(words):
        if not word or word in stop or not _ITEM_WORD.match(word) or len(kept) == 4:
            break
        kept.insert(0, word)
    if not kept:
        return None
    text = " ".join(kept)
    start = base + len(head) - len(text)
    return ListItem(start, start + len(text), text)


def _head(chunk: str, offset: int, stop: frozenset[str]) -> list[ListItem]:
    """The item(s) that open the last chunk: "and refining, as well as" gives "refining"."""
    match = re.match(r"(?:and|or) ", chunk)
    lead = match.end() if match else 0
    body = chunk[lead:]
    body = body[:_CHUNK_END.search(body).start()]
    words = body.split(" ")
    kept: list[str] = []
    for word in words:
        if word in stop and word != "and" or not _ITEM_WORD.match(word):
            break
        kept.append(word)
    while kept and kept[-1] == "and":
        kept.pop()
    text = " ".join(kept)
    if not text:
        return []
    start = offset + lead
    if not lead and " and " in text:  # "synthetic methanol and refining": the list's own "and"
        first, second = text.split(" and ", 1)
        return [ListItem(start, start + len(first), first),
                ListItem(start + len(first) + 5, start + len(text), second)]
    return [ListItem(start, start + len(text), text)] if _clean_words(kept, stop, inner_and=True) else []


def enumerations(sentence: str, offset: int = 0) -> list[tuple[list[ListItem], bool]]:
    """Every comma-separated list in a sentence, with whether a sector cue introduces it.

    >>> [[i.text for i in items] for items, _ in enumerations("It covers metallurgy, synthetic ammonia and refining.")]
    [['metallurgy', 'synthetic ammonia', 'refining']]
    """
    stop, cue = _words()
    chunks, position = [], 0
    for piece in sentence.split(", "):
        chunks.append((piece, offset + position))
        position += len(piece) + 2
    found = []
    index = 0
    while index < len(chunks) - 1:
        first = _tail(*chunks[index], stop)
        if first is None:
            index += 1
            continue
        items, cursor = [first], index + 1
        while cursor < len(chunks):
            chunk, chunk_offset = chunks[cursor]
            words = chunk.split(" ")
            next_is_item = cursor + 1 < len(chunks) and bool(_head(*chunks[cursor + 1], stop))
            if not chunk.startswith(("and ", "or ")) and next_is_item and _clean_words(words, stop, inner_and=True):
                items.append(ListItem(chunk_offset, chunk_offset + len(chunk), chunk))
                cursor += 1
                continue
            items.extend(_head(chunk, chunk_offset, stop))
            break
        if len(items) >= 2:
            before = sentence[: first.start - offset]
            found.append((items, bool(cue.search(before))))
        index = cursor + 1 if cursor > index else index + 1
    return found


def enumerated_sectors(sentence: str, offset: int, known: list[tuple[int, int]]) -> list[ListItem]:
    """Items of a sector list that no alias table covers: candidates for new sectors.

    A list qualifies when at least two of its items are exactly known sectors, or one is and a
    cue ("sectors such as", "industries:") introduces it. An item that only contains a known
    sector ("flow batteries" holds "batteries") is a new, narrower one.

    >>> text = "in sectors such as home appliances, leather, papermaking and bicycles"
    >>> [i.text for i in enumerated_sectors(text, 0, [(19, 34)])]
    ['leather', 'papermaking', 'bicycles']
    """
    heads = _heads()
    new = []
    for items, cued in enumerations(sentence, offset):
        items = [_strip_head(item, heads) for item in items]
        covered = [i for i in items if any(a <= i.start and i.end <= b for a, b in known)]
        if len(covered) >= 2 or covered and cued:
            new.extend(i for i in items if i not in covered and i.text)
    return new


def _strip_head(item: ListItem, heads: frozenset[str]) -> ListItem:
    """ "services and biomedical sectors": the last item's "sectors" names the list, not the item."""
    words = item.text.split(" ")
    if len(words) > 1 and words[-1] in heads:
        text = " ".join(words[:-1])
        return ListItem(item.start, item.start + len(text), text)
    return item


@lru_cache(maxsize=1)
def _heads() -> frozenset[str]:
    return frozenset(load_rules("names.yml")["enumerations"]["list_heads"])
