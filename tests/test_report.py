"""Every report format of `analyser analyse`, parsed back: JSON contract, CSV, HTML, annotated .docx."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import docx
import pytest

from analyser.pipeline import analyse, load_resources
from analyser.report import ReportFormat, render

SAMPLE = Path(__file__).resolve().parents[1] / "corpora" / "agreements" / "ru_school_astana.docx"


@pytest.fixture(scope="module")
def report():
    return analyse(SAMPLE, load_resources())


def test_json_follows_the_contract(report):
    data = json.loads(render(report, ReportFormat.JSON))
    assert {"document", "clauses", "gaps", "score"} <= set(data)
    assert data["document"]["language"] == "ru"
    assert data["document"]["clause_count"] == len(data["clauses"])
    clause = data["clauses"][0]
    assert {"id", "number", "section", "text", "lang", "page", "topics", "elements", "assessment", "scores",
            "matches"} <= set(clause)
    other = [c for c in data["clauses"] if not c["topics"]]
    assert other and all(c["assessment"] == "neutral" for c in other)
    gap = data["gaps"]["dm_private_spaces"]
    assert {"status", "clauses", "suggestion"} <= set(gap)
    assert gap["status"] in ("covered", "weak", "conflict", "missing")
    missing = [g for g in data["gaps"].values() if g["status"] != "covered"]
    assert all(g["suggestion"] for g in missing)


def test_csv_has_a_row_per_clause(report):
    rows = list(csv.DictReader(io.StringIO(render(report, ReportFormat.CSV).decode("utf-8-sig"))))
    assert len(rows) == len(report.labelled)
    assert rows[0]["id"] == report.labelled[0].clause.id


def test_html_is_self_contained_and_shows_the_gap_table(report):
    page = render(report, ReportFormat.HTML).decode("utf-8")
    assert page.startswith("<!doctype html>") and "<script" not in page and "http" not in page.split("<body>")[0]
    assert "Пробелы и предложения" in page
    assert page.count("class='status'") == len(report.gaps)


def test_annotated_docx_has_comments_on_on_topic_clauses_and_a_gap_table(report, tmp_path):
    out = tmp_path / "annotated.docx"
    out.write_bytes(render(report, ReportFormat.DOCX, SAMPLE))
    document = docx.Document(str(out))
    comments = list(document.comments)
    on_topic = [c for c in report.labelled if c.elements]
    assert len(comments) >= len(on_topic) * 0.9
    assert any("→" in c.text for c in comments)
    original = docx.Document(str(SAMPLE))
    assert [p.text for p in document.paragraphs][: len(original.paragraphs)] == [p.text for p in original.paragraphs]
    table = document.tables[-1]
    assert table.rows[0].cells[1].text == "Статус"
    assert len(table.rows) == len(report.gaps) + 1
