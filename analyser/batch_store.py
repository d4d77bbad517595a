"""SQLite results of batch scoring: one row per document, its element statuses and clause labels.

Embedded (no server); one transaction per document, so an interrupted run
never leaves half a document behind, and a rerun skips what is done.

Schema (docs/batch.md):
  documents(id, sha256, path, name, format, language, pages, clauses, score, seconds,
            model_version, library_version, error, scored_at)    UNIQUE(sha256, model_version, library_version)
  elements(document_id, element, topic, status, clauses)         PRIMARY KEY(document_id, element)
  clauses(document_id, clause_id, number, section, page, lang, topics, elements, assessment, text)
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL,
    path TEXT NOT NULL,
    name TEXT,
    format TEXT,
    language TEXT,
    pages INTEGER,
    clauses INTEGER,
    score REAL,
    seconds REAL,
    model_version TEXT NOT NULL,
    library_version TEXT NOT NULL,
    error TEXT,
    scored_at TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (sha256, model_version, library_version)
);
CREATE TABLE IF NOT EXISTS elements (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    element TEXT NOT NULL,
    topic TEXT NOT NULL,
    status TEXT NOT NULL,
    clauses TEXT,
    PRIMARY KEY (document_id, element)
);
CREATE TABLE IF NOT EXISTS clauses (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    clause_id TEXT NOT NULL,
    number TEXT,
    section TEXT,
    page INTEGER,
    lang TEXT,
    topics TEXT,
    elements TEXT,
    assessment TEXT,
    text TEXT,
    PRIMARY KEY (document_id, clause_id)
);
CREATE INDEX IF NOT EXISTS elements_by_element ON elements (element, status);
"""


@contextmanager
def open_store(path: str | Path) -> Iterator[sqlite3.Connection]:
    """A connection to the results database, created with its schema if new."""
    db = sqlite3.connect(str(path), timeout=60)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA foreign_keys=ON")
        db.executescript(SCHEMA)
        yield db
    finally:
        db.close()


def done_keys(db: sqlite3.Connection, model_version: str, library_version: str) -> set[str]:
    """Hashes of the documents already scored (or failed) with these versions."""
    rows = db.execute("SELECT sha256 FROM documents WHERE model_version = ? AND library_version = ?",
                      (model_version, library_version))
    return {r[0] for r in rows}


def write_result(db: sqlite3.Connection, result: dict[str, Any]) -> None:
    """Store one document's result (or error) in a single transaction."""
    doc = result["document"]
    with db:
        cursor = db.execute(
            "INSERT OR IGNORE INTO documents (sha256, path, name, format, language, pages, clauses, score, seconds,"
            " model_version, library_version, error) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (doc["sha256"], doc["path"], doc.get("name"), doc.get("format"), doc.get("language"), doc.get("pages"),
             doc.get("clauses"), doc.get("score"), doc.get("seconds"), doc["model_version"],
             doc["library_version"], doc.get("error")),
        )
        if cursor.rowcount == 0:
            return  # the same content was stored meanwhile (a duplicate file)
        document_id = cursor.lastrowid
        db.executemany(
            "INSERT INTO elements (document_id, element, topic, status, clauses) VALUES (?,?,?,?,?)",
            [(document_id, e["element"], e["topic"], e["status"], e["clauses"]) for e in result.get("elements", [])],
        )
        db.executemany(
            "INSERT INTO clauses (document_id, clause_id, number, section, page, lang, topics, elements, assessment,"
            " text) VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(document_id, c["id"], c["number"], c["section"], c["page"], c["lang"], c["topics"], c["elements"],
              c["assessment"], c["text"]) for c in result.get("clauses", [])],
        )


def read_tables(path: str | Path) -> dict[str, Any]:
    """The three tables as pandas DataFrames."""
    import pandas as pd

    with open_store(path) as db:
        return {name: pd.read_sql_query(f"SELECT * FROM {name}", db) for name in ("documents", "elements", "clauses")}
