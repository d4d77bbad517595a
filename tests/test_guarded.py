"""The guarded read of the CLI and the app: a child process capped in memory and time.

Compression bombs and long scans are built by tests/fixtures/hostile.py. Tests that need a fresh
process (its temporary folder, its threads, its death) run small scripts in one; the others run here,
with a second thread so that the child comes from the fork server, as in the Streamlit app.
"""
from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from analyser.errors import (
    AnalyserError,
    ClauseLibraryError,
    DocumentLoadError,
    InputDataError,
    ModelLoadError,
    OcrUnavailableError,
    UnsupportedFormatError,
)
from analyser.ingest import ReadSettings, read_document
from analyser.ingest.guarded import STOP_GRACE_S, read_bytes_guarded, read_document_guarded, start_method
from analyser.library_edit import EditConflictError
from tests.fixtures import hostile

ROOT = Path(__file__).resolve().parents[1]
BOMB_MB = 2048  # inflates to this; read without a cap it peaks at ~3.1 GB
MEMORY_SENTENCE = "needed more than {mb} MB of memory and was stopped; the file may be a compression bomb."


@pytest.fixture(scope="module")
def bomb_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "bomb.pdf"
    path.write_bytes(hostile.deflate_bomb_pdf(BOMB_MB))
    assert path.stat().st_size < 3 * 1024 * 1024
    return path


@pytest.fixture(scope="module")
def long_scan_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """200 image-only pages: minutes of OCR in a file of a few hundred KB."""
    path = tmp_path_factory.mktemp("scan") / "scan200.pdf"
    path.write_bytes(hostile.many_scanned_pages_pdf(200))
    return path


@pytest.fixture
def other_thread() -> Iterator[None]:
    """A second running thread, as in Streamlit: the child must then come from the fork server."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        assert start_method() == "forkserver"
        yield
    finally:
        stop.set()
        thread.join()


def test_a_single_threaded_process_forks_its_reader():
    out = subprocess.run([sys.executable, "-c", "from analyser.ingest.guarded import start_method; "
                          "print(start_method())"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "fork", out.stderr


@pytest.mark.parametrize("error", [
    DocumentLoadError("folder/a.pdf", "the PDF is damaged.", "Export it again."),
    UnsupportedFormatError("a.xyz", "'.xyz'", (".docx", ".pdf")),
    OcrUnavailableError("scan.pdf"),
    ClauseLibraryError(["leave.yaml:3: missing", "leave.yaml:9: bad"]),
    ModelLoadError("models/", "the model file is damaged."),
    InputDataError("in.jsonl:4: not valid JSON"),
    EditConflictError(Path("leave.yaml")),
], ids=lambda e: type(e).__name__)
def test_every_analyser_error_crosses_a_process_boundary_as_itself(error):
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error) and str(again) == str(error) and vars(again) == vars(error)


def test_a_read_and_its_refusals_arrive_as_they_would_in_process(other_thread, kazakh_pdf, tmp_path):
    assert read_document_guarded(kazakh_pdf) == read_document(kazakh_pdf)
    cases = {"empty.docx": b"", "virus.pdf": b"MZ" + b"\0" * 100, "broken.docx": b"PK\x03\x04garbage",
             "notes.xyz": b"text"}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    for path in [*(tmp_path / name for name in cases), tmp_path / "missing.pdf"]:
        with pytest.raises(AnalyserError) as in_process:
            read_document(path)
        with pytest.raises(AnalyserError) as guarded:
            read_document_guarded(path)
        assert type(guarded.value) is type(in_process.value) and str(guarded.value) == str(in_process.value)


def test_a_compression_bomb_is_stopped_by_the_memory_cap(other_thread, bomb_pdf):
    started = time.monotonic()
    with pytest.raises(DocumentLoadError) as caught:
        read_bytes_guarded("bomb.pdf", bomb_pdf.read_bytes(), ReadSettings(memory_mb=512))
    assert str(caught.value).startswith("bomb.pdf: reading the file " + MEMORY_SENTENCE.format(mb=512))
    assert time.monotonic() - started < 10


def test_progress_reaches_the_callers_callback(other_thread):
    seen: list[tuple[str, int, int]] = []
    document = read_bytes_guarded("scan.pdf", hostile.many_scanned_pages_pdf(2),
                                  ReadSettings(ocr_dpi=150, progress=lambda *args: seen.append(args)))
    assert document.ocr and "38.1 Remote work" in " ".join(b.text for b in document.blocks)
    assert [s for s in seen if s[0] == "reading"] == [("reading", 1, 2), ("reading", 2, 2)]
    assert [s for s in seen if s[0] == "ocr"] == [("ocr", 1, 2), ("ocr", 2, 2)]


STREAMLIT_LIKE = textwrap.dedent("""
    import sys, threading, types
    from analyser.ingest.guarded import read_document_guarded, start_method

    # What Streamlit's script runner does: the page becomes __main__ (a plain module with a __file__, and
    # no `if __name__ == "__main__"` guard possible), in a thread of a multi-threaded server.
    page = types.ModuleType("__main__")
    page.__file__ = sys.argv[1]
    sys.modules["__main__"] = page

    def session():
        print(start_method(), len(read_document_guarded(sys.argv[2]).blocks), flush=True)

    thread = threading.Thread(target=session)
    thread.start()
    thread.join()
""")


def test_the_reader_does_not_run_a_streamlit_page_again(tmp_path, kazakh_pdf):
    """multiprocessing re-runs `__main__` in a fork-server child; under Streamlit that is the page, which
    then ran again, models and all, for every upload (6 s instead of 0.05 s)."""
    page = tmp_path / "page.py"
    ran = tmp_path / "page-ran"
    page.write_text(f"open({str(ran)!r}, 'w').close()\n")
    out = subprocess.run([sys.executable, "-c", STREAMLIT_LIKE, str(page), str(kazakh_pdf)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["forkserver", str(len(read_document(kazakh_pdf).blocks))], out.stderr[-2000:]
    assert not ran.exists(), "the page ran again in the reader's process"


def run_measured(args: list[str], log: Path, timeout_s: float = 60) -> tuple[int, str, float, int]:
    """Run a command; its exit code, stderr, seconds, and the peak RSS in MB of it and its children."""
    started = time.monotonic()
    with open(log, "w+", encoding="utf-8") as err:
        proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout_s:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        return proc.returncode, err.read(), time.monotonic() - started, usage.ru_maxrss // 1024


@pytest.mark.parametrize("case", ["bomb", "long-scan"])
def test_cli_stops_a_hostile_file_with_one_sentence_quickly_and_writes_nothing(case, bomb_pdf, long_scan_pdf,
                                                                              tmp_path, record_property):
    source, extra, sentence = {
        "bomb": (bomb_pdf, [], MEMORY_SENTENCE.format(mb=2048)),  # the default cap
        "long-scan": (long_scan_pdf, ["--timeout", "2"], "took longer than 2 s and was stopped."),
    }[case]
    out = tmp_path / "clauses.json"
    code, stderr, seconds, peak_mb = run_measured(
        [sys.executable, "-m", "analyser", "segment", str(source), "-o", str(out), *extra], tmp_path / "stderr")
    record_property("seconds", round(seconds, 2))
    record_property("peak_rss_mb", peak_mb)
    assert code == 2, stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1] == f"error: {source.name}: reading the file {sentence}" + (
        " If it is a genuine agreement, export it again from the program that made it." if case == "bomb"
        else " A long scan can be split into parts and read one by one.")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stderr"]  # no output, no temporary dot-file
    assert seconds < 2 + STOP_GRACE_S + 10
    assert peak_mb < 2048 + 512, f"peak {peak_mb} MB"  # unguarded: 3118 MB


SCRIPT = textwrap.dedent("""
    import json, sys, threading, time
    from analyser.errors import AnalyserError
    from analyser.ingest import ReadSettings
    from analyser.ingest.guarded import read_document_guarded, start_method

    def progress(stage, done, total):
        if stage == "ocr":
            print(f"ocr {done}/{total}", flush=True)

    if __name__ == "__main__":
        path, threads, timeout = sys.argv[1], sys.argv[2] == "threads", float(sys.argv[3])
        if threads:
            threading.Thread(target=threading.Event().wait, daemon=True).start()
        print(start_method(), flush=True)
        started = time.monotonic()
        try:
            read_document_guarded(path, ReadSettings(timeout_s=timeout, progress=progress))
            print(json.dumps({"read": True}), flush=True)
        except AnalyserError as error:
            print(json.dumps({"error": str(error), "seconds": time.monotonic() - started}), flush=True)
""")
METHODS = {"fork": "single", "forkserver": "threads"}


def start_script(long_scan_pdf: Path, method: str, timeout_s: float, temp: Path) -> subprocess.Popen[str]:
    temp.mkdir()
    child = subprocess.Popen([sys.executable, "-c", SCRIPT, str(long_scan_pdf), METHODS[method], str(timeout_s)],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=dict(os.environ, TMPDIR=str(temp)))
    assert child.stdout is not None and child.stdout.readline().strip() == method
    return child


def processes() -> dict[int, tuple[int, str, str]]:
    """Every live process: pid -> (parent pid, state, command line)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if stat[0] != "Z":  # a zombie has ended; only its parent has not asked how
            found[int(entry.name)] = (int(stat[1]), stat[0], cmdline)
    return found


def descendants(pid: int) -> set[int]:
    table = processes()
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for child, (ppid, _, _) in table.items():
            if ppid == parent and child not in found:
                found.add(child)
                todo.append(child)
    return found


@pytest.mark.parametrize("method", list(METHODS))
def test_time_limit_stops_the_reader_and_its_tesseract_processes_and_cleans_up(method, long_scan_pdf, tmp_path):
    temp = tmp_path / "tmp"
    child = start_script(long_scan_pdf, method, 3, temp)
    out, err = child.communicate(timeout=60)
    result = json.loads(out.strip().splitlines()[-1])
    assert result["error"] == ("scan200.pdf: reading the file took longer than 3 s and was stopped. "
                               "A long scan can be split into parts and read one by one."), err
    assert result["seconds"] < 3 + STOP_GRACE_S + 1
    assert any(line.startswith("ocr ") for line in out.splitlines()), "OCR had started (~1 s a page)"
    assert list(temp.iterdir()) == [], "the page images of the stopped OCR were not deleted"
    assert [c for _, _, c in processes().values() if str(temp) in c] == [], "a Tesseract process lives on"


@pytest.mark.parametrize("method", list(METHODS))
def test_the_reader_dies_with_the_process_that_started_it_and_deletes_its_page_images(method, long_scan_pdf,
                                                                                     tmp_path):
    temp = tmp_path / "tmp"
    child = start_script(long_scan_pdf, method, 0, temp)
    watchdog = threading.Timer(60, child.kill)  # the script has no time limit of its own
    watchdog.start()
    try:
        assert child.stdout is not None and child.stdout.readline().startswith("ocr ")
        family = descendants(child.pid)
        assert family, "the reader runs in a child process"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
        deadline = time.monotonic() + 15  # Tesseract, orphaned, ends with the page it is on
        while (alive := family & set(processes())) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not alive, [processes()[p][2] for p in alive]
        # (multiprocessing's own pymp-* folder of the fork server's socket stays after a kill -9)
        assert list(temp.glob("analyser-ocr-*")) == []
    finally:
        watchdog.cancel()
        if child.poll() is None:
            child.kill()
        child.communicate()
