"""End to end: a sample agreement (.docx and .pdf) through every stage, against its answer key."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyser.pipeline import analyse, load_resources

AGREEMENTS = Path(__file__).resolve().parents[1] / "corpora" / "agreements"
SAMPLES = sorted(p.name.removesuffix(".key.json") for p in AGREEMENTS.glob("*.key.json"))


@pytest.fixture(scope="module")
def resources():
    return load_resources()


def status_accuracy(report, key) -> float:
    got = {g.element: g.status for g in report.gaps}
    want = {e: v["status"] for e, v in key["elements"].items()}
    return sum(got[e] == s for e, s in want.items()) / len(want)


@pytest.mark.slow
@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
def test_sample_agreements_against_their_answer_keys(resources, sample, suffix):
    key = json.loads((AGREEMENTS / f"{sample}.key.json").read_text(encoding="utf-8"))
    report = analyse(AGREEMENTS / f"{sample}{suffix}", resources)
    numbered = [c.clause.number for c in report.labelled if c.clause.number.count(".") == 2]
    assert len(set(numbered)) >= key["clause_count"] * 0.9, "segmentation lost clauses"
    # A regression guard; the measured figures (target 0.95, not reached yet) are in models/MODEL_CARD.md.
    assert status_accuracy(report, key) >= 0.68
    assert {g.status for g in report.gaps} <= {"covered", "weak", "conflict", "missing"}
    assert 0 <= report.score["overall"] <= 100
