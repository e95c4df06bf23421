"""Errors the library raises; the CLI turns each into a one-line message and exit code 1."""

from __future__ import annotations


class KgError(Exception):
    """Base of every error the user can cause and fix."""


class InputError(KgError):
    """An input file or directory cannot be read as a briefing."""


class GraphNotBuiltError(KgError):
    """A command needs a built graph and there is none in the output directory."""


class UnknownNameError(KgError):
    """No node matches a name; ``suggestions`` holds the closest names."""

    def __init__(self, name: str, suggestions: list[str]):
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"No entity named {name!r} in the graph.{hint}")
        self.name = name
        self.suggestions = suggestions


class QueryError(KgError):
    """A SPARQL query does not parse or fails."""
