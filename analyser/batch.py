"""Scoring many agreements: parallel on one machine or on a Dask cluster, resumable, into SQLite.

Each file is scored once per (sha256, model version, library version): a
rerun skips what is done, so an interrupted run resumes. A file that fails
or takes too long becomes an error row and the run goes on. Results are
written by this process only, one transaction per document.
"""
from __future__ import annotations

import glob
import hashlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyser.batch_store import done_keys, open_store, write_result
from analyser.ingest import SUPPORTED_SUFFIXES

_RESOURCES: Any = None  # per worker process, loaded once


@dataclass(frozen=True, slots=True)
class BatchSettings:
    workers: int = max(1, os.cpu_count() or 1)
    limit_mb: int = 50
    timeout_s: int = 300
    scheduler: str = ""  # tcp://host:port of a Dask scheduler; empty: local processes
    memory_mb: int = 4096  # address-space cap of each local worker: a decompression bomb fails, not the machine


@dataclass(frozen=True, slots=True)
class BatchSummary:
    scored: int
    failed: int
    skipped: int
    seconds: float


def collect_files(paths: Iterable[str]) -> list[Path]:
    """Files to score: folders walked recursively, globs expanded, only supported formats, sorted."""
    found: set[Path] = set()
    for item in paths:
        matches = glob.glob(item, recursive=True) if any(ch in item for ch in "*?[") else [item]
        for match in matches:
            path = Path(match)
            if path.is_dir():
                found.update(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
            elif path.is_file():
                found.add(path)
    return sorted(found)


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _resources() -> Any:
    global _RESOURCES
    if _RESOURCES is None:
        from analyser.pipeline import load_resources

        _RESOURCES = load_resources()
    return _RESOURCES


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout


def score_one(path: str, sha256: str, limit_mb: int = 50, timeout_s: int = 300) -> dict[str, Any]:
    """Score one file in this process; never raises: failures come back as an error result."""
    from analyser.errors import AnalyserError
    from analyser.ingest import ReadSettings
    from analyser.pipeline import analyse

    resources = _resources()
    started = time.perf_counter()
    doc: dict[str, Any] = {"sha256": sha256, "path": path, "name": Path(path).name,
                           "format": Path(path).suffix.lower().lstrip("."),
                           "model_version": resources.models.version, "library_version": resources.library.version}
    # The alarm works in a process's main thread (local workers); Dask runs tasks in threads, where the
    # scheduler's own limits apply instead.
    use_alarm = hasattr(signal, "SIGALRM") and timeout_s > 0 and threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGALRM, _alarm) if use_alarm else None
    if use_alarm:
        signal.alarm(timeout_s)
    try:
        report = analyse(path, resources, ReadSettings(max_bytes=limit_mb * 1024 * 1024), evidence=False)
    except AnalyserError as exc:
        return {"document": doc | {"error": str(exc), "seconds": time.perf_counter() - started}}
    except _Timeout:
        return {"document": doc | {"error": f"{Path(path).name}: took longer than {timeout_s} s and was stopped.",
                                   "seconds": time.perf_counter() - started}}
    except Exception as exc:  # a bug or a hostile file: recorded, the run goes on
        return {"document": doc | {"error": f"{Path(path).name}: could not be analysed ({type(exc).__name__}).",
                                   "seconds": time.perf_counter() - started}}
    finally:
        if use_alarm:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
    seg = report.segmentation
    doc |= {"format": seg.document.format, "language": report.language, "pages": seg.document.pages,
            "clauses": len(report.labelled), "score": report.score["overall"],
            "seconds": round(time.perf_counter() - started, 3)}
    numbers = {c.clause.id: c.clause.number or c.clause.id for c in report.labelled}
    return {
        "document": doc,
        "elements": [{"element": g.element, "topic": g.topic, "status": g.status,
                      "clauses": ";".join(numbers.get(c, c) for c in g.clauses)} for g in report.gaps],
        "clauses": [{"id": c.clause.id, "number": c.clause.number, "section": " > ".join(c.clause.section),
                     "page": c.clause.page, "lang": c.clause.lang, "topics": ";".join(c.topics),
                     "elements": ";".join(c.elements), "assessment": c.assessment, "text": c.clause.text}
                    for c in report.labelled],
    }


def _worker_init(memory_mb: int = 0) -> None:
    """Workers die with the process that started them (Linux), so a killed run leaves no orphans, and
    may not take more than `memory_mb` of address space: a hostile file costs one error row."""
    from analyser.process_limits import cap_address_space, die_with_parent, no_core_files

    parent = os.getppid()
    if memory_mb:
        cap_address_space(memory_mb * 1024 * 1024)
        no_core_files()
    die_with_parent(parent)


def _submit(pool: ProcessPoolExecutor, in_flight: dict[Future[dict[str, Any]], tuple[str, str]],
            job: tuple[str, str] | None, settings: BatchSettings) -> None:
    if job is not None:
        in_flight[pool.submit(score_one, job[0], job[1], settings.limit_mb, settings.timeout_s)] = job


def _local(jobs: list[tuple[str, str]], settings: BatchSettings) -> Iterator[dict[str, Any]]:
    """Results from a pool of worker processes.

    A worker that dies (killed, out of memory) breaks the pool, and every file in flight at that moment is
    a suspect: the suspects are scored one at a time in a worker of their own, so that a death there is
    the file's own and becomes its error row; the innocent ones are scored. (Counting the deaths of files
    that shared a pool went wrong both ways: a good file that flew with a bomb twice became an error, and
    the file whose result raised was never counted, so a bomb was retried for ever.)
    """
    pending = list(jobs)
    while pending:
        in_flight: dict[Future[dict[str, Any]], tuple[str, str]] = {}
        try:
            with ProcessPoolExecutor(max_workers=settings.workers, initializer=_worker_init,
                                     initargs=(settings.memory_mb,)) as pool:
                queue = iter(list(pending))
                for _ in range(settings.workers * 2):
                    _submit(pool, in_flight, next(queue, None), settings)
                while in_flight:
                    done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                    for future in done:
                        result = future.result()
                        job = in_flight.pop(future)
                        pending.remove(job)
                        yield result
                        _submit(pool, in_flight, next(queue, None), settings)
        except BrokenProcessPool:
            print("a worker process died; the files it may have had are retried one at a time", file=sys.stderr)
            suspects = list(in_flight.values())
            for job in suspects:
                pending.remove(job)
            yield from _one_at_a_time(suspects, settings)


def _one_at_a_time(jobs: list[tuple[str, str]], settings: BatchSettings) -> Iterator[dict[str, Any]]:
    """Results of `jobs` scored one after the other in a single worker: a death is the running file's."""
    queue = list(jobs)
    while queue:
        try:
            with ProcessPoolExecutor(max_workers=1, initializer=_worker_init, initargs=(settings.memory_mb,)) as pool:
                while queue:
                    path, sha = queue[0]
                    result = pool.submit(score_one, path, sha, settings.limit_mb, settings.timeout_s).result()
                    queue.pop(0)
                    yield result
        except BrokenProcessPool:
            job = queue.pop(0)
            yield _error_result(job, f"{Path(job[0]).name}: the worker analysing it died twice.")


def _error_result(job: tuple[str, str], message: str) -> dict[str, Any]:
    """An error row for a file whose worker never returned a result."""
    path, sha = job
    return {"document": {"sha256": sha, "path": path, "name": Path(path).name,
                         "model_version": _model_version_cached(), "library_version": _library_version_cached(),
                         "error": message}}


def _dask(jobs: list[tuple[str, str]], settings: BatchSettings) -> Iterator[dict[str, Any]]:
    from distributed import Client, as_completed

    with Client(settings.scheduler) as client:
        futures = [client.submit(score_one, path, sha, settings.limit_mb, settings.timeout_s, pure=False)
                   for path, sha in jobs]
        jobs_by_key = {future.key: job for future, job in zip(futures, jobs)}
        for future in as_completed(futures):
            try:
                yield future.result()
            except Exception as exc:  # a worker killed by the file (KilledWorker) or lost: an error row
                job = jobs_by_key[future.key]
                yield _error_result(job, f"{Path(job[0]).name}: the cluster could not analyse it "
                                         f"({type(exc).__name__}).")


def score(paths: Iterable[str], db_path: str | Path, settings: BatchSettings = BatchSettings(),
          progress: Callable[[int, int], None] | None = None) -> BatchSummary:
    """Score every supported file under `paths` into the SQLite database at `db_path`."""
    from analyser.classify import MODELS_DIR
    from analyser.library import load_library

    started = time.perf_counter()
    files = collect_files(paths)
    meta_version = _model_version(MODELS_DIR)
    library_version = load_library().version
    _VERSIONS.update(model=meta_version, library=library_version)
    with open_store(db_path) as db:
        done = done_keys(db, meta_version, library_version)
        jobs: list[tuple[str, str]] = []
        seen: set[str] = set()
        for path in files:
            sha = file_hash(path)
            if sha in done or sha in seen:
                continue
            seen.add(sha)
            jobs.append((str(path), sha))
        skipped = len(files) - len(jobs)
        scored = failed = 0
        runner = _dask if settings.scheduler else _local
        for result in runner(jobs, settings):
            write_result(db, result)
            if result["document"].get("error"):
                failed += 1
            else:
                scored += 1
            if progress:
                progress(scored + failed, len(jobs))
    return BatchSummary(scored=scored, failed=failed, skipped=skipped, seconds=time.perf_counter() - started)


def _model_version(models_dir: Path) -> str:
    import json

    return str(json.loads((models_dir / "metadata.json").read_text(encoding="utf-8")).get("version", "unknown"))


_VERSIONS: dict[str, str] = {}


def _model_version_cached() -> str:
    return _VERSIONS.get("model", "unknown")


def _library_version_cached() -> str:
    return _VERSIONS.get("library", "unknown")


def score_frame(paths: Iterable[str], db_path: str | Path, settings: BatchSettings = BatchSettings()) -> Any:
    """For notebooks: score, then return one row per document and element as a pandas DataFrame."""
    from analyser.batch_store import read_tables

    score(paths, db_path, settings)
    tables = read_tables(db_path)
    documents = tables["documents"].rename(columns={"clauses": "clause_count"})
    return tables["elements"].merge(documents, left_on="document_id", right_on="id")
