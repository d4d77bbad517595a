"""Rendering results: a Report as JSON, CSV, HTML or an annotated Word file.

Renderers are pure (a result in, bytes out); writing them anywhere is the
caller's business (see `output.write_atomic`).
"""
from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from pathlib import Path

from analyser.model import Report
from analyser.report.data import render_csv, render_json, report_dict
from analyser.report.html import render_html
from analyser.report.plain import SegmentFormat, render_segmentation
from analyser.report.word import render_docx

__all__ = ["ReportFormat", "SegmentFormat", "render", "render_segmentation", "report_dict"]


class ReportFormat(str, Enum):
    """Output formats of `analyser analyse`."""

    JSON = "json"
    CSV = "csv"
    HTML = "html"
    DOCX = "docx"


RENDERERS: dict[ReportFormat, Callable[[Report, str | Path | None], bytes]] = {
    ReportFormat.JSON: lambda r, _: render_json(r),
    ReportFormat.CSV: lambda r, _: render_csv(r),
    ReportFormat.HTML: lambda r, _: render_html(r),
    ReportFormat.DOCX: render_docx,
}


def render(report: Report, fmt: ReportFormat, source: str | Path | None = None) -> bytes:
    """Bytes of the report in the asked format (`source` is the original file, for the annotated .docx)."""
    return RENDERERS[fmt](report, source)
