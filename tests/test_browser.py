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


@pytest.mark.slow
def test_three_sessions_at_once_keep_their_own_results():
    """Three browser sessions upload different agreements at once; each sees its own result, the server
    keeps answering its health check, and the whole run is bounded in time."""
    import time
    import urllib.request

    from tests.fixtures.browser import ROOT

    samples = ["ru_school_astana.docx", "kk_school_shymkent.pdf", "en_college_uk.docx"]
    with streamlit_server() as url, chromium_page() as first:
        browser = first.context.browser
        pages = [first] + [browser.new_page(viewport={"width": 1400, "height": 1000}) for _ in samples[1:]]
        started = time.perf_counter()
        for page, name in zip(pages, samples):
            page.goto(url, wait_until="domcontentloaded")
            page.locator("input[type=file]").first.set_input_files(str(ROOT / "corpora" / "agreements" / name),
                                                                  timeout=60_000)
        health = []
        for page in pages:
            t0 = time.perf_counter()
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as response:
                health.append((response.status, time.perf_counter() - t0))
            page.locator("#gap-table").wait_for(timeout=240_000)
        elapsed = time.perf_counter() - started
        assert all(status == 200 and seconds < 5 for status, seconds in health)
        assert elapsed < 300
        # each session shows the clause count of its own agreement
        counts = [page.get_by_text("пунктов, язык").first.inner_text() for page in pages]
        assert counts[0] != counts[1] or counts[1] != counts[2]
        assert "язык: kk" in counts[1] and "язык: en" in counts[2] and "язык: ru" in counts[0]
