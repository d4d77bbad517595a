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

KINDS = ("hedge", "duty", "negation", "harmful", "law_reference", "worker_duty", "employer_discretion", "weakening")


@dataclass(frozen=True, slots=True)
class Marker:
    kind: str
    phrase: str
    start: int
    end: int


WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class _Phrase:
    kind: str
    words: tuple[str, ...]
    prefix: bool  # the last word may go on ("стремит*" matches "стремится")


@dataclass(frozen=True, slots=True)
class _Index:
    by_first: dict[str, tuple[_Phrase, ...]]  # phrases by their first word, longest first
    by_prefix: tuple[_Phrase, ...]  # one-word prefix phrases
    suffixes: tuple[tuple[str, re.Pattern[str]], ...]  # Kazakh word endings such as "-ма*"


@lru_cache(maxsize=8)
def _index(lang: str) -> _Index:
    """The language's marker phrases as word sequences: matching is a dictionary look-up per word,
    which keeps marker detection linear in the text whatever the length of the lists."""
    path = LANG_DIR / f"{lang}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    by_first: dict[str, list[_Phrase]] = {}
    by_prefix, suffixes = [], []
    for kind in KINDS:
        for raw in (data or {}).get(kind, []) or []:
            phrase = str(raw).lower().strip()
            if phrase.startswith("-"):
                body = re.escape(phrase[1:].rstrip("*"))
                tail = r"\w{0,4}" if phrase.endswith("*") else ""
                suffixes.append((kind, re.compile(rf"\b\w{{2,}}{body}{tail}\b")))
                continue
            words = tuple(WORD.findall(phrase))
            if not words:
                continue
            entry = _Phrase(kind, words, phrase.endswith("*"))
            if entry.prefix and len(words) == 1:
                by_prefix.append(entry)
            else:
                by_first.setdefault(words[0], []).append(entry)
    return _Index({k: tuple(sorted(v, key=lambda p: -len(p.words))) for k, v in by_first.items()},
                  tuple(by_prefix), tuple(suffixes))


def find_markers(text: str, lang: str) -> tuple[Marker, ...]:
    """All marker phrases of the language found in `text`, in order of appearance.

    Per kind, a phrase inside a longer phrase of the same kind found at the
    same place is not counted twice ("в любое время суток", not also "в любое время").
    """
    index = _index(lang)
    spans = [(m.group(0).lower(), m.start(), m.end()) for m in WORD.finditer(text)]
    words = [w for w, _, _ in spans]
    found: list[Marker] = []
    taken: dict[str, int] = {}  # kind -> end of the last match, so matches of one kind do not overlap
    for i, word in enumerate(words):
        for phrase in index.by_first.get(word, ()):
            n = len(phrase.words)
            window = words[i:i + n]
            if len(window) < n or spans[i][1] < taken.get(phrase.kind, -1):
                continue
            last_ok = window[-1].startswith(phrase.words[-1]) if phrase.prefix else window[-1] == phrase.words[-1]
            if tuple(window[:-1]) == phrase.words[:-1] and last_ok:
                start, end = spans[i][1], spans[i + n - 1][2]
                found.append(Marker(phrase.kind, text[start:end], start, end))
                taken[phrase.kind] = end
        for phrase in index.by_prefix:
            if word.startswith(phrase.words[0]) and spans[i][1] >= taken.get(phrase.kind, -1):
                found.append(Marker(phrase.kind, text[spans[i][1]:spans[i][2]], spans[i][1], spans[i][2]))
    for kind, pattern in index.suffixes:
        found.extend(Marker(kind, m.group(0), m.start(), m.end()) for m in pattern.finditer(text.lower()))
    found.sort(key=lambda x: (x.start, -(x.end - x.start)))
    return tuple(found)


def marker_counts(markers: tuple[Marker, ...]) -> dict[str, int]:
    counts = dict.fromkeys(KINDS, 0)
    for marker in markers:
        counts[marker.kind] += 1
    return counts
