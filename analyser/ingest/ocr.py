"""OCR of scanned PDF pages with Tesseract (rus+kaz+eng), page by page.

Pages are rendered by pdfium and recognised by the `tesseract` program in a
few parallel processes; each finished page is reported to the progress
callback so a user sees "OCR page k/n".
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium

from analyser.errors import DocumentLoadError, OcrUnavailableError
from analyser.ingest.settings import ReadSettings


def tesseract_languages() -> set[str]:
    """Languages the installed Tesseract knows; empty when it is not installed."""
    exe = shutil.which("tesseract")
    if exe is None:
        return set()
    out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    return {x.strip() for x in out.stdout.splitlines()[1:] if x.strip()}


def ocr_pages(
    path: Path, pdf: pdfium.PdfDocument, indices: list[int], settings: ReadSettings
) -> dict[int, list[str]]:
    """Recognise the given 0-based pages; returns their text lines by index."""
    if not settings.ocr:
        raise DocumentLoadError(
            path, "the PDF has no text layer (a scan) and OCR is switched off.",
            "Switch OCR on to read it.",
        )
    if len(indices) > settings.max_ocr_pages:
        raise DocumentLoadError(
            path, f"the PDF is a scan of {len(indices)} pages; OCR is limited to {settings.max_ocr_pages} pages.",
            "Split the scan, or raise the OCR page limit.",
        )
    known = tesseract_languages()
    wanted = [x for x in settings.ocr_languages.split("+") if x in known]
    if not wanted:
        raise OcrUnavailableError(path)
    languages = "+".join(wanted)
    scale = settings.ocr_dpi / 72
    total = len(indices)
    results: dict[int, list[str]] = {}
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    # pdfium is not thread-safe: pages are rendered here, one at a time, just before their OCR, with at most
    # two pages per worker waiting, so a long scan never sits in memory or on disk all at once.
    with tempfile.TemporaryDirectory(prefix="analyser-ocr-") as tmp, \
            ThreadPoolExecutor(max_workers=max(1, settings.ocr_workers)) as pool:
        pending: dict[int, Any] = {}
        queue = iter(indices)
        try:
            for i in queue:
                target = Path(tmp) / f"page{i}.png"
                pdf[i].render(scale=scale, grayscale=True).to_pil().save(target)
                pending[i] = pool.submit(_tesseract, target, languages, env)
                while len(pending) >= 2 * max(1, settings.ocr_workers):
                    _collect_first(pending, results, settings, total)
            while pending:
                _collect_first(pending, results, settings, total)
        finally:
            for future in pending.values():
                future.cancel()
    return results


def _collect_first(pending: dict[int, Any], results: dict[int, list[str]], settings: ReadSettings,
                   total: int) -> None:
    """Wait for the oldest page in flight, store its lines, report progress, delete its image."""
    i = next(iter(pending))
    results[i] = pending.pop(i).result().splitlines()
    settings.progress("ocr", len(results), total)


def _tesseract(image: Path, languages: str, env: dict[str, str]) -> str:
    try:
        out = subprocess.run(
            ["tesseract", str(image), "stdout", "-l", languages, "--psm", "3"],
            capture_output=True, text=True, env=env, timeout=600,
        )
    finally:
        image.unlink(missing_ok=True)
    return out.stdout
