"""The nearest clause-library texts to a clause (character n-gram TF-IDF, cosine).

Shown next to a clause so a negotiator sees which model wording it is closest
to (and whether that is a model clause or a known harmful example). The
index is built once per library and language and kept by the caller.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from analyser.library import ClauseLibrary
from analyser.model import Match


@dataclass
class LibraryMatcher:
    """Similarity search over the library's texts, one index per language (built lazily)."""

    library: ClauseLibrary
    _index: dict[str, tuple[Any, Any, list[tuple[str, str, str]]]] = field(default_factory=dict)

    def _build(self, lang: str) -> tuple[Any, Any, list[tuple[str, str, str]]]:
        from sklearn.feature_extraction.text import TfidfVectorizer

        entries = self.library.texts(lang)
        vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        matrix = vectoriser.fit_transform([t.lower() for _, _, t in entries])
        return vectoriser, matrix, entries

    def nearest(self, text: str, lang: str, elements: tuple[str, ...] = (), limit: int = 2) -> list[Match]:
        """Most similar library texts, restricted to `elements` when given."""
        lang = lang if lang in ("ru", "kk", "en") else "ru"
        if lang not in self._index:
            self._index[lang] = self._build(lang)
        vectoriser, matrix, entries = self._index[lang]
        sims = (matrix @ vectoriser.transform([text.lower()]).T).toarray().ravel()
        order = sims.argsort()[::-1]
        out = []
        for i in order:
            element, kind, library_text = entries[i]
            if elements and element not in elements:
                continue
            out.append(Match(element=element, kind=kind, lang=lang, similarity=round(float(sims[i]), 3),
                             text=library_text))
            if len(out) >= limit:
                break
        return out
