"""A Report as plain data: the JSON contract of design.md, and a CSV of clauses."""
from __future__ import annotations

import csv
import io
import json
from typing import Any

from analyser.model import Report
from analyser.report.plain import clause_dict, document_info


def report_dict(report: Report) -> dict[str, Any]:
    """The JSON contract: document, clauses (with labels), gaps by element id, score."""
    seg = report.segmentation
    clauses = []
    for item in report.labelled:
        data = clause_dict(item.clause)
        data.update({
            "topics": list(item.topics),
            "elements": list(item.elements),
            "assessment": item.assessment,
            "scores": item.scores,
            "evidence": list(item.evidence),
            "matches": [{"element": m.element, "kind": m.kind, "lang": m.lang, "similarity": m.similarity,
                         "text": m.text} for m in item.matches],
        })
        clauses.append(data)
    info = document_info(seg.document, report.language, len(seg.clauses))
    info["warnings"] = list(report.warnings)
    return {
        "document": info,
        "clauses": clauses,
        "gaps": {g.element: {"status": g.status, "topic": g.topic, "name": g.name, "clauses": list(g.clauses),
                             "problem": g.problem, "suggestion": g.suggestion(report.language),
                             "fallback": g.fallback(report.language), "suggestions": g.suggestions}
                 for g in report.gaps},
        "score": report.score,
        "model_version": report.model_version,
        "library_version": report.library_version,
    }


def render_json(report: Report) -> bytes:
    return (json.dumps(report_dict(report), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def render_csv(report: Report) -> bytes:
    """One row per clause with its labels; spreadsheet-friendly (UTF-8 with BOM)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "number", "section", "page", "lang", "topics", "elements", "assessment", "text"])
    for item in report.labelled:
        c = item.clause
        writer.writerow([c.id, c.number, " > ".join(c.section), c.page or "", c.lang, ";".join(item.topics),
                         ";".join(item.elements), item.assessment, c.text])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
