"""Errors the library raises; the CLI turns each into a one-line message and exit code 1."""

from __future__ import annotations

import unicodedata

_SHOWN_NAME = 80  # characters of a user's name echoed back in a message


def printable(text: str) -> str:
    """``text`` safe for one terminal line: control, line-break and bidi characters escaped.

    A file name holding a newline or a right-to-left override could otherwise forge a line of
    the build's report.

    >>> printable("a\\nb\\u202ec.txt")
    'a\\\\nb\\\\u202ec.txt'
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() and unicodedata.category(c) not in ("Cf", "Zl", "Zp")
                   else c.encode("unicode_escape").decode("ascii") for c in text)


def shortened(name: str, limit: int = _SHOWN_NAME) -> str:
    """A user's name as echoed in a message: at most ``limit`` characters, "…" where cut."""
    return name if len(name) <= limit else name[: limit - 1] + "…"


class KgError(Exception):
    """Base of every error the user can cause and fix; its text is always one printable line."""

    def __str__(self) -> str:
        return printable(super().__str__())


class InputError(KgError):
    """An input file or directory cannot be read as a briefing."""


class NothingReadError(InputError):
    """No input could be read; ``reported`` when each one's reason was already printed on its own line."""

    def __init__(self, message: str, reported: bool = False):
        super().__init__(message)
        self.reported = reported


class GraphNotBuiltError(KgError):
    """A command needs a built graph and there is none in the output directory."""


class UnknownNameError(KgError):
    """No node matches a name; ``suggestions`` holds the closest names."""

    def __init__(self, name: str, suggestions: list[str]):
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"No entity named {shortened(name)!r} in the graph.{hint}")
        self.name = name
        self.suggestions = suggestions


class QueryError(KgError):
    """A SPARQL query does not parse or fails."""


class BusyError(KgError):
    """Another kg process is writing the same output folder."""


class PushError(KgError):
    """The server refused the graph or could not be reached."""


class ProtocolError(KgError):
    """A request `kg serve` refuses under the SPARQL 1.1 Protocol, with the HTTP status to answer."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
