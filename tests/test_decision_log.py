"""The decision log is evidence: every way of rewriting it, or the case behind its back, shows in verify."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from spill.case import Case
from spill.case.decisions import DecisionLog, Head
from spill.cli import main
from spill.model import Category, FileRecord, FileResult, FileStatus, Finding, Severity, file_id


def _case(tmp_path: Path) -> Path:
    path = tmp_path / "c.db"
    (tmp_path / "a.csv").write_bytes(b"evidence")
    with Case.create(path) as case:
        scan = case.scans.begin("/r", {}, "fp", "m")
        found = [Finding(path="a.csv", entity_type="EMAIL_ADDRESS", category=Category.CONTACT,
                         severity=Severity.MEDIUM, score=0.9, rule="r", start=i * 20, end=i * 20 + 11,
                         value=f"a{i}@b.example", record=f"row:{i}") for i in range(3)]
        rec = FileRecord(id=file_id("a.csv"), path="a.csv", parent=None, sha256=hashlib.sha256(b"evidence").hexdigest(),
                         size=8, mtime=1.0, kind="csv", status=FileStatus.DONE)
        case.scans.write_results([FileResult(rec, found)], scan, "fp")
        ids = [f.id for f in case.iter_findings()]
        case.log.decide(ids, action="status", after="confirmed", analyst="ana")
        case.log.decide(ids[:1], action="severity", after="critical", analyst="ana")
        case.log.decide(ids[1:2], action="note", after="called her", analyst="ana")
        case.log.decide(ids[2:], action="status", after="false_positive", analyst="bo")
    return path


def _raw(path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(path, isolation_level=None)
    for trigger in ("decisions_no_update", "decisions_no_delete", "log_head_no_delete"):
        conn.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    return conn  # type: ignore[return-value]


def _verify(path: Path, *extra: str) -> int:
    return main(["verify", str(path), "--root", str(path.parent), *extra])


@pytest.fixture
def logged(tmp_path: Path) -> Path:
    path = _case(tmp_path)
    with Case.open(path) as case:
        assert case.log.verify() == []
    return path


def test_intact_log_verifies_and_reports_its_head(logged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _verify(logged) == 0
    with Case.open(logged) as case:
        head = case.log.head()
    assert head.count == 6 and f"head {head.mac}" in capsys.readouterr().err
    assert _verify(logged, "--head", head.mac) == 0


@pytest.mark.parametrize(("tamper", "expect"), [
    ("DELETE FROM decisions WHERE seq = (SELECT max(seq) FROM decisions)", "entries removed from the end"),
    ("DELETE FROM decisions", "entries removed from the end"),
    ("DELETE FROM decisions WHERE seq = 2", "missing"),
    ("DELETE FROM log_head", "no head"),
    ("UPDATE log_head SET count = 5", "does not match its MAC"),
    ("UPDATE findings SET status = 'ignored' WHERE rowid = 1", "changed outside the log"),
    ("UPDATE findings SET severity = 'low' WHERE status = 'confirmed'", "changed outside the log"),
    ("UPDATE findings SET note = NULL WHERE note IS NOT NULL", "changed outside the log"),
])
def test_each_tampering_is_reported(logged: Path, tamper: str, expect: str,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    _raw(logged).execute(tamper)
    assert _verify(logged) == 2
    assert expect in capsys.readouterr().out


def test_an_edit_with_a_recomputed_unkeyed_chain_is_caught(logged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without the key, recomputing SHA-256 over the edited entries (the old chain's scheme) gets nowhere."""
    conn = _raw(logged)
    conn.execute("UPDATE decisions SET after = 'ignored' WHERE seq = 6")
    conn.execute("UPDATE findings SET status = 'ignored' WHERE status = 'false_positive'")
    prev = ""
    for seq, content in conn.execute("SELECT seq, at || analyst || action || target || coalesce(after, '')"
                                     " FROM decisions ORDER BY seq").fetchall():
        mac = hashlib.sha256((prev + "\n" + json.dumps(content)).encode()).hexdigest()
        conn.execute("UPDATE decisions SET prev_mac = ?, mac = ? WHERE seq = ?", (prev, mac, seq))
        prev = mac
    conn.execute("UPDATE log_head SET mac = ?", (prev,))
    assert _verify(logged) == 2
    out = capsys.readouterr().out
    assert "decision 1: content does not match its MAC" in out and "head does not match" in out


def test_a_rewrite_with_the_key_is_caught_by_a_pinned_head(logged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Someone holding the key can rebuild a consistent log; a head printed in a report still catches it."""
    with Case.open(logged) as case:
        pinned = case.log.head().mac
        entries = case.log.entries()
    conn = _raw(logged)
    conn.execute("DELETE FROM decisions WHERE seq = 6")
    conn.execute("UPDATE findings SET status = 'confirmed' WHERE status = 'false_positive'")
    with Case.open(logged) as case:
        log = DecisionLog(case.store)
        log._write_head(Head(5, entries[4].mac))
    assert _verify(logged) == 0  # consistent: only an outside record can tell
    assert _verify(logged, "--head", pinned) == 2
    assert "not in the log: the log was rewritten" in capsys.readouterr().out


def test_carried_decisions_on_rescan_are_logged(tmp_path: Path) -> None:
    path = _case(tmp_path)
    with Case.open(path) as case:
        old = {f.fingerprint: f for f in case.iter_findings()}
        scan = case.scans.begin("/r", {}, "fp", "m")
        # the file changed (new hash → new finding ids), the same values sit at the same places
        found = [Finding(path="a.csv", entity_type="EMAIL_ADDRESS", category=Category.CONTACT,
                         severity=Severity.MEDIUM, score=0.9, rule="r", start=i * 20, end=i * 20 + 11,
                         value=f"a{i}@b.example", record=f"row:{i}") for i in range(3)]
        rec = FileRecord(id=file_id("a.csv"), path="a.csv", parent=None, sha256="cd" * 32, size=10, mtime=2.0,
                         kind="csv", status=FileStatus.DONE)
        case.scans.write_results([FileResult(rec, found)], scan, "fp")
        new = {f.fingerprint: f for f in case.iter_findings()}
        assert all(new[fp].id != old[fp].id for fp in old)
        assert [(new[fp].status, new[fp].severity, new[fp].note) for fp in old] == [
            (old[fp].status, old[fp].severity, old[fp].note) for fp in old]
        assert case.log.verify() == []
        assert {d.analyst for d in case.log.entries() if d.seq > 6} == {"spill scan"}
