"""Reading a file from a stranger in a child process that may take only so much memory and time.

pdfium inflates a PDF's compressed streams without any limit: a 2 MB file can ask for 3 GB. The CLI and
the app therefore read every agreement in a child process with an address-space cap
(`ReadSettings.memory_mb` on top of what the child starts with) and a wall-clock limit
(`ReadSettings.timeout_s`). The child dies with its parent, sends its progress (pages read, pages OCRed)
back to the caller's progress callback, and an `AnalyserError` it raises arrives as the same error.
`read_document` and `read_bytes` stay in-process: batch workers, capped by batch.py, and benchmarks
call them directly.

How the child is started: forked from this process when it runs a single Python thread (the CLI), else
from multiprocessing's fork server, which has the readers loaded and warmed up (`analyser.ingest.warm`):
forking a multi-threaded process such as Streamlit's can deadlock the child. Importing this module makes
multiprocessing leave the main module out of the reader child's start-up (see `_leave_main_out`).
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from multiprocessing import spawn
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from analyser.errors import DocumentLoadError
from analyser.ingest import read_bytes, read_document
from analyser.ingest.settings import ReadSettings, no_progress
from analyser.model import Document

__all__ = ["read_bytes_guarded", "read_document_guarded", "start_method"]

MEMORY_SIGNALS = (signal.SIGABRT, signal.SIGKILL)  # pdfium aborts when an allocation fails; the kernel kills
STOP_GRACE_S = 3.0  # after SIGTERM, how long the child may take to delete its temporary files
EXIT_WAIT_S = 1.0  # after its last message, how long the child may take to exit by itself
WARM = "analyser.ingest.warm"
CHILD_NAME = "analyser-read"


class _Stopped(BaseException):
    """Raised in the child by SIGTERM, so that its `finally` blocks (temporary OCR images) still run."""


def _leave_main_out(get_preparation_data: Callable[[str], dict[str, Any]]) -> Callable[[str], dict[str, Any]]:
    """multiprocessing runs the parent's main module again in a fork-server child, in case the child needs
    something defined there. Streamlit installs the page (app.py) as `__main__`, where no
    `if __name__ == "__main__"` guard is possible, so every reader would run the whole page again: seconds,
    models loaded anew. The reader needs nothing from `__main__`, so its preparation data names none."""

    def without_main(name: str) -> dict[str, Any]:
        data = get_preparation_data(name)
        if name == CHILD_NAME:
            data.pop("init_main_from_name", None)
            data.pop("init_main_from_path", None)
        return data

    without_main.__wrapped__ = get_preparation_data  # type: ignore[attr-defined]
    return without_main


if not hasattr(spawn.get_preparation_data, "__wrapped__"):
    spawn.get_preparation_data = _leave_main_out(spawn.get_preparation_data)  # type: ignore[assignment]


def read_document_guarded(path: str | Path, settings: ReadSettings = ReadSettings()) -> Document:
    """`read_document(path, settings)` in a child process capped at `settings.memory_mb` and
    `settings.timeout_s`."""
    return _guarded(Path(path), "document", (str(path),), settings)


def read_bytes_guarded(name: str, data: bytes, settings: ReadSettings = ReadSettings()) -> Document:
    """`read_bytes(name, data, settings)` (an upload) in a child process capped like `read_document_guarded`."""
    return _guarded(Path(name), "bytes", (name, data), settings)


def start_method() -> str:
    """'fork' while this process runs one Python thread (safe, and fastest); the fork server otherwise."""
    return "fork" if threading.active_count() == 1 else "forkserver"


def _guarded(path: Path, kind: str, args: tuple[Any, ...], settings: ReadSettings) -> Document:
    method = start_method()
    context: Any = multiprocessing.get_context(method)  # typeshed's BaseContext lacks .Process
    if method == "forkserver":
        context.set_forkserver_preload([WARM])  # takes effect when the server starts (once per process)
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, kind, args, replace(settings, progress=no_progress)),
                            name=CHILD_NAME, daemon=True)
    child.start()
    sender.close()
    try:
        return _follow(child, receiver, path, settings)
    finally:
        receiver.close()
        _stop(child)


def _follow(child: BaseProcess, receiver: Connection, path: Path, settings: ReadSettings) -> Document:
    """Relay the child's progress until it sends the document or an error, dies, or runs out of time."""
    deadline = time.monotonic() + settings.timeout_s if settings.timeout_s > 0 else float("inf")
    while (left := deadline - time.monotonic()) > 0:
        ready = wait([receiver, child.sentinel], timeout=None if left == float("inf") else left)
        if receiver in ready:
            try:
                message = receiver.recv()
            except EOFError:  # the child ended without a word
                break
            if message[0] == "progress":
                settings.progress(*message[1:])
                continue
            child.join(EXIT_WAIT_S)  # the last message: the child is on its way out
            if message[0] == "document":
                return message[1]  # type: ignore[no-any-return]
            raise message[1] if message[0] == "error" else _memory_error(path, settings)
        elif ready and not receiver.poll():
            break
    else:
        raise DocumentLoadError(path, f"reading the file took longer than {settings.timeout_s:g} s and was stopped.",
                                "A long scan can be split into parts and read one by one.")
    child.join(STOP_GRACE_S)
    code = child.exitcode
    if code is not None and -code in MEMORY_SIGNALS:
        raise _memory_error(path, settings)
    reason = f"signal {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit code {code}"
    raise DocumentLoadError(path, f"the reader stopped on the file ({reason}); the file may be damaged or hostile.",
                            "Export it again from the program that made it.")


def _memory_error(path: Path, settings: ReadSettings) -> DocumentLoadError:
    return DocumentLoadError(path, f"reading the file needed more than {settings.memory_mb} MB of memory and was "
                                   "stopped; the file may be a compression bomb.",
                             "If it is a genuine agreement, export it again from the program that made it.")


def _stop(child: BaseProcess) -> None:
    """End the child and what it started (Tesseract): SIGTERM to its process group so temporary files are
    deleted, SIGKILL if that takes too long."""
    if child.exitcode is not None or child.pid is None:
        child.join()
        return
    for signum, grace in ((signal.SIGTERM, STOP_GRACE_S), (signal.SIGKILL, None)):
        try:
            os.killpg(child.pid, signum)  # the child leads its own group (see _child)
        except ProcessLookupError:  # it has not made its own group yet: the child alone
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.pid, signum)
        child.join(grace)
        if child.exitcode is not None:
            return


def _child(sender: Connection, kind: str, args: tuple[Any, ...], settings: ReadSettings) -> None:
    """In the child: limit itself, read, send progress and then the document or the error."""
    try:
        _limit_self(settings.memory_mb)

        def progress(stage: str, done: int, total: int) -> None:
            try:
                sender.send(("progress", stage, done, total))
            except OSError:  # the parent is gone: nobody wants the rest
                raise _Stopped from None

        message = _read(kind, args, replace(settings, progress=progress))
        try:
            sender.send(message)
        except OSError:  # the parent is gone
            return
        except Exception as error:  # an exception that does not pickle
            with contextlib.suppress(OSError):
                sender.send(("error", RuntimeError(f"{type(message[1]).__name__}: {message[1]} ({error})")))
    except _Stopped:  # stopped, or the parent is gone; the `finally` blocks on the way here have run
        pass


def _limit_self(memory_mb: int) -> None:
    from analyser.process_limits import address_space, cap_address_space, die_with_parent, no_core_files

    os.setpgid(0, 0)  # one group with its Tesseract processes, so that stopping it stops them too
    signal.signal(signal.SIGTERM, _raise_stopped)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it stops the child
    die_with_parent(os.getppid(), signal.SIGTERM)
    threading.Thread(target=_watch_parent, name="watch-parent", daemon=True).start()
    if memory_mb > 0:
        cap_address_space(address_space() + memory_mb * 1024 * 1024)
        no_core_files()


def _watch_parent() -> None:
    """When the process that asked for the read ends, stop: SIGTERM (as the kernel also sends), so that
    temporary files are deleted, then SIGKILL to the whole group if pdfium keeps the child busy in C code
    (it releases the GIL, so this thread runs meanwhile) or Tesseract does not end."""
    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return
    wait([parent.sentinel])
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(STOP_GRACE_S)
    os.killpg(0, signal.SIGKILL)


def _read(kind: str, args: tuple[Any, ...], settings: ReadSettings) -> tuple[Any, ...]:
    """The message for the parent: the document, or what went wrong (an AnalyserError, or a bug, which the
    caller then sees as it would in-process)."""
    try:
        document = read_document(args[0], settings) if kind == "document" else read_bytes(args[0], args[1], settings)
    except MemoryError:  # Python's own allocations hit the cap (pdfium's abort the process instead)
        return ("memory",)
    except Exception as error:
        return ("error", error)
    return ("document", document)


def _raise_stopped(signum: int, frame: Any) -> None:
    raise _Stopped
