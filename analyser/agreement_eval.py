"""Gap-status accuracy on the sample agreements (corpora/agreements/*.key.json), .docx and .pdf.

This is the figure a negotiator feels: for each of the 49 elements, does the
analyser give the status the answer key gives?
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

AGREEMENTS_DIR = Path(__file__).resolve().parents[1] / "corpora" / "agreements"


def evaluate_agreements(resources: Any, folder: Path = AGREEMENTS_DIR) -> dict[str, Any]:
    """Accuracy per agreement and format, the overall mean and a status confusion table."""
    from analyser.pipeline import analyse

    rows = []
    confusion: Counter[tuple[str, str]] = Counter()
    for key_path in sorted(folder.glob("*.key.json")):
        key = json.loads(key_path.read_text(encoding="utf-8"))
        for suffix in (".docx", ".pdf"):
            path = folder / f"{key['id']}{suffix}"
            if not path.exists():
                continue
            report = analyse(path, resources, evidence=False)
            got = {g.element: g.status for g in report.gaps}
            want = {e: v["status"] for e, v in key["elements"].items()}
            confusion.update((s, got.get(e, "missing")) for e, s in want.items())
            accuracy = sum(got.get(e) == s for e, s in want.items()) / len(want)
            rows.append({"agreement": key["id"], "format": suffix[1:], "lang": key["lang"], "accuracy": accuracy})
    mean = sum(r["accuracy"] for r in rows) / len(rows) if rows else 0.0
    return {"rows": rows, "mean": mean, "confusion": {f"{a}->{b}": n for (a, b), n in sorted(confusion.items())}}


def agreements_markdown(result: dict[str, Any]) -> str:
    lines = ["### Gap-status accuracy on the sample agreements", "",
             "| agreement | format | language | accuracy |", "|---|---|---|---|"]
    lines += [f"| {r['agreement']} | {r['format']} | {r['lang']} | {r['accuracy']:.3f} |" for r in result["rows"]]
    lines += ["", f"Mean: **{result['mean']:.3f}** (target >= 0.95).", "",
              "Status confusion (answer key -> analyser): "
              + ", ".join(f"{k} {v}" for k, v in result["confusion"].items() if k.split("->")[0] != k.split("->")[1]),
              ""]
    return "\n".join(lines)
