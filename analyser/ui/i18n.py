"""Interface texts in Russian (default), Kazakh and English, from analyser/resources/ui/<lang>.yaml."""
from __future__ import annotations

from functools import lru_cache

import yaml

from analyser.resources import RESOURCES

UI_LANGUAGES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}
DEFAULT = "ru"


@lru_cache(maxsize=8)
def texts(lang: str) -> dict[str, str]:
    return dict(yaml.safe_load((RESOURCES / "ui" / f"{lang}.yaml").read_text(encoding="utf-8")))


def translate(lang: str, key: str, **values: object) -> str:
    """The text of `key` in `lang` (Russian when the key is missing there)."""
    text = texts(lang).get(key) or texts(DEFAULT)[key]
    return text.format(**values) if values else text
