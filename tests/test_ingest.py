"""Reading real files into blocks: .docx, .pdf, text, html, and every bad input."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from analyser.errors import DocumentLoadError, UnsupportedFormatError
from analyser.ingest import ReadSettings, read_bytes, read_document
from analyser.ingest.lines import is_contents_page
from analyser.model import BlockKind
from tests.fixtures import builders


def texts(path: Path) -> list[str]:
    return [b.text for b in read_document(path).blocks]


class TestDocx:
    def test_auto_numbering_three_levels_and_restart(self, numbered_docx):
        blocks = read_document(numbered_docx).blocks
        labels = [(b.number, b.text[:25]) for b in blocks if b.number]
        assert [n for n, _ in labels] == [
            "1.", "1.1.", "1.2.", "а)", "б)", "2.", "2.1.", "2.2.", "2.2.1.", "2.2.2.", "2.3.", "а)", "б)", "3.",
            "3.1.",
        ]
        assert dict((t, n) for n, t in labels)["аварийные ситуации;"] == "а)"  # restarted list

    def test_headers_footers_and_footnotes_stay_out(self, numbered_docx):
        body = " ".join(texts(numbered_docx))
        assert "Школа-гимназия № 7» на 2026" not in body
        assert "Страница 1 из 3" not in body
        assert "сноске" not in body

    def test_tracked_changes_read_as_accepted_and_flagged(self, numbered_docx):
        document = read_document(numbered_docx)
        revised = [b for b in document.blocks if b.revised]
        assert [b.text for b in revised] == [
            "Работодатель обязуется согласовывать с профсоюзом внедрение систем учёта рабочего времени."]
        assert any("tracked changes" in w for w in document.warnings)

    def test_text_box_is_kept_in_order(self, numbered_docx):
        body = texts(numbered_docx)
        box = next(i for i, t in enumerate(body) if t.startswith("Текст в рамке"))
        revision = next(i for i, t in enumerate(body) if "согласовывать" in t)
        assert box == revision + 1

    def test_tables_are_read_as_cells_in_row_order(self, numbered_docx):
        cells = [b.text for b in read_document(numbered_docx).blocks if b.kind is BlockKind.TABLE_CELL]
        assert cells == ["Должность", "Надбавка", "Учитель", "10 %", "Библиотекарь", "5 %"]

    def test_nested_tables_are_read(self, built):
        b = builders.DocxBuilder()
        b.table([["Внешняя ячейка"]])
        outer = b.document.tables[0].cell(0, 0)
        outer.add_table(rows=1, cols=1).cell(0, 0).paragraphs[0].add_run("Вложенная таблица с пунктом договора")
        path = b.save(built / "nested.docx")
        assert texts(path) == ["Внешняя ячейка", "Вложенная таблица с пунктом договора"]

    def test_bilingual_table_gives_paired_blocks_with_languages(self, bilingual_docx):
        document = read_document(bilingual_docx)
        cells = [b for b in document.blocks if b.kind is BlockKind.TABLE_CELL]
        assert document.bilingual
        assert [b.lang for b in cells] == ["kk", "ru"] * 3
        assert cells[2].group == cells[3].group != cells[0].group
        assert [b.column for b in cells[:2]] == [0, 1]


class TestPdf:
    def test_kazakh_letters_survive(self, kazakh_pdf):
        body = " ".join(texts(kazakh_pdf))
        for letter in "әғқңөұүһі":
            assert letter in body

    def test_running_header_page_numbers_and_contents_removed(self, kazakh_pdf):
        document = read_document(kazakh_pdf)
        body = [b.text for b in document.blocks]
        assert not any("Ұжымдық шарт 2026-2028" in t for t in body)
        assert not any(t.strip().isdigit() for t in body)
        assert not any("МАЗМҰНЫ" in t or "......" in t for t in body)
        assert "page 1: table of contents, skipped" in document.warnings
        assert document.pages == 4

    def test_compound_word_keeps_its_hyphen_and_lines_make_paragraphs(self, kazakh_pdf):
        body = texts(kazakh_pdf)
        assert any("арасындағы әлеуметтік-еңбек қатынастарын" in t for t in body)
        assert body[1].startswith("1.1. ") and body[1].endswith("акт болып табылады.")

    def test_words_broken_across_lines_are_joined_when_the_dictionary_knows_them(self, built):
        lines = ["1.1. Работодатель обязуется ознакомить всех работ-", "ников с настоящим договором и учебно-",
                 "методическими материалами; the Employer shall provide role-", "based access to the agree-",
                 "ment for all staff."]
        body = " ".join(texts(builders.write_pdf(built / "hyphens.pdf", [lines], numbered=False)))
        assert "всех работников с настоящим" in body and "учебно-методическими" in body
        assert "role-based access" in body and "the agreement for all staff" in body

    def test_pages_are_recorded(self, kazakh_pdf):
        pages = {b.text[:4]: b.page for b in read_document(kazakh_pdf).blocks}
        assert pages["1.1."] == 2 and pages["3.1."] == 3

    def test_two_column_page_reads_left_column_first(self, built):
        left = [f"{i}. Пункт левой колонки номер {i}." for i in range(1, 9)]
        right = [f"{i}. Пункт правой колонки номер {i}." for i in range(9, 17)]
        path = builders.write_pdf(built / "columns.pdf", [left + right], columns=2, numbered=False)
        body = texts(path)
        assert [t.split(".")[0] for t in body] == [str(i) for i in range(1, 17)]

    def test_scanned_pdf_is_ocred(self, built):
        pytest.importorskip("pypdfium2")
        from analyser.ingest.ocr import tesseract_languages

        if "rus" not in tesseract_languages():
            pytest.fail("Tesseract with Russian data must be installed by the test command")
        path = builders.scanned_pdf(built / "scan.pdf", builders.SCAN_LINES)
        seen: list[tuple[str, int, int]] = []
        document = read_document(path, ReadSettings(progress=lambda s, d, t: seen.append((s, d, t))))
        body = " ".join(b.text for b in document.blocks).lower()
        assert document.ocr
        assert "видеонаблюдени" in body and "профсоюз" in body
        assert ("ocr", 1, 1) in seen

    def test_scan_without_ocr_is_refused_clearly(self, built):
        path = builders.scanned_pdf(built / "scan2.pdf", builders.SCAN_LINES)
        with pytest.raises(DocumentLoadError, match="no text layer"):
            read_document(path, ReadSettings(ocr=False))

    def test_missing_tesseract_names_the_install_command(self, built, monkeypatch):
        import shutil

        path = builders.scanned_pdf(built / "scan3.pdf", builders.SCAN_LINES)
        real_which = shutil.which
        monkeypatch.setattr(shutil, "which", lambda name: None if name == "tesseract" else real_which(name))
        with pytest.raises(DocumentLoadError, match="apt-get install tesseract-ocr"):
            read_document(path)


class TestText:
    RU = "Раздел 1. Общие положения\r\n1.1. Работодатель обязуется соблюдать договор.\r\n"

    @pytest.mark.parametrize("encoding,prefix", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1251", b"")])
    def test_encodings(self, built, encoding, prefix):
        path = built / f"agreement-{encoding}-{len(prefix)}.txt"
        path.write_bytes(prefix + self.RU.encode(encoding))
        assert texts(path) == ["Раздел 1. Общие положения", "1.1. Работодатель обязуется соблюдать договор."]

    def test_html(self, built):
        path = built / "agreement.html"
        path.write_text(
            "<html><head><style>p{}</style><script>alert(1)</script></head><body><nav>Menu</nav>"
            "<h2>ARTICLE 38 - REMOTE WORK</h2><p>38.1 Remote work shall be voluntary.</p>"
            "<p>38.2 The Employer shall provide the equipment.</p></body></html>",
            encoding="utf-8",
        )
        assert texts(path) == ["ARTICLE 38 - REMOTE WORK", "38.1 Remote work shall be voluntary.",
                               "38.2 The Employer shall provide the equipment."]


@pytest.mark.parametrize("title", ["СОДЕРЖАНИЕ", "Оглавление", "О Г Л А В Л Е Н И Е", "МАЗМҰНЫ", "Contents"])
def test_contents_page_known_by_its_title(title):
    """Page references that do not rise down the page make a contents page only under a contents title."""
    page = [title, "Общие положения 3", "Оплата труда 12", "Охрана труда 7", "Социальные гарантии 20",
            "Приложения", "Лист ознакомления"]
    assert is_contents_page(page)
    assert not is_contents_page(page[1:])


class TestBadInput:
    def test_empty_file(self, built):
        path = built / "empty.pdf"
        path.write_bytes(b"")
        with pytest.raises(DocumentLoadError, match="empty"):
            read_document(path)

    @pytest.mark.parametrize("name", ["agreement.exe", "agreement", "agreement.xlsx"])
    def test_wrong_or_missing_extension(self, built, name):
        path = built / name
        path.write_bytes(b"data")
        with pytest.raises(UnsupportedFormatError, match=r"Supported: \.docx, \.pdf"):
            read_document(path)

    def test_renamed_binary(self, built):
        path = built / "program.pdf"
        path.write_bytes(b"MZ\x90\x00" + b"\x00" * 2000)
        with pytest.raises(DocumentLoadError, match=r"not a PDF \(a program\)"):
            read_document(path)

    def test_corrupt_pdf(self, built, kazakh_pdf):
        path = built / "truncated.pdf"
        path.write_bytes(kazakh_pdf.read_bytes()[:600])
        with pytest.raises(DocumentLoadError, match="damaged or truncated"):
            read_document(path)

    def test_encrypted_pdf(self, built, kazakh_pdf):
        import pypdfium2 as pdfium  # noqa: F401  (pdfium reads; pypdf-free encryption via reportlab)
        from reportlab.lib import pdfencrypt

        path = builders.write_pdf(built / "locked.pdf", [["1.1. Текст"]],
                                  encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
        with pytest.raises(DocumentLoadError, match="encrypted with a password"):
            read_document(path)

    def test_corrupt_docx(self, built, numbered_docx):
        path = built / "broken.docx"
        path.write_bytes(numbered_docx.read_bytes()[:3000])
        with pytest.raises(DocumentLoadError, match="damaged"):
            read_document(path)

    def test_zip_that_is_not_word(self, built):
        path = built / "archive.docx"
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("readme.txt", "hello")
        with pytest.raises(DocumentLoadError, match="not a Word document"):
            read_document(path)

    def test_zip_bomb(self, built):
        path = builders.zip_bomb_docx(built / "bomb.docx", size_mb=400)
        assert path.stat().st_size < 2 * 1024 * 1024
        with pytest.raises(DocumentLoadError, match="zip bomb"):
            read_document(path)

    def test_size_limit(self, numbered_docx):
        with pytest.raises(DocumentLoadError, match="over the limit of 0 MB"):
            read_bytes("x.docx", numbered_docx.read_bytes(), ReadSettings(max_bytes=100))

    def test_old_doc_without_libreoffice(self, built, monkeypatch):
        import shutil

        monkeypatch.setattr(shutil, "which", lambda name: None)
        path = built / "old.doc"
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000)
        with pytest.raises(DocumentLoadError, match="LibreOffice"):
            read_document(path)

    def test_macro_docx_is_refused(self, built, numbered_docx):
        path = built / "macro.docx"
        with zipfile.ZipFile(numbered_docx) as src, zipfile.ZipFile(path, "w") as dst:
            for item in src.infolist():
                dst.writestr(item, src.read(item))
            dst.writestr("word/vbaProject.bin", b"\x00" * 100)
        with pytest.raises(DocumentLoadError, match="macros"):
            read_document(path)


class TestOfficeFormats:
    def test_odt_is_converted_with_libreoffice_and_keeps_numbering(self, built, numbered_docx):
        import shutil
        import subprocess

        soffice = shutil.which("soffice")
        if soffice is None:
            pytest.fail("LibreOffice must be installed by the test command (libreoffice-writer-nogui)")
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{built}/lo-profile", "--convert-to",
                        "odt", "--outdir", str(built), str(numbered_docx)], check=True, capture_output=True,
                       timeout=180)
        document = read_document(built / "numbered_agreement.odt")
        assert document.format == "odt" and "converted to .docx with LibreOffice" in document.warnings
        assert [b.number for b in document.blocks if b.number][:3] == ["1.", "1.1.", "1.2."]
