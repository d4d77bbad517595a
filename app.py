"""Streamlit app: `streamlit run app.py`. A page, not a program: every result comes from the library."""
from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from analyser.errors import AnalyserError
from analyser.library import DEFAULT_LIBRARY
from analyser.pipeline import Resources, load_resources
from analyser.ui import analysis, compare_page, library_page, review
from analyser.ui.i18n import UI_LANGUAGES
from analyser.ui.state import lang, t

LIBRARY = Path(os.environ.get("ANALYSER_LIBRARY", DEFAULT_LIBRARY))
MODELS = os.environ.get("ANALYSER_MODELS")


@st.cache_resource(show_spinner=False)
def resources(library_version: str) -> Resources:
    """Models, library and taxonomy, loaded once per library version for all sessions."""
    del library_version  # part of the cache key only: a saved library edit loads anew
    kwargs = {"library_dir": LIBRARY} | ({"models_dir": MODELS} if MODELS else {})
    return load_resources(**kwargs)


def library_version() -> str:
    from analyser.library_edit import file_version

    return "".join(file_version(p) for p in sorted(LIBRARY.glob("*.yaml")))


st.set_page_config(page_title="Agreement analyser", page_icon="📑", layout="wide")
st.sidebar.selectbox("Тіл · Язык · Language", list(UI_LANGUAGES), format_func=UI_LANGUAGES.get, key="ui_lang")
st.sidebar.title(t("app_title"))
PAGES = ["analyse", "compare", "review", "library"]
# Widgets whose labels are translated get the language in their key, so switching language
# redraws them; the chosen page survives the switch through "page_id".
labels = [t(f"nav_{p}") for p in PAGES]
choice = st.sidebar.radio(" ", labels, index=PAGES.index(st.session_state.get("page_id", "analyse")),
                          key=f"page_{lang()}", label_visibility="collapsed")
page = st.session_state["page_id"] = PAGES[labels.index(choice)]
try:
    res = resources(library_version())
    if page == "analyse":
        analysis.page(res)
    elif page == "compare":
        compare_page.page(res)
    elif page == "review":
        review.page(res)
    else:
        library_page.page(LIBRARY, on_change=lambda: None)
except AnalyserError as exc:
    st.error(str(exc))
