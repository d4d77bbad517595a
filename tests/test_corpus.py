"""The labelled corpus (corpora/clauses) and the sample agreements (corpora/agreements), read as they are.

No mocks: every test reads the real files, so a bad label, a missing file or a
paraphrase that leaks across the train/dev/test split fails here.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml
from rapidfuzz import fuzz, process

from analyser.corpus import CORPUS_DIR, NEAR_DUPLICATE, SPLITS, LabelledText, check_record, load_corpus
from analyser.taxonomy import ASSESSMENTS, load_taxonomy, status_of

ROOT = Path(__file__).resolve().parents[1]
AGREEMENTS = ROOT / "corpora" / "agreements"
LANGS = ("ru", "kk", "en")
MINIMUM = {"ru": 900, "kk": 750, "en": 750}
MINIMUM_TOTAL = 2400
PER_ELEMENT = {"strong": 6, "weak": 3, "adverse": 2}
AGREEMENT_LANGS = {"ru": 3, "kk": 2, "en": 2, "kk-ru": 1}


@pytest.fixture(scope="module")
def corpus() -> list[LabelledText]:
    return load_corpus()


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


# ---------------------------------------------------------------- clauses


def test_every_line_is_a_valid_record(taxonomy):
    problems = []
    files = sorted(CORPUS_DIR.glob("*.jsonl"))
    assert files, f"no *.jsonl under {CORPUS_DIR}"
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                problem = check_record(json.loads(line), taxonomy)
            except json.JSONDecodeError as exc:
                problem = f"not JSON ({exc.msg})"
            if problem:
                problems.append(f"{path.name}:{n}: {problem}")
    assert not problems, "\n".join(problems)


def test_load_corpus_reads_every_line(corpus):
    lines = sum(
        1 for path in CORPUS_DIR.glob("*.jsonl") for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    )
    assert len(corpus) == lines
    assert {r.assessment for r in corpus} <= set(ASSESSMENTS)
    assert all(r.lang in LANGS for r in corpus)


def test_ids_are_unique(corpus):
    repeated = [i for i, n in Counter(r.id for r in corpus).items() if n > 1]
    assert not repeated


def test_language_minimums(corpus):
    per_lang = Counter(r.lang for r in corpus)
    for lang, least in MINIMUM.items():
        assert per_lang[lang] >= least, f"{lang}: {per_lang[lang]} clauses, need {least}"
    assert len(corpus) >= MINIMUM_TOTAL


def test_every_element_has_enough_clauses_in_every_language(corpus, taxonomy):
    counts = Counter((r.lang, e, r.assessment) for r in corpus for e in r.elements)
    short = [
        f"{lang} {element} {assessment}: {counts[(lang, element, assessment)]} < {least}"
        for lang in LANGS for element in taxonomy.element_ids for assessment, least in PER_ELEMENT.items()
        if counts[(lang, element, assessment)] < least
    ]
    assert not short, "\n".join(short)


@pytest.mark.parametrize("lang", [None, *LANGS])
def test_neutral_share(corpus, lang):
    records = [r for r in corpus if lang is None or r.lang == lang]
    share = sum(r.assessment == "neutral" for r in records) / len(records)
    assert 0.30 <= share <= 0.50, f"{lang or 'all'}: neutral share {share:.1%}"


def test_no_family_in_two_splits(corpus):
    splits = defaultdict(set)
    for r in corpus:
        splits[r.family].add(r.split)
    assert all(r.split in SPLITS for r in corpus)
    crossing = {f: sorted(s) for f, s in splits.items() if len(s) > 1}
    assert not crossing


@pytest.mark.parametrize("lang", LANGS)
def test_no_near_duplicate_across_splits(corpus, lang):
    items = [r for r in corpus if r.lang == lang]
    texts = [r.text.lower() for r in items]
    scores = process.cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=NEAR_DUPLICATE, workers=-1)
    rows, cols = (scores > NEAR_DUPLICATE).nonzero()
    leaks = [
        f"{items[i].id} ({items[i].split}) ~ {items[j].id} ({items[j].split}): {scores[i, j]:.0f}"
        for i, j in zip(rows.tolist(), cols.tolist())
        if i < j and items[i].split != items[j].split
    ]
    assert not leaks, "\n".join(leaks)


def test_every_split_has_every_language(corpus):
    present = {(r.split, r.lang) for r in corpus}
    missing = [(s, lang) for s in SPLITS for lang in LANGS if (s, lang) not in present]
    assert not missing


# ---------------------------------------------------------------- sample agreements


def _keys() -> list[Path]:
    return sorted(AGREEMENTS.glob("*.key.json"))


def _key(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _stem(path: Path) -> str:
    return path.name.removesuffix(".key.json")


def test_sample_agreements_by_language():
    per_lang = Counter(_key(p)["lang"] for p in _keys())
    assert len(_keys()) >= sum(AGREEMENT_LANGS.values()), f"only {len(_keys())} answer keys: {dict(per_lang)}"
    for lang, least in AGREEMENT_LANGS.items():
        assert per_lang[lang] >= least, f"{lang}: {per_lang[lang]} sample agreements, need {least}"


@pytest.mark.parametrize("key_path", _keys(), ids=_stem)
def test_key_has_docx_pdf_and_source(key_path):
    stem = _stem(key_path)
    for path in (AGREEMENTS / f"{stem}.docx", AGREEMENTS / f"{stem}.pdf", AGREEMENTS / "src" / f"{stem}.yaml"):
        assert path.is_file() and path.stat().st_size > 0, f"{path} is missing"


def test_every_source_is_built():
    sources = sorted((AGREEMENTS / "src").glob("*.yaml"))
    unbuilt = [p.name for p in sources if not (AGREEMENTS / f"{p.stem}.key.json").is_file()]
    assert not unbuilt, f"run corpora/agreements/build.py for {unbuilt}"


@pytest.mark.parametrize("key_path", _keys(), ids=_stem)
def test_key_covers_every_element(key_path, taxonomy):
    key = _key(key_path)
    assert key["id"] == _stem(key_path)
    assert set(key["elements"]) >= set(taxonomy.element_ids)
    assert all(v["status"] in ("covered", "weak", "conflict", "missing") for v in key["elements"].values())


@pytest.mark.parametrize("key_path", _keys(), ids=_stem)
def test_key_follows_the_status_rule(key_path, taxonomy):
    key = _key(key_path)
    src = yaml.safe_load((AGREEMENTS / "src" / f"{key['id']}.yaml").read_text(encoding="utf-8"))
    assert (src["id"], src["lang"], src["kind"]) == (key["id"], key["lang"], key["kind"])
    clauses = []
    for s, section in enumerate(src["sections"], 1):
        for c, clause in enumerate(section["clauses"], 1):
            number, elements, assessment = f"{s}.{c}.", clause.get("elements", []), clause.get("assessment")
            assert assessment in ASSESSMENTS, f"{number}: assessment {assessment!r}"
            assert set(elements) <= set(taxonomy.element_ids), f"{number}: unknown elements in {elements}"
            assert (assessment == "neutral") == (not elements), f"{number}: neutral iff no elements"
            clauses.append((number, elements, assessment))
    assert key["clause_count"] == len(clauses)
    for element in taxonomy.element_ids:
        carrying = [(n, a) for n, els, a in clauses if element in els]
        want = {"status": status_of([a for _, a in carrying]), "clauses": [n for n, _ in carrying]}
        assert key["elements"][element] == want, element


# ---------------------------------------------------------------- taxonomy copy


def test_packaged_taxonomy_is_the_shared_contract():
    shared = Path(__file__).resolve().parents[1].parent / "shared" / "taxonomy.yaml"
    packaged = ROOT / "analyser" / "resources" / "taxonomy.yaml"
    assert packaged.read_bytes() == shared.read_bytes()
