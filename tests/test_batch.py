"""Batch scoring over real files: error rows, duplicates, resume after a kill, 1/2 workers and Dask agree."""
from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from analyser.batch import BatchSettings, collect_files, score
from analyser.batch_store import read_tables
from analyser.cli import cli

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpora" / "agreements"


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("corpus")
    (base / "2024" / "schools").mkdir(parents=True)
    (base / "2025" / "plants").mkdir(parents=True)
    shutil.copy(SAMPLES / "ru_school_astana.docx", base / "2024" / "schools")
    shutil.copy(SAMPLES / "kk_school_shymkent.pdf", base / "2024" / "schools")
    shutil.copy(SAMPLES / "ru_plant_karaganda.docx", base / "2025" / "plants")
    shutil.copy(SAMPLES / "ru_school_astana.docx", base / "2025" / "plants" / "copy_of_astana.docx")  # duplicate
    (base / "2025" / "plants" / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    (base / "2025" / "plants" / "empty.docx").write_bytes(b"")
    (base / "2025" / "notes.xyz").write_text("not an agreement")
    return base


def statuses(db: Path) -> pd.DataFrame:
    t = read_tables(db)
    merged = t["elements"].merge(t["documents"][["id", "sha256"]], left_on="document_id", right_on="id")
    return merged[["sha256", "element", "status", "clauses"]].sort_values(["sha256", "element"]).reset_index(
        drop=True)


def reference_run(folder: Path, tmp_path: Path) -> Path:
    """An uninterrupted one-worker run to compare interrupted runs with."""
    reference = tmp_path / "reference.sqlite"
    score([str(folder)], reference, BatchSettings(workers=1))
    return reference


def start_score(folder: Path, db: Path, workers: int) -> subprocess.Popen[bytes]:
    """`analyser score` as a real process, to be killed by the test."""
    return subprocess.Popen([sys.executable, "-m", "analyser", "score", str(folder), "--db", str(db), "--workers",
                             str(workers)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_collect_files_walks_folders_and_globs(folder):
    names = sorted(p.name for p in collect_files([str(folder)]))
    assert names == ["broken.pdf", "copy_of_astana.docx", "empty.docx", "kk_school_shymkent.pdf",
                     "ru_plant_karaganda.docx", "ru_school_astana.docx"]
    pdfs = sorted(p.name for p in collect_files([str(folder / "**" / "*.pdf")]))
    assert pdfs == ["broken.pdf", "kk_school_shymkent.pdf"]


@pytest.mark.slow
def test_cli_run_with_good_bad_and_duplicate_files(folder, tmp_path):
    db = tmp_path / "results.sqlite"
    result = CliRunner().invoke(cli, ["score", str(folder), "--db", str(db), "--workers", "2"])
    assert result.exit_code == 1, result.output  # some files failed
    assert "3 scored, 2 failed, 1 already done or duplicates" in result.stdout
    docs = read_tables(db)["documents"].set_index("name")
    assert "damaged or truncated" in docs.loc["broken.pdf", "error"]
    assert "the file is empty" in docs.loc["empty.docx", "error"]
    assert docs.loc["ru_school_astana.docx", "clauses"] > 40 and pd.isna(docs.loc["ru_school_astana.docx", "error"])
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM elements").fetchone()[0] == 3 * 49
    again = CliRunner().invoke(cli, ["score", str(folder), "--db", str(db), "--workers", "2"])
    assert "0 scored, 0 failed, 6 already done" in again.stdout and again.exit_code == 0

    out = tmp_path / "export"
    assert CliRunner().invoke(cli, ["export", "--db", str(db), "--format", "parquet", "-o", str(out)]).exit_code == 0
    assert len(pd.read_parquet(out / "elements.parquet")) == 3 * 49
    assert CliRunner().invoke(cli, ["export", "--db", str(db), "--format", "csv", "-o", str(out)]).exit_code == 0
    assert set(pd.read_csv(out / "documents.csv")["name"]) >= {"broken.pdf", "ru_plant_karaganda.docx"}
    page = tmp_path / "report.html"
    assert CliRunner().invoke(cli, ["report", "--db", str(db), "-o", str(page)]).exit_code == 0
    text = page.read_text(encoding="utf-8")
    assert "dm_private_spaces" in text and "by year" in text and "2024" in text and "broken.pdf" in text


def _scored(db) -> int:
    """Documents the run has stored so far; 0 while the file or its tables are still being created
    (the run creates the file before its schema, and a poll can fall in between)."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(db) as con:
            return con.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


@pytest.mark.slow
def test_resume_after_kill_gives_the_same_results(folder, tmp_path):
    reference, db = reference_run(folder, tmp_path), tmp_path / "killed.sqlite"
    proc = start_score(folder, db, workers=1)
    deadline = time.time() + 240
    while time.time() < deadline:
        if _scored(db) >= 1:
            break
        time.sleep(0.2)
    import psutil

    workers = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    _, alive = psutil.wait_procs(workers, timeout=20)
    assert not alive, "worker processes outlived the killed run"
    with sqlite3.connect(db) as con:
        partial = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        orphans = con.execute("SELECT count(*) FROM elements WHERE document_id NOT IN (SELECT id FROM documents)")
        assert orphans.fetchone()[0] == 0
    assert 1 <= partial < 5
    score([str(folder)], db, BatchSettings(workers=1))
    pd.testing.assert_frame_equal(statuses(db), statuses(reference))


@pytest.mark.slow
def test_two_workers_and_a_dask_cluster_agree_with_one_worker(folder, tmp_path):
    from distributed import LocalCluster

    one, two, dask = tmp_path / "one.sqlite", tmp_path / "two.sqlite", tmp_path / "dask.sqlite"
    score([str(folder)], one, BatchSettings(workers=1))
    score([str(folder)], two, BatchSettings(workers=2))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        score([str(folder)], dask, BatchSettings(scheduler=cluster.scheduler_address))
    pd.testing.assert_frame_equal(statuses(two), statuses(one))
    pd.testing.assert_frame_equal(statuses(dask), statuses(one))


@pytest.mark.slow
def test_a_worker_killed_mid_run_loses_nothing(folder, tmp_path):
    import psutil

    reference, db = reference_run(folder, tmp_path), tmp_path / "killed-worker.sqlite"
    proc = start_score(folder, db, workers=2)
    parent = psutil.Process(proc.pid)
    deadline = time.time() + 120
    killed = False
    while time.time() < deadline and not killed:
        workers = [c for c in parent.children(recursive=True) if "python" in c.name().lower()]
        if workers:
            time.sleep(1.5)  # let it get into a document
            workers[0].kill()
            killed = True
        time.sleep(0.1)
    assert killed
    proc.wait(timeout=300)
    pd.testing.assert_frame_equal(statuses(db), statuses(reference))


@pytest.mark.slow
def test_a_file_that_kills_its_worker_is_one_error_row_and_the_others_are_scored(tmp_path):
    """A FlateDecode bomb that inflates past the workers' 4096 MB cap: pdfium aborts the worker, and with it
    the pool. Earlier the run retried it for ever (its own death was never counted), and a good file that
    flew with it twice became an error; now the files in flight are retried one by one."""
    from tests.fixtures import hostile

    corpus, db = tmp_path / "corpus", tmp_path / "results.sqlite"
    corpus.mkdir()
    (corpus / "bomb.pdf").write_bytes(hostile.deflate_bomb_pdf(5000))
    shutil.copy(SAMPLES / "kk_school_shymkent.pdf", corpus)
    run = subprocess.run([sys.executable, "-m", "analyser", "score", str(corpus), "--db", str(db), "--workers", "2"],
                         cwd=ROOT, capture_output=True, text=True, timeout=180)  # the old loop never ended
    assert run.returncode == 1 and "1 scored, 1 failed" in run.stdout, run.stderr[-2000:]
    errors = read_tables(db)["documents"].set_index("name")["error"]
    assert errors["bomb.pdf"] == "bomb.pdf: the worker analysing it died twice."
    assert pd.isna(errors["kk_school_shymkent.pdf"])
