"""Bilingual agreements printed as a two-column table (Kazakh | Russian) in a PDF.

pypdfium2's text loses the table: a row that runs onto the next page mixes
with the following one and the two sides lose each other. pdfplumber's table
finder costs more, so it runs only when pdfium found two columns on most
pages; rows become paired blocks, one per side, and a row cut by a page
break is glued back to the row it continues.
"""
from __future__ import annotations

import io
import re

from analyser.ingest.lines import clean_line, lines_to_paragraphs
from analyser.language import detect_language, majority_language
from analyser.model import Block, BlockKind

STARTS_ITEM = re.compile(r"^\s*(\d{1,3}(\.\d{1,3})*[.)]?\s|\d{1,3}-бап|статья\s|[IVXLC]+\.\s)", re.IGNORECASE)


def bilingual_table_blocks(data: bytes) -> list[Block] | None:
    """Paired blocks of a kk|ru two-column table layout, or None if the PDF is not one."""
    import pdfplumber

    rows: list[tuple[int, list[str]]] = []
    before: list[str] = []
    after: list[str] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = len(pdf.pages)
        for number, page in enumerate(pdf.pages, 1):
            tables = [t for t in page.find_tables() if t.rows and len(t.rows[0].cells) == 2]
            if not tables:
                continue
            table = max(tables, key=lambda t: (t.bbox[3] - t.bbox[1]) * (t.bbox[2] - t.bbox[0]))
            if number == 1:
                before = _text_lines(page.crop((0, 0, page.width, table.bbox[1])))
            if number == pages:
                after = _text_lines(page.crop((0, table.bbox[3], page.width, page.height)))
            for cells in table.extract():
                texts = ["\n".join(clean_line(x) for x in (c or "").splitlines()).strip() for c in cells]
                if not any(texts):
                    continue
                if rows and number != rows[-1][0] and _continues(texts):
                    rows[-1][1][:] = [f"{a}\n{b}".strip() for a, b in zip(rows[-1][1], texts)]
                    continue
                rows.append((number, texts))
    if len(rows) < 3:
        return None
    langs = [majority_language([detect_language(r[1][c]) for r in rows if r[1][c]]) for c in (0, 1)]
    if langs[0] == langs[1] or not set(langs) <= {"kk", "ru", "en"}:
        return None
    blocks: list[Block] = []
    for line in before:
        blocks.append(Block(index=len(blocks), text=line, page=1, source="page 1"))
    for r, (page, cells) in enumerate(rows):
        for column, text in enumerate(cells):
            for _, paragraph in lines_to_paragraphs([(page, x) for x in text.splitlines()]):
                blocks.append(Block(index=len(blocks), text=paragraph, kind=BlockKind.TABLE_CELL, page=page,
                                    source=f"page {page}/table row {r + 1}/cell {column + 1}", lang=langs[column],
                                    group=f"r{r}", column=column))
    for line in after:
        blocks.append(Block(index=len(blocks), text=line, page=pages, source=f"page {pages}"))
    return blocks


def _text_lines(region: object) -> list[str]:
    text = region.extract_text() or ""  # type: ignore[attr-defined]
    return [p for _, p in lines_to_paragraphs([(None, x) for x in text.splitlines()])]


def _continues(texts: list[str]) -> bool:
    """A page's first row continues the previous page's last row when no side starts an item
    and some side starts in lower case (mid-sentence)."""
    filled = [t for t in texts if t]
    return not any(STARTS_ITEM.match(t) for t in filled) and any(t[:1].islower() for t in filled)
