"""Writing results to a path so that a failure never leaves a half-written file.

A write goes to a temporary dot-file in the target's folder, is fsynced, renamed over the target, and the
folder is fsynced too, so that after a crash or a power loss the target is the old or the new file, whole.
The temporary file is locked (flock) from its creation until after the rename: a process killed in
between leaves it unlocked, which is how `remove_stale_temporaries` tells a leftover from a write in
progress in another process.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

try:
    import fcntl
except ImportError:  # not a POSIX system: no locks, and no clean-up of leftovers
    fcntl = None  # type: ignore[assignment]

TEMP_SUFFIX = ".tmp"


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write bytes to `path` through a locked temporary file in the same folder and a rename."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _locked_temporary(target)
    try:
        with os.fdopen(fd, "wb") as handle:  # closing it releases the lock: only after the rename
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_folder(target.parent)


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete the temporary dot-files that killed writes left in `folder` (those nobody holds locked)."""
    if fcntl is None or not folder.is_dir():
        return []
    removed = []
    for tmp in folder.glob(f".*{TEMP_SUFFIX}"):
        try:
            fd = os.open(tmp, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:  # gone meanwhile (renamed by its writer), or a link: not ours to delete
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.path.samestat(os.fstat(fd), os.stat(tmp, follow_symlinks=False)):
                tmp.unlink()
                removed.append(tmp)
        except OSError:  # locked: a write in progress; or renamed by its writer after we opened it
            pass
        finally:
            os.close(fd)
    return removed


def _locked_temporary(target: Path) -> tuple[int, str]:
    """A new temporary file beside `target`, open and locked."""
    while True:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
        if fcntl is None:
            return fd, tmp
        fcntl.flock(fd, fcntl.LOCK_EX)
        if os.fstat(fd).st_nlink:  # not removed as a leftover between its creation and the lock
            return fd, tmp
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (where folders can be opened and synced)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # a file system that cannot sync folders
        pass
    finally:
        os.close(fd)
