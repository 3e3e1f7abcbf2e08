"""One huge text file on several workers, and a file's findings streamed to the writer as they come.

The window, part and chunk sizes are lowered (``Limits``) so a file of a few MB is cut the way a
multi-GB log is at the defaults.
"""

from __future__ import annotations

import itertools
import json
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scanners.engine import Progress, ScanOptions, run_scan
from scanners.extract.base import Limits
from scanners.extract.text import extract, extract_part
from scanners.part_merge import PartMerge
from scanners.parts import hash_and_plan
from spill.case import Case
from spill.cli import main
from spill.model import Category, FileRecord, FileResult, FileStatus, Finding, Severity, file_id

IBAN = "DE89370400440532013000"  # python-stdnum's documented valid IBAN
#: 10,000-character windows overlapping by 512, parts of 21 windows (~199,000 characters)
SMALL = Limits(chunk_chars=10_000, chunk_overlap=512, split_bytes=150_000, stream_findings=40)
STEP = SMALL.chunk_chars - SMALL.chunk_overlap


def _log(n_lines: int, seed: int = 5) -> tuple[str, dict[str, int]]:
    """A log with a contractor's e-mail every 40 lines and an IBAN line astride every part's first
    character and inside every part's first overlap; returns the text and each planted value's line."""
    rng = random.Random(seed)
    lines = [f"2025-03-04T11:{i % 60:02d}:00Z INFO payout-svc req={rng.getrandbits(48):012x} ünïcode=€ "
             f"latency_ms={rng.randint(3, 900)}\n" for i in range(n_lines)]
    for i in range(0, n_lines, 40):
        lines[i] = f"2025-03-04T11:00:00Z WARN beneficiary contractor=w{i:06d}@vendorco.com\n"
    text = "".join(lines)
    per_part = 21 * STEP
    for boundary in range(per_part, len(text), per_part):
        for at in (boundary - 12, boundary + 100):  # astride the cut, and wholly inside the overlap
            text = text[:at] + f" iban={IBAN} " + text[at:]
    planted = {}
    for no, line in enumerate(text.split("\n"), 1):
        if "@vendorco.com" in line or IBAN in line:
            planted[line] = no
    return text, planted


def _export(case: Path, out: Path) -> list[str]:
    assert main(["export", str(case), "--format", "jsonl", "-o", str(out)]) == 0
    rows = []
    for line in out.read_text().splitlines():
        row = json.loads(line)
        del row["fingerprint"]  # keyed with each case's own key
        rows.append(json.dumps(row, sort_keys=True))
    return sorted(rows)


def _scan(share: Path, case_path: Path, jobs: int, limits: Limits = SMALL, **options) -> Progress:
    with Case.create(case_path) if not case_path.exists() else Case.open(case_path) as case:
        return run_scan(case, ScanOptions(root=share, jobs=jobs, use_ner=False, limits=limits, **options)).progress


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_parts_read_exactly_the_windows_one_reader_reads(tmp_path: Path, encoding: str) -> None:
    rng = random.Random(3)
    words = ["alpha", "beta", "délta", "€uro", "ñame", "Müller", "x" * 40]
    # past two hash reads (1 MiB each): parts start decoding after byte 0 too
    text = "".join(rng.choice(words) + rng.choice([" ", " ", "\n", "\r\n"]) for _ in range(330_000))
    path = tmp_path / "big.log"
    path.write_bytes(text.encode(encoding, errors="replace"))
    whole = [(s.offset, s.line, s.owns, s.text) for s in extract(path.open("rb"), SMALL)]
    owned = [(offset + lo, offset + hi) for offset, _, (lo, hi), _ in whole]  # each character one window's
    assert owned[0][0] == 0 and owned[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(owned))
    sha, parts = hash_and_plan(str(path), path.name, SMALL)
    assert len(parts) >= 3 and parts[-1].byte_start > 0
    assert sum(p.byte_len for p in parts) == path.stat().st_size
    import hashlib

    assert sha == hashlib.sha256(path.read_bytes()).hexdigest()
    together = [(s.offset, s.line, s.owns, s.text) for p in parts for s in extract_part(path.open("rb"), SMALL, p)]
    assert together == whole


def test_files_that_are_not_cut(tmp_path: Path) -> None:
    small = tmp_path / "small.log"
    small.write_text("one line\n" * 100)
    utf16 = tmp_path / "wide.log"
    utf16.write_text("a line of text\n" * 40_000, encoding="utf-16")
    csv = tmp_path / "rows.csv"
    csv.write_text("name,email\n" + "Ana,ana@example.com\n" * 40_000)
    for path in (small, utf16, csv):
        assert hash_and_plan(str(path), path.name, SMALL)[1] == []


@pytest.mark.slow
def test_a_split_scan_equals_a_one_worker_scan(tmp_path: Path) -> None:
    text, planted = _log(14_000)
    share = tmp_path / "share"
    share.mkdir()
    (share / "app.log").write_text(text, encoding="utf-8")
    (share / "notes.txt").write_text(f"Send the payout to IBAN {IBAN}.\n")
    parts = hash_and_plan(str(share / "app.log"), "app.log", SMALL)[1]
    assert len(parts) >= 5
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    whole = _scan(share, one, jobs=1)
    split = _scan(share, two, jobs=2)
    assert _export(two, tmp_path / "two.jsonl") == _export(one, tmp_path / "one.jsonl")
    assert split.findings == whole.findings and split.files_done == whole.files_done == 2
    assert split.bytes_done == whole.bytes_done
    rows = [json.loads(r) for r in _export(two, tmp_path / "again.jsonl") if '"app.log"' in r]
    lines = text.split("\n")
    for row in rows:  # every find in its right place and line, each planted value once
        assert row["line"] == text.count("\n", 0, row["start"]) + 1
        assert lines[row["line"] - 1] in planted
    ibans = sorted(r["start"] for r in rows if r["entity_type"] == "IBAN_CODE")
    assert ibans == [m for m in _find_all(text, IBAN)]
    emails = [r for r in rows if r["entity_type"] == "EMAIL_ADDRESS"]
    assert len(emails) == len({r["start"] for r in emails}) == text.count("@vendorco.com")
    with Case.open(two) as case:
        rec = case.scans.get_file("app.log")
        assert rec is not None and rec.status == "done" and rec.kind == "text"


def _find_all(text: str, value: str) -> list[int]:
    out, at = [], text.find(value)
    while at >= 0:
        out.append(at)
        at = text.find(value, at + 1)
    return out


def test_findings_reach_the_case_before_the_file_ends(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "app.log").write_text("".join(f"user{i}@vendorco.com paid\n" for i in range(20_000)))
    case_path = tmp_path / "case.db"
    seen: list[int] = []

    def progress(p: Progress) -> None:
        if p.files_done == 0:
            conn = sqlite3.connect(f"file:{case_path}?mode=ro", uri=True)
            seen.append(conn.execute("SELECT count(*) FROM findings f JOIN files fl ON fl.id = f.file_id"
                                     " WHERE fl.status = 'pending'").fetchone()[0])
            conn.close()

    limits = Limits(chunk_chars=20_000, stream_findings=500)
    with Case.create(case_path) as case:
        summary = run_scan(case, ScanOptions(root=share, jobs=1, use_ner=False, limits=limits), progress)
    assert any(n > 0 for n in seen), seen  # written while the file was still being read
    assert summary.progress.findings == 20_000
    with Case.open(case_path) as case:
        assert case.scans.get_file("app.log").status == "done"
        assert case.scans.finding_count() == 20_000


_KILLABLE = """
import sys
from pathlib import Path
from scanners.engine import ScanOptions, run_scan
from scanners.extract.base import Limits
from spill.case import Case
if __name__ == "__main__":
    with Case.open(Path(sys.argv[2])) as case:
        limits = Limits(chunk_chars=20_000, stream_findings=200)
        run_scan(case, ScanOptions(root=Path(sys.argv[1]), jobs=1, use_ner=False, limits=limits))
"""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="finds the killed scan's workers in /proc")
def test_killed_mid_file_then_resumed_keeps_decisions_without_duplicates(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    log = share / "app.log"
    log.write_text("".join(f"user{i}@vendorco.com paid IBAN {IBAN}\n" for i in range(12_000)))
    case_path = tmp_path / "case.db"
    limits = Limits(chunk_chars=20_000, stream_findings=200)
    _scan(share, case_path, jobs=1, limits=limits)
    with Case.open(case_path) as case:
        first = next(f for f in case.iter_findings() if f.entity_type == "EMAIL_ADDRESS" and f.start == 0)
        case.log.decide([first.id], action="status", after="confirmed", analyst="ana")
    fingerprint = sqlite3.connect(case_path).execute("SELECT fingerprint FROM findings WHERE id = ?",
                                                     (first.id,)).fetchone()[0]
    log.write_text("a new first line\n" + log.read_text())  # every finding moves: new ids, same fingerprints
    script = tmp_path / "killable.py"
    script.write_text(_KILLABLE)
    proc = subprocess.Popen([sys.executable, str(script), str(share), str(case_path)])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and _pending_findings(case_path) < 1000:
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    assert _pending_findings(case_path) >= 1000, "the kill must land while the file is half written"
    deadline = time.monotonic() + 30  # its workers stop at their next chunk instead of reading on for nobody
    while time.monotonic() < deadline and _processes_of(script.parent):
        time.sleep(0.2)
    assert not _processes_of(script.parent)
    progress = _scan(share, case_path, jobs=1, limits=limits, resume=True)
    assert progress.files_done == 1
    conn = sqlite3.connect(case_path)
    spans = conn.execute('SELECT start, "end", rule FROM findings').fetchall()
    assert len(spans) == len(set(spans)) == 24_000  # nothing twice, nothing of the old file left
    status = conn.execute("SELECT status, start FROM findings WHERE fingerprint = ? AND rule = ?",
                          (fingerprint, first.rule)).fetchall()
    assert status == [("confirmed", 17)]  # the decision moved with its value to its new place
    assert conn.execute("SELECT status FROM files WHERE path = 'app.log'").fetchone()[0] == "done"
    assert main(["verify", str(case_path)]) == 0


def _processes_of(folder: Path) -> list[int]:
    """Processes started from the killed script (a forkserver carries its folder in its command line)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and str(folder).encode() in (proc / "cmdline").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def _pending_findings(case_path: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{case_path}?mode=ro", uri=True)
        return conn.execute("SELECT count(*) FROM findings f JOIN files fl ON fl.id = f.file_id"
                            " WHERE fl.status = 'pending'").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_a_failed_part_leaves_the_file_in_error_with_the_other_parts_findings() -> None:
    from scanners.parts import Part

    merge = PartMerge([Part(i, 3, "utf-8", 0, 0, 1, i * 1000, 2, 1000) for i in range(3)])
    record = FileRecord(id=file_id("app.log"), path="app.log", parent=None, sha256="ab", size=3000, mtime=None,
                        kind="text", status=FileStatus.DONE)
    found = Finding(path="app.log", entity_type="EMAIL_ADDRESS", category=Category.CONTACT,
                    severity=Severity.MEDIUM, score=1.0, rule="email", start=1500, end=1520)
    chunks = merge.accept([FileResult(record, [found], [("Orchid", "Lab A")])])
    assert [(c.file.status, c.streamed, c.findings) for c in chunks] == [(FileStatus.PENDING, True, [found])]
    assert merge.finish(1, FileStatus.DONE, None) is False
    assert merge.finish(2, FileStatus.ERROR, "timeout: over 12 s") is False
    assert merge.finish(0, FileStatus.DONE, None) is True
    final = merge.final(record)
    assert final.streamed and final.file.status == FileStatus.ERROR and final.codenames == [("Orchid", "Lab A")]
    assert final.file.reason.startswith("timeout: over 12 s (part 3 of 3, from character 2000")
