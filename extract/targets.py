"""What a document or programme targets, and the programmes a document serves, in running text.

Called by `extract.relations.find_relations` beside the layout rules. A story says what its
document covers in the sentences about it: the sentence that names it, the sentences whose subject
refers back to it ("The plan ...", "according to the guideline", "It aims to ..."), the "At a
glance" paragraph and bullets of a briefing item, and a headline naming it. Commentary
("MERICS comment"), a speaker's remarks and sectors named only as means ("using AI") give none.
A programme states its focus with a verb right after its name ("Digital China prioritizes ...").
Patterns are in `rules/policy.yml`.
"""

from __future__ import annotations

from bisect import bisect_left

from spacy.tokens import Doc

from extract.documents import DocumentMention
from extract.spans import MentionIndex
from extract.story import policy_rules, refers_to
from extract.values import DocValues

# documents a story names in running text (not titles met in passing: laws, five-year plans)
_STORY_RULES = ("document.phrase", "document.generic_subject", "document.according_to", "document.was_issued", "document.numbered",
                "document.release_of",
                "document.headline", "document.issued_by", "document.agency_noun", "document.passive")


def _relation(head: str, relation: str, tail: str, bounds: tuple[int, int], rule: str, confidence: float):
    from extract.relations import FoundRelation  # relations imports this module

    return FoundRelation(head, relation, tail, bounds[0], bounds[1], rule, confidence)


def policy_relations(doc: Doc, documents: list[DocumentMention]) -> list:
    """targetsSector and partOf from the sentences about each document, the glance of a briefing
    item, headlines, and programmes' stated focus."""
    rules = policy_rules()
    values = DocValues.of(doc)  # read once: each doc._ read costs more than most rules here
    text, sentences, layout, mentions = values.text, values.sentences, values.layout, values.entities
    found = []
    if not mentions:
        return found
    skipped = [(s.start, s.end) for s in layout.segments if s.field == "comment" or s.section in ("contents", "back")]
    skipped_starts = [a for a, _ in skipped]

    def in_skipped(position: int) -> bool:
        index = bisect_left(skipped_starts, position + 1) - 1
        return index >= 0 and skipped[index][0] <= position < skipped[index][1]

    starts = [m.start for m in mentions]
    by_sentence: dict[tuple[int, int], list] = {}
    for mention in mentions:
        if mention.label in ("Sector", "Program"):
            by_sentence.setdefault(sentences.around(mention.start), []).append(mention)
    story = [d for d in documents if d.rule not in ("document.field", "document.quoted_title")]
    # a briefing item with an "Article:" field: its glance is read by the layout rule, its comment by none
    itemized = [(s.start, s.end) for s in layout.segments if s.section == "top" and s.item in
                {d.item for d in documents if d.rule == "document.field"}]
    skipped = sorted(skipped + itemized)
    skipped_starts = [a for a, _ in skipped]
    spans = sorted(((a, b, d) for d in story for a, b in d.spans), key=lambda t: (t[0], t[1]))
    span_starts = [a for a, _, _ in spans]
    previous: tuple[int, DocumentMention] | None = None  # (sentence end, document) of the last sentence about a document
    targeted: set[str] = set()  # sectors the previous sentence's document targets
    segments = layout.segments
    segment_starts = [segment.start for segment in segments]
    listing: tuple[int, object] | None = None  # (segment index, owner) of a sentence about an owner ending in ":"

    def segment_index(position: int) -> int:
        return bisect_left(segment_starts, position + 1) - 1

    def near(end: int, start: int) -> bool:
        """Whether only blanks or short heading lines stand between two sentences."""
        gap = text[end:start]
        return not gap.strip() or len(gap) < 200 and all(len(line) <= 60 and not line.rstrip().endswith(".")
                                                         for line in gap.splitlines())

    # sentences with sectors or programmes, those naming a document (which start a chain of sentences about it),
    # and those whose subject is a document named before ("The plan says ..."), which go on with its chain
    # although they name no sector: "It also says ..." after them is about that document
    about = _document_subject_sentences(text, sentences, rules) if story else set()
    for bounds in sorted(set(by_sentence) | {sentences.around(a) for a, _, _ in spans} | about):
        sentence_start, sentence_end = bounds
        if in_skipped(sentence_start):
            continue
        sentence = text[sentence_start:sentence_end]
        owner, after, rule = None, sentence_start, ""
        index = segment_index(sentence_start)
        if listing and segments[index].kind == "bullet" and all(
                segments[i].kind == "bullet" for i in range(listing[0] + 1, index + 1)):
            owner, rule = listing[1], "targets_sector.listed"  # "... consists of networks that rely on:" and its bullets
        here = spans[bisect_left(span_starts, sentence_start):bisect_left(span_starts, sentence_end)]
        source = rules["anaphora_source"].search(sentence)
        here_mentions = by_sentence.get(bounds, [])
        first = here_mentions[0] if here_mentions else None
        if owner is not None:
            pass
        elif here and source and sentence_start + source.start() < here[0][0]:
            # "According to the announcement, trucks in the Green Truck Catalogue ...": the sentence is the announcement's
            owner = refers_to(story, source.group("noun") or source.group("noun2") or "", sentence_start)
            rule = "targets_sector.anaphora"
        elif here:
            start, end, owner = here[-1]
            after, rule = end, "targets_sector.story_sentence"
            if source or "according to" in text[max(sentence_start, start - 20):start]:
                after = sentence_start
            elif owner.rule not in _STORY_RULES:
                # a document met in passing targets only what a content verb after it names
                verb = rules["content_verbs"].search(text, end, sentence_end)
                after = verb.end() if verb else sentence_end
        elif previous and near(previous[0], sentence_start) and (
                first and first.label == "Sector" and first.key in targeted
                and rules["lead_in"].fullmatch(text, sentence_start, first.start)
                and rules["defines_sector"].match(text, first.end, sentence_end)
                or rules["defines_subject"].match(sentence)):
            owner, rule = previous[1], "targets_sector.continuing"  # "Marine industries include ...", "Concretely, the X refers to"
        else:
            anaphor = rules["anaphora_subject"].match(sentence) or source
            if anaphor:
                noun = anaphor.group("noun") or anaphor.groupdict().get("noun2") or ""
                owner = refers_to(story, noun, sentence_start) if noun else None
                rule = "targets_sector.anaphora"
            elif previous and rules["continuing"].match(sentence) and near(previous[0], sentence_start):
                owner, rule = previous[1], "targets_sector.continuing"
            else:
                owner, after = _focused_program(text, rules, here_mentions, sentence_end)
                rule = "targets_sector.program_focus"
        if owner is None:
            if len(sentence.split()) > 8 or sentence.rstrip().endswith("."):
                previous = listing = None  # a heading line between two sentences about an owner keeps the chain
            continue
        listing = (index, owner) if sentence.rstrip().endswith(":") else listing if rule == "targets_sector.listed" else None
        if previous is None or previous[1] is not owner:
            targeted = set()
        previous = (sentence_end, owner)
        if rule not in ("targets_sector.story_sentence", "targets_sector.program_focus") and _remark(sentence, rules):
            continue
        for mention in here_mentions:
            if mention.start < after:
                continue
            if mention.label == "Sector":
                if not rules["tool"].search(text[sentence_start:mention.start]):
                    targeted.add(mention.key)
                    found.append(_relation(owner.key, "targetsSector", mention.key, bounds, rule, 0.55))
            elif isinstance(owner, DocumentMention) and \
                    rules["serves_program"].search(text[max(sentence_start, mention.start - 120):mention.start]):
                found.append(_relation(owner.key, "partOf", mention.key, bounds, "part_of.serves", 0.55))
    for agency, program, start, end in doc._.administered or ():
        found.append(_relation(agency, "administers", program, (start, end), "administers.introduced", 0.7))
    for bounds, here_mentions in by_sentence.items():  # "The Big Fund's shareholders, headed by the Ministry of Finance"
        for program in (m for m in here_mentions if m.label == "Program"):
            agency = next((a for a in mentions[bisect_left(starts, program.end):bisect_left(starts, program.end + 120)]
                           if a.label == "Agency" and a.end <= bounds[1]), None)
            if agency and rules["run_by"].match(text, program.end, agency.start):
                found.append(_relation(agency.key, "administers", program.key, bounds, "administers.run_by", 0.65))
    for program in (m for m in mentions if m.rule == "program.institution_list"):
        # "pilot robotics colleges": the sector in a selection programme's name is its focus
        for sector in (m for m in mentions if m.label == "Sector" and program.start <= m.start and m.end <= program.end):
            found.append(_relation(program.key, "targetsSector", sector.key, sentences.around(program.start),
                                   "targets_sector.program_name", 0.6))
    found.extend(_glance_targets(values, documents))
    found.extend(_heading_targets(values, documents))
    found.extend(_program_focus(values, rules, by_sentence, in_skipped))
    return found


def _glance_targets(values: DocValues, documents: list[DocumentMention]) -> list:
    """A briefing item without an "Article:" field: the first document its "At a glance" names owns
    the sectors of the glance paragraph and bullets (a later one, those after it); with no document,
    the programme the glance opens with does."""
    rules = policy_rules()
    layout = values.layout
    text = values.text
    sentences = values.sentences
    with_field = {(d.section, d.item) for d in documents if d.rule == "document.field"}
    groups: list[list] = []  # runs of consecutive glance lines: one item's glance
    last = -1
    for index, segment in enumerate(layout.segments):
        if segment.field == "glance" and (segment.section, segment.item) not in with_field:
            if index != last + 1 or not groups:
                groups.append([])
            groups[-1].append(segment)
            last = index
    found = []
    entities = values.entities
    starts = [e.start for e in entities]
    spans = sorted(((a, b, d) for d in documents for a, b in d.spans), key=lambda t: (t[0], t[1]))
    span_starts = [a for a, _, _ in spans]
    for segments in groups:
        start, end = segments[0].start, segments[-1].end
        inside = [e for e in entities[bisect_left(starts, start):bisect_left(starts, end)] if e.end <= end]
        named = spans[bisect_left(span_starts, start):bisect_left(span_starts, end)]
        # the first document of the glance, and later ones an issuing sentence introduces; not titles
        # nested in another's ("proposals for the 15th Five-Year Plan") nor met in passing
        owners = [(a, d) for i, (a, b, d) in enumerate(named) if not any(x <= a and b <= y and e is not d for x, y, e in named)
                  and (i == 0 or d.rule in _STORY_RULES)]
        owner_starts = [a for a, _ in owners]
        opening = sentences.around(segments[0].value_start or start)[1]  # "At a glance:" is a sentence of its own
        programs = [e for e in inside if e.label == "Program" and e.start < opening]
        for sector in (e for e in inside if e.label == "Sector"):
            bounds = sentences.around(sector.start)
            if rules["tool"].search(text[bounds[0]:sector.start]):
                continue
            if owners:
                owner = owners[max(0, bisect_left(owner_starts, sector.start + 1) - 1)][1].key
            elif programs:
                owner = programs[0].key
                for agency in (e for e in inside if e.label == "Agency" and e.start < programs[0].start):
                    found.append(_relation(agency.key, "administers", owner, bounds, "administers.glance", 0.6))
            else:
                continue
            found.append(_relation(owner, "targetsSector", sector.key, bounds, "targets_sector.glance", 0.55))
    return found


def _heading_targets(values: DocValues, documents: list[DocumentMention]) -> list:
    """"Textile industry plan to cut energy use": a headline that names a document by a
    descriptive title gives that document (the item's, or the story's first) the headline's sectors."""
    rules = policy_rules()
    layout = values.layout
    text = values.text
    found = []
    story_first = min((d for d in documents if d.rule in _STORY_RULES), key=lambda d: d.start, default=None)
    sectors = MentionIndex(e for e in values.entities if e.label == "Sector")
    for segment in layout.segments:
        heading = segment.kind == "heading" and segment.section == "top" and segment.item
        front = segment.section == "front" and segment.kind == "paragraph" and segment.end - segment.start <= 140
        if not (heading or front) or not rules["heading_document"].search(text[segment.start:segment.end]):
            continue
        if heading:
            item_documents = [d for d in documents if d.item == segment.item and d.section == "top"]
            owner = min(item_documents, key=lambda d: (d.rule != "document.field", d.start), default=None)
        else:
            owner = story_first if story_first and segment.end < story_first.start < segment.end + 1500 else None
        if owner is None:
            continue
        for sector in sectors.inside(segment.start, segment.end):
            found.append(_relation(owner.key, "targetsSector", sector.key, (segment.start, segment.end), "targets_sector.headline", 0.6))
    return found


def _focused_program(text: str, rules: dict, mentions: list, sentence_end: int):
    """The programme of a sentence that states its focus ("the new infrastructure covers ..."), and
    where its focus starts; (None, 0) if there is none."""
    for mention in mentions:
        if mention.label == "Program" and not rules["investing_program"].search(text[mention.start:mention.end + 12]):
            focus = rules["program_focus"].match(text, mention.end, sentence_end)
            if focus:
                return mention, focus.end()
    return None, 0


def _program_focus(values: DocValues, rules: dict, by_sentence: dict, in_skipped) -> list:
    """"Digital China prioritizes cloud computing ...", "the Little Giants scheme, which supports
    suppliers of robotics": the sectors after a programme's focus verb."""
    text = values.text
    found = []
    for bounds, mentions in by_sentence.items():
        if in_skipped(bounds[0]):
            continue
        for index, program in enumerate(mentions):
            if program.label != "Program" or rules["investing_program"].search(text[program.start:program.end + 12]):
                continue
            focus = rules["program_focus"].match(text, program.end, bounds[1])
            if not focus:
                continue
            for sector in mentions[index + 1:]:
                if sector.label == "Program" and rules["program_focus"].match(text, sector.end, bounds[1]):
                    break  # the next programme states its own focus
                if sector.label == "Sector" and sector.start >= focus.end() and not rules["tool"].search(text[focus.end():sector.start]):
                    found.append(_relation(program.key, "targetsSector", sector.key, bounds, "targets_sector.program_focus", 0.55))
    return found


def _document_subject_sentences(text: str, sentences, rules: dict) -> set[tuple[int, int]]:
    """The bounds of the sentences whose subject is a document named before ("The plan says ...")."""
    subject = rules["anaphora_subject"]
    return {(start, end) for start, end in sentences if subject.match(text, start, end)}


def _remark(sentence: str, rules: dict) -> bool:
    """Whether a speaker remarks in the sentence: "said Zhang Wei", "experts say". The document
    itself saying something ("It also says ...", "The plan says ...") is no remark."""
    says = rules["document_says"]
    return any(not says.search(sentence, 0, match.start()) for match in rules["remark"].finditer(sentence))
