"""`kg serve`: the store behind the SPARQL 1.1 Protocol, read-only, with a time limit and a row cap.

Queries run in worker processes that each open the store read-only. A query that runs past the
time limit has its worker killed and replaced, so one runaway query costs the client a 503 and
never the server; the store is never opened for writing, so no request can change it. Updates
are refused before they reach a worker. The protocol's rules (media types, content negotiation,
the request's RDF dataset) are in `kg.services.protocol`, what a worker computes (answers in each format,
the service description) in `kg.services.answers`. Answers hold at most ``max_rows`` rows or triples, the
response saying so in its ``X-Kg-Truncated`` header when more existed. With ``cors`` set,
browser pages from other origins may query too.
"""

from __future__ import annotations

import html
import multiprocessing
import os
import queue
import re
import resource
import socket
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlparse

from kg.errors import ProtocolError
from kg.services.answers import Answer, Job, run_one, text_answer
from kg.services.protocol import GRAPH_ALIASES, GRAPH_TYPES, choose_formats, dataset, negotiate, not_acceptable, read_params

MAX_QUERY_BYTES = 100_000
IDLE_SECONDS = 30  # a connection that sends nothing for this long is closed, so idle clients cannot hold threads
MAX_CONNECTIONS = 128  # open at once; past it a new connection gets a 503 and is closed


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
    from kg.storage.store import store_folder

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
        connection.send(run_one(store, request, str(folder)))


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

    def run(self, request: Job) -> Answer:
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

    def _on(self, worker: Worker, home: queue.Queue, request: Job, seconds: float, retry_on_timeout: bool = False) -> Answer | None:
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


ENDPOINT = "/sparql"
_HEADER_LIST = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~, -]*")  # header names, as a preflight may list them


def make_handler(pool: QueryPool, page: bytes, cors: tuple[str, ...] = ()):
    """The request handler; ``cors`` holds the origins (or "*") whose browser pages may query the endpoint."""
    methods = "GET, POST, OPTIONS" if cors else "GET, POST"

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

        def _origin(self) -> str | None:
            """The value of Access-Control-Allow-Origin for this request, if CORS lets it through."""
            if "*" in cors:
                return "*"
            origin = self.headers.get("Origin")
            return origin if origin in cors else None

        def _cors_headers(self) -> None:
            if not cors:
                return
            if "*" not in cors:
                self.send_header("Vary", "Origin")
            if origin := self._origin():
                self.send_header("Access-Control-Allow-Origin", origin)
                self.send_header("Access-Control-Expose-Headers", "X-Kg-Truncated")

        def _send(self, answer: Answer) -> None:
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(answer.body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            for name, value in answer.headers:
                self.send_header(name, value)
            self._cors_headers()
            if answer.truncated:
                self.send_header("X-Kg-Truncated", str(pool.max_rows))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(answer.body)

        def _error(self, status: HTTPStatus, message: str) -> None:
            self._send(text_answer(status, message))

        def _endpoint(self) -> str:
            host, port = self.server.server_address[:2]
            return getattr(self.server, "endpoint", None) or f"http://{host}:{port}{ENDPOINT}"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            url = urlparse(self.path)
            if url.path in ("/", "/index.html"):
                self._send(Answer(200, "text/html; charset=utf-8", page))
            elif url.path == ENDPOINT:
                self._handle(lambda: read_params("GET", url.query))
            else:
                self._error(HTTPStatus.NOT_FOUND, "Not found: the SPARQL endpoint is /sparql, the query page /.")

        def do_POST(self) -> None:  # noqa: N802
            url = urlparse(self.path)
            if url.path != ENDPOINT:
                self.close_connection = True  # the body is left unread
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
            body = self.rfile.read(length)
            self._handle(lambda: read_params("POST", url.query, self.headers.get("Content-Type"), body))

        def do_OPTIONS(self) -> None:  # noqa: N802 - a CORS preflight when --cors is on
            if not cors:
                self._not_allowed()
                return
            if self._origin() is None:
                self._error(HTTPStatus.FORBIDDEN, "This origin may not query the endpoint (see `kg serve --cors`).")
                return
            requested = self.headers.get("Access-Control-Request-Headers", "")
            self.send_response(HTTPStatus.NO_CONTENT)
            self.send_header("Allow", methods)
            self._cors_headers()
            self.send_header("Access-Control-Allow-Methods", methods)
            allowed = requested if requested and _HEADER_LIST.fullmatch(requested) else "Accept, Content-Type"
            self.send_header("Access-Control-Allow-Headers", allowed)
            self.send_header("Access-Control-Max-Age", "86400")
            self.end_headers()

        def _not_allowed(self) -> None:
            self.close_connection = True  # a body, if any, is left unread
            allow = methods if urlparse(self.path).path == ENDPOINT else "GET"
            self._send(text_answer(HTTPStatus.METHOD_NOT_ALLOWED, f"{self.command} is not allowed here: use {allow}.", (("Allow", allow),)))

        do_PUT = do_DELETE = do_PATCH = do_HEAD = do_TRACE = do_CONNECT = _not_allowed  # noqa: N815

        def _handle(self, read) -> None:
            try:
                answer = self._answer(read())
            except ProtocolError as error:
                answer = text_answer(error.status, str(error))
            self._send(answer)

        def _answer(self, params: dict[str, list[str]]) -> Answer:
            if "update" in params:
                raise ProtocolError(403, "This endpoint is read-only: updates are refused.")
            chosen = (params.get("format") or params.get("output") or [""])[0]
            if "query" not in params and self.command == "GET":
                return self._describe(chosen)
            texts = params["query"] if "query" in params else []
            if len(texts) != 1 or not texts[0].strip():
                raise ProtocolError(400, "Give exactly one `query` parameter.")
            if len(texts[0].encode()) > MAX_QUERY_BYTES:
                raise ProtocolError(413, f"Queries are limited to {MAX_QUERY_BYTES} bytes.")
            default_graphs, named_graphs = dataset(params)
            result_format, graph_format = choose_formats(chosen, self.headers.get("Accept"))
            if result_format is None and graph_format is None:
                raise ProtocolError(406, not_acceptable("any"))
            return pool.run(Job(texts[0], result_format, graph_format, pool.max_rows, self._endpoint(), default_graphs, named_graphs))

        def _describe(self, chosen: str) -> Answer:
            """The service description; a browser asking for HTML is sent to the query page instead."""
            if not chosen and negotiate(self.headers.get("Accept") or "", {**GRAPH_TYPES, "html": "text/html"}, GRAPH_ALIASES) == "html":
                return text_answer(HTTPStatus.SEE_OTHER, "The query page is at /.", (("Location", "/"),))
            graph_format = choose_formats(chosen, self.headers.get("Accept"))[1]
            if graph_format is None:
                raise ProtocolError(406, not_acceptable("graph"))
            return pool.run(Job(None, None, graph_format, pool.max_rows, self._endpoint()))

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


def serve(out: Path, host: str, port: int, timeout: float, max_rows: int, workers: int, ready=None, max_memory_mib: int = 2048,
          cors: tuple[str, ...] = ()) -> None:
    """Serve until interrupted; ``ready`` is called with the bound URL once requests are accepted.

    ``cors``: the origins whose pages may query from a browser ("*" for any), none by default.
    """
    from kg.storage.store import open_store

    open_store(out)  # a clear error when nothing was built
    pool = QueryPool(out, workers, timeout, max_rows, max_memory_mib)
    server = EndpointServer((host, port), make_handler(pool, query_page(f"china-industry-kg: {out}"), tuple(cors)))
    url = server.endpoint = f"http://{host}:{server.server_address[1]}{ENDPOINT}"
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

