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
from analyser.report import ReportFormat, SegmentFormat, render, render_segmentation
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


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice([f.value for f in ReportFormat]), default="json",
              show_default=True)
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
@click.option("--models", "models_dir", type=click.Path(file_okay=False), default=None, help="Models folder.")
@click.option("--library", "library_dir", type=click.Path(file_okay=False), default=None,
              help="Clause library folder.")
@read_options
@user_errors
def analyse(file: Path, fmt: str, out: str | None, models_dir: str | None, library_dir: str | None,
            max_mb: int, no_ocr: bool) -> None:
    """Analyse an agreement: clauses, labels, gaps with proposals, scores.

    Example: analyser analyse agreement.docx --format docx -o agreement.annotated.docx
    """
    from analyser.pipeline import analyse as run_analysis
    from analyser.pipeline import load_resources

    report_format = ReportFormat(fmt)
    if report_format is ReportFormat.DOCX and not out:
        raise UserError("the docx format needs an output file: add -o FILE.docx")
    resources = load_resources(*_resource_dirs(models_dir, library_dir))
    report = run_analysis(file, resources, make_settings(max_mb, no_ocr))
    emit(render(report, report_format, file), out)


def _resource_dirs(models_dir: str | None, library_dir: str | None) -> tuple[Path, Path]:
    from analyser.classify import MODELS_DIR
    from analyser.library import DEFAULT_LIBRARY

    return Path(models_dir or MODELS_DIR), Path(library_dir or DEFAULT_LIBRARY)


@cli.command()
@click.argument("source", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              show_default=True, help="Output JSONL ('-' for stdout).")
@click.option("--skip-bad", is_flag=True, help="Report malformed lines on stderr and go on.")
@click.option("--models", "models_dir", type=click.Path(file_okay=False), default=None, help="Models folder.")
@user_errors
def classify(source: str, out: str, skip_bad: bool, models_dir: str | None) -> None:
    """Label clauses given as JSON lines with a "text" field ('-' reads stdin).

    Other fields are kept; "lang", "topics", "elements", "assessment" and "scores" are added.

    Example: analyser classify clauses.jsonl -o labelled.jsonl
    """
    import json

    from analyser.classify import MODELS_DIR, classify_texts, load_models
    from analyser.errors import InputDataError
    from analyser.language import detect_language

    stream = click.open_file(source, "r", encoding="utf-8-sig")
    rows: list[dict[str, Any]] = []
    for n, line in enumerate(stream, 1):
        if not line.strip():
            continue
        problem = ""
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                problem = "not a JSON object"
            elif not isinstance(obj.get("text"), str) or not obj["text"].strip():
                problem = 'no "text" field with text in it'
        except json.JSONDecodeError as exc:
            problem = f"not valid JSON ({exc.msg})"
        if problem:
            message = f"{source}:{n}: {problem}"
            if not skip_bad:
                raise InputDataError(message + " (use --skip-bad to go on past bad lines)")
            click.echo(f"skipped {message}", err=True)
            continue
        rows.append(obj)
    models = load_models(models_dir or MODELS_DIR)
    langs = [str(r.get("lang") or detect_language(r["text"], default="ru")) for r in rows]
    results = classify_texts(models, [r["text"] for r in rows], langs)
    lines = []
    for row, lang, (topics, elements, assessment, scores, _) in zip(rows, langs, results):
        if lang not in ("ru", "kk", "en"):
            topics, elements, assessment = (), (), "neutral"
        row.update({"lang": lang, "topics": list(topics), "elements": list(elements), "assessment": assessment,
                    "scores": scores})
        lines.append(json.dumps(row, ensure_ascii=False))
    emit(("\n".join(lines) + ("\n" if lines else "")).encode("utf-8"), out)


@cli.command()
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False), default=None, help="Labelled clauses.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None, help="Where to write models.")
@user_errors
def train(corpus_dir: str | None, out_dir: str | None) -> None:
    """Train the topic, element and assessment models from corpora/ (fixed seed) and write the model card.

    Example: analyser train
    """
    from analyser.agreement_eval import agreements_markdown, evaluate_agreements
    from analyser.classify import MODELS_DIR
    from analyser.corpus import CORPUS_DIR, load_corpus
    from analyser.library import load_library
    from analyser.model_card import write_model_card
    from analyser.pipeline import load_resources
    from analyser.train import train_and_save

    records = load_corpus(corpus_dir or CORPUS_DIR)
    target = Path(out_dir or MODELS_DIR)
    meta = train_and_save(records, target, load_library(), log=lambda m: click.echo(m, err=True))
    click.echo("measuring gap statuses on the sample agreements", err=True)
    agreements = agreements_markdown(evaluate_agreements(load_resources(target)))
    write_model_card(meta, records, target / "MODEL_CARD.md", agreements)
    click.echo(f"models written to {target} (version {meta['version']}, {meta['train_seconds']} s)")


@cli.command()
@click.option("--split", type=click.Choice(["train", "dev", "test"]), default="test", show_default=True)
@click.option("--models", "models_dir", type=click.Path(file_okay=False), default=None, help="Models folder.")
@user_errors
def evaluate(split: str, models_dir: str | None) -> None:
    """Print per-language, per-topic quality of the saved models on a corpus split.

    Example: analyser evaluate --split test
    """
    from analyser.agreement_eval import agreements_markdown, evaluate_agreements
    from analyser.classify import MODELS_DIR, load_models
    from analyser.corpus import load_corpus
    from analyser.model_card import metrics_markdown
    from analyser.pipeline import load_resources
    from analyser.train import evaluate_models

    models = load_models(models_dir or MODELS_DIR)
    records = [r for r in load_corpus() if r.split == split]
    click.echo(metrics_markdown(evaluate_models(models, records), title=f"{split} split"))
    if split == "test":
        click.echo(agreements_markdown(evaluate_agreements(load_resources(models_dir or MODELS_DIR))))


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--db", "db_path", type=click.Path(dir_okay=False), required=True, help="SQLite results file.")
@click.option("--workers", type=click.IntRange(1, 256), default=None, help="Worker processes (default: CPU cores).")
@click.option("--scheduler", default="", help="Address of a Dask scheduler, e.g. tcp://10.0.0.5:8786.")
@click.option("--limit-mb", type=click.IntRange(1, 2048), default=50, show_default=True,
              help="Refuse files larger than this.")
@click.option("--timeout", "timeout_s", type=click.IntRange(1, 86400), default=300, show_default=True,
              help="Seconds one file may take before it is recorded as an error.")
@user_errors
def score(paths: tuple[str, ...], db_path: str, workers: int | None, scheduler: str, limit_mb: int,
          timeout_s: int) -> None:
    """Score many agreements (folders, globs) into SQLite; reruns skip what is done.

    Exit code 1 when some files could not be scored (they are error rows in the database).

    Example: analyser score agreements/ --db results.sqlite --workers 2
    """
    import os

    from tqdm import tqdm

    from analyser.batch import BatchSettings
    from analyser.batch import score as run_batch

    settings = BatchSettings(workers=workers or os.cpu_count() or 1, limit_mb=limit_mb, timeout_s=timeout_s,
                             scheduler=scheduler)
    bar = tqdm(total=0, unit="doc", file=sys.stderr, dynamic_ncols=True)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    summary = run_batch(paths, db_path, settings, progress)
    bar.close()
    click.echo(f"{summary.scored} scored, {summary.failed} failed, {summary.skipped} already done or duplicates "
               f"in {summary.seconds:.1f} s -> {db_path}")
    if summary.failed:
        raise SystemExit(1)


@cli.command("export")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, exists=True), required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True)
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False), default=".", show_default=True)
@user_errors
def export_results(db_path: str, fmt: str, out_dir: str) -> None:
    """Write the batch results (documents, elements, clauses) as CSV or Parquet files.

    Example: analyser export --db results.sqlite --format parquet -o results/
    """
    from analyser.batch_report import export

    for path in export(db_path, fmt, out_dir):
        click.echo(str(path))


@cli.command("report")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, exists=True), required=True)
@click.option("-o", "--output", "out", type=click.Path(dir_okay=False), required=True)
@user_errors
def corpus_report(db_path: str, out: str) -> None:
    """An HTML report of element coverage across the scored agreements, by language, year and sector.

    Example: analyser report --db results.sqlite -o coverage.html
    """
    from analyser.batch_report import render_corpus_report

    emit(render_corpus_report(db_path), out)


@cli.group()
def library() -> None:
    """Work with the clause library (clause_library/*.yaml)."""


@library.command("validate")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path), required=False)
def library_validate(path: Path | None) -> None:
    """Check the library: every problem as file:line: message; exit code 1 when there are problems.

    Example: analyser library validate clause_library/
    """
    from analyser.library import DEFAULT_LIBRARY, validate_library

    problems = validate_library(path or DEFAULT_LIBRARY)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise SystemExit(1)
    click.echo(f"{path or DEFAULT_LIBRARY}: the clause library is valid")


def main() -> None:
    """Console entry point."""
    cli(prog_name="analyser")
