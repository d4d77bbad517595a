"""The shipped models: safe loading, sensible labels on unseen wording in each language, evidence."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import skops.io as sio

from analyser.classify import MODEL_FILE, MODELS_DIR, ClassifySettings, classify_texts, decide, load_models
from analyser.errors import ModelLoadError
from analyser.taxonomy import load_taxonomy


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


def test_the_vocabulary_file_must_be_the_one_the_model_names(tmp_path):
    shutil.copytree(MODELS_DIR, tmp_path / "models", ignore=shutil.ignore_patterns("versions"))
    (vocabulary,) = (tmp_path / "models").glob("vocabulary-*.json")
    terms = json.loads(vocabulary.read_bytes())
    terms["words"][0], terms["words"][1] = terms["words"][1], terms["words"][0]  # same terms, other columns
    vocabulary.write_text(json.dumps(terms, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="changed after training"):
        load_models(tmp_path / "models")
    vocabulary.unlink()
    with pytest.raises(ModelLoadError, match="vocabulary file of the model is missing"):
        load_models(tmp_path / "models")


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
        topic_of = load_taxonomy().topic_of
        assert elements and {topic_of[e] for e in elements} <= set(topics)
        assert got == assessment
    assert set(scores) == {"topics", "elements", "assessment", "meta"}


def test_evidence_names_the_words_that_drove_the_labels(models):
    (_, elements, _, _, terms), = classify_texts(
        models, ["Работодатель не допускает видеонаблюдения в раздевалках и комнатах отдыха."], ["ru"], evidence=True)
    assert elements and terms
    assert any(t in " ".join(terms) for t in ("раздевалка", "видеонаблюдение", "комната", "отдых"))


def test_a_clause_no_topic_reaches_is_rescued_only_when_the_assessment_model_is_sure(models):
    labels = models.meta["labels"]
    p_topics = np.full((1, len(labels["topics"])), 0.05)
    p_topics[0, labels["topics"].index("personal_data")] = 0.3
    p_elements = np.full((1, len(labels["elements"])), 0.05)
    p_elements[0, labels["elements"].index("pd_biometrics")] = 0.4
    sure, unsure = np.zeros((1, 4)), np.zeros((1, 4))
    sure[0, [labels["assessment"].index(a) for a in ("strong", "neutral")]] = (0.97, 0.03)
    unsure[0, [labels["assessment"].index(a) for a in ("strong", "neutral")]] = (0.5, 0.5)
    off = ClassifySettings(topic_threshold=0.5)
    on = ClassifySettings(topic_threshold=0.5, rescue_neutral=0.1, rescue_topic=0.3)
    assert decide(p_topics, p_elements, sure, models.meta, off)[0][:3] == ((), (), "neutral")
    assert decide(p_topics, p_elements, sure, models.meta, on)[0][:3] == (("personal_data",), ("pd_biometrics",),
                                                                         "strong")
    assert decide(p_topics, p_elements, unsure, models.meta, on)[0][:3] == ((), (), "neutral")


def test_the_two_sides_of_a_bilingual_clause_get_the_same_labels(models):
    from analyser.classify import label_clauses
    from analyser.ingest import read_document
    from analyser.segment import segment

    path = MODELS_DIR.parent / "corpora" / "agreements" / "kk-ru_gymnasium_pavlodar.docx"
    clauses = segment(read_document(path)).clauses
    by_id = {c.clause.id: c for c in label_clauses(list(clauses), models, evidence=False)}
    pairs = [(c, by_id[c.clause.pair]) for c in by_id.values() if c.clause.pair in by_id]
    assert len(pairs) > 40 and {a.clause.lang for a, _ in pairs} == {"kk", "ru"}
    for a, b in pairs:
        assert (a.topics, a.elements, a.assessment) == (b.topics, b.elements, b.assessment), a.clause.text


def test_pooling_averages_only_rows_that_have_a_pair():
    from analyser.classify import pool_pairs

    p = np.array([[0.9, 0.1], [0.3, 0.7], [0.5, 0.5]])
    pooled = pool_pairs(p, [1, 0, None])
    assert np.allclose(pooled, [[0.6, 0.4], [0.6, 0.4], [0.5, 0.5]])
    assert np.allclose(p[0], [0.9, 0.1])  # the input is left as it was


def test_a_list_item_is_classified_with_its_lead_in(models):
    from analyser.classify import label_clauses
    from analyser.model import Clause

    lead, item = "Работодатель обязуется:", "не допускать видеонаблюдения в комнатах отдыха и раздевалках;"
    with_lead, alone = label_clauses([Clause(id="c1", number="1)", section=(), text=item, lang="ru", lead=lead),
                                      Clause(id="c2", number="1)", section=(), text=item, lang="ru")],
                                     models, evidence=True)
    (topics, elements, assessment, scores, _), = classify_texts(models, [f"{lead}\n{item}"], ["ru"])
    assert (with_lead.topics, with_lead.elements, with_lead.assessment) == (topics, elements, assessment)
    assert with_lead.scores == scores and with_lead.scores != alone.scores
    assert with_lead.clause.text == item  # the lead-in is read, not copied into the clause
    assert "dm_private_spaces" in with_lead.elements and with_lead.assessment == "strong"


@pytest.mark.parametrize("lang,firm,hedged,phrase", [
    ("ru", "Работодатель обязуется не направлять работникам служебные сообщения после 19 часов и в выходные дни.",
     "Работодатель обязуется по возможности не направлять работникам служебные сообщения после 19 часов и в "
     "выходные дни.", "по возможности"),
    ("kk", "Жұмыс беруші сағат 19.00-ден кейін және демалыс күндері қызметкерлерге қызметтік хабарламалар жібермеуге "
     "міндеттенеді.",
     "Жұмыс беруші мүмкіндігінше сағат 19.00-ден кейін және демалыс күндері қызметкерлерге қызметтік хабарламалар "
     "жібермеуге міндеттенеді.", "мүмкіндігінше"),
    ("en", "The Employer shall not send work e-mails or messages to staff after 7 p.m. or at weekends.",
     "The Employer shall, where practicable, not send work e-mails or messages to staff after 7 p.m. or at weekends.",
     "where practicable"),
])
def test_a_weakening_hedge_makes_a_firm_clause_weak(models, lang, firm, hedged, phrase):
    (_, firm_elements, firm_assessment, _, _), (_, elements, assessment, _, terms) = classify_texts(
        models, [firm, hedged], [lang, lang], evidence=True)
    assert firm_assessment == "strong" and "rd_employer_refrains" in firm_elements
    assert assessment == "weak" and "rd_employer_refrains" in elements
    assert phrase in terms  # shown to the user as the reason


def test_weakening_turns_only_strong_into_weak(models):
    labels = models.meta["labels"]
    p_topics = np.full((3, len(labels["topics"])), 0.05)
    p_topics[:, labels["topics"].index("personal_data")] = 0.9
    p_elements = np.full((3, len(labels["elements"])), 0.05)
    p_elements[:, labels["elements"].index("pd_biometrics")] = 0.9
    p_assess = np.zeros((3, 4))
    for row, top in enumerate(("strong", "adverse", "strong")):
        p_assess[row, labels["assessment"].index(top)] = 0.9
    got = decide(p_topics, p_elements, p_assess, models.meta, ClassifySettings(), [True, True, False])
    assert [g[2] for g in got] == ["weak", "adverse", "strong"]
