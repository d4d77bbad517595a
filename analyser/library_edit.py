"""Saving edits to the clause library without ever losing one.

Every save: (1) checks that the file is still the version the editor started
from (two lawyers editing the same topic never overwrite each other
silently), (2) validates the whole library with the change applied, in
memory, (3) keeps the previous file in clause_library/.history/, (4)
replaces the file atomically (write-temp-then-rename, fsync of the file and
the folder), so a crash leaves the old or the new file, never a broken one.
A save first deletes the temporary files that earlier, killed saves left.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from analyser.errors import ClauseLibraryError
from analyser.library import DEFAULT_LIBRARY, validate_library
from analyser.output import remove_stale_temporaries, write_atomic

HISTORY = ".history"


class EditConflictError(ClauseLibraryError):
    """Raised when the file changed on disk since the editor loaded it."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path.name} was changed by someone else since you opened it; "
                         "reload to see their version, then apply your edit again.")


@dataclass(frozen=True, slots=True)
class Version:
    """A saved earlier state of a library file."""

    path: Path
    topic: str
    saved_at: str


def file_version(path: Path) -> str:
    """A short hash of a file's bytes: what an editor started from."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.exists() else ""


def topic_file(root: Path, topic: str) -> Path:
    return root / f"{topic}.yaml"


def read_topic(root: Path, topic: str) -> tuple[dict[str, Any], str]:
    """A topic file's data and its version."""
    path = topic_file(root, topic)
    return yaml.safe_load(path.read_text(encoding="utf-8")), file_version(path)


def dump_topic(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110, default_flow_style=False)


def save_element(element_id: str, element: dict[str, Any], topic: str, expected_version: str,
                 root: Path = DEFAULT_LIBRARY, author: str = "") -> str:
    """Replace (or add) one element of a topic; returns the new file version.

    Raises EditConflictError if the file changed since `expected_version`,
    ClauseLibraryError listing every problem if the result would be invalid.
    """
    path = topic_file(root, topic)
    if file_version(path) != expected_version:
        raise EditConflictError(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.setdefault("elements", {})[element_id] = element
    return _replace(path, dump_topic(data), root, author)


def _replace(path: Path, text: str, root: Path, author: str) -> str:
    problems = validate_library(root, replacing={path.name: text})
    if problems:
        raise ClauseLibraryError(problems)
    for folder in (root, root / HISTORY):
        remove_stale_temporaries(folder)
    _keep_history(path, root, author)
    write_atomic(path, text.encode("utf-8"))
    return file_version(path)


def _keep_history(path: Path, root: Path, author: str) -> None:
    if not path.exists():
        return
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    who = "".join(ch for ch in author if ch.isalnum())[:20]
    target = root / HISTORY / f"{path.stem}.{stamp}{'.' + who if who else ''}.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, path.read_bytes())


def history(topic: str, root: Path = DEFAULT_LIBRARY) -> list[Version]:
    """Earlier versions of a topic file, newest first."""
    folder = root / HISTORY
    versions = [Version(path=p, topic=topic, saved_at=p.name.split(".")[1]) for p in folder.glob(f"{topic}.*.yaml")]
    return sorted(versions, key=lambda v: v.saved_at, reverse=True)


def restore(version: Version, expected_version: str, root: Path = DEFAULT_LIBRARY, author: str = "") -> str:
    """Make an earlier version current again (the current one goes to history first)."""
    path = topic_file(root, version.topic)
    if file_version(path) != expected_version:
        raise EditConflictError(path)
    return _replace(path, version.path.read_text(encoding="utf-8"), root, author)
