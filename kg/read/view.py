"""A networkx view of the graph and the "who is connected to X" lookup behind `kg who`.

Read step: reads the store (`view_from_store`, the whole graph) or the index written beside it
(`neighbourhood`, the part around a few nodes), never the extraction. The view is a MultiDiGraph keyed by relation name,
over domain relations only (as rdflib's `rdflib_to_networkx_multidigraph`), with each edge's
evidence attached. Sectors also link to their broader sector, so a question about "renewable
energy" reaches what targets "photovoltaics".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.model.terms import CLASS_VALUES, RELATION_VALUES


def clip(text: str, width: int | None) -> str:
    """``text`` cut to ``width`` characters at a word boundary, with "…" where it was cut (None: whole).

    >>> clip("CATL and Stellantis agreed to build a plant in Spain.", 30)
    'CATL and Stellantis agreed to…'
    """
    if width is None or len(text) <= width:
        return text
    cut = text[: width - 1]
    if text[width - 1] != " " and " " in cut[width // 2:]:  # the cut falls inside a word: drop the piece
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def evidence_order(item: dict) -> tuple:
    """Evidence is listed oldest first; the order is total, so every reader lists it alike."""
    return item["date"], item["briefing"], item["sentence"], item["rule"], item["confidence"], item.get("status", "")


def within_dates(view, since: str = "", until: str = ""):
    """The view restricted to evidence dated in [since, until] (ISO dates, either may be empty).

    An edge stays when one of its evidence records is in range, keeping only those records;
    undated edges (the sector taxonomy) stay. A node that loses every edge goes; a node that
    had none stays only when its own date is in range.
    """
    if not since and not until:
        return view
    inside = lambda day: bool(day) and (not since or day >= since) and (not until or day <= until)  # noqa: E731
    kept = view.__class__()
    for head, tail, relation, data in view.edges(keys=True, data=True):
        evidence = data.get("evidence", [])
        if relation == "broader" or not evidence:
            continue
        dated = [e for e in evidence if inside(e["date"])]
        if dated:
            kept.add_edge(head, tail, key=relation, evidence=dated)
    for head, tail, relation, data in view.edges(keys=True, data=True):
        if relation == "broader" and head in kept and tail in kept:
            kept.add_edge(head, tail, key=relation, **data)
    for node, data in view.nodes(data=True):
        if node in kept or view.degree(node) == 0 and inside(data.get("date", "")):
            kept.add_node(node)
        if node in kept:
            kept.nodes[node].update(data)
    return kept


@dataclass
class Neighbour:
    id: str
    label: str
    cls: str
    relation: str
    direction: str
    distance: int
    evidence: list[dict] = field(default_factory=list)
    via: str = ""  # the nearer node of the link: a hop of a --depth 2 answer, or the narrower sector it targets


@dataclass
class WhoResult:
    id: str
    label: str
    cls: str
    aliases: list[str]
    neighbours: list[Neighbour]

    def as_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "class": self.cls, "aliases": self.aliases,
                "neighbours": [n.__dict__ for n in self.neighbours]}

    def lines(self, width: int | None = 160) -> list[str]:
        """The answer as `kg who` prints it: neighbours grouped by relation, each with its first sentence cut to ``width``."""
        lines = [f"{self.label} ({self.cls})"]
        if self.aliases:
            lines.append(f"  also: {'; '.join(a for a in self.aliases[:10] if a != self.label)}")
        current = None
        for neighbour in self.neighbours:
            arrow = "->" if neighbour.direction == "out" else "<-"
            group = f"{arrow} {neighbour.relation}" + (f" (distance {neighbour.distance})" if neighbour.distance > 1 else "")
            if group != current:
                lines.append(f"\n  {group}")
                current = group
            via = ""
            if neighbour.via:
                via = f" via {neighbour.via}" if neighbour.distance > 1 else f" (via {neighbour.via})"
            lines.append(f"    {neighbour.label} ({neighbour.cls}){via}")
            for evidence in neighbour.evidence[:1]:
                status = f", {evidence['status']}" if evidence.get("status") else ""
                lines.append(f"      [{evidence['date'] or 'undated'}, {evidence['briefing']}{status}] {clip(evidence['sentence'], width)}")
        if not self.neighbours:
            lines.append("  (no relations)")
        return lines

    def __repr__(self) -> str:
        return "\n".join(self.lines())


def who_in_view(view, node: str, depth: int = 1) -> WhoResult:
    """Who is connected to ``node`` (an id in ``view``): neighbours within ``depth`` hops, grouped by relation.

    Depth follows networkx's `ego_graph(G, n, radius=depth, undirected=True)` over the domain
    relations. Narrower sectors count as the sector itself, so their neighbours are listed too;
    the taxonomy is not a hop, so the whole graph (`view_from_store`) and a node's neighbourhood
    read from the index (`neighbourhood`) give the same answer.
    """
    import networkx as nx

    sources = {node}
    if view.nodes[node]["cls"] == "Sector":
        sources |= {n for n in nx.ancestors(_taxonomy(view), node)}
    found: dict[tuple[str, str, str], Neighbour] = {}
    undirected = nx.subgraph_view(view, filter_edge=lambda head, tail, relation: relation != "broader").to_undirected(as_view=True)
    for source in sorted(sources):
        # networkx's ego_graph(undirected=True) without its copies: it deep-copies every edge's
        # evidence twice, which cost more than reading a hub's relations from the index
        lengths = nx.single_source_shortest_path_length(undirected, source, cutoff=depth)
        for head, tail, relation, data in view.out_edges(lengths, keys=True, data=True):
            if relation == "broader" or tail not in lengths:
                continue
            if head in sources:
                other, direction = tail, "out"
            elif tail in sources:
                other, direction = head, "in"
            elif lengths.get(head, 99) == lengths.get(tail, 99):
                continue
            else:
                other, direction = (tail, "out") if lengths.get(head, 99) < lengths.get(tail, 99) else (head, "in")
            if other in sources:
                continue
            evidence, distance = data.get("evidence", []), lengths.get(other, 1)
            near = head if other == tail else tail
            via = view.nodes[near]["label"] if near != node else ""
            known = found.get((other, relation, direction))
            if known is None:
                info = view.nodes[other]
                found[other, relation, direction] = Neighbour(other, info["label"], info["cls"], relation, direction, distance,
                                                              evidence, via)
            else:  # the same link by several paths (or to several narrower sectors): all its evidence, once
                if (distance, via) < (known.distance, known.via):  # the shortest path, then the first name: whatever the order
                    known.distance, known.via = distance, via
                known.evidence = _merged(known.evidence, evidence)
    neighbours = sorted(found.values(), key=lambda n: (n.distance, n.relation, n.direction, n.label.lower()))
    data = view.nodes[node]
    return WhoResult(node, data["label"], data["cls"], data["aliases"], neighbours)


def _merged(first: list[dict], second: list[dict]) -> list[dict]:
    items = {tuple(sorted(item.items())): item for item in (*first, *second)}
    return sorted(items.values(), key=evidence_order)


def _taxonomy(view):
    import networkx as nx

    tree = nx.DiGraph()
    tree.add_edges_from((u, v) for u, v, k in view.edges(keys=True) if k == "broader")
    tree.add_nodes_from(view.nodes)
    return tree


# --- Views read from the embedded store (kg.storage.store) and the index (kg.storage.index) -------------


def _evidence_item(relation) -> dict:
    """A relation's evidence (`kg.model.records.RelationRecord`) as the views give it on edges, and `kg who --json` prints it."""
    e = relation.evidence
    return {"sentence": e.sentence, "briefing": e.briefing, "date": e.date, "rule": e.rule, "confidence": e.confidence, "status": e.status}


def view_from_store(store):
    """Entities as a MultiDiGraph, read from the whole store (for the HTML page and the network exports).

    Edge key = relation name, attribute ``evidence`` = list of dicts, oldest first.

    Questions about one node read only the relations around it, from the index (`neighbourhood`).
    """
    import networkx as nx

    from kg.storage.store import query, stored_evidence

    view = nx.MultiDiGraph()
    described = query(store, f"""SELECT ?s ?c ?label ?date WHERE {{ VALUES ?c {{ {CLASS_VALUES} }}
        ?s a ?c . OPTIONAL {{ ?s skos:prefLabel ?label }} OPTIONAL {{ ?s dcterms:date ?date }} }}""")
    for row in described:
        node = row["s"].value
        if node not in view:
            view.add_node(node, cls=row["c"].value.rsplit("#", 1)[-1], label=row["label"].value if row["label"] else node,
                          aliases=[], zh=[], date=row["date"].value if row["date"] else "")
    names: dict[str, tuple[set, set]] = {}
    for row in query(store, "SELECT DISTINCT ?s ?name WHERE { ?s skos:altLabel ?name }"):
        if row["s"].value in view:
            aliases, zh = names.setdefault(row["s"].value, (set(), set()))
            (zh if row["name"].language == "zh" else aliases).add(row["name"].value)
    for node, (aliases, zh) in names.items():
        view.nodes[node]["aliases"] = sorted(aliases)
        view.nodes[node]["zh"] = sorted(zh)
    evidence: dict[tuple[str, str, str], dict[tuple, dict]] = {}
    for row in stored_evidence(store):  # records that say the same thing in the same words are drawn once
        item = _evidence_item(row)
        evidence.setdefault((row.head, row.relation, row.tail), {})[tuple(item.values())] = item
    for row in query(store, f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {RELATION_VALUES} }} ?s ?p ?o }}"):
        head, relation, tail = row["s"].value, row["p"].value.rsplit("#", 1)[-1], row["o"].value
        if head in view and tail in view:
            items = sorted(evidence.get((head, relation, tail), {}).values(), key=evidence_order)
            view.add_edge(head, tail, key=relation, evidence=items)
    for row in query(store, "SELECT DISTINCT ?s ?o WHERE { ?s skos:broader ?o }"):
        if row["s"].value in view and row["o"].value in view:
            view.add_edge(row["s"].value, row["o"].value, key="broader", evidence=[])
    return view


def neighbourhood(index, sources: set[str], depth: int):
    """The relations within ``depth`` hops of ``sources``, with their evidence, read from the index.

    Each hop is one indexed read of the evidence table (`kg.storage.index.Index.links`), so a hub with
    hundreds of relations in a graph of millions of triples answers in milliseconds, and
    nothing is read about nodes further away. The view has the shape of `view_from_store`.
    """
    import networkx as nx

    view = nx.MultiDiGraph()
    for node in sources:
        described = index.describe(node)
        if described is not None:
            view.add_node(node, cls=described.cls, label=described.label, aliases=described.aliases, zh=described.zh,
                          date=described.date)
    frontier, seen = set(view), set(view)
    for _ in range(depth):
        evidence: dict[tuple[str, str, str], list[dict]] = {}
        for link in index.links(frontier):
            evidence.setdefault((link.head, link.relation, link.tail), []).append(_evidence_item(link))
        labels = index.labels({node for key in evidence for node in (key[0], key[2])} - seen)
        reached: set[str] = set()
        for (head, relation, tail), items in evidence.items():
            if head not in view and head not in labels or tail not in view and tail not in labels or view.has_edge(head, tail, relation):
                continue  # an endpoint that is no entity, or a link read at the previous hop
            for node in (head, tail):
                if node not in view:
                    label, cls = labels[node]
                    view.add_node(node, cls=cls, label=label, aliases=[], zh=[], date="")
            view.add_edge(head, tail, key=relation, evidence=sorted(items, key=evidence_order))
            reached |= {head, tail}
        frontier = reached - seen
        seen |= reached
    return view


def ended(neighbour: Neighbour) -> bool:
    """Whether a link is a deal that ended: its latest evidence says terminated, exited or rejected."""
    from extract.status import ENDED

    return bool(neighbour.evidence) and neighbour.evidence[-1].get("status", "") in ENDED


def who_in_index(index, node: str, depth: int = 1, since: str = "", until: str = "") -> WhoResult:
    """`who` for a node of a built graph, reading only the relations around it (and its narrower sectors)."""
    under = index.narrower(node)
    view = neighbourhood(index, {node} | under, depth)
    for sector in under:  # who_in_view() lists what targets a narrower sector under the broad one
        view.add_edge(sector, node, key="broader", evidence=[])
    view = within_dates(view, since, until)
    if node not in view:
        view = neighbourhood(index, {node}, 0)
    return who_in_view(view, node, depth)


@dataclass(frozen=True)
class Event:
    """One dated fact about a node: a relation with its evidence, or a document's own date."""

    date: str
    relation: str
    head: str
    tail: str
    sentence: str
    briefing: str

    def as_dict(self) -> dict:
        return self.__dict__.copy()

    def line(self, width: int | None = 160) -> str:
        """The event as `kg timeline` prints it."""
        what = f"{self.head} {self.relation} {self.tail}".strip()
        source = f"  [{self.briefing}] {clip(self.sentence, width)}" if self.briefing else ""
        return f"{self.date or 'undated':<10}  {what}{source}"


def timeline(index, node: str, since: str = "", until: str = "") -> list[Event]:
    """The node's events in date order (undated ones last), optionally within [since, until].

    Read from the index (`kg.storage.index`): the store had to filter every evidence record of the
    graph, 35 s for MIIT at 10,000 briefings.
    """
    links = index.links({node})
    labels = index.labels({end for link in links for end in (link.head, link.tail)})
    events = {Event(link.evidence.date, link.relation, labels[link.head][0], labels[link.tail][0], link.evidence.sentence,
                    link.evidence.briefing)
              for link in links if link.head in labels and link.tail in labels}
    described = index.describe(node)
    if described is not None and described.cls == "PolicyDocument" and described.date:
        events.add(Event(described.date, "dated", described.label, "", "the document's own date", ""))
    kept = [e for e in events if not since and not until or e.date and (not since or e.date >= since) and (not until or e.date <= until)]
    return sorted(kept, key=lambda e: (e.date == "", e.date, e.relation, e.head, e.tail, e.briefing, e.sentence))
