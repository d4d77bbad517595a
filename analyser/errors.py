"""Every failure a user can cause, as one exception family with a readable message.

The CLI prints `str(error)` and exits with code 2; the app shows it with
`st.error`. Messages name the file, say what is wrong and what to do.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any


class AnalyserError(Exception):
    """Base of all errors that are the input's fault, not the program's."""

    exit_code = 2

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as type, message and attributes: the guarded reader sends errors from its child process,
        and the subclasses' `__init__` take other arguments than the message they build."""
        return _rebuild, (type(self), str(self), dict(self.__dict__))


def _rebuild(cls: type[AnalyserError], message: str, state: dict[str, Any]) -> AnalyserError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class DocumentLoadError(AnalyserError):
    """Raised when a file cannot be read as an agreement (corrupt, empty, hostile, too big)."""

    def __init__(self, path: str | Path, problem: str, advice: str = "") -> None:
        self.path = str(path)
        self.problem = problem
        name = Path(path).name or str(path)
        message = f"{name}: {problem}"
        if advice:
            message += f" {advice}"
        super().__init__(message)


class UnsupportedFormatError(DocumentLoadError):
    """Raised when the file's extension or content is not one the analyser reads."""

    def __init__(self, path: str | Path, found: str, supported: tuple[str, ...]) -> None:
        super().__init__(
            path,
            f"{found} is not a supported format.",
            "Supported: " + ", ".join(supported) + ".",
        )


class OcrUnavailableError(DocumentLoadError):
    """Raised when a scanned PDF needs OCR and Tesseract is not installed."""

    def __init__(self, path: str | Path) -> None:
        super().__init__(
            path,
            "the PDF has no text layer (a scan) and Tesseract OCR is not installed.",
            "Install it with: apt-get install tesseract-ocr tesseract-ocr-rus "
            "tesseract-ocr-kaz tesseract-ocr-eng",
        )


class ClauseLibraryError(AnalyserError):
    """Raised when the clause library cannot be loaded or fails validation."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        head = self.problems[0] if self.problems else "invalid clause library"
        more = f" (and {len(self.problems) - 1} more problems)" if len(self.problems) > 1 else ""
        super().__init__(head + more)


class ModelLoadError(AnalyserError):
    """Raised when trained models are missing, unreadable or untrusted."""

    def __init__(self, path: str | Path, problem: str) -> None:
        super().__init__(
            f"{path}: {problem} Run `analyser train` to build the models from corpora/."
        )


class InputDataError(AnalyserError):
    """Raised when a data file given to a command (JSONL, YAML) is malformed."""
