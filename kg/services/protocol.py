"""The SPARQL 1.1 Protocol's rules for `kg serve`: what a request asks, in which format, over which dataset.

Nothing here touches the network, the pool or the store: the request handler in `kg.services.serve`
reads a request's parameters with `read_params`, picks the answer formats with `choose_formats`
and the RDF dataset with `dataset`; a worker then runs the query (`kg.services.answers`). Each function
raises `ProtocolError` with the HTTP status the protocol asks for.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from kg.errors import ProtocolError

RESULT_TYPES = {  # SELECT and ASK; the first is the default
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
    "csv": "text/csv", "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {  # CONSTRUCT and DESCRIBE; the first is the default
    "turtle": "text/turtle", "ntriples": "application/n-triples", "nquads": "application/n-quads",
    "rdfxml": "application/rdf+xml", "jsonld": "application/ld+json",
}
# other media types clients send for the same formats; only an exact match counts (no wildcards)
RESULT_ALIASES = {"application/json": "json", "application/xml": "xml", "text/xml": "xml"}
GRAPH_ALIASES = {"application/x-turtle": "turtle", "application/turtle": "turtle", "text/n3": "turtle",
                 "text/plain": "ntriples", "application/json": "jsonld", "application/xml": "rdfxml", "text/xml": "rdfxml"}
# `format=` / `output=` names (SPARQLWrapper and others send them): (format for SELECT/ASK, for CONSTRUCT/DESCRIBE)
FORMAT_NAMES = {
    "json": ("json", "jsonld"), "xml": ("xml", "rdfxml"), "csv": ("csv", None), "tsv": ("tsv", None),
    "turtle": (None, "turtle"), "ttl": (None, "turtle"), "ntriples": (None, "ntriples"), "nt": (None, "ntriples"),
    "n-triples": (None, "ntriples"), "nquads": (None, "nquads"), "n-quads": (None, "nquads"), "rdfxml": (None, "rdfxml"),
    "rdf": (None, "rdfxml"), "json-ld": (None, "jsonld"), "jsonld": (None, "jsonld"),
}
DIRECT, FORM = "application/sparql-query", "application/x-www-form-urlencoded"
UPDATE = "application/sparql-update"


# --- content negotiation ---------------------------------------------------------------------------

def _ranges(accept: str) -> list[tuple[str, float, int]]:
    """The media ranges of an Accept header as (range, q, position)."""
    ranges = []
    for position, part in enumerate(accept.split(",")):
        mime, *parameters = (piece.strip() for piece in part.split(";"))
        mime = "*/*" if mime == "*" else mime.lower()
        if "/" not in mime:
            continue
        q = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((mime, q, position))
    return ranges


def negotiate(accept: str, offers: dict[str, str], aliases: dict[str, str] | None = None) -> str | None:
    """The name of the offer the Accept header prefers, or None when it accepts none of them.

    An offer's quality comes from the most specific range that matches it (RFC 9110 §12.5.1);
    the highest quality wins, then an exact match over a wildcard, then the range listed first,
    then the order of ``offers``. An empty header accepts the first offer.

    >>> negotiate("text/csv;q=0.5, application/*", RESULT_TYPES)
    'json'
    >>> negotiate("text/html", RESULT_TYPES) is None
    True
    """
    ranges = _ranges(accept or "")
    if not ranges:
        return next(iter(offers))
    best: tuple[tuple, str] | None = None
    for order, (name, media_type) in enumerate(offers.items()):
        exact = {media_type} | {alias for alias, target in (aliases or {}).items() if target == name}
        match: tuple[int, float, int] | None = None  # (specificity, q, position)
        for mime, q, position in ranges:
            specificity = (3 if mime in exact else 2 if mime.endswith("/*") and media_type.startswith(mime[:-1])
                           else 1 if mime == "*/*" else 0)
            if specificity and (match is None or (specificity, -position) > (match[0], -match[2])):
                match = (specificity, q, position)
        if match is None or match[1] <= 0:
            continue
        key = (match[1], match[0], -match[2], -order)
        if best is None or key > best[0]:
            best = (key, name)
    return best[1] if best else None


def choose_formats(format_name: str | None, accept: str | None) -> tuple[str | None, str | None]:
    """(format for SELECT/ASK, format for CONSTRUCT/DESCRIBE); None where the client accepts none.

    A ``format`` (or ``output``) parameter wins over the Accept header; a name that fits only one
    kind of query leaves the other kind its default.
    """
    if format_name:
        name = format_name.strip().lower()
        if name in FORMAT_NAMES:
            result, graph = FORMAT_NAMES[name]
            return result or "json", graph or "turtle"
        return (negotiate(name, RESULT_TYPES, RESULT_ALIASES) or "json", negotiate(name, GRAPH_TYPES, GRAPH_ALIASES) or "turtle")
    return negotiate(accept or "", RESULT_TYPES, RESULT_ALIASES), negotiate(accept or "", GRAPH_TYPES, GRAPH_ALIASES)


def not_acceptable(kind: str) -> str:
    """Why a request gets 406: ``kind`` is "results" (SELECT, ASK), "graph" (CONSTRUCT, DESCRIBE, the
    service description) or "any" (no query form at all would fit)."""
    results = f"{', '.join(RESULT_TYPES.values())} for SELECT and ASK"
    graphs = f"{', '.join(GRAPH_TYPES.values())} for CONSTRUCT and DESCRIBE"
    offers = {"results": results, "graph": graphs}.get(kind, f"{results}; {graphs}")
    return f"None of the types in Accept can carry this answer; this endpoint offers {offers}."


# --- reading a request -----------------------------------------------------------------------------

def _query_string(text: str) -> dict[str, list[str]]:
    try:
        return parse_qs(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise ProtocolError(400, "Parameters must be percent-encoded UTF-8.") from None


def media_type(header: str | None) -> tuple[str, dict[str, str]]:
    """A Content-Type header as (type, parameters), lower-cased; ("", {}) when there is none."""
    mime, *parameters = (piece.strip() for piece in (header or "").split(";"))
    values = {}
    for parameter in parameters:
        key, _, value = parameter.partition("=")
        values[key.strip().lower()] = value.strip().strip('"')
    return mime.lower(), values


def read_params(method: str, url_query: str, content_type: str | None = None, body: bytes = b"") -> dict[str, list[str]]:
    """The protocol parameters of a request: from the URL for GET and direct POST, URL and body for a form.

    A POST must say what it carries, ``application/sparql-query`` or
    ``application/x-www-form-urlencoded``, in UTF-8 if it names a charset; an update
    (``application/sparql-update``) is refused as this endpoint is read-only.
    """
    params = _query_string(url_query)
    if method == "GET":
        return params
    mime, parameters = media_type(content_type)
    if not mime:
        raise ProtocolError(415, f"A POST needs a Content-Type: {DIRECT} (the query as the body) or {FORM}.")
    if mime == UPDATE:
        raise ProtocolError(403, "This endpoint is read-only: updates are refused.")
    if mime not in (DIRECT, FORM):
        raise ProtocolError(415, f"Unsupported Content-Type {mime}: send {DIRECT} or {FORM}.")
    if parameters.get("charset", "utf-8").lower() not in ("utf-8", "utf8"):
        raise ProtocolError(415, f"Unsupported charset {parameters['charset']}: queries are read as UTF-8.")
    try:
        text = body.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise ProtocolError(400, "The request body is not valid UTF-8.") from None
    if mime == FORM:
        form = _query_string(text)
        return {key: params.get(key, []) + form.get(key, []) for key in params.keys() | form.keys()}
    if "query" in params:
        raise ProtocolError(400, f"A {DIRECT} POST carries its query as the body, not also in the URL.")
    return {**params, "query": [text]}


def dataset(params: dict[str, list[str]]) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """The RDF dataset the request names: (default graphs, named graphs), or (None, None) for the query's own.

    With either parameter the protocol's dataset replaces the query's FROM and FROM NAMED
    entirely: a graph left out of ``default-graph-uri`` is not in the default graph (which is
    empty when only ``named-graph-uri`` is given), and only the ``named-graph-uri`` graphs are
    named.
    """
    import pyoxigraph as ox

    default, named = params.get("default-graph-uri", []), params.get("named-graph-uri", [])
    if not default and not named:
        return None, None
    for iri in default + named:
        try:
            ox.NamedNode(iri)
        except ValueError as error:
            raise ProtocolError(400, f"Not an absolute IRI: {iri!r} ({error}).") from None
    return tuple(default), tuple(named)
