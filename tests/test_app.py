"""The Streamlit app driven by streamlit.testing.v1.AppTest: every page's main flow, in three languages."""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import docx
import pytest
import yaml
from streamlit.testing.v1 import AppTest

from tests.fixtures import hostile

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
SAMPLES = ROOT / "corpora" / "agreements"


def start(monkeypatch, tmp_path=None) -> AppTest:
    if tmp_path is not None:
        library = tmp_path / "library"
        shutil.copytree(ROOT / "clause_library", library)
        monkeypatch.setenv("ANALYSER_LIBRARY", str(library))
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    assert not at.exception
    return at


def gap_table(at: AppTest) -> list[tuple[str, str]]:
    """(element id, status shown) of every row of the gap table on the page."""
    import re

    page = next((m.value for m in at.markdown if "id='gap-table'" in m.value), "")
    assert page, "gap table missing"
    return re.findall(r"<tr data-element='(\w+)'>.*?data-status='\w+'[^>]*>([^<]+)</td>", page)


def pick_sample(at: AppTest, name: str) -> AppTest:
    at.selectbox(key="main_sample").select(name).run()
    assert not at.exception
    return at


@pytest.mark.slow
def test_sample_docx_gives_gap_table_and_every_download(monkeypatch):
    import streamlit

    offered: dict[str, bytes] = {}
    original = streamlit.download_button

    def recording_download_button(label, data, *args, **kwargs):  # what the page offers, byte for byte
        offered[label] = data
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", recording_download_button)
    at = pick_sample(start(monkeypatch), "ru_school_astana.docx")
    assert "Анализ договора" in [t.value for t in at.title]
    table = gap_table(at)
    assert len(table) == 49
    assert {status for _, status in table} <= {"закреплено", "слабо", "противоречие", "отсутствует"}
    buttons = {b.proto.label: b for b in at.get("download_button")}
    assert {"Договор с комментариями (.docx)", "Результат в JSON", "Таблица пунктов (CSV)", "Отчёт (HTML)",
            "Скачать предложения к переговорам (.docx)"} <= set(buttons) <= set(offered)
    import csv
    import json

    annotated = docx.Document(io.BytesIO(offered["Договор с комментариями (.docx)"]))
    assert len(list(annotated.comments)) > 5 and annotated.tables[-1].rows[0].cells[1].text == "Статус"
    data = json.loads(offered["Результат в JSON"])
    assert len(data["gaps"]) == 49 and data["document"]["language"] == "ru"
    rows = list(csv.DictReader(io.StringIO(offered["Таблица пунктов (CSV)"].decode("utf-8-sig"))))
    assert len(rows) == data["document"]["clause_count"]
    assert b"<table" in offered["Отчёт (HTML)"]
    proposals = docx.Document(io.BytesIO(offered["Скачать предложения к переговорам (.docx)"]))
    assert proposals.paragraphs[0].text == "Предложения к переговорам по коллективному договору"


@pytest.mark.slow
def test_upload_pdf_and_bad_file(monkeypatch):
    at = start(monkeypatch)
    at.get("file_uploader")[0].upload("kk_school_shymkent.pdf", (SAMPLES / "kk_school_shymkent.pdf").read_bytes(),
                                      "application/pdf").run()
    assert not at.exception
    assert len(gap_table(at)) == 49
    at.get("file_uploader")[0].upload("bad.pdf", b"MZ\x90\x00 not a pdf", "application/pdf").run()
    assert not at.exception
    assert any("is not a PDF" in e.value for e in at.error)


def test_a_compression_bomb_upload_is_stopped_with_one_sentence(monkeypatch):
    """The upload is read in a capped child process: a 2 MB PDF that inflates to 2 GB is refused, the page
    stays up (unguarded, reading it took 3.1 GB)."""
    at = start(monkeypatch)
    at.get("file_uploader")[0].upload("bomb.pdf", hostile.deflate_bomb_pdf(2048), "application/pdf").run()
    assert not at.exception
    assert [e.value for e in at.error] == ["bomb.pdf: reading the file needed more than 2048 MB of memory and was "
                                           "stopped; the file may be a compression bomb. If it is a genuine "
                                           "agreement, export it again from the program that made it."]


@pytest.mark.slow
def test_switch_language_to_kazakh_and_english(monkeypatch):
    at = start(monkeypatch)
    at.sidebar.selectbox(key="ui_lang").select("kk").run()
    assert "Шартты талдау" in [t.value for t in at.title]
    at.sidebar.selectbox(key="ui_lang").select("en").run()
    assert "Analyse an agreement" in [t.value for t in at.title]


def test_library_edit_save_conflict_and_restore(monkeypatch, tmp_path):
    at = start(monkeypatch, tmp_path)
    at.sidebar.radio(key="page_ru").set_value("Библиотека положений").run()
    at.selectbox(key="lib_topic").select("retraining").run()
    at.selectbox(key="lib_element").select("rt_digital_skills").run()
    field = "edit_retraining_rt_digital_skills_fallback_ru"
    at.text_area(key=field).input("Работодатель обязуется дважды в год обучать работников цифровым навыкам.")
    at.text_input(key="lib_author").input("Айгуль")
    at.button(key="lib_save").click().run()
    assert not at.exception and at.success, [e.value for e in at.error]
    path = tmp_path / "library" / "retraining.yaml"
    saved = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert saved["elements"]["rt_digital_skills"]["fallback"]["ru"].startswith("Работодатель обязуется дважды в год")
    history = list((tmp_path / "library" / ".history").glob("retraining.*.yaml"))
    assert len(history) == 1

    # someone else saves the same file meanwhile: our next save is refused, nothing is lost
    other = yaml.safe_load(path.read_text(encoding="utf-8"))
    other["elements"]["rt_digital_skills"]["name"]["en"] = "Digital skills (edited elsewhere)"
    path.write_text(yaml.safe_dump(other, allow_unicode=True, sort_keys=False), encoding="utf-8")
    at.text_area(key=field).input("Совсем другая формулировка работодателя.")
    at.button(key="lib_save").click().run()
    assert any("changed by someone else" in e.value for e in at.error)
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["elements"]["rt_digital_skills"]["name"]["en"] == (
        "Digital skills (edited elsewhere)")

    # an invalid edit is refused with the reason
    at = start(monkeypatch, None)
    at.sidebar.radio(key="page_ru").set_value("Библиотека положений").run()
    at.selectbox(key="lib_topic").select("retraining").run()
    at.selectbox(key="lib_element").select("rt_digital_skills").run()
    at.text_area(key=field).input("").run()
    at.button(key="lib_save").click().run()
    assert any("empty text" in e.value for e in at.error)

    # restore the version kept in the history
    at.button(key="restore_0").click().run()
    assert at.success
    restored = yaml.safe_load(path.read_text(encoding="utf-8"))["elements"]["rt_digital_skills"]
    assert not restored["fallback"]["ru"].startswith("Работодатель обязуется дважды в год")


@pytest.mark.slow
def test_compare_two_drafts(monkeypatch):
    at = start(monkeypatch)
    at.sidebar.radio(key="page_ru").set_value("Сравнение редакций").run()
    at.selectbox(key="old_sample").select("ru_school_astana.docx").run()
    at.selectbox(key="new_sample").select("ru_university_almaty.docx").run()
    assert not at.exception
    headers = [h.value for h in at.subheader]
    assert any(h.startswith("Улучшилось:") for h in headers) and any(h.startswith("Ухудшилось:") for h in headers)
    assert any(h.startswith("Добавленные пункты:") for h in headers)


def test_proposals_docx_is_a_word_file(monkeypatch):
    from analyser.library import load_library
    from analyser.model import Gap
    from analyser.report.proposals import render_proposals

    element = load_library().element("rd_no_sanction")
    gap = Gap(element="rd_no_sanction", topic="right_to_disconnect", status="missing", clauses=(),
              name=element.name["ru"], problem="Нет положения.", suggestions={"ru": element.model_clause["ru"]},
              fallbacks={"ru": element.fallback["ru"]})
    data = render_proposals([gap], "ru", "Предложения", {"what_is_wrong": "Что не так", "recommended": "Рекомендуется",
                                                          "fallback": "Минимум"})
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert element.model_clause["ru"] in text and "1. " + element.name["ru"] in text


def test_every_interface_text_exists_in_all_three_languages():
    from analyser.ui.i18n import UI_LANGUAGES, texts

    keys = {code: set(texts(code)) for code in UI_LANGUAGES}
    assert keys["ru"] == keys["kk"] == keys["en"]
    assert all(texts(code)[k].strip() for code in UI_LANGUAGES for k in keys[code])


def test_no_interface_text_is_hard_coded_in_the_pages():
    import re

    for path in [ROOT / "app.py", *sorted((ROOT / "analyser" / "ui").glob("*.py"))]:
        source = path.read_text(encoding="utf-8")
        shown = re.findall(r"st\.(?:title|header|subheader|write|caption|button|success|info|warning)\(\s*\"([^\"]+)\"",
                           source)
        assert not [s for s in shown if re.search(r"[A-Za-zА-Яа-я]{3}", s)], f"{path.name}: {shown}"


@pytest.mark.slow
def test_a_correction_in_the_app_lands_in_feedback_with_provenance(monkeypatch, tmp_path):
    from analyser.feedback import read_all

    monkeypatch.setenv("ANALYSER_FEEDBACK", str(tmp_path / "feedback"))
    at = pick_sample(start(monkeypatch), "ru_school_astana.docx")
    at.text_input(key="reviewer").input("Юрист профсоюза").run()
    first = next(w.key for w in at.multiselect if w.key and w.key.startswith("fb_"))
    clause_key = first.removesuffix("_elements")
    at.multiselect(key=first).set_value(["rd_no_response_duty"]).run()
    at.radio(key=f"{clause_key}_assessment").set_value("adverse").run()
    at.button(key=f"{clause_key}_save").click().run()
    assert not at.exception and any("исправление сохранено" in s.value for s in at.success)
    (stored,) = read_all(tmp_path / "feedback")
    assert stored.elements == ("rd_no_response_duty",) and stored.assessment == "adverse"
    assert stored.reviewer == "Юрист профсоюза" and len(stored.document_sha256) == 64 and stored.model_version
    assert set(stored.predicted) == {"topics", "elements", "assessment"}

    at.sidebar.radio(key="page_ru").set_value("Очередь проверки").run()
    assert not at.exception
    assert "Очередь проверки" in [x.value for x in at.title]
    accept = next(b for b in at.button if b.key and b.key.startswith("review_") and b.key.endswith("_accept"))
    accept.click().run()
    assert len(read_all(tmp_path / "feedback")) == 2
