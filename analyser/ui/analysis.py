"""The analysis page: upload or pick a sample, watch the stages, read the result in four tabs."""
from __future__ import annotations

import hashlib
import html
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from analyser.errors import AnalyserError
from analyser.ingest import ReadSettings
from analyser.ingest.guarded import read_bytes_guarded
from analyser.model import Report
from analyser.pipeline import Resources, analyse_document
from analyser.report import ReportFormat, render
from analyser.report.html import mark_words
from analyser.report.proposals import render_proposals
from analyser.ui.state import lang, reports, t

SAMPLES = Path(__file__).resolve().parents[2] / "corpora" / "agreements"
MAX_MB = 50
NO_SAMPLE = "—"
STATUS_COLOURS = {"covered": "#2e7d32", "weak": "#f9a825", "conflict": "#c62828", "missing": "#757575"}
ASSESSMENT_COLOURS = {"strong": "#e8f5e9", "weak": "#fff8e1", "adverse": "#ffebee", "neutral": "#fafafa"}


def choose_file(key: str, label_key: str = "upload") -> tuple[str, bytes] | None:
    """An uploaded file or a bundled sample agreement: (name, bytes)."""
    upload = st.file_uploader(t(label_key, mb=MAX_MB), type=["docx", "pdf", "txt"], key=f"{key}_upload")
    samples = sorted(p.name for p in SAMPLES.glob("*.docx")) + sorted(p.name for p in SAMPLES.glob("*.pdf"))
    sample = st.selectbox(t("or_sample"), [NO_SAMPLE, *samples], key=f"{key}_sample")
    if upload is not None:
        return upload.name, upload.getvalue()
    if sample != NO_SAMPLE:
        return sample, (SAMPLES / sample).read_bytes()
    return None


def analysed(name: str, data: bytes, resources: Resources) -> Report | None:
    """The report of a file, computed once per file content, models and library."""
    key = f"{hashlib.sha256(data).hexdigest()}:{resources.models.version}:{resources.library.version}"
    cache = reports()
    if key in cache:
        return cache[key]
    with st.status(t("stage_reading"), expanded=False) as status:
        bar = st.empty()

        def progress(stage: str, done: int, total: int) -> None:
            if stage == "ocr":
                status.update(label=t("stage_ocr", done=done, total=total))
                bar.progress(done / max(total, 1))
            elif stage in ("segmenting", "classifying"):
                status.update(label=t(f"stage_{stage}"))

        try:
            # in a child process capped in memory and time (ReadSettings.memory_mb, .timeout_s)
            document = read_bytes_guarded(name, data, ReadSettings(max_bytes=MAX_MB * 1024 * 1024, progress=progress))
            report = analyse_document(document, resources, progress=progress)
        except AnalyserError as exc:
            status.update(label=t("error_prefix"), state="error")
            st.error(str(exc))
            return None
        status.update(label=t("stage_done"), state="complete")
    cache[key] = report
    return report


def status_label(status: str) -> str:
    return t(f"status_{status}")


def overview(report: Report, resources: Resources) -> None:
    names = resources.library.topic_names
    col1, col2 = st.columns([1, 3])
    col1.metric(t("overall_score"), f"{report.score['overall']:.0f} / 100")
    scores = pd.DataFrame({
        t("col_topic"): [names.get(k, {}).get(lang(), k) for k in report.score if k != "overall"],
        t("overall_score"): [v for k, v in report.score.items() if k != "overall"],
    })
    col2.bar_chart(scores, x=t("col_topic"), y=t("overall_score"), horizontal=True)
    st.subheader(t("gap_table"))
    topics = sorted({g.topic for g in report.gaps})
    f1, f2 = st.columns(2)
    chosen_topics = f1.multiselect(t("filter_topic"), topics, format_func=lambda k: names.get(k, {}).get(lang(), k),
                                   key=f"filter_topic_{lang()}", placeholder=t("filter_all"))
    chosen_status = f2.multiselect(t("filter_status"), list(STATUS_COLOURS), format_func=status_label,
                                   key=f"filter_status_{lang()}", placeholder=t("filter_all"))
    numbers = {c.clause.id: c.clause.number or c.clause.id for c in report.labelled}
    gaps = [g for g in report.gaps if (not chosen_topics or g.topic in chosen_topics)
            and (not chosen_status or g.status in chosen_status)]
    st.markdown(gap_table_html(gaps, numbers, report.language, names), unsafe_allow_html=True)


def gap_table_html(gaps: list[Any], numbers: dict[str, str], language: str, names: dict[str, dict[str, str]]) -> str:
    """The gap table as HTML: coloured statuses, and readable by a browser test cell by cell."""
    head = "".join(f"<th>{html.escape(t(k))}</th>" for k in ("col_element", "col_topic", "col_status", "col_clauses",
                                                              "col_suggestion"))
    rows = []
    for g in gaps:
        suggestion = "" if g.status == "covered" else g.suggestion(language)
        rows.append(
            f"<tr data-element='{g.element}'><td>{html.escape(g.name)}</td>"
            f"<td>{html.escape(names.get(g.topic, {}).get(lang(), g.topic))}</td>"
            f"<td class='status' data-status='{g.status}' style='color:{STATUS_COLOURS[g.status]};font-weight:600'>"
            f"{html.escape(status_label(g.status))}</td>"
            f"<td>{html.escape(', '.join(numbers.get(c, c) for c in g.clauses))}</td>"
            f"<td><small>{html.escape(suggestion)}</small></td></tr>")
    return (f"<table id='gap-table' style='width:100%;font-size:0.9em'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _clause_html(item: Any) -> str:
    c = item.clause
    chips = " ".join(f"<span style='background:#e3f2fd;border-radius:4px;padding:0 4px;font-size:0.8em'>"
                     f"{html.escape(e)}</span>" for e in item.elements)
    return (f"<div style='background:{ASSESSMENT_COLOURS[item.assessment]};padding:6px 10px;margin:4px 0;"
            f"border-radius:4px'><b>{html.escape(c.number)}</b> <small>({t('assessment_' + item.assessment)}"
            f"{', p. ' + str(c.page) if c.page else ''})</small> {chips}<br>{mark_words(c.text, item.evidence)}</div>")


def document_view(report: Report, resources: Resources) -> None:
    from analyser.ui.review import correction_form, reviewer_box

    reviewer_box()
    only = st.toggle(t("show_only_on_topic"), value=False, key="only_on_topic")
    items = [c for c in report.labelled if c.elements or not only]
    by_id = {c.clause.id: c for c in report.labelled}
    shown: set[str] = set()
    section: tuple[str, ...] = ()
    for item in items:
        c = item.clause
        if c.id in shown:
            continue
        if c.section != section:
            section = c.section
            st.markdown(f"**{html.escape(' › '.join(section))}**")
        partner = by_id.get(c.pair) if c.pair else None
        if partner is not None:
            left, right = st.columns(2)
            left.markdown(_clause_html(item), unsafe_allow_html=True)
            right.markdown(_clause_html(partner), unsafe_allow_html=True)
            shown.add(partner.clause.id)
        else:
            st.markdown(_clause_html(item), unsafe_allow_html=True)
        if item.matches:
            with st.expander(t("nearest_clause"), expanded=False):
                for m in item.matches:
                    st.caption(f"{m.element} · {m.kind} · {t('similarity')} {m.similarity:.2f}")
                    st.write(m.text)
        if c.lang_supported:
            correction_form(item, report, resources, key=f"fb_{c.id}")


def proposals(report: Report) -> None:
    gaps = [g for g in report.gaps if g.status != "covered"]
    if not gaps:
        st.success(t("nothing_to_propose"))
        return
    chosen = []
    for gap in gaps:
        with st.container(border=True):
            st.markdown(f"**{html.escape(gap.name)}** — "
                        f"<span style='color:{STATUS_COLOURS[gap.status]}'>{status_label(gap.status)}</span>",
                        unsafe_allow_html=True)
            st.write(gap.problem)
            st.caption(t("recommended"))
            st.code(gap.suggestion(report.language), language=None, wrap_lines=True)
            st.caption(t("fallback"))
            st.code(gap.fallback(report.language), language=None, wrap_lines=True)
            if st.checkbox(t("select_for_export"), value=gap.status != "weak", key=f"pick_{gap.element}"):
                chosen.append(gap)
    labels = {k: t(k) for k in ("what_is_wrong", "recommended", "fallback")}
    st.download_button(t("download_proposals"), render_proposals(chosen, report.language, t("proposals_title"), labels),
                       file_name="proposals.docx", key="download_proposals",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def downloads(report: Report, name: str, data: bytes) -> None:
    stem = Path(name).stem
    source = None
    if name.lower().endswith(".docx"):
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".docx", delete=False) as tmp:
            tmp.write(data)
            source = tmp.name
    try:
        docx_bytes = render(report, ReportFormat.DOCX, source)
    finally:
        if source:
            Path(source).unlink(missing_ok=True)
    st.download_button(t("download_docx"), docx_bytes, file_name=f"{stem}.annotated.docx", key="download_docx")
    st.download_button(t("download_json"), render(report, ReportFormat.JSON), file_name=f"{stem}.json",
                       key="download_json")
    st.download_button(t("download_csv"), render(report, ReportFormat.CSV), file_name=f"{stem}.csv", key="download_csv")
    st.download_button(t("download_html"), render(report, ReportFormat.HTML), file_name=f"{stem}.html",
                       key="download_html")


def page(resources: Resources) -> None:
    st.title(t("nav_analyse"))
    chosen = choose_file("main")
    if chosen is None:
        return
    name, data = chosen
    report = analysed(name, data, resources)
    if report is None:
        return
    doc = report.segmentation.document
    st.caption(t("clauses_found", n=len(report.labelled), language=report.language, pages=doc.pages or "—"))
    for warning in report.warnings:
        st.caption(f"⚠ {warning}")
    tabs = st.tabs([t("tab_overview"), t("tab_document"), t("tab_proposals"), t("tab_downloads")])
    with tabs[0]:
        overview(report, resources)
    with tabs[1]:
        document_view(report, resources)
    with tabs[2]:
        proposals(report)
    with tabs[3]:
        downloads(report, name, data)
