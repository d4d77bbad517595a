"""A synthetic corpus of full-size agreements for batch benchmarks (ru, kk, en and kk|ru bilingual).

Each agreement is about 30 pages: 250-350 clauses in 12-16 Word-numbered
sections with headings (1., 1.1., sub-items а)/(a)/1)), like the sample
agreements of corpora/agreements/. Its sections, headings, preamble and
signatures come from the samples' YAML sources (corpora/agreements/src/); the
sections are filled with clauses sampled from corpora/clauses/*.jsonl (labelled
clauses of the same language, digital-topic ones put into sections whose sample
clauses carry that topic). Bilingual agreements are one two-column kk|ru table,
as in the bilingual sample, of 125-175 rows (250-350 clauses counting both
sides, as the analyser does); their rows are the sample's kk/ru pairs plus pairs
of a Kazakh and a Russian corpus clause with the same labels (not translations
of each other: enough for timing, not for evaluating).

Everything depends only on the seed and the agreement's index: agreement i is
the same whatever N is. Half of the agreements are .docx, half text PDFs made
from .docx by LibreOffice (in batches, two soffice processes at once); each
agreement exists once. Files go to OUT/<sector>/<year>/<lang>_<kind>_<place>_<year>_<i>.<ext>:
the corpus report (`analyser report`) takes the sector from the folder directly
under the scored root and the year from the path. OUT/manifest.json lists them.

Usage: .venv/bin/python benchmarks/make_corpus.py --n 300 --out /tmp/analyser-bench/corpus [--seed 13]
"""
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from docx.shared import Pt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyser.docx_build import LATIN_LETTERS_LIST, OUTLINE, RUSSIAN_LETTERS_LIST, DocxBuilder  # noqa: E402

CLAUSES_DIR = ROOT / "corpora" / "clauses"
SOURCES_DIR = ROOT / "corpora" / "agreements" / "src"
KAZAKH_ITEMS = (("decimal", "%1)"),)
LANGS = (("ru", 0.35), ("kk", 0.27), ("en", 0.26), ("kk-ru", 0.12))
SECTORS = {"schools": "school", "colleges": "college", "universities": "university", "industry": "industry"}
YEARS = tuple(range(2021, 2027))
PLACES = {"astana": "Астана", "almaty": "Алматы", "shymkent": "Шымкент", "karaganda": "Караганда",
          "aktobe": "Актобе", "pavlodar": "Павлодар", "taraz": "Тараз", "oskemen": "Усть-Каменогорск",
          "atyrau": "Атырау", "kostanay": "Костанай", "semey": "Семей", "turkistan": "Туркестан",
          "kyzylorda": "Кызылорда", "petropavl": "Петропавловск", "aktau": "Актау", "oral": "Уральск",
          "temirtau": "Темиртау", "ekibastuz": "Экибастуз"}
# Organisation names per kind and language, {place} filled in.
ORGS = {
    "ru": {"school": "КГУ «Общеобразовательная школа № {n}» города {place}",
           "college": "ГККП «Высший колледж № {n}» города {place}",
           "university": "НАО «{place} университет № {n}»",
           "industry": "ТОО «{place}-Машзавод № {n}»"},
    "kk": {"school": "{place} қаласының № {n} жалпы білім беретін мектебі КММ",
           "college": "{place} қаласының № {n} жоғары колледжі МКҚК",
           "university": "«{place} № {n} университеті» КеАҚ",
           "industry": "«{place} № {n} машина жасау зауыты» ЖШС"},
    "en": {"school": "{place} Secondary School No. {n}",
           "college": "{place} College of Technology No. {n}",
           "university": "{place} University No. {n}",
           "industry": "{place} Engineering Works No. {n} LLP"},
}
TITLES = {
    "ru": "КОЛЛЕКТИВНЫЙ ДОГОВОР {org} на {y1}–{y2} годы",
    "kk": "{org} {y1}–{y2} жылдарға арналған ҰЖЫМДЫҚ ШАРТЫ",
    "en": "COLLECTIVE AGREEMENT between {org} and its recognised trade union, {y1}–{y2}",
}
LEADING_NUMBER = re.compile(r"^\s*(?:(?:п\.|пункт|тармақ|clause|article)\s*)?(?:\d+(?:\.\d+)+\.?|\d+\.)\s+", re.I)


@dataclass
class Clause:
    text: object  # str, or {"kk": ..., "ru": ...} for bilingual rows
    items: list = field(default_factory=list)
    topics: tuple[str, ...] = ()


@dataclass
class Section:
    heading: object
    clauses: list[Clause]
    topics: frozenset[str]
    position: str  # "first" | "middle" | "last"


@dataclass
class Pools:
    clauses: dict[str, list[dict]]  # lang -> corpus records
    pairs: list[tuple[dict, dict]]  # (kk, ru) records with the same labels
    sections: dict[str, list[Section]]  # "ru" | "kk" | "en" | "kk-ru" -> sample sections
    sources: dict[str, list[dict]]  # lang -> sample YAML sources (for preambles, signatures)


def _clean(text: str) -> str:
    return LEADING_NUMBER.sub("", text.strip(), count=1)


def load_pools(seed: int) -> Pools:
    from analyser.taxonomy import load_taxonomy

    topic_of = load_taxonomy().topic_of
    clauses: dict[str, list[dict]] = {"ru": [], "kk": [], "en": []}
    for path in sorted(CLAUSES_DIR.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                record["text"] = _clean(record["text"])
                clauses.setdefault(record["lang"], []).append(record)
    rng = random.Random(seed)
    groups: dict[tuple, dict[str, list[dict]]] = {}
    for lang in ("kk", "ru"):
        for r in clauses[lang]:
            groups.setdefault((tuple(sorted(r["elements"])), r["assessment"]), {"kk": [], "ru": []})[lang].append(r)
    pairs: list[tuple[dict, dict]] = []
    for key in sorted(groups):
        kk, ru = list(groups[key]["kk"]), list(groups[key]["ru"])
        rng.shuffle(ru)
        pairs.extend(zip(kk, ru))
    sections: dict[str, list[Section]] = {"ru": [], "kk": [], "en": [], "kk-ru": []}
    sources: dict[str, list[dict]] = {"ru": [], "kk": [], "en": [], "kk-ru": []}
    for path in sorted(SOURCES_DIR.glob("*.yaml")):
        src = yaml.safe_load(path.read_text(encoding="utf-8"))
        sources[src["lang"]].append(src)
        count = len(src["sections"])
        for s, section in enumerate(src["sections"]):
            position = "first" if s == 0 else "last" if s == count - 1 else "middle"
            made = [Clause(c["text"], list(c.get("items", [])),
                           tuple(sorted({topic_of[e] for e in c.get("elements", [])})))
                    for c in section["clauses"]]
            topics = frozenset(t for c in made for t in c.topics)
            sections[src["lang"]].append(Section(section["heading"], made, topics, position))
            if src["lang"] == "kk-ru":  # each side also serves the monolingual agreements
                for lang in ("kk", "ru"):
                    sections[lang].append(Section(
                        section["heading"][lang],
                        [Clause(c.text[lang], [i[lang] for i in c.items], c.topics) for c in made],  # type: ignore[index]
                        topics, position))
    return Pools(clauses, pairs, sections, sources)


@dataclass(frozen=True)
class Plan:
    index: int
    lang: str
    kind: str
    sector: str
    year: int
    place: str
    pdf: bool

    @property
    def name(self) -> str:
        return f"{self.lang}_{self.kind}_{self.place}_{self.year}_{self.index:04d}"

    def folder(self, out: Path) -> Path:
        return out / self.sector / str(self.year)


def plan(index: int, seed: int) -> Plan:
    rng = random.Random(f"{seed}:plan:{index}")
    lang = rng.choices([lang for lang, _ in LANGS], weights=[w for _, w in LANGS])[0]
    sector = rng.choice(sorted(SECTORS))
    return Plan(index, lang, SECTORS[sector], sector, rng.choice(YEARS), rng.choice(sorted(PLACES)), pdf=index % 2 == 1)


def _heading_key(heading: object) -> str:
    return json.dumps(heading, ensure_ascii=False, sort_keys=True).lower()


def compose(p: Plan, pools: Pools, seed: int) -> tuple[list[Section], int]:
    """The sections of one agreement, filled to 250-350 clauses."""
    rng = random.Random(f"{seed}:compose:{p.index}")
    available = pools.sections[p.lang]
    n_sections = rng.randint(12, 16)
    n_clauses = rng.randint(250, 350)
    if p.lang == "kk-ru":  # each row holds a clause twice (kk | ru): half as many rows, about as many pages
        n_clauses //= 2
    firsts = [s for s in available if s.position == "first"]
    lasts = [s for s in available if s.position == "last"]
    middles = [s for s in available if s.position == "middle"]
    rng.shuffle(middles)
    chosen = [rng.choice(firsts)]
    seen = {_heading_key(chosen[0].heading)}
    for s in middles:
        if len(chosen) >= n_sections - 1:
            break
        if _heading_key(s.heading) not in seen:
            seen.add(_heading_key(s.heading))
            chosen.append(s)
    chosen.append(rng.choice(lasts))
    # each section keeps 60-100 % of its sample clauses
    filled = [Section(s.heading, rng.sample(s.clauses, max(1, round(len(s.clauses) * rng.uniform(0.6, 1.0)))),
                      s.topics, s.position) for s in chosen]
    room = max(0, n_clauses - sum(len(s.clauses) for s in filled))
    digital_share = rng.uniform(0.08, 0.35)
    n_digital = round(room * digital_share)
    labelled: list[Any]
    neutral: list[Any]
    if p.lang == "kk-ru":
        labelled = [r for r in pools.pairs if r[0]["elements"]]
        neutral = [r for r in pools.pairs if not r[0]["elements"]]
    else:
        labelled = [r for r in pools.clauses[p.lang] if r["elements"]]
        neutral = [r for r in pools.clauses[p.lang] if not r["elements"]]
    extra = (rng.sample(labelled, min(n_digital, len(labelled)))
             + rng.sample(neutral, min(room - n_digital, len(neutral))))
    middle_ids = list(range(1, len(filled) - 1)) or [0]
    for record in extra:
        first = record[0] if isinstance(record, tuple) else record
        text = {"kk": record[0]["text"], "ru": record[1]["text"]} if isinstance(record, tuple) else record["text"]
        topics = tuple(first["topics"])
        homes = [i for i in middle_ids if topics and set(topics) & filled[i].topics]
        target = rng.choice(homes or middle_ids)
        filled[target].clauses.append(Clause(text, [], topics))
    for s in filled[1:-1]:
        rng.shuffle(s.clauses)
    return filled, sum(len(s.clauses) for s in filled)


def _side(value: object, lang: str) -> str:
    return str(value[lang]) if isinstance(value, dict) else str(value)  # type: ignore[index]


def write_docx(p: Plan, sections: list[Section], pools: Pools, target: Path, seed: int) -> None:
    rng = random.Random(f"{seed}:docx:{p.index}")
    b = DocxBuilder()
    normal = b.document.styles["Normal"]
    normal.font.size = Pt(rng.choice((13, 14, 14)))
    normal.paragraph_format.space_after = Pt(rng.choice((3, 6)))
    normal.paragraph_format.line_spacing = rng.choice((1.0, 1.1, 1.15))
    same_kind = [src for src in pools.sources[p.lang] if src["kind"] == p.kind]
    source = rng.choice(same_kind or pools.sources[p.lang])
    y1, y2 = p.year, p.year + rng.choice((2, 3))
    place = p.place.capitalize() if p.lang == "en" else PLACES[p.place]
    n = rng.randint(1, 120)
    if p.lang == "kk-ru":
        org_kk = ORGS["kk"][p.kind].format(place=place, n=n)
        org_ru = ORGS["ru"][p.kind].format(place=place, n=n)
        title = f"{TITLES['kk'].format(org=org_kk, y1=y1, y2=y2)} / {TITLES['ru'].format(org=org_ru, y1=y1, y2=y2)}"
    else:
        title = TITLES[p.lang].format(org=ORGS[p.lang][p.kind].format(place=place, n=n), y1=y1, y2=y2)
    if rng.random() < 0.5:  # a running title on every page, as in many real agreements
        b.header_footer(title[:90], "")
    b.paragraph(title, bold=True)
    if p.lang == "kk-ru":
        rows: list[list[str]] = [[_side(x, "kk"), _side(x, "ru")] for x in source.get("preamble", [])]
        for s, section in enumerate(sections, 1):
            rows.append([f"{s}-бап. {_side(section.heading, 'kk')}", f"Статья {s}. {_side(section.heading, 'ru')}"])
            for c, clause in enumerate(section.clauses, 1):
                sides = []
                for lang in ("kk", "ru"):
                    text = f"{s}.{c}. {_side(clause.text, lang)}"
                    for i, item in enumerate(clause.items, 1):
                        text += f"\n{i}) {_side(item, lang)}"
                    sides.append(text)
                rows.append(sides)
        b.table(rows)
    else:
        items_def = b.list_definition(
            KAZAKH_ITEMS if p.lang == "kk" else LATIN_LETTERS_LIST if p.lang == "en" else RUSSIAN_LETTERS_LIST)
        for para in source.get("preamble", []):
            b.paragraph(str(para))
        outline = b.list_instance(b.list_definition(OUTLINE))
        for section in sections:
            b.paragraph(str(section.heading), outline, 0, bold=True)
            for clause in section.clauses:
                b.paragraph(str(clause.text), outline, 1)
                if clause.items:
                    items = b.list_instance(items_def, restart_at=1)
                    for item in clause.items:
                        b.paragraph(str(item), items)
    for line in source.get("signatures", []):
        b.paragraph(str(line))
    b.save(target)


def _soffice() -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed for the PDFs: apt-get install libreoffice-writer-nogui")
    return soffice


def convert_batch(docx_files: list[Path], outdir: Path, profile: Path) -> None:
    """One LibreOffice call converting every file of the batch to PDF in `outdir`."""
    subprocess.run([_soffice(), "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", "pdf",
                    "--outdir", str(outdir), *map(str, docx_files)],
                   check=True, capture_output=True, timeout=60 + 20 * len(docx_files))


def make_corpus(out_dir: str | Path, n: int, seed: int = 13, batch: int = 25, parallel: int = 2,
                log=print) -> list[Path]:  # type: ignore[no-untyped-def]
    """Build N agreements under out_dir (half .docx, half PDF); returns their paths, in index order."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    pools = load_pools(seed)
    staging = Path(tempfile.mkdtemp(prefix="make_corpus_", dir=out))
    results: list[Path] = []
    manifest = []
    to_convert: list[tuple[Path, Path]] = []  # staged .docx, final .pdf
    try:
        for i in range(n):
            p = plan(i, seed)
            sections, count = compose(p, pools, seed)
            folder = p.folder(out)
            folder.mkdir(parents=True, exist_ok=True)
            if p.pdf:
                staged = staging / f"{p.name}.docx"
                write_docx(p, sections, pools, staged, seed)
                final = folder / f"{p.name}.pdf"
                to_convert.append((staged, final))
            else:
                final = folder / f"{p.name}.docx"
                write_docx(p, sections, pools, final, seed)
            results.append(final)
            manifest.append({"path": str(final.relative_to(out)), "lang": p.lang, "sector": p.sector,
                             "year": p.year, "sections": len(sections), "clauses": count})
        log(f"{n} .docx written in {time.perf_counter() - started:.1f} s; converting {len(to_convert)} to PDF")
        batches = [to_convert[k:k + batch] for k in range(0, len(to_convert), batch)]

        def run(job: tuple[int, list[tuple[Path, Path]]]) -> None:
            k, items = job
            outdir = staging / f"pdf{k}"
            outdir.mkdir()
            with tempfile.TemporaryDirectory(prefix="soffice_profile_") as profile:
                convert_batch([s for s, _ in items], outdir, Path(profile))
            for staged, final in items:
                produced = outdir / f"{staged.stem}.pdf"
                if not produced.is_file():
                    raise RuntimeError(f"LibreOffice did not convert {staged.name}")
                shutil.move(str(produced), final)
                staged.unlink()

        with ThreadPoolExecutor(max_workers=parallel) as pool:
            list(pool.map(run, enumerate(batches)))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    (out / "manifest.json").write_text(json.dumps({"n": n, "seed": seed, "files": manifest}, ensure_ascii=False,
                                                  indent=1) + "\n", encoding="utf-8")
    log(f"{n} agreements in {out} ({time.perf_counter() - started:.1f} s)")
    return results


def existing_corpus(out_dir: str | Path, n: int, seed: int = 13) -> list[Path] | None:
    """The files of a corpus made before with these N and seed, if all are still there."""
    out = Path(out_dir)
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("seed") != seed or manifest.get("n", 0) < n:
        return None
    paths = [out / f["path"] for f in manifest["files"][:n]]
    return paths if all(p.is_file() for p in paths) else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=300, help="number of agreements")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--batch", type=int, default=25, help="files per LibreOffice call")
    args = parser.parse_args(argv)
    make_corpus(args.out, args.n, args.seed, args.batch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
