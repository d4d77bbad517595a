"""Read every real agreement in ../shared/realdocs and tabulate how reading and segmentation went.

Writes docs/realdocs.md: per file the format, pages, whether OCR was used,
blocks, clauses, the main language with the share of ru/kk/en clauses, the
seconds taken, the number of warnings and the error if reading failed.
Scans are OCR'd (Tesseract), which takes minutes; progress goes to stderr.

    .venv/bin/python scripts/realdocs_table.py [--dump DIR]

`--dump DIR` also writes each file's clauses as JSON into DIR (keep DIR
outside the repository: the texts are third-party documents).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from analyser.errors import AnalyserError
from analyser.ingest import ReadSettings, read_document
from analyser.segment import segment

ROOT = Path(__file__).resolve().parents[1]
REALDOCS = ROOT.parent / "shared" / "realdocs"
OUT = ROOT / "docs" / "realdocs.md"
SUFFIXES = {".pdf", ".txt", ".html"}

INTRO = """# Real agreements: reading and segmentation

One row per file in `../shared/realdocs/` (third-party agreements, never copied
into this repository): what `read_document` made of it and how `segment` split
it. *OCR* says whether the text came from Tesseract (scanned PDF); *main* is the
document language chosen by segmentation (`Segmentation.language`); *ru/kk/en*
are the shares of clauses identified as each supported language (the rest are
other, unsupported languages); *s* is read + segment wall time, OCR included
(the first row also pays about 1 s for loading the language detector); *warn*
counts reader and segmentation warnings. Regenerate with:

    .venv/bin/python scripts/realdocs_table.py

"""
HEADER = ("| folder/file | format | pages | OCR | blocks | clauses | main | ru / kk / en | s | warn | error |\n"
          "|---|---|---:|---|---:|---:|---|---|---:|---:|---|\n")


def progress_for(name: str) -> Callable[[str, int, int], None]:
    def progress(stage: str, done: int, total: int) -> None:
        if stage == "ocr":
            print(f"{name}: OCR page {done}/{total}", file=sys.stderr, flush=True)
    return progress


def row(path: Path, dump: Path | None) -> str:
    name = path.relative_to(REALDOCS).as_posix()
    fmt = path.suffix.lstrip(".")
    start = time.perf_counter()
    try:
        document = read_document(path, ReadSettings(progress=progress_for(name)))
        seg = segment(document)
    except AnalyserError as error:
        seconds = time.perf_counter() - start
        message = str(error).replace("|", "\\|")
        return f"| {name} | {fmt} | | | | | | | {seconds:.1f} | | {message} |\n"
    except Exception as error:  # an analyser bug: record it, show the traceback, go on
        traceback.print_exc()
        seconds = time.perf_counter() - start
        return f"| {name} | {fmt} | | | | | | | {seconds:.1f} | | CRASH {type(error).__name__}: {error} |\n"
    seconds = time.perf_counter() - start
    langs = Counter(c.lang for c in seg.clauses)
    n = len(seg.clauses) or 1
    shares = " / ".join(f"{100 * langs[x] / n:.0f}%" for x in ("ru", "kk", "en"))
    warnings = len(document.warnings) + len(seg.warnings)
    if dump is not None:
        target = dump / (name.replace("/", "__") + ".json")
        target.write_text(json.dumps(
            {"warnings": [*document.warnings, *seg.warnings],
             "clauses": [{"number": c.number, "section": c.section, "page": c.page, "lang": c.lang, "text": c.text}
                         for c in seg.clauses]}, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{name}: {len(seg.clauses)} clauses in {seconds:.1f} s", file=sys.stderr, flush=True)
    return (f"| {name} | {fmt} | {document.pages or ''} | {'yes' if document.ocr else 'no'} | "
            f"{len(document.blocks)} | {len(seg.clauses)} | {seg.language} | {shares} | {seconds:.1f} | "
            f"{warnings} | |\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dump", type=Path, help="write each file's clauses as JSON here")
    args = parser.parse_args()
    if args.dump:
        args.dump.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in REALDOCS.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    rows = [row(p, args.dump) for p in files]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(INTRO + HEADER + "".join(rows), encoding="utf-8")
    print(f"wrote {OUT} ({len(rows)} files)", file=sys.stderr)


if __name__ == "__main__":
    main()
