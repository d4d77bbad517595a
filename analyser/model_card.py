"""models/MODEL_CARD.md: what the models were trained on, how well they do, where they fall short."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from analyser.corpus import LabelledText
from analyser.train import OTHER_GIVEN_TOPIC_LIMIT

TARGETS = {"topic_macro_f1": 0.92, "element_micro_f1": 0.85, "assessment_accuracy": 0.88}
OTHER_TARGET = 0.03


def metrics_markdown(results: dict[str, Any], title: str = "test split") -> str:
    """Per-language summary, per-topic P/R/F1 and the assessment confusion matrix, as Markdown."""
    lines = [f"### Quality on the {title}", "",
             "| language | clauses | topic macro-F1 | element micro-F1 | element macro-F1 | assessment accuracy "
             "| other given a topic |", "|---|---|---|---|---|---|---|"]
    for lang, m in results.items():
        lines.append(f"| {lang} | {m['n']} | {m['topic_macro_f1']:.3f} | {m['element_micro_f1']:.3f} | "
                     f"{m['element_macro_f1']:.3f} | {m['assessment_accuracy']:.3f} | {m['other_given_topic']:.3f} |")
    gap = results["all"].get("pseudo_agreement_gap_accuracy")
    if gap is not None:
        lines += ["", f"Gap-status accuracy on pseudo-agreements of 60 clauses assembled from this split: {gap:.3f}."]
    lines += ["", f"Targets per language: topic macro-F1 >= {TARGETS['topic_macro_f1']}, element micro-F1 >= "
              f"{TARGETS['element_micro_f1']}, assessment accuracy >= {TARGETS['assessment_accuracy']}, other "
              f"clauses given a topic <= {OTHER_TARGET:.0%}.", ""]
    misses = [f"{lang} {name} {m[name]:.3f}" for lang, m in results.items() if lang != "all"
              for name, target in TARGETS.items() if m[name] < target]
    misses += [f"{lang} other given a topic {m['other_given_topic']:.3f}" for lang, m in results.items()
               if lang != "all" and m["other_given_topic"] > OTHER_TARGET]
    lines.append("Targets not yet met: " + ("; ".join(misses) if misses else "none") + ".")
    lines += ["", "| topic (all languages) | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for topic, m in results["all"]["per_topic"].items():
        lines.append(f"| {topic} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |")
    conf = results["all"]["confusion"]
    lines += ["", "Assessment confusion matrix (rows gold, columns predicted):", "",
              "| | " + " | ".join(conf["labels"]) + " |", "|---" * (len(conf["labels"]) + 1) + "|"]
    for label, row in zip(conf["labels"], conf["matrix"]):
        lines.append(f"| {label} | " + " | ".join(str(x) for x in row) + " |")
    return "\n".join(lines) + "\n"


def write_model_card(meta: dict[str, Any], records: list[LabelledText], path: Path, agreements: str = "") -> None:
    """Write the model card from the training metadata and the corpus."""
    counts = Counter((r.lang, r.split) for r in records)
    langs = sorted({r.lang for r in records})
    data = ["| language | train | dev | test |", "|---|---|---|---|"]
    data += [f"| {lang} | {counts[(lang, 'train')]} | {counts[(lang, 'dev')]} | {counts[(lang, 'test')]} |"
             for lang in langs]
    t = meta["thresholds"]
    text = f"""# Model card: clause classifiers

Version `{meta['version']}`, trained {meta['trained_at']} in {meta['train_seconds']} s on {meta['versions']['python']}
with scikit-learn {meta['versions']['scikit-learn']} (seed {meta['seed']}); corpus hash `{meta['corpus_hash']}`.
Retrain with `analyser train`; measure with `analyser evaluate --split test`.

## What the models do
Three plain scikit-learn Pipelines (`models/*.skops`, saved with skops, loaded with an empty trust list; the
vectorisers' vocabularies in `models/vocabulary-<hash>.json`, named by their content):
- **topics** (multi-label, 9 topics of taxonomy.yaml) and **elements** (multi-label, 49 elements), one-vs-rest
  logistic regression;
- **assessment** (strong / weak / adverse / neutral), multinomial logistic regression.

Features: TF-IDF of lemmas (spaCy: pymorphy3 for Russian, with a reading picked where a form has several;
lookup tables for English; the project's Kazakh suffix lemmatiser) with word 1-2-grams plus one token per marker
found (hedge, duty, negation, harmful wording, reference to the law, duty put on the worker, employer discretion,
weakening hedge; lists in analyser/resources/lang/), and TF-IDF of character 2-5-grams of the raw text. A clause
gets the topics whose probability is >= {t['topic']} unless the assessment model gives "neutral" >=
{t['neutral_veto']}; a clause no topic reaches but whose "neutral" is below
{t.get('rescue_neutral', 0.0)} gets its best topic if that scores >= {t.get('rescue_topic', 1.01)} (1.01: never);
within each topic the elements >= {t['element']} or else the most probable one. A clause holding a "weakening"
hedge ("по возможности", "where practicable") is weak, never strong. The two sides of a bilingual
clause pair are decided once, on their averaged scores. Thresholds are tuned on the dev split: the best mean of
clause-level quality and pseudo-agreement gap accuracy among the settings that give at most
{OTHER_GIVEN_TOPIC_LIMIT * 100:g} % of the "other" clauses of each language a topic (in a real agreement most clauses
are other matters).

## Data
The labelled clauses of corpora/clauses/ (see corpora/README.md), written for this project in Russian, Kazakh
and English. Splits by drafting family; near-duplicate families are merged before splitting. The shipped
models are fitted on train+dev; the test split is never seen in training or tuning.

{chr(10).join(data)}

## Quality
{metrics_markdown(meta['test_metrics'])}
{agreements}
## Limits
- The corpus is the project's own writing; agreements drafted by others use wording the models have not seen.
  Expect lower figures on real agreements, most of all for elements (fine distinctions between neighbours) and
  for strong vs adverse (binding wording that harms workers).
- Clauses in languages other than ru/kk/en are not classified.
- Scores are logistic-regression probabilities, not calibrated against real agreements.
- Labels were changed in a label audit (corpora/audits/; counts in corpora/README.md): clauses the out-of-fold
  model contradicted were read again blind against the taxonomy, in all splits. The test figures after the
  audit therefore lean towards the model; the sample-agreement figures (keys not touched) do not.
"""
    path.write_text(text, encoding="utf-8")
