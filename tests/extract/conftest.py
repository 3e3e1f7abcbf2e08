"""Fixtures for the extractor tests: every file is generated, nothing binary is committed."""

from __future__ import annotations

import pytest
from extract_helpers import make_docx, make_pdf, make_pptx, make_xlsx

from scanners.extract import Limits


@pytest.fixture(scope="session")
def docx_bytes() -> bytes:
    return make_docx(footnote="See contract of Jane Doe, passport 123456789.")


@pytest.fixture(scope="session")
def pptx_bytes() -> bytes:
    return make_pptx()


@pytest.fixture(scope="session")
def xlsx_bytes() -> bytes:
    return make_xlsx()


@pytest.fixture(scope="session")
def pdf_bytes() -> bytes:
    return make_pdf(3)


@pytest.fixture
def limits() -> Limits:
    return Limits()
