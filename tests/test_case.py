"""The case file: permissions, versioning, no raw values, decisions chain, linkage."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from spill.case import Case, migrations
from spill.errors import CaseError
from spill.model import Category, FileRecord, FileResult, FileStatus, Finding, Severity, file_id


def _file(path: str, sha: str = "ab" * 32) -> FileRecord:
    return FileRecord(id=file_id(path), path=path, parent=None, sha256=sha, size=10, mtime=1.0, kind="csv",
                      status=FileStatus.DONE)


def _finding(path: str, etype: str, value: str, start: int, record: str | None = "row:2") -> Finding:
    return Finding(path=path, entity_type=etype, category=Category.CONTACT, severity=Severity.MEDIUM,
                      score=0.9, rule=f"test.{etype.lower()}", start=start, end=start + len(value), line=1,
                      location={"row": 2}, preview="x•••", context="…x•••…", ctx_start=1, ctx_end=5, value=value,
                      record=record)


def test_case_created_private_with_key(tmp_path: Path) -> None:
    Case.create(tmp_path / "c.db").close()
    assert stat.S_IMODE(os.stat(tmp_path / "c.db").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "c.db.key").st_mode) == 0o600
    conn = sqlite3.connect(tmp_path / "c.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION


def test_case_refuses_foreign_and_newer_files(tmp_path: Path) -> None:
    foreign = tmp_path / "other.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t(x)")
    with pytest.raises(CaseError, match="not a spill case"):
        Case.open(foreign)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(CaseError, match="not a spill case"):
        Case.open(junk)
    Case.create(tmp_path / "new.db").close()
    conn = sqlite3.connect(tmp_path / "new.db")
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(CaseError, match="newer spill"):
        Case.open(tmp_path / "new.db")


def test_case_stores_no_raw_values_by_default(case: Case) -> None:
    scan = case.scans.begin("/r", {}, "fp", "m")
    case.scans.write_results([FileResult(_file("a.csv"), [_finding("a.csv", "EMAIL_ADDRESS", "priya@x.example", 0)])],
                       scan, "fp")
    dump = "\n".join(case.conn.iterdump())
    assert "priya@x.example" not in dump
    [f] = case.iter_findings()
    assert f.value is None and case.matches_fingerprint("PRIYA@x.example", f.fingerprint)


def test_case_fingerprint_is_keyed_per_case(tmp_path: Path) -> None:
    a, b = Case.create(tmp_path / "a.db"), Case.create(tmp_path / "b.db")
    assert a.fingerprint("4111 1111 1111 1111") == a.fingerprint("4111111111111111")
    assert a.fingerprint("x@y.z") != b.fingerprint("x@y.z")


def test_decisions_are_chained_and_append_only(case: Case) -> None:
    scan = case.scans.begin("/r", {}, "fp", "m")
    case.scans.write_results([FileResult(_file("a.csv"), [_finding("a.csv", "EMAIL_ADDRESS", "a@b.example", 0),
                                                    _finding("a.csv", "PHONE_NUMBER", "+1 415 555 0100", 20)])],
                       scan, "fp")
    ids = [f.id for f in case.iter_findings()]
    batch, _ = case.log.decide(ids, action="status", after="confirmed", analyst="ana", reason="bulk")
    case.log.decide(ids[:1], action="note", after="called the contractor", analyst="ana")
    assert {f.status for f in case.iter_findings()} == {"confirmed"}
    case.log.undo(batch, analyst="ana")
    assert {f.status for f in case.iter_findings()} == {"open"}
    log = case.log.entries()
    assert [d.action for d in log] == ["status", "status", "note", "status", "status"]
    assert log[0].analyst == "ana" and log[0].before == "open" and log[0].after == "confirmed"
    assert case.log.verify() == []
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        case.conn.execute("UPDATE decisions SET analyst = 'mallory' WHERE seq = 1")
    # an edit that goes around the trigger is still evident from the chain
    case.conn.execute("DROP TRIGGER decisions_no_update")
    case.conn.execute("UPDATE decisions SET after = 'ignored' WHERE seq = 2")
    assert any("decision 2" in p for p in case.log.verify())


def test_rescan_carries_decisions_for_unchanged_findings(case: Case) -> None:
    scan = case.scans.begin("/r", {}, "fp", "m")
    found = [_finding("a.csv", "EMAIL_ADDRESS", "a@b.example", 0)]
    case.scans.write_results([FileResult(_file("a.csv", "11" * 32), found)], scan, "fp")
    [f] = case.iter_findings()
    case.log.decide([f.id], action="status", after="false_positive", analyst="ana")
    # the file changed (new hash, same value at the same place): the decision stays
    case.scans.write_results([FileResult(_file("a.csv", "22" * 32), found)], scan, "fp")
    [g] = case.iter_findings()
    assert g.id != f.id and g.status == "false_positive"


def test_link_subjects_joins_records_that_share_an_identifier(case: Case) -> None:
    scan = case.scans.begin("/r", {}, "fp", "m")
    roster = [_finding("roster.csv", "CONTRACTOR_ID", "LMF-C-000001", 0, "row:2"),
              _finding("roster.csv", "EMAIL_ADDRESS", "ana@x.example", 20, "row:2"),
              _finding("roster.csv", "CONTRACTOR_ID", "LMF-C-000002", 40, "row:3")]
    payouts = [_finding("pay.csv", "EMAIL_ADDRESS", "ana@x.example", 0, "row:5"),
               _finding("pay.csv", "IBAN_CODE", "DE89370400440532013000", 20, "row:5"),
               # a record with two e-mails is not tied to anybody
               _finding("pay.csv", "EMAIL_ADDRESS", "b@x.example", 60, "row:6"),
               _finding("pay.csv", "EMAIL_ADDRESS", "c@x.example", 80, "row:6")]
    case.scans.write_results([FileResult(_file("roster.csv", "33" * 32), roster),
                        FileResult(_file("pay.csv", "44" * 32), payouts)], scan, "fp")
    assert case.people.link() == 2
    by_value = {f.start: f.subject for f in case.iter_findings() if f.path == "pay.csv"}
    roster_subject = next(f.subject for f in case.iter_findings() if f.path == "roster.csv" and f.start == 0)
    assert by_value[20] == roster_subject  # the IBAN belongs to the contractor LMF-C-000001
    assert by_value[60] is None and by_value[80] is None


def test_schema_1_case_is_migrated_on_open(tmp_path: Path) -> None:
    """A case file written by the first schema opens: columns renamed, indexes reworked, text searchable."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript((Path(migrations.__file__).parent / "schema_v1.sql").read_text())
    conn.execute("PRAGMA application_id = 1397770572")
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO files(id, path, status) VALUES ('f1', 'hr/payouts.csv', 'done')")
    conn.execute("INSERT INTO findings(id, file_id, path, entity_type, category, severity, score, rule, span_start,"
                 " span_end, preview, context) VALUES ('x1', 'f1', 'hr/payouts.csv', 'IBAN_CODE', 'financial',"
                 " 'high', 0.9, 'r', 10, 32, 'GB•• 1234', 'wire to GB•• 1234 for the March payout')")
    conn.execute("UPDATE findings SET record = '$[\"bob@example.org\"]'")  # schema 3 keeps records opaque
    conn.commit()
    conn.close()
    (tmp_path / "old.db.key").write_text("07" * 32 + "\n")
    with Case.open(path, readonly=True) as case:
        [f] = case.iter_findings()
        assert (f.start, f.end) == (10, 32)
        from spill.model import FindingQuery

        assert case.triage.count(FindingQuery(text="march")) == 1
        assert case.triage.count(FindingQuery(text="payo")) == 1  # a word's beginning
        assert case.triage.count(FindingQuery(text="april")) == 0
        indexes = {r[0] for r in case.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        (record,) = case.conn.execute("SELECT record FROM findings").fetchone()
        assert record == case.store.record_key('$["bob@example.org"]') and "@" not in record
    assert "findings_triage_order" in indexes and "findings_rule" not in indexes and "findings_fp" not in indexes
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION
