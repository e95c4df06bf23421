"""Build the spaCy pipeline and run it: text in, records out.

The pipeline is a blank English model plus our components, in order: `cikg_segmenter`
(layout and sentence starts), `cikg_entities` (alias tables, abbreviations, name patterns),
`cikg_documents` (policy documents with their issuers and dates) and `cikg_relations`.
No statistical model is loaded: nothing here downloads anything.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy
import spacy
from spacy.attrs import IDX, LENGTH, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from extract.normalize import normalize_text
from extract.records import BriefingRecord, records_from_doc
from extract.segment import Sentences, segment_text

_ABBREVIATIONS = ("e.g", "i.e", "etc", "vs", "Co", "Ltd", "Inc", "Corp", "No", "Nos", "St", "Dr", "Mr", "Ms", "Mrs", "U.S", "U.K",
                  "approx", "incl")
_ABBREVIATION_DOTS = re.compile(rf"\b(?:{'|'.join(re.escape(a) for a in _ABBREVIATIONS)})\.$")
_ABBREVIATION_ENDS = tuple(f"{a}." for a in _ABBREVIATIONS)  # what a text ending in one of them ends with

_AFTER_NEWLINE = re.compile(r"\n\s*(?=\S)")
# opens with the stop itself, one character class for both cases, so the regex engine skips ahead
# to the next stop character (an alternation of two openings is tried at every character)
_FULL_STOP = re.compile(r"[.?!](?:\s+(?=[A-Z\"'(])|(?<=\.)(?=[A-Z]))")


def _after_full_stops(text: str) -> set[int]:
    """Where a sentence starts after a full stop: a capital (or quote) after ".", "?" or "!",
    unless the stop ends an abbreviation such as "e.g." or "Co."."""
    found = set()
    for match in _FULL_STOP.finditer(text):
        stop = match.start() + 1
        window = max(0, stop - 13)
        # the pattern's word boundary needs it, but a substring test rules out most stops first
        if text[stop - 1] == "." and text.endswith(_ABBREVIATION_ENDS, window, stop) and _ABBREVIATION_DOTS.search(text[window:stop]):
            continue
        found.add(match.end())
    return found


for _name, _default in (("text", ""), ("offsets", None), ("layout", None), ("sentences", None), ("entities", None),
                         ("documents", None), ("relations", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


@Language.component("cikg_segmenter", assigns=["doc._.text", "doc._.offsets", "doc._.layout", "doc._.sentences",
                                               "token.is_sent_start"])
def segment_doc(doc: Doc) -> Doc:
    """Read the briefing's layout and start a sentence at every line and after every full stop.

    A blank pipeline has no parser, so sentence starts come from here: each layout line starts
    one, and inside a line a ".", "?" or "!" followed by a capital letter does, unless the
    full stop ends an abbreviation such as "e.g." or "Co.". Token offsets are read as arrays
    once and the starts written back in one call: per-token Python objects cost more than the
    rest of the pipeline on a long briefing.
    """
    underscore = doc._  # each doc._ access builds spaCy's Underscore again: once here
    # Doc.text joins every token on each access: `extract` hands the text over, later components read doc._.text
    text = underscore.text = underscore.text or doc.text
    layout = segment_text(text)
    underscore.layout = layout
    if not len(doc):
        underscore.sentences = Sentences((), ())
        return doc
    line_starts = {s.start for s in layout.segments} | {s.value_start for s in layout.segments if s.value_start}
    offsets = underscore.offsets = doc.to_array([IDX, LENGTH])  # read once: later components need them too
    token_starts = offsets[:, 0]
    # an array, not a list: numpy would convert a list again for each of the two calls below
    candidates = numpy.array(sorted(line_starts | {m.end() for m in _AFTER_NEWLINE.finditer(text)} | _after_full_stops(text)),
                             dtype=token_starts.dtype)
    positions = numpy.searchsorted(token_starts, candidates)
    hits = positions[(positions < len(token_starts)) & (token_starts[numpy.minimum(positions, len(token_starts) - 1)] == candidates)]
    starts = numpy.unique(numpy.concatenate(([0], hits)))
    flags = numpy.full((len(offsets), 1), -1, dtype="int64")
    flags[starts, 0] = 1
    doc.from_array([SENT_START], flags.astype("uint64"))
    last_tokens = numpy.append(starts[1:] - 1, len(offsets) - 1)
    ends = offsets[last_tokens, 0] + offsets[last_tokens, 1]
    underscore.sentences = Sentences(tuple(token_starts[starts].tolist()), tuple(ends.tolist()))
    return doc


def _keep_tokenizer_cache(nlp: Language) -> None:
    """Drop the special cases that only restate a run of white space ("\\n" is the token "\\n").

    spaCy's tokenizer caches how it split each chunk of text, but stops caching for the rest of
    a Doc once any special case occurs (spaCy issue #1250), and English lists "\\n" as one: every
    briefing has a single line break near its top, so nearly every chunk went through the prefix,
    suffix and infix rules again. Without these no-op cases the tokens are the same (nothing splits
    white space) and the cache serves the words a briefing shares with earlier ones.
    """
    tokenizer = nlp.tokenizer
    tokenizer.rules = {key: tokens for key, tokens in tokenizer.rules.items()
                       if key.strip() or tokens != [{ORTH: key}]}


@lru_cache(maxsize=1)
def make_nlp() -> Language:
    """The extraction pipeline, built once per process."""
    import extract.documents  # noqa: F401  (registers cikg_documents)
    import extract.entities  # noqa: F401  (registers cikg_entities)
    import extract.relations  # noqa: F401  (registers cikg_relations)

    nlp = spacy.blank("en")
    nlp.max_length = 200_000_000
    _keep_tokenizer_cache(nlp)
    nlp.add_pipe("cikg_segmenter")
    nlp.add_pipe("cikg_entities")
    nlp.add_pipe("cikg_documents")
    nlp.add_pipe("cikg_relations")
    return nlp


def process(raw_text: str) -> Doc:
    """The processed Doc of one briefing (tests and rule authors read its mentions and relations)."""
    text = normalize_text(raw_text)
    nlp = make_nlp()
    doc = nlp.make_doc(text)
    doc._.text = text
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


def extract(raw_text: str, briefing_id: str, source: str = "") -> BriefingRecord:
    """Run the whole extraction on one briefing and leave spaCy: plain records come back."""
    return records_from_doc(process(raw_text), briefing_id, source or briefing_id)
