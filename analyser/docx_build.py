"""Writing .docx files with real Word numbering, tables and revisions.

Used to export proposals and annotated agreements, to build the sample
agreements of corpora/ and the test fixtures: each needs numbering that Word
itself computes (numbering.xml), not typed numbers.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

# (numFmt, lvlText) per level: "1." / "1.1." / "1.1.1." is the common agreement outline.
OUTLINE = (("decimal", "%1."), ("decimal", "%1.%2."), ("decimal", "%1.%2.%3."))
RUSSIAN_LETTERS_LIST = (("russianLower", "%1)"),)
LATIN_LETTERS_LIST = (("lowerLetter", "(%1)"),)
BULLETS = (("bullet", "•"),)
KAZAKH_ARTICLES = (("decimal", "%1-бап."),)


@dataclass
class DocxBuilder:
    """A new Word document built paragraph by paragraph."""

    document: docx.document.Document = field(default_factory=docx.Document)
    _next_abstract: int = 100
    _next_num: int = 100
    _revision: int = 1

    def __post_init__(self) -> None:
        style = self.document.styles["Normal"]
        style.font.name = "Times New Roman"
        style.font.size = Pt(12)

    @property
    def _numbering(self):  # type: ignore[no-untyped-def]
        return self.document.part.numbering_part.element

    def list_definition(self, levels: tuple[tuple[str, str], ...], start: int = 1) -> int:
        """Add an abstract list definition (Word's abstractNum); returns its id."""
        aid = self._next_abstract
        self._next_abstract += 1
        lvls = "".join(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{360 * (i + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
            for i, (fmt, text) in enumerate(levels)
        )
        element = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{aid}">'
                            f'<w:multiLevelType w:val="multilevel"/>{lvls}</w:abstractNum>')
        first_num = self._numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(element)
        else:
            self._numbering.append(element)
        return aid

    def list_instance(self, abstract_id: int, restart_at: int | None = None) -> int:
        """Add a list instance (w:num); with `restart_at` it starts counting anew."""
        nid = self._next_num
        self._next_num += 1
        override = (f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{restart_at}"/></w:lvlOverride>'
                    if restart_at is not None else "")
        self._numbering.append(parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{nid}"><w:abstractNumId w:val="{abstract_id}"/>{override}</w:num>'
        ))
        return nid

    def paragraph(self, text: str, num: int | None = None, level: int = 0, style: str | None = None,
                  bold: bool = False) -> Paragraph:
        """A paragraph, numbered automatically when `num` (a list instance) is given."""
        para = self.document.add_paragraph(style=style)
        run = para.add_run(text)
        run.bold = bold
        if num is not None:
            ppr = para._p.get_or_add_pPr()
            ppr.append(parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr>'
            ))
        return para

    def heading(self, text: str, level: int = 1) -> Paragraph:
        return self.document.add_heading(text, level=level)

    def table(self, rows: list[list[str]], numbers: list[list[int | None]] | None = None) -> None:
        """A table of plain text cells; `numbers` gives a list instance per cell if numbered."""
        table = self.document.add_table(rows=0, cols=max(len(r) for r in rows))
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            cells = table.add_row().cells
            for c, text in enumerate(row):
                para = cells[c].paragraphs[0]
                para.add_run(text)
                num = numbers[r][c] if numbers else None
                if num is not None:
                    para._p.get_or_add_pPr().append(parse_xml(
                        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num}"/></w:numPr>'
                    ))

    def tracked_change(self, kept: str, inserted: str, deleted: str, tail: str = "") -> Paragraph:
        """A paragraph with a tracked insertion and a tracked deletion (not accepted)."""
        para = self.document.add_paragraph()
        para.add_run(kept)
        rid = self._revision
        self._revision += 2
        meta = 'w:author="Employer" w:date="2026-01-10T10:00:00Z"'
        para._p.append(parse_xml(
            f'<w:del {nsdecls("w")} w:id="{rid}" {meta}><w:r><w:delText xml:space="preserve">{deleted}'
            f'</w:delText></w:r></w:del>'
        ))
        para._p.append(parse_xml(
            f'<w:ins {nsdecls("w")} w:id="{rid + 1}" {meta}><w:r><w:t xml:space="preserve">{inserted}'
            f'</w:t></w:r></w:ins>'
        ))
        if tail:
            para.add_run(tail)
        return para

    def text_box(self, text: str) -> Paragraph:
        """A paragraph anchoring a VML text box with its own paragraph inside."""
        para = self.document.add_paragraph()
        para._p.append(parse_xml(
            f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict>'
            f'<v:shape style="width:300pt;height:60pt"><v:textbox><w:txbxContent>'
            f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'
            f'</w:txbxContent></v:textbox></v:shape></w:pict></w:r>'
        ))
        return para

    def header_footer(self, header: str, footer: str) -> None:
        section = self.document.sections[0]
        section.header.paragraphs[0].text = header
        section.footer.paragraphs[0].text = footer

    def footnote(self, paragraph: Paragraph, text: str) -> None:
        """Attach a footnote (its own package part, as Word stores it) to a paragraph."""
        part = self.document.part
        footnotes = parse_xml(
            f'<w:footnotes {nsdecls("w")}>'
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
            '</w:r></w:p></w:footnote>'
            f'<w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p></w:footnote>'
            '</w:footnotes>'
        )
        from lxml import etree

        blob = etree.tostring(footnotes, xml_declaration=True, encoding="UTF-8", standalone=True)
        fn_part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, blob, part.package)
        part.relate_to(fn_part, RT.FOOTNOTES)
        paragraph._p.append(parse_xml(
            f'<w:r {nsdecls("w")}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
            f'<w:footnoteReference w:id="1"/></w:r>'
        ))

    def page_break(self) -> None:
        self.document.add_page_break()

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.document.save(str(path))
        return path


def clone_paragraph_format(source: Paragraph, target: Paragraph) -> None:
    """Copy paragraph properties (numbering, indents) from one paragraph to another."""
    ppr = source._p.pPr
    if ppr is not None:
        target._p.insert(0, copy.deepcopy(ppr))
