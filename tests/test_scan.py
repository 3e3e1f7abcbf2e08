"""`spill scan` end to end through the real CLI, engine, workers, detectors and case file."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

import pytest

from spill.case import Case
from spill.cli import main

IBAN = "DE89370400440532013000"  # python-stdnum's documented valid IBAN
EMAIL = "wanjiru.kamau@safaricom.co.ke"


def make_share(root: Path) -> Path:
    share = root / "share"
    (share / "Finance").mkdir(parents=True)
    (share / "Slack" / "general").mkdir(parents=True)
    (share / "Email").mkdir()
    (share / "Finance" / "notes.txt").write_text(
        f"Payout notes\n\nPlease send the March payout to IBAN {IBAN} for the annotator.\n"
        f"Questions to {EMAIL}.\n", encoding="utf-8")
    (share / "Finance" / "payouts.csv").write_text(
        f"name,email,iban,amount\nWanjiru Kamau,{EMAIL},{IBAN},120.00\n", encoding="utf-8")
    (share / "Slack" / "general" / "2025-03-04.json").write_text(json.dumps([
        {"type": "message", "user": "U1", "ts": "1709546400.000100",
         "text": f"my new email is {EMAIL}, can you update the payout sheet?"}]), encoding="utf-8")
    msg = EmailMessage()
    msg["From"] = f"Wanjiru Kamau <{EMAIL}>"
    msg["To"] = "payouts@vendor.example"
    msg["Subject"] = "bank details"
    msg.set_content(f"Hello, my IBAN is {IBAN}. Thanks!")
    (share / "Email" / "bank.eml").write_bytes(bytes(msg))
    return share


def scan(share: Path, case: Path, *extra: str) -> int:
    return main(["scan", str(share), "--case", str(case), "--jobs", "1", *extra])


def export(case: Path, tmp: Path, *extra: str) -> list[dict]:
    out = tmp / "export.jsonl"
    assert main(["export", str(case), "--format", "jsonl", "-o", str(out), *extra]) == 0
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_scan_exports_findings_in_the_documented_format(tmp_path: Path) -> None:
    share = make_share(tmp_path)
    case = tmp_path / "case.db"
    assert scan(share, case, "--no-ner") == 0
    rows = export(case, tmp_path, "--reveal")
    by_path = {}
    for r in rows:
        by_path.setdefault(r["path"], set()).add((r["entity_type"], r["value"]))
    assert ("IBAN_CODE", IBAN) in by_path["Finance/notes.txt"]
    assert ("EMAIL_ADDRESS", EMAIL) in by_path["Finance/notes.txt"]
    assert ("IBAN_CODE", IBAN) in by_path["Finance/payouts.csv"]
    assert ("EMAIL_ADDRESS", EMAIL) in by_path["Slack/general/2025-03-04.json"]
    assert ("IBAN_CODE", IBAN) in by_path["Email/bank.eml"]
    iban_row = next(r for r in rows if r["path"] == "Finance/payouts.csv" and r["entity_type"] == "IBAN_CODE")
    assert iban_row["location"]["row"] == 2 and iban_row["category"] == "financial"
    assert iban_row["preview"].endswith("3000") and IBAN not in iban_row["preview"]
    for key in ("path", "entity_type", "category", "value", "preview", "score", "severity", "status", "rule",
                "start", "end", "line", "location", "fingerprint", "file_sha256", "subject"):
        assert key in iban_row
    # without --reveal there is no value at all, and the case file holds none
    assert all("value" not in r for r in export(case, tmp_path))
    dump = "\n".join(sqlite3.connect(case).iterdump())
    assert IBAN not in dump and EMAIL not in dump


def test_scan_records_every_file_with_hash_and_never_writes_into_the_share(tmp_path: Path) -> None:
    share = make_share(tmp_path)
    os.symlink("/etc/passwd", share / "outside-link")
    os.symlink(share, share / "loop")
    os.mkfifo(share / "a-fifo")
    (share / "blob.txt").write_bytes(b"\x00\x01\x02binary\x00" * 100)
    before = {p: p.stat().st_mtime_ns for p in share.rglob("*") if not p.is_symlink()}
    assert scan(share, tmp_path / "case.db", "--no-ner") == 0
    after = {p: p.stat().st_mtime_ns for p in share.rglob("*") if not p.is_symlink()}
    assert before == after
    with Case.open(tmp_path / "case.db") as c:
        files = {f.path: f for f in c.scans.iter_files()}
    assert files["outside-link"].status == "skipped" and "symlink" in files["outside-link"].reason
    assert files["loop"].status == "skipped"
    assert files["a-fifo"].status == "skipped" and "fifo" in files["a-fifo"].reason
    assert files["blob.txt"].status == "skipped"
    import hashlib

    notes = share / "Finance" / "notes.txt"
    assert files["Finance/notes.txt"].sha256 == hashlib.sha256(notes.read_bytes()).hexdigest()


def test_rescan_reads_only_what_changed_and_keeps_decisions(tmp_path: Path) -> None:
    share = make_share(tmp_path)
    case = tmp_path / "case.db"
    assert scan(share, case, "--no-ner") == 0
    with Case.open(case) as c:
        target = next(f for f in c.iter_findings() if f.path == "Finance/payouts.csv" and f.entity_type == "IBAN_CODE")
        c.log.decide([target.id], action="status", after="confirmed", analyst="ana")
    (share / "Finance" / "notes.txt").write_text(f"Updated.\n\nNew IBAN {IBAN}\n", encoding="utf-8")
    (share / "Email" / "bank.eml").unlink()
    (share / "Finance" / "copy.csv").write_bytes((share / "Finance" / "payouts.csv").read_bytes())
    assert scan(share, case, "--no-ner") == 0
    with Case.open(case) as c:
        counts = c.scans.last()
        files = {f.path: f for f in c.scans.iter_files()}
        kept = c.get_finding(target.id)
        copy = [f for f in c.iter_findings() if f.path == "Finance/copy.csv"]
    assert kept is not None and kept.status == "confirmed"
    assert files["Email/bank.eml"].reason.startswith("vanished")
    assert files["Finance/copy.csv"].duplicate_of == files["Finance/payouts.csv"].id
    assert {f.entity_type for f in copy} >= {"IBAN_CODE", "EMAIL_ADDRESS"}
    scan_counts = json.loads(sqlite3.connect(case).execute(
        "SELECT counts FROM scans WHERE id = ?", (counts.id,)).fetchone()[0])
    assert scan_counts["unchanged"] == 2  # payouts.csv and the Slack day; notes.txt was re-read


def test_the_full_text_index_holds_every_finding_after_scans_and_rescans(tmp_path: Path) -> None:
    """The writers index new findings a batch at a time (no per-row trigger): FTS5's integrity check against
    its content table, and a word search, find every finding after a scan, a re-scan and the names pass."""
    share = make_share(tmp_path)
    case = tmp_path / "case.db"

    def check() -> None:
        conn = sqlite3.connect(case)
        conn.execute("INSERT INTO findings_fts(findings_fts, rank) VALUES ('integrity-check', 1)")
        in_notes = conn.execute("SELECT count(*) FROM findings WHERE path = 'Finance/notes.txt'").fetchone()[0]
        assert in_notes > 0
        assert conn.execute("SELECT count(*) FROM findings_fts WHERE findings_fts MATCH 'path:notes'"
                            ).fetchone()[0] == in_notes
        assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'findings_fts_ai'").fetchone()
        conn.close()

    assert scan(share, case, "--no-ner") == 0
    check()
    (share / "Finance" / "notes.txt").write_text(f"Wanjiru Kamau again.\n\nNew IBAN {IBAN}\n", encoding="utf-8")
    assert scan(share, case, "--no-ner") == 0
    check()


def test_a_big_scan_defers_the_triage_indexes_and_builds_them_back(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A scan past spill.case.bulk.DEFER_AFTER findings writes without the triage indexes and builds them
    at its end: same findings, same indexes as a scan that kept them up."""
    from spill.case import bulk

    share = make_share(tmp_path)
    kept, deferred = tmp_path / "kept.db", tmp_path / "deferred.db"
    assert scan(share, kept, "--no-ner") == 0
    monkeypatch.setattr(bulk, "DEFER_AFTER", 1)  # this small share stands for a big one
    assert scan(share, deferred, "--no-ner") == 0

    def indexes(case: Path) -> set[str]:
        conn = sqlite3.connect(case)
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'"
                                            " AND tbl_name = 'findings' AND sql IS NOT NULL")}
        assert not conn.execute("SELECT 1 FROM meta WHERE key = ?", (bulk.DEFERRED_META,)).fetchone()
        conn.close()
        return names

    counts = json.loads(sqlite3.connect(deferred).execute("SELECT counts FROM scans").fetchone()[0])
    assert counts["index_seconds"] > 0  # the indexes were dropped and built again
    assert len(indexes(kept)) > 5 and indexes(deferred) == indexes(kept)
    strip = ("id", "fingerprint", "subject")  # per-case key
    assert ([{k: v for k, v in r.items() if k not in strip} for r in export(deferred, tmp_path)]
            == [{k: v for k, v in r.items() if k not in strip} for r in export(kept, tmp_path)])


@pytest.mark.parametrize("argv, message", [
    (["scan", "/no/such/share", "--case", "{tmp}/c.db"], "spill: error: cannot scan /no/such/share: no such folder"),
    (["export", "{tmp}/missing.db", "--format", "jsonl"], "spill: error: no case file at {tmp}/missing.db"),
    (["export", "{tmp}/foreign.db", "--format", "jsonl"], "spill: error: {tmp}/foreign.db is not a spill case file"),
    (["export", "{tmp}/foreign.db", "--format", "xml"], "spill: error: argument --format: invalid choice"),
    (["scan", "{tmp}/share", "--case", "{tmp}/no-dir/c.db"], "spill: error: cannot create case {tmp}/no-dir/c.db"),
    (["scan", "{tmp}/share", "--case", "{tmp}/share/c.db"], "spill: error: the case file must not be inside"),
])
def test_cli_bad_input_is_one_line_and_nonzero(tmp_path: Path, argv: list[str], message: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    sqlite3.connect(tmp_path / "foreign.db").execute("CREATE TABLE x(y)")
    (tmp_path / "share").mkdir()
    args = [a.format(tmp=tmp_path) for a in argv]
    try:
        code = main(args)
    except SystemExit as exit_:
        code = exit_.code
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert len(err) == 1 and err[0].startswith(message.format(tmp=tmp_path))
    assert not (tmp_path / "no-dir").exists() and not (tmp_path / "share" / "c.db").exists()


def _spill(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "spill.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def _many_files(root: Path, n: int) -> Path:
    share = root / "big"
    share.mkdir()
    for i in range(n):
        (share / f"f{i:04d}.txt").write_text(
            f"record {i}\n\ncontact annotator{i}@vendorco.com, IBAN {IBAN}\n" + ("filler text line\n" * 200))
    return share


def _files_written(case: Path) -> int:
    """Rows in a case another process is writing (read only: never create the file ourselves)."""
    if not case.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{case}?mode=ro", uri=True)
        return conn.execute("SELECT count(*) FROM files").fetchone()[0]
    except sqlite3.Error:
        return 0


def _rows(case: Path) -> set[tuple]:
    conn = sqlite3.connect(case)
    return set(conn.execute('SELECT path, entity_type, start, "end", rule FROM findings'))


@pytest.mark.slow
def test_kill_9_then_resume_equals_an_uninterrupted_scan(tmp_path: Path) -> None:
    share = _many_files(tmp_path, 400)
    whole = tmp_path / "whole.db"
    assert main(["scan", str(share), "--case", str(whole), "--jobs", "2", "--no-ner"]) == 0
    counts = json.loads(sqlite3.connect(whole).execute("SELECT counts FROM scans").fetchone()[0])
    assert counts["workers_started"] == 2  # nobody died or was replaced on ordinary files
    killed = tmp_path / "killed.db"
    proc = _spill("scan", str(share), "--case", str(killed), "--jobs", "1", "--no-ner")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and _files_written(killed) < 20 and proc.poll() is None:
        time.sleep(0.1)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = sqlite3.connect(killed).execute("SELECT count(*) FROM files").fetchone()[0]
    assert 0 < partial < 400, "the kill must land mid-scan"
    assert sqlite3.connect(killed).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert scan(share, killed, "--no-ner", "--resume") == 0
    assert _rows(killed) == _rows(whole)
    with Case.open(killed) as c:
        assert sum(1 for f in c.scans.iter_files() if f.status == "done") == 400


def test_ctrl_c_exits_130_and_leaves_a_consistent_case(tmp_path: Path) -> None:
    share = _many_files(tmp_path, 400)
    case = tmp_path / "c.db"
    proc = _spill("scan", str(share), "--case", str(case), "--jobs", "1", "--no-ner")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and _files_written(case) < 10:
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"--resume" in err and b"Traceback" not in err
    conn = sqlite3.connect(case)
    assert conn.execute("SELECT status FROM scans").fetchone()[0] == "interrupted"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_verify_reports_changed_evidence_and_a_broken_log(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    share = make_share(tmp_path)
    case = tmp_path / "case.db"
    assert scan(share, case, "--no-ner") == 0
    assert main(["verify", str(case)]) == 0
    with Case.open(case) as c:
        fid = next(iter(c.iter_findings())).id
        c.log.decide([fid], action="status", after="confirmed", analyst="ana")
    (share / "Finance" / "notes.txt").write_text("tampered", encoding="utf-8")
    capsys.readouterr()
    assert main(["verify", str(case)]) == 2
    assert "changed  Finance/notes.txt" in capsys.readouterr().out
    conn = sqlite3.connect(case)
    conn.execute("DROP TRIGGER decisions_no_update")
    conn.execute("UPDATE decisions SET analyst = 'mallory'")
    conn.commit()
    assert main(["verify", str(case)]) == 2
    assert "edited after the fact" in capsys.readouterr().out


def test_reveal_reports_a_changed_source_instead_of_showing_it(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    share = make_share(tmp_path)
    case = tmp_path / "case.db"
    assert scan(share, case, "--no-ner") == 0
    (share / "Finance" / "notes.txt").write_text(f"Payout notes\n\nIBAN GB82WEST12345698765432 {EMAIL}\n")
    rows = export(case, tmp_path, "--reveal")
    notes = [r for r in rows if r["path"] == "Finance/notes.txt"]
    assert notes and all("value" not in r and "changed" in r["reveal_error"] for r in notes)
    assert "could not be revealed" in capsys.readouterr().err


def test_bulk_reveal_agrees_with_single_reveals_inside_archives_too(tmp_path: Path) -> None:
    import zipfile

    from scanners.reveal import BulkRevealer, reveal

    share = make_share(tmp_path)
    with zipfile.ZipFile(share / "Finance" / "archive.zip", "w") as zf:
        zf.writestr("old/payouts.csv", f"name,email,iban\nWanjiru Kamau,{EMAIL},{IBAN}\n")
    case_path = tmp_path / "case.db"
    assert scan(share, case_path, "--no-ner") == 0
    with Case.open(case_path, readonly=True) as case:
        findings = [f for f in case.iter_findings() if f.start is not None]
        bulk = BulkRevealer(case)
        values = [bulk(f) for f in findings]
        assert values == [reveal(case, f) for f in findings]
        assert {IBAN, EMAIL} <= set(values)
        assert any("!/" in f.path for f in findings)
        tiny = BulkRevealer(case, max_chars=1)  # nothing kept: every value read on its own, same answers
        assert [tiny(f) for f in findings] == values


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="needs Linux /proc/<pid>/io")
def test_progress_moves_while_one_big_file_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    share = tmp_path / "share"
    share.mkdir()
    line = "2025-03-04T11:00:00Z INFO payout-svc req=9f1c status=200 latency_ms=12 route=/v2/batches/1234\n"
    (share / "app.log").write_text(line * 60_000, encoding="utf-8")  # ~5.6 MB: seconds of reading
    assert scan(share, tmp_path / "case.db", "--no-ner", "--json-progress") == 0
    size = (share / "app.log").stat().st_size
    lines = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    during = [p["bytes_done"] for p in lines if p["files_done"] == 0]
    assert any(0 < b < size for b in during), during  # bytes counted before the file is done
    assert lines[-1]["bytes_done"] == size and lines[-1]["finished"]
