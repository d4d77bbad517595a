"""Shared fixtures: agreements built by tests/fixtures/builders.py, and the realdocs folder."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from tests.fixtures import builders

# In CI the generated inputs are the same every run (derandomized), so a run fails only for a change
# in the code; locally they vary, to keep finding new cases.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
REALDOCS = ROOT.parent / "shared" / "realdocs"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("built")


@pytest.fixture(scope="session")
def numbered_docx(built: Path) -> Path:
    return builders.numbered_agreement_docx(built / "numbered_agreement.docx")


@pytest.fixture(scope="session")
def bilingual_docx(built: Path) -> Path:
    return builders.bilingual_docx(built / "bilingual_kk_ru.docx")


@pytest.fixture(scope="session")
def kazakh_pdf(built: Path) -> Path:
    return builders.kazakh_pdf(built / "kazakh_agreement.pdf")


@pytest.fixture(scope="session")
def realdocs() -> Path:
    if not REALDOCS.is_dir():
        pytest.fail(f"{REALDOCS} is missing: the tests expect ../shared/realdocs beside the project")
    return REALDOCS
