"""Imported by the fork server of the guarded reader (its multiprocessing preload): what a read loads
only when it first needs it - pymorphy3's Russian dictionary, spaCy's English lemma table (~1 s), lingua's
models - is loaded here once, so that every read forked from the server starts warm."""
from __future__ import annotations

from analyser.ingest import guarded  # noqa: F401  (the readers and the child's code)
from analyser.ingest.hyphenation import join_broken_word
from analyser.language import detect_language

join_broken_word("работ-", "ников")
join_broken_word("employ-", "ment")
detect_language("The employer shall provide and maintain the equipment needed for remote work.")
