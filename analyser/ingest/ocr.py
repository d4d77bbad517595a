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
    known = tesseract_languages()
    wanted = [x for x in settings.ocr_languages.split("+") if x in known]
    if not wanted:
        raise OcrUnavailableError(path)
    languages = "+".join(wanted)
    scale = settings.ocr_dpi / 72
    total = len(indices)
    done = 0
    results: dict[int, list[str]] = {}
    with tempfile.TemporaryDirectory(prefix="analyser-ocr-") as tmp:
        images: dict[int, Path] = {}
        for i in indices:
            image = pdf[i].render(scale=scale, grayscale=True).to_pil()
            target = Path(tmp) / f"page{i}.png"
            image.save(target)
            images[i] = target
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        with ThreadPoolExecutor(max_workers=max(1, settings.ocr_workers)) as pool:
            futures = {i: pool.submit(_tesseract, img, languages, env) for i, img in images.items()}
            for i in indices:
                results[i] = futures[i].result().splitlines()
                done += 1
                settings.progress("ocr", done, total)
    return results


def _tesseract(image: Path, languages: str, env: dict[str, str]) -> str:
    out = subprocess.run(
        ["tesseract", str(image), "stdout", "-l", languages, "--psm", "3"],
        capture_output=True, text=True, env=env, timeout=600,
    )
    return out.stdout
