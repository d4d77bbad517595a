"""Older office formats (.doc, .rtf, .odt) read by converting them to .docx with LibreOffice."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from analyser.errors import DocumentLoadError


def convert_to_docx(path: Path, data: bytes, timeout_s: int) -> bytes:
    """The .docx bytes LibreOffice makes of the file; a clear error when it cannot."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise DocumentLoadError(
            path, f"{path.suffix or 'this'} files can only be read with LibreOffice, which is not installed.",
            "Save the file as .docx in Word, or install libreoffice-writer.",
        )
    with tempfile.TemporaryDirectory(prefix="analyser-convert-") as tmp:
        source = Path(tmp) / ("input" + path.suffix.lower())
        source.write_bytes(data)
        try:
            subprocess.run(
                [soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/profile",
                 "--convert-to", "docx", "--outdir", tmp, str(source)],
                capture_output=True, timeout=timeout_s, check=False,
            )
        except subprocess.TimeoutExpired:
            raise DocumentLoadError(path, f"converting the file took longer than {timeout_s} s.",
                                    "Save it as .docx and try again.") from None
        result = Path(tmp) / "input.docx"
        if not result.exists():
            raise DocumentLoadError(path, "LibreOffice could not convert the file (it may be damaged).",
                                    "Open it and save it again as .docx.")
        return result.read_bytes()
