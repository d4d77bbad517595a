"""A small Kazakh language for spaCy (spaCy ships none): stop words and a suffix lemmatiser.

Both come from data files in analyser/resources/lang/ so that linguists can
extend them without touching code. The lemmatiser strips inflectional
suffixes (plural, possessive, case, common verbal forms) from the end of a
word while a stem with a vowel of at least three letters remains.
"""
from __future__ import annotations

from functools import lru_cache

from spacy.language import BaseDefaults, Language
from spacy.tokens import Doc
from spacy.util import registry

from analyser.resources import LANG_DIR

VOWELS = set("аәеёиоөұүуыіэюя")
MIN_STEM = 3


def _data_lines(name: str) -> list[str]:
    text = (LANG_DIR / name).read_text(encoding="utf-8")
    return [x.strip() for x in text.splitlines() if x.strip() and not x.startswith("#")]


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    return frozenset(_data_lines("kk_stop_words.txt"))


@lru_cache(maxsize=1)
def suffixes() -> tuple[str, ...]:
    return tuple(sorted(set(_data_lines("kk_suffixes.txt")), key=len, reverse=True))


def kazakh_lemma(word: str) -> str:
    """Strip inflectional suffixes from a lower-case Kazakh word."""
    stem = word
    changed = True
    while changed:
        changed = False
        for suffix in suffixes():
            if stem.endswith(suffix):
                rest = stem[: -len(suffix)]
                if len(rest) >= MIN_STEM and VOWELS & set(rest):
                    stem = rest
                    changed = True
                    break
    return stem


class KazakhDefaults(BaseDefaults):
    stop_words = stop_words()


class Kazakh(Language):
    """spacy.blank("kk") once this module is imported."""

    lang = "kk"
    Defaults = KazakhDefaults


registry.languages.register("kk", func=Kazakh)


@Language.component("kk_suffix_lemmatizer", assigns=["token.lemma"])
def kk_suffix_lemmatizer(doc: Doc) -> Doc:
    """Set token.lemma_ by suffix stripping (Kazakh words only; others lower-cased)."""
    for token in doc:
        token.lemma_ = kazakh_lemma(token.lower_) if token.is_alpha else token.lower_
    return doc
