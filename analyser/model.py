"""The vocabulary of the analyser: one frozen type per stage of the data flow.

document -> blocks -> clauses -> labels -> gaps -> report. Every stage takes
one of these and returns the next; collections are tuples so a value, once
built, never changes under a later stage.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class BlockKind(str, Enum):
    """Where a block of text came from in the source layout."""

    PARAGRAPH = "paragraph"
    HEADING = "heading"
    TABLE_CELL = "table_cell"


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph-like unit of a document, in reading order.

    `number` is the label a reader sees in front of the text when Word's
    automatic numbering produced it (typed numbers stay inside `text`).
    `group` ties the two sides of a bilingual table row together; `lang` is
    set only where the layout itself tells the language (such a column).
    """

    index: int
    text: str
    kind: BlockKind = BlockKind.PARAGRAPH
    page: int | None = None
    style: str = ""
    number: str = ""
    level: int | None = None
    source: str = ""
    lang: str = ""
    group: str = ""
    column: int | None = None
    revised: bool = False


@dataclass(frozen=True, slots=True)
class Document:
    """A read agreement: its blocks in order plus what the reader noticed."""

    path: str
    format: str
    sha256: str
    blocks: tuple[Block, ...]
    pages: int | None = None
    ocr: bool = False
    bilingual: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.path.replace("\\", "/").rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class Clause:
    """One clause of an agreement: the unit that gets labels.

    `section` is the path of headings above it; `blocks` the indices of the
    source blocks it was built from; `pair` the id of the same clause in the
    other language of a bilingual agreement; `lead` the lead-in sentence of
    the list the clause is an item of ("The joint commission:"), which the
    classifier reads with it, since an item alone often has no subject.
    """

    id: str
    number: str
    section: tuple[str, ...]
    text: str
    lang: str
    page: int | None = None
    blocks: tuple[int, ...] = ()
    pair: str | None = None
    lead: str = ""

    @property
    def lang_supported(self) -> bool:
        return self.lang in SUPPORTED_LANGUAGES


SUPPORTED_LANGUAGES: tuple[str, ...] = ("ru", "kk", "en")


@dataclass(frozen=True, slots=True)
class Segmentation:
    """The clauses of one document with what segmentation had to report."""

    document: Document
    clauses: tuple[Clause, ...]
    language: str
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Match:
    """The library text most like a clause: which element, which kind of text, how similar."""

    element: str
    kind: str  # model_clause | fallback | weak_example | harmful_example
    lang: str
    similarity: float
    text: str


@dataclass(frozen=True, slots=True)
class LabelledClause:
    """A clause with its labels, the scores behind them and the evidence for them.

    `evidence` holds the words of the clause that drove the labels (to
    highlight), `matches` the nearest texts of the clause library.
    """

    clause: Clause
    topics: tuple[str, ...]
    elements: tuple[str, ...]
    assessment: str
    scores: dict[str, dict[str, float]]
    evidence: tuple[str, ...] = ()
    matches: tuple[Match, ...] = ()

    @property
    def margin(self) -> float:
        """How sure the model was: distance of the most uncertain decision from its threshold."""
        return float(self.scores.get("meta", {}).get("margin", 1.0))


@dataclass(frozen=True, slots=True)
class Gap:
    """The state of one protection (element) in an agreement and what to propose.

    `suggestions` holds the library's recommended clause per language of the
    agreement, `fallbacks` the minimum acceptable wording; `problem` says in
    one sentence what is wrong.
    """

    element: str
    topic: str
    status: str  # covered | weak | conflict | missing
    clauses: tuple[str, ...]
    name: str
    problem: str
    suggestions: dict[str, str]
    fallbacks: dict[str, str]

    def suggestion(self, lang: str) -> str:
        """The recommended clause in `lang`, else in the first language the gap has."""
        return self.suggestions.get(lang) or next(iter(self.suggestions.values()), "")

    def fallback(self, lang: str) -> str:
        return self.fallbacks.get(lang) or next(iter(self.fallbacks.values()), "")


@dataclass(frozen=True, slots=True)
class Report:
    """Everything known about one analysed agreement."""

    segmentation: Segmentation
    labelled: tuple[LabelledClause, ...]
    gaps: tuple[Gap, ...]
    score: dict[str, float]
    language: str
    model_version: str = ""
    library_version: str = ""
    warnings: tuple[str, ...] = ()
