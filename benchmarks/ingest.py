"""Ingest + segmentation speed against the floor of bare text extraction of the same file.

For every text PDF in ../shared/realdocs (scans skipped) and a generated
100-page .docx (10 parts, 100 Word-numbered section titles, 1500 clauses),
times (a) the floor: pypdfium2 `get_text_range()` of every page, or python-docx
paragraph texts, and (b) `read_document` + `segment`; best of 3 runs each.
Prints the table and writes it to docs/benchmarks.md, section
"## Ingest and segmentation" (other sections of that file are kept).

    .venv/bin/python benchmarks/ingest.py
"""
from __future__ import annotations

import datetime
import os
import platform
import random
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import docx
import pypdfium2 as pdfium
from docx.shared import Cm, Pt

from analyser.docx_build import OUTLINE, DocxBuilder
from analyser.ingest import read_document
from analyser.segment import segment

ROOT = Path(__file__).resolve().parents[1]
REALDOCS = ROOT.parent / "shared" / "realdocs"
OUT = ROOT / "docs" / "benchmarks.md"
HEADING = "## Ingest and segmentation"
PDF_TARGET, DOCX_TARGET_S = 3.0, 1.0

SUBJECTS = ("Работодатель обязуется", "Стороны договорились", "Профсоюзный комитет вправе",
            "Работодатель по согласованию с выборным органом первичной профсоюзной организации обязуется",
            "Работник имеет право", "Работодатель не вправе без учёта мнения профсоюзного комитета")
ACTIONS = ("обеспечивать работникам условия труда, соответствующие государственным нормативным требованиям "
           "охраны труда", "предоставлять ежегодный дополнительный оплачиваемый отпуск продолжительностью "
           "не менее трёх календарных дней", "уведомлять работников о введении систем электронного контроля "
           "за выполнением трудовых обязанностей не позднее чем за два месяца",
           "производить индексацию заработной платы не реже одного раза в год",
           "организовывать профессиональное обучение и переподготовку работников за счёт средств работодателя",
           "обрабатывать персональные данные работников исключительно в целях обеспечения соблюдения законов",
           "устанавливать режим дистанционной работы по письменному заявлению работника",
           "не направлять работникам служебные сообщения в нерабочее время, за исключением аварийных ситуаций")
CONDITIONS = ("в порядке, установленном Трудовым кодексом Российской Федерации и настоящим договором",
              "с учётом мнения выборного органа первичной профсоюзной организации",
              "в сроки, определённые локальными нормативными актами работодателя",
              "при условии наличия финансовых средств, предусмотренных сметой на соответствующий год",
              "в случае внедрения новых технологий, приводящих к изменению условий труда")
TITLES = ("Общие положения", "Трудовой договор и гарантии занятости", "Рабочее время и время отдыха",
          "Оплата и нормирование труда", "Охрана труда", "Персональные данные работников",
          "Цифровые технологии и электронный мониторинг", "Дистанционная работа",
          "Профессиональное обучение", "Социальные гарантии", "Гарантии деятельности профсоюза")


def write_docx(path: Path, parts: int = 10, sections: int = 10, per_section: int = 15) -> Path:
    """A ~100-page Russian agreement: "Раздел" headings, Word-numbered titles "1." and clauses "1.1."."""
    rng = random.Random(7)
    builder = DocxBuilder()
    normal = builder.document.styles["Normal"].paragraph_format
    normal.space_after, normal.line_spacing = Pt(0), 1.0  # single spacing on A4, as agreements are typed
    page = builder.document.sections[0]
    page.page_width, page.page_height, page.left_margin, page.right_margin = Cm(21), Cm(29.7), Cm(3), Cm(1.5)
    outline = builder.list_definition(OUTLINE)
    for part in range(parts):
        builder.heading(f"Раздел {part + 1}. {TITLES[part % len(TITLES)]}", level=1)
        num = builder.list_instance(outline, restart_at=1)
        for s in range(sections):
            builder.paragraph(TITLES[(part + s) % len(TITLES)], num=num, level=0, bold=True)
            for _ in range(per_section):
                clause = f"{rng.choice(SUBJECTS)} {rng.choice(ACTIONS)}"
                if rng.random() < 0.7:
                    clause += f" {rng.choice(CONDITIONS)}"
                builder.paragraph(clause + ".", num=num, level=1)
    return builder.save(path)


def floor_pdf(path: Path) -> str:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def floor_docx(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def ours(path: Path) -> int:
    return len(segment(read_document(path)).clauses)


def best_of(fn: Callable[[Path], object], path: Path, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(path)
        times.append(time.perf_counter() - start)
    return min(times)


def is_scan(path: Path) -> bool:
    """Same rule as the reader: most pages have under 25 letters/digits of text layer."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        pages = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()
    return sum(sum(c.isalnum() for c in t) < 25 for t in pages) >= max(1, len(pages) // 2)


def measure(path: Path, name: str, floor: Callable[[Path], object], pages: int) -> dict[str, object]:
    f, o = best_of(floor, path), best_of(ours, path)
    met = o < DOCX_TARGET_S if path.suffix == ".docx" else o <= PDF_TARGET * f
    row = {"file": name, "pages": pages, "floor": f, "ours": o, "ratio": o / f, "clauses": ours(path), "met": met}
    print(f"{name:75} {pages:4} {f:8.3f} {o:8.3f} {o / f:7.1f}x  {'yes' if met else 'NO'}", flush=True)
    return row


def section(rows: list[dict[str, object]], load: float) -> str:
    table = "\n".join(
        f"| {r['file']} | {r['pages']} | {r['clauses']} | {r['floor']:.3f} | {r['ours']:.3f} | {r['ratio']:.1f}x | "
        f"{'yes' if r['met'] else '**no**'} |" for r in rows)
    met = [f"`{r['file']}`" for r in rows if r["met"]]
    missed = [f"`{r['file']}`" for r in rows if not r["met"]]
    verdict = (f"**Meet their target ({len(met)} of {len(rows)}):** {', '.join(met) or 'none'}.\n\n"
               f"**Miss it ({len(missed)} of {len(rows)}):** {', '.join(missed) or 'none'}.")
    return f"""{HEADING}

`benchmarks/ingest.py` times, per file and in the same run, the floor - bare text
extraction of that file (PDF: pypdfium2 `get_textpage().get_text_range()` for every
page; .docx: python-docx `Document(...)` joining paragraph texts) - against
`read_document` + `segment`. Best of 3 runs; seconds. Text PDFs are those in
`../shared/realdocs/` (scans are left out: OCR time is in docs/realdocs.md); the
.docx is generated: 10 "Раздел" headings, 100 Word-numbered section titles
(numbering restarts in each part), 1500 Word-numbered clauses, about 33k words (101
A4 pages when LibreOffice renders it).

Targets: a text PDF is read and segmented within **{PDF_TARGET:.0f}x** bare pypdfium2
extraction; the 100-page .docx in **under {DOCX_TARGET_S:.0f} s**.

| file | pages | clauses | floor s | ours s | ours/floor | target met |
|---|---:|---:|---:|---:|---:|---|
{table}

{verdict}

Machine: {os.cpu_count()} CPUs (nproc), Python {platform.python_version()}, {platform.system()} {platform.machine()};
measured {datetime.date.today().isoformat()}; 1-minute load average {load:.1f} when the run started. Files of a few
pages have a floor of a few milliseconds, so their ratio is the noisiest figure here.
"""


def write_section(text: str) -> None:
    old = OUT.read_text(encoding="utf-8") if OUT.exists() else "# Benchmarks\n\nSpeed measurements of the analyser.\n"
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.S | re.M)
    new = pattern.sub(lambda _: text + "\n", old) if pattern.search(old) else old.rstrip("\n") + "\n\n" + text
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(new.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    load = os.getloadavg()[0]
    print(f"{'file':75} {'pages':>4} {'floor s':>8} {'ours s':>8} {'ratio':>8}  target met")
    rows = []
    for path in sorted(REALDOCS.rglob("*.pdf")):
        if not is_scan(path):
            pdf = pdfium.PdfDocument(str(path))
            pages = len(pdf)
            pdf.close()
            rows.append(measure(path, path.relative_to(REALDOCS).as_posix(), floor_pdf, pages))
    with tempfile.TemporaryDirectory() as tmp:
        generated = write_docx(Path(tmp) / "generated_100_pages.docx")
        rows.append(measure(generated, "generated 100-page .docx", floor_docx, 101))
    write_section(section(rows, load))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
