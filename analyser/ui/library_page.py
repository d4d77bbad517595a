"""The library page for legal staff: browse, search, edit in ru/kk/en, add, history and restore.

Saves go through analyser.library_edit: validated first, atomic, the old file
kept, and refused with a clear message when someone else saved meanwhile.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import streamlit as st

from analyser.errors import ClauseLibraryError
from analyser.library import LANGS
from analyser.library_edit import EditConflictError, history, read_topic, restore, save_element
from analyser.ui.state import lang, t

TEXT_FIELDS = ("name", "rationale", "model_clause", "fallback")
LIST_FIELDS = ("checklist", "weak_examples", "harmful_examples")


def _edit_form(element_id: str, entry: dict[str, Any], key: str) -> dict[str, Any]:
    """Widgets for every field in every language; returns the edited element."""
    edited: dict[str, Any] = {}
    tabs = st.tabs([x.upper() for x in LANGS])
    for tab, code in zip(tabs, LANGS):
        with tab:
            for field in TEXT_FIELDS:
                value = entry.get(field, {}).get(code, "")
                widget = st.text_input if field == "name" else st.text_area
                edited.setdefault(field, {})[code] = widget(t(f"field_{field}"), value, key=f"{key}_{field}_{code}")
            for field in LIST_FIELDS:
                value = "\n".join(entry.get(field, {}).get(code, []))
                text = st.text_area(t(f"field_{field}"), value, key=f"{key}_{field}_{code}")
                edited.setdefault(field, {})[code] = [x.strip() for x in text.splitlines() if x.strip()]
    tags = st.text_input(t("field_tags"), ", ".join(entry.get("tags", [])), key=f"{key}_tags")
    edited["legal_basis"] = entry.get("legal_basis", [])
    edited["tags"] = [x.strip() for x in tags.split(",") if x.strip()]
    if entry.get("added"):
        edited["added"] = True
    return edited


def _save(element_id: str, element: dict[str, Any], topic: str, version: str, root: Path, author: str) -> str:
    """Save through library_edit; the new file version, or '' after showing why not."""
    try:
        saved = save_element(element_id, element, topic, version, root, author=author)
    except EditConflictError as exc:
        st.error(str(exc))
        return ""
    except ClauseLibraryError as exc:
        st.error(t("validation_failed") + "\n\n" + "\n".join(f"- {p}" for p in exc.problems))
        return ""
    st.success(t("saved"))
    return saved


def _forget(topic: str, element_id: str | None, base_key: str | None) -> None:
    """Drop the form's state so the next run shows the file as it is now."""
    prefix = f"edit_{topic}_{element_id}_" if element_id else f"edit_{topic}_"
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[key]
    if base_key:
        st.session_state.pop(base_key, None)


def _topic_name(topic: str) -> str:
    from analyser.taxonomy import load_taxonomy

    names = {t_.id: t_.names for t_ in load_taxonomy().topics}
    return names.get(topic, {}).get(lang(), topic)


def page(root: Path, on_change: Any) -> None:
    st.title(t("nav_library"))
    topics = sorted(p.stem for p in root.glob("*.yaml"))
    topic = st.selectbox(t("library_topic"), topics, key="lib_topic", format_func=_topic_name)
    data, version = read_topic(root, topic)
    # The version the editor started from is kept until a save, so a save by someone else in between is noticed.
    base_key = f"lib_base_{topic}"
    if base_key not in st.session_state:
        st.session_state[base_key] = version
    query = st.text_input(t("library_search"), key="lib_search").strip().lower()
    elements = data.get("elements", {})
    ids = [e for e, body in elements.items() if not query or query in e or query in str(body).lower()]
    author = st.text_input(t("your_name"), key="lib_author")
    if ids:
        element_id = st.selectbox(t("library_element"), ids, key="lib_element",
                                  format_func=lambda e: f"{e} — {elements[e]['name'].get(lang(), '')}")
        st.subheader(t("edit_element"))
        edited = _edit_form(element_id, elements[element_id], key=f"edit_{topic}_{element_id}")
        cols = st.columns(2)
        if cols[0].button(t("save"), key="lib_save"):
            saved = _save(element_id, edited, topic, st.session_state[base_key], root, author)
            if saved:
                st.session_state[base_key] = saved
                on_change()
        if cols[1].button(t("reload"), key="lib_reload"):
            _forget(topic, element_id, base_key)
            st.rerun()
    with st.expander(t("add_element")):
        new_id = st.text_input(t("new_element_id"), key="lib_new_id").strip()
        template = {f: {c: "" for c in LANGS} for f in TEXT_FIELDS} | {f: {c: [] for c in LANGS} for f in LIST_FIELDS}
        new_entry = _edit_form(new_id, template | {"added": True, "tags": []}, key=f"new_{topic}")
        if st.button(t("save"), key="lib_add") and new_id:
            saved = _save(new_id, new_entry, topic, st.session_state[base_key], root, author)
            if saved:
                st.session_state[base_key] = saved
                on_change()
    st.caption(t("retrain_hint"))
    if st.button(t("retrain_button"), key="lib_retrain"):
        with st.spinner(t("retrain_button")):
            done = subprocess.run([sys.executable, "-m", "analyser", "train"], capture_output=True, text=True)
        if done.returncode == 0:
            st.success(t("retrain_done", version=done.stdout.strip().split("version ")[-1].split(",")[0]))
            st.cache_resource.clear()
        else:
            st.error(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else t("error_prefix"))
    st.subheader(t("history"))
    versions = history(topic, root)
    if not versions:
        st.caption(t("no_versions"))
    for i, v in enumerate(versions[:20]):
        cols = st.columns([3, 1])
        cols[0].write(f"{v.saved_at} — {v.path.name}")
        if cols[1].button(t("restore"), key=f"restore_{i}"):
            try:
                st.session_state[base_key] = restore(v, st.session_state[base_key], root, author)
            except ClauseLibraryError as exc:
                st.error("\n".join(exc.problems))
            else:
                _forget(topic, None, None)
                st.success(t("restored"))
                on_change()
