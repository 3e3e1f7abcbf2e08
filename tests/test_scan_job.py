"""A scan as a child process (what the app runs) and the engine's pause (SIGUSR1), with real processes."""

from __future__ import annotations

import io
import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from scanners.document import ScanTask
from scanners.engine import Progress
from scanners.extract.base import Limits
from scanners.pool import Finished, ProcessPool, WorkerConfig
from scanners.walk import sha256_file, walk
from spill.case import Case
from spill.cli import main
from spill.errors import UsageError
from spill.model import FileRecord, FileResult, FileStatus, file_id
from spill.progress import ProgressReporter
from spill.scan_job import JobState, LiveProgress, ScanJob, discard_unstarted_case, scans_of
from spill.scan_plan import ScanRequest

IBAN = "DE89370400440532013000"


def test_progress_lines_read_back_as_the_reporter_writes_them() -> None:
    stream = io.StringIO()
    reporter = ProgressReporter(stream, json_lines=True)
    state = Progress(files_total=10, bytes_total=4000, files_done=4, bytes_done=1000, findings=7,
                     by_category=Counter({"contact": 5, "financial": 2}), errors=1, skipped=2, pausing=True)
    state.started -= 2.0
    reporter(state)
    line = stream.getvalue().strip()
    progress = LiveProgress.parse(line)
    assert progress is not None
    assert (progress.files_done, progress.files_total, progress.bytes_done, progress.findings, progress.errors,
            progress.skipped, progress.pausing, progress.paused) == (4, 10, 1000, 7, 1, 2, True, False)
    assert progress.by_category == {"contact": 5, "financial": 2}
    assert progress.fraction == 0.25 and progress.rate == pytest.approx(500, rel=0.05)
    assert progress.eta == pytest.approx(6.0, rel=0.05)
    assert LiveProgress.parse("spill: notice: workers are not isolated") is None
    assert LiveProgress.parse('{"files_done": 1, "files_') is None  # a line cut by a kill


def test_a_refused_scan_ends_failed_with_the_clis_line_and_leaves_nothing(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs"
    job = ScanJob.start(ScanRequest(tmp_path / "missing", tmp_path / "c.db", use_ner=False), jobs)
    assert job.record.command.startswith("spill scan ") and job.record_path.exists()
    deadline = time.monotonic() + 60
    while job.is_running and time.monotonic() < deadline:
        job.poll()
        time.sleep(0.05)
    assert job.state is JobState.FAILED and job.exit_code == 1
    assert job.error == f"cannot scan {tmp_path / 'missing'}: no such folder"
    assert job.snapshot().engine_ran is False
    job.forget()
    assert not any(jobs.iterdir()) and not (tmp_path / "c.db").exists()


def test_a_scan_of_a_case_already_being_scanned_is_refused(tmp_path: Path) -> None:
    """However the first one was started: here a stand-in process whose command line names the case
    (relative to its own working folder), as a `spill scan` typed in a terminal would."""
    stand_in = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "scan", "share",
                                 "--case", "c.db"], cwd=tmp_path)
    try:
        deadline = time.monotonic() + 10
        while not scans_of(tmp_path / "c.db") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert scans_of(tmp_path / "c.db") == [stand_in.pid]
        assert scans_of(tmp_path / "other.db") == []
        with pytest.raises(UsageError, match=f"already running \\(pid {stand_in.pid}"):
            ScanJob.start(ScanRequest(tmp_path, tmp_path / "c.db"), tmp_path / "jobs")
    finally:
        stand_in.kill()
        stand_in.wait()


def test_a_case_that_holds_anything_is_never_discarded(tmp_path: Path) -> None:
    """A scan that broke before its engine ran leaves no case behind; one file recorded, and it stays."""
    empty = tmp_path / "empty.db"
    Case.create(empty).close()
    assert discard_unstarted_case(empty) is True
    assert not empty.exists() and not Path(f"{empty}.key").exists()
    case = tmp_path / "c.db"
    with Case.create(case) as c:
        scan_id = c.scans.begin(str(tmp_path), {}, "rules", "model")
        c.scans.write_results([FileResult(FileRecord(
            id=file_id("a.bin"), path="a.bin", parent=None, sha256="0" * 64, size=1, mtime=0.0, kind=None,
            status=FileStatus.SKIPPED, reason="binary"))], scan_id, "rules")
    assert discard_unstarted_case(case) is False and case.exists()


def test_a_pause_takes_back_the_batches_no_worker_has_started(tmp_path: Path) -> None:
    """Three one-file batches reach a worker's queue while it still loads its detector: a pause takes back
    what it has not started; together with what it finishes, every file once (none lost, none twice)."""
    share = _share(tmp_path, 3)
    tasks = [ScanTask(e.path, e.fs_path, sha256_file(e.fs_path), e.size, e.mtime) for e in walk(share)]
    pool = ProcessPool(WorkerConfig((), False, Limits()), 1)
    try:
        for task in tasks:
            pool.submit([task])
        time.sleep(0.3)
        taken = [t.path for t in pool.withdraw()]
        finished: list[str] = []
        deadline = time.monotonic() + 60
        while len(taken) + len(finished) < len(tasks) and time.monotonic() < deadline:
            finished += [e.task.path for e in pool.events(0.2) if isinstance(e, Finished)]
        assert taken, "the batches behind the first were still waiting"
        assert sorted(taken + finished) == sorted(t.path for t in tasks)
        assert pool.idle_capacity() == 2  # nothing is owed by the worker any more
    finally:
        pool.close()


def _share(root: Path, n: int) -> Path:
    share = root / "big"
    share.mkdir()
    for i in range(n):
        (share / f"f{i:04d}.txt").write_text(
            f"record {i}\n\ncontact annotator{i}@vendorco.com, IBAN {IBAN}\n" + ("filler text line\n" * 200))
    return share


@pytest.mark.slow
def test_pause_finishes_the_files_in_hand_and_resume_completes_the_scan(tmp_path: Path) -> None:
    share = _share(tmp_path, 400)
    case = tmp_path / "c.db"
    proc = subprocess.Popen([sys.executable, "-m", "spill.cli", "scan", str(share), "--case", str(case),
                             "--jobs", "1", "--no-ner", "--json-progress"], stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    assert proc.stderr is not None
    for line in proc.stderr:  # wait for the first files, then pause
        lines.append(line)
        progress = LiveProgress.parse(line)
        if progress is not None and progress.files_done >= 20:
            proc.send_signal(signal.SIGUSR1)
            break
    lines += proc.stderr.readlines()
    assert proc.wait(timeout=120) == 130
    said = [x for x in lines if not x.startswith("{")]
    assert said[-1].startswith("spill: scan paused after") and "--no-ner --resume`" in said[-1]
    last = LiveProgress.parse([x for x in lines if x.startswith("{")][-1])
    assert last is not None and last.paused and not last.finished
    conn = sqlite3.connect(case)
    assert conn.execute("SELECT status FROM scans").fetchall() == [("interrupted",)]
    written = conn.execute("SELECT count(*) FROM files WHERE status = 'done'").fetchone()[0]
    assert written == last.files_done and 20 <= written < 400  # every file taken in hand was finished
    assert conn.execute("SELECT count(*) FROM findings").fetchone()[0] == 2 * written
    assert json.loads(conn.execute("SELECT counts FROM scans").fetchone()[0])["files_done"] == written
    conn.close()
    assert main(["scan", str(share), "--case", str(case), "--jobs", "1", "--no-ner", "--resume"]) == 0
    conn = sqlite3.connect(case)
    assert conn.execute("SELECT count(*) FROM files WHERE status = 'done'").fetchone()[0] == 400
    assert conn.execute("SELECT count(*) FROM findings").fetchone()[0] == 800
    counts = json.loads(conn.execute("SELECT counts FROM scans ORDER BY id DESC").fetchone()[0])
    assert counts["unchanged"] == written  # not read again
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
