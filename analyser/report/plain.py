"""Rendering a segmentation (clauses only) as JSON, CSV or plain text: `analyser segment`."""
from __future__ import annotations

import csv
import io
import json
from enum import Enum
from typing import Any

from analyser.model import Clause, Document, Segmentation


class SegmentFormat(str, Enum):
    """Output formats of `analyser segment`."""

    JSON = "json"
    CSV = "csv"
    TEXT = "text"


def document_info(document: Document, language: str, clause_count: int) -> dict[str, Any]:
    """The "document" object of the JSON contract."""
    return {
        "path": document.path,
        "name": document.name,
        "format": document.format,
        "sha256": document.sha256,
        "pages": document.pages,
        "ocr": document.ocr,
        "bilingual": document.bilingual,
        "language": language,
        "clause_count": clause_count,
        "warnings": list(document.warnings),
    }


def clause_dict(clause: Clause) -> dict[str, Any]:
    """A clause as a plain dict with the field names of the JSON contract."""
    return {
        "id": clause.id,
        "number": clause.number,
        "section": list(clause.section),
        "text": clause.text,
        "lang": clause.lang,
        "lang_supported": clause.lang_supported,
        "page": clause.page,
        "blocks": list(clause.blocks),
        "pair": clause.pair,
        "lead": clause.lead,
    }


def segmentation_dict(result: Segmentation) -> dict[str, Any]:
    return {
        "document": document_info(result.document, result.language, len(result.clauses)),
        "clauses": [clause_dict(c) for c in result.clauses],
    }


def render_segmentation(result: Segmentation, fmt: SegmentFormat) -> bytes:
    """Bytes of the clauses in the asked format."""
    if fmt is SegmentFormat.JSON:
        return (json.dumps(segmentation_dict(result), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt is SegmentFormat.CSV:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["id", "number", "section", "page", "lang", "text"])
        for c in result.clauses:
            writer.writerow([c.id, c.number, " > ".join(c.section), c.page or "", c.lang, c.text])
        return out.getvalue().encode("utf-8")
    lines = []
    section: tuple[str, ...] = ()
    for c in result.clauses:
        if c.section != section:
            section = c.section
            lines.append("\n## " + " > ".join(section))
        page = f" [p. {c.page}]" if c.page else ""
        lines.append(f"{c.number or '-'} ({c.lang}{page}) {c.text}")
    return ("\n".join(lines).strip() + "\n").encode("utf-8")
