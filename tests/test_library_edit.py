"""Saving clause-library edits through analyser.library_edit: history, validation, conflicts, restore,
and a real process killed with SIGKILL in the middle of saving, over and over.

All of it runs on a copy of clause_library/ in tmp_path; the real library is never touched.
(The tampered-model test lives in tests/test_classify.py::test_tampered_model_file_is_refused.)
"""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml

from analyser.errors import ClauseLibraryError
from analyser.library import DEFAULT_LIBRARY, validate_library
from analyser.library_edit import (
    HISTORY,
    EditConflictError,
    file_version,
    history,
    read_topic,
    restore,
    save_element,
    topic_file,
)

ROOT = Path(__file__).resolve().parents[1]
TOPIC = "retraining"


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    shutil.copytree(DEFAULT_LIBRARY, root, ignore=shutil.ignore_patterns(HISTORY))
    return root


def first_element(root: Path) -> tuple[str, dict, str]:
    data, version = read_topic(root, TOPIC)
    element_id = next(iter(data["elements"]))
    return element_id, data["elements"][element_id], version


def edited(element: dict, text: str) -> dict:
    new = yaml.safe_load(yaml.safe_dump(element))  # a deep copy
    new["rationale"]["en"] = text
    return new


def test_valid_save_keeps_the_previous_version_in_history_and_writes_the_new_text(library):
    path = topic_file(library, TOPIC)
    old_bytes = path.read_bytes()
    element_id, element, version = first_element(library)
    new_version = save_element(element_id, edited(element, "Training is paid by the employer."), TOPIC, version,
                               root=library, author="Lawyer A")
    assert new_version == file_version(path) != version
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["elements"][element_id]["rationale"]["en"] == \
        "Training is paid by the employer."
    versions = history(TOPIC, library)
    assert len(versions) == 1 and versions[0].path.read_bytes() == old_bytes
    assert versions[0].path.name.endswith(".LawyerA.yaml")
    assert validate_library(library) == []


def test_author_names_cannot_steer_where_the_history_is_written(library):
    element_id, element, version = first_element(library)
    save_element(element_id, edited(element, "x"), TOPIC, version, root=library, author="../../etc/passwd\0")
    kept = [p for p in library.parent.rglob("*") if p.is_file() and "etcpasswd" in p.name]
    assert len(kept) == 1 and kept[0].parent == library / HISTORY


@pytest.mark.parametrize("breakage", ["missing name", "name not a mapping", "unknown field"])
def test_invalid_save_changes_nothing(library, breakage):
    path = topic_file(library, TOPIC)
    old_bytes = path.read_bytes()
    element_id, element, version = first_element(library)
    bad = edited(element, "x")
    if breakage == "missing name":
        del bad["name"]
    elif breakage == "name not a mapping":
        bad["name"] = "just a string"
    else:
        bad["surprise"] = 1
    with pytest.raises(ClauseLibraryError) as caught:
        save_element(element_id, bad, TOPIC, version, root=library)
    assert element_id in str(caught.value) or element_id in " ".join(caught.value.problems)
    assert all("library-check-" not in p for p in caught.value.problems)  # names the real file, not the temp copy
    assert path.read_bytes() == old_bytes and file_version(path) == version
    assert not (library / HISTORY).exists()
    assert sorted(p.name for p in library.iterdir()) == sorted(p.name for p in DEFAULT_LIBRARY.iterdir()
                                                               if p.name != HISTORY)


def test_two_editors_on_one_topic_conflict_instead_of_overwriting(library):
    path = topic_file(library, TOPIC)
    element_id, element, version = first_element(library)
    save_element(element_id, edited(element, "First lawyer's text."), TOPIC, version, root=library)
    with pytest.raises(EditConflictError, match="changed by someone else"):
        save_element(element_id, edited(element, "Second lawyer's text."), TOPIC, version, root=library)
    assert "First lawyer's text." in path.read_text(encoding="utf-8")
    # a change made outside the app (an editor, git pull) is a conflict too
    _, _, current = first_element(library)
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited by hand\n", encoding="utf-8")
    with pytest.raises(EditConflictError):
        save_element(element_id, edited(element, "Third."), TOPIC, current, root=library)


def test_restore_brings_back_an_earlier_version_and_keeps_the_current_one(library):
    path = topic_file(library, TOPIC)
    original = path.read_bytes()
    element_id, element, version = first_element(library)
    v1 = save_element(element_id, edited(element, "Edit one."), TOPIC, version, root=library)
    time.sleep(0.01)
    v2 = save_element(element_id, edited(element, "Edit two."), TOPIC, v1, root=library)
    versions = history(TOPIC, library)
    assert len(versions) == 2 and versions[-1].path.read_bytes() == original  # newest first
    with pytest.raises(EditConflictError):
        restore(versions[-1], v1, root=library)  # stale: the file is at v2 now
    restored = restore(versions[-1], v2, root=library)
    assert path.read_bytes() == original and restored == version
    after = history(TOPIC, library)
    assert len(after) == 3 and "Edit two." in after[0].path.read_text(encoding="utf-8")
    assert validate_library(library) == []


# ---------------------------------------------------------------------------------------- kill -9 mid-save

SAVER = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    import yaml
    from analyser import library_edit as le

    if os.environ.get("SLOW_FSYNC"):
        # widen the window between writing the temporary file and renaming it, so that the
        # kill lands inside write_atomic more often (the logic under test is unchanged)
        real_fsync = os.fsync
        def slow_fsync(fd):
            time.sleep(0.15)
            real_fsync(fd)
        os.fsync = slow_fsync
    if os.environ.get("KILL_IN_WRITE"):
        # say when the temporary file of the topic is written and wait there for the kill
        import stat
        real_fsync = os.fsync
        def waiting_fsync(fd):
            if stat.S_ISREG(os.fstat(fd).st_mode) and ".retraining.yaml." in os.readlink(f"/proc/self/fd/{fd}"):
                print("in-write", flush=True)
                time.sleep(60)
            real_fsync(fd)
        os.fsync = waiting_fsync

    root = Path(sys.argv[1])
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        data, version = le.read_topic(root, "retraining")
        element_id = next(iter(data["elements"]))
        element = data["elements"][element_id]
        element["rationale"]["en"] = " ".join([f"EDIT-{sys.argv[2]}-{n}"] * 20000)  # ~0.25 MB of text
        le.save_element(element_id, element, "retraining", version, root=root, author="crash")
        print(n, flush=True)
""")


def complete_edit(text: str) -> bool:
    """Whether a rationale is one whole edit written by SAVER (every word the same marker, all 20000)."""
    words = text.split(" ")
    return len(words) == 20000 and len(set(words)) == 1 and words[0].startswith("EDIT-")


def test_kill_minus_nine_during_saves_never_leaves_a_broken_library(library, tmp_path, record_property):
    rng = random.Random(20261125)
    path = topic_file(library, TOPIC)
    original_rationale = yaml.safe_load(path.read_text(encoding="utf-8"))["elements"][
        first_element(library)[0]]["rationale"]["en"]
    library_files = sorted(p.name for p in library.iterdir())
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = dict(os.environ, PYTHONPATH=str(ROOT), TMPDIR=str(temp), PYTHONDONTWRITEBYTECODE="1")
    saves_completed = kills_inside_write = 0
    seen_leftovers: set[Path] = set()
    for round_no in range(15):
        env.pop("SLOW_FSYNC", None)
        if round_no % 2:
            env["SLOW_FSYNC"] = "1"
        child = subprocess.Popen([sys.executable, "-c", SAVER, str(library), str(round_no)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        try:
            assert child.stdout is not None and child.stdout.readline().strip() == "ready"
            time.sleep(rng.uniform(0.05, 2.0))
            os.kill(child.pid, signal.SIGKILL)
            out, err = child.communicate(timeout=30)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        assert child.returncode == -signal.SIGKILL, err[-2000:]
        saves_completed += len(out.split())
        leftovers = {p for p in library.rglob(".*.tmp")}
        kills_inside_write += bool(leftovers - seen_leftovers)  # this kill landed inside write_atomic
        seen_leftovers |= leftovers
        # every save first deletes what killed saves left, so at most the last kill's file is there
        assert len(leftovers) <= 1, f"round {round_no}: leftovers accumulate: {sorted(leftovers)}"
        assert list(temp.iterdir()) == [], "a save wrote to the temporary folder"  # validated in memory

        data = yaml.safe_load(path.read_text(encoding="utf-8"))  # never a half-written file
        rationale = next(iter(data["elements"].values()))["rationale"]["en"]
        assert rationale == original_rationale or complete_edit(rationale), f"round {round_no}: torn edit"
        assert validate_library(library) == [], f"round {round_no}"
        for kept in sorted(library.glob(f"{HISTORY}/*.yaml")):
            assert isinstance(yaml.safe_load(kept.read_text(encoding="utf-8")), dict), kept
        # leftovers of a killed save may exist, but only as dot-files that no loader reads as a topic
        assert sorted(p.name for p in library.iterdir() if not p.name.startswith(".")) == library_files
    assert saves_completed > 0, "no save ever completed: the kill window is too short to test anything"
    # one more kill, certainly inside write_atomic; then the next save removes what it left
    child = subprocess.Popen([sys.executable, "-c", SAVER, str(library), "last"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=dict(env, KILL_IN_WRITE="1"))
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        assert child.stdout.readline().strip() == "in-write"
    finally:
        child.kill()
        child.communicate(timeout=30)
    assert len(list(library.glob(".retraining.yaml.*.tmp"))) == 1
    element_id, element, version = first_element(library)
    save_element(element_id, edited(element, "After the crashes."), TOPIC, version, root=library)
    assert list(library.rglob(".*.tmp")) == []
    record_property("saves_completed", saves_completed)
    record_property("kills_inside_write_atomic", kills_inside_write)
