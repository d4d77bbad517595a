"""Training helpers that decide what ships: the tuning limit on "other" clauses and the pseudo-agreements."""
from __future__ import annotations

from analyser.corpus import LabelledText
from analyser.train import gap_accuracy, pseudo_agreements, worst_other_given_topic


def _record(i: int, lang: str, elements: tuple[str, ...] = (), assessment: str = "neutral") -> LabelledText:
    topics = ("digital_monitoring",) if elements else ()
    return LabelledText(id=f"{lang}-x-{i:04d}", lang=lang, text="...", topics=topics, elements=elements,
                        assessment=assessment, family=f"{lang}-x-f{i:04d}", source="written", split="dev")


def _other(topic: bool) -> tuple:
    return (("digital_monitoring",), ("dm_prior_notice",), "strong", 0.0) if topic else ((), (), "neutral", 0.0)


def test_the_limit_on_other_clauses_holds_per_language_not_on_the_mean():
    records = [_record(i, "ru") for i in range(100)] + [_record(i, "en") for i in range(20)]
    # one Russian "other" clause in 100 and two English ones in 20 are given a topic: 2.5 % overall, 10 % in English
    predicted = [_other(i == 0) for i in range(100)] + [_other(i < 2) for i in range(20)]
    assert sum(bool(p[0]) for p in predicted) / len(predicted) == 0.025
    assert abs(worst_other_given_topic(records, predicted) - 0.1) < 1e-9
    assert worst_other_given_topic(records, [_other(False)] * len(records)) == 0.0


def test_pseudo_agreements_are_fixed_and_keep_to_one_language():
    records = [_record(i, lang) for lang in ("ru", "kk") for i in range(130)]
    bags = pseudo_agreements(records)
    assert bags == pseudo_agreements(records)  # same seed, same bags: tuning is reproducible
    assert all(len({records[i].lang for i in bag}) == 1 and len(bag) >= 30 for bag in bags)


def test_gap_accuracy_reads_statuses_by_the_taxonomy_rule():
    records = [_record(0, "ru", ("dm_prior_notice",), "strong"), _record(1, "ru", ("dm_prior_notice",), "weak")]
    covered = [(("digital_monitoring",), ("dm_prior_notice",), "strong", 0.0), ((), (), "neutral", 0.0)]
    conflict = [(("digital_monitoring",), ("dm_prior_notice",), "adverse", 0.0), ((), (), "neutral", 0.0)]
    assert gap_accuracy(records, covered, [[0, 1]]) == 1.0  # every element right, dm_prior_notice covered
    assert gap_accuracy(records, conflict, [[0, 1]]) < 1.0
