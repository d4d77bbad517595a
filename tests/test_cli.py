"""The command line as a user runs it: real files, real exit codes, no tracebacks."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

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


ROOT = Path(__file__).resolve().parents[1]
SAMPLE = str(ROOT / "corpora" / "agreements" / "ru_school_astana.docx")


def test_analyse_json_and_docx(tmp_path):
    result = run("analyse", SAMPLE)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["gaps"] and data["clauses"]
    out = tmp_path / "a.docx"
    assert run("analyse", SAMPLE, "--format", "docx", "-o", str(out)).exit_code == 0 and out.stat().st_size > 0
    bad = CliRunner().invoke(cli, ["analyse", SAMPLE, "--format", "docx"])
    assert bad.exit_code == 2 and "needs an output file" in bad.stderr


def test_classify_jsonl_keeps_fields_and_adds_labels():
    lines = [json.dumps({"id": 7, "text": "Работодатель не допускает видеонаблюдения в раздевалках.", "src": "x"},
                        ensure_ascii=False),
             json.dumps({"text": "Annual leave is 28 days."})]
    result = CliRunner().invoke(cli, ["classify", "-"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert rows[0]["id"] == 7 and rows[0]["src"] == "x" and rows[0]["lang"] == "ru"
    assert {"topics", "elements", "assessment", "scores"} <= set(rows[0])
    assert rows[1]["lang"] == "en"


def test_classify_bad_line_names_the_line_and_skip_bad_goes_on(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "Работодатель обязуется оплачивать обучение."}\n{oops\n{"no_text": 1}\n',
                      encoding="utf-8")
    strict = CliRunner().invoke(cli, ["classify", str(source)])
    assert strict.exit_code == 2 and "in.jsonl:2: not valid JSON" in strict.stderr
    lenient = CliRunner().invoke(cli, ["classify", str(source), "--skip-bad"])
    assert lenient.exit_code == 0
    assert len(lenient.stdout.splitlines()) == 1
    assert "in.jsonl:3" in lenient.stderr


def test_classify_refuses_half_a_character_in_any_field(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "Работодатель обязуется оплачивать обучение."}\n{"text": "x\\ud800"}\n'
                      '{"text": "Обучение за счёт работодателя.", "id": "\\udfff"}\n', encoding="utf-8")
    strict = CliRunner().invoke(cli, ["classify", str(source)])
    assert strict.exit_code == 2 and "in.jsonl:2: an escape such as \\ud800" in strict.stderr
    lenient = CliRunner().invoke(cli, ["classify", str(source), "--skip-bad"])
    assert lenient.exit_code == 0 and len(lenient.stdout.splitlines()) == 1
    assert "in.jsonl:3" in lenient.stderr


def test_classify_output_has_one_line_per_clause_whatever_the_text_holds(tmp_path):
    texts = ["Работодатель обязуется оплачивать обучение.\u2028Обучение проводится в рабочее время.",
             "Camera footage\x85 shall not be used for appraisal.", "Третий\u2029пункт."]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts), encoding="utf-8")
    result = CliRunner().invoke(cli, ["classify", str(source)])
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in rows] == texts


def test_missing_models_explain_how_to_train(tmp_path, numbered_docx):
    result = CliRunner().invoke(cli, ["analyse", str(numbered_docx), "--models", str(tmp_path)])
    assert result.exit_code == 2 and "analyser train" in result.stderr and "Traceback" not in result.stderr


def test_library_validate_ok_and_broken(tmp_path):
    import shutil

    ok = CliRunner().invoke(cli, ["library", "validate"])
    assert ok.exit_code == 0 and "valid" in ok.stdout
    broken = tmp_path / "lib"
    shutil.copytree(ROOT / "clause_library", broken)
    path = broken / "retraining.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("rt_digital_skills:", "rt_digital_skillz:"),
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["library", "validate", str(broken)])
    assert result.exit_code == 1
    assert "retraining.yaml:" in result.stderr and "unknown element id 'rt_digital_skillz'" in result.stderr
    assert "'rt_digital_skills' of taxonomy.yaml is missing" in result.stderr


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        subcommands = getattr(command, "commands", {})
        for sub in subcommands or [""]:
            assert f"analyser {name} {sub}".strip() in readme, f"README does not mention `analyser {name} {sub}`"
