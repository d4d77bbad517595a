"""The `analyser` command line: a thin shell over the library.

Every failure the user can cause is an `AnalyserError`; it is printed as one
sentence on stderr with exit code 2, never as a traceback.
"""
from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from analyser.errors import AnalyserError
from analyser.ingest import ReadSettings, read_document
from analyser.output import write_atomic
from analyser.report import SegmentFormat, render_segmentation
from analyser.segment import segment as segment_document

F = TypeVar("F", bound=Callable[..., Any])


class UserError(click.ClickException):
    """An AnalyserError on its way to the terminal: message only, exit code 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


def user_errors(func: F) -> F:
    """Turn AnalyserError into a one-line message and exit code 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AnalyserError as exc:
            raise UserError(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def read_options(func: F) -> F:
    """Options shared by every command that reads an agreement."""
    func = click.option("--max-mb", type=click.IntRange(1, 2048), default=50, show_default=True,
                        help="Refuse files larger than this many megabytes.")(func)
    func = click.option("--no-ocr", is_flag=True, help="Do not OCR scanned PDFs (they are refused).")(func)
    return func


def progress_to_stderr(stage: str, done: int, total: int) -> None:
    """Per-page progress for slow stages (OCR), on stderr so stdout stays clean."""
    if stage == "ocr":
        click.echo(f"OCR page {done}/{total}", err=True)


def make_settings(max_mb: int, no_ocr: bool) -> ReadSettings:
    return ReadSettings(max_bytes=max_mb * 1024 * 1024, ocr=not no_ocr, progress=progress_to_stderr)


def emit(data: bytes, out: str | None) -> None:
    """Write to the output path (atomically) or to stdout."""
    if out and out != "-":
        write_atomic(out, data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


@click.group()
@click.version_option(package_name="agreement-analyser")
def cli() -> None:
    """Analyse collective agreements for digital-workplace protections (ru/kk/en)."""


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice([f.value for f in SegmentFormat]), default="json",
              show_default=True)
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
@read_options
@user_errors
def segment(file: Path, fmt: str, out: str | None, max_mb: int, no_ocr: bool) -> None:
    """Split an agreement into clauses with their numbers, sections, pages and languages.

    Example: analyser segment agreement.docx --format text
    """
    document = read_document(file, make_settings(max_mb, no_ocr))
    emit(render_segmentation(segment_document(document), SegmentFormat(fmt)), out)


def main() -> None:
    """Console entry point."""
    cli(prog_name="analyser")
