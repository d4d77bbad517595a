"""Reviewers' corrections: stored as labelled clauses in corpora/feedback/, never overwritten.

Each correction is one JSON line appended (under a file lock, with fsync) to
corpora/feedback/corrections.jsonl with its provenance: who, when, which
document (hash), which model version, the model's prediction and the
correction. Reading merges duplicates (same text, same labels) and lists
conflicts (same text, different labels) for a lawyer to settle.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analyser.corpus import LabelledText, check_record
from analyser.errors import InputDataError
from analyser.taxonomy import load_taxonomy

FEEDBACK_DIR = Path(__file__).resolve().parents[1] / "corpora" / "feedback"
FEEDBACK_FILE = "corrections.jsonl"
FEEDBACK_WEIGHT = 3.0  # a reviewed clause counts more than a written one in training


@dataclass(frozen=True, slots=True)
class Correction:
    """One reviewer's verdict on one clause."""

    text: str
    lang: str
    elements: tuple[str, ...]
    assessment: str
    reviewer: str = ""
    comment: str = ""
    document_sha256: str = ""
    model_version: str = ""
    predicted: dict[str, Any] = field(default_factory=dict)
    at: str = ""

    @property
    def topics(self) -> tuple[str, ...]:
        topic_of = load_taxonomy().topic_of
        return tuple(sorted({topic_of[e] for e in self.elements}))

    @property
    def key(self) -> str:
        """Same text (whitespace and case aside) -> same key."""
        return hashlib.sha256(" ".join(self.text.lower().split()).encode("utf-8")).hexdigest()[:16]

    @property
    def labels(self) -> tuple[tuple[str, ...], str]:
        return self.elements, self.assessment


def make_correction(text: str, lang: str, elements: Iterable[str], assessment: str, **provenance: Any) -> Correction:
    """A validated correction (unknown element ids or a bad assessment raise InputDataError)."""
    elements = tuple(sorted(set(elements)))
    if assessment == "neutral" and elements:
        raise InputDataError("a clause with elements cannot be 'neutral'; choose strong, weak or adverse")
    if not elements and assessment != "neutral":
        assessment = "neutral"
    record = {"id": "feedback", "lang": lang, "text": text, "elements": list(elements), "assessment": assessment,
              "topics": sorted({load_taxonomy().topic_of.get(e, "?") for e in elements}), "family": "feedback",
              "source": "feedback"}
    problem = check_record(record, load_taxonomy())
    if problem:
        raise InputDataError(f"the correction is not valid: {problem}")
    at = provenance.pop("at", "") or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return Correction(text=text.strip(), lang=lang, elements=elements, assessment=assessment, at=at, **provenance)


def append(corrections: Iterable[Correction], folder: Path = FEEDBACK_DIR) -> int:
    """Append corrections to the feedback file under an exclusive lock; returns how many were written."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FEEDBACK_FILE
    lines = [json.dumps(asdict(c) | {"elements": list(c.elements)}, ensure_ascii=False) + "\n" for c in corrections]
    if not lines:
        return 0
    with path.open("a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            handle.write("".join(lines))
            handle.flush()
            os.fsync(handle.fileno())
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    return len(lines)


def read_all(folder: Path = FEEDBACK_DIR) -> list[Correction]:
    """Every stored correction, oldest first; a damaged line is reported with its number."""
    path = folder / FEEDBACK_FILE
    if not path.exists():
        return []
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            data["elements"] = tuple(data["elements"])
            out.append(Correction(**data))
        except (json.JSONDecodeError, TypeError, KeyError) as exc:
            raise InputDataError(f"{path}:{n}: not a stored correction ({exc})") from None
    return out


@dataclass(frozen=True, slots=True)
class FeedbackSet:
    """Corrections merged by text: agreed ones become training clauses, disagreeing ones wait for a lawyer."""

    agreed: tuple[Correction, ...]
    conflicts: tuple[tuple[Correction, ...], ...]


def merge(corrections: list[Correction]) -> FeedbackSet:
    by_text: dict[str, list[Correction]] = {}
    for c in corrections:
        by_text.setdefault(c.key, []).append(c)
    agreed, conflicts = [], []
    for group in by_text.values():
        if len({c.labels for c in group}) == 1:
            agreed.append(group[-1])
        else:
            conflicts.append(tuple(group))
    return FeedbackSet(tuple(agreed), tuple(conflicts))


def training_records(feedback: FeedbackSet) -> list[LabelledText]:
    """Agreed corrections as weighted training clauses (always in the train split)."""
    return [LabelledText(id=f"feedback-{c.key}", lang=c.lang, text=c.text, topics=c.topics, elements=c.elements,
                         assessment=c.assessment, family=f"feedback-{c.key}", source="feedback", split="train",
                         weight=FEEDBACK_WEIGHT) for c in feedback.agreed]
