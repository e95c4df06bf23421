"""Sectors that no alias table lists: items of sector lists and narrowed known sectors.

Briefings name target sectors in enumerations ("lithium batteries, sodium batteries, flow
batteries, supercapacitors and flywheel energy storage"; "sectors such as home appliances,
leather, papermaking and bicycles"). No taxonomy lists every narrow field, but a list whose
items are mostly known sectors, or that follows a cue such as "sectors such as", tells us what
its other items are. A known sector behind a narrowing modifier ("smart aquaculture",
"high-tech textiles") is a narrower sector of its own, and a list that shares its opening
word ("chip design, manufacturing and packaging") names "chip manufacturing" and "chip
packaging". Lists are read from plain text and the alias-table matches already found, so the
rule is the same for every briefing; its word lists live in ``rules/sectors.yml``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from extract.alternation import alternation
from extract.lexicon import load_known_entities, load_rules

_ITEM_WORD = re.compile(r"^[a-z][a-z\-]*[a-z]$|^[a-z]$")
_WORD_BREAK = re.compile(r"[ /]")
# "fast-charging, zero-fume trucks", "fast-charging/battery-swapping buses": two hyphenated modifiers share a head
_SHARED_HEAD = re.compile(r"(?<![\w\-])(?P<a>[a-z]+(?:-[a-z]+){1,2})(?:, |/| and | or )(?P<b>[a-z]+(?:-[a-z]+){1,2}) ")
_CAPITALISED = re.compile(r"^[A-Z][a-z\-]*$")
_CHUNK_END = re.compile(r"\s*(?:\(|\)|;|:|\.(?:\s|$)|\s-\s|\s–\s|$)")
_MAX_ITEM_WORDS = 5


class ListItem(NamedTuple):
    """One item of an enumeration, with its offsets in the text.

    ``text`` is the item's name; it differs from the text at the offsets only for an elided item
    ("manufacturing" in "chip design, manufacturing and packaging" is "chip manufacturing").
    A named tuple: lists are read in every sentence, and a frozen dataclass is slower to build.
    """

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class _Rules:
    stop: frozenset[str]
    cue: re.Pattern
    strong: re.Pattern
    heads: frozenset[str]
    trailing: re.Pattern
    item_stop_heads: frozenset[str]
    item_stop_words: frozenset[str]
    activities: frozenset[str]
    modifiers: frozenset[str]
    goes_on: re.Pattern
    suffix: re.Pattern
    not_heads: frozenset[str]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    rules = load_rules("sectors.yml")
    lists = rules["enumerations"]
    modifiers = rules["sector_modifiers"]
    return _Rules(
        stop=frozenset(lists["stop_words"]),
        cue=re.compile(rf"(?:{alternation(lists['cues'], fold_case=True)})\s*:?\s*$", re.IGNORECASE),
        strong=re.compile(rf"\b(?:{alternation(lists['strong_cues'], fold_case=True)})\s*:?\s*$", re.IGNORECASE),
        heads=frozenset(lists["list_heads"]),
        # at most six words between the list and the noun that names it
        trailing=re.compile(rf"^(?: [a-z][a-z\-]{{0,20}}){{0,6}} (?:{alternation(lists['trailing_heads'])})\b"),
        item_stop_heads=frozenset(lists["item_stop_heads"]),
        item_stop_words=frozenset(lists["item_stop_words"]),
        activities=frozenset(rules["elided_activities"]),
        modifiers=frozenset(w.lower() for w in modifiers["words"]),
        # the phrase goes on when a lower-case word that is not a follower comes next
        goes_on=re.compile(rf" (?!(?:{alternation(modifiers['followers'])})\b)[a-z]"),
        suffix=re.compile(rf" (?:{alternation(rules['sector_suffixes'])})\b"),
        not_heads=frozenset(modifiers["not_heads"]),
    )


def _clean_words(words: list[str], stop: frozenset[str], inner_and: bool) -> bool:
    if not 1 <= len(words) <= _MAX_ITEM_WORDS:
        return False
    for position, word in enumerate(words):
        if word == "and" and inner_and and 0 < position < len(words) - 1:
            continue
        if word in stop or not _ITEM_WORD.match(word):
            return False
    return True


def _tail(chunk: str, offset: int, stop: frozenset[str], opens_sentence: bool = False) -> ListItem | None:
    """The item that ends a chunk: the run of clean words after the last stop word or colon.

    The sentence's first word may be capitalised ("Kelp farming, drone racing and ...")."""
    head = chunk[max(chunk.rfind(":"), chunk.rfind(";"), chunk.rfind("(")) + 1:]  # after the last of them
    base = offset + len(chunk) - len(head)
    words = head.split(" ")
    kept: list[str] = []
    for position in range(len(words) - 1, -1, -1):
        word = words[position]
        if opens_sentence and position == 0 and len(head) == len(chunk) and _CAPITALISED.match(word):
            word = word.lower()
        if not word or word in stop or not _ITEM_WORD.match(word) or len(kept) == 4:
            break
        kept.insert(0, words[position])
    if not kept:
        return None
    text = " ".join(kept)
    start = base + len(head) - len(text)
    return ListItem(start, start + len(text), text)


def _head(chunk: str, offset: int, stop: frozenset[str]) -> list[ListItem]:
    """The item(s) that open the last chunk: "and refining, as well as" gives "refining"."""
    lead = 4 if chunk.startswith("and ") else 3 if chunk.startswith("or ") else 0
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


def _cue_strength(before: str, rules: _Rules) -> int:
    """2 when the words before a list name it as one of sectors ("fields such as"), 1 for a
    plain cue ("including"), 0 for none."""
    if rules.strong.search(before):
        return 2
    return 1 if rules.cue.search(before) else 0


_LAST_LISTS: list = [None, []]  # the last sentence read and its lists: the sector and elision rules read it in turn


def enumerations(sentence: str, offset: int = 0) -> list[tuple[list[ListItem], int]]:
    """Every comma-separated list in a sentence, with the strength of the cue that introduces it
    (see `_cue_strength`).

    >>> [[i.text for i in items] for items, _ in enumerations("It covers metallurgy, synthetic ammonia and refining.")]
    [['metallurgy', 'synthetic ammonia', 'refining']]
    """
    if ", " not in sentence:
        return []
    if _LAST_LISTS[0] != (sentence, offset):
        _LAST_LISTS[:] = [(sentence, offset), _enumerations(sentence, offset)]
    return list(_LAST_LISTS[1])


def _enumerations(sentence: str, offset: int) -> list[tuple[list[ListItem], int]]:
    rules = _rules()
    stop = rules.stop
    chunks, position = [], 0
    for piece in sentence.split(", "):
        chunks.append((piece, offset + position))
        position += len(piece) + 2
    heads: dict[int, list[ListItem]] = {}  # each chunk's opening items, read once: lists are tried from every chunk

    def head_of(number: int) -> list[ListItem]:
        if number not in heads:
            heads[number] = _head(*chunks[number], stop)
        return heads[number]

    found = []
    index = 0
    while index < len(chunks) - 1:
        first = _tail(*chunks[index], stop, opens_sentence=index == 0)
        if first is None:
            index += 1
            continue
        items, cursor = [first], index + 1
        while cursor < len(chunks):
            chunk, chunk_offset = chunks[cursor]
            words = chunk.split(" ")
            # the list goes on with this chunk when the next one opens with an item too; it ends at a
            # noun that names it ("the steel and aluminum sectors, expanding ...")
            if (not chunk.startswith(("and ", "or ")) and cursor + 1 < len(chunks) and head_of(cursor + 1)
                    and words[-1] not in rules.heads and _clean_words(words, stop, inner_and=True)):
                items.append(ListItem(chunk_offset, chunk_offset + len(chunk), chunk))
                cursor += 1
                continue
            items.extend(head_of(cursor))
            break
        if len(items) < 2:  # no list starts here; one may start in the next chunk ("..., including A, B and C")
            index += 1
            continue
        before = sentence[: first.start - offset]
        found.append((items, _cue_strength(before, rules)))
        index = cursor + 1 if cursor > index else index + 1
    return found


_ITEMS = r"(?P<a>[a-z][a-z\-]*(?: [a-z][a-z\-]*){0,3})(?: \([A-Za-z\-]{2,12}\))? (?:and|to) (?P<b>[a-z][a-z\-]*(?: [a-z][a-z\-]*){0,3})"
_CLAUSE_END = r"(?=\s*(?:[.;:(),]|\s-\s|$))"
# (pattern, cue strength, words one of which each match holds): a cue that names sectors itself, a
# plain cue, a range "from A to B"; substring tests for the words are far cheaper than the patterns
_PAIRS = (
    (re.compile(rf"\b(?:sectors|industries|fields|areas) (?:such as|like|including|include|includes|covering) {_ITEMS}{_CLAUSE_END}"), 2,
     ("sectors ", "industries ", "fields ", "areas ")),
    (re.compile(rf"(?<!sectors )(?<!industries )(?<!fields )(?<!areas )\b(?:such as|including|especially|particularly) "
                rf"{_ITEMS}{_CLAUSE_END}"), 1, ("such as ", "including ", "especially ", "particularly ")),
    (re.compile(rf"\bfrom {_ITEMS}{_CLAUSE_END}"), 1, ("from ",)),
)
_PAIR_WORDS = ("such as", "includ", "especially", "particularly", "from ")  # each pattern above needs one: most sentences hold none


def _cued_pairs(sentence: str, offset: int, rules: _Rules) -> list[tuple[list[ListItem], int]]:
    """Two items joined by "and" alone, right after a cue, and nothing after them but the end of
    the clause: "fields such as kelp farming and puppet theatre" (a cue that names them as
    sectors), "including marine chemistry and biomedicine" (a plain cue: one item must be
    known), "from drones to cargo airships" (a range: the same)."""
    found: list[tuple[list[ListItem], int]] = []
    if not any(word in sentence for word in _PAIR_WORDS):
        return found
    for pattern, strength, words in _PAIRS:
        if not any(word in sentence for word in words):
            continue
        for match in pattern.finditer(sentence):
            joined_by_to = sentence[match.end("a"):match.start("b")].endswith(" to ")
            if joined_by_to != (strength == 1 and match.group(0).startswith("from ")):
                continue  # "to" joins a range only; "and" everything else
            items = []
            for group in ("a", "b"):
                text = match.group(group)
                words = text.split(" ")
                if "and" in words or "to" in words or not _clean_words(words, rules.stop, inner_and=False):
                    break
                items.append(ListItem(offset + match.start(group), offset + match.end(group), text))
            if len(items) == 2:
                found.append((items, strength))
    return found


def _is_sector_like(item: ListItem, rules: _Rules) -> bool:
    words = item.text.split(" ")
    return bool(item.text) and words[-1] not in rules.item_stop_heads and not any(w in rules.item_stop_words for w in words)


def enumerated_sectors(sentence: str, offset: int, known: list[tuple[int, int]]) -> list[ListItem]:
    """Items of a sector list that no alias table covers, and known sectors narrowed by a
    modifier: candidates for new sectors.

    A list qualifies when at least two of its items are known sectors, or one is and a cue
    ("sectors such as", "including") introduces it or a noun ("... are among the selected
    sectors") names it after, or when a cue that names sectors itself ("fields such as")
    introduces it. An item that ends in a known sector ("flow batteries" holds "batteries",
    "marine tourism" holds "tourism") counts as known, and is a new, narrower sector.

    >>> text = "in sectors such as home appliances, leather, papermaking and bicycles"
    >>> [i.text for i in enumerated_sectors(text, 0, [(19, 34)])]
    ['leather', 'papermaking', 'bicycles']
    """
    rules = _rules()
    end_of_sentence = offset + len(sentence)
    known = _in_sentence(known, offset, end_of_sentence)
    new: list[ListItem] = []
    lists = enumerations(sentence, offset)
    lists.extend(_cued_pairs(sentence, offset, rules))
    if lists:
        new.extend(_list_sectors(sentence, offset, known, lists, rules))
    if known:
        new.extend(modified_sectors(sentence, offset, known))
    return list(dict.fromkeys(new))


def _list_sectors(sentence: str, offset: int, known: list[tuple[int, int]], lists: list[tuple[list[ListItem], int]],
                  rules: _Rules) -> list[ListItem]:
    """The new sectors of a sentence's lists (see `enumerated_sectors`); most sentences hold no
    list, so the tables of known spans below are built only for those that do."""
    new: list[ListItem] = []
    # a known span holds an item when one that starts at or before it reaches its end: the running
    # maximum of the ends answers that by bisection (a scan of every span for every item was quadratic)
    known_starts, reach, furthest = [a for a, _ in known], [], -1
    for _, b in known:
        furthest = max(furthest, b)
        reach.append(furthest)
    by_end: dict[int, list[int]] = {}
    for a, b in known:
        by_end.setdefault(b, []).append(a)
    for items, cue in lists:
        items = [_strip_head(item, rules.heads) for item in items if not _shares_first_word(item.text)]
        covered = set()
        for i in items:
            index = bisect_right(known_starts, i.start)
            if index and reach[index - 1] >= i.end:
                covered.add(i)
        heads = {}  # item -> the known sector that ends it, up to two words after its start
        for item in items:
            if item not in covered and _is_sector_like(item, rules):
                head = next((a for a in by_end.get(item.end, ()) if item.start < a
                             and item.text[:a - item.start].count(" ") <= 2), None)
                if head is not None:
                    heads[item] = sentence[head - offset:item.end - offset].lower()
        # items that narrow one and the same sector ("basic-level smart factories, pilot-level smart
        # factories") are tiers of one thing: they count once
        evidence = len(covered) + len(set(heads.values()))
        if evidence >= 2 or evidence and (cue or _named_after(sentence, items[-1].end - offset, rules)) or cue == 2 and len(items) >= 2:
            new.extend(i for i in items if i not in covered and _is_sector_like(i, rules))
    return new


_SHORT_LIST = 8  # known spans: a list this short is filtered directly (see `_in_sentence`)
_SORTED: list = [None, [], []]  # the last list of known spans seen, sorted, and its starts


def _in_sentence(known: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """The known spans inside one sentence. A caller may pass the same list for every sentence
    of a text: it is sorted once, and each sentence takes its share by bisection (a scan of every
    span for every sentence made long texts quadratic). A short list (the spans of one sentence,
    as `extract.entities` passes them) is read directly: setting up the bisection costs more."""
    if len(known) <= _SHORT_LIST:
        return [span for span in sorted(known) if start <= span[0] < end and span[1] <= end]
    if _SORTED[0] is not known:
        spans = sorted(known)
        _SORTED[:] = [known, spans, [a for a, _ in spans]]
    spans, starts = _SORTED[1], _SORTED[2]
    return [span for span in spans[bisect_left(starts, start):bisect_left(starts, end)] if span[1] <= end]


def _named_after(sentence: str, end: int, rules: _Rules) -> bool:
    """Whether a noun a few words after a list names it as one of sectors."""
    return bool(rules.trailing.match(sentence[end:end + 120]))


def modified_sectors(sentence: str, offset: int, known: list[tuple[int, int]]) -> list[ListItem]:
    """Known sectors narrowed by the words around them: a modifier before ("modern agriculture",
    "high-tech textiles"), another known sector before ("fuel cell trucks": "fuel cell" and
    "trucks") or an activity after ("ceramics processing").

    The phrase must end where the noun phrase ends: "smart textile mills" is none.

    >>> text = "It backs smart aquaculture and green finance."
    >>> [i.text for i in modified_sectors(text, 0, [(15, 26), (31, 44)])]
    ['smart aquaculture']
    """
    rules = _rules()
    found = []
    end_of_sentence = offset + len(sentence)
    spans = [(a, b) for a, b in known if offset <= a < b <= end_of_sentence]
    if len(spans) > 1:  # one span is its own longest: most sentences name one known sector
        spans = _longest(spans)
    ends = {b: a for a, b in spans}
    for start, end in spans:
        name = sentence[start - offset:end - offset]
        if name.lower() in rules.not_heads:
            continue
        item_start, item_end = start, end
        if start - 1 in ends and sentence[start - 1 - offset] == " " and name.count(" ") <= 1:
            item_start = ends[start - 1]  # "fuel cell" right before "trucks"; a long head stands alone
        elif start - offset >= 2 and sentence[start - 1 - offset] == " ":  # one or two modifiers right before
            taken = _modifiers_before(sentence, start - offset, rules.modifiers)
            if taken:
                item_start = start - sum(len(w) + 1 for w in taken)
        suffix = rules.suffix.match(sentence, end - offset)
        if suffix is not None and (end + 1) not in {a for a, _ in spans}:
            item_end = offset + suffix.end()
        if (item_start, item_end) == (start, end):
            continue
        if any(a < item_start < b for a, b in spans):  # the modifier is itself part of a known name
            continue
        if rules.goes_on.match(sentence, item_end - offset):  # "smart textile mills"
            continue
        found.append(ListItem(item_start, item_end, sentence[item_start - offset:item_end - offset]))
    return found


def _modifiers_before(sentence: str, position: int, modifiers: frozenset[str]) -> list[str]:
    """The one or two modifier words right before ``position`` (where a known sector starts, after
    a space), in text order. Most sectors have none: the last word alone is read first."""
    low = max(0, position - 40)
    window = sentence[low:position - 1]
    last = window[max(window.rfind(" "), window.rfind("/")) + 1:]
    if last.lower() not in modifiers:
        return []
    words = _WORD_BREAK.split(window)  # "fast-charging/battery-swapping buses" too
    usable = len(words) - (1 if low else 0)  # a word cut by the window is no word
    taken = 0
    while taken < min(2, usable) and words[-1 - taken].lower() in modifiers:
        taken += 1
    return words[len(words) - taken:] if taken else []


def _longest(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The known spans that no longer one overlaps (alias matches overlap before they are chosen)."""
    ordered = sorted(spans)
    if all(a[1] <= b[0] for a, b in zip(ordered, ordered[1:], strict=False)):
        return ordered  # none overlaps another (the usual case): each is its own longest
    kept: list[tuple[int, int]] = []  # sorted by start; kept spans never overlap
    starts: list[int] = []
    for span in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        index = bisect_left(starts, span[1])  # the kept spans that start before this one ends
        if index and kept[index - 1][1] > span[0]:
            continue
        starts.insert(index, span[0])
        kept.insert(index, span)
    return kept


def elided_items(sentence: str, offset: int = 0, known: list[tuple[int, int]] = ()) -> list[ListItem]:
    """Items whose words are shared with another: "chip design, manufacturing and packaging"
    gives "chip manufacturing" and "chip packaging" (offsets of the bare word), "smart
    agriculture and logistics" gives "smart logistics", "fast-charging, zero-fume trucks" gives
    "fast-charging trucks" (one of the two modifiers must be a known one).

    Only lists whose first item ends in an activity word ("design") and whose other items are
    activity words alone qualify, so "steel, cement and glass" is left alone. The shared words are
    those of a known sector that ends the first item ("integrated circuit design"), else the one
    word before the activity.

    >>> [i.text for i in elided_items("It backs chip design, manufacturing and packaging.")]
    ['chip manufacturing', 'chip packaging']
    >>> [i.text for i in elided_items("It backs robotics, biotech and smart agriculture and logistics.")]
    ['smart logistics']
    >>> [i.text for i in elided_items("It backs fast-charging and battery-swapping scooters.", 0, [(44, 52)])]
    ['fast-charging scooters']
    """
    rules = _rules()
    found = []
    if "-" in sentence and known:
        starts = {a - offset: b - offset for a, b in known if offset <= a < b <= offset + len(sentence)}
        for match in _SHARED_HEAD.finditer(sentence):
            head_end = starts.get(match.end())  # a known sector right after the second modifier
            if head_end is None or rules.goes_on.match(sentence, head_end):  # "... pharma companies"
                continue
            if match.group("a").lower() in rules.modifiers or match.group("b").lower() in rules.modifiers:
                found.append(ListItem(offset + match.start("a"), offset + match.end("a"),
                                      f"{match.group('a')} {sentence[match.end():head_end]}"))
    for items, _ in enumerations(sentence, offset):
        for item in items:  # "smart agriculture and logistics": "logistics" is "smart logistics"
            if _shares_first_word(item.text):
                second = item.text.split(" and ", 1)[1]
                found.append(ListItem(item.end - len(second), item.end, f"{item.text.split(' ', 1)[0]} {second}"))
        first = items[0].text.split(" ")
        if len(first) < 2 or first[-1] not in rules.activities:
            continue
        rest = []
        for item in items[1:]:  # "manufacturing and packaging" in the middle of the list: two activities
            first_word, _, second_word = item.text.partition(" and ")
            if second_word and first_word in rules.activities and second_word in rules.activities:
                rest.append(ListItem(item.start, item.start + len(first_word), first_word))
                rest.append(ListItem(item.end - len(second_word), item.end, second_word))
            else:
                rest.append(item)
        if not all(item.text in rules.activities for item in rest):
            continue
        head = items[0]
        span = next(((a, b) for a, b in known if b == head.end and head.start <= a < b), None)
        if span and " " in sentence[span[0] - offset:span[1] - offset]:
            prefix = sentence[span[0] - offset:span[1] - offset].rsplit(" ", 1)[0]
        else:
            prefix = first[-2]
        found.extend(ListItem(item.start, item.end, f"{prefix} {item.text}") for item in rest)
    return found


@lru_cache(maxsize=1)
def _sector_names() -> frozenset[str]:
    """Every alias of the sector table, lower case, singular and plural."""
    names = set()
    for entity in load_known_entities():
        if entity.cls == "Sector":
            for alias in (entity.label, *entity.aliases):
                alias = alias.lower()
                names.update((alias, alias[:-1] if alias.endswith("s") else alias + "s"))
    return frozenset(names)


def known_sector_name(text: str) -> bool:
    """Whether the sector table lists the name (any case, singular or plural)."""
    return text.lower() in _sector_names()


def _shares_first_word(text: str) -> bool:
    """ "smart agriculture and logistics": two known sectors that share their first word ("smart
    logistics"), not one compound field such as "rubber and tires"."""
    if " and " not in text:
        return False
    first, second = text.lower().split(" and ", 1)
    words = first.split(" ")
    names = _sector_names()
    return len(words) > 1 and first in names and f"{words[0]} {second}" in names


def _strip_head(item: ListItem, heads: frozenset[str]) -> ListItem:
    """ "services and biomedical sectors": the last item's "sectors" names the list, not the item."""
    words = item.text.split(" ")
    if len(words) > 1 and words[-1] in heads:
        text = " ".join(words[:-1])
        return ListItem(item.start, item.start + len(text), text)
    return item
