"""Fuzzing of every input path (issue 8, item 1): readers, segmenter, `classify` JSONL.

Every input must either give a Document / clauses or raise AnalyserError with a
message - never another exception, never a hang (time bounds are asserted, so a
quadratic blow-up fails), never junk (empty clause texts).
"""
from __future__ import annotations

import functools
import io
import json
import random
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyser.cli import cli
from analyser.errors import AnalyserError
from analyser.ingest import ReadSettings, read_bytes
from analyser.ingest.text_reader import text_to_document
from analyser.model import Document
from analyser.segment import segment
from tests.fixtures import builders

ROOT = Path(__file__).resolve().parents[1]
NO_OCR = ReadSettings(ocr=False)
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.data_too_large])
PER_INPUT_S = 10.0  # one small mutated file must never take longer than this
TRIED: dict[str, int] = {}


def _count(target: str) -> None:
    TRIED[target] = TRIED.get(target, 0) + 1


def _read(name: str, data: bytes, target: str) -> Document | None:
    """read_bytes + segment: a Document with clean clauses, or AnalyserError; timed."""
    _count(target)
    start = time.perf_counter()
    try:
        document = read_bytes(name, data, NO_OCR)
    except AnalyserError as exc:
        assert str(exc).strip(), "an AnalyserError without a message"
        document = None
    else:
        assert isinstance(document, Document)
        assert document.blocks, "a Document without blocks"
        _check_clauses(document)
    elapsed = time.perf_counter() - start
    assert elapsed < PER_INPUT_S, f"{name} ({len(data)} bytes) took {elapsed:.1f} s"
    return document


def _check_clauses(document: Document) -> None:
    result = segment(document)
    for clause in result.clauses:
        assert clause.text.strip(), f"empty clause {clause.id}"
    assert len({c.id for c in result.clauses}) == len(result.clauses)


# --- fixtures: real files, unzipped in memory --------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _built() -> tuple[bytes, dict[str, bytes], bytes]:
    """The real .docx (its parts unzipped in memory) and PDF the mutations start from."""
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        docx_data = builders.numbered_agreement_docx(Path(tmp) / "a.docx").read_bytes()
        pdf_data = builders.kazakh_pdf(Path(tmp) / "k.pdf").read_bytes()
    with zipfile.ZipFile(io.BytesIO(docx_data)) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    return docx_data, parts, pdf_data


# Module-level values, not fixtures, so that hypothesis does not print a megabyte of XML per failure.
@pytest.fixture
def docx_bytes() -> bytes:
    return _built()[0]


@pytest.fixture
def docx_parts() -> dict[str, bytes]:
    return _built()[1]


@pytest.fixture
def pdf_bytes() -> bytes:
    return _built()[2]


def rezip(parts: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            z.writestr(zipfile.ZipInfo(name), data)
    return out.getvalue()


def test_the_fixtures_read_cleanly(docx_bytes: bytes, pdf_bytes: bytes) -> None:
    assert _read("a.docx", docx_bytes, "baseline") is not None
    assert _read("k.pdf", pdf_bytes, "baseline") is not None


# --- .docx: mutated parts and zip structure ----------------------------------------------------------------

KEY_PARTS = ("word/document.xml", "word/numbering.xml", "[Content_Types].xml", "word/styles.xml",
             "word/_rels/document.xml.rels")


@st.composite
def part_mutation(draw: st.DrawFn, size: int) -> tuple[str, int, int, bytes]:
    kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete_span"]))
    pos = draw(st.integers(0, max(0, size - 1)))
    n = draw(st.integers(1, 64))
    junk = draw(st.binary(min_size=1, max_size=16))
    return kind, pos, n, junk


def mutate(data: bytes, kind: str, pos: int, n: int, junk: bytes) -> bytes:
    if kind == "truncate":
        return data[:pos]
    if kind == "flip":
        b = bytearray(data)
        for k in range(min(n, 8)):
            i = (pos + k * 997) % max(1, len(b))
            if b:
                b[i] ^= junk[k % len(junk)] or 0xFF
        return bytes(b)
    if kind == "insert":
        return data[:pos] + junk + data[pos:]
    return data[:pos] + data[pos + n:]


@pytest.mark.parametrize("part", KEY_PARTS)
@FUZZ
@given(data=st.data())
def test_docx_with_a_mutated_part(part: str, data: st.DataObject) -> None:
    docx_parts = _built()[1]
    original = docx_parts[part]
    kind, pos, n, junk = data.draw(part_mutation(len(original)))
    parts = [(k, mutate(v, kind, pos, n, junk) if k == part else v) for k, v in docx_parts.items()]
    _read("mutated.docx", rezip(parts), f"docx part {part}")


XML_TOKENS = st.sampled_from([
    b'w:val="x"', b'w:val="-1"', b'w:val=""', b'w:val="99"', b'w:ilvl="z"', b'w:ilvl="-3"', b"<w:p/>",
    b"<w:numPr/>", b"<w:ilvl/>", b'<w:numId w:val="0"/>', b'<w:numId w:val="999"/>', b"&amp;", b"\x00",
    b"<w:tbl><w:tr><w:tc></w:tc></w:tr></w:tbl>", b'<w:lvlText w:val="%9%1%"/>', b"<w:t>",
])


@pytest.mark.parametrize("part", ["word/document.xml", "word/numbering.xml", "word/styles.xml"])
@FUZZ
@given(data=st.data())
def test_docx_with_xml_tokens_swapped(part: str, data: st.DataObject) -> None:
    """Structure-aware mutation: replace an attribute value or insert an element where the XML stays close to
    valid, which reaches the numbering and style code behind python-docx's parser."""
    docx_parts = _built()[1]
    original = docx_parts[part]
    token = data.draw(XML_TOKENS)
    targets = [i for i in range(len(original)) if original.startswith(b'w:val="', i)
               or original.startswith(b"<w:", i)]
    at = data.draw(st.sampled_from(targets))
    if original.startswith(b'w:val="', at) and token.startswith(b"w:"):
        end = original.index(b'"', at + 7) + 1
        mutated = original[:at] + token + original[end:]
    else:
        mutated = original[:at] + token + original[at:]
    parts = [(k, mutated if k == part else v) for k, v in docx_parts.items()]
    _read("tokens.docx", rezip(parts), f"docx tokens {part}")


@FUZZ
@given(data=st.data())
def test_docx_with_parts_deleted_renamed_duplicated(data: st.DataObject) -> None:
    docx_parts = _built()[1]
    names = list(docx_parts)
    parts = list(docx_parts.items())
    for _ in range(data.draw(st.integers(1, 4))):
        op = data.draw(st.sampled_from(["delete", "rename", "duplicate", "swap", "empty"]))
        i = data.draw(st.integers(0, len(parts) - 1))
        name, blob = parts[i]
        if op == "delete" and len(parts) > 1:
            del parts[i]
        elif op == "rename":
            new = data.draw(st.sampled_from([*names, "word/Document.xml", "word/document.xml.bak", "x/y.xml",
                                             "word//document.xml", "word/d\u00f6cument.xml"]))
            parts[i] = (new, blob)
        elif op == "duplicate":
            other = data.draw(st.sampled_from(parts))[1]
            parts.append((name, other))
        elif op == "swap":
            j = data.draw(st.integers(0, len(parts) - 1))
            parts[i], parts[j] = (name, parts[j][1]), (parts[j][0], blob)
        else:
            parts[i] = (name, b"")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns on duplicate names; that is not what is tested here
        _read("parts.docx", rezip(parts), "docx parts")


@FUZZ
@given(data=st.data())
def test_docx_package_bytes_mutated(data: st.DataObject) -> None:
    docx_bytes = _built()[0]
    """Raw zip-level damage: truncation, byte flips in headers and the central directory."""
    kind, pos, n, junk = data.draw(part_mutation(len(docx_bytes)))
    if data.draw(st.booleans()):  # aim at the central directory at the end
        pos = len(docx_bytes) - 1 - (pos % min(len(docx_bytes), 2000))
    _read("zip.docx", mutate(docx_bytes, kind, pos, n, junk), "docx zip bytes")


# --- PDF bytes --------------------------------------------------------------------------------------------


@FUZZ
@given(data=st.data())
def test_pdf_bytes_mutated(data: st.DataObject) -> None:
    pdf_bytes = _built()[2]
    kind, pos, n, junk = data.draw(part_mutation(len(pdf_bytes)))
    _read("k.pdf", mutate(pdf_bytes, kind, pos, n, junk), "pdf bytes")


def test_pdf_truncated_at_every_kilobyte_and_random_flips(pdf_bytes: bytes) -> None:
    for end in range(0, len(pdf_bytes), 1024):
        _read("k.pdf", pdf_bytes[:end], "pdf bytes")
    rng = random.Random(8)
    for _ in range(150):
        b = bytearray(pdf_bytes)
        for _ in range(rng.randint(1, 30)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        _read("k.pdf", bytes(b), "pdf bytes")


# --- arbitrary bytes under every name, text in many encodings -------------------------------------------

NAMES = ["x.pdf", "x.docx", "x.txt", "x.md", "x.html", "x.htm", "x.DOCX", "x", "x.exe", ".txt"]
MAGIC = st.sampled_from([b"", b"%PDF-1.7\n", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff",
                         b"<html><body>", b"\x89PNG"])


@FUZZ
@given(name=st.sampled_from(NAMES), head=MAGIC, body=st.binary(max_size=4000))
def test_arbitrary_bytes_under_any_name(name: str, head: bytes, body: bytes) -> None:
    _read(name, head + body, "arbitrary bytes")


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1251", "koi8-r", "cp866",
             "iso-8859-5", "latin-1", "mac-cyrillic", "gb18030", "shift_jis"]


@FUZZ
@given(text=st.text(min_size=1, max_size=3000), encoding=st.sampled_from(ENCODINGS),
       suffix=st.sampled_from([".txt", ".md", ".html"]))
def test_text_in_random_encodings(text: str, encoding: str, suffix: str) -> None:
    data = text.encode(encoding, errors="replace")
    _read("x" + suffix, data, "text encodings")


# --- segmenter --------------------------------------------------------------------------------------------

UNICODE = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]),  # surrogates cannot be encoded, so never arrive
    max_size=4000,
)
AGREEMENTISH = st.lists(st.one_of(
    st.sampled_from(["1.", "1.1.", "1.1.1.1.1.1", "а)", "(iv)", "-", "•", "Раздел 3", "3-бап", "ARTICLE 38 -",
                     "Статья 1.", "Приложение №2", "\u202eRTL\u202c", "\u0301\u0301", "\x00", "\x0c", "\r", "\t",
                     "М.П.", "______", "............", "СОДЕРЖАНИЕ", "\ufffe", "\u00ad"]),
    st.text(max_size=80),
), max_size=200).map(lambda xs: "\n".join(xs))


def _segment_text(text: str, target: str, ceiling: float = PER_INPUT_S) -> None:
    _count(target)
    start = time.perf_counter()
    try:
        document = text_to_document(Path("x.txt"), text, "0" * 64, "txt")
    except AnalyserError:
        document = None
    if document is not None:
        _check_clauses(document)
    elapsed = time.perf_counter() - start
    assert elapsed < ceiling, f"segmenting {len(text)} chars took {elapsed:.1f} s"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=UNICODE)
def test_segment_arbitrary_unicode(text: str) -> None:
    _segment_text(text, "segment unicode")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=AGREEMENTISH)
def test_segment_agreement_like_noise(text: str) -> None:
    _segment_text(text, "segment agreement-like")
    _read("x.txt", text.encode("utf-8"), "segment agreement-like via read_bytes")


def _isolated_text(text: str, tmp_path: Path, timeout: float) -> None:
    """Read a .txt and segment it in a child process, cut off at `timeout` (a hang fails, not stalls)."""
    _isolated("big.txt", text.encode("utf-8"), tmp_path, timeout)


@pytest.mark.slow
@pytest.mark.parametrize("line", [
    "Работник " * 111_111,  # 1 MB of words, no full stop
    "a" * 1_000_000,  # one word
    "1." + " " * 1_000_000 + "x",  # a label and a megabyte of spaces
    ". " * 500_000,  # punctuation only
    "Р а з д е л " * 80_000,  # letter-spaced
    "1.1.1.1.1.1 " * 80_000,
], ids=["words", "one-word", "spaces", "dots", "letter-spaced", "deep-numbers"])
def test_segment_one_megabyte_line(line: str, tmp_path: Path) -> None:
    _count("segment 1 MB line")
    _isolated_text(line, tmp_path, timeout=20)


@pytest.mark.slow
def test_segment_100k_tiny_paragraphs(tmp_path: Path) -> None:
    text = "\n\n".join(f"{i}. Пункт о работе номер {i}." if i % 3 else "а) да;" for i in range(100_000))
    _count("segment 100k paragraphs")
    _isolated_text(text, tmp_path, timeout=20)


def test_segment_deep_and_bare_numbering() -> None:
    deep = "\n".join(".".join(["1"] * k) + " Работодатель обязуется уведомлять работников." for k in range(1, 40))
    _segment_text(deep, "segment deep numbering")
    bare = "\n".join(["1.", "1.1.", "1.1.1.", "2)", "а)", "(iv)", "IV.", "-", "•", "1.1.1.1.1.1"] * 500)
    _segment_text(bare, "segment numbering-only lines")
    _read("bare.txt", bare.encode(), "segment numbering-only lines")


# --- known hostile shapes found by the fuzzers above (kept as regressions) --------------------------------


def _docx_with(docx_parts: dict[str, bytes], part: str, old: bytes, new: bytes) -> bytes:
    assert old in docx_parts[part]
    return rezip([(k, v.replace(old, new, 1) if k == part else v) for k, v in docx_parts.items()])


def test_docx_non_numeric_list_level_is_a_clear_error(docx_parts: dict[str, bytes]) -> None:
    _read("ilvl.docx", _docx_with(docx_parts, "word/document.xml", b'w:ilvl w:val="1"', b'w:ilvl w:val="x"'),
          "regressions")


def test_docx_non_numeric_level_in_numbering_is_a_clear_error(docx_parts: dict[str, bytes]) -> None:
    _read("lvl.docx", _docx_with(docx_parts, "word/numbering.xml", b'w:ilvl="1"', b'w:ilvl="q"'), "regressions")


def test_docx_main_part_in_a_foreign_namespace_is_a_clear_error(docx_parts: dict[str, bytes]) -> None:
    """One byte deleted from the namespace URI: python-docx hands back a plain element without `.body`."""
    wml = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    _read("ns.docx", _docx_with(docx_parts, "word/document.xml", wml, wml.replace(b"http", b"ttp")), "regressions")


def test_docx_zip_missing_its_first_byte_is_a_clear_error(docx_bytes: bytes) -> None:
    """Local headers shifted by one: zipfile seeks to offset -1 and raises ValueError."""
    _read("shifted.docx", docx_bytes[1:], "regressions")


@pytest.mark.slow
def test_docx_long_run_of_spaces_is_not_quadratic(docx_parts: dict[str, bytes]) -> None:
    spaces = b" " * 120_000  # about 12 s with the quadratic regular expression, milliseconds when linear
    data = _docx_with(docx_parts, "word/document.xml", "Работникам".encode(), "Работникам".encode() + spaces)
    _read("spaces.docx", data, "regressions")


def _isolated(name: str, data: bytes, tmp_path: Path, timeout: float) -> str:
    """Read in a child process, so a hang is cut off at `timeout` instead of stalling the suite."""
    src = tmp_path / "input.bin"
    src.write_bytes(data)
    code = (
        "import sys; from pathlib import Path\n"
        "from analyser.errors import AnalyserError\n"
        "from analyser.ingest import ReadSettings, read_bytes\n"
        "from analyser.segment import segment\n"
        f"data = Path({str(src)!r}).read_bytes()\n"
        "try:\n"
        f"    segment(read_bytes({name!r}, data, ReadSettings(ocr=False))); print('ok')\n"
        "except AnalyserError as e:\n"
        "    print('refused', e)\n"
    )
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout,
                             cwd=ROOT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name}: no answer within {timeout} s (a hang)")
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


@pytest.mark.slow
def test_docx_huge_list_level_does_not_hang(docx_parts: dict[str, bytes], tmp_path: Path) -> None:
    data = _docx_with(docx_parts, "word/document.xml", b'w:ilvl w:val="1"', b'w:ilvl w:val="99999999"')
    _count("regressions")
    _isolated("huge-ilvl.docx", data, tmp_path, timeout=20)


@pytest.mark.slow
def test_deeply_nested_html_does_not_hang(tmp_path: Path) -> None:
    _count("regressions")
    _isolated("deep.html", b"<div>" * 100_000 + b"hello world", tmp_path, timeout=20)


# --- classify JSONL through the CLI ----------------------------------------------------------------------

JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10,
)
GOOD_ROW = st.builds(lambda t, lang: json.dumps({"text": t, **({"lang": lang} if lang else {})},
                                                ensure_ascii=False),
                     st.text(min_size=1, max_size=200).filter(str.strip),
                     st.sampled_from(["", "ru", "kk", "en", "de", "xx", "RU"]))
BAD_ROW = st.one_of(
    JSON_VALUE.map(json.dumps),
    st.dictionaries(st.sampled_from(["text", "lang", "id"]), JSON_VALUE, max_size=3).map(json.dumps),
    st.text(max_size=100),
    st.sampled_from(['{"text": "a"', '{"text": ""}', '{"text": "  "}', "[1,2]", '"text"', "NaN",
                     '{"text": "x", "lang": 5}', '{"text": "x", "lang": ["ru"]}', '{"text":"\\ud800"}',
                     "\ufeff{}", '{"text": "ok", "text": 1}']),
)


def _classify(lines: list[str], skip_bad: bool, raw: bytes | None = None) -> None:
    _count("classify jsonl")
    stdin = raw if raw is not None else ("\n".join(lines) + "\n").encode("utf-8", errors="surrogatepass")
    args = ["classify", "-"] + (["--skip-bad"] if skip_bad else [])
    start = time.perf_counter()
    result = CliRunner().invoke(cli, args, input=stdin)
    assert time.perf_counter() - start < 60
    assert result.exit_code in (0, 2), (result.exit_code, result.output, repr(result.exception))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"crash: {result.exception!r}") from result.exception
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        for out in result.stdout.splitlines():
            row = json.loads(out)
            assert {"lang", "topics", "elements", "assessment", "scores"} <= set(row)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(st.one_of(GOOD_ROW, BAD_ROW), min_size=1, max_size=8), skip_bad=st.booleans())
def test_classify_jsonl_random_and_broken_lines(lines: list[str], skip_bad: bool) -> None:
    _classify(lines, skip_bad)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.binary(max_size=300), skip_bad=st.booleans())
def test_classify_jsonl_raw_bytes(raw: bytes, skip_bad: bool) -> None:
    _classify([], skip_bad, raw=raw)


def test_classify_invalid_utf8_line_is_a_clear_error() -> None:
    _classify([], True, raw=b'{"text": "\xff\xfe bad bytes"}\n')
    _classify([], False, raw=b'{"text": "\xff\xfe bad bytes"}\n')


def test_report_inputs_tried() -> None:
    """Not a check: prints how many inputs each target got (run with -s), for docs/security.md."""
    for target, n in sorted(TRIED.items()):
        print(f"{target}: {n}")
