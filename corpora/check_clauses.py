"""Check a labelled-clause JSONL file written by hand: format, label ids, counts per element.

Usage: .venv/bin/python corpora/check_clauses.py corpora/clauses/FILE.jsonl [...]
The rules are analyser.corpus.check_record (through checked_lines), the same that training and the tests apply.
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analyser.corpus import checked_lines


def check(path: Path) -> tuple[list[str], Counter[tuple[str, str]], Counter[str]]:
    problems: list[str] = []
    counts: Counter[tuple[str, str]] = Counter()
    other: Counter[str] = Counter()
    ids: set[str] = set()
    for n, obj, problem in checked_lines(path):
        if problem:
            problems.append(f"{path}:{n}: {problem}")
            continue
        if obj["id"] in ids:
            problems.append(f"{path}:{n}: duplicate id {obj['id']}")
        ids.add(obj["id"])
        counts.update((e, obj["assessment"]) for e in obj["elements"])
        if not obj["elements"]:
            other[obj["lang"]] += 1
    return problems, counts, other


def main(argv: list[str]) -> int:
    status = 0
    for name in argv:
        problems, counts, other = check(Path(name))
        for p in problems:
            print(p)
        status |= bool(problems)
        print(f"== {name}: other-matter clauses {dict(other)}")
        for e in sorted({e for e, _ in counts}):
            row = {a: counts[(e, a)] for a in ("strong", "weak", "adverse")}
            low = row["strong"] < 7 or row["weak"] < 4 or row["adverse"] < 3
            print(f"{e:24s} strong {row['strong']:3d} weak {row['weak']:3d} adverse {row['adverse']:3d}"
                  + ("  <- below target 7/4/3" if low else ""))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
