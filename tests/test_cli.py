"""The command line as a user runs it: real files, real exit codes, no tracebacks."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from analyser.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_segment_json(numbered_docx):
    result = run("segment", str(numbered_docx))
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["document"]["clause_count"] == len(data["clauses"]) == 6
    assert data["document"]["language"] == "ru"
    assert data["clauses"][0]["number"] == "1.1."
    assert set(data["clauses"][0]) >= {"id", "number", "section", "text", "lang", "page"}


def test_segment_csv_and_text_to_file(kazakh_pdf, tmp_path):
    out = tmp_path / "clauses.csv"
    assert run("segment", str(kazakh_pdf), "--format", "csv", "-o", str(out)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["number"] for r in rows][:2] == ["1.1.", "1.2."] and rows[0]["lang"] == "kk"
    text = run("segment", str(kazakh_pdf), "--format", "text").stdout
    assert "## 2-бап. Цифрлық мониторинг" in text


@pytest.mark.parametrize("content,name,message", [
    (b"", "empty.docx", "the file is empty"),
    (b"MZ" + b"\x00" * 100, "virus.pdf", "is not a PDF"),
    (b"PK\x03\x04garbage", "broken.docx", "damaged"),
    (b"text", "notes.xyz", "not a supported format"),
])
def test_bad_input_one_sentence_exit_2_nothing_written(tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)
    out = tmp_path / "out.json"
    result = CliRunner().invoke(cli, ["segment", str(path), "-o", str(out)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_python_dash_m_and_real_process_exit_code(tmp_path):
    path = tmp_path / "missing.pdf"
    proc = subprocess.run([sys.executable, "-m", "analyser", "segment", str(path)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "error: missing.pdf: no such file. Check the path."
