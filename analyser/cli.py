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
from analyser.ingest import ReadSettings
from analyser.ingest.guarded import read_document_guarded
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


# Characters that str.splitlines() and many JSONL readers take for line ends, which json.dumps leaves raw.
LINE_BREAKS_ESCAPED = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def read_options(func: F) -> F:
    """Options shared by every command that reads an agreement (read in a child process with these limits)."""
    func = click.option("--max-mb", type=click.IntRange(1, 2048), default=50, show_default=True,
                        help="Refuse files larger than this many megabytes.")(func)
    func = click.option("--no-ocr", is_flag=True, help="Do not OCR scanned PDFs (they are refused).")(func)
    func = click.option("--timeout", "timeout_s", type=click.IntRange(1, 86400), default=300, show_default=True,
                        help="Stop reading a file (OCR included) after this many seconds.")(func)
    func = click.option("--memory-mb", type=click.IntRange(256, 1024 * 1024), default=2048, show_default=True,
                        help="Stop reading a file that needs more memory than this (a compression bomb).")(func)
    return func


def progress_to_stderr(stage: str, done: int, total: int) -> None:
    """Per-page progress for slow stages (OCR), on stderr so stdout stays clean."""
    if stage == "ocr":
        click.echo(f"OCR page {done}/{total}", err=True)


def make_settings(max_mb: int, no_ocr: bool, timeout_s: int, memory_mb: int) -> ReadSettings:
    return ReadSettings(max_bytes=max_mb * 1024 * 1024, ocr=not no_ocr, progress=progress_to_stderr,
                        timeout_s=timeout_s, memory_mb=memory_mb)


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
def segment(file: Path, fmt: str, out: str | None, max_mb: int, no_ocr: bool, timeout_s: int,
            memory_mb: int) -> None:
    """Split an agreement into clauses with their numbers, sections, pages and languages.

    Example: analyser segment agreement.docx --format text
    """
    document = read_document_guarded(file, make_settings(max_mb, no_ocr, timeout_s, memory_mb))
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
            max_mb: int, no_ocr: bool, timeout_s: int, memory_mb: int) -> None:
    """Analyse an agreement: clauses, labels, gaps with proposals, scores.

    Example: analyser analyse agreement.docx --format docx -o agreement.annotated.docx
    """
    from analyser.pipeline import analyse_document, load_resources

    report_format = ReportFormat(fmt)
    if report_format is ReportFormat.DOCX and not out:
        raise UserError("the docx format needs an output file: add -o FILE.docx")
    # Read first: a refused file costs no model loading, and the reader is forked from a lean process.
    document = read_document_guarded(file, make_settings(max_mb, no_ocr, timeout_s, memory_mb))
    resources = load_resources(*_resource_dirs(models_dir, library_dir))
    report = analyse_document(document, resources)
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

    stream = click.open_file(source, "rb")
    rows: list[dict[str, Any]] = []
    for n, raw in enumerate(stream, 1):
        problem = ""
        try:
            line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
        except UnicodeDecodeError:
            line, problem = "", "not UTF-8 text"
        if not line.strip() and not problem:
            continue
        try:
            obj = json.loads(line) if not problem else None
            if problem:
                pass
            elif not isinstance(obj, dict):
                problem = "not a JSON object"
            elif not isinstance(obj.get("text"), str) or not obj["text"].strip():
                problem = 'no "text" field with text in it'
            else:  # "\ud800" is valid JSON but no character: the output could not be written
                json.dumps(obj, ensure_ascii=False).encode("utf-8")
        except json.JSONDecodeError as exc:
            problem = f"not valid JSON ({exc.msg})"
        except UnicodeEncodeError:
            problem = "an escape such as \\ud800 stands for half a character (a lone surrogate), not text"
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
        lines.append(json.dumps(row, ensure_ascii=False).translate(LINE_BREAKS_ESCAPED))
    emit(("\n".join(lines) + ("\n" if lines else "")).encode("utf-8"), out)


@cli.command()
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False), default=None, help="Labelled clauses.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None, help="Where to write models.")
@click.option("--with-feedback", is_flag=True, help="Add the reviewers' corrections (corpora/feedback/).")
@click.option("--feedback-folder", type=click.Path(file_okay=False), default=None, help="Feedback folder.")
@click.option("--force", is_flag=True, help="Install the new model even if it is worse on the test split.")
@user_errors
def train(corpus_dir: str | None, out_dir: str | None, with_feedback: bool, feedback_folder: str | None,
          force: bool) -> None:
    """Train the topic, element and assessment models from corpora/ (fixed seed) and write the model card.

    With --with-feedback the agreed corrections are added (weighted, train split only; a fifth of them held
    out to measure), and the new model is installed only if it is not worse on the test split.

    Example: analyser train --with-feedback
    """
    import tempfile

    from analyser.agreement_eval import agreements_markdown, evaluate_agreements
    from analyser.classify import MODELS_DIR
    from analyser.corpus import CORPUS_DIR, load_corpus
    from analyser.library import load_library
    from analyser.model_card import write_model_card
    from analyser.model_versions import archive_current, install
    from analyser.pipeline import load_resources
    from analyser.train import train_and_save

    records = load_corpus(corpus_dir or CORPUS_DIR)
    target = Path(out_dir or MODELS_DIR)
    used, held_out = _feedback_records(feedback_folder) if with_feedback else ([], [])
    with tempfile.TemporaryDirectory(prefix="candidate-", dir=target.parent if target.exists() else None) as tmp:
        candidate = Path(tmp)
        keep = _current_settings(target) if with_feedback else None
        meta = train_and_save(records + used, candidate, load_library(), log=lambda m: click.echo(m, err=True),
                              settings=keep)
        comparison = _compare_with_current(target, candidate, records, held_out) if with_feedback else None
        click.echo("measuring gap statuses on the sample agreements", err=True)
        agreements = agreements_markdown(evaluate_agreements(load_resources(candidate)))
        write_model_card(meta, records, candidate / "MODEL_CARD.md", agreements + (comparison or ("", True))[0])
        better = comparison is None or comparison[1]
        if not (better or force):
            click.echo(f"the new model ({meta['version']}) is worse on the test split and was not installed; "
                       "use --force to install it anyway", err=True)
            raise SystemExit(1)
        target.mkdir(parents=True, exist_ok=True)
        archive_current(target)
        install(candidate, target)
    click.echo(f"models written to {target} (version {meta['version']}, {meta['train_seconds']} s)")


def _current_settings(models_dir: Path) -> Any:
    from analyser.classify import load_models

    try:
        return load_models(models_dir).settings
    except AnalyserError:
        return None


NOT_WORSE = 0.002  # mean of topic macro-F1, element micro-F1 and assessment accuracy on the test split


def _feedback_records(folder: str | None) -> tuple[list[Any], list[Any]]:
    """Agreed corrections for training, and the fifth held out (by text hash) to measure the change."""
    from analyser.feedback import merge, read_all, training_records

    records = training_records(merge(read_all(_feedback_dir(folder))))
    held_out = [r for r in records if int(r.id.split("-")[-1][:2], 16) % 5 == 0]
    click.echo(f"feedback: {len(records) - len(held_out)} corrections to learn from, {len(held_out)} held out",
               err=True)
    return [r for r in records if r not in held_out], held_out


def _compare_with_current(current_dir: Path, candidate_dir: Path, records: list[Any],
                          held_out: list[Any]) -> tuple[str, bool]:
    """Markdown comparing the current and the new model on the test split and the held-out feedback."""
    from analyser.classify import load_models
    from analyser.train import evaluate_models

    test = [r for r in records if r.split == "test"]
    new = load_models(candidate_dir)
    try:
        old = load_models(current_dir)
    except AnalyserError:
        return "\n### Comparison\nNo current model to compare with.\n", True
    lines = ["", "### Comparison with the model it replaces", "",
             "| data | model | topic macro-F1 | element micro-F1 | assessment accuracy | mean |",
             "|---|---|---|---|---|---|"]
    means = {}
    for name, data in (("test split", test), ("held-out feedback", held_out)):
        if not data:
            continue
        for label, models in (("current " + old.version, old), ("new " + new.version, new)):
            m = evaluate_models(models, data)["all"]
            mean = (m["topic_macro_f1"] + m["element_micro_f1"] + m["assessment_accuracy"]) / 3
            means[(name, label.split()[0])] = mean
            lines.append(f"| {name} | {label} | {m['topic_macro_f1']:.3f} | {m['element_micro_f1']:.3f} | "
                         f"{m['assessment_accuracy']:.3f} | {mean:.3f} |")
    better = means.get(("test split", "new"), 1.0) >= means.get(("test split", "current"), 0.0) - NOT_WORSE
    lines += ["", f"Installed: {'yes' if better else 'no (worse on the test split)'} (a new model must not be more "
                  f"than {NOT_WORSE} below the current one on the test-split mean).", ""]
    return "\n".join(lines), better


@cli.group()
def models() -> None:
    """Kept model versions: list them, roll back to one."""


@models.command("list")
@click.option("--models", "models_dir", type=click.Path(file_okay=False), default=None, help="Models folder.")
def models_list(models_dir: str | None) -> None:
    """List the trained model versions kept for rollback; * marks the current one.

    Example: analyser models list
    """
    from analyser.classify import MODELS_DIR
    from analyser.model_versions import list_versions

    for v in list_versions(Path(models_dir or MODELS_DIR)):
        click.echo(f"{'*' if v.current else ' '} {v.version}  trained {v.trained_at}")


@models.command("use")
@click.argument("version")
@click.option("--models", "models_dir", type=click.Path(file_okay=False), default=None, help="Models folder.")
@user_errors
def models_use(version: str, models_dir: str | None) -> None:
    """Make a kept model version the current one again.

    Example: analyser models use 41c2ed36e805-2026-11-25
    """
    from analyser.classify import MODELS_DIR
    from analyser.model_versions import use_version

    use_version(version, Path(models_dir or MODELS_DIR))
    click.echo(f"now using model {version}")


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
def feedback() -> None:
    """Reviewers' corrections of labels, kept in corpora/feedback/ for retraining."""


def _feedback_dir(folder: str | None) -> Path:
    from analyser.feedback import FEEDBACK_DIR

    return Path(folder) if folder else FEEDBACK_DIR


@feedback.command("add")
@click.option("--clause-text", required=True, help="The clause as it stands in the agreement.")
@click.option("--elements", default="", help="Comma-separated element ids ('' for a clause on other matters).")
@click.option("--assessment", type=click.Choice(["strong", "weak", "adverse", "neutral"]), required=True)
@click.option("--lang", default="", help="ru, kk or en (detected when left out).")
@click.option("--reviewer", default="", help="Who corrects.")
@click.option("--comment", default="")
@click.option("--folder", type=click.Path(file_okay=False), default=None, help="Feedback folder.")
@user_errors
def feedback_add(clause_text: str, elements: str, assessment: str, lang: str, reviewer: str, comment: str,
                 folder: str | None) -> None:
    """Record the right labels of one clause.

    Example: analyser feedback add --clause-text "..." --elements rd_no_response_duty --assessment strong
    """
    from analyser.feedback import append, make_correction
    from analyser.language import detect_language

    ids = [e.strip() for e in elements.split(",") if e.strip()]
    correction = make_correction(clause_text, lang or detect_language(clause_text, default="ru"), ids, assessment,
                                 reviewer=reviewer, comment=comment)
    append([correction], _feedback_dir(folder))
    click.echo(f"recorded: {', '.join(correction.elements) or 'other matters'} / {correction.assessment}")


@feedback.command("import")
@click.argument("source", type=click.Path(dir_okay=False, exists=True))
@click.option("--reviewer", default="", help="Who corrects (when the lines do not say).")
@click.option("--folder", type=click.Path(file_okay=False), default=None, help="Feedback folder.")
@user_errors
def feedback_import(source: str, reviewer: str, folder: str | None) -> None:
    """Record corrections given as JSON lines with "text", "elements" and "assessment".

    Example: analyser feedback import reviewed.jsonl --reviewer "A. Serikova"
    """
    import json

    from analyser.errors import InputDataError
    from analyser.feedback import append, make_correction
    from analyser.language import detect_language

    corrections = []
    for n, line in enumerate(Path(source).read_text(encoding="utf-8-sig").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            corrections.append(make_correction(
                obj["text"], obj.get("lang") or detect_language(obj["text"], default="ru"), obj.get("elements", []),
                obj["assessment"], reviewer=obj.get("reviewer", reviewer), comment=obj.get("comment", ""),
                document_sha256=obj.get("document_sha256", ""), model_version=obj.get("model_version", ""),
            ))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputDataError(f"{source}:{n}: not a correction ({type(exc).__name__}: {exc})") from None
        except InputDataError as exc:
            raise InputDataError(f"{source}:{n}: {exc}") from None
    click.echo(f"{append(corrections, _feedback_dir(folder))} corrections recorded")


@feedback.command("conflicts")
@click.option("--folder", type=click.Path(file_okay=False), default=None, help="Feedback folder.")
@user_errors
def feedback_conflicts(folder: str | None) -> None:
    """List clauses that reviewers labelled differently, for a lawyer to settle.

    Example: analyser feedback conflicts
    """
    from analyser.feedback import merge, read_all

    merged = merge(read_all(_feedback_dir(folder)))
    for group in merged.conflicts:
        click.echo(f"- {group[0].text[:100]}")
        for c in group:
            click.echo(f"    {c.reviewer or '?'} {c.at}: {', '.join(c.elements) or 'other'} / {c.assessment}")
    click.echo(f"{len(merged.agreed)} agreed, {len(merged.conflicts)} in conflict")


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
