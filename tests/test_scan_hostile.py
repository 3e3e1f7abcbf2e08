"""Containers and hostile input through the whole scan: archive paths, bombs, budgets."""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
import tarfile
import zipfile
from pathlib import Path

from spill.case import Case
from spill.cli import main

IBAN = "DE89370400440532013000"


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _tgz(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _scan(share: Path, case: Path, *extra: str) -> int:
    return main(["scan", str(share), "--case", str(case), "--jobs", "1", "--no-ner", *extra])


def _export(case: Path, tmp: Path) -> list[dict]:
    out = tmp / "x.jsonl"
    assert main(["export", str(case), "--format", "jsonl", "--reveal", "-o", str(out)]) == 0
    return [json.loads(line) for line in out.read_text().splitlines()]


def test_archive_members_get_chained_paths_and_can_be_revealed(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    inner = _tgz({"rubrics/pay.txt": f"IBAN {IBAN}\n".encode()})
    (share / "deliverables.zip").write_bytes(_zip({
        "batch/notes.txt": f"payout IBAN {IBAN}\n".encode(), "batch/inner.tar.gz": inner}))
    (share / "payouts.csv.gz").write_bytes(gzip.compress(f"name,iban\nA B,{IBAN}\n".encode(), mtime=0))
    assert _scan(share, tmp_path / "c.db") == 0
    rows = _export(tmp_path / "c.db", tmp_path)
    found = {(r["path"], r.get("value")) for r in rows if r["entity_type"] == "IBAN_CODE"}
    assert ("deliverables.zip!/batch/notes.txt", IBAN) in found
    assert ("deliverables.zip!/batch/inner.tar.gz!/rubrics/pay.txt", IBAN) in found
    assert ("payouts.csv.gz!/payouts.csv", IBAN) in found
    with Case.open(tmp_path / "c.db") as c:
        member = c.scans.get_file("deliverables.zip!/batch/notes.txt")
        assert member is not None and member.parent == c.scans.get_file("deliverables.zip").id and member.sha256


def test_zip_bomb_and_traversal_names_are_recorded_not_followed(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("zeros.txt", b"\0" * (50 * 2**20))
        zf.writestr("../../escape.txt", f"IBAN {IBAN}".encode())
    (share / "bomb.zip").write_bytes(buf.getvalue())
    (share / "ok.txt").write_text(f"IBAN {IBAN}\n")
    assert _scan(share, tmp_path / "c.db", "--ratio-above-mb", "10") == 0
    with Case.open(tmp_path / "c.db") as c:
        files = {f.path: f for f in c.scans.iter_files()}
    bomb = files["bomb.zip!/zeros.txt"]
    assert bomb.status == "skipped" and "bomb" in bomb.reason
    assert "bomb.zip!/escape.txt" in files  # sanitized, recorded under the archive
    assert not (tmp_path / "escape.txt").exists()
    assert files["ok.txt"].status == "done"


def test_file_over_the_time_budget_is_recorded_and_the_scan_goes_on(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    line = f"annotator payout IBAN {IBAN} contact someone@vendor.example ref 4539148803436467\n"
    (share / "huge.log").write_text(line * 400_000)  # ~34 MB: far longer than the budget below
    (share / "small.txt").write_text(f"IBAN {IBAN}\n")
    assert _scan(share, tmp_path / "c.db", "--file-timeout", "1", "--file-timeout-per-mb", "0") == 0
    conn = sqlite3.connect(tmp_path / "c.db")
    status = dict(conn.execute("SELECT path, status || ': ' || coalesce(reason, '') FROM files"))
    assert status["huge.log"].startswith("error: timeout")
    assert status["small.txt"].startswith("done")


def test_worker_over_the_memory_budget_is_replaced_and_the_file_recorded(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "a.txt").write_text(f"IBAN {IBAN}\n" * 200_000)
    # a budget below what a loaded worker needs: every file trips it, the scan still finishes
    assert _scan(share, tmp_path / "c.db", "--file-memory-mb", "8") == 0
    conn = sqlite3.connect(tmp_path / "c.db")
    status, reason = conn.execute("SELECT status, reason FROM files WHERE path = 'a.txt'").fetchone()
    assert status == "error" and reason.startswith("memory")
