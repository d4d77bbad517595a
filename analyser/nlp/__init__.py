"""Tokens and lemmas per language with spaCy, cached per word form; markers from data files.

spaCy stays inside this package: the rest of the analyser gets plain strings.
Russian is spaCy's blank "ru" with the pymorphy3 lemmatizer, English blank
"en" with the lookup lemmatizer, Kazakh our own small `Kazakh` language. The
pymorphy3 lemmatizer runs near 10k tokens/s, so every word form is lemmatised
once per process and then read from a cache.
"""
from __future__ import annotations

import re
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from analyser.nlp import (
    kazakh,  # noqa: F401  (registers the "kk" language)
    russian,  # noqa: F401  (registers the "ru_lemmatizer_picking" component)
)
from analyser.nlp.markers import KINDS, Marker, find_markers, marker_counts

__all__ = ["KINDS", "Lemmatiser", "Marker", "find_markers", "load_nlp", "marker_counts", "marker_tag",
           "prepare_text"]

WORD = re.compile(r"\w", re.UNICODE)


@lru_cache(maxsize=4)
def load_nlp(lang: str) -> Language:
    """The spaCy pipeline of a language (ru, kk, en; anything else falls back to a blank multilingual one)."""
    if lang == "ru":
        nlp = spacy.blank("ru")
        nlp.add_pipe("ru_lemmatizer_picking")
    elif lang == "en":
        nlp = spacy.blank("en")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    elif lang == "kk":
        nlp = spacy.blank("kk")
        nlp.add_pipe("kk_suffix_lemmatizer")
    else:
        nlp = spacy.blank("xx")
    nlp.initialize()
    return nlp


class Lemmatiser:
    """Lemmas of texts, with a per-language cache of word form -> lemma."""

    def __init__(self) -> None:
        self._cache: dict[str, dict[str, str]] = {}

    def lemmas(self, text: str, lang: str) -> list[str]:
        nlp = load_nlp(lang if lang in ("ru", "en", "kk") else "xx")
        forms = [t.lower_ for t in nlp.tokenizer(text) if WORD.search(t.text)]
        cache = self._cache.setdefault(lang, {})
        unknown = [f for f in dict.fromkeys(forms) if f not in cache]
        if unknown:
            doc = Doc(nlp.vocab, words=unknown)
            for _, component in nlp.pipeline:
                doc = component(doc)
            for form, token in zip(unknown, doc):
                cache[form] = (token.lemma_ or form).lower()
        return [cache[f] for f in forms]


def marker_tag(kind: str) -> str:
    """The token that stands for one marker of a kind in the model's input ("weakening" -> "zzweakening")."""
    return f"zz{kind.replace('_', '')}"


def prepare_text(text: str, lang: str, lemmatiser: Lemmatiser) -> str:
    """The model's input: lemmas plus one token per marker kind found (e.g. "zzhedge").

    Keeping this step outside the scikit-learn pipeline keeps the saved
    models plain scikit-learn, which skops loads without a trust list.
    """
    lemmas = lemmatiser.lemmas(text, lang)
    counts = marker_counts(find_markers(text, lang))
    tags = [marker_tag(kind) for kind, n in counts.items() for _ in range(min(n, 3))]
    return " ".join(lemmas + tags)
