"""Limits and switches of the readers, with defaults safe for files from strangers."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Progress = Callable[[str, int, int], None]
"""Called as progress(stage, done, total), e.g. ("ocr", 3, 12)."""


def no_progress(stage: str, done: int, total: int) -> None:
    """The default progress callback: says nothing."""


@dataclass(frozen=True, slots=True)
class ReadSettings:
    """What a reader may spend on one file before it refuses it."""

    max_bytes: int = 50 * 1024 * 1024  # size of the file as uploaded
    max_unzipped_bytes: int = 300 * 1024 * 1024  # .docx parts after decompression
    max_zip_ratio: int = 200  # decompressed / compressed of any .docx part
    max_pages: int = 3000
    ocr: bool = True
    ocr_languages: str = "rus+kaz+eng"
    ocr_dpi: int = 300
    ocr_workers: int = 2
    max_ocr_pages: int = 300  # a scan longer than this is refused (OCR takes ~2-3 s a page)
    min_text_chars_per_page: int = 25  # below this a PDF page counts as a scan
    convert_timeout_s: int = 120  # LibreOffice conversion of .doc/.rtf/.odt
    # Honoured by the guarded read (analyser.ingest.guarded: CLI and app), which reads in a child process;
    # read_document itself runs in-process and leaves them to its caller (batch workers have their own).
    memory_mb: int = 2048  # address space the reading child may take on top of what it starts with; 0: no cap
    timeout_s: float = 300  # wall-clock seconds for reading one file, OCR included; 0: no limit
    progress: Progress = no_progress
