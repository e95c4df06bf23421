"""`kg serve` and `kg push` against real servers: our endpoint, and Oxigraph's own (PyPI `oxigraph`)."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

from kg.services.serve import wait_for
from kg.storage.store import open_store, query

ROOT = Path(__file__).resolve().parents[3]
KG = [sys.executable, "-m", "kg.cli"]
COUNT_FIRMS = "SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a cikg:Firm }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _start(command: list[str], log: Path) -> tuple[subprocess.Popen, str]:
    with open(log, "w") as errors:  # the request log goes to a file, so a full pipe never blocks the server
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True)
    line = process.stdout.readline()
    if "Serving SPARQL on " not in line:
        process.kill()
        raise AssertionError(f"server did not start: {line}{log.read_text()}")
    return process, line.split("Serving SPARQL on ", 1)[1].split()[0]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fingerprint(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def endpoint(seed_out, tmp_path_factory):
    process, url = _start([*KG, "serve", "--out", str(seed_out), "--port", "0", "--timeout", "3", "--max-rows", "50",
                           "--workers", "3"], tmp_path_factory.mktemp("serve") / "requests.log")
    wait_for(url.removesuffix("sparql"))
    yield url
    process.terminate()
    process.wait(10)


def _local_count(seed_out) -> int:
    return int(next(iter(query(open_store(seed_out), COUNT_FIRMS)))["n"].value)


def _client(url: str, text: str, fmt=JSON, method="GET") -> SPARQLWrapper:
    client = SPARQLWrapper(url)
    client.setQuery(text)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


def test_sparqlwrapper_gets_every_result_format(endpoint, seed_out):
    expected = _local_count(seed_out)
    answer = _client(endpoint, COUNT_FIRMS).queryAndConvert()
    assert int(answer["results"]["bindings"][0]["n"]["value"]) == expected
    xml = _client(endpoint, COUNT_FIRMS, XML, "POST").queryAndConvert()
    assert xml.getElementsByTagName("literal")[0].firstChild.data == str(expected)
    csv = _client(endpoint, COUNT_FIRMS, CSV).queryAndConvert().decode()
    assert csv.split() == ["n", str(expected)]
    assert _client(endpoint, "ASK { ?f a cikg:Firm }").queryAndConvert()["boolean"] is True
    turtle = _client(endpoint, "CONSTRUCT { ?f a cikg:Firm } WHERE { ?f a cikg:Firm }", TURTLE).queryAndConvert()
    assert len(Graph().parse(data=turtle, format="turtle")) == min(expected, 50)  # the --max-rows cap holds for triples too


def test_get_with_curl_style_parameters_and_the_query_page(endpoint):
    url = endpoint + "?" + urllib.parse.urlencode({"query": "SELECT ?x WHERE { ?x a cikg:Agency } LIMIT 2"})
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "text/tab-separated-values"})) as response:
        assert response.headers["Content-Type"] == "text/tab-separated-values"
        assert response.read().decode().splitlines()[0] == "?x"
    with urllib.request.urlopen(endpoint.removesuffix("sparql")) as response:
        page = response.read().decode()
    assert "<textarea" in page and "http" not in page.split("<body>")[1].replace("http://", "").replace("https://", "")


def _status(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes, dict]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers or {}), timeout=30) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def test_updates_are_refused_and_change_nothing(endpoint, seed_out):
    before = _fingerprint(seed_out / "store")
    assert _status(endpoint, urllib.parse.urlencode({"update": "DROP ALL"}).encode())[0] == 403
    assert _status(endpoint, b"DROP ALL", {"Content-Type": "application/sparql-update"})[0] == 403
    status, body, _ = _status(endpoint, urllib.parse.urlencode({"query": "DROP ALL"}).encode())
    assert status == 400 and b"read-only" in body
    assert _fingerprint(seed_out / "store") == before
    assert int(_client(endpoint, COUNT_FIRMS).queryAndConvert()["results"]["bindings"][0]["n"]["value"]) == _local_count(seed_out)


def test_result_cap_and_time_limit(endpoint):
    status, body, headers = _status(endpoint, urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"}).encode(),
                                    {"Accept": "text/csv"})
    assert status == 200 and headers["X-Kg-Truncated"] == "50" and len(body.decode().splitlines()) == 51
    started = time.monotonic()
    status, body, _ = _status(endpoint, urllib.parse.urlencode({"query": SLOW}).encode())
    assert status == 503 and b"longer than 3 s" in body and time.monotonic() - started < 10
    assert _status(endpoint + "?" + urllib.parse.urlencode({"query": "ASK {}"}))[0] == 200  # the worker was replaced


def test_burst_of_concurrent_clients_with_slow_and_malformed_queries(endpoint, seed_out):
    """200 queries from 20 threads: every good one answers correctly, bad ones fail cleanly, the store survives."""
    before = _fingerprint(seed_out / "store")
    expected = _local_count(seed_out)
    queries = [SLOW if i % 40 == 0 else "SELEKT nothing {" if i % 7 == 0 else COUNT_FIRMS for i in range(200)]

    def ask(text: str) -> tuple[str, int, bytes]:
        status, body, _ = _status(endpoint, urllib.parse.urlencode({"query": text}).encode(), {"Accept": "text/csv"})
        return text, status, body

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(ask, queries))
    good = [(s, b) for t, s, b in answers if t == COUNT_FIRMS]
    assert all(s == 400 for t, s, _ in answers if t.startswith("SELEKT"))
    assert all(s == 503 for t, s, _ in answers if t == SLOW)
    assert all(s == 200 and b.decode().split() == ["n", str(expected)] for s, b in good)
    assert _fingerprint(seed_out / "store") == before
    assert int(_client(endpoint, COUNT_FIRMS).queryAndConvert()["results"]["bindings"][0]["n"]["value"]) == expected


def test_serve_listens_on_loopback_only_by_default(endpoint):
    assert urllib.parse.urlparse(endpoint).hostname == "127.0.0.1"
    port = urllib.parse.urlparse(endpoint).port
    outside = _outside_address()
    if outside is None:
        pytest.skip("this machine has no non-loopback address to try")
    with pytest.raises(OSError), socket.create_connection((outside, port), timeout=2):
        pass


def _outside_address() -> str | None:
    """This machine's address on its default route (no packet is sent), if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


# --- kg push into a real Oxigraph server -----------------------------------------------------------

@pytest.fixture
def oxigraph_server(tmp_path):
    binary = shutil.which("oxigraph", path=os.path.dirname(sys.executable)) or shutil.which("oxigraph")
    if not binary:
        if os.environ.get("CI") == "true":
            pytest.fail("the `oxigraph` server (PyPI package oxigraph, a dev extra) is required when CI=true")
        pytest.skip("the `oxigraph` server is not installed: `make test` installs it with the dev extras")
    port = _free_port()
    process = subprocess.Popen([binary, "serve", "--location", str(tmp_path / "oxigraph"), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/query?query=ASK%7B%7D")
        yield base
    finally:
        process.terminate()
        process.wait(10)


def _remote_count(base: str, text: str) -> int:
    client = SPARQLWrapper(base + "/query")
    client.setQuery(text)
    client.setReturnFormat(JSON)
    return int(client.queryAndConvert()["results"]["bindings"][0]["n"]["value"])


def test_push_loads_the_graph_into_oxigraph_and_queries_match(kg, oxigraph_server, seed_out):
    for _ in range(2):  # PUT replaces: pushing twice gives the same server state
        result = kg("push", "--endpoint", oxigraph_server + "/store", "--out", str(seed_out))
        assert result.exit_code == 0, result.output
    local = open_store(seed_out)
    total = int(next(iter(query(local, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)
    assert _remote_count(oxigraph_server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == total
    prefix = "PREFIX cikg: <https://w3id.org/cikg/ontology#> "
    assert _remote_count(oxigraph_server, prefix + COUNT_FIRMS) == _local_count(seed_out)
    named = "https://example.org/graphs/cikg"
    result = kg("push", "--endpoint", oxigraph_server + "/store", "--graph", named, "--out", str(seed_out))
    assert result.exit_code == 0, result.output
    assert _remote_count(oxigraph_server, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{named}> {{ ?s ?p ?o }} }}") == total
    refused = kg("push", "--endpoint", f"http://127.0.0.1:{_free_port()}/store", "--out", str(seed_out))
    assert refused.exit_code == 1 and "cannot reach" in refused.output


# --- queries that must never reach the engine, and a memory limit per query ---------------------------

class _Listener:
    """A local HTTP server that counts the requests it gets: a SERVICE clause would reach it."""

    def __init__(self):
        import http.server
        import threading

        self.requests = 0
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                listener.requests += 1
                body = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal","value":"leaked"}}]}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET  # noqa: N815

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_federated_queries_are_refused_and_reach_no_one(kg, endpoint, seed_out):
    listener = _Listener()
    try:
        federated = [f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}",
                     f"select * where {{ ?x a cikg:Firm . service silent <{listener.url}> {{ ?s ?p ?o }} }}",
                     f"SELECT * WHERE {{ VALUES ?e {{ <{listener.url}> }} SERVICE ?e {{ ?s ?p ?o }} }}"]
        for text in federated:
            status, body, _ = _status(endpoint, urllib.parse.urlencode({"query": text}).encode())
            assert status == 400 and b"Federated queries (SERVICE) are refused" in body, (status, body)
            result = kg("query", text, "--out", str(seed_out))
            assert result.exit_code == 1 and "Federated queries (SERVICE) are refused" in result.output, result.output
            assert len(result.output.strip().splitlines()) == 1
        assert listener.requests == 0
        # the word in a string, an IRI, a comment or a name is not a SERVICE clause
        harmless = ('SELECT ?service WHERE { BIND("SERVICE <http://x/> { }" AS ?service) '
                    "FILTER(?service != <http://example.org/SERVICE>) } # SERVICE <http://x/>")
        status, body, _ = _status(endpoint, urllib.parse.urlencode({"query": harmless}).encode(), {"Accept": "text/csv"})
        assert status == 200 and body.decode().split()[0] == "service"
    finally:
        listener.close()


def test_deeply_nested_queries_are_refused_before_the_engine(endpoint, seed_out):
    deep = "SELECT * WHERE " + "{ " * 5000 + "?s ?p ?o" + " }" * 5000
    status, body, _ = _status(endpoint, urllib.parse.urlencode({"query": deep}).encode())
    assert status == 400 and b"nests groups 5000 deep" in body
    run = subprocess.run([*KG, "query", deep, "--out", str(seed_out)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 1 and "nests groups 5000 deep" in run.stderr and len(run.stderr.splitlines()) == 1
    nested = "SELECT * WHERE " + "{ " * 20 + "?s a cikg:Firm" + " }" * 20 + " LIMIT 1"  # deep, but sane
    assert _status(endpoint, urllib.parse.urlencode({"query": nested}).encode())[0] == 200


def test_a_query_past_its_memory_is_stopped_and_the_server_lives_on(seed_out, tmp_path):
    process, url = _start([*KG, "serve", "--out", str(seed_out), "--port", "0", "--timeout", "60", "--workers", "1",
                           "--max-memory", "300"], tmp_path / "requests.log")
    try:
        wait_for(url.removesuffix("sparql"))
        hungry = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?c ?f ?i"
        started = time.monotonic()
        status, body, _ = _status(url, urllib.parse.urlencode({"query": hungry}).encode())
        assert status == 503 and b"more than the 300 MiB of memory" in body, (status, body)
        assert time.monotonic() - started < 50  # stopped by memory, not by the time limit
        status, body, _ = _status(url, urllib.parse.urlencode({"query": COUNT_FIRMS}).encode(), {"Accept": "text/csv"})
        assert status == 200 and body.decode().split() == ["n", str(_local_count(seed_out))]
    finally:
        process.terminate()
        process.wait(10)


# --- connections: keep-alive without delay, bad lengths, idle clients ---------------------------------

def _raw(url: str, request: bytes, read_timeout: float = 10) -> bytes:
    parsed = urllib.parse.urlparse(url)
    with socket.create_connection((parsed.hostname, parsed.port), timeout=read_timeout) as connection:
        connection.sendall(request)
        chunks = []
        try:
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        except TimeoutError:
            pass
        return b"".join(chunks)


@pytest.mark.parametrize("length", ["abc", "-1", "1e3", "+5"])
def test_a_bad_content_length_is_a_clear_400(endpoint, length):
    request = (f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
               f"Content-Length: {length}\r\n\r\nASK {{}}").encode()
    answer = _raw(endpoint, request)
    assert answer.startswith(b"HTTP/1.1 400") and b"Content-Length must be a whole number" in answer, answer


def test_keep_alive_answers_are_sent_without_nagle_delay(seed_out):
    """The server sets TCP_NODELAY on every connection (the 40 ms keep-alive stall is Nagle's)."""
    import threading

    from kg.services.serve import EndpointServer, make_handler

    seen = []
    handler = make_handler(pool=None, page=b"<html></html>")

    class Recording(handler):
        def setup(self):
            super().setup()
            seen.append(self.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    server = EndpointServer(("127.0.0.1", 0), Recording)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        import http.client

        client = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
        for _ in range(3):
            client.request("GET", "/")
            assert client.getresponse().read() == b"<html></html>"
        client.close()
    finally:
        server.shutdown()
        server.server_close()
    assert seen and all(seen), seen  # one connection, kept alive, with the option set


def test_idle_connections_are_closed_and_capped(monkeypatch):
    import threading

    import kg.services.serve as serve_module
    from kg.services.serve import EndpointServer, make_handler

    monkeypatch.setattr(serve_module, "MAX_CONNECTIONS", 3)
    handler = make_handler(pool=None, page=b"ok")
    handler.timeout = 1  # seconds of silence before an idle connection is closed
    server = EndpointServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    idle = [socket.create_connection(("127.0.0.1", server.server_address[1])) for _ in range(3)]
    try:
        time.sleep(0.3)
        assert _raw(url, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", read_timeout=3).startswith(b"HTTP/1.1 503")  # over the cap
        for connection in idle:
            connection.settimeout(5)
            assert connection.recv(1) == b""  # the server hung up on the silent client
        answer = _raw(url, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b"ok")
    finally:
        for connection in idle:
            connection.close()
        server.shutdown()
        server.server_close()


def test_every_answer_comes_from_the_latest_store_after_add_and_remove(kg, tmp_path):
    seeds = ROOT / "seeds"
    last = sorted(seeds.glob("*.txt"))[-1]
    out = tmp_path / "out"
    assert kg("build", str(seeds), "--out", str(out)).exit_code == 0
    process, url = _start([*KG, "serve", "--out", str(out), "--port", "0", "--workers", "2", "--timeout", "2"], tmp_path / "log")
    briefings = "SELECT (COUNT(?b) AS ?n) WHERE { ?b a cikg:Briefing }"

    def counts(times: int) -> list[int]:
        return [int(_status(url, urllib.parse.urlencode({"query": briefings}).encode(), {"Accept": "text/csv"})[1].split()[1])
                for _ in range(times)]

    try:
        wait_for(url.removesuffix("sparql"))
        assert counts(4) == [5] * 4
        assert kg("remove", last.stem, "--out", str(out)).exit_code == 0
        assert counts(6) == [4] * 6
        assert _status(url, urllib.parse.urlencode({"query": SLOW}).encode())[0] == 503  # one worker is replaced
        assert counts(6) == [4] * 6
        assert kg("add", str(last), "--out", str(out)).exit_code == 0
        assert counts(6) == [5] * 6
    finally:
        process.terminate()
        process.wait(10)


def test_cheap_queries_answer_while_slow_ones_hold_every_worker(seed_out, tmp_path):
    process, url = _start([*KG, "serve", "--out", str(seed_out), "--port", "0", "--workers", "1", "--timeout", "8"],
                          tmp_path / "requests.log")
    finished: list[str] = []

    def ask(name: str, text: str) -> tuple[int, bytes]:
        status, body, _ = _status(url, urllib.parse.urlencode({"query": text}).encode(), {"Accept": "text/csv"})
        finished.append(name)
        return status, body

    try:
        wait_for(url.removesuffix("sparql"))
        with ThreadPoolExecutor(max_workers=4) as pool:
            slow = pool.submit(ask, "slow", SLOW)  # holds the only worker for its 8 s
            time.sleep(0.5)
            cheap = [pool.submit(ask, f"cheap-{n}", COUNT_FIRMS) for n in range(3)]
            answers = [future.result(timeout=60) for future in cheap]
            assert "slow" not in finished  # every cheap query was answered while the slow one still ran
            assert all(status == 200 and body.decode().split() == ["n", str(_local_count(seed_out))] for status, body in answers)
            assert slow.result(timeout=60)[0] == 503
    finally:
        process.terminate()
        process.wait(10)
