"""Draw the graph as one self-contained HTML page (vis-network, inlined: it opens offline).

Export step: reads only the rdflib Graph (through the networkx view). pyvis 0.3.2 links
cdn.jsdelivr.net even with ``cdn_resources="in_line"`` (its issues #228, #229), so the page is
rendered from our own template with the vis-network script that the pyvis wheel ships,
inlined. Every string from a briefing is JSON-encoded with <, > and & escaped, so a name such
as ``</script>`` cannot end the script or run code.
"""

from __future__ import annotations

import html
import json
import re
from importlib.resources import files
from pathlib import Path

from kg.files import write_atomically
from kg.model.terms import CLASS_STYLE, FAMILY_STYLE, RELATION_FAMILY

_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")


def _vis_asset(name: str) -> str:
    return files("pyvis").joinpath("templates", "lib", "vis-9.1.2", name).read_text(encoding="utf-8")


def _safe_json(value) -> str:
    """JSON that is also safe inside <script>: no "<", ">" or "&" survives literally."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def graph_data(view) -> dict:
    """Nodes and edges in vis-network's format, with plain-text tooltips.

    Tooltips are strings, which vis-network 9 shows as text, never as HTML.
    """
    nodes, edges = [], []
    for node, data in view.nodes(data=True):
        color, shape = CLASS_STYLE[data["cls"]]
        degree = view.degree(node)
        aliases = [a for a in data["aliases"] if a != data["label"]]
        zh = data.get("zh", [])
        tooltip = "\n".join(filter(None, [
            f"{data['label']} ({data['cls']})",
            f"Also: {'; '.join(aliases[:8])}" if aliases else "",
            f"Chinese: {'; '.join(zh[:2])}" if zh else "",
            f"Date: {data['date']}" if data.get("date") else "",
            f"Links: {degree}",
        ]))
        nodes.append({"id": node, "label": _short(data["label"]), "title": tooltip, "group": data["cls"], "color": color,
                      "shape": shape, "value": degree + 1, "names": [data["label"], *aliases, *zh],
                      "aliases": aliases, "zh": zh})
    parallel: dict[frozenset, int] = {}
    for index, (head, tail, relation, data) in enumerate(view.edges(keys=True, data=True)):
        family = RELATION_FAMILY.get(relation, "policy")
        pair = frozenset((head, tail))
        parallel[pair] = parallel.get(pair, -1) + 1  # bend the 2nd, 3rd ... edge of a pair so each stays visible
        color, width, dashes = FAMILY_STYLE[family]
        evidence = data.get("evidence", [])
        tooltip = "\n\n".join(
            f"{e['sentence']}\n({e['briefing']}, {e['date'] or 'undated'}; "
            f"{'deal ' + e['status'] + '; ' if e.get('status') else ''}rule {e['rule']}, confidence {e['confidence']:.2f})"
            for e in evidence[:3]
        ) or relation
        edges.append({"id": index, "from": head, "to": tail, "label": relation, "title": f"{relation}\n{tooltip}",
                      "relation": relation, "family": family, "color": color, "width": width, "dashes": dashes,
                      "arrows": "to", "dates": sorted({e["date"] for e in evidence if e["date"]}),
                      "smooth": {"enabled": True, "type": "curvedCW", "roundness": 0.2 * parallel[pair]} if parallel[pair] else False})
    return {"nodes": nodes, "edges": edges}


def _short(label: str, limit: int = 60) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _legends(data: dict) -> dict[str, str]:
    """Checkbox legends for the classes and the relations present; all text here is ours."""
    classes = "".join(
        f'<label><input type="checkbox" class="cls" value="{cls}" checked>'
        f'<span class="swatch" style="background:{color}"></span>{cls}</label>'
        for cls, (color, _) in CLASS_STYLE.items()
    )
    present = sorted({e["relation"] for e in data["edges"]}, key=list(RELATION_FAMILY).index)
    relations = "".join(
        f'<label><input type="checkbox" class="rel" value="{rel}" checked>'
        f'<span class="line" style="border-top-color:{FAMILY_STYLE[RELATION_FAMILY[rel]][0]};'
        f'border-top-style:{"dashed" if FAMILY_STYLE[RELATION_FAMILY[rel]][2] else "solid"}"></span>{rel}</label>'
        for rel in present
    )
    return {"CLASS_LEGEND": classes, "RELATION_LEGEND": relations}


def render_html(view, title: str = "china-industry-kg") -> str:
    """The page as a string; placeholders are filled in one pass, so data can never inject one."""
    template = files("kg").joinpath("templates", "graph.html").read_text(encoding="utf-8")
    data = graph_data(view)
    values = {"TITLE": html.escape(title), "VIS_CSS": _vis_asset("vis-network.css"), "VIS_JS": _vis_asset("vis-network.min.js"),
              "DATA": _safe_json(data), **_legends(data)}
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def write_html(path: Path, view) -> None:
    """Write the page for a networkx view (`kg.read.view`), atomically."""
    write_atomically(path, render_html(view).encode("utf-8"))
