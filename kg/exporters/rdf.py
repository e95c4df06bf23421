"""Everything written beside the store after it changes: Turtle, TriG, N-Quads, HTML, VoID, name index.

Export step: reads the store (read-only), writes each file atomically. Files are streamed from
the store (never held whole in memory) in the store's own order, which depends only on the
content, so rebuilding the same input gives byte-identical files. The Turtle file is the merged
graph; `kg export` writes TriG and N-Quads (one named graph per briefing) on demand, as they
cost more to write than the rest of a build's outputs together.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

from kg.files import atomic_output, write_atomically
from kg.model.namespace import CIKG, CLASSES, ID, RELATIONS, new_graph
from kg.model.terms import ONTOLOGY_IRI
from kg.storage.store import GRAPH_NS, PREFIXES, VOID_GRAPH, query

VOID = Namespace("http://rdfs.org/ns/void#")
OUTPUTS = ("graph.ttl", "graph.html", "void.ttl")
FORMATS = {  # kg export: name -> (pyoxigraph format, whole dataset?)
    "turtle": (ox.RdfFormat.TURTLE, False), "ntriples": (ox.RdfFormat.N_TRIPLES, False),
    "trig": (ox.RdfFormat.TRIG, True), "nquads": (ox.RdfFormat.N_QUADS, True),
}


def export(store: ox.Store, fmt: str, path: Path) -> None:
    """Write the merged graph (Turtle, N-Triples) or every named graph (TriG, N-Quads) to ``path``, streaming."""
    rdf_format, dataset = FORMATS[fmt]
    prefixes = PREFIXES if fmt in ("turtle", "trig") else None
    with atomic_output(path) as temporary:
        if dataset:
            store.dump(temporary, format=rdf_format, prefixes=prefixes)
        else:
            store.dump(temporary, format=rdf_format, from_graph=ox.DefaultGraph(), prefixes=prefixes)


def ontology_triples() -> list:
    """The ontology (ontology/cikg.ttl) and its SHACL shapes (ontology/shapes.ttl), as pyoxigraph triples.

    They go to the store's own ``…/graph/ontology`` graph, so a newcomer can find the classes
    and properties with a query (``GRAPH <…/graph/ontology> { ?c a owl:Class }``).
    """
    from importlib.resources import files

    labels: dict[ox.BlankNode, ox.BlankNode] = {}

    def stable(term):  # the parser names blank nodes at random: number them in order, so exports stay byte-identical
        if isinstance(term, ox.BlankNode):
            return labels.setdefault(term, ox.BlankNode(f"ontology{len(labels)}"))
        return term

    triples = []
    for name in ("cikg.ttl", "shapes.ttl"):
        data = files("ontology").joinpath(name).read_bytes()
        triples += [ox.Triple(stable(q.subject), q.predicate, stable(q.object)) for q in ox.parse(data, format=ox.RdfFormat.TURTLE)]
    return triples


def void_graph(store: ox.Store) -> Graph:
    """A VoID description of the dataset: size, classes and relations with their counts.

    It is stored in its own named graph, so a SPARQL store that holds the graph also lists it.
    """
    graph = new_graph()
    graph.bind("void", VOID)
    dataset = URIRef(f"{GRAPH_NS}dataset")
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, DCTERMS.title, Literal("china-industry-kg: Chinese industrial policy briefings as a knowledge graph", lang="en")))
    graph.add((dataset, DCTERMS.modified, Literal(date.today().isoformat(), datatype=XSD.date)))
    graph.add((dataset, VOID.vocabulary, URIRef(ONTOLOGY_IRI)))
    graph.add((dataset, VOID.uriSpace, Literal(str(ID))))
    graph.add((dataset, VOID.feature, URIRef("http://www.w3.org/ns/formats/Turtle")))
    # the merged default graph, before the VoID graph joins it
    triples = next(iter(query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))
    graph.add((dataset, VOID.triples, Literal(int(triples["n"].value))))
    briefings = [row["g"].value for row in query(store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?b a cikg:Briefing } }")]
    for briefing in sorted(briefings):
        graph.add((dataset, VOID.subset, URIRef(briefing)))
        graph.add((URIRef(briefing), RDF.type, VOID.Dataset))
    total = 0
    for cls in CLASSES:
        count = int(next(iter(query(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a cikg:{cls} }}")))["n"].value)
        total += count
        partition = URIRef(f"{GRAPH_NS}dataset/class/{cls}")
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], CIKG[cls]))
        graph.add((partition, VOID.entities, Literal(count)))
    graph.add((dataset, VOID.entities, Literal(total)))
    for relation in RELATIONS:
        pairs = f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o {{ ?s cikg:{relation} ?o }} }}"
        count = int(next(iter(query(store, pairs)))["n"].value)
        partition = URIRef(f"{GRAPH_NS}dataset/property/{relation}")
        graph.add((dataset, VOID.propertyPartition, partition))
        graph.add((partition, VOID.property, CIKG[relation]))
        graph.add((partition, VOID.triples, Literal(count)))
    return graph


MAX_HTML_NODES = 5000


EXPORTS_MARKER = ".exports"  # the store generation the files in ``out`` were written from


def exports_current(out: Path) -> bool:
    """Whether graph.ttl, graph.html and void.ttl were written from the store now in ``out``.

    A write killed after its store was swapped in, but before its files were rewritten, leaves
    them one write behind; the next writer redoes them, and readers of graph.ttl say so.
    """
    from kg.errors import GraphNotBuiltError
    from kg.storage.store import store_folder, store_generation

    try:
        generation = store_generation(store_folder(out))
    except GraphNotBuiltError:  # files without a store (copied elsewhere): nothing to compare them with
        return True
    if not generation:  # a store written before generations were recorded: nothing to compare
        return True
    try:
        return (out / EXPORTS_MARKER).read_text(encoding="ascii").strip() == generation
    except OSError:
        return False


def write_exports(out: Path, store: ox.Store, turtle: bool = True) -> list[Path]:
    """Write every file derived from the store into ``out``, streaming; returns their paths.

    Without ``turtle`` no graph.ttl is written, and an older one is removed rather than left
    stale: on millions of triples the Turtle file costs more than the rest of the build's
    outputs, and the store answers every query without it (`kg export` writes it on demand).
    The store's generation is recorded last (`exports_current`).
    """
    from kg.storage.store import store_folder, store_generation

    (out / EXPORTS_MARKER).unlink(missing_ok=True)
    from kg.exporters.html import write_html
    from kg.read.view import view_from_store

    if turtle:
        export(store, "turtle", out / "graph.ttl")
    else:
        (out / "graph.ttl").unlink(missing_ok=True)
    with atomic_output(out / "void.ttl") as path:
        store.dump(path, format=ox.RdfFormat.TURTLE, from_graph=ox.NamedNode(VOID_GRAPH), prefixes=PREFIXES)
    total = entity_count(store)
    if total <= MAX_HTML_NODES:
        write_html(out / "graph.html", view_from_store(store))
    else:
        write_overview(out / "graph.html", store, total)
    (out / "names.sqlite").unlink(missing_ok=True)   # an older name index; it lives in the store's folder now
    with atomic_output(out / EXPORTS_MARKER) as path:
        Path(path).write_text(store_generation(store_folder(out)) + "\n", encoding="ascii")
    return [out / name for name in OUTPUTS if turtle or name != "graph.ttl"]


def entity_count(store: ox.Store) -> int:
    from kg.model.terms import CLASS_VALUES

    count = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?c {{ {CLASS_VALUES} }} ?s a ?c }}"
    return int(next(iter(query(store, count)))["n"].value)


def write_overview(path: Path, store: ox.Store, total: int) -> None:
    """The page written instead of the whole graph when it is too large to draw usefully.

    A hundred thousand nodes laid out in a browser help nobody and take minutes; the page lists
    the best-connected nodes and says how to draw a part (`kg html --focus NAME`).
    """
    import html

    from kg.model.terms import RELATION_VALUES

    # count per node first and name only the fifty kept: grouping millions of rows by label took 40 s
    rows = query(store, f"""SELECT ?label ?n WHERE {{
        {{ SELECT ?s (COUNT(*) AS ?n) WHERE {{ VALUES ?p {{ {RELATION_VALUES} }} {{ ?s ?p ?o }} UNION {{ ?o ?p ?s }} }}
           GROUP BY ?s ORDER BY DESC(?n) ?s LIMIT 50 }}
        ?s skos:prefLabel ?label }} ORDER BY DESC(?n) ?label""")
    items = "".join(f"<li>{html.escape(row['label'].value)} ({row['n'].value} links)</li>" for row in rows)
    write_atomically(path, f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>china-industry-kg</title><style>body {{ font-family: sans-serif; margin: 2em; }}</style></head><body>
<h1>{total:,} entities: too many to draw on one page</h1>
<p>Draw a part of the graph with <code>kg html --focus NAME --depth 2 -o part.html</code>, or a period with
<code>--since</code> and <code>--until</code>. The best-connected entities:</p><ol>{items}</ol></body></html>
""".encode())
