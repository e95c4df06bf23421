"""Normalise a briefing's raw text before spaCy sees it.

First step of the pipeline (text -> normalised text -> Doc). Briefings arrive as plain text,
Markdown, text with stray HTML tags or text extracted from PDFs. Rules downstream should see
one layout, so markup is removed here, quotes are made straight and hyphenated line breaks are
joined. Evidence offsets refer to the normalised text, which is what the graph stores.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from operator import methodcaller

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'", "«": '"', "»": '"'})
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_HTML_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&nbsp;": " "}
# "**bold**", "*it*", "__bold__": each marker opens with its own character, and only then looks
# back, so the regex engine can skip ahead to the next "*" or "_"
_EMPHASIS = re.compile(r"(\*(?<![\w*]\*)\*{0,2}|_(?<![\w*]_)_{1,2})(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]*", re.MULTILINE)
_HYPHEN_BREAK = re.compile(r"(?<=[a-z])-\n(?=[a-z])")
_TOC_LEADER = re.compile(r"\.{4,}\s*\d*\s*$|\t+\d+\s*$", re.MULTILINE)
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)
_ESCAPED = re.compile(r"\\([()\[\]*_#.\-])")
# the ASCII controls but line break and tab, as bytes: bytes.translate deletes them in one C pass
_ASCII_CONTROL = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F])
# replacements by a group: a template such as r"\2" is expanded by Python code for every match
_GROUP_1, _GROUP_2 = methodcaller("group", 1), methodcaller("group", 2)
_LONGEST_RUN = 20
_PUNCTUATION_RUN = re.compile(r"([^\w\s])\1{" + str(_LONGEST_RUN) + ",}")
# ASCII bytes: 0 for the characters such a run is made of, 1 for the others
_RUN_BYTES = bytes(0 if re.fullmatch(r"[^\w\s]", chr(code)) else 1 for code in range(256))


def _may_hold_punctuation_run(text: str) -> bool:
    """Whether `_PUNCTUATION_RUN` may match: in ASCII text, only where that many of its characters
    stand in a row. Bytes mapped to 0 or 1 and searched for a run of zeros take a few
    microseconds; the pattern tries every character of the text."""
    if not text.isascii():
        return True
    return bytes(_LONGEST_RUN + 1) in text.encode("ascii").translate(_RUN_BYTES)


def normalize_text(raw: str) -> str:
    """Return the text rules work on: one layout whatever the source format.

    Removing markup changes offsets, so this runs once, before the Doc is made; everything after
    it (and the evidence offsets in the graph) refers to the returned string.

    Example:
        >>> normalize_text("**At a glance:** The “MIIT” issued a [plan](#).\\r\\n")
        'At a glance: The "MIIT" issued a plan.\\n'
    """
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    text = text.lstrip("\ufeff")
    if not text.isascii():  # the quotes to straighten are not ASCII: most briefings hold none
        text = text.translate(_QUOTES)
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    # one unbroken run of a punctuation mark costs spaCy's tokenizer, and the table-of-contents
    # pattern below, time with the square of its length (10,000 apostrophes: 13 s); no briefing
    # needs more than a few in a row
    if _may_hold_punctuation_run(text):
        text = _PUNCTUATION_RUN.sub(lambda run: run.group(1) * _LONGEST_RUN, text)
    # each pass runs only when its marker character occurs: most briefings carry few kinds of markup
    if "<" in text:
        text = _HTML_TAG.sub("", text)
    if "&" in text:
        for entity, char in _HTML_ENTITIES.items():
            text = text.replace(entity, char)
    if "](" in text:
        text = _MARKDOWN_LINK.sub(_GROUP_1, text)
    if "\\" in text:
        text = _ESCAPED.sub(r"\1", text)
    if "*" in text or "__" in text:
        text = _EMPHASIS.sub(_GROUP_2, text)
        if "*" in text or "__" in text:  # emphasis inside emphasis
            text = _EMPHASIS.sub(_GROUP_2, text)
    if "#" in text:
        text = _HEADING.sub("", text)
    if "-\n" in text:
        text = _HYPHEN_BREAK.sub("", text)
    if "...." in text or "\t" in text:
        text = _TOC_LEADER.sub("", text)
    if " \n" in text or "\t\n" in text or text.endswith((" ", "\t")):
        text = _TRAILING_SPACE.sub("", text)
    return _drop_control(text)


@lru_cache(maxsize=1)
def _control_characters() -> re.Pattern:
    """Every BMP character of Unicode category C (controls, formats, surrogates, private use,
    unassigned) but newline and tab, as one character class: removing them is then one regex
    pass instead of a Python loop over each character."""
    ranges, start = [], None
    for code in range(0x10000 + 1):
        hit = code < 0x10000 and chr(code) not in "\n\t" and unicodedata.category(chr(code))[0] == "C"
        if hit and start is None:
            start = code
        elif not hit and start is not None:
            ranges.append(f"\\u{start:04x}-\\u{code - 1:04x}")
            start = None
    return re.compile("[" + "".join(ranges) + "]+|[\U00010000-\U0010ffff]")


def _drop_control(text: str) -> str:
    """The text without control and format characters (but line breaks and tabs).

    Nearly every briefing is ASCII: its controls go by a byte deletion, several times faster than
    a regular expression scanning each character."""
    if text.isascii():
        return text.encode("ascii").translate(None, _ASCII_CONTROL).decode("ascii")
    return _control_characters().sub(lambda m: "" if len(m.group(0)) > 1 or unicodedata.category(m.group(0))[0] == "C"
                                     else m.group(0), text)
