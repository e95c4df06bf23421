"""What the earlier components left on a Doc, read once by each later component.

Every ``doc._.name`` read builds spaCy's ``Underscore`` object and looks the extension up again
(about 2 µs); the document and relation rules read the text, sentences, layout and mentions some
eighty times per briefing, a few per cent of the whole extraction. A component reads them into a
`DocValues` once and hands that to its rules.
"""

from __future__ import annotations

from typing import NamedTuple

from spacy.tokens import Doc

from extract.segment import Layout, Sentences


class DocValues(NamedTuple):
    """``doc._.text``, ``layout``, ``sentences`` and ``entities`` of one Doc.

    ``entities`` is the Doc's own list of `extract.entities.Mention` tuples, not a copy: rules that
    edit it in place (documents named by an alias, short forms) edit the Doc's.
    """

    text: str
    layout: Layout
    sentences: Sentences
    entities: list

    @classmethod
    def of(cls, doc: Doc) -> DocValues:
        underscore = doc._
        return cls(underscore.text, underscore.layout, underscore.sentences, underscore.entities)
