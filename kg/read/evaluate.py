"""Score the built graph against gold annotations: precision, recall and F1.

The matching rules are those of the gold set's README: names are compared after NFKC,
case-folding, dropping quotes and punctuation, a leading "the" and plural "s"; an entity
matches when any of its names matches any gold name of the same class; long names (four words
or more) also match on a word-set Jaccard index >= 0.7, or when one contains the other and the
shorter has at least five words. A relation matches when its name, head and tail match;
symmetric relations match in either direction. Scores are micro-averaged over all briefings.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, Graph
from rdflib.namespace import DCTERMS, RDFS, SKOS

from kg.errors import InputError
from kg.model.namespace import CIKG, CLASSES, SCORED_RELATIONS, SYMMETRIC

_PUNCTUATION = re.compile(r"[^\w\s]")


def normalize_name(name: str) -> str:
    """Normalise a name as the gold README says.

    Example:
        >>> normalize_name("The “Little Giants”")
        'little giant'
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _PUNCTUATION.sub(" ", text)
    words = text.split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words)


def names_match(left: set[str], right: set[str]) -> bool:
    """Whether two sets of normalised names share a name, or two long names are the same title."""
    if left & right:
        return True
    for a in left:
        wa = a.split()
        if len(wa) < 4:
            continue
        for b in right:
            wb = b.split()
            if len(wb) < 4:
                continue
            sa, sb = set(wa), set(wb)
            if len(sa & sb) / len(sa | sb) >= 0.7:
                return True
            shorter, longer = (a, b) if len(wa) <= len(wb) else (b, a)
            if len(shorter.split()) >= 5 and f" {shorter} " in f" {longer} ":
                return True
    return False


@dataclass
class Item:
    key: str
    cls: str
    names: set[str]
    display: str


@dataclass
class Counts:
    tp_pred: int = 0
    pred: int = 0
    tp_gold: int = 0
    gold: int = 0

    def scores(self) -> dict:
        precision = self.tp_pred / self.pred if self.pred else 0.0
        recall = self.tp_gold / self.gold if self.gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
                "predicted": self.pred, "gold": self.gold}


@dataclass
class Report:
    entities: dict[str, dict] = field(default_factory=dict)
    relations: dict[str, dict] = field(default_factory=dict)
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)
    slices: dict[str, dict[str, dict]] = field(default_factory=dict)
    rules: dict[str, dict] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"entities": self.entities, "relations": self.relations, "slices": self.slices, "rules": self.rules,
                "missed": self.missed, "spurious": self.spurious}

    def table(self) -> list[str]:
        """The scores as the lines `kg eval` prints (`score_table`)."""
        return score_table(self)

    def __repr__(self) -> str:
        return "\n".join(self.table())


def slice_of(briefing_id: str) -> str:
    """The slice a briefing belongs to: its id up to the first hyphen (``gov-hydrogen-plan`` -> ``gov``).

    >>> slice_of("deal-geely-renault"), slice_of("000_69236e72d48cdb4c")
    ('deal', 'all')
    """
    head, dash, _ = briefing_id.partition("-")
    return head if dash else "all"


def load_gold(directory: Path) -> dict[str, list[dict]]:
    """Gold lines per briefing id (file stem)."""
    if not directory.is_dir():
        raise InputError(f"Gold directory {str(directory)!r} does not exist.")
    gold = {}
    for path in sorted(directory.glob("*.jsonl")):
        lines = []
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                try:
                    lines.append(json.loads(line))
                except json.JSONDecodeError as error:
                    raise InputError(f"{path}:{number}: not JSON ({error.msg})") from None
        gold[path.stem] = lines
    if not gold:
        raise InputError(f"No *.jsonl gold files in {str(directory)!r}.")
    return gold


def predictions(graph: Graph) -> dict[str, tuple[list[Item], dict[tuple[str, str, str], set[str]]]]:
    """Per briefing id: the entities mentioned in it, and the relations evidenced in it with the rules that found them."""
    briefing_ids = {b: str(graph.value(b, DCTERMS.identifier)) for b in graph.subjects(RDF.type, CIKG.Briefing)}
    class_of = {}
    for cls in CLASSES:
        for node in graph.subjects(RDF.type, CIKG[cls]):
            class_of[node] = cls
    items: dict = {}
    result: dict = {bid: ([], {}) for bid in briefing_ids.values()}
    for node, cls in class_of.items():
        names = {normalize_name(str(n)) for n in [graph.value(node, RDFS.label), *graph.objects(node, SKOS.altLabel)] if n}
        items[node] = Item(str(node), cls, names, str(graph.value(node, RDFS.label)))
        for briefing in graph.objects(node, CIKG.mentionedIn):
            if briefing in briefing_ids:
                result[briefing_ids[briefing]][0].append(items[node])
    for record in graph.subjects(RDF.type, CIKG.Evidence):
        briefing = graph.value(record, CIKG.inBriefing)
        relation = str(graph.value(record, RDF.predicate)).rsplit("#", 1)[-1]
        head, tail = graph.value(record, RDF.subject), graph.value(record, RDF.object)
        if briefing in briefing_ids and head in items and tail in items:
            rules = result[briefing_ids[briefing]][1].setdefault((str(head), relation, str(tail)), set())
            rules.add(str(graph.value(record, CIKG.rule) or "?"))
    return result


def evaluate(graph: Graph, gold_dir: Path) -> Report:
    """Compare the graph with the gold files of the briefings it contains."""
    gold = load_gold(gold_dir)
    predicted = predictions(graph)
    entity_counts: dict[str, Counts] = defaultdict(Counts)
    relation_counts: dict[str, Counts] = defaultdict(Counts)
    slice_counts: dict[tuple[str, str], Counts] = defaultdict(Counts)
    rule_counts: dict[str, Counts] = defaultdict(Counts)
    report = Report()
    for briefing, lines in sorted(gold.items()):
        if briefing not in predicted:
            continue
        pred_items, pred_relations = predicted[briefing]
        entities_here, relations_here = slice_counts[slice_of(briefing), "entities"], slice_counts[slice_of(briefing), "relations"]
        gold_items = {}
        for line in lines:
            if line.get("kind") == "entity":
                names = {normalize_name(n) for n in [line["label"], line["id"], *line.get("aliases", [])]}
                gold_items[line["id"]] = Item(line["id"], line["class"], names, line["label"])
        matches: dict[str, set[str]] = {p.key: set() for p in pred_items}
        for p in pred_items:
            for g in gold_items.values():
                if p.cls == g.cls and names_match(p.names, g.names):
                    matches[p.key].add(g.key)
        matched_gold = set().union(*matches.values()) if matches else set()
        for p in pred_items:
            for counts in (entity_counts[p.cls], entities_here):
                counts.pred += 1
                counts.tp_pred += bool(matches[p.key])
            if not matches[p.key]:
                report.spurious.append(f"{briefing} entity {p.cls} {p.display!r}")
        for g in gold_items.values():
            for counts in (entity_counts[g.cls], entities_here):
                counts.gold += 1
                counts.tp_gold += g.key in matched_gold
            if g.key not in matched_gold:
                report.missed.append(f"{briefing} entity {g.cls} {g.display!r}")
        labels = {p.key: p.display for p in pred_items}
        gold_relations = [line for line in lines if line.get("kind") == "relation"]
        hit_gold = set()
        for (head, relation, tail), rules in sorted(pred_relations.items()):
            if relation not in SCORED_RELATIONS:
                continue
            found = False
            for index, line in enumerate(gold_relations):
                if line["rel"] != relation:
                    continue
                forward = line["head"] in matches.get(head, ()) and line["tail"] in matches.get(tail, ())
                backward = relation in SYMMETRIC and line["head"] in matches.get(tail, ()) and line["tail"] in matches.get(head, ())
                if forward or backward:
                    found = True
                    hit_gold.add(index)
            for counts in (relation_counts[relation], relations_here, *(rule_counts[rule] for rule in rules)):
                counts.pred += 1
                counts.tp_pred += found
            if not found:
                report.spurious.append(f"{briefing} relation {labels.get(head, head)!r} {relation} {labels.get(tail, tail)!r}")
        for index, line in enumerate(gold_relations):
            for counts in (relation_counts[line["rel"]], relations_here):
                counts.gold += 1
                counts.tp_gold += index in hit_gold
            if index not in hit_gold:
                report.missed.append(f"{briefing} relation {line['head']!r} {line['rel']} {line['tail']!r}")
    for name, table, order in (("entities", entity_counts, CLASSES), ("relations", relation_counts, SCORED_RELATIONS)):
        total = Counts()
        scores = {}
        for key in order:
            if key in table:
                counts = table[key]
                scores[key] = counts.scores()
                total.tp_pred += counts.tp_pred
                total.pred += counts.pred
                total.tp_gold += counts.tp_gold
                total.gold += counts.gold
        scores["overall"] = total.scores()
        setattr(report, name, scores)
    for (name, kind), counts in sorted(slice_counts.items()):
        report.slices.setdefault(name, {})[kind] = counts.scores()
    report.rules = {rule: {"fired": counts.pred, "correct": counts.tp_pred,
                           "precision": round(counts.tp_pred / counts.pred, 4) if counts.pred else 0.0}
                    for rule, counts in sorted(rule_counts.items())}
    return report


def score_table(report: Report) -> list[str]:
    """The report's scores as text lines: per class, per relation, and per slice when there are several."""
    lines = []
    for title, table in (("Entities", report.entities), ("Relations", report.relations)):
        lines.append(f"{title:<16} {'P':>6} {'R':>6} {'F1':>6} {'pred':>6} {'gold':>6}")
        lines += [f"  {key:<14} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f} {s['predicted']:>6} {s['gold']:>6}"
                  for key, s in table.items()]
    if len(report.slices) > 1:
        lines.append(f"{'Slices':<16} {'ent P':>6} {'R':>6} {'F1':>6} {'rel P':>6} {'R':>6} {'F1':>6}")
        for name, kinds in report.slices.items():
            e, r = kinds["entities"], kinds["relations"]
            lines.append(f"  {name:<14} {e['precision']:>6.3f} {e['recall']:>6.3f} {e['f1']:>6.3f}"
                         f" {r['precision']:>6.3f} {r['recall']:>6.3f} {r['f1']:>6.3f}")
    return lines
