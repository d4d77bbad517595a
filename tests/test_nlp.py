"""Language resources: the Kazakh spaCy language, lemmas per language, markers from the data files."""
from __future__ import annotations

import spacy

from analyser.nlp import Lemmatiser, find_markers, load_nlp, prepare_text
from analyser.nlp.kazakh import kazakh_lemma, stop_words


def test_kazakh_is_a_registered_spacy_language():
    nlp = spacy.blank("kk")
    assert nlp.lang == "kk"
    assert nlp.vocab["және"].is_stop
    assert "және" in stop_words()
    doc = load_nlp("kk")("Қызметкерлерге хабарламалар жіберілмейді.")
    assert [t.lemma_ for t in doc][:2] == ["қызметкер", "хабарлама"]


def test_kazakh_suffixes_are_stripped_to_a_stem():
    assert kazakh_lemma("қызметкерлерге") == "қызметкер"
    assert kazakh_lemma("деректерді") == "дерек"
    assert kazakh_lemma("кәсіподақпен") == "кәсіподақ"
    assert kazakh_lemma("үй") == "үй"  # too short to strip


def test_lemmas_per_language_and_the_cache():
    lemmatiser = Lemmatiser()
    assert lemmatiser.lemmas("Работодатель обязуется не допускать видеонаблюдения", "ru") == [
        "работодатель", "обязываться", "не", "допускать", "видеонаблюдение"]
    assert lemmatiser.lemmas("Employees were monitoring messages", "en") == ["employee", "be", "monitor", "message"]
    assert lemmatiser._cache["ru"]["видеонаблюдения"] == "видеонаблюдение"


def test_russian_forms_with_several_readings_still_get_one_lemma():
    # Without part-of-speech tags spaCy's pymorphy3 lemmatizer leaves such forms as they are, so that
    # "личной" and "личных" would count as two different words.
    lemmatiser = Lemmatiser()
    lemmas = lemmatiser.lemmas("личной личных личные данные данных открытого учащихся", "ru")
    assert lemmas[:3] == ["личный"] * 3
    assert lemmas[3:5] == ["данные", "данные"]  # the noun, not the participle of "дать"
    assert lemmas[5] == "открытый"
    assert lemmas[6] in ("учащийся", "учиться")
    # short words keep spaCy's answer: "ИИ" (AI) must not turn into some rare noun
    assert lemmatiser.lemmas("ИИ и их", "ru") == ["ии", "и", "их"]
    assert load_nlp("ru").pipe_names == ["ru_lemmatizer_picking"]


def test_markers_come_from_the_data_files():
    kinds = {(m.kind, m.phrase.lower()) for m in find_markers(
        "Работодатель по возможности информирует профсоюз в порядке, установленном законодательством.", "ru")}
    assert ("hedge", "по возможности") in kinds
    assert ("law_reference", "в порядке, установленном законодательством") in kinds
    en = {m.kind for m in find_markers("The employee must remain available at any time.", "en")}
    assert {"worker_duty", "harmful"} <= en
    kk = {m.kind for m in find_markers("Жұмыс беруші мүмкіндігінше хабардар етеді.", "kk")}
    assert "hedge" in kk


def test_prepared_text_carries_marker_tokens():
    text = prepare_text("Работник обязан быть на связи в любое время.", "ru", Lemmatiser())
    assert "zzworkerduty" in text and "zzharmful" in text
    assert text.startswith("работник обязать быть на связь")  # "обязан" is the short participle of "обязать"
