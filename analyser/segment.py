"""Blocks to clauses: numbering and heading rules of real agreements.

A clause is a numbered item (1., 1.1., 1), а), (a), bullets) with its
continuation paragraphs and its sub-list, or an unnumbered paragraph where a
section has no numbering. Headings ("Раздел 3", "1-бап", "ARTICLE 38 -
REMOTE WORK", styled or short title lines) become the section path, not
clauses. Signature blocks and form lines are dropped.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache

from analyser.language import detect_language, majority_language
from analyser.model import Block, BlockKind, Clause, Document, Segmentation

KK_ORDINALS = ("бірінші", "екінші", "үшінші", "төртінші", "бесінші", "алтыншы", "жетінші",
               "сегізінші", "тоғызыншы", "оныншы", "он бірінші", "он екінші")


@dataclass(frozen=True, slots=True)
class SegmentSettings:
    """Words and thresholds of the segmentation rules."""

    part_words: tuple[str, ...] = ("раздел", "глава", "часть", "part", "chapter", "бөлім", "тарау", "бөлiм")
    article_words: tuple[str, ...] = ("статья", "article", "section", "бап", "пункт")
    appendix_words: tuple[str, ...] = ("приложение", "қосымша", "appendix", "schedule", "annex", "exhibit",
                                       "addendum")
    form_markers: tuple[str, ...] = ("(подпись)", "м.п.", "мп", "(қолы)", "қолы", "(signature)", "signature:",
                                     "(ф.и.о.)", "ф.и.о.", "(т.а.ә.)", "signed:", "date:", "дата:", "күні:")
    signature_starts: tuple[str, ...] = ("signed for", "signed on behalf", "for the employer:", "for the union:",
                                         "от работодателя:", "от работников:", "от профсоюза:", "жұмыс беруші атынан",
                                         "кәсіподақ атынан", "қызметкерлер атынан")
    heading_max_chars: int = 120
    title_max_words: int = 10
    max_clause_chars: int = 4000
    min_clause_letters: int = 12
    table_cell_min_words: int = 6


# A label in front of typed text; docx auto-numbering arrives as Block.number.
DECIMAL = re.compile(
    r"^(?P<label>\d{1,3}(?:\.\d{1,3}){1,4}\.?(?=\s)|\d{1,3}(?:\.\d{1,3}){0,4}[.)])\s*(?=\S)(?P<rest>.*)$", re.S
)
MINOR = re.compile(
    r"^(?P<label>[а-яёәғқңөұүһіa-z]\)|\((?:[a-z]{1,2}|[ivx]{1,5}|\d{1,2}|[а-яё])\)|[ivx]{1,5}\.|[-–—•·▪●○■◦➢✓❖*\uf0b7])\s*(?=\S)(?P<rest>.*)$",
    re.S,
)
ROMAN = re.compile(r"^(?P<label>[IVXLC]{1,6})\.?\s+(?P<rest>\S.*)$", re.S)
LETTER_SPACED = re.compile(r"(?<!\S)(?:[^\W\d_] ){3,}[^\W\d_](?!\S)")
# Inside every LETTER_SPACED match ("Р а з д е л"); starting with a space, it is found by a fast scan.
LETTER_SPACED_HINT = re.compile(r" [^\W\d_] [^\W\d_] ")
LETTER = re.compile(r"[^\W\d_]")
LETTERS = re.compile(r"[^\W\d_]+")  # counting letters by deleting runs is faster than finding each
TERMINAL = re.compile(r"[.;:!?,]\s*$")
DIGITS = re.compile(r"\d+")
SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n")


# Rank of each kind of heading in the section path (0 resets it: appendices).
FIXED_RANKS = {"appendix": 0, "part": 1, "roman": 1, "caps": 1, "article": 2, "decimal-title": 2}
BARE_HEADING = re.compile(r"^\S+\s*(?:№\s*)?\S+[.:]?$|^\S+[.:]?$")


@dataclass(frozen=True, slots=True)
class _Line:
    """A block seen by the segmenter: what it is and its label, if any."""

    block: Block
    kind: str  # heading | decimal | minor | text | skip
    label: str
    text: str
    rank_key: str = ""


def unspace_letters(text: str) -> str:
    """Join letter-spaced words: 'Р а з д е л 1' -> 'Раздел 1'."""
    if not LETTER_SPACED_HINT.search(text):
        return text
    return LETTER_SPACED.sub(lambda m: m.group(0).replace(" ", ""), text)


@dataclass
class _Builder:
    """Accumulates clauses for one stream of blocks (one column of a bilingual table)."""

    settings: SegmentSettings
    clauses: list[dict[str, object]] = field(default_factory=list)
    stack: list[tuple[int, str]] = field(default_factory=list)
    ranks: dict[str, int] = field(default_factory=dict)
    current: dict[str, object] | None = None
    numbered_in_section: bool = False
    bare_heading: bool = False
    caps_heading: bool = False  # the last line was a heading in capitals, perhaps wrapped

    def heading(self, line: _Line) -> None:
        self.flush()
        if self.bare_heading and line.rank_key in ("caps", "title") and self.stack:
            rank, text = self.stack[-1]  # "Раздел 3" on one line, its title on the next
            self.stack[-1] = (rank, f"{text}. {line.text}")
            self.bare_heading = False
            return
        if self.caps_heading and line.rank_key == "caps" and self.stack:
            rank, text = self.stack[-1]  # a heading in capitals wrapped onto a second line
            self.stack[-1] = (rank, f"{text} {line.text}")
            return
        group = line.rank_key.split(":")[0]
        rank = FIXED_RANKS.get(group) or self.ranks.setdefault(line.rank_key, len(self.ranks) + 3)
        if line.rank_key.startswith("style"):
            rank = int(line.rank_key[5:] or 1)
        self.stack = [(r, t) for r, t in self.stack if r < rank] if rank else []
        self.stack.append((rank, line.text))
        self.numbered_in_section = False
        self.bare_heading = group in ("part", "article") and bool(BARE_HEADING.match(line.text))
        self.caps_heading = _is_caps(line.text) and not line.text.rstrip().endswith(".")

    def flush(self) -> None:
        if self.current is not None:
            self.clauses.append(self.current)
        self.current = None

    def start(self, line: _Line) -> None:
        self.flush()
        self.current = {
            "number": line.label, "parts": [line.text], "blocks": [line.block.index],
            "page": line.block.page, "section": tuple(t for _, t in self.stack),
            "group": line.block.group, "lang": line.block.lang, "minor": False, "column": line.block.column,
        }
        if line.kind == "decimal":
            self.numbered_in_section = True

    def extend(self, line: _Line, with_label: bool) -> None:
        assert self.current is not None
        piece = f"{line.label} {line.text}" if with_label and line.label else line.text
        self.current["parts"].append(piece)  # type: ignore[union-attr]
        self.current["blocks"].append(line.block.index)  # type: ignore[union-attr]
        if line.kind == "minor":
            self.current["minor"] = True

    def size(self) -> int:
        return sum(len(p) for p in self.current["parts"]) if self.current else 0  # type: ignore[union-attr]

    def feed(self, line: _Line) -> None:
        s = self.settings
        if line.kind == "heading":
            self.heading(line)
            return
        self.bare_heading = self.caps_heading = False  # only a heading's next line can continue it
        if line.kind == "skip":
            self.flush()
            return
        cur = self.current
        last = str(cur["parts"][-1]) if cur else ""  # type: ignore[index]
        room = self.size() + len(line.text) < s.max_clause_chars
        if line.kind == "decimal":
            parent = str(cur["number"]) if cur else ""
            child = bool(parent) and line.label.startswith(parent.rstrip(".)") + ".")
            opened = last.rstrip().endswith(":") or (last.rstrip().endswith(";") and len(cur["parts"]) > 1)  # type: ignore[arg-type, index]
            if cur and room and opened and (child or not parent):
                self.extend(line, with_label=True)
            else:
                self.start(line)
        elif line.kind == "minor":
            if cur and room:
                self.extend(line, with_label=True)
            else:
                self.start(line)
        else:  # unnumbered text
            if cur and room and (cur["number"] or cur["minor"] or not TERMINAL.search(last)):
                self.extend(line, with_label=False)
            else:
                self.start(line)


def _classify(block: Block, settings: SegmentSettings) -> _Line:
    text = unspace_letters(block.text.strip())
    if block.kind == BlockKind.TABLE_CELL and not block.group and len(text.split()) < settings.table_cell_min_words:
        return _Line(block, "skip", "", text)
    if _is_form(text, settings):
        return _Line(block, "skip", "", text)
    if block.number:
        if block.number in "•▪◦➢✓❖-–—":
            return _Line(block, "minor", block.number, text)
        if block.kind == BlockKind.HEADING:
            return _Line(block, "heading", block.number, f"{block.number} {text}", f"style{block.level or 0}")
        if re.match(r"^\d+(?:\.\d+)*[.)]?$", block.number):
            if re.fullmatch(r"\d{1,3}\.?", block.number) and _is_title_like(text, settings):
                return _Line(block, "heading", block.number, f"{block.number} {text}", "decimal-title")
            return _Line(block, "decimal", block.number, text)
        named = _named_heading(f"{block.number} {text}", settings)
        if named:
            return _Line(block, "heading", block.number, f"{block.number} {text}", named)
        return _Line(block, "minor", block.number, text)
    if block.kind == BlockKind.HEADING:
        return _Line(block, "heading", "", text, f"style{block.level or 0}")
    named = _named_heading(text, settings)
    if named:
        return _Line(block, "heading", "", text, named)
    m = DECIMAL.match(text)
    if m:
        return _Line(block, "decimal", m.group("label"), m.group("rest").strip())
    m = ROMAN.match(text)
    if m and _is_title_like(m.group("rest"), settings):
        return _Line(block, "heading", "", text, "roman")
    m = MINOR.match(text)
    if m:
        return _Line(block, "minor", m.group("label"), m.group("rest").strip())
    if _is_title_like(text, settings):
        return _Line(block, "heading", "", text, "caps" if text.upper() == text else "title")
    return _Line(block, "text", "", text)


@dataclass(frozen=True, slots=True)
class _Patterns:
    """The settings' word lists compiled once into regular expressions."""

    appendix: re.Pattern[str]
    named: tuple[tuple[str, str, re.Pattern[str], re.Pattern[str]], ...]  # (group, word, match, strip)
    any_named: re.Pattern[str]  # matches where one of `named` does: most lines are ruled out by one call
    kk_ordinal: re.Pattern[str]
    form: re.Pattern[str]
    signature: tuple[str, ...]


NUMBER = r"(?:\d{1,3}(?:\.\d{1,3})*|[ivxlc]{1,6}|[a-z])"


@lru_cache(maxsize=8)
def _patterns(settings: SegmentSettings) -> _Patterns:
    appendix = "|".join(re.escape(w) for w in settings.appendix_words)
    heading_words = "|".join((*settings.part_words, *settings.article_words))
    named = []
    for group, words in (("part", settings.part_words), ("article", settings.article_words)):
        for word in words:
            head = rf"(?:{word}\s*(?:№\s*)?{NUMBER}|{NUMBER}\s*[-‑]?\s*{word})"
            named.append((group, word, re.compile(rf"^{head}\b"),
                          re.compile(rf"^{head}[\s.:\-–—]*", re.IGNORECASE)))
    return _Patterns(
        appendix=re.compile(rf"^(?:№\s*)?(?:\d+[-‑]?\s*)?(?:{appendix})\b"),
        named=tuple(named),
        any_named=re.compile(rf"^(?:(?:{heading_words})\s*(?:№\s*)?{NUMBER}|{NUMBER}\s*[-‑]?\s*(?:{heading_words}))\b"),
        kk_ordinal=re.compile(rf"^(?:{'|'.join(KK_ORDINALS)})\s+(?:тарау|бөлім)\b"),
        # One word-boundary test around all markers: the same matches as one test per marker, found faster.
        form=re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(m) for m in settings.form_markers)})(?!\w)"),
        signature=settings.signature_starts,
    )


def _named_heading(text: str, settings: SegmentSettings) -> str:
    """The rank key of a 'Раздел 2' / '3-бап' / 'Article 4' / 'Приложение 1' heading, else ''."""
    if len(text) > settings.heading_max_chars * 2:
        return ""
    head = text[: settings.heading_max_chars].lower()
    patterns = _patterns(settings)
    if patterns.appendix.match(head):
        return "appendix"
    for group, word, match, strip in patterns.named if patterns.any_named.match(head) else ():
        if match.match(head):
            rest = strip.sub("", text)
            if not rest or _is_title_like(rest, settings) or (
                rest.upper() == rest and len(rest) <= settings.heading_max_chars
            ):
                return f"{group}:{word}"
    if patterns.kk_ordinal.match(head):
        return "part:kk-ordinal"
    m = DECIMAL.match(text)
    if m and re.fullmatch(r"\d{1,3}\.?", m.group("label")) and _is_title_like(m.group("rest"), settings):
        return "decimal-title"
    return ""


def _is_title_like(text: str, settings: SegmentSettings) -> bool:
    """Short, no closing punctuation (a full stop is fine in capitals), starts with a capital: a title."""
    text = text.strip()
    caps = _is_caps(text)
    if caps and text.endswith("."):
        text = text[:-1].rstrip()
    if caps and text and not TERMINAL.search(text):  # "ТК РФ." (a wrapped line's tail) is no title: no real word
        return len(text) <= settings.heading_max_chars * 2 and any(len(w) >= 3 for w in LETTERS.findall(text))
    if not text or len(text) > settings.heading_max_chars or TERMINAL.search(text):
        return False
    if len(text.split()) > settings.title_max_words:
        return False
    first = next((c for c in text if c.isalpha()), "")
    return first.isupper()


PERSON_NAME = re.compile(
    r"^(?:[А-ЯЁӘҒҚҢӨҰҮҺІA-Z]\.\s?){1,2}[А-ЯЁӘҒҚҢӨҰҮҺІA-Z][а-яёәғқңөұүһіa-z-]+$"
    r"|^[А-ЯЁӘҒҚҢӨҰҮҺІA-Z][а-яёәғқңөұүһіa-z-]+\s(?:[А-ЯЁӘҒҚҢӨҰҮҺІA-Z]\.\s?){1,2}$"
)


FORM_FILLER = re.compile(r"[_.\s]")  # what a form line is made of besides its words


def _is_caps(text: str) -> bool:
    """All letters upper case, and at least four of them."""
    return text.isupper() and len(LETTER.findall(text, 0, 40)) >= 4


def _is_form(text: str, settings: SegmentSettings) -> bool:
    """Signature lines, form fields and bare names with initials: not clauses."""
    if PERSON_NAME.match(text.strip()):
        return True
    if ("____" in text or "......" in text) and len(FORM_FILLER.sub("", text)) < 80:
        return True
    if len(text) >= 300:
        return False
    low = text.lower()  # only short lines are compared with the word lists
    if low.startswith(settings.signature_starts) and "______" in text:
        return True
    return len(text) < 160 and _patterns(settings).form.search(low) is not None


def _finish(raw: list[dict[str, object]], doc_lang: Callable[[], str],
            settings: SegmentSettings) -> list[tuple[Clause, str]]:
    """Clauses from the builders' raw items, with their table-row group."""
    clauses: list[tuple[Clause, str]] = []
    previous: dict[int | None, str] = {}  # language of the last clause per table column
    leads: dict[int | None, tuple[str, str, str]] = {}  # per column: last clause's text, its lead, its number style
    for item in raw:
        text = "\n".join(str(p) for p in item["parts"]).strip()  # type: ignore[union-attr]
        head = text[: settings.min_clause_letters * 8]
        if len(head) - len(LETTERS.sub("", head)) < settings.min_clause_letters:
            continue
        column = item.get("column")
        lang = str(item["lang"]) or detect_language(text, default=previous.get(column, doc_lang))  # type: ignore[arg-type]
        previous[column] = lang  # type: ignore[index]
        lead = _lead(str(item["number"]), leads.get(column))  # type: ignore[arg-type]
        leads[column] = (text, lead, _style(str(item["number"])))  # type: ignore[index]
        clause = Clause(
            id=f"c{len(clauses) + 1:04d}", number=str(item["number"]),
            section=item["section"], text=text, lang=lang,  # type: ignore[arg-type]
            page=item["page"], blocks=tuple(item["blocks"]), lead=lead,  # type: ignore[arg-type]
        )
        clauses.append((clause, str(item["group"])))
    return clauses


def _lead(number: str, before: tuple[str, str, str] | None, limit: int = 300) -> str:
    """The lead-in of the list an item belongs to: the last sentence of the clause before it when that
    ends with a colon ("The Commission:"), kept for the next items of the same numbering style until an
    item ends with a full stop."""
    if not number or before is None:
        return ""
    text, lead, style = before
    text = text.rstrip()
    if text.endswith(":"):
        return SENTENCE_END.split(text)[-1][-limit:].strip()
    ended = text.endswith((".", "!", "?"))  # a list's last item closes it
    return lead if lead and not ended and _style(number) == style else ""


def _style(label: str) -> str:
    """The shape of a number label: "6.2." -> "0.0.", "1)" -> "0)", any letter item "б)" or "(b)" -> "a)"."""
    return DIGITS.sub("0", label) if any(ch.isdigit() for ch in label) else "a" + label[-1:]


def _language_sample(blocks: tuple[Block, ...], size: int = 24) -> list[Block]:
    """Up to `size` blocks spread over the document, preferring ones long enough to tell a language."""
    long = [b for b in blocks if len(b.text) >= 60] or list(blocks)
    step = max(1, len(long) // size)
    return long[::step][:size]


def segment(document: Document, settings: SegmentSettings = SegmentSettings()) -> Segmentation:
    """Split a document into clauses with section paths, numbers, pages and languages.

    Each column of a bilingual table is segmented as a stream of its own (its
    own headings, its own clauses), and the clauses of one table row are
    paired across the columns.
    """
    lines = [_classify(b, settings) for b in document.blocks]

    @cache
    def doc_lang() -> str:
        """The document's language, from a sample of its blocks; computed only if a clause falls back to it."""
        return majority_language([detect_language(b.text) for b in _language_sample(document.blocks)])

    builders: dict[int, _Builder] = {}
    row_of: dict[int, str] = {}
    for line in lines:
        key = line.block.column if line.block.group and line.block.column is not None else -1
        builder = builders.setdefault(key, _Builder(settings))
        if line.block.group and row_of.get(key) != line.block.group:
            builder.flush()  # a clause never runs from one table row into the next
            row_of[key] = line.block.group
        builder.feed(line)
    raw: list[dict[str, object]] = []
    for builder in builders.values():
        builder.flush()
        raw.extend(builder.clauses)
    raw.sort(key=lambda item: item["blocks"][0])  # type: ignore[index]
    clauses = _pair(_finish(raw, doc_lang, settings))
    return Segmentation(
        document=document, clauses=tuple(clauses),
        language=majority_language([c.lang for c in clauses]) or doc_lang(),
    )


def _pair(clauses: list[tuple[Clause, str]]) -> list[Clause]:
    """Link the clauses of one bilingual table row to each other, side by side in order."""
    rows: dict[str, dict[str, list[int]]] = {}
    for i, (clause, group) in enumerate(clauses):
        if group:
            rows.setdefault(group, {}).setdefault(clause.lang, []).append(i)
    partner: dict[int, str] = {}
    for sides in rows.values():
        if len(sides) != 2:
            continue
        first, second = sides.values()
        for a, b in zip(first, second):
            partner[a], partner[b] = clauses[b][0].id, clauses[a][0].id
    return [replace(c, pair=partner[i]) if i in partner else c for i, (c, _) in enumerate(clauses)]
