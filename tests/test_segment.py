"""Blocks to clauses on real documents built by the tests and on typed text."""
from __future__ import annotations

from pathlib import Path

import pytest

from analyser.ingest import read_document
from analyser.segment import segment, unspace_letters


def clauses_of(path: Path):
    return segment(read_document(path)).clauses


def text_clauses(built: Path, name: str, text: str):
    path = built / name
    path.write_text(text, encoding="utf-8")
    return clauses_of(path)


def test_letter_spaced_headings_are_joined():
    assert unspace_letters("Р а з д е л 1. ОБЩИЕ") == "Раздел 1. ОБЩИЕ"
    assert unspace_letters("и в с тем") == "и в с тем"


def test_numbered_docx_clauses_sections_and_sublists(numbered_docx):
    clauses = clauses_of(numbered_docx)
    by_number = {c.number: c for c in clauses}
    assert list(by_number) == ["1.1.", "1.2.", "2.1.", "2.2.", "2.3.", "3.1."]
    assert by_number["1.2."].section[-1] == "1. Общие положения"
    assert by_number["2.1."].section[-1] == "2. Рабочее время и время отдыха"
    # a sub-list that continues the sentence stays with its clause
    assert "а) не допускать видеонаблюдения" in by_number["1.2."].text
    assert "2.2.1. учителям" in by_number["2.2."].text and "2.2.2. педагогам" in by_number["2.2."].text
    assert "а) аварийные ситуации;" in by_number["2.3."].text
    # signature line and the allowance table are not clauses
    assert not any("Сериков" in c.text or c.text == "Учитель" for c in clauses)
    assert {c.lang for c in clauses} == {"ru"}


def test_bilingual_clauses_are_paired(bilingual_docx):
    clauses = clauses_of(bilingual_docx)
    kk = [c for c in clauses if c.lang == "kk"]
    ru = [c for c in clauses if c.lang == "ru"]
    assert len(kk) == len(ru) == 2
    assert all(c.pair for c in clauses)
    assert {c.id: c.pair for c in kk} == {k.id: r.id for k, r in zip(kk, ru)}
    assert kk[0].section == ("1-бап. Жалпы ережелер",) and ru[0].section == ("Статья 1. Общие положения",)


def test_kazakh_pdf_sections_and_pages(kazakh_pdf):
    clauses = clauses_of(kazakh_pdf)
    assert [c.number for c in clauses] == ["1.1.", "1.2.", "2.1.", "3.1.", "3.2.", "4.1.", "4.2."]
    assert clauses[3].section == ("3-бап. Жұмыс уақыты",) and clauses[3].page == 3
    assert all(c.lang == "kk" for c in clauses)


@pytest.mark.parametrize(
    "heading,expected",
    [
        ("Р а з д е л 3. РАБОЧЕЕ ВРЕМЯ", "Раздел 3. РАБОЧЕЕ ВРЕМЯ"),
        ("Глава 2. Оплата труда", "Глава 2. Оплата труда"),
        ("Статья 5. Гарантии", "Статья 5. Гарантии"),
        ("1-бап. Жалпы ережелер", "1-бап. Жалпы ережелер"),
        ("Бірінші тарау. Жалпы ережелер", "Бірінші тарау. Жалпы ережелер"),
        ("II бөлім. Еңбек уақыты", "II бөлім. Еңбек уақыты"),
        ("ARTICLE 38 - REMOTE WORK", "ARTICLE 38 - REMOTE WORK"),
        ("Section 4. Grievances", "Section 4. Grievances"),
        ("IV. ОХРАНА ТРУДА", "IV. ОХРАНА ТРУДА"),
    ],
)
def test_headings_become_section_paths(built, heading, expected):
    clauses = text_clauses(
        built, f"h{abs(hash(heading))}.txt",
        f"{heading}\n\n1.1. Работодатель обязуется выполнять условия этого раздела договора.\n",
    )
    assert len(clauses) == 1
    assert clauses[0].section[-1] == expected
    assert clauses[0].number == "1.1."


def test_heading_number_and_title_on_two_lines_are_one_heading(built):
    clauses = text_clauses(built, "two-line.txt",
                           "Article 12\n\nTechnological Change\n\n12.1 The Employer shall notify the Union.\n")
    assert clauses[0].section == ("Article 12. Technological Change",)


def test_english_items_and_continuations(built):
    clauses = text_clauses(
        built, "en.txt",
        "ARTICLE 7 - MONITORING\n\n"
        "7.1 The Employer shall not use electronic monitoring as the sole basis for discipline. This applies to\n"
        "all employees in the bargaining unit.\n\n"
        "7.2 The Employer shall:\n(a) inform the Union in writing;\n(b) consult the Union before changes.\n\n"
        "The parties agree that this Article does not limit Article 9.\n\n"
        "ARTICLE 8 - HOURS\n\nEmployees work 37.5 hours per week.\n\nOvertime is paid at time and a half.\n",
    )
    assert [c.number for c in clauses] == ["7.1", "7.2", "", ""]
    assert "all employees in the bargaining unit" in clauses[0].text
    assert "(b) consult the Union" in clauses[1].text and "does not limit Article 9" in clauses[1].text
    assert clauses[2].section == ("ARTICLE 8 - HOURS",) and clauses[3].text.startswith("Overtime")
    assert {c.lang for c in clauses} == {"en"}


def test_signature_blocks_and_appendix_forms_are_not_clauses(built):
    clauses = text_clauses(
        built, "signatures.txt",
        "1.1. Договор вступает в силу со дня подписания.\n\n"
        "От работодателя: ______________ /И.И. Иванов/\n\nМ.П.\n\nА.Б. Петрова\n\n"
        "Приложение № 1\n\nЗАЯВЛЕНИЕ\n\nФ.И.О. ________________________\n\nДата: ______________\n",
    )
    assert [c.text for c in clauses] == ["Договор вступает в силу со дня подписания."]


def test_other_languages_are_marked_unsupported(built):
    clauses = text_clauses(built, "fr.txt",
                           "Article 3\n\nL'employeur s'engage à informer les représentants du personnel.\n")
    assert clauses[0].lang == "fr" and not clauses[0].lang_supported


def test_form_markers_match_whole_words_only(built):
    # "мп" is a stamp mark ("М.П."/"МП"), but also hides inside "экземплярах" and "комплексного"
    clauses = text_clauses(built, "mp.txt", "1.1. Договор составлен в трёх экземплярах.\n\n"
                                            "1.2. Работникам предоставляется комплексный обед.\n\nМП\n")
    assert [c.number for c in clauses] == ["1.1.", "1.2."]


def test_caps_headings_ending_in_a_full_stop_or_wrapped_onto_two_lines(built):
    clauses = text_clauses(
        built, "caps.txt",
        "VI. ОХРАНА ТРУДА И ЗДОРОВЬЯ.\n\n6.1. Работодатель обеспечивает безопасные условия труда работников.\n\n"
        "VIII. ДОПОЛНИТЕЛЬНОЕ ПРОФЕССИОНАЛЬНОЕ\n\nОБРАЗОВАНИЕ РАБОТНИКОВ\n\n"
        "8.1. Работодатель организует обучение работников за свой счёт.\n",
    )
    assert clauses[0].section == ("VI. ОХРАНА ТРУДА И ЗДОРОВЬЯ.",)
    assert clauses[1].section == ("VIII. ДОПОЛНИТЕЛЬНОЕ ПРОФЕССИОНАЛЬНОЕ ОБРАЗОВАНИЕ РАБОТНИКОВ",)


def test_a_reference_to_items_wrapped_onto_the_next_line_is_not_a_new_item(built):
    clauses = text_clauses(
        built, "ref.txt",
        "7.13. Стороны контролируют выполнение обязательств, предусмотренных пунктами 7.1. –\n"
        "7.12. настоящего Договора, ежеквартально.\n7.14. Договор действует три года.\n",
    )
    assert [c.number for c in clauses] == ["7.13.", "7.14."]
    assert "7.12. настоящего Договора" in clauses[0].text


def test_long_signature_line_and_long_capitals_title(built):
    clauses = text_clauses(
        built, "sign.txt",
        "COLLECTIVE AGREEMENT BETWEEN WYVERN VALE COLLEGE CORPORATION AND THE RECOGNISED TRADE UNIONS FOR "
        "LECTURERS AND SUPPORT STAFF\n\nThis agreement is made between the College and the Unions.\n\n"
        "12.3. This agreement runs until 31 August 2029.\n\n"
        "Signed for the Corporation of Wyvern Vale College: ____________ Principal and Chief Executive, "
        "Dr Helen M. Crawford\n",
    )
    assert clauses[0].text == "This agreement is made between the College and the Unions."
    assert clauses[-1].text == "This agreement runs until 31 August 2029."


def test_bilingual_pdf_table_gives_paired_clauses_across_page_breaks():
    from tests.conftest import ROOT

    result = segment(read_document(ROOT / "corpora" / "agreements" / "kk-ru_gymnasium_pavlodar.pdf"))
    numbered = [c for c in result.clauses if c.number]
    assert result.document.bilingual
    assert sum(bool(c.pair) for c in numbered) >= 0.95 * len(numbered)
    by_id = {c.id: c for c in result.clauses}
    for clause in numbered:
        if clause.pair:
            partner = by_id[clause.pair]
            assert {clause.lang, partner.lang} == {"kk", "ru"} and clause.number == partner.number


def test_a_bold_title_in_mixed_case_is_a_heading_not_part_of_the_preamble(built):
    from analyser.docx_build import DocxBuilder

    b = DocxBuilder()
    b.paragraph("КОЛЛЕКТИВНЫЙ ДОГОВОР коммунального государственного учреждения «Школа № 5» на 2026–2029 годы",
                bold=True)
    b.paragraph("Настоящий договор заключён между работодателем и работниками школы.")
    b.paragraph("Работодатель обязуется соблюдать условия договора.", bold=True)
    clauses = clauses_of(b.save(built / "bold_title.docx"))
    assert clauses[0].text == "Настоящий договор заключён между работодателем и работниками школы."
    assert clauses[0].section[0].startswith("КОЛЛЕКТИВНЫЙ ДОГОВОР коммунального")
    assert clauses[-1].text == "Работодатель обязуется соблюдать условия договора."  # bold, but a sentence


def test_headings_in_capitals_separated_by_clauses_start_new_sections(tmp_path):
    clauses = text_clauses(tmp_path, "caps.txt", (
        "ОБЩИЕ ПОЛОЖЕНИЯ\n\n"
        "1.1. Настоящий договор заключён между работодателем и работниками.\n\n"
        "1.2. Работодатель предоставляет отпуск в соответствии со ст.\n"
        "122 ТК РФ.\n\n"
        "ОПЛАТА ТРУДА\n\n"
        "2.1. Заработная плата выплачивается два раза в месяц.\n"))
    by_number = {c.number: c for c in clauses}
    assert list(by_number) == ["1.1.", "1.2.", "2.1."]
    assert by_number["1.1."].section == ("ОБЩИЕ ПОЛОЖЕНИЯ",)
    assert by_number["2.1."].section == ("ОПЛАТА ТРУДА",)  # not "ОБЩИЕ ПОЛОЖЕНИЯ ОПЛАТА ТРУДА"
    assert by_number["1.2."].text.endswith("122 ТК РФ.")  # a wrapped tail, not a heading


def test_list_items_carry_the_lead_in_they_depend_on(tmp_path):
    from docx import Document as Word

    word = Word()
    for line in ("6.1. Бірлескен комиссия құрылады. Комиссия:",
                 "1) енгізілетін жүйелердің жобаларын қарайды;",
                 "2) енгізу мерзімдерін келіседі.",
                 "6.2. Жұмыс беруші цифрлық жүйелердің тізбесін жариялайды.",
                 "7.1. The Employer shall:",
                 "(a) publish the list of monitoring tools;",
                 "(b) consult the Union before any change.",
                 "3) An item after a list that ended with a full stop has no lead-in."):
        word.add_paragraph(line)
    word.save(tmp_path / "leads.docx")
    by_number = {c.number: c for c in clauses_of(tmp_path / "leads.docx")}
    assert by_number["1)"].lead == by_number["2)"].lead == "Комиссия:"  # the last sentence, not the whole clause
    assert by_number["6.1."].lead == by_number["6.2."].lead == ""
    assert "(a) publish" in by_number["7.1."].text  # letter items stay inside their clause, as before
    assert by_number["6.2."].text.startswith("Жұмыс беруші") and by_number["3)"].lead == ""
