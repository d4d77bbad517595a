"""One end-to-end run in a real browser: upload a .docx to the running app, read a gap-table cell."""
from __future__ import annotations

import os

import pytest

from tests.fixtures.browser import CHROMIUM, chromium_page, streamlit_server

SAMPLE = "corpora/agreements/ru_school_astana.docx"


@pytest.mark.slow
def test_upload_docx_and_read_the_gap_table():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium must be installed by the test command (apt-get install chromium)")
    from tests.fixtures.browser import ROOT

    with streamlit_server() as url, chromium_page() as page:
        page.goto(url, wait_until="domcontentloaded")
        page.locator("input[type=file]").first.set_input_files(str(ROOT / SAMPLE), timeout=60_000)
        cell = page.locator("#gap-table tr[data-element='dm_private_spaces'] td.status")
        cell.wait_for(timeout=180_000)
        assert cell.inner_text().strip() in {"закреплено", "слабо", "противоречие", "отсутствует"}
        assert page.locator("#gap-table tbody tr").count() == 49
