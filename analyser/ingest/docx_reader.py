"""Word .docx to blocks: body order, auto-numbering, tables, tracked changes.

python-docx opens the package; the body is walked as XML so that nested
tables, content controls, text boxes and revision marks are all seen in the
order a reader sees them. Headers, footers, footnotes and comments live in
other parts of the package and never enter the body.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from analyser.errors import DocumentLoadError
from analyser.ingest.docx_numbering import Numbering, level_number, w
from analyser.language import detect_language
from analyser.model import Block, BlockKind, Document

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
HEADING_STYLE = re.compile(r"^(heading|заголовок|title|название|тақырып)\s*(\d*)$", re.IGNORECASE)
SKIPPED = {w("del"), w("moveFrom"), w("txbxContent"), f"{{{MC}}}Fallback", w("delText"),
           w("instrText"), w("pPr"), w("rPr")}
REVISION = {w("ins"), w("del"), w("moveFrom"), w("moveTo")}

if TYPE_CHECKING:
    import docx.document


@dataclass
class _Styles:
    """Paragraph styles: display names, base styles and style-linked numbering."""

    names: dict[str, str] = field(default_factory=dict)
    based_on: dict[str, str] = field(default_factory=dict)
    num: dict[str, tuple[str | None, int | None]] = field(default_factory=dict)

    @classmethod
    def from_document(cls, document: docx.document.Document) -> _Styles:
        styles = cls()
        for el in document.styles.element.iter(w("style")):
            sid = el.get(w("styleId")) or ""
            name = el.find(w("name"))
            styles.names[sid] = name.get(w("val")) if name is not None else sid
            base = el.find(w("basedOn"))
            if base is not None:
                styles.based_on[sid] = base.get(w("val")) or ""
            num_pr = el.find(f"{w('pPr')}/{w('numPr')}")
            if num_pr is not None:
                nid = num_pr.find(w("numId"))
                ilvl = num_pr.find(w("ilvl"))
                styles.num[sid] = (
                    nid.get(w("val")) if nid is not None else None,
                    level_number(ilvl.get(w("val"))) if ilvl is not None else None,
                )
        return styles

    def numbering(self, sid: str) -> tuple[str | None, int | None]:
        seen = set()
        while sid and sid not in seen:
            if sid in self.num:
                return self.num[sid]
            seen.add(sid)
            sid = self.based_on.get(sid, "")
        return None, None


@dataclass
class _Walker:
    """Walks the body once, emitting blocks in reading order."""

    numbering: Numbering
    styles: _Styles
    blocks: list[Block] = field(default_factory=list)
    page: int = 1
    tables: int = 0
    revised: int = 0
    rendered_breaks: bool = False  # Word saved its own page layout: count those breaks only

    def add(self, text: str, **kw: object) -> None:
        self.blocks.append(Block(index=len(self.blocks), text=text, page=self.page, **kw))  # type: ignore[arg-type]

    def container(self, el: etree._Element, where: str, **kw: object) -> None:
        for child in el.iterchildren():
            tag = child.tag
            if tag == w("p"):
                self.paragraph(child, where, **kw)
            elif tag == w("tbl"):
                self.table(child, where, **kw)
            elif tag in (w("sdt"), w("customXml"), w("ins"), w("moveTo")):
                inner = child.find(w("sdtContent")) if tag == w("sdt") else child
                if inner is not None:
                    self.container(inner, where, **kw)

    def paragraph(self, p: etree._Element, where: str, **kw: object) -> None:
        parts: list[str] = []
        flags: dict[str, object] = {"revised": False, "breaks": 0, "rendered": self.rendered_breaks}
        _collect(p, parts, flags)
        text = _tidy("".join(parts))
        style_id = _style_id(p)
        style = self.styles.names.get(style_id, style_id)
        number, level = self._number(p, style_id) if text else ("", None)
        heading = HEADING_STYLE.match(style)
        kind = kw.pop("kind", BlockKind.PARAGRAPH)
        if heading and kind == BlockKind.PARAGRAPH:
            kind = BlockKind.HEADING
            level = int(heading.group(2) or 0) if level is None else level
        elif kind == BlockKind.PARAGRAPH and not number and _bold_title(p, text):
            kind, level = BlockKind.HEADING, 1  # a title typed in bold, without a heading style
        if text:
            self.revised += bool(flags["revised"])
            self.add(text, kind=kind, style=style, number=number, level=level,
                     source=where, revised=bool(flags["revised"]), **kw)
        self.page += int(flags["breaks"])
        for box in p.iter(w("txbxContent")):
            if not any(a.tag == f"{{{MC}}}Fallback" for a in box.iterancestors()):
                self.container(box, where + "/textbox", **kw)

    def _number(self, p: etree._Element, style_id: str) -> tuple[str, int | None]:
        num_pr = p.find(f"{w('pPr')}/{w('numPr')}")
        nid = ilvl = None
        if num_pr is not None:
            nid_el, ilvl_el = num_pr.find(w("numId")), num_pr.find(w("ilvl"))
            nid = nid_el.get(w("val")) if nid_el is not None else None
            ilvl = level_number(ilvl_el.get(w("val"))) if ilvl_el is not None else None
        if nid is None:
            nid, style_lvl = self.styles.numbering(style_id)
            ilvl = ilvl if ilvl is not None else style_lvl
        if nid is None or nid == "0":
            return "", None
        if ilvl is None:
            ilvl = self.numbering.level_of_style(style_id) or 0
        return self.numbering.next_label(nid, ilvl), ilvl

    def table(self, tbl: etree._Element, where: str, **kw: object) -> None:
        self.tables += 1
        tid = self.tables
        rows = [[tc for tc in tr.iterchildren(w("tc"))] for tr in tbl.iterchildren(w("tr"))]
        langs = _bilingual_columns(rows)
        for r, cells in enumerate(rows):
            for c, tc in enumerate(cells):
                cell_kw = dict(kw, kind=BlockKind.TABLE_CELL)
                if langs:
                    cell_kw.update(lang=langs[c] if c < len(langs) else "", group=f"t{tid}r{r}", column=c)
                self.container(tc, f"{where}/table {tid}/row {r + 1}/cell {c + 1}", **cell_kw)


def _collect(el: etree._Element, parts: list[str], flags: dict[str, object]) -> None:
    """Visible text of a paragraph: insertions in, deletions and text boxes out."""
    for child in el.iterchildren():
        tag = child.tag
        if tag in REVISION:
            flags["revised"] = True
        if tag in SKIPPED or not isinstance(tag, str):
            continue
        if tag == w("t"):
            parts.append(child.text or "")
        elif tag == w("tab"):
            parts.append("\t")
        elif tag in (w("br"), w("cr")):
            if child.get(w("type")) == "page":
                flags["breaks"] = int(flags["breaks"]) + (not flags["rendered"])  # type: ignore[call-overload]
            else:
                parts.append("\n")
        elif tag == w("lastRenderedPageBreak"):
            flags["breaks"] = int(flags["breaks"]) + bool(flags["rendered"])  # type: ignore[call-overload]
        elif tag == w("noBreakHyphen"):
            parts.append("-")
        else:
            _collect(child, parts, flags)


def _bold_title(p: etree._Element, text: str) -> bool:
    """Every run with text is bold and the line reads as a title (short, no closing punctuation)."""
    if not text or len(text) > 200 or text.rstrip()[-1:] in ".;:,":
        return False
    runs = [r for r in p.iter(w("r")) if r.find(w("t")) is not None and (r.findtext(w("t")) or "").strip()]
    if not runs:
        return False
    for run in runs:
        bold = run.find(f"{w('rPr')}/{w('b')}")
        if bold is None or bold.get(w("val")) in ("0", "false"):
            return False
    return True


def _tidy(text: str) -> str:
    """Soft hyphens out, runs of spaces to one, spaces around line breaks gone (linear time)."""
    text = text.replace("\u00ad", "").replace("\u00a0", " ")
    lines = (re.sub(r"[^\S\n]+", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line).strip()


def _style_id(p: etree._Element) -> str:
    el = p.find(f"{w('pPr')}/{w('pStyle')}")
    return (el.get(w("val")) or "") if el is not None else ""


def _cell_text(tc: etree._Element) -> str:
    return " ".join(t.text or "" for t in tc.iter(w("t")))


def _bilingual_columns(rows: list[list[etree._Element]]) -> list[str]:
    """Languages of the two columns of a kk|ru table; [] for any other table."""
    two = [cells for cells in rows if len(cells) == 2]
    if len(two) < max(1, len(rows) * 0.6):
        return []
    left = " ".join(_cell_text(c[0]) for c in two)[:4000]
    right = " ".join(_cell_text(c[1]) for c in two)[:4000]
    if len(left) < 40 or len(right) < 40:
        return []
    langs = [detect_language(left), detect_language(right)]
    if langs[0] != langs[1] and set(langs) <= {"kk", "ru", "en"}:
        return langs
    return []


def read_docx(path: Path, data: bytes, sha256: str) -> Document:
    """Read a .docx agreement into blocks (the zip was checked by the caller)."""
    import docx  # imported here: reading a PDF or text file does not need python-docx (~30 ms)
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types for broken packages
        raise DocumentLoadError(
            path, f"the Word file is damaged and cannot be opened ({type(exc).__name__}).",
            "Open it in Word and save it again as .docx.",
        ) from None
    if document.element.tag != w("document") or document.element.find(w("body")) is None:
        raise DocumentLoadError(path, "the Word file has no document body (a damaged or foreign package).",
                                "Open it in Word and save it again as .docx.")
    numbering_root = None
    for rel in document.part.rels.values():
        if rel.reltype == RT.NUMBERING and not rel.is_external:
            numbering_root = getattr(rel.target_part, "element", None)
    try:
        styles = _Styles.from_document(document)
    except (AttributeError, KeyError, ValueError, TypeError):
        styles = _Styles()  # a damaged styles part: read on without style names
    walker = _Walker(Numbering.from_xml(numbering_root), styles)
    walker.rendered_breaks = document.element.body.find(f".//{w('lastRenderedPageBreak')}") is not None
    try:
        walker.container(document.element.body, "body")
    except (AttributeError, KeyError, ValueError, TypeError) as exc:
        raise DocumentLoadError(path, f"the Word file is damaged ({type(exc).__name__} in its body).",
                                "Open it in Word and save it again as .docx.") from None
    if not walker.blocks:
        raise DocumentLoadError(path, "the Word file contains no text.")
    warnings = []
    if walker.revised:
        warnings.append(
            f"{walker.revised} paragraphs carry tracked changes; read as if all changes were accepted"
        )
    bilingual = any(b.group for b in walker.blocks)
    return Document(
        path=str(path), format="docx", sha256=sha256, blocks=tuple(walker.blocks),
        pages=walker.page, bilingual=bilingual, warnings=tuple(warnings),
    )
