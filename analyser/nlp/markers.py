"""Hedge, duty, negation, harmful and law-reference markers, from the per-language data files.

These words decide much of the strong / weak / adverse assessment and are
shown to the user as evidence, so they live in YAML that legal staff can
read and extend (analyser/resources/lang/<lang>.yaml).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from analyser.resources import LANG_DIR

KINDS = ("hedge", "duty", "negation", "harmful", "law_reference", "worker_duty", "employer_discretion")


@dataclass(frozen=True, slots=True)
class Marker:
    kind: str
    phrase: str
    start: int
    end: int


@lru_cache(maxsize=8)
def _patterns(lang: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    path = LANG_DIR / f"{lang}.yaml"
    if not path.is_file():
        return ()
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for kind in KINDS:
        for phrase in data.get(kind, []) or []:
            phrase = str(phrase).lower().strip()
            if phrase.startswith("-"):  # a Kazakh suffix marker such as "-ма*": a word ending
                body = re.escape(phrase[1:].rstrip("*"))
                pattern = rf"\w{{2,}}{body}(?:\w{{0,4}})?\b" if phrase.endswith("*") else rf"\w{{2,}}{body}\b"
            else:
                tail = r"\w*" if phrase.endswith("*") else ""
                body = re.escape(phrase.rstrip("*")).replace(r"\ ", r"\s+")
                pattern = rf"(?<!\w){body}{tail}(?!\w)"
            out.append((kind, re.compile(pattern, re.IGNORECASE)))
    return tuple(out)


def find_markers(text: str, lang: str) -> tuple[Marker, ...]:
    """All marker phrases of the language found in `text`, longest match first per place."""
    found: list[Marker] = []
    for kind, pattern in _patterns(lang):
        if kind == "negation" and lang == "kk":
            continue  # Kazakh negative verb endings (-ма/-ме) are too ambiguous to show as evidence
        for m in pattern.finditer(text):
            found.append(Marker(kind, m.group(0), m.start(), m.end()))
    found.sort(key=lambda x: (x.start, -(x.end - x.start)))
    return tuple(found)


def marker_counts(markers: tuple[Marker, ...]) -> dict[str, int]:
    counts = dict.fromkeys(KINDS, 0)
    for marker in markers:
        counts[marker.kind] += 1
    return counts
