"""The labelled clauses of corpora/clauses/*.jsonl, validated, with train/dev/test splits.

Splits are assigned by drafting family (paraphrases of one clause share a
family) from a hash, so they are stable as the corpus grows; families whose
texts are near-duplicates of each other (rapidfuzz ratio > 90) are merged
first, so that no paraphrase sits on both sides of a split.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyser.errors import InputDataError
from analyser.taxonomy import ASSESSMENTS, Taxonomy, load_taxonomy

CORPUS_DIR = Path(__file__).resolve().parents[1] / "corpora" / "clauses"
KEYS = ("id", "lang", "text", "topics", "elements", "assessment", "family", "source")
SPLITS = ("train", "dev", "test")
NEAR_DUPLICATE = 90.0


@dataclass(frozen=True, slots=True)
class LabelledText:
    """One labelled clause of the corpus."""

    id: str
    lang: str
    text: str
    topics: tuple[str, ...]
    elements: tuple[str, ...]
    assessment: str
    family: str
    source: str
    split: str = ""
    weight: float = 1.0


def check_record(obj: object, taxonomy: Taxonomy) -> str:
    """Why a JSON object is not a valid labelled clause ('' when it is)."""
    if not isinstance(obj, dict):
        return "not a JSON object"
    missing = [k for k in KEYS if k not in obj]
    if missing:
        return f"missing keys {missing}"
    if not isinstance(obj["text"], str) or not obj["text"].strip():
        return "empty text"
    if obj["assessment"] not in ASSESSMENTS:
        return f"assessment {obj['assessment']!r} is not one of {ASSESSMENTS}"
    topic_of = taxonomy.topic_of
    unknown = [e for e in obj["elements"] if e not in topic_of]
    if unknown:
        return f"unknown element ids {unknown}"
    want = sorted({topic_of[e] for e in obj["elements"]})
    if sorted(obj["topics"]) != want:
        return f"topics {obj['topics']} do not match the elements' topics {want}"
    if (obj["assessment"] == "neutral") != (not obj["elements"]):
        return "assessment is 'neutral' exactly when there are no elements"
    return ""


def checked_lines(path: Path, taxonomy: Taxonomy | None = None) -> Iterator[tuple[int, Any, str]]:
    """(line number, object, problem or '') for every non-empty line of a labelled-clause file."""
    taxonomy = taxonomy or load_taxonomy()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield n, None, f"not valid JSON ({exc.msg})"
            continue
        yield n, obj, check_record(obj, taxonomy)


def read_jsonl(path: Path, taxonomy: Taxonomy | None = None) -> list[LabelledText]:
    """Labelled clauses of one file; a bad line raises InputDataError naming file and line."""
    out = []
    for n, obj, problem in checked_lines(path, taxonomy):
        if problem:
            raise InputDataError(f"{path}:{n}: {problem}")
        out.append(LabelledText(
            id=obj["id"], lang=obj["lang"], text=obj["text"], topics=tuple(sorted(obj["topics"])),
            elements=tuple(sorted(obj["elements"])), assessment=obj["assessment"], family=obj["family"],
            source=obj["source"], weight=float(obj.get("weight", 1.0)),
        ))
    return out


def _bucket(family: str) -> str:
    h = int(hashlib.sha256(family.encode("utf-8")).hexdigest()[:8], 16) % 10
    return "test" if h >= 8 else "dev" if h == 7 else "train"


def _family_groups(records: list[LabelledText]) -> dict[str, str]:
    """family -> representative family, merging families with near-duplicate texts."""
    from rapidfuzz import fuzz, process

    parent: dict[str, str] = {r.family: r.family for r in records}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    by_lang: dict[str, list[LabelledText]] = {}
    for r in records:
        by_lang.setdefault(r.lang, []).append(r)
    for items in by_lang.values():
        texts = [r.text.lower() for r in items]
        scores = process.cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=NEAR_DUPLICATE, workers=-1)
        rows, cols = scores.nonzero()
        for i, j in zip(rows.tolist(), cols.tolist()):
            if i < j:
                a, b = find(items[i].family), find(items[j].family)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    return {f: find(f) for f in parent}


def assign_splits(records: list[LabelledText]) -> list[LabelledText]:
    """The records with `split` set by family group."""
    from dataclasses import replace

    group = _family_groups(records)
    return [replace(r, split=_bucket(group[r.family])) for r in records]


def load_corpus(root: str | Path = CORPUS_DIR, extra: Iterable[LabelledText] = ()) -> list[LabelledText]:
    """Every labelled clause under `root` (*.jsonl), validated, ids unique, with splits."""
    root = Path(root)
    taxonomy = load_taxonomy()
    records: list[LabelledText] = []
    for path in sorted(root.glob("*.jsonl")):
        records.extend(read_jsonl(path, taxonomy))
    records.extend(extra)
    seen: set[str] = set()
    for r in records:
        if r.id in seen:
            raise InputDataError(f"{root}: duplicate clause id {r.id!r}")
        seen.add(r.id)
    return assign_splits(records)


def corpus_hash(records: list[LabelledText]) -> str:
    digest = hashlib.sha256()
    for r in sorted(records, key=lambda r: r.id):
        digest.update(f"{r.id}\t{r.text}\t{r.elements}\t{r.assessment}\n".encode())
    return digest.hexdigest()[:12]
