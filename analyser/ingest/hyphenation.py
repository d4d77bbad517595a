"""Joining a word broken across two lines: "работ-" + "ников" -> "работников", but
"учебно-" + "методическую" -> "учебно-методическую".

A soft hyphen is always a break. A visible hyphen is ambiguous: for Russian the
pymorphy3 dictionary decides (keep the hyphen when the joined form is not a
word but the second part is); elsewhere a line-end hyphen before a lower-case
letter is taken as a break, which is how printed agreements hyphenate.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

SOFT = "\u00ad"
RUSSIAN_WORD = re.compile(r"^[а-яё]+$")


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
    if head and tail:
        a, b = head.group(1).lower(), tail.group(1).lower()
        if RUSSIAN_WORD.match(a) and RUSSIAN_WORD.match(b):
            morph = _morph()
            if not morph.word_is_known(a + b) and morph.word_is_known(b) and len(a) > 2:
                return left + right
    return left[:-1] + right
