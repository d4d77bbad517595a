"""Check a labelled-clause JSONL file written by hand: format, label ids, counts.

Usage: python3 corpora/check_clauses.py corpora/clauses/FILE.jsonl [...]
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import yaml

TAXONOMY = Path(__file__).resolve().parents[2] / "shared" / "taxonomy.yaml"
KEYS = {"id", "lang", "text", "topics", "elements", "assessment", "family", "source"}
ASSESSMENTS = {"strong", "weak", "adverse", "neutral"}


def element_topics() -> dict[str, str]:
    tax = yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))
    return {e: t for t, body in tax["topics"].items() for e in body["elements"]}


def check(path: Path, owner: dict[str, str]) -> tuple[list[str], Counter, Counter]:
    problems: list[str] = []
    counts: Counter = Counter()
    other: Counter = Counter()
    ids: set[str] = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path}:{n}: not JSON ({exc})")
            continue
        if set(obj) != KEYS:
            problems.append(f"{path}:{n}: keys {sorted(set(obj) ^ KEYS)} wrong")
            continue
        if obj["id"] in ids:
            problems.append(f"{path}:{n}: duplicate id {obj['id']}")
        ids.add(obj["id"])
        if not str(obj["text"]).strip():
            problems.append(f"{path}:{n}: empty text")
        if obj["assessment"] not in ASSESSMENTS:
            problems.append(f"{path}:{n}: assessment {obj['assessment']!r}")
        bad = [e for e in obj["elements"] if e not in owner]
        if bad:
            problems.append(f"{path}:{n}: unknown elements {bad}")
            continue
        want = sorted({owner[e] for e in obj["elements"]})
        if obj["topics"] != want:
            problems.append(f"{path}:{n}: topics should be {want}")
        if (obj["assessment"] == "neutral") != (not obj["elements"]):
            problems.append(f"{path}:{n}: neutral iff no elements")
        for e in obj["elements"]:
            counts[(e, obj["assessment"])] += 1
        if not obj["elements"]:
            other[obj["lang"]] += 1
    return problems, counts, other


def main(argv: list[str]) -> int:
    owner = element_topics()
    status = 0
    for name in argv:
        problems, counts, other = check(Path(name), owner)
        for p in problems:
            print(p)
        status |= bool(problems)
        print(f"== {name}: other-matter clauses {dict(other)}")
        for e in sorted({e for e, _ in counts}):
            row = {a: counts[(e, a)] for a in ("strong", "weak", "adverse")}
            flag = "" if row["strong"] >= 7 and row["weak"] >= 4 and row["adverse"] >= 3 else "  <- below target 7/4/3"
            print(f"{e:24s} strong {row['strong']:3d} weak {row['weak']:3d} adverse {row['adverse']:3d}{flag}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
