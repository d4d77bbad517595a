"""Trained model versions kept beside the current one, for rollback (`analyser models list|use`).

models/ holds the current model; models/versions/<version>/ holds every model
that was current before (kept locally, not in git: each is ~20 MB).
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from analyser.classify import MODEL_FILE
from analyser.errors import ModelLoadError
from analyser.output import write_atomic

FILES = (MODEL_FILE, "metadata.json", "MODEL_CARD.md")
VOCABULARIES = "vocabulary-*.json"  # named by content, so a model file and its vocabulary never disagree


@dataclass(frozen=True, slots=True)
class ModelVersion:
    version: str
    trained_at: str
    current: bool


def _version_of(folder: Path) -> tuple[str, str]:
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    return str(meta.get("version", "unknown")), str(meta.get("trained_at", ""))


def archive_current(models_dir: Path) -> str:
    """Copy the current model into versions/<version>/ (once); returns its version ('' if none)."""
    if not (models_dir / "metadata.json").exists():
        return ""
    version, _ = _version_of(models_dir)
    target = models_dir / "versions" / version
    if not target.exists():
        staging = models_dir / "versions" / f".{version}.tmp"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for path in [models_dir / name for name in FILES] + sorted(models_dir.glob(VOCABULARIES)):
            if path.exists():
                shutil.copy2(path, staging / path.name)
        staging.rename(target)
    return version


def install(source: Path, models_dir: Path) -> None:
    """Make the model in `source` current: its vocabulary first (a new name, the current model keeps its own),
    the model file last, each file replaced atomically; then vocabularies no model file names are removed."""
    vocabularies = sorted(source.glob(VOCABULARIES))
    for path in [*vocabularies, source / "MODEL_CARD.md", source / "metadata.json", source / MODEL_FILE]:
        if path.exists():
            write_atomic(models_dir / path.name, path.read_bytes())
    for stale in models_dir.glob(VOCABULARIES):
        if stale.name not in {p.name for p in vocabularies}:
            stale.unlink(missing_ok=True)


def list_versions(models_dir: Path) -> list[ModelVersion]:
    current = _version_of(models_dir)[0] if (models_dir / "metadata.json").exists() else ""
    seen = {}
    for folder in sorted((models_dir / "versions").glob("*")) if (models_dir / "versions").exists() else []:
        if folder.is_dir() and not folder.name.startswith(".") and (folder / "metadata.json").exists():
            version, at = _version_of(folder)
            seen[version] = ModelVersion(version, at, version == current)
    if current and current not in seen:
        seen[current] = ModelVersion(current, _version_of(models_dir)[1], True)
    return sorted(seen.values(), key=lambda v: v.trained_at)


def use_version(version: str, models_dir: Path) -> None:
    """Roll back (or forward) to a kept version; the current one is kept first."""
    source = models_dir / "versions" / version
    if not (source / MODEL_FILE).exists():
        known = ", ".join(v.version for v in list_versions(models_dir)) or "none"
        raise ModelLoadError(source, f"there is no kept model version {version!r} (kept: {known}).")
    archive_current(models_dir)
    install(source, models_dir)
