"""Speed and memory of classification and full analysis, each against its floor measured in the same run.

- classify: clauses/s on one core after warm-up, against bare spaCy tokenisation of the same clauses;
- analyse: a 70-page text PDF end to end, against its read+segment time (target: at most 2x);
- start-up: import + model load in a fresh process, against importing scikit-learn alone (target: < 3 s);
- memory: peak RSS of a process that loads everything and analyses the PDF (target: < 600 MB).

Usage: .venv/bin/python benchmarks/classify.py   (writes the "## Classification" section of docs/benchmarks.md)
"""
from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_NUM_THREADS", "1")

REALDOC = ROOT.parent / "shared" / "realdocs" / "ru_avtovaz_2023" / "kol_dogovor.pdf"
DOC = ROOT / "docs" / "benchmarks.md"


def best_of(n: int, func) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(n):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def subprocess_seconds_and_rss(code: str) -> tuple[float, float]:
    # Peak RSS from VmHWM, which a new program image starts afresh (ru_maxrss would carry the parent's peak).
    script = ("import re, time; t=time.perf_counter();" + code + ";s=time.perf_counter()-t;"
              "print(s, re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    seconds, rss_kb = out.stdout.split()[-2:]
    return float(seconds), float(rss_kb) / 1024


def main() -> None:
    import spacy

    from analyser.classify import classify_texts, load_models
    from analyser.corpus import load_corpus
    from analyser.ingest import read_document
    from analyser.pipeline import analyse_document, load_resources
    from analyser.segment import segment

    records = load_corpus()[:3000]
    texts, langs = [r.text for r in records], [r.lang for r in records]
    models = load_models()
    classify_texts(models, texts, langs)  # warm-up: fills the lemma cache
    blank = {lang: spacy.blank(lang if lang != "kk" else "xx") for lang in ("ru", "en", "kk")}
    floor = best_of(3, lambda: [blank[lang].tokenizer(t) for t, lang in zip(texts, langs)])
    ours = best_of(3, lambda: classify_texts(models, texts, langs))
    rows = [("classify 3000 clauses (one core, warm)", floor, ours, f"{len(texts) / ours:,.0f} clauses/s",
             ">= 3,000 clauses/s")]

    resources = load_resources()
    pages = None
    if REALDOC.is_file():
        def read_and_segment():  # type: ignore[no-untyped-def]
            return segment(read_document(REALDOC))

        floor_doc = best_of(3, read_and_segment)
        document = read_document(REALDOC)
        pages = document.pages
        analyse_document(document, resources)
        full = best_of(3, lambda: analyse_document(read_document(REALDOC), resources))
        rows.append((f"analyse {REALDOC.name} ({pages} pages)", floor_doc, full,
                     f"{full / floor_doc:.2f}x read+segment", "<= 2x read+segment"))

    base_s, base_rss = subprocess_seconds_and_rss("import sklearn.linear_model")
    load_s, _ = subprocess_seconds_and_rss("from analyser.pipeline import load_resources; load_resources()")
    rows.append(("import + load models and library", base_s, load_s, f"{load_s:.2f} s", "< 3 s"))
    code = ("from analyser.pipeline import load_resources, analyse; r=load_resources(); "
            f"analyse({str(REALDOC)!r}, r)")
    _, peak = subprocess_seconds_and_rss(code)
    rows.append(("peak RSS: load + analyse the PDF", base_rss, peak, f"{peak:.0f} MB", "< 600 MB"))

    table = ["| measurement | floor (same run) | ours | result | target |", "|---|---|---|---|---|"]
    for name, base, value, result, target in rows:
        unit = "MB" if "RSS" in name else "s"
        table.append(f"| {name} | {base:.3f} {unit} | {value:.3f} {unit} | {result} | {target} |")
    section = "\n".join([
        "## Classification",
        "",
        f"Measured {date.today()} on {os.cpu_count()} cores, Python {platform.python_version()}, by "
        "`.venv/bin/python benchmarks/classify.py`. Floors: bare spaCy tokenisation of the same clauses; "
        "read+segment of the same PDF; importing scikit-learn alone; its RSS.",
        "",
        *table,
        "",
    ])
    print(section)
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n\n"
    text = re.sub(r"## Classification\n.*?(?=\n## |\Z)", "", text, flags=re.S).rstrip() + "\n\n" + section
    DOC.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
