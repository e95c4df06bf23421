"""`kg serve`: the store behind the SPARQL 1.1 Protocol, read-only, with a time limit and a row cap.

Queries run in worker processes that each open the store read-only. A query that runs past the
time limit has its worker killed and replaced, so one runaway query costs the client a 503 and
never the server; the store is never opened for writing, so no request can change it. Updates
are refused before they reach a worker. Results come back as SPARQL JSON, XML, CSV or TSV
(SELECT, ASK) or as Turtle or N-Triples (CONSTRUCT, DESCRIBE); at most ``max_rows`` rows, the
response saying so in its ``X-Kg-Truncated`` header when more existed.
"""

from __future__ import annotations

import html
import json
import multiprocessing
import os
import queue
import resource
import socket
import sys
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

RESULT_TYPES = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
    "csv": "text/csv", "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {"turtle": "text/turtle", "ntriples": "application/n-triples"}
MAX_QUERY_BYTES = 100_000
IDLE_SECONDS = 30  # a connection that sends nothing for this long is closed, so idle clients cannot hold threads
MAX_CONNECTIONS = 128  # open at once; past it a new connection gets a 503 and is closed


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes
    truncated: bool = False


# --- worker side: runs in its own process ------------------------------------------------------

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


def run_one(store, text: str, result_format: str, graph_format: str, max_rows: int) -> Answer:
    """Execute one query on an open store; every failure becomes an HTTP answer."""
    import pyoxigraph as ox

    from kg.errors import QueryError
    from kg.store import PREFIXES, query

    try:
        result = query(store, text)
    except QueryError as error:  # refused before the engine saw it (`kg.guard`)
        return Answer(400, "text/plain; charset=utf-8", f"{error}\n".encode())
    except SyntaxError as error:
        from kg.query import syntax_message

        return Answer(400, "text/plain; charset=utf-8", f"{syntax_message(text, error)}\n".encode())
    except Exception as error:  # pyoxigraph raises OSError/RuntimeError/ValueError for evaluation problems
        return Answer(400, "text/plain; charset=utf-8", f"SPARQL error: {error}\n".encode())
    if isinstance(result, ox.QueryBoolean):
        return Answer(200, RESULT_TYPES[result_format], serialize_boolean(bool(result), result_format))
    if isinstance(result, ox.QueryTriples):
        triples, truncated = [], False
        for triple in result:
            if len(triples) == max_rows:
                truncated = True
                break
            triples.append(triple)
        fmt = ox.RdfFormat.TURTLE if graph_format == "turtle" else ox.RdfFormat.N_TRIPLES
        body = ox.serialize(triples, format=fmt, prefixes=PREFIXES if graph_format == "turtle" else None)
        return Answer(200, GRAPH_TYPES[graph_format], body, truncated)
    variables = [v.value for v in result.variables]
    rows, truncated = [], False
    for solution in result:
        if len(rows) == max_rows:
            truncated = True
            break
        rows.append([solution[i] for i in range(len(variables))])
    return Answer(200, RESULT_TYPES[result_format], serialize_solutions(variables, rows, result_format), truncated)


def _virtual_memory_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _worker(out: str, connection, max_memory: int) -> None:
    """Answer queries from the pipe until it closes; memory beyond ``max_memory`` bytes kills the process.

    The limit is on address space, on top of what the open store already takes, so one query's
    runaway join fails its own worker (the pool answers 503 and starts a fresh one) instead of
    pushing the whole machine into swap. Before each query the worker checks which store
    ``out`` holds now, and reopens when a `kg add` or `kg remove` swapped a new one in: every
    answer comes from the latest store, whichever worker gives it.
    """
    import pyoxigraph as ox

    from kg.processes import exit_with_parent
    from kg.store import store_folder

    exit_with_parent()
    folder = store_folder(Path(out))
    store = ox.Store.read_only(str(folder))
    if max_memory and os.path.exists("/proc/self/statm"):
        limit = _virtual_memory_bytes() + max_memory
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    while True:
        try:
            request = connection.recv()
        except EOFError:
            return
        latest = store_folder(Path(out))
        if latest != folder:
            del store
            folder, store = latest, ox.Store.read_only(str(latest))
        connection.send(run_one(store, *request))


# --- server side --------------------------------------------------------------------------------

class Worker:
    """One query process and the pipe to it."""

    def __init__(self, context, out: str, max_memory: int):
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(out, child, max_memory), daemon=True)
        self.process.start()
        child.close()

    def stop(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.connection.close()


class QueryPool:
    """Query processes: ``workers`` for any query, and one short lane that keeps cheap queries answering.

    A query takes a free worker. When every worker is busy (slow queries hold them all), it
    tries the short lane instead, which gives it `SHORT_LANE_SECONDS`; a query that is not done
    by then loses the lane (its process is replaced) and waits for a worker like any other. A
    query over time or over memory costs its worker, and a fresh one replaces it.
    """

    SHORT_LANE_SECONDS = 1.0

    def __init__(self, out: Path, workers: int, timeout: float, max_rows: int, max_memory_mib: int = 2048):
        self.context = multiprocessing.get_context("spawn")
        self.out = str(out)
        self.max_memory_mib = max_memory_mib
        self.timeout = timeout
        self.queue_wait = max(30.0, 3 * timeout)  # a burst waits for a free worker rather than failing at once
        self.max_rows = max_rows
        self.idle: queue.Queue[Worker] = queue.Queue()
        self.lane: queue.Queue[Worker] = queue.Queue()
        for _ in range(workers):
            self.idle.put(self._new_worker())
        self.lane.put(self._new_worker())

    def _new_worker(self) -> Worker:
        return Worker(self.context, self.out, self.max_memory_mib * 2**20)

    def run(self, text: str, result_format: str, graph_format: str) -> Answer:
        request = (text, result_format, graph_format, self.max_rows)
        deadline = time.monotonic() + self.queue_wait
        lane_tried = False
        while time.monotonic() < deadline:
            try:
                return self._on(self.idle.get(timeout=0.05), self.idle, request, self.timeout)
            except queue.Empty:
                pass
            if lane_tried:
                continue
            try:
                short = self.lane.get_nowait()
            except queue.Empty:
                continue
            lane_tried = True  # a query too slow for the lane waits for a worker, and never takes the lane again
            answer = self._on(short, self.lane, request, min(self.SHORT_LANE_SECONDS, self.timeout), retry_on_timeout=True)
            if answer is not None:
                return answer
        return Answer(503, "text/plain; charset=utf-8", b"All query workers are busy; try again.\n")

    def _on(self, worker: Worker, home: queue.Queue, request: tuple, seconds: float, retry_on_timeout: bool = False) -> Answer | None:
        """Run ``request`` on ``worker`` for at most ``seconds``; the worker, or its replacement, goes back ``home``.

        With ``retry_on_timeout`` a query that runs out of time gives None (try a worker), not a 503.
        """
        try:
            worker.connection.send(request)
            if worker.connection.poll(seconds):
                answer = worker.connection.recv()
                home.put(worker)
                return answer
        except (EOFError, OSError, BrokenPipeError):
            pass
        worker.process.join(0.5)
        died = worker.process.exitcode is not None
        worker.stop()
        home.put(self._new_worker())
        if retry_on_timeout and not died:
            return None
        reason = (f"it needed more than the {self.max_memory_mib} MiB of memory a query may use" if died
                  else f"it ran longer than {self.timeout:g} s")
        return Answer(503, "text/plain; charset=utf-8", f"Query stopped: {reason}.\n".encode())

    def close(self) -> None:
        for workers in (self.idle, self.lane):
            while not workers.empty():
                workers.get().stop()


def _choose(accept: str, choices: dict[str, str], default: str) -> str:
    """The format a client's Accept header asks for (first listed wins; */* gives the default)."""
    for part in accept.split(","):
        mime = part.split(";")[0].strip().lower()
        if mime in choices:  # a `format=xml` style parameter, as SPARQLWrapper and others send
            return mime
        for name, content_type in choices.items():
            if mime == content_type or mime == "application/json" and name == "json" or mime == "text/plain" and name == "ntriples":
                return name
    return default


def make_handler(pool: QueryPool, page: bytes):
    class Handler(BaseHTTPRequestHandler):
        server_version = "china-industry-kg"
        protocol_version = "HTTP/1.1"
        timeout = IDLE_SECONDS

        def setup(self) -> None:
            super().setup()
            # headers and body leave in separate writes: without this, Nagle's algorithm and the client's
            # delayed ACK hold every keep-alive answer back by about 40 ms
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
            sys.stderr.write(f"{self.address_string()} {format % args}\n")

        def _send(self, answer: Answer) -> None:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            if answer.truncated:
                self.send_header("X-Kg-Truncated", str(pool.max_rows))
            self.end_headers()
            self.wfile.write(answer.body)

        def _error(self, status: HTTPStatus, message: str) -> None:
            self._send(Answer(status, "text/plain; charset=utf-8", f"{message}\n".encode()))

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            url = urlparse(self.path)
            if url.path in ("/", "/index.html"):
                self._send(Answer(200, "text/html; charset=utf-8", page))
            elif url.path == "/sparql":
                self._query(parse_qs(url.query))
            else:
                self._error(HTTPStatus.NOT_FOUND, "Not found: the SPARQL endpoint is /sparql, the query page /.")

        def do_POST(self) -> None:  # noqa: N802
            url = urlparse(self.path)
            if url.path != "/sparql":
                self._error(HTTPStatus.NOT_FOUND, "Not found: the SPARQL endpoint is /sparql.")
                return
            declared = (self.headers.get("Content-Length") or "0").strip()
            if not declared.isdigit():
                self.close_connection = True  # the body's end is unknown: the connection cannot be reused
                self._error(HTTPStatus.BAD_REQUEST, "Content-Length must be a whole number of bytes.")
                return
            length = int(declared)
            if length > MAX_QUERY_BYTES:
                self.close_connection = True
                self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"Queries are limited to {MAX_QUERY_BYTES} bytes.")
                return
            body = self.rfile.read(length).decode("utf-8", errors="replace")
            content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if content_type == "application/sparql-update":
                self._error(HTTPStatus.FORBIDDEN, "This endpoint is read-only: updates are refused.")
            elif content_type == "application/sparql-query":
                self._query({**parse_qs(url.query), "query": [body]})
            else:
                self._query({**parse_qs(url.query), **parse_qs(body)})

        def _query(self, params: dict[str, list[str]]) -> None:
            if "update" in params:
                self._error(HTTPStatus.FORBIDDEN, "This endpoint is read-only: updates are refused.")
                return
            texts = params.get("query", [])
            if len(texts) != 1 or not texts[0].strip():
                self._error(HTTPStatus.BAD_REQUEST, "Give exactly one `query` parameter.")
                return
            if len(texts[0].encode()) > MAX_QUERY_BYTES:
                self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"Queries are limited to {MAX_QUERY_BYTES} bytes.")
                return
            accept = params.get("format", params.get("output", [""]))[0] or self.headers.get("Accept") or ""
            self._send(pool.run(texts[0], _choose(accept, RESULT_TYPES, "json"), _choose(accept, GRAPH_TYPES, "turtle")))

    return Handler


class EndpointServer(ThreadingHTTPServer):
    """One thread per connection, at most `MAX_CONNECTIONS` at once; a deep listen queue so a burst waits."""

    daemon_threads = True
    request_queue_size = 256

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.connections = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def process_request(self, request, client_address) -> None:
        if not self.connections.acquire(blocking=False):
            try:
                body = b"Too many open connections; retry.\n"
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.connections.release()


def query_page(title: str) -> bytes:
    template = files("kg").joinpath("templates", "sparql.html").read_text(encoding="utf-8")
    return template.replace("{{TITLE}}", html.escape(title)).encode("utf-8")


def serve(out: Path, host: str, port: int, timeout: float, max_rows: int, workers: int, ready=None, max_memory_mib: int = 2048) -> None:
    """Serve until interrupted; ``ready`` is called with the bound URL once requests are accepted."""
    from kg.store import open_store

    open_store(out)  # a clear error when nothing was built
    pool = QueryPool(out, workers, timeout, max_rows, max_memory_mib)
    server = EndpointServer((host, port), make_handler(pool, query_page(f"china-industry-kg: {out}")))
    url = f"http://{host}:{server.server_address[1]}/sparql"
    if ready:
        ready(url)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        pool.close()


def wait_for(url: str, seconds: float = 30) -> None:
    """Block until a server answers at ``url`` (used by tests and `kg push` callers)."""
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)

