"""Build the spaCy pipeline and run it: text in, records out.

The pipeline is a blank English model plus our components, in order: `cikg_segmenter`
(layout and sentence starts), `cikg_entities` (alias tables, abbreviations, name patterns),
`cikg_documents` (policy documents with their issuers and dates) and `cikg_relations`.
No statistical model is loaded: nothing here downloads anything.
"""

from __future__ import annotations

import re
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from extract.normalize import normalize_text
from extract.records import BriefingRecord, records_from_doc
from extract.segment import segment_text

_ABBREVIATION_DOTS = re.compile(r"\b(?:e\.g|i\.e|etc|vs|Co|Ltd|Inc|Corp|No|Nos|St|Dr|Mr|Ms|Mrs|U\.S|U\.K|approx|incl)\.$")

for _name, _default in (("layout", None), ("entity_rules", None), ("documents", None), ("relations", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


@Language.component("cikg_segmenter", assigns=["doc._.layout", "token.is_sent_start"])
def segment_doc(doc: Doc) -> Doc:
    """Read the briefing's layout and start a sentence at every line and after every full stop.

    A blank pipeline has no parser, so sentence starts come from here: each layout line starts
    one, and inside a line a ".", "?" or "!" followed by a capital letter does, unless the
    full stop ends an abbreviation such as "e.g." or "Co.".
    """
    layout = segment_text(doc.text)
    doc._.layout = layout
    line_starts = {s.start for s in layout.segments} | {s.value_start for s in layout.segments if s.value_start}
    for token in doc:
        token.is_sent_start = token.i == 0
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if token.idx in line_starts or "\n" in previous.text or previous.whitespace_ == "" and previous.text.endswith("\n"):
            token.is_sent_start = True
        elif previous.text in {".", "?", "!"} and (token.text[:1].isupper() or token.text[:1] in "\"'(") :
            before = doc.text[max(0, previous.idx - 12):previous.idx + 1]
            token.is_sent_start = not _ABBREVIATION_DOTS.search(before)
        elif previous.text.endswith(".") and len(previous.text) > 1 and token.text[:1].isupper():
            token.is_sent_start = not _ABBREVIATION_DOTS.search(doc.text[max(0, previous.idx - 12):previous.idx + len(previous.text)])
        else:
            token.is_sent_start = False
    return doc


@lru_cache(maxsize=1)
def make_nlp() -> Language:
    """The extraction pipeline, built once per process."""
    import extract.documents  # noqa: F401  (registers cikg_documents)
    import extract.entities  # noqa: F401  (registers cikg_entities)
    import extract.relations  # noqa: F401  (registers cikg_relations)

    nlp = spacy.blank("en")
    nlp.max_length = 200_000_000
    nlp.add_pipe("cikg_segmenter")
    nlp.add_pipe("cikg_entities")
    nlp.add_pipe("cikg_documents")
    nlp.add_pipe("cikg_relations")
    return nlp


def extract(raw_text: str, briefing_id: str, source: str = "") -> BriefingRecord:
    """Run the whole extraction on one briefing and leave spaCy: plain records come back."""
    text = normalize_text(raw_text)
    doc = make_nlp()(text)
    return records_from_doc(doc, briefing_id, source or briefing_id)
