"""Screenshots of each page of the app for docs/ (the same Chromium as the browser test).

Usage: .venv/bin/python scripts/screenshots.py   -> docs/screenshots/*.png
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures.browser import chromium_page, streamlit_server  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SAMPLE = ROOT / "corpora" / "agreements" / "ru_school_astana.docx"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with streamlit_server() as url, chromium_page(1400, 1100) as page:
        page.goto(url, wait_until="domcontentloaded")
        page.locator("input[type=file]").first.set_input_files(str(SAMPLE), timeout=60_000)
        page.locator("#gap-table").wait_for(timeout=180_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(OUT / "overview.png"), full_page=False)
        for tab, name in (("Текст договора", "document"), ("Пробелы и предложения", "proposals"),
                          ("Скачать", "downloads")):
            page.get_by_role("tab", name=tab).click()
            page.wait_for_timeout(1500)
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)
        for label, name in (("Очередь проверки", "review"), ("Сравнение редакций", "compare"),
                            ("Библиотека положений", "library")):
            page.get_by_text(label, exact=True).click()
            page.wait_for_timeout(2500)
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)
    print(f"screenshots written to {OUT}")


if __name__ == "__main__":
    main()
