"""Draw the graph as one self-contained HTML page (vis-network, inlined: it opens offline).

Export step: reads only the rdflib Graph (through the networkx view). pyvis 0.3.2 links
cdn.jsdelivr.net even with ``cdn_resources="in_line"`` (its issues #228, #229), so the page is
rendered from our own template with the vis-network script that the pyvis wheel ships,
inlined. Every string from a briefing is JSON-encoded with <, > and & escaped, so a name such
as ``</script>`` cannot end the script or run code.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

from rdflib import Graph

from kg.graph import write_atomically

CLASS_STYLE = {
    "Agency": ("#d62728", "box"), "Program": ("#9467bd", "diamond"), "PolicyDocument": ("#1f77b4", "square"),
    "Firm": ("#2ca02c", "dot"), "Sector": ("#ff7f0e", "triangle"), "Place": ("#8c564b", "star"),
    "Organization": ("#e377c2", "ellipse"), "Person": ("#17becf", "hexagon"),
}
RELATION_FAMILY = {
    "issuedBy": "policy", "targetsSector": "policy", "administers": "policy", "partOf": "policy",
    "subsidiaryOf": "ownership", "acquires": "ownership", "mergesWith": "ownership", "investsIn": "ownership",
    "partnersWith": "deal", "licensesTo": "deal", "locatedIn": "place", "broader": "taxonomy",
}
FAMILY_STYLE = {"policy": "#1f77b4", "ownership": "#d62728", "deal": "#2ca02c", "place": "#8c564b", "taxonomy": "#bbbbbb"}


def _vis_asset(name: str) -> str:
    return files("pyvis").joinpath("templates", "lib", "vis-9.1.2", name).read_text(encoding="utf-8")


def _safe_json(value) -> str:
    """JSON that is also safe inside <script>: no "<", ">" or "&" survives literally."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def graph_data(view) -> dict:
    """Nodes and edges in vis-network's format, with plain-text tooltips."""
    nodes, edges = [], []
    for node, data in view.nodes(data=True):
        color, shape = CLASS_STYLE[data["cls"]]
        degree = view.degree(node)
        aliases = [a for a in data["aliases"] if a != data["label"]]
        tooltip = "\n".join(filter(None, [
            f"{data['label']} ({data['cls']})",
            f"Also: {'; '.join(aliases[:8])}" if aliases else "",
            f"Date: {data['date']}" if data.get("date") else "",
            f"Links: {degree}",
        ]))
        nodes.append({"id": node, "label": data["label"][:60], "title": tooltip, "group": data["cls"], "color": color,
                      "shape": shape, "value": degree + 1, "names": [data["label"], *aliases]})
    for index, (head, tail, relation, data) in enumerate(view.edges(keys=True, data=True)):
        family = RELATION_FAMILY.get(relation, "policy")
        evidence = data.get("evidence", [])
        tooltip = "\n\n".join(f"{e['sentence']}\n({e['briefing']}, {e['date']}, {e['rule']})" for e in evidence[:3]) or relation
        edges.append({"id": index, "from": head, "to": tail, "label": relation, "title": tooltip, "relation": relation,
                      "color": FAMILY_STYLE[family], "dashes": family == "taxonomy", "arrows": "to",
                      "date": min((e["date"] for e in evidence if e["date"]), default="")})
    return {"nodes": nodes, "edges": edges}


def render_html(view, title: str = "china-industry-kg") -> str:
    template = files("kg").joinpath("templates", "graph.html").read_text(encoding="utf-8")
    legend = "".join(
        f'<label><input type="checkbox" class="cls" value="{cls}" checked> '
        f'<span style="color:{color}">&#9632;</span> {cls}</label> '
        for cls, (color, _) in CLASS_STYLE.items()
    )
    return (template.replace("{{TITLE}}", title)
            .replace("{{VIS_CSS}}", _vis_asset("vis-network.css"))
            .replace("{{LEGEND}}", legend)
            .replace("{{VIS_JS}}", _vis_asset("vis-network.min.js"))
            .replace("{{DATA}}", _safe_json(graph_data(view))))


def write_html(graph: Graph, path: Path, view=None) -> None:
    """Write the page atomically; ``view`` defaults to the whole graph."""
    from kg.view import to_networkx

    write_atomically(path, render_html(view if view is not None else to_networkx(graph)).encode("utf-8"))


def focused_view(graph: Graph, name: str, depth: int):
    """The sub-graph around one node, for `kg html --focus`."""
    import networkx as nx

    from kg.view import find_node, to_networkx

    view = to_networkx(graph)
    node = find_node(view, name)
    return nx.ego_graph(view, node, radius=depth, undirected=True)
