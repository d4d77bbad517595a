"""What the pages share through st.session_state: the interface language and analysed reports."""
from __future__ import annotations

from typing import Any

import streamlit as st

from analyser.ui.i18n import DEFAULT, translate


def lang() -> str:
    return str(st.session_state.get("ui_lang", DEFAULT))


def t(key: str, **values: Any) -> str:
    return translate(lang(), key, **values)


def reports() -> dict[str, Any]:
    """Reports analysed in this session, by (file hash, model, library) key: switching pages never recomputes."""
    return st.session_state.setdefault("reports", {})
