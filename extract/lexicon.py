"""Load the ontology's alias tables and the rule word lists that the recognisers are built from.

Data in, plain Python out: nothing here knows spaCy. Loaders report ``file:line: reason`` so a
typo in a shipped table fails loudly instead of silently dropping an entity.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path

from ontology import data_path
from ontology.vocabulary import VOCABULARY

CLASSES = VOCABULARY.class_names
ALIAS_TABLES = ("agencies", "programs", "sectors", "firms", "places", "organizations")
_REQUIRED = ("id", "class", "label", "aliases")
CONNECTORS = frozenset({"and", "of", "the", "for", "in", "on", "to", "a", "an", "with"})


class RuleFileError(ValueError):
    """A shipped data file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class KnownEntity:
    """One row of an alias table."""

    id: str
    label: str
    cls: str
    aliases: tuple[str, ...]
    zh: str = ""
    broader: tuple[str, ...] = ()
    former_names: tuple[str, ...] = ()
    generic_label: bool = False
    country: str = ""


def rules_path(name: str) -> Path:
    """Path of a shipped rule file under ``extract/rules``."""
    return Path(str(files("extract").joinpath("rules", name)))


def load_alias_table(path: Path) -> list[KnownEntity]:
    """Read one JSONL alias table, validating every line."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise RuleFileError(f"{path}:{number}: not JSON: {error.msg}") from None
        missing = [key for key in _REQUIRED if key not in row]
        if missing:
            raise RuleFileError(f"{path}:{number}: missing {', '.join(missing)}")
        if row["class"] not in CLASSES:
            raise RuleFileError(f"{path}:{number}: unknown class {row['class']!r}; use one of {', '.join(CLASSES)}")
        rows.append(
            KnownEntity(
                id=row["id"], label=row["label"], cls=row["class"],
                aliases=tuple(dict.fromkeys([*([] if row.get("generic_label") else [row["label"]]), *row["aliases"]])),
                zh=row.get("zh", ""), broader=tuple(row.get("broader", ())),
                former_names=tuple(row.get("former_names", ())),
                generic_label=bool(row.get("generic_label")),
                country=row.get("country", ""),
            )
        )
    return rows


@lru_cache(maxsize=1)
def load_known_entities() -> tuple[KnownEntity, ...]:
    """Every alias table, checked for duplicate ids across tables."""
    seen: dict[str, str] = {}
    rows: list[KnownEntity] = []
    for table in ALIAS_TABLES:
        path = data_path(f"aliases/{table}.jsonl")
        for row in load_alias_table(path):
            if row.id in seen:
                raise RuleFileError(f"{path}: id {row.id!r} already defined in {seen[row.id]}")
            seen[row.id] = table
            rows.append(row)
    return tuple(rows)


@cache
def load_rules(name: str) -> dict:
    """Read a YAML rule file from ``extract/rules``; a syntax error names the file."""
    import srsly  # YAML support pulls in numpy: load it only when rules are read, not for `kg who`

    path = rules_path(name)
    try:
        return srsly.read_yaml(path)
    except Exception as error:  # srsly re-raises ruamel's many error types
        raise RuleFileError(f"{path}: {error}") from None


@lru_cache(maxsize=1 << 16)  # the same names recur in every briefing, and resolution asks again for each
def name_signature(text: str) -> str:
    """A key that survives case, punctuation, plurals and connectors.

    Example:
        >>> name_signature("Hundred Cities and Thousands of Parks") == name_signature("Hundred cities and thousand parks")
        True
    """
    words = re.sub(r"[^\w]+", " ", text.lower()).split()
    return " ".join(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words if w not in CONNECTORS)
