"""Gap status rules of taxonomy.yaml, proposals in the agreement's language, and the score formula."""
from __future__ import annotations

import pytest

from analyser.gaps import find_gaps, score
from analyser.library import load_library
from analyser.model import Clause, LabelledClause
from analyser.taxonomy import load_taxonomy, status_of


def labelled(cid: str, elements: tuple[str, ...], assessment: str, lang: str = "ru") -> LabelledClause:
    topic_of = load_taxonomy().topic_of
    clause = Clause(id=cid, number="", section=(), text="...", lang=lang)
    return LabelledClause(clause=clause, topics=tuple(sorted({topic_of[e] for e in elements})), elements=elements,
                          assessment=assessment, scores={})


@pytest.mark.parametrize("assessments,status", [
    ([], "missing"), (["weak"], "weak"), (["weak", "strong"], "covered"),
    (["strong", "adverse"], "conflict"), (["adverse"], "conflict"),
])
def test_status_rules(assessments, status):
    assert status_of(assessments) == status


def test_gaps_for_every_element_with_proposals_in_the_agreement_language():
    library = load_library()
    clauses = (labelled("c1", ("dm_private_spaces",), "strong"), labelled("c2", ("rd_no_response_duty",), "weak"),
               labelled("c3", ("rd_no_response_duty", "rd_no_sanction"), "adverse"))
    gaps = {g.element: g for g in find_gaps(clauses, library, load_taxonomy(), "ru")}
    assert len(gaps) == len(load_taxonomy().element_ids)
    assert gaps["dm_private_spaces"].status == "covered" and gaps["dm_private_spaces"].clauses == ("c1",)
    assert gaps["rd_no_response_duty"].status == "conflict"
    assert gaps["rd_no_response_duty"].clauses == ("c2", "c3")
    assert gaps["am_audit"].status == "missing"
    assert gaps["am_audit"].suggestions == {"ru": library.element("am_audit").model_clause["ru"]}
    assert gaps["am_audit"].problem.startswith("В договоре нет положения")


def test_bilingual_agreement_gets_proposals_in_both_languages():
    library = load_library()
    clauses = (labelled("c1", ("dm_private_spaces",), "strong", "kk"),
               labelled("c2", ("dm_private_spaces",), "strong", "ru"))
    gaps = {g.element: g for g in find_gaps(clauses, library, load_taxonomy(), "kk")}
    assert set(gaps["am_audit"].suggestions) == {"kk", "ru"}
    assert gaps["am_audit"].problem.startswith("Шартта")


def test_score_formula():
    library = load_library()
    clauses = (labelled("c1", ("ud_digital_access",), "strong"), labelled("c2", ("ud_information",), "weak"))
    result = score(find_gaps(clauses, library, load_taxonomy(), "en"))
    assert result["union_digital_rights"] == 75.0  # (1 + 0.5) / 2
    assert result["overall"] == round(100 * 1.5 / len(load_taxonomy().element_ids), 1)
    assert result["remote_work"] == 0.0
