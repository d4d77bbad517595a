"""A self-contained HTML report: scores, the gap table with proposals, the clauses with evidence marked."""
from __future__ import annotations

import html
import re

from analyser.model import Report

STATUS_COLOURS = {"covered": "#2e7d32", "weak": "#f9a825", "conflict": "#c62828", "missing": "#757575"}
ASSESSMENT_COLOURS = {"strong": "#e8f5e9", "weak": "#fff8e1", "adverse": "#ffebee", "neutral": "#ffffff"}
TITLES = {
    "ru": ("Анализ коллективного договора", "Итоговая оценка", "Пробелы и предложения", "Пункты договора",
           "Элемент", "Статус", "Пункты", "Что не так", "Предлагаемая формулировка"),
    "kk": ("Ұжымдық шартты талдау", "Жалпы баға", "Олқылықтар мен ұсыныстар", "Шарт тармақтары",
           "Элемент", "Мәртебе", "Тармақтар", "Не дұрыс емес", "Ұсынылатын редакция"),
    "en": ("Collective agreement analysis", "Overall score", "Gaps and proposals", "Clauses",
           "Element", "Status", "Clauses", "What is wrong", "Proposed wording"),
}
CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2rem auto;max-width:1100px;
color:#222} h1{font-size:1.6rem} h2{margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ddd;padding:.4rem;vertical-align:top;font-size:.9rem}
.status{color:#fff;padding:.1rem .4rem;border-radius:.3rem;white-space:nowrap}
.bar{background:#eee;height:.8rem;border-radius:.4rem}
.bar span{display:block;height:.8rem;border-radius:.4rem;background:#1565c0}
.clause{padding:.5rem;margin:.3rem 0;border-left:4px solid #ccc}
.chip{font-size:.75rem;background:#e3f2fd;padding:0 .3rem;border-radius:.3rem;margin-right:.2rem}
mark{background:#ffe082} .meta{color:#666;font-size:.8rem}
"""


def mark_words(text: str, words: tuple[str, ...]) -> str:
    """HTML of `text` with the evidence `words` in <mark>."""
    escaped = html.escape(text)
    for word in sorted(words, key=len, reverse=True):
        pattern = re.compile(rf"(?<![\w>]){re.escape(html.escape(word))}(?!\w)", re.IGNORECASE)
        escaped = pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped)
    return escaped.replace("\n", "<br>")


def render_html(report: Report) -> bytes:
    lang = report.language if report.language in TITLES else "en"
    t = TITLES[lang]
    doc = report.segmentation.document
    numbers = {c.clause.id: c.clause.number or c.clause.id for c in report.labelled}
    parts = [f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>{html.escape(t[0])}: "
             f"{html.escape(doc.name)}</title><style>{CSS}</style></head><body>",
             f"<h1>{html.escape(t[0])}: {html.escape(doc.name)}</h1>",
             f"<p class='meta'>{len(report.labelled)} clauses · {doc.pages or '?'} pages · {report.language} · "
             f"model {html.escape(report.model_version)} · library {html.escape(report.library_version)}</p>",
             f"<h2>{html.escape(t[1])}: {report.score.get('overall', 0):.0f}/100</h2><table>"]
    for topic, value in report.score.items():
        if topic != "overall":
            parts.append(f"<tr><td>{html.escape(topic)}</td><td style='width:60%'><div class='bar'>"
                         f"<span style='width:{value:.0f}%'></span></div></td><td>{value:.0f}</td></tr>")
    parts.append(f"</table><h2>{html.escape(t[2])}</h2><table><tr><th>{t[4]}</th><th>{t[5]}</th><th>{t[6]}</th>"
                 f"<th>{t[7]}</th><th>{t[8]}</th></tr>")
    for gap in report.gaps:
        colour = STATUS_COLOURS[gap.status]
        proposal = "" if gap.status == "covered" else html.escape(gap.suggestion(lang))
        refs = ", ".join(html.escape(numbers.get(c, c)) for c in gap.clauses)
        parts.append(f"<tr><td>{html.escape(gap.name)}<br><span class='meta'>{gap.element}</span></td>"
                     f"<td><span class='status' style='background:{colour}'>{gap.status}</span></td>"
                     f"<td>{refs}</td><td>{html.escape(gap.problem)}</td><td>{proposal}</td></tr>")
    parts.append(f"</table><h2>{html.escape(t[3])}</h2>")
    for item in report.labelled:
        c = item.clause
        chips = "".join(f"<span class='chip'>{html.escape(e)}</span>" for e in item.elements)
        parts.append(f"<div class='clause' style='background:{ASSESSMENT_COLOURS[item.assessment]}'>"
                     f"<div class='meta'>{html.escape(c.number or '')} {html.escape(' › '.join(c.section))} · "
                     f"p. {c.page or '?'} · {c.lang} · {item.assessment}</div>{chips}"
                     f"<div>{mark_words(c.text, item.evidence)}</div></div>")
    parts.append("</body></html>")
    return "\n".join(parts).encode("utf-8")
