"""Every published agreement in ../shared/realdocs is read and segmented sensibly.

Those documents were written by nobody on this project, which is the point:
numbering must run in order and no running header or page number may end up
inside a clause.
"""
from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from analyser.ingest import read_document
from analyser.segment import segment
from tests.conftest import REALDOCS

TEXT_DOCS = sorted(
    p for p in REALDOCS.rglob("*")
    if p.suffix.lower() in {".pdf", ".txt", ".html"} and p.name not in {"README.md"}
) if REALDOCS.is_dir() else []


def is_scan(path: Path) -> bool:
    if path.suffix.lower() != ".pdf":
        return False
    pdf = pdfium.PdfDocument(str(path))
    try:
        sample = [pdf[i].get_textpage().get_text_range() for i in range(min(3, len(pdf)))]
    finally:
        pdf.close()
    return sum(len(s.strip()) for s in sample) < 100


def numbers_in_order(numbers: list[str]) -> float:
    """Share of consecutive sibling numbers (1.2 -> 1.3) that step forward by one."""
    keys = [tuple(int(x) for x in re.findall(r"\d+", n)) for n in numbers if re.match(r"^\d+(\.\d+)+", n)]
    steps = good = 0
    for a, b in pairwise(keys):
        if len(a) == len(b) and a[:-1] == b[:-1]:
            steps += 1
            good += b[-1] == a[-1] + 1
    return good / steps if steps else 1.0


def running_lines(path: Path) -> set[str]:
    """Lines standing first or last on at least a third of the pages, read independently with pdfium."""
    pdf = pdfium.PdfDocument(str(path))
    counts: Counter[str] = Counter()
    try:
        for i in range(len(pdf)):
            lines = [x.strip() for x in pdf[i].get_textpage().get_text_range().splitlines() if x.strip()]
            counts.update({lines[0], lines[-1]} if lines else set())
        pages = len(pdf)
    finally:
        pdf.close()
    return {x for x, c in counts.items() if c >= max(3, pages / 3) and len(x) > 6}


@pytest.mark.slow
@pytest.mark.parametrize("path", [p for p in TEXT_DOCS if not is_scan(p)], ids=lambda p: p.name)
def test_text_documents_segment_cleanly(path):
    result = segment(read_document(path))
    assert len(result.clauses) >= 20, "a real agreement has many clauses"
    assert numbers_in_order([c.number for c in result.clauses]) >= 0.85
    if path.suffix.lower() == ".pdf":
        running = running_lines(path)
        for clause in result.clauses:
            for line in running:
                assert line not in clause.text.splitlines(), f"running line {line!r} inside {clause.id}"
    assert all(c.text.strip() for c in result.clauses)


@pytest.mark.slow
@pytest.mark.ocr
def test_a_real_scan_is_ocred(tmp_path):
    scans = [p for p in TEXT_DOCS if is_scan(p)]
    assert scans, "realdocs has scanned PDFs"
    source = pdfium.PdfDocument(str(scans[0]))
    one = pdfium.PdfDocument.new()
    one.import_pages(source, [1])
    target = tmp_path / "one_page_scan.pdf"
    one.save(str(target))
    document = read_document(target)
    assert document.ocr
    words = re.findall(r"[а-яё]{4,}", " ".join(b.text for b in document.blocks).lower())
    assert len(words) > 50
