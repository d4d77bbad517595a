"""Build the sample agreements of corpora/agreements/ from their YAML sources.

For each src/<id>.yaml: <id>.docx with real Word numbering (sections 1., clauses
1.1., sub-items а)/(a)), a kk|ru two-column table for bilingual ones, <id>.pdf
converted from the .docx by LibreOffice, and <id>.key.json, the answer key.

Usage: python corpora/agreements/build.py [ID ...] [--no-pdf]
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from analyser.docx_build import LATIN_LETTERS_LIST, OUTLINE, RUSSIAN_LETTERS_LIST, DocxBuilder  # noqa: E402
from analyser.taxonomy import load_taxonomy, status_of  # noqa: E402

KAZAKH_ITEMS = (("decimal", "%1)"),)


def _side(value: object, lang: str) -> str:
    return str(value[lang]) if isinstance(value, dict) else str(value)  # type: ignore[index]


def build_docx(src: dict, target: Path) -> list[dict]:
    """Write the .docx; returns the clauses with the number labels Word will show."""
    b = DocxBuilder()
    bilingual = src["lang"] == "kk-ru"
    items_def = b.list_definition(
        KAZAKH_ITEMS if src["lang"] == "kk" else LATIN_LETTERS_LIST if src["lang"] == "en" else RUSSIAN_LETTERS_LIST
    )
    clauses: list[dict] = []
    if bilingual:
        b.paragraph(f"{_side(src['title'], 'kk')} / {_side(src['title'], 'ru')}", bold=True)
        rows: list[list[str]] = [[_side(p, "kk"), _side(p, "ru")] for p in src.get("preamble", [])]
        for s, section in enumerate(src["sections"], 1):
            heading = section["heading"]
            rows.append([f"{s}-бап. {_side(heading, 'kk')}", f"Статья {s}. {_side(heading, 'ru')}"])
            for c, clause in enumerate(section["clauses"], 1):
                number = f"{s}.{c}."
                sides = []
                for lang in ("kk", "ru"):
                    text = f"{number} {_side(clause['text'], lang)}"
                    for i, item in enumerate(clause.get("items", []), 1):
                        text += f"\n{i}) {_side(item, lang)}"
                    sides.append(text)
                rows.append(sides)
                clauses.append({"number": number, **_labels(clause)})
        b.table(rows)
    else:
        b.paragraph(str(src["title"]), bold=True)
        for para in src.get("preamble", []):
            b.paragraph(str(para))
        outline = b.list_instance(b.list_definition(OUTLINE))
        for s, section in enumerate(src["sections"], 1):
            b.paragraph(str(section["heading"]), outline, 0, bold=True)
            for c, clause in enumerate(section["clauses"], 1):
                b.paragraph(str(clause["text"]), outline, 1)
                if clause.get("items"):
                    items = b.list_instance(items_def, restart_at=1)
                    for item in clause["items"]:
                        b.paragraph(str(item), items)
                clauses.append({"number": f"{s}.{c}.", **_labels(clause)})
    for line in src.get("signatures", []):
        b.paragraph(str(line))
    b.save(target)
    return clauses


def _labels(clause: dict) -> dict:
    return {"elements": list(clause.get("elements", [])), "assessment": clause.get("assessment", "neutral")}


def answer_key(src: dict, clauses: list[dict]) -> dict:
    """Status of every taxonomy element with the clause numbers carrying it."""
    taxonomy = load_taxonomy()
    key = {}
    for element in taxonomy.element_ids:
        carrying = [c for c in clauses if element in c["elements"]]
        key[element] = {
            "status": status_of([c["assessment"] for c in carrying]),
            "clauses": [c["number"] for c in carrying],
        }
    return {"id": src["id"], "lang": src["lang"], "kind": src["kind"], "clause_count": len(clauses),
            "elements": key}


def to_pdf(docx_path: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed to make the PDFs: apt-get install libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", "pdf",
                        "--outdir", str(docx_path.parent), str(docx_path)], check=True, capture_output=True,
                       timeout=300)
    return docx_path.with_suffix(".pdf")


def main(argv: list[str]) -> int:
    wanted = [a for a in argv if not a.startswith("--")]
    for path in sorted((HERE / "src").glob("*.yaml")):
        src = yaml.safe_load(path.read_text(encoding="utf-8"))
        if wanted and src["id"] not in wanted:
            continue
        target = HERE / f"{src['id']}.docx"
        clauses = build_docx(src, target)
        (HERE / f"{src['id']}.key.json").write_text(
            json.dumps(answer_key(src, clauses), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        if "--no-pdf" not in argv:
            to_pdf(target)
        print(f"{src['id']}: {len(clauses)} clauses")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
