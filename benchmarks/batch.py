"""Throughput and memory of batch scoring (`analyser.batch.score`), and a batch run over ../shared/realdocs.

- generates (or reuses) N >= 300 synthetic agreements with benchmarks/make_corpus.py (half .docx, half PDF);
- scores them with workers=1 and with workers=2, each into a fresh SQLite file: agreements/s, the speed-up,
  peak RSS of every worker process (sampled with psutil from a thread while scoring) and of the main process;
- scores every file of ../shared/realdocs with workers=2: how many were scored, how many became error rows, why.

Targets: >= 4 agreements/s on 2 workers; speed-up >= 1.7x from 1 to 2 workers; < 600 MB RSS per worker.

Usage: .venv/bin/python benchmarks/batch.py [--n 300] [--corpus DIR] [--no-write]
       (writes the "## Batch scoring" section of docs/benchmarks.md unless --no-write)
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import sqlite3
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("OMP_NUM_THREADS", "1")

import psutil  # noqa: E402
from make_corpus import existing_corpus, make_corpus  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
REALDOCS = Path(__file__).resolve().parents[2] / "shared" / "realdocs"
DEFAULT_CORPUS = Path(tempfile.gettempdir()) / "analyser-bench" / "corpus"
TARGET_RATE = 4.0
TARGET_SPEEDUP = 1.7
TARGET_RSS_MB = 600.0


@dataclass
class RssSampler:
    """Peak RSS of this process and of each of its child processes, sampled from a thread.

    Worker processes are the Python children; others (tesseract for OCR, LibreOffice) are helpers.
    """

    interval: float = 0.1
    main_mb: float = 0.0
    children_mb: dict[int, float] = field(default_factory=dict)
    helpers_mb: dict[int, float] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            try:
                self.main_mb = max(self.main_mb, me.memory_info().rss / 2**20)
                for child in me.children(recursive=True):
                    try:
                        rss = child.memory_info().rss / 2**20
                        into = self.children_mb if "python" in child.name().lower() else self.helpers_mb
                    except psutil.Error:
                        continue
                    into[child.pid] = max(into.get(child.pid, 0.0), rss)
            except psutil.Error:
                pass
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()

    @property
    def worker_peak_mb(self) -> float:
        return max(self.children_mb.values(), default=0.0)

    @property
    def helper_peak_mb(self) -> float:
        return max(self.helpers_mb.values(), default=0.0)


@dataclass
class Run:
    label: str
    workers: int
    files: int
    scored: int
    failed: int
    seconds: float
    worker_peak_mb: float
    workers_seen: int
    main_peak_mb: float
    db: Path
    load_after: float = 0.0
    helpers: int = 0
    helper_peak_mb: float = 0.0

    @property
    def rate(self) -> float:
        return self.scored / self.seconds if self.seconds else 0.0


def run_batch(label: str, paths: list[str], workers: int, db: Path) -> Run:
    from analyser.batch import BatchSettings, score

    if db.exists():
        db.unlink()
    print(f"{label}: scoring {len(paths)} path(s) with {workers} worker(s) -> {db}", flush=True)
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 30 or done == total:
            last[0] = now
            print(f"  {done}/{total}", flush=True)

    with RssSampler() as rss:
        summary = score(paths, db, BatchSettings(workers=workers), progress)
    run = Run(label, workers, len(paths), summary.scored, summary.failed, summary.seconds, rss.worker_peak_mb,
              len(rss.children_mb), rss.main_mb, db, os.getloadavg()[0], len(rss.helpers_mb), rss.helper_peak_mb)
    print(f"  {run.scored} scored, {run.failed} errors in {run.seconds:.1f} s = {run.rate:.2f}/s; "
          f"worker peak {run.worker_peak_mb:.0f} MB ({run.workers_seen} child processes), "
          f"main {run.main_peak_mb:.0f} MB; {run.helpers} helper processes (OCR, LibreOffice), "
          f"largest {run.helper_peak_mb:.0f} MB", flush=True)
    return run


def pdf_pages(path: str) -> int:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(path)
    try:
        return len(pdf)
    finally:
        pdf.close()


def documents(db: Path) -> list[dict]:
    with sqlite3.connect(str(db)) as con:
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute("SELECT * FROM documents ORDER BY path")]


def reason(doc: dict) -> str:
    """The error message without the file name it starts with, numbers generalised, for grouping."""
    text = str(doc["error"])
    name = str(doc.get("name") or "")
    if name and text.startswith(name):
        text = text[len(name):].lstrip(" :")
    return re.sub(r"\d+(\.\d+)?", "N", text)


def sanity(db: Path, manifest_dir: Path) -> list[str]:
    """Compare what the analyser found in the generated files with how they were written."""
    import json

    manifest = {str((manifest_dir / f["path"]).resolve()): f for f in
                json.loads((manifest_dir / "manifest.json").read_text(encoding="utf-8"))["files"]}
    rows = [d for d in documents(db) if not d["error"] and str(Path(d["path"]).resolve()) in manifest]
    lines = []
    by_lang: dict[str, list[dict]] = {}
    for d in rows:
        by_lang.setdefault(manifest[str(Path(d["path"]).resolve())]["lang"], []).append(d)
    for lang, docs in sorted(by_lang.items()):
        detected = Counter(str(d["language"]) for d in docs)
        ratios = sorted(d["clauses"] / manifest[str(Path(d["path"]).resolve())]["clauses"] for d in docs)
        fmt = Counter(d["format"] for d in docs)
        secs = {f: sum(d["seconds"] for d in docs if d["format"] == f) / n for f, n in fmt.items()}
        lines.append(f"| {lang} | {len(docs)} | {', '.join(f'{k} {v}' for k, v in detected.most_common())} | "
                     f"{ratios[0]:.2f} / {ratios[len(ratios) // 2]:.2f} / {ratios[-1]:.2f} | "
                     f"{', '.join(f'{k} {v:.2f}' for k, v in sorted(secs.items()))} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--realdocs", type=Path, default=REALDOCS)
    parser.add_argument("--no-write", action="store_true", help="print only, leave docs/benchmarks.md alone")
    args = parser.parse_args(argv)

    load_at_start = os.getloadavg()[0]
    started = datetime.now(UTC)
    files = existing_corpus(args.corpus, args.n)
    if files is None:
        print(f"generating {args.n} agreements in {args.corpus}", flush=True)
        files = make_corpus(args.corpus, args.n)
    else:
        print(f"reusing {len(files)} agreements in {args.corpus}", flush=True)
    paths = [str(p) for p in files]
    n_pdf = sum(p.endswith(".pdf") for p in paths)
    pages = sorted(pdf_pages(p) for p in paths if p.endswith(".pdf")) or [0]
    work = args.corpus.parent
    one = run_batch("1 worker", paths, 1, work / "bench_w1.sqlite")
    two = run_batch("2 workers", paths, 2, work / "bench_w2.sqlite")
    real_files = sorted(p for p in args.realdocs.rglob("*") if p.is_file()) if args.realdocs.is_dir() else []
    real = run_batch("realdocs", [str(args.realdocs)], 2, work / "bench_realdocs.sqlite") if real_files else None

    from analyser.batch import _model_version
    from analyser.classify import MODELS_DIR

    speedup = one.seconds / two.seconds if two.seconds else 0.0
    worst_rss = max(one.worker_peak_mb, two.worker_peak_mb)
    met = {
        "rate": two.rate >= TARGET_RATE,
        "speedup": speedup >= TARGET_SPEEDUP,
        "rss": worst_rss < TARGET_RSS_MB,
    }

    def yes(ok: bool) -> str:
        return "yes" if ok else "**no**"

    table = [
        "| run | files | scored | errors | wall s | agreements/s | peak RSS per worker | worker processes "
        "| main process peak RSS | load avg at end |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in (one, two):
        table.append(f"| {run.label} | {run.files} | {run.scored} | {run.failed} | {run.seconds:.1f} | "
                     f"{run.rate:.2f} | {run.worker_peak_mb:.0f} MB | {run.workers_seen} | "
                     f"{run.main_peak_mb:.0f} MB | {run.load_after:.1f} |")
    targets = [
        "| target | measured | met |",
        "|---|---|---|",
        f"| >= {TARGET_RATE:g} agreements/s on 2 workers | {two.rate:.2f}/s | {yes(met['rate'])} |",
        f"| speed-up >= {TARGET_SPEEDUP}x from 1 to 2 workers | {speedup:.2f}x | {yes(met['speedup'])} |",
        f"| < {TARGET_RSS_MB:.0f} MB RSS per worker | {worst_rss:.0f} MB (max over both runs) | {yes(met['rss'])} |",
    ]
    sanity_rows = sanity(two.db, args.corpus)

    real_lines: list[str] = []
    if real is not None:
        docs = documents(real.db)
        where = "../shared/realdocs/" if args.realdocs == REALDOCS else str(args.realdocs)
        errors = [d for d in docs if d["error"]]
        unsupported = len(real_files) - len(docs)
        real_lines += [
            f"All {len(real_files)} files of `{where}` given to `score` with 2 workers (default limits: "
            f"50 MB, 300 s per file, OCR on): {len(docs)} supported files, **{real.scored} scored, "
            f"{real.failed} error rows**, in {real.seconds:.0f} s; peak RSS per worker {real.worker_peak_mb:.0f} MB "
            f"(largest OCR helper process {real.helper_peak_mb:.0f} MB)"
            + (f"; {unsupported} files skipped as not a supported format or duplicates" if unsupported else "") + ".",
            "",
        ]
        if errors:
            real_lines += ["| error (file name removed, numbers as N) | files | which |", "|---|---:|---|"]
            groups: dict[str, list[str]] = {}
            for d in errors:
                groups.setdefault(reason(d), []).append(os.path.relpath(d["path"], args.realdocs))
            for text, which in sorted(groups.items(), key=lambda kv: -len(kv[1])):
                real_lines.append(f"| {text.replace('|', '/')} | {len(which)} | {', '.join(which)} |")
            real_lines.append("")
        scored_docs = [d for d in docs if not d["error"]]
        if scored_docs:
            real_lines += ["| scored file | format | language | pages | clauses | score | seconds |",
                           "|---|---|---|---:|---:|---:|---:|"]
            for d in scored_docs:
                page_count = d["pages"] if d["pages"] is not None else "-"
                real_lines.append(f"| {os.path.relpath(d['path'], args.realdocs)} | {d['format']} | {d['language']} "
                                  f"| {page_count} | {d['clauses']} | {d['score']} | {d['seconds']:.1f} |")
            real_lines.append("")

    met_names = {"rate": f">= {TARGET_RATE:g} agreements/s on 2 workers",
                 "speedup": f"speed-up >= {TARGET_SPEEDUP}x", "rss": f"< {TARGET_RSS_MB:.0f} MB per worker"}
    verdict = ("**Targets met:** " + (", ".join(met_names[k] for k, v in met.items() if v) or "none") +
               ". **Not met:** " + (", ".join(met_names[k] for k, v in met.items() if not v) or "none") + ".")
    section = "\n".join([
        "## Batch scoring",
        "",
        f"Measured {started:%Y-%m-%d %H:%M} UTC by `.venv/bin/python benchmarks/batch.py` on "
        f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}; model version {_model_version(MODELS_DIR)}; 1-minute load "
        f"average {load_at_start:.1f} when the run started.",
        "",
        f"Corpus: N = {len(paths)} synthetic agreements from `benchmarks/make_corpus.py` (seed 13): "
        f"{len(paths) - n_pdf} .docx and {n_pdf} text PDFs (LibreOffice), ru / kk / en and kk|ru two-column, "
        f"250-350 clauses in 12-16 numbered sections each (PDFs: {pages[0]}-{pages[-1]} pages, median "
        f"{pages[len(pages) // 2]}). Each run scores all of them into a "
        "fresh SQLite file with `analyser.batch.score`; wall time includes hashing, starting the worker "
        "processes and loading the models in each. RSS: psutil samples every 0.1 s of the main process and of "
        "each child process; \"peak RSS per worker\" is the largest Python child (a worker; helper processes such as "
        "tesseract are counted apart).",
        "",
        *table,
        "",
        *targets,
        "",
        verdict,
        "",
        "What the analyser found in the generated files (2-worker run), per language they were written in: "
        "detected document language, segmented clauses / written clauses (min / median / max), mean seconds "
        "per file by format (in a worker, excluding start-up):",
        "",
        "| written as | files | detected language | clauses found / written | s per file |",
        "|---|---:|---|---|---|",
        *sanity_rows,
        "",
        "### Real documents",
        "",
        *real_lines,
    ])
    print(section)
    if not args.no_write:
        text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n\n"
        pattern = re.compile(r"## Batch scoring\n.*?(?=\n## |\Z)", re.S)
        if pattern.search(text):
            text = pattern.sub(lambda _: section.rstrip() + "\n", text)
        else:
            text = text.rstrip() + "\n\n" + section
        DOC.write_text(text.rstrip() + "\n", encoding="utf-8")
        print(f"written to {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
