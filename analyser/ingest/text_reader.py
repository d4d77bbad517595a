"""Plain text (.txt/.md) and HTML agreements to blocks.

Text files come in UTF-8, UTF-8 with a BOM or the Windows Cyrillic code page;
form feeds, where present, separate pages.
"""
from __future__ import annotations

import re
from pathlib import Path

from analyser.errors import DocumentLoadError
from analyser.ingest.lines import lines_to_paragraphs, normalise_page_texts
from analyser.model import Block, BlockKind, Document

MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
HTML_DROP = ("script", "style", "noscript", "nav", "header", "footer", "template", "svg")


def decode_text(path: Path, data: bytes) -> str:
    """Decode text bytes: UTF-8 (with or without BOM), else cp1251, else refuse."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:4096]:
        raise DocumentLoadError(path, "the file is binary, not text.", "Upload a .docx, .pdf or .txt file.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1251", errors="replace")
    letters = sum(ch.isalpha() for ch in text[:20000])
    if letters < len(text[:20000]) * 0.3:
        raise DocumentLoadError(
            path, "the text encoding is not recognised (neither UTF-8 nor Windows-1251).",
            "Save it as UTF-8 text.",
        )
    return text


def text_to_document(path: Path, text: str, sha256: str, fmt: str) -> Document:
    """Blocks of a text whose pages are separated by form feeds."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    pages = [[MARKDOWN_HEADING.sub("", line) for line in page.split("\n")] for page in text.split("\f")]
    page_lines, contents = normalise_page_texts(pages)
    paged = len(pages) > 1
    numbered: list[tuple[int | None, str]] = []
    for n, lines in enumerate(page_lines, 1):
        numbered.extend((n if paged else None, line) for line in lines)
        numbered.append((n if paged else None, ""))
    blocks = tuple(
        Block(index=i, text=para, kind=BlockKind.PARAGRAPH, page=page, source=f"paragraph {i + 1}")
        for i, (page, para) in enumerate(lines_to_paragraphs(numbered))
    )
    if not blocks:
        raise DocumentLoadError(path, "the file contains no text.")
    warnings = tuple(f"page {n}: table of contents, skipped" for n in contents)
    return Document(path=str(path), format=fmt, sha256=sha256, blocks=blocks,
                    pages=len(pages) if paged else None, warnings=warnings)


def read_text(path: Path, data: bytes, sha256: str) -> Document:
    """Read a .txt or .md agreement."""
    return text_to_document(path, decode_text(path, data), sha256, path.suffix.lower().lstrip(".") or "txt")


BLOCK_TAGS = ("p", "li", "div", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr", "ul", "ol", "table",
              "section", "article", "blockquote", "dd", "dt", "pre", "title")


MAX_HTML_DEPTH = 400


_TAG = re.compile(rb"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^>]*?(/?)>")
# Elements that never nest or that HTML closes by itself: they do not count towards the depth.
_FLAT = {b"br", b"img", b"hr", b"meta", b"link", b"input", b"p", b"li", b"td", b"th", b"tr", b"option",
         b"dt", b"dd", b"col", b"wbr", b"source", b"area", b"base"}


def _nesting_depth(data: bytes) -> int:
    """Deepest nesting of container elements, from the tags alone (linear, nothing parsed)."""
    depth = deepest = 0
    for match in _TAG.finditer(data):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in _FLAT or self_closing:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        if depth > deepest:
            deepest = depth
            if deepest > MAX_HTML_DEPTH:
                break
    return deepest


_DOCTYPE_SUBSET_START = re.compile(rb"<!DOCTYPE[^\[>]*\[", re.IGNORECASE)
# The bracketed part of a doctype up to its "]>", with quoted entity values skipped whole (they may hold
# "]>" themselves). Possessive (*+): nothing to backtrack, so a subset that never ends costs linear time
# and no memory (the plain * kept a backtracking entry per character: 5 GB for 50 MB).
_DOCTYPE_SUBSET_REST = re.compile(rb"(?:\"[^\"]*\"|'[^']*'|[^\]\"']+)*+\]\s*>")


def _without_internal_subset(data: bytes) -> bytes:
    """The page with `<!DOCTYPE html [ <!ENTITY ...> ]>` reduced to `<!DOCTYPE html>`: an HTML parser ends
    the doctype at the first ">", and the rest of the declarations, down to "]>", would become text."""
    start = _DOCTYPE_SUBSET_START.search(data, 0, 4096)  # a doctype comes before any content
    if start is None:
        return data
    rest = _DOCTYPE_SUBSET_REST.match(data, start.end())
    if rest is None:
        return data
    return data[:start.start()] + b"<!DOCTYPE html>" + data[rest.end():]


def read_html(path: Path, data: bytes, sha256: str) -> Document:
    """Read an .html agreement: one paragraph per block element, links-only lists dropped."""
    from bs4 import BeautifulSoup

    if _nesting_depth(data) > MAX_HTML_DEPTH:
        raise DocumentLoadError(path, f"the HTML is nested more than {MAX_HTML_DEPTH} levels deep and was refused.",
                                "Save the agreement as .docx or .pdf.")
    soup = BeautifulSoup(_without_internal_subset(data), "lxml")
    for tag in soup(HTML_DROP):
        tag.decompose()
    body = soup.body or soup
    for item in body.find_all(["li", "p"]):
        text = item.get_text(" ", strip=True)
        links = " ".join(a.get_text(" ", strip=True) for a in item.find_all("a"))
        if text and len(links) >= len(text) - 3 and not item.find(["ul", "ol"], recursive=False):
            item.decompose()  # navigation: a contents list of links
    for br in body.find_all("br"):
        br.replace_with("\n")
    for tag in body.find_all(BLOCK_TAGS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    paragraphs = [re.sub(r"\s+", " ", x).strip() for x in re.split(r"\n\s*\n", body.get_text(""))]
    return text_to_document(path, "\n\n".join(x for x in paragraphs if x), sha256, "html")
