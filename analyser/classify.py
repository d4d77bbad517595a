"""Labels for clauses: topics, elements and assessment from the trained scikit-learn models.

The models are plain scikit-learn Pipelines saved with skops (never pickle).
Loading refuses any file that would need a type outside scikit-learn, numpy
and scipy, so a tampered model file cannot run code. Text preparation
(lemmas and marker tokens) happens here, before the pipelines.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from analyser.errors import ModelLoadError
from analyser.model import LabelledClause, Match
from analyser.nlp import Lemmatiser, find_markers, marker_tag, prepare_text
from analyser.taxonomy import load_taxonomy

MODELS_DIR = Path(__file__).resolve().parents[1] / "models"
MODEL_FILE = "clause_classifier.skops"  # {"topics", "elements", "assessment": Pipeline, "vocabulary": file name}
PIPELINES = ("topics", "elements", "assessment")
SUPPORTED = ("ru", "kk", "en")


@dataclass(frozen=True, slots=True)
class ClassifySettings:
    """Decision thresholds (the trained values come from models/metadata.json)."""

    topic_threshold: float = 0.5
    element_threshold: float = 0.4
    neutral_veto: float = 0.6
    adverse_threshold: float = 0.0  # "adverse" must be at least this probable: a false conflict costs most
    # A clause that no topic reaches but that the assessment model is sure is on some topic (P(neutral) below
    # rescue_neutral) gets its best topic if that scores at least rescue_topic; 0.0 switches this off.
    rescue_neutral: float = 0.0
    rescue_topic: float = 1.01
    evidence_words: int = 6


@dataclass(eq=False)
class Models:
    """The three fitted pipelines plus their metadata (labels, thresholds, versions)."""

    topics: Any
    elements: Any
    assessment: Any
    meta: dict[str, Any]
    lemmatiser: Lemmatiser = field(default_factory=Lemmatiser)

    @property
    def settings(self) -> ClassifySettings:
        t = self.meta.get("thresholds", {})
        return ClassifySettings(
            topic_threshold=t.get("topic", 0.5), element_threshold=t.get("element", 0.4),
            neutral_veto=t.get("neutral_veto", 0.6), adverse_threshold=t.get("adverse", 0.0),
            rescue_neutral=t.get("rescue_neutral", 0.0), rescue_topic=t.get("rescue_topic", 1.01),
        )

    @property
    def version(self) -> str:
        return str(self.meta.get("version", "unknown"))


def _load_one(path: Path) -> Any:
    """Load a skops file, refusing any type outside what skops trusts by default (scikit-learn, numpy)."""
    import skops.io as sio
    from skops.io.exceptions import UntrustedTypesFoundException

    if not path.is_file():
        raise ModelLoadError(path, "the trained model file is missing.")
    try:
        return sio.load(str(path), trusted=None)
    except UntrustedTypesFoundException as exc:
        raise ModelLoadError(path, f"the model file asks for types outside scikit-learn ({exc}); "
                                   "it was refused as possibly tampered.") from None
    except Exception:
        raise ModelLoadError(path, "the model file is damaged or not a skops file.") from None


def load_models(root: str | Path = MODELS_DIR) -> Models:
    """Load the three models and their metadata from `root`."""
    root = Path(root)
    meta_path = root / "metadata.json"
    if not meta_path.is_file():
        raise ModelLoadError(meta_path, "the trained models are missing.")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    bundle = _load_one(root / MODEL_FILE)
    if not isinstance(bundle, dict) or not set(PIPELINES) <= set(bundle) <= {*PIPELINES, "vocabulary"}:
        raise ModelLoadError(root / MODEL_FILE, "the model file does not hold the three expected models.")
    if "vocabulary" in bundle:  # the vocabulary lives in its own file (older model files carry it inside)
        attach_vocabularies(bundle["topics"].named_steps["features"], _read_vocabulary(root, bundle["vocabulary"]))
    return Models(**{name: bundle[name] for name in PIPELINES}, meta=meta)


def vocabulary_file_name(data: bytes) -> str:
    """The vocabulary file is named by its content: a model file names the one vocabulary it was trained with."""
    return f"vocabulary-{hashlib.sha256(data).hexdigest()[:16]}.json"


def detach_vocabularies(features: Any) -> dict[str, list[str]]:
    """Take the vectorisers' vocabularies out of the (shared) feature step: terms in column order.

    skops rebuilds a dict entry by entry, which made the 40,000-term vocabularies most of the load time; as one
    JSON file they load in milliseconds. Terms are data, never code.
    """
    vocabularies = {}
    for name, vectoriser, _ in features.transformers_:
        if hasattr(vectoriser, "vocabulary_"):
            vocabularies[name] = sorted(vectoriser.vocabulary_, key=vectoriser.vocabulary_.__getitem__)
            del vectoriser.vocabulary_
    return vocabularies


def attach_vocabularies(features: Any, vocabularies: dict[str, list[str]]) -> None:
    for name, vectoriser, _ in features.transformers_:
        if name in vocabularies:
            vectoriser.vocabulary_ = {term: i for i, term in enumerate(vocabularies[name])}


def _read_vocabulary(root: Path, name: object) -> dict[str, list[str]]:
    path = root / str(name)
    if not isinstance(name, str) or "/" in name or not path.is_file():
        raise ModelLoadError(path, "the vocabulary file of the model is missing.")
    data = path.read_bytes()
    if vocabulary_file_name(data) != name:
        raise ModelLoadError(path, "the vocabulary file was changed after training (its content does not match "
                                   "its name); it was refused.")
    vocabularies = json.loads(data)
    if not isinstance(vocabularies, dict) or not all(
            isinstance(terms, list) and all(isinstance(t, str) for t in terms) and len(set(terms)) == len(terms)
            for terms in vocabularies.values()):
        raise ModelLoadError(path, "the vocabulary file is not a list of distinct terms per vectoriser.")
    return vocabularies


def frame(texts: list[str], langs: list[str], lemmatiser: Lemmatiser) -> Any:
    """The pipelines' input table: prepared lemmas+markers, and the raw lower-cased text."""
    import pandas as pd

    return pd.DataFrame({
        "lemmas": [prepare_text(t, lang if lang in SUPPORTED else "ru", lemmatiser) for t, lang in zip(texts, langs)],
        "raw": [t.lower() for t in texts],
    })


def probabilities(topics: Any, elements: Any, assessment: Any, X: Any,
                  vectorised: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Topic, element and assessment probabilities of a frame.

    The three pipelines share one fitted feature step, so the text is
    vectorised once; one-vs-rest logistic regressions are evaluated as one
    matrix product (the same numbers as OneVsRestClassifier.predict_proba).
    """
    Xt = X if vectorised else topics.named_steps["features"].transform(X)
    return (_ovr_proba(topics.named_steps["clf"], Xt), _ovr_proba(elements.named_steps["clf"], Xt),
            np.asarray(assessment.named_steps["clf"].predict_proba(Xt)))


def weakened_rows(X: Any) -> list[bool]:
    """Which rows of a frame hold a "weakening" hedge ("по возможности", "where practicable"):
    in the labelled corpus such clauses are weak, however firm the rest of the wording."""
    tag = marker_tag("weakening")
    return [tag in lemmas.split() for lemmas in X["lemmas"]]


def _ovr_proba(clf: Any, Xt: Any) -> np.ndarray:
    from scipy.special import expit

    stacked = getattr(clf, "_stacked", None)
    if stacked is None:
        weights = np.vstack([e.coef_ for e in clf.estimators_]).astype(np.float64)
        bias = np.array([float(np.ravel(e.intercept_)[0]) for e in clf.estimators_])
        stacked = (weights.T.copy(), bias)
        clf._stacked = stacked  # a cache on the loaded object, never saved
    weights, bias = stacked
    return np.asarray(expit(Xt @ weights + bias))


def decide(p_topics: np.ndarray, p_elements: np.ndarray, p_assess: np.ndarray, meta: dict[str, Any],
           settings: ClassifySettings,
           weakened: list[bool] | None = None) -> list[tuple[tuple[str, ...], tuple[str, ...], str, float]]:
    """From probabilities to (topics, elements, assessment, margin) per clause.

    A topic's score is the geometric mean of the topic model's probability and
    the best probability among its elements (the two models must agree; this
    beat either alone on the dev split). A clause gets the topics scoring
    above the threshold unless the assessment model is confident it is
    "other"; when none does but the assessment model is confident it is on
    some topic, its best topic if that is not far below (the two models
    disagree most on short clauses in unusual words); within each chosen
    topic, the elements above their threshold, or at least the most probable one.
    A clause flagged in `weakened` (it holds a "weakening" hedge of the
    language's marker file, see `weakened_rows`) is never strong: weak instead.
    """
    topic_labels = meta["labels"]["topics"]
    element_labels = meta["labels"]["elements"]
    assess_labels = meta["labels"]["assessment"]
    topic_of = load_taxonomy().topic_of
    neutral = assess_labels.index("neutral")
    members = [[i for i, e in enumerate(element_labels) if topic_of.get(e) == t] for t in topic_labels]
    best_element = np.stack([p_elements[:, idx].max(axis=1) for idx in members], axis=1)
    p_topics = np.sqrt(p_topics * best_element)
    out = []
    flags = [False] * len(p_topics) if weakened is None else list(weakened)
    for pt, pe, pa, weak in zip(p_topics, p_elements, p_assess, flags):
        chosen = [t for t, p in zip(topic_labels, pt) if p >= settings.topic_threshold]
        if pa[neutral] >= settings.neutral_veto:
            chosen = []
        elif not chosen and pa[neutral] < settings.rescue_neutral and pt.max() >= settings.rescue_topic:
            chosen = [topic_labels[int(pt.argmax())]]
        margins = [abs(p - settings.topic_threshold) for p in pt]
        if not chosen:
            out.append(((), (), "neutral", float(min(margins))))
            continue
        elements: list[str] = []
        for topic in chosen:
            idx = members[topic_labels.index(topic)]
            above = [element_labels[i] for i in idx if pe[i] >= settings.element_threshold]
            elements.extend(above or [element_labels[max(idx, key=lambda i: pe[i])]])
        order = [i for i in np.argsort(pa)[::-1] if assess_labels[i] != "neutral"]
        if assess_labels[order[0]] == "adverse" and pa[order[0]] < settings.adverse_threshold:
            order = order[1:]
        assessment = assess_labels[order[0]]
        if weak and assessment == "strong":
            assessment = "weak"
        out.append((tuple(sorted(chosen)), tuple(sorted(elements)), assessment, float(min(margins))))
    return out


def _word_evidence(models: Models, row: Any, label_index: int, limit: int) -> list[str]:
    """The lemma features that pushed one element up the most in one (vectorised) clause."""
    names, n_words = _word_features(models)
    weights, _ = models.elements.named_steps["clf"]._stacked
    contrib = [(value * weights[j, label_index], j) for value, j in zip(row.data, row.indices) if j < n_words]
    contrib.sort(reverse=True)
    return [names[j] for value, j in contrib[:limit] if value > 0]


def _word_features(models: Models) -> tuple[Any, int]:
    """Names of the lemma (word) features, which come first in the feature step's output."""
    cached = getattr(models, "_word_names", None)
    if cached is None:
        words = models.topics.named_steps["features"].named_transformers_["words"]
        names = words.get_feature_names_out()
        cached = (names, len(names))
        models._word_names = cached
    return cached


Labels = tuple[tuple[str, ...], tuple[str, ...], str, dict[str, Any], list[str]]
"""(topics, elements, assessment, scores, evidence terms) of one clause."""


def classify_texts(models: Models, texts: list[str], langs: list[str], evidence: bool = False,
                   pairs: list[int | None] | None = None) -> list[Labels]:
    """Labels, scores and (optionally) evidence terms for raw clause texts.

    `pairs[i]`, when given, is the index of the same clause in the other
    language of a bilingual agreement: both sides then get the labels of
    their pooled scores, so one clause never reads as strong in Russian and
    weak in Kazakh.
    """
    if not texts:
        return []
    settings = models.settings
    X = frame(texts, langs, models.lemmatiser)
    Xt = models.topics.named_steps["features"].transform(X).tocsr()
    pt, pe, pa = probabilities(models.topics, models.elements, models.assessment, Xt, vectorised=True)
    if pairs is not None:
        pt, pe, pa = (pool_pairs(p, pairs) for p in (pt, pe, pa))
    decisions = decide(pt, pe, pa, models.meta, settings, weakened_rows(X))
    labels = models.meta["labels"]
    results = []
    for i, (topics, elements, assessment, margin) in enumerate(decisions):
        scores = {
            "topics": {t: round(float(p), 4) for t, p in zip(labels["topics"], pt[i]) if p >= 0.05},
            "elements": {e: round(float(p), 4) for e, p in zip(labels["elements"], pe[i]) if p >= 0.05},
            "assessment": {a: round(float(p), 4) for a, p in zip(labels["assessment"], pa[i])},
            "meta": {"margin": round(margin, 4)},
        }
        terms: list[str] = []
        if evidence and elements:
            row = Xt[i]
            for element in elements:
                terms.extend(_word_evidence(models, row, labels["elements"].index(element), settings.evidence_words))
            terms.extend(m.phrase for m in find_markers(texts[i], langs[i]) if m.kind != "negation")
        results.append((topics, elements, assessment, scores, list(dict.fromkeys(terms))))
    return results


def pool_pairs(p: np.ndarray, pairs: list[int | None]) -> np.ndarray:
    """Each row averaged with the row of its other-language side (rows without one unchanged)."""
    pooled = p.copy()
    for i, j in enumerate(pairs):
        if j is not None and 0 <= j < len(p) and j != i:
            pooled[i] = (p[i] + p[j]) / 2
    return pooled


def evidence_words(text: str, lang: str, terms: list[str], lemmatiser: Lemmatiser) -> tuple[str, ...]:
    """Surface words (and marker phrases) of the clause whose lemmas are among the evidence terms."""
    import re

    wanted = {t for term in terms for t in term.split() if not t.startswith("zz")}
    phrases = [t for t in terms if " " in t or t not in wanted]
    words = re.findall(r"\w+", text)
    lemmas = lemmatiser.lemmas(" ".join(words), lang if lang in SUPPORTED else "ru")
    found = [w for w, lemma in zip(words, lemmas) if lemma in wanted and len(w) > 2]
    found.extend(p for p in phrases if p.lower() in text.lower())
    return tuple(dict.fromkeys(found))


def label_clauses(clauses: list[Any], models: Models, matcher: Any = None,
                  evidence: bool = True) -> tuple[LabelledClause, ...]:
    """Clauses -> LabelledClauses (labels, scores, evidence words, nearest library texts)."""
    position = {c.id: i for i, c in enumerate(clauses) if c.lang_supported}
    pairs = [position.get(c.pair) if c.pair and c.lang_supported else None for c in clauses]
    texts = [f"{c.lead}\n{c.text}" if c.lead else c.text for c in clauses]  # an item is read with its lead-in
    results = classify_texts(models, texts, [c.lang for c in clauses], evidence=evidence, pairs=pairs)
    out = []
    for clause, (topics, elements, assessment, scores, terms) in zip(clauses, results):
        if not clause.lang_supported:
            topics, elements, assessment = (), (), "neutral"
        words = evidence_words(clause.text, clause.lang, terms, models.lemmatiser) if terms else ()
        matches: tuple[Match, ...] = ()
        if matcher is not None and elements:
            matches = tuple(matcher.nearest(clause.text, clause.lang, elements))
        out.append(LabelledClause(clause=clause, topics=topics, elements=elements, assessment=assessment,
                                  scores=scores, evidence=words, matches=matches))
    return tuple(out)
