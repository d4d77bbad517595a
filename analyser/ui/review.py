"""Reviewers correct the analyser: a correction form per clause, and the Review queue page.

Corrections go through analyser.feedback (append-only, with provenance) and
become training data with `analyser train --with-feedback`.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import streamlit as st

from analyser.errors import AnalyserError
from analyser.feedback import FEEDBACK_DIR, append, make_correction
from analyser.model import LabelledClause, Report
from analyser.pipeline import Resources
from analyser.ui.state import lang, reports, t

ASSESSMENTS = ("strong", "weak", "adverse", "neutral")


def feedback_dir() -> Path:
    return Path(os.environ.get("ANALYSER_FEEDBACK", FEEDBACK_DIR))


def correction_form(item: LabelledClause, report: Report, resources: Resources, key: str) -> None:
    """Accept the labels as they are, or choose the right elements and assessment, with a comment."""
    names = {e: f"{e} — {v.name.get(lang(), '')}" for e, v in resources.library.elements.items()}
    with st.expander(t("correct"), expanded=False):
        elements = st.multiselect(t("col_element"), list(names), default=list(item.elements),
                                  format_func=names.get, key=f"{key}_elements")
        assessment = st.radio(t("assessment"), ASSESSMENTS, index=ASSESSMENTS.index(item.assessment),
                              format_func=lambda a: t(f"assessment_{a}"), key=f"{key}_assessment", horizontal=True)
        comment = st.text_input(t("comment"), key=f"{key}_comment")
        cols = st.columns(2)
        accept = cols[0].button(t("accept"), key=f"{key}_accept")
        save = cols[1].button(t("save_correction"), key=f"{key}_save")
        if accept or save:
            chosen = (list(item.elements), item.assessment) if accept else (elements, assessment)
            try:
                correction = make_correction(
                    item.clause.text, item.clause.lang, chosen[0], chosen[1],
                    reviewer=st.session_state.get("reviewer", ""), comment=comment,
                    document_sha256=report.segmentation.document.sha256, model_version=report.model_version,
                    predicted={"topics": list(item.topics), "elements": list(item.elements),
                               "assessment": item.assessment},
                )
                append([correction], feedback_dir())
            except AnalyserError as exc:
                st.error(str(exc))
            else:
                st.success(t("correction_saved"))


def page(resources: Resources) -> None:
    """Clauses where the model was least sure, across the agreements analysed in this session."""
    st.title(t("nav_review"))
    reviewer_box()
    candidates: list[tuple[float, LabelledClause, Report]] = []
    for report in reports().values():
        candidates.extend((item.margin, item, report) for item in report.labelled if item.clause.lang_supported)
    if not candidates:
        st.info(t("review_empty"))
        return
    candidates.sort(key=lambda x: x[0])
    for n, (margin, item, report) in enumerate(candidates[:20]):
        with st.container(border=True):
            st.caption(f"{report.segmentation.document.name} · {item.clause.number} · "
                       f"{t('uncertainty')}: {margin:.2f} · {', '.join(item.elements) or t('assessment_neutral')}")
            st.write(item.clause.text)
            correction_form(item, report, resources, key=f"review_{n}")


def reviewer_box() -> Any:
    """Who is reviewing: one field shared by the document view and the review queue."""
    return st.text_input(t("your_name"), key="reviewer")
