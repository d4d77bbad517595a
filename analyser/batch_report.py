"""Corpus-level view of batch results: export tables, and an HTML report of element coverage.

Coverage of an element = share of (successfully scored) agreements where it
is covered; the report also gives weak / conflict / missing shares, by
language, and by year and sector when the file path carries them
(".../2024/..." or "..._2024_...", the folder directly under the scored root).
"""
from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from analyser.batch_store import read_tables

YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)")


def export(db_path: str | Path, fmt: str, out_dir: str | Path) -> list[Path]:
    """documents / elements / clauses as CSV or Parquet files in `out_dir`."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in read_tables(db_path).items():
        target = out / f"{name}.{fmt}"
        if fmt == "csv":
            frame.to_csv(target, index=False)
        else:
            frame.to_parquet(target, index=False)
        written.append(target)
    return written


def _with_groups(documents: Any) -> Any:
    docs = documents[documents["error"].isna()].copy()
    docs["year"] = docs["path"].map(lambda p: (YEAR.findall(str(p)) or [""])[-1])
    parents = docs["path"].map(lambda p: Path(str(p)).parent)
    common = Path(*Path(str(docs["path"].iloc[0])).parts[:1]) if len(docs) else Path()
    try:
        import os

        common = Path(os.path.commonpath([str(p) for p in parents])) if len(docs) else common
    except ValueError:
        pass
    docs["sector"] = parents.map(lambda p: (p.relative_to(common).parts or ("",))[0] if p != common else "")
    return docs


def coverage_tables(db_path: str | Path) -> dict[str, Any]:
    """Element x status shares overall and per language / year / sector."""
    tables = read_tables(db_path)
    docs = _with_groups(tables["documents"])
    elements = tables["elements"].merge(docs[["id", "language", "year", "sector"]], left_on="document_id",
                                        right_on="id")
    out: dict[str, Any] = {"documents": docs, "errors": tables["documents"][tables["documents"]["error"].notna()]}
    overall = elements.pivot_table(index="element", columns="status", values="document_id", aggfunc="count",
                                   fill_value=0)
    out["overall"] = (overall.div(overall.sum(axis=1), axis=0) * 100).round(1)
    for group in ("language", "year", "sector"):
        if elements[group].astype(bool).any():
            covered = elements.assign(covered=elements["status"].eq("covered"))
            out[group] = (covered.pivot_table(index="element", columns=group, values="covered", aggfunc="mean")
                          * 100).round(1)
    return out


def render_corpus_report(db_path: str | Path) -> bytes:
    """A self-contained HTML page: corpus size, coverage per element (bars), by language/year/sector, errors."""
    data = coverage_tables(db_path)
    docs, overall = data["documents"], data["overall"]
    parts = ["<!doctype html><html><head><meta charset='utf-8'><title>Corpus coverage</title><style>"
             "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2rem auto}"
             "table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.25rem .5rem;font-size:.85rem}"
             ".bar{display:inline-block;height:.7rem;background:#2e7d32}.w{background:#f9a825}.c{background:#c62828}"
             "</style></head><body>",
             f"<h1>Coverage of digital-workplace protections in {len(docs)} agreements</h1>",
             f"<p>{len(data['errors'])} files could not be scored (listed at the end).</p>",
             "<h2>Elements</h2><table><tr><th>element</th><th>covered %</th><th>weak %</th><th>conflict %</th>"
             "<th>missing %</th><th></th></tr>"]
    for element, row in overall.iterrows():
        cov, weak, con = row.get("covered", 0), row.get("weak", 0), row.get("conflict", 0)
        parts.append(f"<tr><td>{html.escape(str(element))}</td><td>{cov}</td><td>{weak}</td><td>{con}</td>"
                     f"<td>{row.get('missing', 0)}</td><td style='width:220px'><span class='bar' "
                     f"style='width:{cov * 2}px'></span><span class='bar w' style='width:{weak * 2}px'></span>"
                     f"<span class='bar c' style='width:{con * 2}px'></span></td></tr>")
    parts.append("</table>")
    for group in ("language", "year", "sector"):
        if group in data:
            parts.append(f"<h2>Covered % by {group}</h2>" + data[group].to_html(na_rep=""))
    if len(data["errors"]):
        parts.append("<h2>Errors</h2>" + data["errors"][["path", "error"]].to_html(index=False))
    parts.append("</body></html>")
    return "\n".join(parts).encode("utf-8")
