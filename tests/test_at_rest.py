"""Nothing raw at rest: what the case file's bytes hold after a scan (issue 12, section 1).

Every test scans a small share through the real CLI, engine, workers and case file, then
looks at the bytes of CASE.db and its -wal/-shm, as someone holding a copy of the case would.
"""

from __future__ import annotations

import io
import json
import os
import sqlite3
import stat
import zipfile
from pathlib import Path

import pytest

from spill.case import Case
from spill.cli import main
from spill.errors import CaseError

EMAIL = "wanjiru.kamau@safaricom.co.ke"
NAME = "Zanele Okafor"


def _scan(share: Path, case: Path) -> None:
    assert main(["scan", str(share), "--case", str(case), "--jobs", "1", "--no-ner"]) == 0


def _case_bytes(case: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(case.parent.glob(case.name + "*")) if not p.name.endswith(".key"))


def _contexts(case: Path) -> dict[str, list[str]]:
    conn = sqlite3.connect(case)
    out: dict[str, list[str]] = {}
    for path, context in conn.execute("SELECT path, context FROM findings WHERE context IS NOT NULL"):
        out.setdefault(path, []).append(context)
    conn.close()
    return out


def test_a_name_found_in_a_later_file_is_masked_in_an_earlier_snippet(tmp_path: Path) -> None:
    # a.txt is scanned first: without NER nothing there says the words are a name; b.csv's "name"
    # column does, after a.txt's snippet was written
    share = tmp_path / "share"
    share.mkdir()
    (share / "a.txt").write_text(f"Ticket closed by {NAME} yesterday, reach her at {EMAIL} please.\n")
    (share / "b.csv").write_text(f"name,email\n{NAME},z.okafor@example.org\n")
    case = tmp_path / "case.db"
    _scan(share, case)
    blob = _case_bytes(case)
    assert NAME.encode() not in blob and b"Okafor" not in blob
    snippets = _contexts(case)["a.txt"]  # the e-mail's, and the name's, which the names pass then finds there
    assert any("closed by •••••• •••••• yesterday" in snippet for snippet in snippets)


def test_a_name_learnt_by_a_rescan_is_masked_in_unchanged_files(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "a.txt").write_text(f"Ticket closed by {NAME} yesterday, reach her at {EMAIL} please.\n")
    case = tmp_path / "case.db"
    _scan(share, case)
    assert b"Okafor" in _case_bytes(case)  # nothing in the case knows it is a name yet
    (share / "b.csv").write_text(f"name,email\n{NAME},z.okafor@example.org\n")
    _scan(share, case)  # a.txt is unchanged and not read again
    assert b"Okafor" not in _case_bytes(case)
    assert any("closed by •••••• •••••• yesterday" in snippet for snippet in _contexts(case)["a.txt"])


def test_digit_runs_and_id_shaped_tokens_beside_a_finding_are_masked(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "note.txt").write_text(f"Order 88231-77 for account AB1234567 paid; mail {EMAIL} or @wkamau.\n")
    case = tmp_path / "case.db"
    _scan(share, case)
    blob = _case_bytes(case)
    for raw in (b"88231", b"AB1234567", b"wkamau"):
        assert raw not in blob
    (snippet,) = _contexts(case)["note.txt"]
    assert snippet.startswith("Order •••••-•• for account ••••••••• paid; mail ")


def test_json_object_keys_that_are_values_are_masked_in_locators_and_records(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    doc = {"payees": {"bob.mutua@example.org": {"iban": "DE89370400440532013000", "note": "March batch"}}}
    (share / "payees.json").write_text(json.dumps(doc))
    case = tmp_path / "case.db"
    _scan(share, case)
    assert b"bob.mutua@example.org" not in _case_bytes(case)
    conn = sqlite3.connect(case)
    paths = [json.loads(r[0])["json_path"] for r in conn.execute(
        "SELECT location FROM findings WHERE entity_type = 'IBAN_CODE'")]
    assert paths == ['$.payees["•••.•••••@example.org"].iban']
    records = [r[0] for r in conn.execute("SELECT record FROM findings")]
    assert records and all(len(r) == 25 and r.startswith("#") for r in records)  # opaque keyed digests


def test_parser_reasons_do_not_quote_cell_contents(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"], wb.active["A2"] = "Email", 5
    buf = io.BytesIO()
    wb.save(buf)
    share = tmp_path / "share"
    share.mkdir()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin, zipfile.ZipFile(share / "bad.xlsx", "w") as zout:
        for info in zin.infolist():  # a number cell whose text is an address: openpyxl quotes it
            data = zin.read(info.filename)
            zout.writestr(info, data.replace(b"<v>5</v>", f"<v>{EMAIL}</v>".encode()))
    case = tmp_path / "case.db"
    _scan(share, case)
    (reason,) = sqlite3.connect(case).execute("SELECT reason FROM files WHERE path = 'bad.xlsx'").fetchone()
    assert reason.startswith("corrupt xlsx: Sheet: could not convert string to float: '")
    assert EMAIL.split("@")[0] not in reason and EMAIL.encode() not in _case_bytes(case)


def test_exports_and_reports_are_private_files(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "a.txt").write_text(f"mail {EMAIL}\n")
    case = tmp_path / "case.db"
    _scan(share, case)
    export, report = tmp_path / "x.csv", tmp_path / "r.md"
    export.write_text("old")
    export.chmod(0o644)  # an existing file does not keep a readable mode
    assert main(["export", str(case), "--format", "csv", "--reveal", "-o", str(export)]) == 0
    assert main(["report", str(case), "--format", "md", "-o", str(report)]) == 0
    for path in (export, report):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert EMAIL in export.read_text()


def test_a_link_at_the_key_path_is_refused_not_written_through(tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    (tmp_path / "case.db.key").symlink_to(target)
    with pytest.raises(CaseError, match="already exists"):
        Case.create(tmp_path / "case.db")
    assert target.read_text() == "keep me"
    assert not (tmp_path / "case.db").exists() and (tmp_path / "case.db.key").is_symlink()


def test_a_case_from_an_older_spill_is_masked_by_its_next_scan(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "a.txt").write_text(f"Order 88231-77 for {EMAIL}\n")
    case = tmp_path / "case.db"
    _scan(share, case)
    conn = sqlite3.connect(case)  # what an older spill stored: digits beside the finding, raw
    conn.execute("UPDATE findings SET context = replace(context, '•••••-••', '88231-77')")
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('redact_shapes', '1')")  # as schema 3 marks it
    conn.commit()
    conn.close()
    assert b"88231" in _case_bytes(case)
    _scan(share, case)  # nothing changed in the share: only the stored text is masked again
    assert b"88231" not in _case_bytes(case)
