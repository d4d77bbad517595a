"""The negotiator's handout: chosen gaps with the wording to propose, as a .docx."""
from __future__ import annotations

import io

import docx

from analyser.model import Gap


def render_proposals(gaps: list[Gap], lang: str, title: str, labels: dict[str, str]) -> bytes:
    """A Word document with, per gap: its name, what is wrong, the recommended and the fallback wording."""
    document = docx.Document()
    document.add_heading(title, level=0)
    for number, gap in enumerate(gaps, 1):
        document.add_heading(f"{number}. {gap.name}", level=2)
        document.add_paragraph(f"{labels['what_is_wrong']}: {gap.problem}")
        document.add_paragraph(labels["recommended"] + ":").runs[0].bold = True
        document.add_paragraph(gap.suggestion(lang))
        document.add_paragraph(labels["fallback"] + ":").runs[0].bold = True
        document.add_paragraph(gap.fallback(lang))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
