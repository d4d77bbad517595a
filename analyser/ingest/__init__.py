"""Reading agreements: any supported file to a `Document` of ordered blocks.

`read_document` is the one entry point. It checks what every file from a
stranger must pass (size, content matching the extension, zip structure)
before a format reader sees a byte, then dispatches on the suffix.
"""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from analyser.errors import DocumentLoadError, UnsupportedFormatError
from analyser.ingest.docx_reader import read_docx
from analyser.ingest.office_convert import convert_to_docx
from analyser.ingest.pdf_reader import read_pdf
from analyser.ingest.settings import ReadSettings
from analyser.ingest.text_reader import read_html, read_text
from analyser.model import Document

__all__ = ["SUPPORTED_SUFFIXES", "ReadSettings", "read_bytes", "read_document"]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_OOXML = "EncryptionInfo".encode("utf-16-le")
MACRO_ENABLED = re.compile(rb"macroEnabled", re.IGNORECASE)  # in the content type of a .docm/.dotm main part


def _docx(path: Path, data: bytes, sha: str, settings: ReadSettings) -> Document:
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_OOXML in data:
            raise DocumentLoadError(path, "the Word file is protected with a password.",
                                    "Remove the password in Word (File > Info) and save it again.")
        return _converted(path, data, sha, settings)  # an old .doc with a .docx name
    check_docx_zip(path, data, settings)
    return read_docx(path, data, sha)


def _pdf(path: Path, data: bytes, sha: str, settings: ReadSettings) -> Document:
    if b"%PDF-" not in data[:1024]:
        raise DocumentLoadError(path, f"the file is named .pdf but is not a PDF ({_what(data)}).",
                                "Check that you picked the right file.")
    return read_pdf(path, data, sha, settings)


def _text(path: Path, data: bytes, sha: str, settings: ReadSettings) -> Document:
    if data.startswith((b"%PDF-", b"PK\x03\x04", OLE_MAGIC)):
        raise DocumentLoadError(path, f"the file is named {path.suffix} but is {_what(data)}.",
                                "Give it its proper extension.")
    return read_text(path, data, sha)


def _html(path: Path, data: bytes, sha: str, settings: ReadSettings) -> Document:
    return read_html(path, data, sha)


def _converted(path: Path, data: bytes, sha: str, settings: ReadSettings) -> Document:
    converted = convert_to_docx(path, data, settings.convert_timeout_s)
    check_docx_zip(path, converted, settings)
    document = read_docx(path, converted, sha)
    return Document(
        path=document.path, format=path.suffix.lower().lstrip("."), sha256=sha, blocks=document.blocks,
        pages=document.pages, bilingual=document.bilingual,
        warnings=(*document.warnings, "converted to .docx with LibreOffice"),
    )


Reader = Callable[[Path, bytes, str, ReadSettings], Document]
READERS: dict[str, Reader] = {
    ".docx": _docx,
    ".pdf": _pdf,
    ".txt": _text,
    ".md": _text,
    ".html": _html,
    ".htm": _html,
    ".doc": _converted,
    ".rtf": _converted,
    ".odt": _converted,
}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(READERS)


def _what(data: bytes) -> str:
    """A plain name for what some bytes really are, for error messages."""
    if data.startswith(b"%PDF-"):
        return "a PDF"
    if data.startswith(b"PK\x03\x04"):
        return "a zip archive (perhaps a .docx)"
    if data.startswith(OLE_MAGIC):
        return "an old Office file (.doc/.xls)"
    if data.startswith((b"MZ", b"\x7fELF")):
        return "a program"
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "an image"
    return "something else"


def _inflate_within_limit(path: Path, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo],
                          settings: ReadSettings) -> None:
    """Decompress every part in chunks, counting real bytes: a zip may lie about its sizes."""
    total = 0
    for info in infos:
        try:
            with archive.open(info) as handle:
                while chunk := handle.read(1 << 20):
                    total += len(chunk)
                    if total > settings.max_unzipped_bytes:
                        raise DocumentLoadError(
                            path, f"the .docx expands to more than {settings.max_unzipped_bytes // (1024 * 1024)} "
                                  "MB when unpacked (a zip bomb?).",
                        )
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError, OSError):
            raise DocumentLoadError(path, "the Word file is damaged (a part cannot be unpacked).",
                                    "Open it in Word and save it again as .docx.") from None


def check_docx_zip(path: Path, data: bytes, settings: ReadSettings) -> None:
    """Refuse .docx packages that are broken, hostile or not Word documents."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DocumentLoadError(path, "the Word file is damaged (not a valid .docx package).",
                                "Open it in Word and save it again as .docx.") from None
    names = {i.filename for i in infos}
    if any(n.startswith(("/", "\\")) or ".." in n.replace("\\", "/").split("/") for n in names):
        raise DocumentLoadError(path, "the .docx package contains unsafe file paths and was refused.")
    total = sum(i.file_size for i in infos)
    if total > settings.max_unzipped_bytes or any(
        i.file_size > 10 * 1024 * 1024 and i.file_size > settings.max_zip_ratio * max(1, i.compress_size)
        for i in infos
    ):
        raise DocumentLoadError(
            path, f"the .docx expands to {total // (1024 * 1024)} MB when unpacked, "
                  f"over the limit of {settings.max_unzipped_bytes // (1024 * 1024)} MB (a zip bomb?).",
        )
    _inflate_within_limit(path, archive, infos, settings)
    if "word/document.xml" not in names:
        raise DocumentLoadError(path, "the file is a zip archive but not a Word document.",
                                "Upload a .docx saved by Word or LibreOffice.")
    if "word/vbaProject.bin" in names or _declares_macros(archive, names):
        raise DocumentLoadError(path, "the file contains macros (a .docm renamed to .docx) and was refused.",
                                "Save it in Word as a plain .docx document.")


def _declares_macros(archive: zipfile.ZipFile, names: set[str]) -> bool:
    """Whether the package types a part as macro-enabled (a .docm or .dotm main part), whatever its
    macro part is called. Read as bytes, not parsed: the part was already inflated within the limits."""
    if "[Content_Types].xml" not in names:
        return False
    return MACRO_ENABLED.search(archive.read("[Content_Types].xml")) is not None


def read_bytes(name: str, data: bytes, settings: ReadSettings = ReadSettings()) -> Document:
    """Read an agreement given as bytes (an upload); `name` supplies the extension."""
    path = Path(name)
    suffix = path.suffix.lower()
    if suffix not in READERS:
        found = f"'{suffix}'" if suffix else "a file without an extension"
        raise UnsupportedFormatError(path, found, SUPPORTED_SUFFIXES)
    if not data.strip():
        raise DocumentLoadError(path, "the file is empty.")
    if len(data) > settings.max_bytes:
        raise DocumentLoadError(
            path, f"the file is {len(data) // (1024 * 1024)} MB, over the limit of "
                  f"{settings.max_bytes // (1024 * 1024)} MB.",
        )
    sha = hashlib.sha256(data).hexdigest()
    return READERS[suffix](path, data, sha, settings)


def read_document(path: str | Path, settings: ReadSettings = ReadSettings()) -> Document:
    """Read an agreement file (.docx, .pdf, .txt, .md, .html; .doc/.rtf/.odt via LibreOffice)."""
    path = Path(path)
    if path.suffix.lower() not in READERS:
        found = f"'{path.suffix}'" if path.suffix else "a file without an extension"
        raise UnsupportedFormatError(path, found, SUPPORTED_SUFFIXES)
    if not path.is_file():
        raise DocumentLoadError(path, "no such file.", "Check the path.")
    size = path.stat().st_size
    if size > settings.max_bytes:
        raise DocumentLoadError(
            path, f"the file is {size // (1024 * 1024)} MB, over the limit of "
                  f"{settings.max_bytes // (1024 * 1024)} MB.",
        )
    document = read_bytes(path.name, path.read_bytes(), settings)
    return Document(
        path=str(path), format=document.format, sha256=document.sha256, blocks=document.blocks,
        pages=document.pages, ocr=document.ocr, bilingual=document.bilingual, warnings=document.warnings,
    )
