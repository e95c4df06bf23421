"""What a `kg serve` worker computes: one query's answer in the format asked, or the service description.

The request side (`kg.services.protocol`) decides the formats and the dataset and puts them in a `Job`;
a worker process runs it with `run_one` on its read-only store and sends back an `Answer`,
already serialized, so the server only copies bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from kg.services.protocol import GRAPH_TYPES, RESULT_TYPES, not_acceptable


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes
    truncated: bool = False
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Job:
    """What a worker is asked: a query with its formats and dataset, or (``text`` None) the service description."""

    text: str | None
    result_format: str | None  # for SELECT and ASK; None: the client accepts no result format (406)
    graph_format: str | None  # for CONSTRUCT and DESCRIBE, and the service description
    max_rows: int
    base_iri: str  # the endpoint's URL: relative IRIs in a query resolve against it
    default_graphs: tuple[str, ...] | None = None  # None: the query's own dataset (FROM), else the protocol's
    named_graphs: tuple[str, ...] | None = None


_DESCRIPTIONS: dict[str, list] = {}  # the service description of each store folder this worker has seen


def run_one(store, job: Job, folder: str = "") -> Answer:
    """Execute one query (or describe the service) on an open store; every failure becomes an HTTP answer."""
    import pyoxigraph as ox

    from kg.errors import QueryError
    from kg.storage.guard import check_query
    from kg.storage.store import PREFIXES, VOID_GRAPH

    if job.text is None:
        try:
            if folder not in _DESCRIPTIONS:
                _DESCRIPTIONS.clear()
                _DESCRIPTIONS[folder] = service_description(store, job.base_iri, VOID_GRAPH)
            body = serialize_triples(_DESCRIPTIONS[folder], job.graph_format, {"cikg": PREFIXES["cikg"], **DESCRIPTION_PREFIXES})
        except Exception as error:  # an unreadable store, say
            return text_answer(500, f"The service description failed: {error}")
        return Answer(200, GRAPH_TYPES[job.graph_format], body)
    dataset = {} if job.default_graphs is None else {
        "default_graph": [ox.NamedNode(iri) for iri in job.default_graphs],
        "named_graphs": [ox.NamedNode(iri) for iri in job.named_graphs or ()]}
    try:
        check_query(job.text)
        result = store.query(job.text, base_iri=job.base_iri, prefixes=PREFIXES, **dataset)
        kind = "graph" if isinstance(result, ox.QueryTriples) else "results"
        fmt = job.graph_format if kind == "graph" else job.result_format
        if fmt is None:
            return text_answer(406, not_acceptable(kind))
        if isinstance(result, ox.QueryBoolean):
            return Answer(200, RESULT_TYPES[fmt], serialize_boolean(bool(result), fmt))
        rows, truncated = [], False
        for row in result:  # evaluation is lazy: errors may come while reading
            if len(rows) == job.max_rows:
                truncated = True
                break
            rows.append(row)
    except QueryError as error:  # refused before the engine saw it (`kg.storage.guard`)
        return text_answer(400, str(error))
    except SyntaxError as error:
        from kg.read.query import syntax_message

        return text_answer(400, syntax_message(job.text, error))
    except Exception as error:  # pyoxigraph raises OSError/RuntimeError/ValueError for evaluation problems
        return text_answer(400, f"SPARQL error: {error}")
    try:
        if kind == "graph":
            return Answer(200, GRAPH_TYPES[fmt], serialize_triples(rows, fmt, PREFIXES), truncated)
        variables = [v.value for v in result.variables]
        rows = [[solution[i] for i in range(len(variables))] for solution in rows]
        return Answer(200, RESULT_TYPES[fmt], serialize_solutions(variables, rows, fmt), truncated)
    except Exception as error:  # e.g. RDF/XML cannot write a predicate IRI that ends in "/"
        return text_answer(500, f"The answer cannot be written as {fmt}: {error}")


def text_answer(status: int, message: str, headers: tuple[tuple[str, str], ...] = ()) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", f"{message}\n".encode(), headers=headers)


# --- serializers ---------------------------------------------------------------------------------

def _term_json(term) -> dict:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    value = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        value["datatype"] = term.datatype.value
    return value


def _term_xml(term) -> str:
    kind = _term_json(term)
    if kind["type"] == "uri":
        return f"<uri>{xml_escape(kind['value'])}</uri>"
    if kind["type"] == "bnode":
        return f"<bnode>{xml_escape(kind['value'])}</bnode>"
    attributes = "".join(f" {key}={quoteattr(value)}" for key, value in kind.items() if key not in ("type", "value"))
    return f"<literal{attributes}>{xml_escape(kind['value'])}</literal>"


def _csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\r\n') else value


def serialize_solutions(variables: list[str], rows: list[list], fmt: str) -> bytes:
    """SELECT results in one of the four SPARQL result formats."""
    if fmt == "json":
        bindings = [{v: _term_json(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False).encode()
    if fmt == "xml":
        head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
        results = "".join(
            "<result>" + "".join(f"<binding name={quoteattr(v)}>{_term_xml(t)}</binding>"
                                 for v, t in zip(variables, row, strict=True) if t is not None) + "</result>"
            for row in rows
        )
        return (f'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>{head}</head>'
                f"<results>{results}</results></sparql>").encode()
    if fmt == "csv":
        lines = [",".join(variables)] + [",".join("" if t is None else _csv_cell(t.value) for t in row) for row in rows]
        return ("\r\n".join(lines) + "\r\n").encode()
    lines = ["\t".join(f"?{v}" for v in variables)] + ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def serialize_boolean(value: bool, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (f'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                f"<boolean>{str(value).lower()}</boolean></sparql>").encode()
    return f"{'_askResult' if fmt == 'csv' else '?_askResult'}\n{str(value).lower()}\n".encode()


def serialize_triples(triples: list, fmt: str, prefixes: dict[str, str]) -> bytes:
    import pyoxigraph as ox

    rdf_format = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "nquads": ox.RdfFormat.N_QUADS,
                  "rdfxml": ox.RdfFormat.RDF_XML, "jsonld": ox.RdfFormat.JSON_LD}[fmt]
    return ox.serialize(triples, format=rdf_format, prefixes=prefixes if fmt in ("turtle", "rdfxml") else None)


# --- the service description -------------------------------------------------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
FORMAT_IRIS = {  # https://www.w3.org/ns/formats/
    "json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV", "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle", "ntriples": "N-Triples", "nquads": "N-Quads", "rdfxml": "RDF_XML", "jsonld": "JSON-LD",
}
DESCRIPTION_PREFIXES = {"sd": SD, "void": VOID, "formats": "http://www.w3.org/ns/formats/",
                        "dcterms": "http://purl.org/dc/terms/", "xsd": "http://www.w3.org/2001/XMLSchema#"}


def service_description(store, endpoint: str, void_graph: str) -> list:
    """An ``sd:Service`` for ``endpoint``: languages, result formats, and the default dataset.

    The dataset is the one the store's VoID graph describes (its statements come along), with
    the size of the default graph and every named graph by name and size.
    """
    import pyoxigraph as ox

    def iri(value: str) -> ox.NamedNode:
        return ox.NamedNode(value)

    a = iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    service, default = ox.BlankNode(), ox.BlankNode()
    void = iri(void_graph)
    top = list(store.query(f"SELECT ?d WHERE {{ GRAPH <{void_graph}> {{ ?d a <{VOID}Dataset> "
                           f"FILTER NOT EXISTS {{ ?parent <{VOID}subset> ?d }} }} }} ORDER BY ?d LIMIT 1"))
    dataset = top[0]["d"] if top else ox.BlankNode()
    triples = [ox.Triple(service, a, iri(SD + "Service")), ox.Triple(service, iri(SD + "endpoint"), iri(endpoint)),
               ox.Triple(service, iri(SD + "supportedLanguage"), iri(SD + "SPARQL11Query")),
               ox.Triple(service, iri(SD + "defaultEntailmentRegime"), iri("http://www.w3.org/ns/entailment/Simple")),
               *(ox.Triple(service, iri(SD + "resultFormat"), iri("http://www.w3.org/ns/formats/" + name))
                 for name in FORMAT_IRIS.values()),
               ox.Triple(service, iri(SD + "defaultDataset"), dataset), ox.Triple(dataset, a, iri(SD + "Dataset")),
               ox.Triple(dataset, iri(VOID + "sparqlEndpoint"), iri(endpoint)),
               ox.Triple(dataset, iri(SD + "defaultGraph"), default), ox.Triple(default, a, iri(SD + "Graph")),
               ox.Triple(default, iri(VOID + "triples"), next(iter(store.query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")))["n"])]
    for row in store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"):
        named, graph = ox.BlankNode(), ox.BlankNode()
        triples += [ox.Triple(dataset, iri(SD + "namedGraph"), named), ox.Triple(named, a, iri(SD + "NamedGraph")),
                    ox.Triple(named, iri(SD + "name"), row["g"]), ox.Triple(named, iri(SD + "graph"), graph),
                    ox.Triple(graph, a, iri(SD + "Graph")), ox.Triple(graph, iri(VOID + "triples"), row["n"])]
    triples += [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, void)]
    first: dict = {}  # each subject's statements together, so Turtle writes each node once
    return sorted(triples, key=lambda triple: first.setdefault(triple.subject, len(first)))
