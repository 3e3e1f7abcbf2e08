"""Shared fixtures: a real case file under tmp_path; the real detector loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from spill.case import Case


@pytest.fixture(autouse=True)
def private_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The app's state folder (recent cases, scan records) under tmp_path: no test writes to the home folder."""
    state = tmp_path / "xdg-state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    return state


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


@pytest.fixture
def model_copy(tmp_path: Path, monkeypatch) -> Path:
    """A copy of the installed spaCy model that the integrity checks use instead: tamper with it freely."""
    import shutil

    from spill import model_integrity as mi

    copy = tmp_path / mi.PACKAGE
    shutil.copytree(mi.package_dir(), copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(mi, "package_dir", lambda: copy)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return copy
