"""Data files of the analyser (taxonomy copy, language markers, Kazakh word lists, UI texts)."""
from __future__ import annotations

from pathlib import Path

RESOURCES = Path(__file__).resolve().parent
LANG_DIR = RESOURCES / "lang"
