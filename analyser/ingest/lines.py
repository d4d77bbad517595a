"""Lines of text (from a PDF page, OCR or a .txt file) to clean paragraphs.

Shared by every reader that gets text as lines rather than as paragraphs:
running headers/footers and page numbers repeated across pages are dropped,
contents pages skipped, words hyphenated across lines joined, and wrapped
lines put back together into the paragraphs the author wrote.
"""
from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from analyser.ingest.hyphenation import SOFT, join_broken_word

# Characters that only break text apart: soft hyphen, pdfium's soft-hyphen
# marker, zero-width spaces and joiners, BOM.
_INVISIBLE: dict[int, str | None] = dict.fromkeys(map(ord, "\u00ad\ufffe\u0002\u200b\u200c\u200d\u2060\ufeff"), None)
# Private-use bullet glyphs of the Symbol/Wingdings fonts, as PDFs and Word carry them.
_INVISIBLE.update({0xF0B7: "•", 0xF0A7: "▪", 0xF0D8: "➢", 0xF0FC: "✓", 0xF076: "❖", 0xF02D: "-"})
_INVISIBLE_RE = re.compile("[" + "".join(chr(c) for c in _INVISIBLE) + "]")
_MARKED_BREAK = re.compile(r"(\w+)\ufffe(\w+)")
_ODD_SPACE_CHARS = "\t\u00a0\u2002-\u200a\u202f\u3000"  # spaces other than U+0020, as a character-class body
_SPACES = re.compile(f"[ {_ODD_SPACE_CHARS}]+")
_ODD_SPACES = re.compile(f"[{_ODD_SPACE_CHARS}]")  # without these and double spaces, _SPACES changes nothing

# Page markers that are never content, wherever they stand.
PAGE_MARKER = re.compile(
    r"^\s*(?:\d{1,4}\s*\|\s*page|page\s*\|?\s*\d{1,4}(?:\s*of\s*\d{1,4})?|страница\s*\d{1,4}(?:\s*из\s*\d{1,4})?"
    r"|[-–—]\s*\d{1,4}\s*[-–—]|\d{1,4}\s*бет|бет\s*\d{1,4})\s*$",
    re.IGNORECASE,
)
PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*)?(?:стр\.?|страница|page|бет|p\.)?\s*\d{1,4}\s*"
    r"(?:(?:из|of|/)\s*\d{1,4})?\s*(?:[-–—]\s*)?(?:бет)?\s*$|^\s*\d{1,3}\s*\*\s*$",
    re.IGNORECASE,
)
DOTTED_LEADER = re.compile(r"(?:\.{4,}|…{2,}|(?:\. ){4,}|_{6,}\s*\d+\s*$)\s*\d*\s*$")
CONTENTS_TITLE = re.compile(
    r"^\s*(содержание|оглавление|мазмұны|contents|table of contents)\s*:?\s*$", re.IGNORECASE
)


_CONTENTS_WORD = re.compile(r"[сСоОмМcC]\s?[оОаАoO]|contents|мазм|о\s?г\s?л\s?а\s?в", re.IGNORECASE)  # cheap pre-check


def _is_contents_title(line: str) -> bool:
    if len(line) > 60 or not _CONTENTS_WORD.search(line):
        return False
    text = clean_line(line)
    if re.fullmatch(r"(?:\w ){3,}\w", text):  # "С О Д Е Р Ж А Н И Е"
        text = text.replace(" ", "")
    return bool(CONTENTS_TITLE.match(text))
TRAILING_PAGE_REF = re.compile(r"(?:\s{2,}|\t)(?:page\s*)?\d{1,4}(?:\s*[–-]\s*\d{1,4})?\s*$", re.IGNORECASE)
# Looser: a single space before the page number, or a page range; only for whole-page judgement.
PAGE_REF_LOOSE = re.compile(r"\D\s(?:page\s*)?\d{1,3}(?:\s*[–-]\s*\d{1,3})?\s*$", re.IGNORECASE)

# A line that opens a new paragraph whatever came before it.
OPENER = re.compile(
    r"""^\s*(?:
        \d{1,3}(?:\.\d{1,3}){0,4}\.?\s          # 1.  1.1.  1.1.1
      | \d{1,3}(?:\.\d{1,3}){0,3}\)\s           # 1)  1.1)
      | \d{1,3}-(?:бап|тарау|бөлім)\b           # 1-бап
      | [а-яёәғқңөұүһіa-z]\)\s                  # а)  b)
      | \((?:[a-z]|[ivx]{1,4}|\d{1,2}|[а-я])\)\s  # (a) (iv) (1)
      | [ivxlc]{1,6}\.\s                        # iv.
      | [IVXLC]{1,6}\.?\s+\S                    # IV. ОБЩИЕ / II Раздел
      | [-–—]\s | [•·▪●○■◦➢✓]                   # dashes and bullets
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# Heading words open a paragraph only after a finished sentence or a short line:
# "... as set out in\nArticle 12 of this Agreement" is one sentence.
WORD_OPENER = re.compile(
    r"^\s*(?:раздел|глава|статья|article|section|part|schedule|appendix|приложение|қосымша"
    r"|р\s?а\s?з\s?д\s?е\s?л)\b",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"[.;:!?»\"”)]\s*$")


@dataclass(frozen=True, slots=True)
class LineSettings:
    """Thresholds of the line heuristics; defaults fit printed agreements."""

    edge_lines: int = 3  # lines at the top and bottom of a page checked for running text
    repeat_share: float = 0.5  # a running line repeats on at least this share of pages
    min_pages_for_repeat: int = 3
    short_line_share: float = 0.72  # a line shorter than this share of the median ends a paragraph
    contents_leader_share: float = 0.3  # share of dotted/page-ref lines that marks a contents page
    run_on_chars: int = 1500  # a paragraph longer than this lost its line breaks (OCR) and is split


def clean_line(line: str) -> str:
    """Remove invisible characters and normalise spaces (letters stay as they are).

    A soft hyphen at the end of a line marks a word broken across lines, so
    it becomes a visible hyphen that `lines_to_paragraphs` then joins.
    """
    line = line.rstrip()
    if "\ufffe" in line:  # pdfium joins a hyphenated line itself, leaving U+FFFE where the hyphen was
        line = _MARKED_BREAK.sub(lambda m: join_broken_word(m.group(1) + "-", m.group(2)), line)
    soft = line.endswith("\u00ad")
    # pdfium marks every line-end hyphen it sees as U+FFFE, real compounds too: keep it visible and let
    # join_broken_word decide.
    marked = line.endswith(("\ufffe", "\u0002"))
    if _INVISIBLE_RE.search(line):
        line = line.translate(_INVISIBLE)
    if not line.isascii():
        line = unicodedata.normalize("NFC", line)
    if "  " in line or _ODD_SPACES.search(line):  # most lines are already tidy: skip the costly substitution
        line = _SPACES.sub(" ", line)
    line = line.strip()
    if soft and line:
        return line + SOFT
    return line + "-" if marked and line else line


def _shape(line: str) -> str:
    """A line with its digits blurred, so 'Page 3' and 'Page 4' look the same."""
    return re.sub(r"\d+", "#", line.lower()).strip()


def _ocr_variants(counts: Counter[str], running: set[str]) -> set[str]:
    """Edge lines that are a running line misread by OCR ("Колективний догов р")."""
    from rapidfuzz import fuzz, process

    if not running:
        return set()
    out = set()
    for shape in counts:
        if shape not in running and len(shape) >= 8:
            match = process.extractOne(shape, running, scorer=fuzz.ratio, score_cutoff=80)
            if match is not None:
                out.add(shape)
    return out


def drop_running_lines(pages: list[list[str]], settings: LineSettings = LineSettings()) -> list[list[str]]:
    """Remove page numbers and headers/footers that repeat across pages (blank lines are kept)."""
    n = settings.edge_lines
    counts: Counter[str] = Counter()
    edge_index: list[set[int]] = []
    for lines in pages:
        filled = [i for i, x in enumerate(lines) if x.strip()]
        edges = set(filled[:n] + filled[-n:])
        edge_index.append(edges)
        counts.update({_shape(lines[i]) for i in edges})
    need = max(settings.min_pages_for_repeat, int(len(pages) * settings.repeat_share))
    # Printers' imprints ("2 Заказ 15647") recur on fewer pages but are short and numbered.
    need_short = settings.min_pages_for_repeat
    running = {
        shape for shape, c in counts.items()
        if len(pages) >= settings.min_pages_for_repeat
        and (c >= need or (c >= need_short and "#" in shape and len(shape) <= 30))
    }
    running |= _ocr_variants(counts, running)
    out = []
    for lines, edges in zip(pages, edge_index):
        kept = []
        for i, line in enumerate(lines):
            at_edge = i in edges
            if line and (PAGE_MARKER.match(line) or (at_edge and (PAGE_NUMBER.match(line) or _shape(line) in running))):
                continue
            kept.append(line)
        out.append(kept)
    return out


def _is_contents_line(raw: str) -> bool:
    end = raw.rstrip()[-1:]
    if not (end.isdigit() or "...." in raw or "…" in raw or ". . ." in raw or "____" in raw):
        return False  # cheap pre-check: most lines are neither leaders nor end in a page number
    tail = raw[-200:]  # both patterns end at the line's end: a long line is searched only at its tail
    return _dotted_leader(tail) or TRAILING_PAGE_REF.search(tail) is not None


def _dotted_leader(tail: str) -> bool:
    """DOTTED_LEADER in a line's tail; the regex runs only where one of its marks is (every match has one)."""
    marked = "...." in tail or "……" in tail or ". . . ." in tail or "______" in tail
    return marked and DOTTED_LEADER.search(tail) is not None


def _loose_page_ref(line: str) -> bool:
    """PAGE_REF_LOOSE on a right-stripped line: its match ends in a digit, so other lines are not searched."""
    return line[-1:].isdecimal() and PAGE_REF_LOOSE.search(line) is not None


def is_contents_page(raw_lines: list[str], settings: LineSettings = LineSettings()) -> bool:
    """True for a table-of-contents page: a contents title, or mostly page references."""
    body = [x.rstrip() for x in raw_lines if x.strip()]
    if not body:
        return False
    refs = sum(_is_contents_line(x) or _loose_page_ref(x) for x in body)
    titled = any(_is_contents_title(x) for x in body[:5])
    if refs < max(3, len(body) * settings.contents_leader_share):
        return False
    return titled or (refs >= len(body) * 0.6 and _page_numbers_rise(body))


def _page_numbers_rise(lines: list[str]) -> bool:
    """Page references of a contents list grow down the page; codes in a table of jobs do not."""
    numbers = [int(m.group(1)) for m in (re.search(r"(\d{1,4})\s*$", x) for x in lines) if m]
    pairs = list(pairwise(numbers))
    return bool(pairs) and sum(b >= a for a, b in pairs) >= 0.8 * len(pairs)


def drop_contents_lines(raw_lines: list[str], min_run: int = 3) -> list[str]:
    """Drop contents lines inside a page: dotted leaders, and runs of page references.

    A run of at least `min_run` lines ending in a page number (short titles
    between them allowed) is a contents list; so is a contents title itself.
    """
    titles = [_is_contents_title(x) for x in raw_lines]
    flags = [t or _is_contents_line(x) for x, t in zip(raw_lines, titles)]
    # A dotted leader is a contents line too (flagged), so only flagged lines are searched for one.
    drop = [t or (f and _dotted_leader(x[-200:])) for x, t, f in zip(raw_lines, titles, flags)]
    i = 0
    while i < len(raw_lines):
        if not flags[i]:
            i += 1
            continue
        j, hits, last_hit = i, 0, i
        while j < len(raw_lines) and (flags[j] or (len(raw_lines[j].strip()) < 90 and j - last_hit <= 2)):
            if flags[j]:
                hits, last_hit = hits + 1, j
            j += 1
        if hits >= min_run:
            for k in range(i, last_hit + 1):
                drop[k] = True
        i = last_hit + 1
    return [x for x, d in zip(raw_lines, drop) if not d]


def _ends_with_hyphen(line: str) -> bool:
    return len(line) > 1 and line[-1] in "-\u00ad\u2010" and line[-2].isalpha()


def lines_to_paragraphs(
    lines: list[tuple[int | None, str]], settings: LineSettings = LineSettings()
) -> list[tuple[int | None, str]]:
    """Join wrapped (page, line) pairs into (first page, paragraph) pairs.

    Blank lines and openers (numbers, bullets, headings) start a paragraph; a
    paragraph may run on across a page break, as printed agreements do.
    """
    lengths = [len(x.strip()) for _, x in lines if len(x.strip()) > 20]
    typical = statistics.median(lengths) if lengths else 80.0
    paragraphs: list[tuple[int | None, str]] = []
    current, page_of_current, prev = "", None, ""
    for page, line in lines:
        text = line.strip()
        if not text:
            if current:
                paragraphs.append((page_of_current, current))
            current, prev = "", ""
            continue
        if current and _continues(prev, text, typical, settings):
            if _ends_with_hyphen(current) and text[:1].islower():
                current = join_broken_word(current.replace("\u2010", "-"), text)
            else:
                current = current + " " + text
        else:
            if current:
                paragraphs.append((page_of_current, current))
            current, page_of_current = text, page
        prev = text
    if current:
        paragraphs.append((page_of_current, current))
    out = []
    for page, text in paragraphs:
        for piece in split_run_on(clean_line(text).replace(SOFT, ""), settings):
            out.append((page, piece))
    return out


# Inside an overlong paragraph (OCR text that lost its line breaks), a new item
# starts after a finished sentence with "3.01", "(a)" or "ARTICLE IX".
RUN_ON_BREAK = re.compile(
    r"(?<=[.;:])\s+(?=(?:\d{1,2}\.\d{1,2}(?:\.\d{1,2})?\.?\s|\([a-z]\)\s|(?:ARTICLE|Article|SECTION|Статья|РАЗДЕЛ)\s))"
    r"|\s+(?=ARTICLE\s+[IVXLC\d]+\b)"
)
CAPS_TITLE = re.compile(r"^((?:ARTICLE|SECTION)\s+[IVXLC\d]+[\s\-–—·:.]*(?:[^a-z\s]+\s+)*?[^a-z\s]+)\s+(?=[A-Z][a-z])")


def split_run_on(text: str, settings: LineSettings = LineSettings()) -> list[str]:
    """Split a paragraph longer than `run_on_chars` at item numbers and article headings."""
    if len(text) <= settings.run_on_chars:
        return [text] if text else []
    pieces = []
    for part in RUN_ON_BREAK.split(text):
        part = part.strip()
        title = CAPS_TITLE.match(part)
        if title:
            pieces.extend([title.group(1).strip(), part[title.end():].strip()])
        elif part:
            pieces.append(part)
    out: list[str] = []
    for piece in pieces:
        out.extend(_sentence_chunks(piece, settings.run_on_chars // 2) if len(piece) > settings.run_on_chars
                   else [piece])
    return [p for p in out if p]


def _sentence_chunks(text: str, size: int) -> list[str]:
    """Sentences grouped into chunks of about `size` characters, for text with no other structure."""
    chunks, current = [], ""
    for sentence in re.split(r"(?<=[.;])\s+(?=[A-ZА-ЯЁ(])", text):
        if current and len(current) + len(sentence) > size:
            chunks.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        chunks.append(current)
    return chunks


# A line ending in a dash, a comma or one of these words is mid-sentence, whatever the next line starts
# with ("пунктами 7.1. –" / "7.12.").
MID_SENTENCE_WORDS = (
    "и", "или", "в", "с", "по", "от", "до", "к", "пунктом", "пунктами", "пункта", "пунктов", "пункте", "разделом",
    "разделе", "раздела", "статьей", "статьи", "статье", "п.", "пп.", "ст.", "бабы", "бабында", "тармағы",
    "тармағында", "and", "or", "of", "in", "to", "under", "section", "sections", "article", "articles", "clause",
    "clauses",
)
MID_SENTENCE = re.compile(
    r"(?:[–—,]|\b(?:" + "|".join(map(re.escape, MID_SENTENCE_WORDS)) + r"))\s*$", re.IGNORECASE
)
# The same test read backwards: one anchored match on the reversed line instead of a search along it.
_MID_SENTENCE_REVERSED = re.compile(
    r"\s*(?:[–—,]|(?:" + "|".join(re.escape(w[::-1]) for w in MID_SENTENCE_WORDS) + r")\b)", re.IGNORECASE
)
_WORD_START = re.compile(r"\d|[A-ZА-ЯЁa-zа-яё]")


def _mid_sentence(line: str) -> bool:
    """MID_SENTENCE found in the line's last 30 characters."""
    return _MID_SENTENCE_REVERSED.match(line[-30:][::-1]) is not None


def _continues(prev: str, line: str, typical: float, settings: LineSettings) -> bool:
    if _mid_sentence(prev) and not _is_title(prev) and _WORD_START.match(line):
        return True  # "... пунктами 7.1. –" + "7.12. настоящего Договора": one sentence, not a new item
    if OPENER.match(line):
        return False
    if _ends_with_hyphen(prev) and line[:1].islower():
        return True
    if _is_title(prev) and not _is_title(line):
        return False
    short = len(prev) < typical * settings.short_line_share
    ended = SENTENCE_END.search(prev[-4:]) is not None
    if WORD_OPENER.match(line) and (short or ended):
        return False
    if ended and (short or line[:1].isupper()):
        return False
    return not (short and line[:1].isupper() and not prev.endswith(","))


_LETTER = re.compile(r"[^\W\d_]")


def _is_title(line: str) -> bool:
    """A line in capitals (at least four letters): a heading or a title."""
    return len(line) < 240 and line.isupper() and len(_LETTER.findall(line, 0, 40)) >= 4


def normalise_page_texts(
    pages: list[list[str]], settings: LineSettings = LineSettings()
) -> tuple[list[list[str]], list[int]]:
    """Drop contents pages and lines, running headers/footers; clean the rest.

    Returns the clean lines of each page and the 1-based numbers of the pages
    skipped as contents. Contents are found on the raw lines, since their
    column gaps are what gives them away.
    """
    skipped: list[int] = []
    kept: list[list[str]] = []
    for number, page in enumerate(pages, 1):
        if is_contents_page(page, settings):
            skipped.append(number)
            kept.append([clean_line(x) for x in page if clean_line(x)])
        else:
            kept.append([clean_line(x) for x in drop_contents_lines(page)])  # blank lines end paragraphs
    # Running headers are counted over every page, contents pages included.
    result = drop_running_lines(kept, settings)
    return [[] if n in skipped else page for n, page in enumerate(result, 1)], skipped
