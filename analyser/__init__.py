"""Collective-agreement clause analyser: which digital-workplace protections an agreement covers."""
from analyser.errors import AnalyserError, DocumentLoadError
from analyser.ingest import ReadSettings, read_document
from analyser.model import Clause, Document
from analyser.segment import SegmentSettings, segment

__all__ = [
    "AnalyserError", "Clause", "Document", "DocumentLoadError", "ReadSettings", "SegmentSettings",
    "read_document", "segment",
]
