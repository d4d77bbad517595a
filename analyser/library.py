"""The clause library: clause_library/*.yaml -> a validated, read-only `ClauseLibrary`.

Every load validates (yaml.safe_load only, a pydantic schema, the taxonomy
contract) and every problem is reported as `file:line: message`, so that a
lawyer who edits the YAML by hand sees exactly where the mistake is.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from analyser.errors import ClauseLibraryError
from analyser.taxonomy import Taxonomy, load_taxonomy

LANGS = ("ru", "kk", "en")
DEFAULT_LIBRARY = Path(__file__).resolve().parents[1] / "clause_library"


class _Text3(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ru: str
    kk: str
    en: str

    @field_validator("ru", "kk", "en")
    @classmethod
    def _not_empty(cls, value: str) -> str:
        if not str(value).strip():
            raise ValueError("empty text")
        return str(value).strip()


class _List3(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ru: list[str]
    kk: list[str]
    en: list[str]

    @field_validator("ru", "kk", "en")
    @classmethod
    def _not_empty(cls, value: list[str]) -> list[str]:
        items = [str(x).strip() for x in value]
        if not items or not all(items):
            raise ValueError("needs at least one non-empty entry")
        return items


class _ElementSchema(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: _Text3
    rationale: _Text3
    checklist: _List3
    model_clause: _Text3
    fallback: _Text3
    weak_examples: _List3
    harmful_examples: _List3
    legal_basis: list[_Text3] = []
    tags: list[str] = []
    added: bool = False  # an element the library adds beyond taxonomy.yaml


class _TopicSchema(BaseModel):
    model_config = ConfigDict(extra="forbid")
    topic: str
    name: _Text3
    elements: dict[str, _ElementSchema]


@dataclass(frozen=True, slots=True)
class LibraryElement:
    """One protection: what it is, what to propose, how it goes wrong."""

    id: str
    topic: str
    name: dict[str, str]
    rationale: dict[str, str]
    checklist: dict[str, tuple[str, ...]]
    model_clause: dict[str, str]
    fallback: dict[str, str]
    weak_examples: dict[str, tuple[str, ...]]
    harmful_examples: dict[str, tuple[str, ...]]
    legal_basis: tuple[dict[str, str], ...]
    tags: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class ClauseLibrary:
    """All elements of the library, by id, with the topic names."""

    elements: dict[str, LibraryElement]
    topic_names: dict[str, dict[str, str]]
    root: str
    version: str

    def element(self, element_id: str) -> LibraryElement:
        try:
            return self.elements[element_id]
        except KeyError:
            raise ClauseLibraryError(f"unknown element id {element_id!r}") from None

    def texts(self, lang: str) -> list[tuple[str, str, str]]:
        """(element id, kind, text) of every library text in a language, for similarity search."""
        out = []
        for e in self.elements.values():
            out.append((e.id, "model_clause", e.model_clause[lang]))
            out.append((e.id, "fallback", e.fallback[lang]))
            out.extend((e.id, "weak_example", t) for t in e.weak_examples[lang])
            out.extend((e.id, "harmful_example", t) for t in e.harmful_examples[lang])
        return out


_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_FAST_LOADER):  # type: ignore[misc,valid-type]
    """A safe loader that refuses duplicate keys, naming their line."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.MarkedYAMLError(
                    problem=f"duplicate key {key!r} (first at line {seen[key]})", problem_mark=key_node.start_mark
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


class _Lazy:
    """A YAML text whose node tree is composed only if a line number is asked for."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._node: yaml.Node | None = None

    def node(self) -> yaml.Node | None:
        if self._node is None:
            self._node = yaml.compose(self.text, Loader=yaml.SafeLoader)
        return self._node


def _line_of(node: yaml.Node | _Lazy | None, path: tuple[Any, ...]) -> int:
    """Line (1-based) of the deepest node along `path` in a composed YAML tree."""
    if isinstance(node, _Lazy):
        node = node.node()
    line = 1 if node is None else node.start_mark.line + 1
    for key in path:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == str(key):
                    node, line = v, k.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _error_line(text: str, exc: yaml.MarkedYAMLError) -> int:
    """The line to show for a YAML error.

    An unclosed quote is only noticed where the next quote happens to be, so
    when a quoted value spanning several lines ends just before the error,
    the line where that value opened is the one the editor needs.
    """
    quoted = bool(exc.context and "quoted scalar" in exc.context)
    mark = (exc.context_mark if quoted else None) or exc.problem_mark or exc.context_mark
    if mark is None:
        return 1
    if quoted or exc.problem_mark is None:
        return mark.line + 1
    last_multiline = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= exc.problem_mark.index:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'") and (
                token.end_mark.line > token.start_mark.line
            ):
                last_multiline = token
    except yaml.YAMLError:
        pass
    if last_multiline is not None and last_multiline.end_mark.line == exc.problem_mark.line:
        return last_multiline.start_mark.line + 1
    return mark.line + 1


def _read_file(path: Path, taxonomy: Taxonomy, text: str | None = None) -> tuple[_TopicSchema | None, list[str], Any]:
    text = path.read_text(encoding="utf-8") if text is None else text
    node = _Lazy(text)  # the node tree (for line numbers) is composed only when a problem must be placed
    try:
        data = yaml.load(text, Loader=_LineLoader)  # a SafeLoader subclass: no arbitrary objects
    except yaml.MarkedYAMLError as exc:
        return None, [f"{path}:{_error_line(text, exc)}: bad YAML: {exc.problem or exc}"], None
    except yaml.YAMLError as exc:
        return None, [f"{path}:1: bad YAML: {exc}"], None
    if not isinstance(data, dict):
        return None, [f"{path}:1: expected a mapping with 'topic', 'name' and 'elements'"], node
    try:
        return _TopicSchema.model_validate(data), [], node
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            where = ".".join(str(x) for x in loc)
            message = "missing" if err["type"] == "missing" else err["msg"]
            problems.append(f"{path}:{_line_of(node, loc)}: {where}: {message}")
        return None, problems, node


def validate_library(root: str | Path = DEFAULT_LIBRARY, taxonomy: Taxonomy | None = None,
                     replacing: dict[str, str] | None = None) -> list[str]:
    """Every problem of the library under `root` as 'file:line: message' (empty when valid).

    `replacing` maps file names to texts that stand in for those files (or are added): an edit is checked
    as if saved, in memory, before anything is written.
    """
    return _load(Path(root), taxonomy or load_taxonomy(), replacing or {})[1]


def _load(root: Path, taxonomy: Taxonomy, replacing: dict[str, str] | None = None
          ) -> tuple[dict[str, LibraryElement], list[str], dict[str, dict[str, str]]]:
    problems: list[str] = []
    elements: dict[str, LibraryElement] = {}
    where: dict[str, str] = {}
    topic_names: dict[str, dict[str, str]] = {}
    replacing = replacing or {}
    on_disk = set(root.glob("*.yaml")) if root.is_dir() else set()
    files = sorted(on_disk | {root / name for name in replacing})
    if not files:
        return {}, [f"{root}: no clause library files (*.yaml) found"], {}
    topic_of = taxonomy.topic_of
    unreadable = False
    for path in files:
        schema, file_problems, node = _read_file(path, taxonomy, replacing.get(path.name))
        problems.extend(file_problems)
        if schema is None:
            unreadable = True
            continue
        if schema.topic not in taxonomy.topic_ids:
            problems.append(f"{path}:{_line_of(node, ('topic',))}: unknown topic id {schema.topic!r}")
            continue
        topic_names[schema.topic] = schema.name.model_dump()
        for eid, entry in schema.elements.items():
            line = _line_of(node, ("elements", eid))
            if eid in elements:
                problems.append(f"{path}:{line}: duplicate element id {eid!r} (also in {where[eid]})")
                continue
            if eid not in topic_of and not entry.added:
                problems.append(f"{path}:{line}: unknown element id {eid!r} (not in taxonomy.yaml; "
                                "mark it 'added: true' if the library adds it on purpose)")
                continue
            if eid in topic_of and topic_of[eid] != schema.topic:
                problems.append(f"{path}:{line}: element {eid!r} belongs to topic {topic_of[eid]!r}")
                continue
            where[eid] = str(path)
            elements[eid] = LibraryElement(
                id=eid, topic=schema.topic, name=entry.name.model_dump(), rationale=entry.rationale.model_dump(),
                checklist={k: tuple(v) for k, v in entry.checklist.model_dump().items()},
                model_clause=entry.model_clause.model_dump(), fallback=entry.fallback.model_dump(),
                weak_examples={k: tuple(v) for k, v in entry.weak_examples.model_dump().items()},
                harmful_examples={k: tuple(v) for k, v in entry.harmful_examples.model_dump().items()},
                legal_basis=tuple(x.model_dump() for x in entry.legal_basis), tags=tuple(entry.tags),
                source=str(path),
            )
    for eid in [] if unreadable else taxonomy.element_ids:  # a broken file hides its elements: say so once
        if eid not in elements and not any(eid in p for p in problems):
            problems.append(f"{root}: element {eid!r} of taxonomy.yaml is missing from the library")
    return elements, problems, topic_names


def load_library(root: str | Path = DEFAULT_LIBRARY, taxonomy: Taxonomy | None = None) -> ClauseLibrary:
    """Load and validate the library; raises ClauseLibraryError listing every problem."""
    import hashlib

    root = Path(root)
    elements, problems, topic_names = _load(root, taxonomy or load_taxonomy())
    if problems:
        raise ClauseLibraryError(problems)
    digest = hashlib.sha256()
    for path in sorted(root.glob("*.yaml")):
        digest.update(path.read_bytes())
    return ClauseLibrary(elements=elements, topic_names=topic_names, root=str(root), version=digest.hexdigest()[:12])
