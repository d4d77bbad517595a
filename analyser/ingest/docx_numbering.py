"""Word automatic numbering: the label a reader sees in front of a paragraph.

Word stores "3.1." not as text but as numbering definitions (numbering.xml:
abstractNum levels with a format and a pattern such as "%1.%2.") plus a
counter state that only exists while the document is laid out. This module
replays those counters in body order, the way Word does: list instances that
share an abstract definition continue each other, an instance with a
startOverride starts its own count, and a higher level resets the deeper ones.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def w(tag: str) -> str:
    """Clark name of a WordprocessingML tag."""
    return f"{{{W}}}{tag}"


def _val(el: etree._Element | None, attr: str = "val") -> str | None:
    return None if el is None else el.get(w(attr))


def level_number(value: str | None) -> int:
    """A list level as Word allows it (0-8); anything else (text, huge numbers) is level 0 or 8."""
    if value is None or not re.fullmatch(r"-?\d{1,6}", value.strip()):
        return 0
    return min(8, max(0, int(value)))


RUSSIAN_LETTERS = "абвгдежзиклмнопрстуфхцчшщэюя"
BULLET_GLYPHS = {"\uf0b7": "•", "\uf0a7": "▪", "\uf0d8": "➢", "o": "◦", "\uf0fc": "✓", "\uf076": "❖"}


@dataclass(frozen=True, slots=True)
class Level:
    """One level of a list definition."""

    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    restart: int | None = None
    legal: bool = False
    style: str = ""


def _parse_level(el: etree._Element) -> Level:
    start = _val(el.find(w("start")))
    restart = _val(el.find(w("lvlRestart")))
    return Level(
        start=int(start) if start and start.lstrip("-").isdigit() else 1,
        fmt=_val(el.find(w("numFmt"))) or "decimal",
        text=_val(el.find(w("lvlText"))) or "",
        restart=int(restart) if restart and restart.isdigit() else None,
        legal=el.find(w("isLgl")) is not None,
        style=_val(el.find(w("pStyle"))) or "",
    )


def format_number(n: int, fmt: str) -> str:
    """A counter value in one of Word's number formats."""
    if fmt in ("lowerLetter", "upperLetter"):
        letter = "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26] * ((n - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("russianLower", "russianUpper"):
        letter = RUSSIAN_LETTERS[(n - 1) % 28] * ((n - 1) // 28 + 1)
        return letter.upper() if fmt == "russianUpper" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(n)
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


def _roman(n: int) -> str:
    out = []
    for value, digits in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out.append(digits)
            n -= value
    return "".join(out)


@dataclass
class Numbering:
    """Numbering definitions of one document plus the running counters.

    Stateful by nature (Word's counters are), so it is used once, in body
    order, by the .docx reader and then dropped.
    """

    abstract: dict[str, dict[int, Level]] = field(default_factory=dict)
    instances: dict[str, tuple[str, dict[int, int], dict[int, Level]]] = field(default_factory=dict)
    style_links: dict[str, tuple[str, int]] = field(default_factory=dict)
    _counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def from_xml(cls, root: etree._Element | None) -> Numbering:
        """Parse numbering.xml (None for a document without lists)."""
        numbering = cls()
        if root is None:
            return numbering
        for absn in root.iter(w("abstractNum")):
            aid = _val(absn, "abstractNumId") or ""
            levels = {}
            for lvl in absn.iter(w("lvl")):
                ilvl = level_number(_val(lvl, "ilvl"))
                levels[ilvl] = _parse_level(lvl)
            numbering.abstract[aid] = levels
        for num in root.iter(w("num")):
            nid = _val(num, "numId") or ""
            aid = _val(num.find(w("abstractNumId"))) or ""
            starts: dict[int, int] = {}
            replaced: dict[int, Level] = {}
            for override in num.iter(w("lvlOverride")):
                ilvl = level_number(_val(override, "ilvl"))
                start = _val(override.find(w("startOverride")))
                if start and start.isdigit():
                    starts[ilvl] = int(start)
                lvl = override.find(w("lvl"))
                if lvl is not None:
                    replaced[ilvl] = _parse_level(lvl)
            numbering.instances[nid] = (aid, starts, replaced)
        for aid, levels in numbering.abstract.items():
            for ilvl, level in levels.items():
                if level.style:
                    numbering.style_links[level.style] = (aid, ilvl)
        return numbering

    def level_of_style(self, style_id: str) -> int | None:
        """The list level a paragraph style is linked to in the definitions, if any."""
        link = self.style_links.get(style_id)
        return link[1] if link else None

    def _level(self, nid: str, ilvl: int) -> Level:
        aid, _, replaced = self.instances[nid]
        if ilvl in replaced:
            return replaced[ilvl]
        return self.abstract.get(aid, {}).get(ilvl, Level())

    def next_label(self, nid: str, ilvl: int) -> str:
        """Advance the counters for a paragraph at (numId, ilvl) and return its label."""
        if nid not in self.instances or nid == "0":
            return ""
        aid, starts, _ = self.instances[nid]
        key = f"num:{nid}" if starts else f"abs:{aid}"
        counters = self._counters.setdefault(key, {})
        level = self._level(nid, ilvl)
        start = starts.get(ilvl, level.start)
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start
        for deeper in [k for k in counters if k > ilvl]:
            restart = self._level(nid, deeper).restart
            if restart is None or restart > ilvl:
                del counters[deeper]
        for upper in range(ilvl):
            counters.setdefault(upper, starts.get(upper, self._level(nid, upper).start))
        if level.fmt == "bullet":
            glyph = level.text.strip()
            return BULLET_GLYPHS.get(glyph, glyph or "•")
        label = level.text
        for k in range(ilvl, -1, -1):  # %10 before %1
            fmt = "decimal" if level.legal else self._level(nid, k).fmt
            label = label.replace(f"%{k + 1}", format_number(counters.get(k, 1), fmt))
        return label.strip()
