"""The one place where the stages are composed: file -> Report.

`load_resources()` loads what every analysis needs (models, library,
taxonomy) once; the CLI calls it once per run, the app caches it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analyser.classify import MODELS_DIR, Models, label_clauses, load_models
from analyser.gaps import find_gaps, score
from analyser.ingest import ReadSettings, read_bytes, read_document
from analyser.ingest.settings import Progress, no_progress
from analyser.library import DEFAULT_LIBRARY, ClauseLibrary, load_library
from analyser.matching import LibraryMatcher
from analyser.model import Document, Report
from analyser.segment import SegmentSettings, segment
from analyser.taxonomy import Taxonomy, load_taxonomy


@dataclass
class Resources:
    """Models, clause library and taxonomy: loaded once, shared by many analyses."""

    models: Models
    library: ClauseLibrary
    taxonomy: Taxonomy
    matcher: LibraryMatcher


def load_resources(models_dir: str | Path = MODELS_DIR, library_dir: str | Path = DEFAULT_LIBRARY) -> Resources:
    library = load_library(library_dir)
    return Resources(models=load_models(models_dir), library=library, taxonomy=load_taxonomy(),
                     matcher=LibraryMatcher(library))


def analyse_document(document: Document, resources: Resources, evidence: bool = True,
                     segment_settings: SegmentSettings = SegmentSettings(),
                     progress: Progress = no_progress) -> Report:
    """A read document -> clauses -> labels -> gaps -> Report (stages reported to `progress`)."""
    progress("segmenting", 0, 1)
    segmentation = segment(document, segment_settings)
    progress("classifying", 0, len(segmentation.clauses))
    labelled = label_clauses(list(segmentation.clauses), resources.models,
                             resources.matcher if evidence else None, evidence=evidence)
    language = segmentation.language or "ru"
    # Gap texts come in the agreement's language, or in Russian for a language the library does not have.
    gap_language = language if language in ("ru", "kk", "en") else "ru"
    gaps = find_gaps(labelled, resources.library, resources.taxonomy, gap_language)
    warnings = document.warnings + segmentation.warnings
    unsupported = sorted({c.lang for c in segmentation.clauses if not c.lang_supported and c.lang})
    if unsupported:
        warnings += (f"clauses in unsupported languages ({', '.join(unsupported)}) were not classified",)
    return Report(segmentation=segmentation, labelled=labelled, gaps=gaps, score=score(gaps), language=language,
                  model_version=resources.models.version, library_version=resources.library.version,
                  warnings=warnings)


def analyse(path: str | Path, resources: Resources, settings: ReadSettings = ReadSettings(),
            evidence: bool = True) -> Report:
    """Analyse one agreement file."""
    return analyse_document(read_document(path, settings), resources, evidence)


def analyse_bytes(name: str, data: bytes, resources: Resources, settings: ReadSettings = ReadSettings()) -> Report:
    """Analyse an uploaded agreement (bytes and its file name)."""
    return analyse_document(read_bytes(name, data, settings), resources)
