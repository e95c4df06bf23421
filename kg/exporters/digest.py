"""`kg digest`: a month's report to read, not a table to query.

The window's new documents by issuing agency, the most-targeted sectors against the window
before it, new deals with their status, the busiest new entities, the watched names' new links,
and small charts of counts per month (sectors targeted, documents issued by agency) drawn as
inline SVG, so the page opens offline. Every item carries its evidence: sentence, briefing, date.
All figures come from the index's evidence rows, the same rows `kg who` reads.
"""

from __future__ import annotations

import datetime
import html
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kg.model.terms import RELATION_FAMILY


@dataclass
class Item:
    head: str
    relation: str
    tail: str
    date: str
    briefing: str
    sentence: str
    status: str = ""


@dataclass
class Digest:
    """The figures of one window; `document_count` counts each document once, however many issued it."""

    since: str
    until: str
    documents_by_agency: dict[str, list[Item]] = field(default_factory=dict)
    sectors: list[tuple[str, int, int]] = field(default_factory=list)  # sector, targets in the window, in the window before
    deals: list[Item] = field(default_factory=list)
    busiest_new: list[tuple[str, str, int]] = field(default_factory=list)  # label, class, links in the window
    watched: dict[str, list[Item]] = field(default_factory=dict)
    monthly_sectors: dict[str, Counter] = field(default_factory=dict)
    monthly_agencies: dict[str, Counter] = field(default_factory=dict)

    @property
    def document_count(self) -> int:
        return len({item.head for items in self.documents_by_agency.values() for item in items})


def _previous_window(since: str, until: str) -> tuple[str, str]:
    start, end = datetime.date.fromisoformat(since), datetime.date.fromisoformat(until)
    before = start - datetime.timedelta(days=1)
    return (before - (end - start)).isoformat(), before.isoformat()


def default_window(index_path: Path) -> tuple[str, str]:
    """The calendar month of the latest dated evidence."""
    with sqlite3.connect(f"file:{index_path}?mode=ro", uri=True) as db:
        latest = db.execute("SELECT MAX(date) FROM evidence WHERE date != ''").fetchone()[0]
    db.close()
    if not latest:
        today = datetime.date.today().isoformat()
        return today[:8] + "01", today
    return latest[:8] + "01", latest


def build_digest(index_path: Path, since: str, until: str, watched: dict[str, str] | None = None) -> Digest:
    digest = Digest(since, until)
    earlier = _previous_window(since, until)
    with sqlite3.connect(f"file:{index_path}?mode=ro", uri=True) as db:
        rows = db.execute("""SELECT e.head, h.label, e.relation, e.tail, t.label, e.date, e.briefing, e.sentence,
                                    COALESCE(e.status, ''), h.cls, t.cls
                             FROM evidence e JOIN nodes h ON h.node = e.head JOIN nodes t ON t.node = e.tail
                             WHERE e.date != '' ORDER BY e.date, e.relation, h.label, t.label, e.id""").fetchall()
    db.close()
    first_seen: dict[str, str] = {}
    for head, _, _, tail, _, date, *_ in rows:
        for node in (head, tail):
            first_seen.setdefault(node, date)
    window = [row for row in rows if since <= row[5] <= until]
    documents: dict[str, list[Item]] = defaultdict(list)
    targets, targets_before = Counter(), Counter()
    links: Counter = Counter()
    labels: dict[str, tuple[str, str]] = {}
    for _, _, relation, _, tail_label, date, *_ in rows:
        month = date[:7]
        if relation == "targetsSector":
            digest.monthly_sectors.setdefault(tail_label, Counter())[month] += 1
            if earlier[0] <= date <= earlier[1]:
                targets_before[tail_label] += 1
        if relation == "issuedBy":
            digest.monthly_agencies.setdefault(tail_label, Counter())[month] += 1
    seen_deals = set()
    for head, head_label, relation, tail, tail_label, date, briefing, sentence, status, head_cls, tail_cls in window:
        item = Item(head_label, relation, tail_label, date, briefing, sentence, status)
        if relation == "issuedBy" and not any(i.head == head_label for i in documents[tail_label]):
            documents[tail_label].append(item)
        if relation == "targetsSector":
            targets[tail_label] += 1
        if RELATION_FAMILY.get(relation) in ("deal", "ownership") and (head, relation, tail) not in seen_deals:
            seen_deals.add((head, relation, tail))
            digest.deals.append(item)
        for node, label, cls in ((head, head_label, head_cls), (tail, tail_label, tail_cls)):
            if since <= first_seen[node] <= until:
                links[node] += 1
                labels[node] = (label, cls)
        for node in (head, tail):
            if watched and node in watched:
                digest.watched.setdefault(watched[node], []).append(item)
    digest.documents_by_agency = dict(sorted(documents.items(), key=lambda pair: (-len(pair[1]), pair[0])))
    digest.sectors = [(sector, count, targets_before[sector]) for sector, count in
                      sorted(targets.items(), key=lambda pair: (-pair[1], pair[0]))[:15]]
    digest.busiest_new = [(*labels[node], count) for node, count in sorted(links.items(), key=lambda p: (-p[1], labels[p[0]][0]))[:10]]
    return digest


def _bars(title: str, series: dict[str, Counter], top: int = 5) -> str:
    """A small SVG chart per name: counts per month, for the ``top`` names with the most."""
    ranked = sorted(series.items(), key=lambda pair: (-sum(pair[1].values()), pair[0]))[:top]
    months = sorted({month for _, counts in ranked for month in counts})
    if not months:
        return ""
    width, height, bar = 24 * len(months) + 60, 70, 20
    charts = []
    for name, counts in ranked:
        peak = max(counts.values())
        rects = "".join(
            f'<rect x="{50 + 24 * i}" y="{60 - 50 * counts.get(month, 0) / peak:.1f}" width="{bar}" '
            f'height="{50 * counts.get(month, 0) / peak:.1f}"><title>{html.escape(month)}: {counts.get(month, 0)}</title></rect>'
            for i, month in enumerate(months))
        charts.append(f'<figure><figcaption>{html.escape(name)} ({sum(counts.values())})</figcaption>'
                      f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">'
                      f'<text x="0" y="65" font-size="9">{html.escape(months[0])}</text>{rects}'
                      f'<text x="{width - 40}" y="65" font-size="9">{html.escape(months[-1])}</text></svg></figure>')
    return f"<h2>{html.escape(title)}</h2><div class=charts>{''.join(charts)}</div>"


def _evidence(item: Item) -> str:
    status = f", {html.escape(item.status)}" if item.status else ""
    return (f"<details><summary>{html.escape(item.head)} <em>{item.relation}</em> {html.escape(item.tail)}</summary>"
            f"<blockquote>{html.escape(item.sentence)}</blockquote><small>{html.escape(item.briefing)}, "
            f"{html.escape(item.date)}{status}</small></details>")


def to_html(digest: Digest) -> str:
    parts = [f"<h1>Digest, {digest.since} to {digest.until}</h1>",
             f"<h2>New documents by agency ({digest.document_count})</h2>"]
    for agency, items in digest.documents_by_agency.items():
        parts.append(f"<h3>{html.escape(agency)} ({len(items)})</h3>" + "".join(_evidence(i) for i in items))
    parts.append("<h2>Most-targeted sectors</h2><table id=sectors><tr><th>sector</th><th>targets</th><th>window before</th>"
                 "<th>change</th></tr>")
    parts += [f"<tr><td>{html.escape(s)}</td><td>{n}</td><td>{b}</td><td>{n - b:+d}</td></tr>" for s, n, b in digest.sectors]
    parts.append("</table>")
    parts.append(f"<h2>New deals ({len(digest.deals)})</h2>" + "".join(_evidence(i) for i in digest.deals))
    parts.append("<h2>Busiest new entities</h2><ol>" + "".join(
        f"<li>{html.escape(label)} ({cls}): {n} link(s)</li>" for label, cls, n in digest.busiest_new) + "</ol>")
    if digest.watched:
        parts.append("<h2>Watched names</h2>")
        for name, items in digest.watched.items():
            parts.append(f"<h3>{html.escape(name)} ({len(items)})</h3>" + "".join(_evidence(i) for i in items))
    parts.append(_bars("Sectors targeted, per month", digest.monthly_sectors))
    parts.append(_bars("Documents issued, per month, by agency", digest.monthly_agencies))
    body = "\n".join(parts)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>china-industry-kg digest {digest.since} to {digest.until}</title>
<style>body {{ font-family: sans-serif; margin: 2em; max-width: 60em; }} blockquote {{ margin: .3em 1em; color: #333; }}
rect {{ fill: #1f77b4; }} .charts {{ display: flex; flex-wrap: wrap; gap: 1em; }} figure {{ margin: 0; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #ccc; padding: .2em .5em; }}</style></head>
<body>{body}
<script>window.cikg = {{kind: "digest", stabilized: true}};</script></body></html>
"""


def to_markdown(digest: Digest) -> str:
    lines = [f"# Digest, {digest.since} to {digest.until}", "",
             f"## New documents by agency ({digest.document_count})", ""]
    for agency, items in digest.documents_by_agency.items():
        lines += [f"### {agency} ({len(items)})", ""] + [f"- {i.head} ({i.date}, {i.briefing}): {i.sentence}" for i in items] + [""]
    lines += ["## Most-targeted sectors", "", "| sector | targets | window before | change |", "| --- | ---: | ---: | ---: |"]
    lines += [f"| {s} | {n} | {b} | {n - b:+d} |" for s, n, b in digest.sectors]
    lines += ["", f"## New deals ({len(digest.deals)})", ""]
    lines += [f"- {i.head} {i.relation} {i.tail}{', ' + i.status if i.status else ''} ({i.date}, {i.briefing}): {i.sentence}"
              for i in digest.deals]
    lines += ["", "## Busiest new entities", ""] + [f"1. {label} ({cls}): {n} link(s)" for label, cls, n in digest.busiest_new]
    for name, items in digest.watched.items():
        lines += ["", f"## Watched: {name}", ""] + [f"- {i.head} {i.relation} {i.tail} ({i.date}): {i.sentence}" for i in items]
    return "\n".join(lines) + "\n"
