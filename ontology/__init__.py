"""Ontology data for china-industry-kg: the OWL vocabulary, SHACL shapes and alias tables.

This package holds data only. `data_path` finds a shipped file through importlib.resources, so
the same code works from a source checkout and from an installed wheel.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def data_path(name: str) -> Path:
    """Return the path of a shipped ontology file, e.g. ``data_path("aliases/firms.jsonl")``."""
    return Path(str(files(__name__).joinpath(name)))
