"""An annotated Word file: the user's own .docx with a comment on every on-topic clause and a gap table.

Negotiators work in Word, so the result goes back to them as their document,
untouched except for comments and an appended table of gaps and proposals.
For a PDF or text agreement the clauses are written into a new document.
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.table import Table
from docx.text.paragraph import Paragraph

from analyser.model import LabelledClause, Report

HEADINGS = {
    "ru": ("Пробелы и предложения", "Элемент", "Статус", "Пункты", "Предлагаемая формулировка",
           "Пункт", "Предложение"),
    "kk": ("Олқылықтар мен ұсыныстар", "Элемент", "Мәртебе", "Тармақтар", "Ұсынылатын редакция",
           "Тармақ", "Ұсыныс"),
    "en": ("Gaps and proposals", "Element", "Status", "Clauses", "Proposed wording", "Clause", "Proposal"),
}
AUTHOR = "Agreement analyser"


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _paragraphs(container: WordDocument | Table) -> Iterator[Paragraph]:
    """Every paragraph in body order, tables included (nested too)."""
    items = container.iter_inner_content() if isinstance(container, WordDocument) else (
        item for row in container.rows for cell in row.cells for item in cell.iter_inner_content())
    for item in items:
        if isinstance(item, Paragraph):
            yield item
        else:
            yield from _paragraphs(item)


def _comment_text(item: LabelledClause, report: Report, lang: str) -> str:
    gaps = {g.element: g for g in report.gaps}
    lines = [f"{item.assessment.upper()}: " + ", ".join(gaps[e].name for e in item.elements if e in gaps)]
    for element in item.elements:
        gap = gaps.get(element)
        if gap and gap.status != "covered":
            lines.append(f"{gap.name} — {gap.status}. {gap.problem}")
            lines.append(f"→ {gap.suggestion(lang)}")
    return "\n".join(lines)


def _gap_table(document: WordDocument, report: Report, lang: str) -> None:
    h = HEADINGS[lang]
    numbers = {c.clause.id: c.clause.number or c.clause.id for c in report.labelled}
    document.add_page_break()
    document.add_heading(h[0], level=1)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, h[1:5]):
        cell.text = title
    for gap in report.gaps:
        row = table.add_row().cells
        row[0].text = gap.name
        row[1].text = gap.status
        row[2].text = ", ".join(numbers.get(c, c) for c in gap.clauses)
        row[3].text = "" if gap.status == "covered" else gap.suggestion(lang)


def render_docx(report: Report, source: str | Path | None = None) -> bytes:
    """The annotated .docx as bytes (the source .docx when given, else a new document)."""
    lang = report.language if report.language in HEADINGS else "en"
    seg = report.segmentation
    on_topic = [item for item in report.labelled if item.elements]
    if source is not None and Path(source).suffix.lower() == ".docx" and Path(source).is_file():
        document = docx.Document(str(source))
        paragraphs = list(_paragraphs(document))
        cursor = 0
        for item in report.labelled:
            first = seg.document.blocks[item.clause.blocks[0]].text
            target = _norm(first)
            found = next((i for i in range(cursor, len(paragraphs)) if _norm(paragraphs[i].text) == target), None)
            if found is None:
                found = next((i for i in range(cursor, len(paragraphs))
                              if target and target[:60] in _norm(paragraphs[i].text)), None)
            if found is None:
                continue
            cursor = found
            if item.elements:
                paragraph = paragraphs[found]
                runs = paragraph.runs or [paragraph.add_run("")]
                document.add_comment(runs, text=_comment_text(item, report, lang), author=AUTHOR, initials="AA")
    else:
        document = docx.Document()
        document.add_heading(seg.document.name, level=1)
        h = HEADINGS[lang]
        for item in report.labelled:
            paragraph = document.add_paragraph(f"{item.clause.number} {item.clause.text}".strip())
            if item in on_topic:
                document.add_comment(paragraph.runs, text=_comment_text(item, report, lang), author=AUTHOR,
                                     initials="AA")
        del h
    _gap_table(document, report, lang)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
