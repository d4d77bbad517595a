"""Atomic writes: the order of syncs and renames, and the clean-up of what killed writes leave."""
from __future__ import annotations

import fcntl
import os
import stat
from pathlib import Path

from analyser import output
from analyser.output import remove_stale_temporaries, write_atomic


def test_write_atomic_syncs_the_file_renames_it_then_syncs_the_folder(tmp_path, monkeypatch):
    """Without the folder's fsync a power loss after the rename can bring the old file back."""
    target = tmp_path / "topic.yaml"
    target.write_bytes(b"old")
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        info = os.fstat(fd)
        events.append(("fsync", "folder" if stat.S_ISDIR(info.st_mode) and
                       os.path.samestat(info, os.stat(tmp_path)) else "file"))
        real_fsync(fd)

    def replace(src: str, dst: str) -> None:
        events.append(("replace", Path(dst).name))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_atomic(target, b"new")
    assert events == [("fsync", "file"), ("replace", "topic.yaml"), ("fsync", "folder")]
    assert target.read_bytes() == b"new" and sorted(p.name for p in tmp_path.iterdir()) == ["topic.yaml"]


def test_leftovers_of_killed_writes_go_and_a_write_in_progress_stays(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "topic.yaml").write_text("topic")
    killed = folder / ".topic.yaml.k1ll3d.tmp"  # a writer killed -9: its lock went with it
    killed.write_text("half")
    in_progress = folder / ".topic.yaml.busy00.tmp"
    in_progress.write_text("being written")
    link = folder / ".sneaky.tmp"
    link.symlink_to(outside)
    held = os.open(in_progress, os.O_RDONLY)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)  # as write_atomic holds it until after its rename
        assert remove_stale_temporaries(folder) == [killed]
        assert sorted(p.name for p in folder.iterdir()) == [".sneaky.tmp", ".topic.yaml.busy00.tmp", "topic.yaml"]
    finally:
        os.close(held)
    assert outside.read_text() == "keep me"
    assert remove_stale_temporaries(folder) == [in_progress]  # its writer is gone now


def test_a_temporary_removed_before_its_writer_locked_it_is_replaced(tmp_path, monkeypatch):
    """A cleaner may take a file in the instant between mkstemp and flock; the writer then takes another."""
    real_mkstemp = output.tempfile.mkstemp
    made: list[str] = []

    def mkstemp_then_cleaner(**kwargs: object) -> tuple[int, str]:
        fd, name = real_mkstemp(**kwargs)  # type: ignore[call-overload]
        made.append(name)
        if len(made) == 1:
            remove_stale_temporaries(tmp_path)  # runs in that instant, finds the file unlocked
        return fd, name

    monkeypatch.setattr(output.tempfile, "mkstemp", mkstemp_then_cleaner)
    write_atomic(tmp_path / "topic.yaml", b"new")
    assert len(made) == 2 and not Path(made[0]).exists()
    assert (tmp_path / "topic.yaml").read_bytes() == b"new"
