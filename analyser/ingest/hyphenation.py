"""Joining a word broken across two lines: "работ-" + "ников" -> "работников", but
"учебно-" + "методическую" -> "учебно-методическую".

A soft hyphen is always a break. A visible hyphen is ambiguous: the word is
joined only when a dictionary knows the joined form - pymorphy3 for Russian,
spaCy's English lookup table for English - and kept otherwise ("role-based",
"учебно-методическую", Kazakh "ата-аналар", for which there is no
dictionary here: Word rarely hyphenates Kazakh, while compounds are common).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

SOFT = "\u00ad"
RUSSIAN_WORD = re.compile(r"^[а-яё]+$")
ENGLISH_WORD = re.compile(r"^[a-z]+$")


@lru_cache(maxsize=1)
def _morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


def join_broken_word(left: str, right: str) -> str:
    """`left` ends with the hyphen (soft or visible); `right` is the next line."""
    if left.endswith(SOFT):
        return left[:-1] + right
    head = re.search(r"(\w+)-$", left)
    tail = re.match(r"(\w+)", right)
    if not (head and tail):
        return left[:-1] + right
    a, b = head.group(1).lower(), tail.group(1).lower()
    if RUSSIAN_WORD.match(a) and RUSSIAN_WORD.match(b):
        known = _morph().word_is_known(a + b)
    elif ENGLISH_WORD.match(a) and ENGLISH_WORD.match(b):
        known = _is_english_word(a + b)
    else:
        known = False
    return left[:-1] + right if known else left + right


@lru_cache(maxsize=1)
def _english_table() -> tuple[Any, frozenset[str]]:
    """spaCy's English lookup lemmatiser table (spacy-lookups-data) and its lemmas."""
    from spacy.lookups import load_lookups

    table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
    return table, frozenset(v for v in table.values() if isinstance(v, str))


def _is_english_word(word: str) -> bool:
    table, lemmas = _english_table()
    return word in table or word in lemmas
