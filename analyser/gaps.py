"""Labelled clauses x clause library -> the status of every element, with proposals.

Status by the rules of taxonomy.yaml: conflict if any adverse clause carries
the element, covered if a strong one does, weak if only weak ones do,
missing otherwise. A bilingual agreement's two sides of one clause are one
clause for scoring. Scores: an element is worth 1 if covered, 0.5 if weak,
0 if missing or in conflict; a topic's score is the mean of its elements x 100;
the overall score the mean over all elements x 100 (docs/scoring.md).
"""
from __future__ import annotations

from functools import lru_cache

import yaml

from analyser.library import ClauseLibrary
from analyser.model import Gap, LabelledClause
from analyser.resources import LANG_DIR
from analyser.taxonomy import Taxonomy, status_of

POINTS = {"covered": 1.0, "weak": 0.5, "conflict": 0.0, "missing": 0.0}


@lru_cache(maxsize=4)
def gap_messages(lang: str) -> dict[str, str]:
    path = LANG_DIR / f"{lang}.yaml"
    return dict(yaml.safe_load(path.read_text(encoding="utf-8"))["gap_messages"])


def find_gaps(labelled: tuple[LabelledClause, ...], library: ClauseLibrary, taxonomy: Taxonomy,
              language: str) -> tuple[Gap, ...]:
    """One Gap per element of the library, in taxonomy order, worded in the agreement's language."""
    lang = language if language in ("ru", "kk", "en") else "ru"
    languages = sorted({c.clause.lang for c in labelled if c.clause.lang in ("ru", "kk", "en")}) or [lang]
    messages = gap_messages(lang)
    order = list(taxonomy.element_ids) + [e for e in library.elements if e not in taxonomy.element_ids]
    gaps = []
    for element_id in order:
        entry = library.elements.get(element_id)
        if entry is None:
            continue
        carrying = [c for c in labelled if element_id in c.elements]
        status = status_of([c.assessment for c in carrying])
        gaps.append(Gap(
            element=element_id, topic=entry.topic, status=status,
            clauses=tuple(c.clause.id for c in carrying), name=entry.name[lang],
            problem=messages[status].format(name=entry.name[lang]),
            suggestions={x: entry.model_clause[x] for x in languages},
            fallbacks={x: entry.fallback[x] for x in languages},
        ))
    return tuple(gaps)


def score(gaps: tuple[Gap, ...]) -> dict[str, float]:
    """Overall and per-topic scores (0-100)."""
    by_topic: dict[str, list[float]] = {}
    for gap in gaps:
        by_topic.setdefault(gap.topic, []).append(POINTS[gap.status])
    all_points = [p for points in by_topic.values() for p in points]
    out = {"overall": round(100 * sum(all_points) / len(all_points), 1) if all_points else 0.0}
    out.update({topic: round(100 * sum(p) / len(p), 1) for topic, p in by_topic.items()})
    return out
