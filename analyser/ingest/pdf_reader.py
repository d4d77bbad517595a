"""PDF to blocks: pypdfium2's text layer (fast), OCR for pages that are scans.

pdfplumber's layout analysis costs ~50x pypdfium2's extraction for the same
text on agreements, so the text comes from pdfium; geometry is used only to
find two-column pages, which are then read column by column.
"""
from __future__ import annotations

import ctypes
import re
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from analyser.errors import DocumentLoadError
from analyser.ingest.lines import lines_to_paragraphs, normalise_page_texts
from analyser.ingest.ocr import ocr_pages
from analyser.ingest.pdf_tables import bilingual_table_blocks
from analyser.ingest.settings import ReadSettings
from analyser.language import detect_language
from analyser.model import Block, BlockKind, Document


def read_pdf(path: Path, data: bytes, sha256: str, settings: ReadSettings) -> Document:
    """Read a PDF agreement into paragraph blocks with page numbers."""
    pdf = _open(path, data)
    try:
        count = len(pdf)
        if count == 0:
            raise DocumentLoadError(path, "the PDF has no pages.")
        if count > settings.max_pages:
            raise DocumentLoadError(
                path,
                f"the PDF has {count} pages, more than the limit of {settings.max_pages}.",
                "Split it or raise the page limit.",
            )
        pages: list[list[str]] = []
        scanned: list[int] = []
        sides: list[tuple[str, str]] = []  # left and right text of two-column pages
        broken: list[int] = []
        for i in range(count):
            settings.progress("reading", i + 1, count)
            try:
                text, columns = _page_text(pdf[i])
            except pdfium.PdfiumError:  # a damaged page (e.g. a page tree that loops): skip it, say so
                broken.append(i + 1)
                pages.append([])
                continue
            if columns:
                sides.append(columns)
            if not _has_text(text, settings.min_text_chars_per_page):
                scanned.append(i)
            pages.append(text.splitlines())
        if len(broken) == count:
            raise DocumentLoadError(path, "the PDF is damaged: none of its pages can be read.",
                                    "Export it again from the program that made it.")
        warnings: list[str] = [f"page {n}: damaged, skipped" for n in broken]
        used_ocr = False
        if scanned and len(scanned) >= max(1, count // 2):
            for i, lines in ocr_pages(path, pdf, scanned, settings).items():
                pages[i] = lines
            used_ocr = True
        elif scanned:
            warnings.extend(f"page {i + 1}: no text layer, skipped" for i in scanned)
    finally:
        pdf.close()
    if not used_ocr and len(sides) >= max(1, count // 2) and _bilingual(sides):
        paired = bilingual_table_blocks(data)
        if paired:
            return Document(path=str(path), format="pdf", sha256=sha256, blocks=tuple(paired), pages=count,
                            bilingual=True, warnings=tuple(warnings))
    page_lines, contents = normalise_page_texts(pages)
    warnings.extend(f"page {n}: table of contents, skipped" for n in contents)
    numbered = [(n, line) for n, lines in enumerate(page_lines, 1) for line in lines]
    blocks = tuple(
        Block(index=i, text=text, kind=BlockKind.PARAGRAPH, page=page, source=f"page {page}")
        for i, (page, text) in enumerate(lines_to_paragraphs(numbered))
    )
    if not blocks:
        raise DocumentLoadError(path, "no text could be read from the PDF.")
    return Document(
        path=str(path), format="pdf", sha256=sha256, blocks=blocks, pages=count,
        ocr=used_ocr, warnings=tuple(warnings),
    )


def _has_text(text: str, minimum: int) -> bool:
    """At least `minimum` letters or digits: a text layer, not a scan."""
    return re.search(rf"(?:\w\W*){{{minimum}}}", text) is not None


def _open(path: Path, data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = str(exc).lower()
        if "password" in reason:
            raise DocumentLoadError(
                path, "the PDF is encrypted with a password.",
                "Remove the password (print to a new PDF) and upload it again.",
            ) from None
        raise DocumentLoadError(
            path, "the file is not a readable PDF (it is damaged or truncated).",
            "Export it again from the program that made it.",
        ) from None


def _bilingual(sides: list[tuple[str, str]]) -> bool:
    """Two columns in two of the analyser's languages (a kk|ru agreement), judged page by page on up to
    eight pages: a title page or a page of signatures must not decide."""
    votes = 0
    sample = sides[:8]
    for left, right in sample:
        langs = {detect_language(left[:2000]), detect_language(right[:2000])}
        votes += len(langs) == 2 and langs <= {"kk", "ru", "en"}
    return votes * 2 >= len(sample)


def _page_text(page: pdfium.PdfPage) -> tuple[str, tuple[str, str] | None]:
    """The page's text in reading order, and its two columns' texts when it is set in two columns."""
    textpage = page.get_textpage()
    try:
        split = _column_split(textpage, page.get_width())
        if split is None:
            return str(textpage.get_text_range()), None
        width, height = page.get_width(), page.get_height()
        left = textpage.get_text_bounded(0, 0, split, height)
        right = textpage.get_text_bounded(split, 0, width, height)
        return f"{left}\n{right}", (left, right)
    finally:
        textpage.close()


def _column_split(textpage: pdfium.PdfTextPage, width: float) -> float | None:
    """The x of the gutter when the page is set in two columns, else None.

    A sample of the text runs is enough to see a gutter. The sample is read with raw pdfium calls into
    one set of buffers, and stops as soon as the answer is known to be None: a run inside the middle
    band sits on both sides (no gutter can pass it), or too many runs span the middle.
    """
    n = textpage.count_rects()
    if n < 12:
        return None
    step = max(1, n // 80)
    sample = range(0, n, step)
    middle = width / 2
    left_end, right_start = middle + width * 0.02, middle - width * 0.02
    left: list[float] = []  # right edges of the runs left of the middle band
    right: list[float] = []  # left edges of the runs right of it
    neither = both = 0  # runs across the band; runs inside it drawn right to left
    x0, top, x1, bottom = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    get_rect, raw = pdfium_c.FPDFText_GetRect, textpage.raw
    for seen, i in enumerate(sample, 1):
        if not get_rect(raw, i, x0, top, x1, bottom):
            raise pdfium.PdfiumError("Failed to get rectangle.")
        is_left, is_right = x1.value < left_end, x0.value > right_start
        if is_left and is_right:
            if x0.value <= x1.value:
                return None  # on both sides: the gutter would have to end before it starts
            both += 1
        if is_left:
            left.append(x1.value)
        if is_right:
            right.append(x0.value)
        if not (is_left or is_right):
            neither += 1
            if neither - both - (len(sample) - seen) > len(sample) * 0.12:
                return None  # too many spanning runs, whatever the rest of the sample is
    spanning = len(sample) - len(left) - len(right)
    if len(left) < 5 or len(right) < 5 or spanning > len(sample) * 0.12:
        return None
    gutter_from = max(left)
    gutter_to = min(right)
    if gutter_to <= gutter_from:
        return None
    return (gutter_from + gutter_to) / 2
