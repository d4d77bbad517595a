"""The clause library: the real clause_library/ is valid, and every mistake in a copy is named by file:line.

Broken libraries are real copies of clause_library/ edited as a lawyer might
edit them by hand; the expected line is found in the edited text, so the tests
keep working while the library grows.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from analyser.errors import ClauseLibraryError
from analyser.library import DEFAULT_LIBRARY, LANGS, load_library, validate_library
from analyser.taxonomy import load_taxonomy

TOPIC = "digital_monitoring"
FILE = f"{TOPIC}.yaml"
ELEMENTS = tuple(load_taxonomy().topic(TOPIC).elements)
FIRST, LAST = ELEMENTS[0], ELEMENTS[-1]


def find(lines: list[str], pattern: str, start: int = 0) -> int:
    """Index of the first line at or after `start` matching `pattern`."""
    for i in range(start, len(lines)):
        if re.match(pattern, lines[i]):
            return i
    raise AssertionError(f"no line matches {pattern!r} after line {start + 1}")


def block_end(lines: list[str], i: int) -> int:
    """Index just after the YAML block that starts at line i (its key and everything indented deeper)."""
    indent = len(lines[i]) - len(lines[i].lstrip())
    j = i + 1
    while j < len(lines) and (not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip()) > indent):
        j += 1
    while j > i + 1 and not lines[j - 1].strip():
        j -= 1
    return j


def field(lines: list[str], element: str, *keys: str) -> int:
    """Index of the line of `elements.<element>.<keys...>` in a library file."""
    i = find(lines, rf"  {element}:\s*$")
    for depth, key in enumerate(keys, 2):
        i = find(lines[: block_end(lines, i)], rf"{' ' * 2 * depth}{key}:", i + 1)
    return i


class Copy:
    """A copy of the real library in tmp_path with one file's lines at hand."""

    def __init__(self, tmp_path: Path, name: str = FILE) -> None:
        self.root = tmp_path / "clause_library"
        shutil.copytree(DEFAULT_LIBRARY, self.root)
        self.path = self.root / name
        self.lines = self.path.read_text(encoding="utf-8").splitlines()

    def save(self) -> list[str]:
        self.path.write_text("\n".join(self.lines) + "\n", encoding="utf-8")
        return validate_library(self.root)


def at(problems: list[str], path: Path, line: int, *words: str) -> list[str]:
    """The problems reported for `path` at `line` that contain every word."""
    return [p for p in problems if p.startswith(f"{path}:{line}:") and all(w in p for w in words)]


# ---------------------------------------------------------------- the real library


def test_real_library_is_valid():
    assert validate_library() == []


def test_real_library_has_every_element_in_every_language():
    library = load_library()
    taxonomy = load_taxonomy()
    missing = [e for e in taxonomy.element_ids if e not in library.elements]
    assert not missing
    for eid in taxonomy.element_ids:
        element = library.elements[eid]
        assert element.topic == taxonomy.topic_of[eid]
        for part in ("name", "model_clause", "fallback"):
            for lang in LANGS:
                assert getattr(element, part)[lang].strip(), f"{eid}.{part}.{lang} is empty"
    assert set(library.topic_names) == set(taxonomy.topic_ids)


def test_untouched_copy_is_valid(tmp_path):
    assert Copy(tmp_path).save() == []


# ---------------------------------------------------------------- broken copies


def test_unclosed_quote_names_file_and_line(tmp_path):
    lib = Copy(tmp_path)
    i = field(lib.lines, FIRST, "name", "ru")
    lib.lines[i] = lib.lines[i].replace("ru: ", 'ru: "', 1)
    problems = lib.save()
    assert any(FILE in p and "bad YAML" in p for p in problems), problems
    assert at(problems, lib.path, i + 1, "bad YAML"), f"expected line {i + 1}: {problems[:1]}"


def test_text_after_a_closing_quote_names_file_and_line(tmp_path):
    lib = Copy(tmp_path)
    i = field(lib.lines, FIRST, "name", "ru")
    key, value = lib.lines[i].split(": ", 1)
    lib.lines[i] = f'{key}: "{value.strip(chr(34))}" и ещё'
    problems = lib.save()
    assert at(problems, lib.path, i + 1, "bad YAML"), problems[:1]


def test_duplicate_element_key_in_one_file(tmp_path):
    lib = Copy(tmp_path)
    i = find(lib.lines, rf"  {FIRST}:\s*$")
    block = lib.lines[i:block_end(lib.lines, i)]
    lib.lines += ["", *block]
    problems = lib.save()
    second = len(lib.lines) - len(block) + 1
    assert at(problems, lib.path, second, "bad YAML", "duplicate", FIRST), problems[:1]
    assert f"first at line {i + 1}" in problems[0]


def test_element_repeated_in_another_file(tmp_path):
    lib = Copy(tmp_path)
    i = find(lib.lines, rf"  {FIRST}:\s*$")
    block = lib.lines[i:block_end(lib.lines, i)]
    other = lib.root / "personal_data.yaml"
    lines = [*other.read_text(encoding="utf-8").splitlines(), "", *block]
    other.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = validate_library(lib.root)
    assert at(problems, other, len(lines) - len(block) + 1, "duplicate element id", FIRST, FILE), problems


def test_unknown_element_id(tmp_path):
    lib = Copy(tmp_path)
    i = find(lib.lines, rf"  {LAST}:\s*$")
    lib.lines[i] = "  dm_mood_scoring:"
    problems = lib.save()
    assert at(problems, lib.path, i + 1, "unknown element id", "dm_mood_scoring"), problems
    assert any(LAST in p and "is missing from the library" in p for p in problems), problems


def test_removed_element_is_missing(tmp_path):
    lib = Copy(tmp_path)
    i = find(lib.lines, rf"  {LAST}:\s*$")
    del lib.lines[i:block_end(lib.lines, i)]
    problems = lib.save()
    assert problems == [f"{lib.root}: element {LAST!r} of taxonomy.yaml is missing from the library"]


def test_empty_model_clause(tmp_path):
    lib = Copy(tmp_path)
    i = field(lib.lines, FIRST, "model_clause", "ru")
    lib.lines[i:block_end(lib.lines, i)] = ['      ru: ""']
    problems = lib.save()
    assert lib.lines[i] == '      ru: ""'
    assert at(problems, lib.path, i + 1, f"elements.{FIRST}.model_clause.ru", "empty text"), problems


def test_missing_kk_names_the_mapping_that_lacks_it(tmp_path):
    lib = Copy(tmp_path)
    name = field(lib.lines, FIRST, "name")
    kk = field(lib.lines, FIRST, "name", "kk")
    del lib.lines[kk:block_end(lib.lines, kk)]
    problems = lib.save()
    assert at(problems, lib.path, name + 1, f"elements.{FIRST}.name.kk", "missing"), problems


def test_load_library_raises_on_a_broken_copy(tmp_path):
    lib = Copy(tmp_path)
    i = field(lib.lines, FIRST, "model_clause", "ru")
    lib.lines[i:block_end(lib.lines, i)] = ['      ru: "   "']
    problems = lib.save()
    with pytest.raises(ClauseLibraryError) as caught:
        load_library(lib.root)
    assert caught.value.problems == problems
    assert str(lib.path) in str(caught.value)
