"""Two analysed drafts side by side: which elements got better or worse, which clauses changed.

Clauses are matched by text similarity (rapidfuzz), not by number, since
renumbering is the first thing that changes between drafts.
"""
from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from analyser.model import Clause, Report

RANK = {"conflict": 0, "missing": 1, "weak": 2, "covered": 3}
SAME = 97.0  # ratio at or above which two clauses are the same text
SIMILAR = 70.0  # at or above: the same clause, changed


@dataclass(frozen=True, slots=True)
class ElementChange:
    element: str
    name: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Comparison:
    improved: tuple[ElementChange, ...]
    worse: tuple[ElementChange, ...]
    unchanged: tuple[ElementChange, ...]
    added: tuple[Clause, ...]
    removed: tuple[Clause, ...]
    changed: tuple[tuple[Clause, Clause], ...]


def compare_reports(old: Report, new: Report) -> Comparison:
    """Element status changes and clause differences from `old` to `new`."""
    before = {g.element: g for g in old.gaps}
    improved, worse, unchanged = [], [], []
    for gap in new.gaps:
        prev = before.get(gap.element)
        if prev is None:
            continue
        change = ElementChange(gap.element, gap.name, prev.status, gap.status)
        delta = RANK[gap.status] - RANK[prev.status]
        (improved if delta > 0 else worse if delta < 0 else unchanged).append(change)
    old_clauses = [c.clause for c in old.labelled]
    new_clauses = [c.clause for c in new.labelled]
    old_texts = [c.text for c in old_clauses]
    matched_old: set[int] = set()
    added, changed = [], []
    for clause in new_clauses:
        best = process.extractOne(clause.text, old_texts, scorer=fuzz.ratio) if old_texts else None
        if best is None or best[1] < SIMILAR:
            added.append(clause)
            continue
        matched_old.add(best[2])
        if best[1] < SAME:
            changed.append((old_clauses[best[2]], clause))
    removed = [c for i, c in enumerate(old_clauses) if i not in matched_old]
    return Comparison(tuple(improved), tuple(worse), tuple(unchanged), tuple(added), tuple(removed), tuple(changed))
