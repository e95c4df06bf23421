"""`kg serve` against the W3C SPARQL 1.1 Protocol tests: every query-side request, replayed on a running server.

The requests and the answers they must get are those of the W3C test manifest
(https://github.com/w3c/rdf-tests, sparql/sparql11/protocol/manifest.ttl), written out here as
data: each test's method, URL parameters, Content-Type and body, and what the answer must be
(true, a boolean, a table, an RDF graph, or a 4xx). The manifest sends them to `/sparql/`; here
they go to `kg serve`'s `/sparql`. Its test data, three one-triple graphs named
``<http://kasei.us/2009/09/sparql/data/dataN.rdf>`` (each says that it is a foaf:Document), are
added as named graphs to a store built from the seeds. Update requests do not apply to a
read-only endpoint: they must all be refused with a 4xx and change nothing.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode, urlparse

import pyoxigraph as ox
import pytest

from kg.services.serve import wait_for

ROOT = Path(__file__).resolve().parents[3]
KG = [sys.executable, "-m", "kg.cli"]
SEEDS = ROOT / "seeds"
DATA = "http://kasei.us/2009/09/sparql/data/data{}.rdf"
D0, D1, D2, D3 = (DATA.format(n) for n in range(4))  # data0 names no graph: the tests that use it must not care
FOAF_DOCUMENT = "http://xmlns.com/foaf/0.1/Document"
DIRECT, FORM = "application/sparql-query", "application/x-www-form-urlencoded"

BOTH_DEFAULT = f"ASK {{ <{D1}> a ?type . <{D2}> a ?type . }}"
BOTH_NAMED = f"ASK {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"
FULL = f"ASK {{\n  <{D3}> a ?type\n  GRAPH ?g1 {{ <{D1}> a ?type }}\n  GRAPH ?g2 {{ <{D2}> a ?type }}\n}}"
FROM_AND_NAMED = f"ASK FROM <{D3}> {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"


@dataclass(frozen=True)
class Case:
    """One request of the manifest and what its answer must be."""

    method: str
    params: tuple[tuple[str, str], ...] = ()  # in the URL's query string
    content_type: str | None = None
    body: bytes = b""
    expect: str = "true"  # "true", "boolean", "tabular", "rdf", or "4xx"
    status: int = 200  # ours; the manifest asks 2xx/3xx or any 4xx


def _q(text: str) -> tuple[str, str]:
    return ("query", text)


QUERY_TESTS = {
    "query_post_form": Case("POST", (("default-graph-uri", D0),), FORM, b"query=ASK%20%7B%7D"),
    "query_dataset_default_graphs_get": Case("GET", (_q(BOTH_DEFAULT), ("default-graph-uri", D1), ("default-graph-uri", D2))),
    "query_dataset_default_graphs_post": Case("POST", (("default-graph-uri", D1), ("default-graph-uri", D2)), DIRECT,
                                              BOTH_DEFAULT.encode()),
    "query_dataset_named_graphs_post": Case("POST", (("named-graph-uri", D1), ("named-graph-uri", D2)), DIRECT, BOTH_NAMED.encode()),
    "query_dataset_named_graphs_get": Case("GET", (_q(BOTH_NAMED), ("named-graph-uri", D1), ("named-graph-uri", D2))),
    "query_dataset_full": Case("POST", (("default-graph-uri", D3), ("named-graph-uri", D1), ("named-graph-uri", D2)), DIRECT,
                               FULL.encode()),
    # the manifest writes the `&` between the two parameters as %26 (one parameter): see the test below
    "query_multiple_dataset": Case("POST", (("named-graph-uri", D1), ("named-graph-uri", D2)), DIRECT, FROM_AND_NAMED.encode()),
    "query_get": Case("GET", (_q("ASK {}"), ("default-graph-uri", D0))),
    "query_content_type_select": Case("POST", (("default-graph-uri", D0),), DIRECT, b"SELECT (1 AS ?value) {}", "tabular"),
    "query_content_type_ask": Case("POST", (("default-graph-uri", D0),), DIRECT, b"ASK {}", "boolean"),
    "query_content_type_describe": Case("POST", (("default-graph-uri", D0),), DIRECT, b"DESCRIBE <http://example.org/>", "rdf"),
    "query_content_type_construct": Case("POST", (("default-graph-uri", D0),), DIRECT, b"CONSTRUCT { <s> <p> 1 } WHERE {}", "rdf"),
    "query_post_direct": Case("POST", (), DIRECT, b"ASK {}"),
    "bad_query_method": Case("PUT", (_q("ASK {}"), ("default-graph-uri", D0)), FORM, b"", "4xx", 405),
    "bad_multiple_queries": Case("GET", (_q("ASK {}"), _q("SELECT * {}")), expect="4xx", status=400),
    "bad_query_wrong_media_type": Case("POST", (), "text/plain", b"ASK {}", "4xx", 415),
    "bad_query_missing_form_type": Case("POST", (), None, b"query=ASK%20%7B%7D", "4xx", 415),
    "bad_query_missing_direct_type": Case("POST", (), None, b"ASK {}", "4xx", 415),
    "bad_query_non_utf8": Case("POST", (), "application/sparql-query; charset=UTF-16", "ASK {}".encode("utf-16"), "4xx", 415),
    "bad_query_syntax": Case("GET", (_q("ASK {"),), expect="4xx", status=400),
}

UPDATE_TESTS = {  # every update request of the manifest that stands alone; a read-only endpoint refuses them all
    "update_post_form": Case("POST", (), FORM, b"update=CLEAR+ALL", "4xx", 403),
    "update_post_direct": Case("POST", (), "application/sparql-update", b"CLEAR ALL", "4xx", 403),
    "update_dataset_default_graph": Case("POST", (("using-graph-uri", D1),), "application/sparql-update",
                                         f"CLEAR ALL ; INSERT DATA {{ GRAPH <{D1}> {{ <{D1}> a <{FOAF_DOCUMENT}> }} }}".encode(),
                                         "4xx", 403),
    "bad_update_get": Case("GET", (("update", "CLEAR ALL"),), expect="4xx", status=403),
    "bad_multiple_updates": Case("POST", (), FORM, b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", "4xx", 403),
    "bad_update_wrong_media_type": Case("POST", (), "text/plain", b"CLEAR NAMED", "4xx", 415),
    "bad_update_missing_form_type": Case("POST", (), None, b"update=CLEAR%20NAMED", "4xx", 415),
    "bad_update_non_utf8": Case("POST", (), "application/sparql-update; charset=UTF-16", "CLEAR NAMED".encode("utf-16"), "4xx", 403),
    "bad_update_syntax": Case("POST", (), FORM, b"update=CLEAR%20XYZ", "4xx", 403),
    "bad_update_dataset_conflict": Case("POST", (("using-named-graph-uri", "http://example/people"),), "application/sparql-update",
                                        b"WITH <http://example/addresses> DELETE { ?p ?q 'Bill' } WHERE { ?p ?q 'Bill' }", "4xx", 403),
}


# --- the store and the servers -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def protocol_out(tmp_path_factory) -> Path:
    """The seed graph, built with `kg build`, plus the manifest's three one-triple named graphs."""
    out = tmp_path_factory.mktemp("protocol") / "out"
    build = subprocess.run([*KG, "build", str(SEEDS), "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stdout + build.stderr
    store = ox.Store(str((out / "store").resolve()))  # no server runs yet: the store may be written
    store.extend(ox.Quad(ox.NamedNode(graph), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                         ox.NamedNode(FOAF_DOCUMENT), ox.NamedNode(graph)) for graph in (D1, D2, D3))
    store.flush()
    del store
    return out


def _start(out: Path, log: Path, *options: str):
    with open(log, "w") as errors:
        process = subprocess.Popen([*KG, "serve", "--out", str(out), "--port", "0", "--workers", "1", *options],
                                   stdout=subprocess.PIPE, stderr=errors, text=True)
    line = process.stdout.readline()
    if "Serving SPARQL on " not in line:
        process.kill()
        raise AssertionError(f"server did not start: {line}{log.read_text()}")
    url = line.split("Serving SPARQL on ", 1)[1].split()[0]
    wait_for(url.removesuffix("sparql"))
    return process, url


@pytest.fixture(scope="module")
def endpoint(protocol_out, tmp_path_factory):
    process, url = _start(protocol_out, tmp_path_factory.mktemp("protocol-serve") / "requests.log")
    yield url
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="module")
def cors_endpoint(protocol_out, tmp_path_factory):
    process, url = _start(protocol_out, tmp_path_factory.mktemp("protocol-cors") / "requests.log",
                          "--cors", "https://app.example, https://notebook.example")
    yield url
    process.terminate()
    process.wait(10)


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip()


def _request(url: str, method: str, query_string: str = "", headers: dict | None = None, body: bytes = b"") -> Reply:
    """One raw HTTP request: only the headers given (no Content-Type unless asked), the body as bytes."""
    parsed = urlparse(url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    try:
        connection.request(method, parsed.path + (f"?{query_string}" if query_string else ""), body=body or None,
                           headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


def _replay(url: str, case: Case, **extra_headers: str) -> Reply:
    headers = {"Content-Type": case.content_type} if case.content_type else {}
    headers.update({name.replace("_", "-"): value for name, value in extra_headers.items()})
    return _request(url, case.method, urlencode(case.params, quote_via=quote), headers, case.body)


def _boolean(reply: Reply) -> bool:
    if reply.content_type == "application/sparql-results+json":
        return json.loads(reply.body)["boolean"]
    assert reply.content_type == "application/sparql-results+xml", reply.content_type
    element = ET.fromstring(reply.body).find("{http://www.w3.org/2005/sparql-results#}boolean")
    return element.text == "true"


def _graph(reply: Reply) -> list:
    return list(ox.parse(reply.body, format=ox.RdfFormat.from_media_type(reply.content_type)))


def _fingerprint(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- the manifest's query-side tests ----------------------------------------------------------------------

@pytest.mark.parametrize("name", QUERY_TESTS)
def test_w3c_protocol_query_tests(endpoint, name):
    case = QUERY_TESTS[name]
    reply = _replay(endpoint, case)
    if case.expect == "4xx":
        assert 400 <= reply.status < 500 and reply.status == case.status, (reply.status, reply.body)
        return
    assert 200 <= reply.status < 400, (reply.status, reply.body)
    if case.expect == "true":
        assert _boolean(reply) is True
    elif case.expect == "boolean":
        assert reply.content_type in ("application/sparql-results+json", "application/sparql-results+xml")
        _boolean(reply)
    elif case.expect == "tabular":
        assert reply.content_type == "application/sparql-results+json"
        assert json.loads(reply.body)["results"]["bindings"][0]["value"]["value"] == "1"
    else:
        triples = _graph(reply)
        if name == "query_content_type_construct":  # <s> and <p> resolve against the endpoint's URL
            base = endpoint.removesuffix("sparql")
            assert [(t.subject.value, t.predicate.value, t.object.value) for t in triples] == [(base + "s", base + "p", "1")]


def test_query_multiple_dataset_as_the_manifest_encodes_it(endpoint):
    """The manifest's own request writes the `&` between its two named-graph-uri parameters as %26.

    That makes one parameter, whose value is an IRI with `&named-graph-uri=` inside it, naming
    no graph: the dataset then has no named graphs, and the ASK is false, on any endpoint that
    reads the URL as URLs are read. Sent as two parameters (above) the answer is true.
    """
    query_string = "named-graph-uri=" + quote(f"{D1}&named-graph-uri={D2}", safe="")
    assert "%26named-graph-uri%3D" in query_string
    reply = _request(endpoint, "POST", query_string, {"Content-Type": DIRECT}, FROM_AND_NAMED.encode())
    assert reply.status == 200 and _boolean(reply) is False


def test_the_dataset_parameters_restrict_the_dataset(endpoint):
    def ask(query: str, *params: tuple[str, str]) -> bool:
        reply = _request(endpoint, "GET", urlencode([("query", query), *params]))
        assert reply.status == 200, reply.body
        return _boolean(reply)

    # without parameters: the store's default graph (the merged seed graph) and all its named graphs
    assert ask("ASK { ?s a cikg:Firm }") and ask(f"ASK {{ GRAPH <{D2}> {{ ?s ?p ?o }} }}")
    assert not ask(f"ASK {{ <{D1}> ?p ?o }}")  # the test graphs are named graphs only
    # a default graph that names an empty graph is empty; only the named graphs listed are there
    assert not ask("ASK { ?s ?p ?o }", ("default-graph-uri", D0))
    assert not ask(f"ASK {{ GRAPH ?g {{ <{D2}> ?p ?o }} }}", ("named-graph-uri", D1))
    assert ask(f"ASK {{ GRAPH ?g {{ <{D1}> ?p ?o }} }}", ("named-graph-uri", D1))
    assert not ask("ASK { ?s ?p ?o }", ("named-graph-uri", D1))  # named graphs alone: an empty default graph
    # the protocol's dataset replaces the query's own FROM and FROM NAMED
    assert ask(f"ASK FROM <{D1}> {{ <{D1}> a ?t }}")
    assert not ask(f"ASK FROM <{D1}> {{ <{D1}> a ?t }}", ("default-graph-uri", D2))
    assert not ask(f"ASK FROM NAMED <{D1}> {{ GRAPH ?g {{ <{D1}> a ?t }} }}", ("named-graph-uri", D2))
    # form POST reads them from the body too
    reply = _request(endpoint, "POST", "", {"Content-Type": FORM},
                     urlencode([("query", BOTH_DEFAULT), ("default-graph-uri", D1), ("default-graph-uri", D2)]).encode())
    assert reply.status == 200 and _boolean(reply) is True
    assert _request(endpoint, "GET", urlencode([("query", "ASK {}"), ("default-graph-uri", "not an IRI")])).status == 400


@pytest.mark.parametrize("name", UPDATE_TESTS)
def test_w3c_protocol_update_requests_are_refused(endpoint, protocol_out, name):
    before = _fingerprint(protocol_out / "store")
    reply = _replay(endpoint, UPDATE_TESTS[name])
    assert reply.status == UPDATE_TESTS[name].status, (reply.status, reply.body)
    assert _fingerprint(protocol_out / "store") == before
    assert _boolean(_replay(endpoint, QUERY_TESTS["query_dataset_full"])) is True


# --- media types and content negotiation -----------------------------------------------------------------

SELECT = "SELECT ?value WHERE { VALUES ?value { 1 } }"
CONSTRUCT = f"CONSTRUCT {{ <{D1}> a <{FOAF_DOCUMENT}> }} WHERE {{}}"


@pytest.mark.parametrize(("accept", "query", "content_type"), [
    ("application/sparql-results+json", SELECT, "application/sparql-results+json"),
    ("application/sparql-results+xml", SELECT, "application/sparql-results+xml"),
    ("text/csv", SELECT, "text/csv"),
    ("text/tab-separated-values", SELECT, "text/tab-separated-values"),
    ("application/json", SELECT, "application/sparql-results+json"),
    ("text/csv;q=0.5, application/sparql-results+xml", SELECT, "application/sparql-results+xml"),
    ("application/sparql-results+json;q=0.2, text/*;q=0.9", SELECT, "text/csv"),
    ("*/*", SELECT, "application/sparql-results+json"),
    ("", SELECT, "application/sparql-results+json"),
    ("text/turtle", CONSTRUCT, "text/turtle"),
    ("application/n-triples", CONSTRUCT, "application/n-triples"),
    ("application/n-quads", CONSTRUCT, "application/n-quads"),
    ("application/rdf+xml", CONSTRUCT, "application/rdf+xml"),
    ("application/ld+json", CONSTRUCT, "application/ld+json"),
    ("text/turtle;q=0, */*", CONSTRUCT, "application/n-triples"),
    ("application/sparql-results+json, text/turtle", CONSTRUCT, "text/turtle"),  # the query page's header
    ("*/*", CONSTRUCT, "text/turtle"),
])
def test_content_negotiation(endpoint, accept, query, content_type):
    reply = _request(endpoint, "POST", "", {"Content-Type": DIRECT, **({"Accept": accept} if accept else {})}, query.encode())
    assert reply.status == 200 and reply.content_type == content_type, (reply.status, reply.headers, reply.body)
    if query == CONSTRUCT:
        assert [(t.subject.value, t.object.value) for t in _graph(reply)] == [(D1, FOAF_DOCUMENT)]


def test_what_no_offered_type_can_carry_is_406(endpoint):
    for accept, query in [("text/html", SELECT), ("application/sparql-results+json", CONSTRUCT), ("text/turtle", "ASK {}"),
                          ("text/csv;q=0, application/foo", SELECT)]:
        reply = _request(endpoint, "POST", "", {"Content-Type": DIRECT, "Accept": accept}, query.encode())
        assert reply.status == 406 and b"this endpoint offers" in reply.body, (accept, reply.status, reply.body)
    # a format parameter wins over Accept, as SPARQLWrapper sends it
    reply = _request(endpoint, "GET", urlencode([("query", SELECT), ("format", "csv")]), {"Accept": "text/html"})
    assert reply.status == 200 and reply.content_type == "text/csv"


def test_media_types_and_charsets_of_a_post(endpoint):
    ok = [(f"{DIRECT}; charset=UTF-8", b"ASK {}"), (f"{FORM}; charset=utf-8", b"query=ASK+%7B%7D"),
          ("Application/SPARQL-Query", b"ASK {}")]
    for content_type, body in ok:
        reply = _request(endpoint, "POST", "", {"Content-Type": content_type}, body)
        assert reply.status == 200 and _boolean(reply) is True, (content_type, reply.body)
    refused = [(f"{DIRECT}; charset=ISO-8859-1", b"ASK {}", 415), ("application/json", b'{"query": "ASK {}"}', 415),
               (FORM, b"query=ASK+%7B%7D&query=ASK+%7B%7D", 400), (DIRECT, "ASK { FILTER(\"é\") }".encode("latin-1"), 400),
               (FORM, b"query=ASK%20%7B%FF%7D", 400)]
    for content_type, body, status in refused:
        reply = _request(endpoint, "POST", "", {"Content-Type": content_type}, body)
        assert reply.status == status, (content_type, reply.status, reply.body)
    # a direct POST's URL may carry the dataset, not a second query
    assert _request(endpoint, "POST", "query=ASK%7B%7D", {"Content-Type": DIRECT}, b"ASK {}").status == 400


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"])
def test_other_methods_get_405_with_allow(endpoint, method):
    reply = _request(endpoint, method, "query=ASK%7B%7D")
    assert reply.status == 405 and reply.headers["Allow"] == "GET, POST"
    assert "Access-Control-Allow-Origin" not in reply.headers  # CORS is off by default
    assert _request(endpoint, "GET", "query=ASK%7B%7D").status == 200  # the server carries on


# --- the service description ----------------------------------------------------------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"


def test_get_without_a_query_describes_the_service(endpoint, protocol_out):
    reply = _request(endpoint, "GET")
    assert reply.status == 200 and reply.content_type == "text/turtle"
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in _graph(reply))

    def values(query: str) -> list[str]:
        return sorted(str(row[0].value) for row in store.query(query, prefixes={"sd": SD, "void": "http://rdfs.org/ns/void#"}))

    assert values("SELECT ?e { ?s a sd:Service ; sd:endpoint ?e ; sd:supportedLanguage sd:SPARQL11Query }") == [endpoint]
    formats = values("SELECT ?f { ?s sd:resultFormat ?f }")
    assert {f.rsplit("/", 1)[1] for f in formats} >= {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                                                     "SPARQL_Results_TSV", "Turtle", "N-Triples", "RDF_XML", "JSON-LD"}
    assert {D1, D2, D3} <= set(values("SELECT ?n { ?s sd:defaultDataset/sd:namedGraph/sd:name ?n }"))
    assert values(f"SELECT ?t {{ ?ng sd:name <{D1}> ; sd:graph/void:triples ?t }}") == ["1"]
    default_triples = values("SELECT ?t { ?s sd:defaultDataset/sd:defaultGraph/void:triples ?t }")
    from kg.storage.store import open_store

    local = open_store(protocol_out)
    assert default_triples == [str(len(list(local.quads_for_pattern(None, None, None, ox.DefaultGraph()))))]
    # the dataset is the one the store's VoID graph describes, with its statements
    assert values("SELECT ?d { ?s sd:defaultDataset ?d . ?d a void:Dataset ; void:triples ?n }") == ["https://w3id.org/cikg/graph/dataset"]

    assert _request(endpoint, "GET", "", {"Accept": "text/turtle"}).content_type == "text/turtle"
    reply = _request(endpoint, "GET", "", {"Accept": "application/n-triples"})
    assert reply.status == 200 and reply.content_type == "application/n-triples" and len(_graph(reply)) > 50
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    reply = _request(endpoint, "GET", "", {"Accept": browser})
    assert reply.status == 303 and reply.headers["Location"] == "/"  # a browser is sent to the query page
    assert _request(endpoint, "GET", "", {"Accept": "application/sparql-results+json"}).status == 406
    assert _request(endpoint, "POST", "", {"Content-Type": FORM}, b"").status == 400  # a POST must carry a query


# --- CORS ---------------------------------------------------------------------------------------------------

def test_cors_for_listed_origins(cors_endpoint):
    preflight = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type, accept"}
    reply = _request(cors_endpoint, "OPTIONS", "", preflight)
    assert reply.status == 204
    assert reply.headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert "POST" in reply.headers["Access-Control-Allow-Methods"]
    assert reply.headers["Access-Control-Allow-Headers"] == "content-type, accept"
    reply = _request(cors_endpoint, "POST", "", {"Origin": "https://notebook.example", "Content-Type": DIRECT}, b"ASK {}")
    assert reply.status == 200 and _boolean(reply) is True
    assert reply.headers["Access-Control-Allow-Origin"] == "https://notebook.example" and reply.headers["Vary"] == "Origin"
    assert "X-Kg-Truncated" in reply.headers["Access-Control-Expose-Headers"]
    # an origin not listed gets no CORS header (the browser keeps the answer from its page), and no preflight
    reply = _request(cors_endpoint, "GET", "query=ASK%7B%7D", {"Origin": "https://elsewhere.example"})
    assert reply.status == 200 and "Access-Control-Allow-Origin" not in reply.headers
    assert _request(cors_endpoint, "OPTIONS", "", {**preflight, "Origin": "https://elsewhere.example"}).status == 403
    # the protocol's answers are the same with CORS on
    assert all(_replay(cors_endpoint, QUERY_TESTS[name]).status == QUERY_TESTS[name].status
               for name in ("query_dataset_full", "bad_query_method", "bad_query_missing_direct_type"))
    reply = _request(cors_endpoint, "PUT", "query=ASK%7B%7D")
    assert reply.status == 405 and reply.headers["Allow"] == "GET, POST, OPTIONS"


def test_cors_for_any_origin():
    """`kg serve --cors` alone: any origin (checked on the handler itself; no query runs)."""
    from kg.services.serve import EndpointServer, make_handler

    server = EndpointServer(("127.0.0.1", 0), make_handler(pool=None, page=b"<html></html>", cors=("*",)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
    try:
        reply = _request(url, "OPTIONS", "", {"Origin": "https://any.example", "Access-Control-Request-Method": "GET"})
        assert reply.status == 204 and reply.headers["Access-Control-Allow-Origin"] == "*"
        assert reply.headers["Access-Control-Allow-Headers"] == "Accept, Content-Type"
        reply = _request(url.removesuffix("sparql"), "GET", "", {"Origin": "https://any.example"})
        assert reply.body == b"<html></html>" and reply.headers["Access-Control-Allow-Origin"] == "*"
    finally:
        server.shutdown()
        server.server_close()
