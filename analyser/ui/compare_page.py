"""Compare two drafts: elements that improved or got worse, clauses added, removed, changed."""
from __future__ import annotations

import streamlit as st

from analyser.compare import compare_reports
from analyser.pipeline import Resources
from analyser.ui.analysis import analysed, choose_file, status_label
from analyser.ui.state import t


def page(resources: Resources) -> None:
    st.title(t("nav_compare"))
    st.write(t("compare_intro"))
    left, right = st.columns(2)
    with left:
        st.subheader(t("compare_old"))
        old = choose_file("old")
    with right:
        st.subheader(t("compare_new"))
        new = choose_file("new")
    if old is None or new is None:
        return
    old_report, new_report = analysed(*old, resources), analysed(*new, resources)
    if old_report is None or new_report is None:
        return
    result = compare_reports(old_report, new_report)
    for title, changes in ((t("improved"), result.improved), (t("worse"), result.worse)):
        st.subheader(f"{title}: {len(changes)}")
        for change in changes:
            st.write(f"{change.name}: {status_label(change.before)} → {status_label(change.after)}")
    with st.expander(f"{t('unchanged')}: {len(result.unchanged)}"):
        for change in result.unchanged:
            st.write(f"{change.name}: {status_label(change.after)}")
    st.subheader(f"{t('clauses_added')}: {len(result.added)}")
    for clause in result.added:
        st.markdown(f"➕ **{clause.number}** {clause.text}")
    st.subheader(f"{t('clauses_removed')}: {len(result.removed)}")
    for clause in result.removed:
        st.markdown(f"➖ **{clause.number}** {clause.text}")
    st.subheader(f"{t('clauses_changed')}: {len(result.changed)}")
    for before, after in result.changed:
        with st.container(border=True):
            st.markdown(f"~~{before.number} {before.text}~~")
            st.markdown(f"**{after.number}** {after.text}")
