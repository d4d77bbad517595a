"""Hostile uploads: every one gets a clear AnalyserError (or is read harmlessly) and nothing else happens.

What test_ingest.py already covers is not repeated here: the 400 MB zip bomb of spaces, the .docm
renamed .docx with word/vbaProject.bin, a PDF with a user password, a scan with OCR switched off.
The inputs are built by tests/fixtures/hostile.py.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from analyser.errors import AnalyserError, DocumentLoadError
from analyser.ingest import ReadSettings, read_bytes
from tests.fixtures import builders, hostile

ROOT = Path(__file__).resolve().parents[1]
SECRET = "TOPSECRET-4242-do-not-leak"
QUICK_S = 5.0  # every hostile input must be decided well within this


def body_text(name: str, data: bytes, settings: ReadSettings = ReadSettings(ocr=False)) -> str:
    return "\n".join(b.text for b in read_bytes(name, data, settings).blocks)


def timed_read(name: str, data: bytes) -> tuple[str | AnalyserError, float]:
    """The text read, or the AnalyserError raised, and the seconds it took; anything else propagates."""
    start = time.monotonic()
    try:
        result: str | AnalyserError = body_text(name, data)
    except AnalyserError as error:
        result = error
    return result, time.monotonic() - start


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


class TestDocxXml:
    def test_external_entity_in_the_body_is_not_resolved(self, secret_file):
        result, seconds = timed_read("xxe.docx", hostile.xxe_docx(secret_file.as_uri()))
        # python-docx parses with lxml's resolve_entities=False: the reference is dropped, the rest is read.
        assert isinstance(result, str), result
        assert SECRET not in result and "Работодатель обязуется" in result
        assert seconds < QUICK_S

    def test_external_entity_against_etc_passwd_is_not_resolved(self):
        result, _ = timed_read("xxe.docx", hostile.xxe_docx("file:///etc/passwd"))
        assert isinstance(result, str) and "root:" not in result

    def test_external_dtd_and_parameter_entity_are_not_loaded(self, tmp_path):
        dtd = tmp_path / "evil.dtd"
        dtd.write_text(f'<!ENTITY exfil "{SECRET}">', encoding="utf-8")
        result, seconds = timed_read("xxe.docx", hostile.xxe_parameter_entity_docx(dtd.as_uri()))
        # the DTD is never fetched, so &exfil; is undefined and the part does not parse
        assert isinstance(result, DocumentLoadError) and "damaged" in str(result)
        assert SECRET not in str(result) and seconds < QUICK_S

    def test_external_entity_in_the_content_types_part(self, secret_file):
        result, _ = timed_read("xxe.docx", hostile.xxe_in_content_types_docx(secret_file.as_uri()))
        assert isinstance(result, DocumentLoadError) and SECRET not in str(result)

    @pytest.mark.parametrize("build", [hostile.billion_laughs_docx, hostile.quadratic_blowup_docx],
                             ids=["billion-laughs", "quadratic-blowup"])
    def test_entity_expansion_bombs_are_refused_quickly(self, build):
        result, seconds = timed_read("bomb.docx", build())
        assert isinstance(result, DocumentLoadError), "an entity bomb must not be read"
        assert "damaged" in str(result) and "lol" not in str(result)
        assert seconds < QUICK_S


def test_external_entity_in_html_is_not_resolved(secret_file):
    """.html/.htm (CLI and batch) go through BeautifulSoup's lxml HTML parser, which never loads entities."""
    page = (f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "{secret_file.as_uri()}">]>'
            "<html><body><p>38.1 Remote work shall be voluntary and agreed in writing. &xxe;</p></body></html>")
    result, seconds = timed_read("xxe.html", page.encode())
    assert isinstance(result, str) and SECRET not in result and "38.1 Remote work" in result
    assert seconds < QUICK_S


@pytest.mark.parametrize("subset", [
    '<!ENTITY xxe SYSTEM "file:///etc/passwd">',
    '\n  <!ENTITY a "x]>y">\n  <!ENTITY b \'<p>z</p>\'>\n',  # "]>" and markup inside quoted values
], ids=["one-entity", "values-holding-brackets"])
def test_internal_dtd_subset_of_html_leaves_no_junk_block(subset):
    """An HTML parser ends `<!DOCTYPE html [` at the first ">": the rest of the subset, down to "]>",
    came out as a block of text."""
    page = (f"<!DOCTYPE html [{subset}]>\n<html><body><p>38.1 Remote work shall be voluntary.</p>"
            "<p>38.2 Equipment is provided by the Employer.</p></body></html>")
    blocks = [b.text for b in read_bytes("subset.html", page.encode(), ReadSettings(ocr=False)).blocks]
    assert blocks == ["38.1 Remote work shall be voluntary.", "38.2 Equipment is provided by the Employer."]


def test_internal_dtd_subset_that_never_ends_costs_linear_time():
    page = b"<!DOCTYPE html [" + b'"a" ' * 5_000_000 + b"<p>38.1 Remote work shall be voluntary.</p>"
    result, seconds = timed_read("endless.html", page)
    assert isinstance(result, str) and "38.1 Remote work" in result
    assert seconds < QUICK_S, seconds


class TestDocxZip:
    @pytest.mark.parametrize("parts", [1, 40], ids=["one-part", "forty-parts-under-the-ratio-check"])
    def test_huge_xml_is_refused_by_size(self, parts):
        data = hostile.huge_xml_docx(total_mb=400, parts=parts)
        assert len(data) < 8 * 1024 * 1024
        result, seconds = timed_read("huge.docx", data)
        assert isinstance(result, DocumentLoadError)
        assert "over the limit of 300 MB" in str(result) and seconds < QUICK_S

    @pytest.mark.parametrize("name", ["../../evil.txt", "/etc/evil.txt", "\\evil.txt", "word/../../evil.txt",
                                      "..\\..\\evil.txt"])
    def test_path_traversal_names_are_refused_and_nothing_is_extracted(self, name, tmp_path, monkeypatch):
        work = tmp_path / "a" / "b"
        work.mkdir(parents=True)
        monkeypatch.chdir(work)
        with pytest.raises(DocumentLoadError, match="unsafe file paths"):
            read_bytes("traversal.docx", hostile.traversal_docx([name]))
        assert list(tmp_path.rglob("*evil*")) == [] and list(work.iterdir()) == []

    def test_zip_whose_headers_lie_about_the_size_is_refused(self):
        result, seconds = timed_read("liar.docx", hostile.lying_size_docx(real_mb=100))
        assert isinstance(result, DocumentLoadError) and "damaged" in str(result)
        assert seconds < QUICK_S

    def test_zip_whose_headers_lie_about_the_size_stays_within_the_unzipped_limit(self, tmp_path):
        """The size checks trust the declared sizes; inflating must not cost more than the 300 MB limit."""
        source = tmp_path / "liar.docx"
        source.write_bytes(hostile.lying_size_docx(real_mb=600))
        outcome = peak_memory_of_read(source)
        assert outcome["error"] and outcome["kind"] == "DocumentLoadError", outcome
        assert outcome["growth_mb"] < ReadSettings().max_unzipped_bytes // (1024 * 1024), outcome

    def test_renamed_docm_whose_macro_part_has_another_name(self):
        """Word names the VBA part word/vbaProject.bin (refused in test_ingest); an attacker can rename it."""
        main = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
        macro_main = "application/vnd.ms-word.document.macroEnabled.main+xml"
        vba = '<Override PartName="/word/m.bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'
        doc = hostile.document_xml(hostile.paragraph(hostile.PARAGRAPH))
        extra = {"word/m.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 200}
        docm = hostile.minimal_docx(doc, extra, content_types=hostile.CONTENT_TYPES.replace(main, macro_main)
                                    .replace("</Types>", vba))
        with pytest.raises(DocumentLoadError, match="contains macros"):
            read_bytes("renamed.docx", docm)
        # the content type alone says "macro-enabled": refused the same way, not as "damaged"
        typed_only = hostile.minimal_docx(doc, content_types=hostile.CONTENT_TYPES.replace(main, macro_main))
        with pytest.raises(DocumentLoadError, match="contains macros"):
            read_bytes("typed.docx", typed_only)
        # with a plain main part the macro part is never even opened: read harmlessly, as text
        plain = hostile.minimal_docx(doc, extra, content_types=hostile.CONTENT_TYPES.replace("</Types>", vba))
        assert "Работодатель обязуется" in body_text("renamed.docx", plain)


class TestPdf:
    def test_pdfium_is_built_without_javascript_or_xfa(self):
        import pypdfium2 as pdfium

        assert not {"V8", "XFA"} & set(pdfium.PDFIUM_INFO.flags)

    def test_javascript_launch_and_embedded_file_are_ignored(self, tmp_path, monkeypatch):
        marker = tmp_path / "js-ran"
        data = hostile.active_pdf(f"this.exportDataObject({{cName: 'payload.txt', nLaunch: 2}}); "
                                  f"app.launchURL('file://{marker}');", SECRET.encode())
        monkeypatch.chdir(tmp_path)
        spawned: list[object] = []
        monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: spawned.append(a))
        start = time.monotonic()
        text = body_text("active.pdf", data)
        assert time.monotonic() - start < QUICK_S
        assert "38.1 Remote work shall be voluntary" in text
        assert SECRET not in text and "exportDataObject" not in text and "cmd.exe" not in text
        assert spawned == [] and not marker.exists()
        assert sorted(p.name for p in tmp_path.iterdir()) == []

    def test_encrypted_with_an_empty_user_password_is_read(self, tmp_path):
        """Only an owner password (no password to open, copying 'forbidden'): every viewer opens it without
        asking, so the analyser reads it too. A user password is refused (test_ingest.test_encrypted_pdf)."""
        from reportlab.lib import pdfencrypt

        line = "1.1. Работодатель обязуется письменно уведомлять работников о видеонаблюдении."
        path = builders.write_pdf(tmp_path / "owner-only.pdf", [[line]], encrypt=pdfencrypt.StandardEncryption(
            "", ownerPassword="owner-secret", canPrint=0, canCopy=0, canModify=0))
        assert b"/Encrypt" in path.read_bytes()
        assert body_text("owner-only.pdf", path.read_bytes()) == line

    def test_encrypted_with_a_user_password_at_128_bits_is_refused(self, tmp_path):
        from reportlab.lib import pdfencrypt

        path = builders.write_pdf(tmp_path / "locked.pdf", [["1.1. Текст"]], encrypt=pdfencrypt.StandardEncryption(
            "user-secret", ownerPassword="owner-secret", strength=128))
        with pytest.raises(DocumentLoadError, match="encrypted with a password"):
            read_bytes("locked.pdf", path.read_bytes())

    def test_ten_thousand_pages_are_refused_by_the_page_limit(self):
        start = time.monotonic()
        data = hostile.many_pages_pdf(10_000)
        assert len(data) < 2 * 1024 * 1024
        with pytest.raises(DocumentLoadError, match="10000 pages, more than the limit of 3000"):
            read_bytes("long.pdf", data)
        assert time.monotonic() - start < QUICK_S

    def test_page_count_that_lies_is_not_trusted(self):
        result, seconds = timed_read("liar.pdf", hostile.lying_count_pdf(10_000_000))
        assert isinstance(result, str) and "38.1 Remote work" in result and seconds < QUICK_S

    def test_page_tree_that_contains_itself_gets_a_clear_message(self):
        # Found by this suite: pdfium counts 2 pages, fails to load the looping one, and the
        # PdfiumError escaped read_pdf as a traceback instead of a DocumentLoadError.
        result, seconds = timed_read("loop.pdf", hostile.page_tree_loop_pdf())
        assert isinstance(result, (str, DocumentLoadError)) and seconds < QUICK_S



OCR_WATCH = textwrap.dedent("""
    import sys
    from analyser.errors import AnalyserError
    from analyser.ingest import ReadSettings, read_bytes
    def progress(stage, done, total):
        if stage == "ocr":
            print(f"ocr {done}/{total}", flush=True)
    try:
        read_bytes("scan.pdf", open(sys.argv[1], "rb").read(), ReadSettings(ocr_dpi=20, progress=progress))
        print("read", flush=True)
    except AnalyserError as error:
        print("refused:", error, flush=True)
""")


def test_scan_of_three_thousand_pages_is_refused_before_hours_of_ocr(tmp_path):
    """3000 image-only pages (0.5 MB, under every limit) ask for 3000 renders and 3000 Tesseract runs:
    0.5-3 s a page on 2 cores, 25 minutes to hours, and the app reads uploads without any time limit.
    The reader must refuse such a scan (or cap OCR pages) before it starts; rendered at 20 dpi here,
    so that reaching the OCR stage takes seconds, not minutes."""
    source = tmp_path / "scan3000.pdf"
    source.write_bytes(hostile.many_scanned_pages_pdf(3000))
    assert source.stat().st_size < 1024 * 1024
    temp = tmp_path / "tmp"
    temp.mkdir()
    child = subprocess.Popen([sys.executable, "-c", OCR_WATCH, str(source)], cwd=ROOT, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=dict(os.environ, TMPDIR=str(temp)))
    try:
        assert child.stdout is not None
        first = child.stdout.readline().strip()  # blocks until OCR starts or the reader decides
    finally:
        child.kill()
        child.wait()
    assert not first.startswith("ocr"), f"OCR of all pages started ({first}) with no page cap or time limit"
    assert first.startswith("refused:"), first


def peak_memory_of_read(source: Path) -> dict:
    """Read `source` in a fresh interpreter; its peak RSS, and the growth over the peak before reading."""
    script = textwrap.dedent(f"""
        import json, resource, sys
        from analyser.errors import AnalyserError
        from analyser.ingest import ReadSettings, read_bytes
        data = open({str(source)!r}, "rb").read()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out = {{"error": "", "kind": ""}}
        try:
            read_bytes({source.name!r}, data, ReadSettings(ocr=False))
        except AnalyserError as e:
            out = {{"error": str(e), "kind": type(e).__name__}}
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out.update(peak_mb=peak // 1024, growth_mb=(peak - before) // 1024)
        print(json.dumps(out))
    """)
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------- nothing written, nothing left behind

WATCH = textwrap.dedent("""
    import json, os, sys
    writes, spawns = [], []
    WRITE = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

    def hook(event, args):
        if event == "open" and args[0] is not None and not isinstance(args[0], int):
            mode, flags = args[1] or "", args[2] or 0
            if any(c in mode for c in "wax+") or flags & WRITE:
                writes.append(str(args[0]))
        elif event in ("os.rename", "os.replace", "os.link", "os.symlink"):
            writes.append(str(args[1]))
        elif event in ("os.mkdir", "os.remove", "os.rmdir"):
            path, dir_fd = str(args[0]), args[-1]
            if isinstance(dir_fd, int) and dir_fd >= 0:  # shutil.rmtree removes relative to an open folder
                path = os.path.join(os.readlink(f"/proc/self/fd/{dir_fd}"), path)
            writes.append(path)
        elif event in ("subprocess.Popen", "os.exec", "os.posix_spawn", "os.system", "os.spawn"):
            spawns.append(str(args[0]))

    from analyser.errors import AnalyserError
    from analyser.ingest import ReadSettings
    from analyser.pipeline import analyse_bytes, load_resources
    resources = load_resources()
    sys.addaudithook(hook)
    results = {}
    for path, ocr in json.loads(sys.argv[1]):
        name = os.path.basename(path)
        try:
            report = analyse_bytes(name, open(path, "rb").read(), resources, ReadSettings(ocr=ocr))
            results[name] = f"{len(report.segmentation.clauses)} clauses"
        except AnalyserError as error:
            results[name] = "refused: " + str(error)
    print(json.dumps({"results": results, "writes": writes, "spawns": spawns}))
""")
SKIP = {".venv", "__pycache__", "screenshots", ".pytest_cache", ".ruff_cache", ".mypy_cache", ".hypothesis", ".git"}


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP]
        for name in files:
            path = Path(folder, name)
            stat = path.lstat()
            found[str(path.relative_to(root))] = (stat.st_size, stat.st_mtime_ns)
    return found


def contents(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:  # removed meanwhile by someone else
        return b""


def test_analysing_uploads_writes_nothing_outside_a_temporary_folder_and_cleans_it(tmp_path, numbered_docx,
                                                                                  kazakh_pdf, secret_file):
    """Uploads of every kind, hostile ones included, through analyse_bytes in a watched interpreter."""
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    uploads = [
        (str(numbered_docx), False),
        (str(kazakh_pdf), False),
        (str(builders.scanned_pdf(inputs / "scan.pdf", builders.SCAN_LINES)), True),  # OCR: temp PNGs
        (str(builders.scanned_pdf(inputs / "scan-no-ocr.pdf", builders.SCAN_LINES)), False),
    ]
    for name, data in [("active.pdf", hostile.active_pdf("app.alert(1)", SECRET.encode())),
                       ("xxe.docx", hostile.xxe_docx(secret_file.as_uri())),
                       ("traversal.docx", hostile.traversal_docx(["../../evil.txt"])),
                       ("laughs.docx", hostile.billion_laughs_docx())]:
        (inputs / name).write_bytes(data)
        uploads.append((str(inputs / name), False))
    cwd, temp, home = (tmp_path / d for d in ("cwd", "tmp", "home"))
    for d in (cwd, temp, home):
        d.mkdir()
    before = snapshot(ROOT)
    env = dict(os.environ, TMPDIR=str(temp), HOME=str(home), PYTHONDONTWRITEBYTECODE="1",
               PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-c", WATCH, json.dumps(uploads)], cwd=cwd, env=env,
                         capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    results = seen["results"]
    assert results["numbered_agreement.docx"].endswith("clauses") and results["scan.pdf"].endswith("clauses")
    assert results["scan-no-ocr.pdf"].startswith("refused") and results["traversal.docx"].startswith("refused")
    assert results["laughs.docx"].startswith("refused") and results["active.pdf"].endswith("clauses")
    assert all(SECRET not in r for r in results.values())
    assert any(w.endswith(".png") for w in seen["writes"]), "the watch saw the OCR page images being written"
    outside = [w for w in seen["writes"] if not Path(w).resolve().is_relative_to(temp.resolve())]
    assert outside == [], outside
    assert all(Path(s).name == "tesseract" for s in seen["spawns"]), seen["spawns"]  # OCR only, never the upload
    assert list(temp.iterdir()) == [] and list(cwd.iterdir()) == [] and list(home.iterdir()) == []
    # Other people edit the project while tests run, so a changed file is only ours if it carries an upload
    # (its bytes, its name, the secret) or an artefact of reading one (page images, converted copies).
    after = snapshot(ROOT)
    changed = [p for p in after if before.get(p) != after[p]]
    payloads = [Path(u).read_bytes() for u, _ in uploads]
    stems = {Path(u).stem for u, _ in uploads} | {"page0", "input", "evil"}
    ours = [p for p in changed if Path(p).stem in stems or "analyser-" in p
            or SECRET.encode() in contents(ROOT / p) or contents(ROOT / p) in payloads]
    assert ours == [], ours
