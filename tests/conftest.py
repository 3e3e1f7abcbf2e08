"""Shared fixtures: a real case file under tmp_path; the real detector loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from spill.case import Case


@pytest.fixture
def case(tmp_path: Path) -> Case:
    c = Case.create(tmp_path / "case.db")
    yield c
    c.close()


@pytest.fixture(scope="session")
def detector():
    """The real pipeline (YAML rules + Presidio recognizers + spaCy NER), loaded once."""
    from scanners.detect.pipeline import load_detector

    return load_detector()
