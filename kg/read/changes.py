"""What changed: the relations and entities a window of briefings, or the last write, brought or took away.

An analyst adds each month's briefings and asks first what is new. Every write records in the
index what it added and removed against the store it replaced (`kg.storage.index.IndexWriter`), so
`--since-build` needs no second store; a date window reads the evidence dates. A watch list kept
beside the store (`watch.json`) narrows either to the names an analyst follows.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kg.errors import KgError
from kg.model.terms import RELATION_FAMILY

WATCH_FILE = "watch.json"
FAMILIES = ("policy", "ownership", "deal", "place")


@dataclass
class RelationChange:
    change: str  # "added" or "removed"
    relation: str
    head: str
    tail: str
    date: str
    briefing: str
    sentence: str
    status: str = ""
    head_id: str = ""
    tail_id: str = ""

    @property
    def family(self) -> str:
        return RELATION_FAMILY.get(self.relation, "policy")


@dataclass
class EntityChange:
    change: str
    label: str
    cls: str
    id: str


@dataclass
class ChangeReport:
    window: str
    relations: list[RelationChange] = field(default_factory=list)
    entities: list[EntityChange] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"window": self.window, "entities": [asdict(e) for e in self.entities],
                "relations": [{**asdict(r), "family": r.family} for r in self.relations]}

    def __repr__(self) -> str:
        return "\n".join(self.lines())

    def lines(self, markdown: bool = False) -> list[str]:
        """The report as `kg changes` prints it (`text_lines`): grouped by family, text or Markdown."""
        return text_lines(self, markdown)

    def watched(self, nodes: set[str]) -> ChangeReport:
        """Only what touches one of ``nodes`` (IRIs)."""
        return ChangeReport(self.window, [r for r in self.relations if r.head_id in nodes or r.tail_id in nodes],
                            [e for e in self.entities if e.id in nodes])


_COLUMNS = "change, relation, head_label, tail_label, date, briefing, sentence, status, head, tail"


def since_build(index_path: Path) -> ChangeReport:
    """What the last write (`kg build`, `kg add`, `kg remove`) added and took away."""
    with sqlite3.connect(f"file:{index_path}?mode=ro", uri=True) as db:
        relations = [RelationChange(*row) for row in db.execute(
            f"SELECT {_COLUMNS} FROM changes ORDER BY change, date, relation, head_label, tail_label, id")]
        entities = [EntityChange(*row) for row in db.execute(
            "SELECT change, label, cls, node FROM node_changes ORDER BY change, cls, label")]
    db.close()
    return ChangeReport("since the previous build or add", relations, entities)


def between(index_path: Path, since: str, until: str) -> ChangeReport:
    """Relations with evidence dated in [since, until], and entities first seen in that window."""
    low, high = since or "0000", until or "9999"
    with sqlite3.connect(f"file:{index_path}?mode=ro", uri=True) as db:
        relations = [RelationChange("added", *row) for row in db.execute(
            """SELECT e.relation, h.label, t.label, e.date, e.briefing, e.sentence, COALESCE(e.status, ''), e.head, e.tail
               FROM evidence e JOIN nodes h ON h.node = e.head JOIN nodes t ON t.node = e.tail
               WHERE e.date != '' AND e.date BETWEEN ? AND ? ORDER BY e.date, e.relation, h.label, t.label, e.id""", (low, high))]
        entities = [EntityChange("added", *row) for row in db.execute(
            """SELECT n.label, n.cls, n.node FROM nodes n JOIN (
                   SELECT node, MIN(date) AS first FROM (SELECT head AS node, date FROM evidence WHERE date != ''
                                                         UNION ALL SELECT tail, date FROM evidence WHERE date != '')
                   GROUP BY node) f ON f.node = n.node
               WHERE f.first BETWEEN ? AND ? ORDER BY n.cls, n.label""", (low, high))]
    db.close()
    return ChangeReport(f"evidence dated {since or 'any time'} to {until or 'now'}", relations, entities)


def text_lines(report: ChangeReport, markdown: bool = False) -> list[str]:
    """The report grouped by relation family, each relation with its date, briefing, status and sentence."""
    title = f"Changes, {report.window}"
    lines = [f"# {title}" if markdown else title, ""]
    added = [e for e in report.entities if e.change == "added"]
    removed = [e for e in report.entities if e.change == "removed"]
    lines.append(f"{'## ' if markdown else ''}Entities: {len(added)} new, {len(removed)} gone")
    for entity in added + removed:
        lines.append(f"{'- ' if markdown else '  '}{'+' if entity.change == 'added' else '-'} {entity.label} ({entity.cls})")
    for family in FAMILIES:
        items = [r for r in report.relations if r.family == family]
        if not items:
            continue
        lines += ["", f"{'## ' if markdown else ''}{family.capitalize()}: {len(items)}"]
        for item in items:
            status = f", {item.status}" if item.status else ""
            sign = "+" if item.change == "added" else "-"
            lines.append(f"{'- ' if markdown else '  '}{sign} {item.head} {item.relation} {item.tail} "
                         f"[{item.date or 'undated'}, {item.briefing}{status}] {item.sentence}")
    return lines


class WatchList:
    """Names an analyst follows, kept as node IRIs beside the store in ``watch.json``."""

    def __init__(self, out: Path):
        self.path = out / WATCH_FILE

    def read(self) -> dict[str, str]:
        """IRI -> label of every watched node."""
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            raise KgError(f"{self.path}: not a watch list ({error})") from None

    def write(self, watched: dict[str, str]) -> None:
        from kg.files import write_atomically

        write_atomically(self.path, json.dumps(dict(sorted(watched.items())), ensure_ascii=False, indent=1).encode("utf-8"))
