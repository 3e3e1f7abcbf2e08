"""`spill scan --executor`: the choices the command line refuses before any work starts (the Ray runs
themselves are in test_ray.py, which needs the ray extra)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from spill.cli import main

SHARE = Path(__file__).resolve().parent.parent / "sample_data" / "share"


def scan(tmp_path: Path, *extra: str) -> int:
    return main(["scan", str(SHARE), "--case", str(tmp_path / "case.db"), "--no-ner", *extra])


def test_a_ray_address_needs_the_ray_executor(tmp_path: Path, capsys) -> None:
    assert scan(tmp_path, "--ray-address", "10.0.0.5:6379") == 1
    assert "--ray-address needs --executor ray" in capsys.readouterr().err
    assert not (tmp_path / "case.db").exists()


def test_isolation_needs_the_local_executor(tmp_path: Path, capsys) -> None:
    assert scan(tmp_path, "--executor", "ray", "--isolate") == 1
    assert "--isolate needs the local executor" in capsys.readouterr().err


@pytest.mark.skipif(importlib.util.find_spec("ray") is not None, reason="Ray is installed here")
def test_without_the_ray_extra_the_ray_executor_says_how_to_get_it(tmp_path: Path, capsys) -> None:
    assert scan(tmp_path, "--executor", "ray") == 1
    assert "pip install 'spill-triage[ray]'" in capsys.readouterr().err
    assert not (tmp_path / "case.db").exists()
