"""The label contract (taxonomy.yaml): topic and element ids, names, and the gap status rule.

A copy of ../shared/taxonomy.yaml ships inside the package so an installed
analyser works anywhere; a test keeps the copy identical to the contract.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from analyser.resources import RESOURCES

ASSESSMENTS = ("strong", "weak", "adverse", "neutral")
STATUSES = ("covered", "weak", "conflict", "missing")


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    names: dict[str, str]
    elements: dict[str, str]  # element id -> definition (English)


@dataclass(frozen=True, slots=True)
class Taxonomy:
    topics: tuple[Topic, ...]

    @property
    def topic_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.topics)

    @property
    def element_ids(self) -> tuple[str, ...]:
        return tuple(e for t in self.topics for e in t.elements)

    @property
    def topic_of(self) -> dict[str, str]:
        return {e: t.id for t in self.topics for e in t.elements}

    def topic(self, topic_id: str) -> Topic:
        return next(t for t in self.topics if t.id == topic_id)


def taxonomy_path() -> Path:
    return RESOURCES / "taxonomy.yaml"


@lru_cache(maxsize=4)
def load_taxonomy(path: str | None = None) -> Taxonomy:
    """Read the taxonomy (the packaged copy unless a path is given)."""
    data = yaml.safe_load(Path(path or taxonomy_path()).read_text(encoding="utf-8"))
    topics = tuple(
        Topic(id=tid, names=dict(body["name"]), elements=dict(body["elements"]))
        for tid, body in data["topics"].items()
    )
    return Taxonomy(topics=topics)


def status_of(assessments: list[str]) -> str:
    """Gap status of an element from the assessments of the clauses carrying it.

    conflict if any clause is adverse (even if another covers it); covered if
    a strong clause carries it; weak if only weak ones do; missing otherwise.
    """
    if "adverse" in assessments:
        return "conflict"
    if "strong" in assessments:
        return "covered"
    if "weak" in assessments:
        return "weak"
    return "missing"
