"""The ontology's vocabulary, read once from `vocabulary.json`: the one home of the class and relation lists.

Extraction checks its rule files against it, the graph side mints IRIs and SPARQL VALUES from
it, the HTML page takes its colours from it. It is plain JSON read with the standard library,
so `kg who` loads neither rdflib nor YAML to know the classes; a test checks it against
``cikg.ttl``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ontology import data_path


@dataclass(frozen=True)
class EntityClass:
    """A class of entity: its name in the ontology, its folder under the id namespace, how it is drawn."""

    name: str
    path: str
    color: str
    shape: str


@dataclass(frozen=True)
class Relation:
    """A relation between entities; an empty domain or range means any class."""

    name: str
    domain: tuple[str, ...]
    range: tuple[str, ...]
    symmetric: bool
    scored: bool  # defined by the gold annotations, so `kg eval` scores it


@dataclass(frozen=True)
class Family:
    """A group of relations as an analyst reads them (policy, ownership, deal, place, taxonomy), and its edge style."""

    name: str
    color: str
    width: float
    dashes: bool | list[int]
    relations: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    ontology_iri: str
    id_iri: str
    classes: tuple[EntityClass, ...]
    relations: tuple[Relation, ...]
    families: tuple[Family, ...]
    other_id_folders: tuple[str, ...]

    @property
    def class_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.classes)

    @property
    def relation_names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.relations)


def read_vocabulary() -> Vocabulary:
    data = json.loads(data_path("vocabulary.json").read_text(encoding="utf-8"))
    relations = tuple(Relation(r["name"], tuple(r["domain"]), tuple(r["range"]), r["symmetric"], r["scored"]) for r in data["relations"])
    return Vocabulary(
        data["ontology"], data["ids"],
        tuple(EntityClass(c["name"], c["path"], c["color"], c["shape"]) for c in data["classes"]),
        relations,
        tuple(Family(f["name"], f["color"], f["width"], f["dashes"], tuple(f["relations"])) for f in data["families"]),
        tuple(data["id_folders_besides_classes"]),
    )


VOCABULARY = read_vocabulary()
