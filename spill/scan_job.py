"""A scan in a child process: how the triage app runs `spill scan` without scanning itself.

The app starts the very command a person would type, ``spill scan … --json-progress``, as a
child process in a session of its own (closing the app or its terminal does not stop it),
with stdout and stderr going to a log file, and follows the JSON progress lines in that
log. A small record beside the log names the process, so a later app — or
``spill triage CASE`` — reattaches to a scan left running headless::

    $XDG_STATE_HOME/spill/scans/<key>.json   {"pid", "case", "share", "argv", "command", "started"}
    $XDG_STATE_HOME/spill/scans/<key>.log    the scan's stdout and stderr (JSON progress lines, messages)

(``<key>`` is derived from the case path; both files are 0600 in a 0700 folder, and hold counts
and messages, never a finding.) Pause is ``SIGUSR1`` (``spill.scan_control``: the scan
finishes the files in hand and exits 130), cancel is ``SIGINT`` (Ctrl-C: exit 130); both
leave the case consistent for ``--resume``. The record is removed once the end has been seen.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections import deque
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from spill import clock
from spill.errors import UsageError
from spill.recent import state_dir
from spill.scan_control import PAUSE_SIGNAL
from spill.scan_plan import ScanRequest

MESSAGES_KEPT = 40
_children: dict[int, subprocess.Popen[bytes]] = {}  # scans this process started: their exit codes are ours to read


class JobState(StrEnum):
    STARTING = "starting"  # the process runs; no progress yet (checks, loading the detector)
    RUNNING = "running"
    PAUSING = "pausing"  # asked to pause: finishing the files in hand
    PAUSED = "paused"  # ended on a pause; --resume continues
    CANCELLED = "cancelled"  # ended by Ctrl-C / SIGINT / SIGTERM; --resume continues
    FINISHED = "finished"
    FAILED = "failed"  # refused or broke: ``ScanJob.error`` says why (the CLI's one line)
    ENDED = "ended"  # gone without a word (killed); the case is consistent, --resume continues

    @property
    def is_over(self) -> bool:
        return self not in (JobState.STARTING, JobState.RUNNING, JobState.PAUSING)


@dataclass(frozen=True, slots=True)
class LiveProgress:
    """One ``--json-progress`` line (``spill.progress.ProgressReporter``)."""

    files_done: int = 0
    files_total: int | None = None
    bytes_done: int = 0
    bytes_total: int | None = None
    findings: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    skipped: int = 0
    elapsed: float = 0.0
    finished: bool = False
    pausing: bool = False
    paused: bool = False

    @classmethod
    def parse(cls, line: str) -> LiveProgress | None:
        """The progress on this line, or None for any other line (a message, a broken write)."""
        if not line.startswith("{"):
            return None
        try:
            raw = json.loads(line)
        except ValueError:
            return None
        if not isinstance(raw, dict):
            return None
        known = cls.__dataclass_fields__
        try:
            return cls(**{k: v for k, v in raw.items() if k in known})
        except TypeError:
            return None

    @property
    def rate(self) -> float:
        """Bytes per second so far."""
        return self.bytes_done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left at the speed so far (None until both are known)."""
        if not self.bytes_total or self.rate <= 0 or self.finished:
            return None
        return max(0.0, (self.bytes_total - self.bytes_done) / self.rate)

    @property
    def fraction(self) -> float | None:
        if self.bytes_total:
            return min(1.0, self.bytes_done / self.bytes_total)
        if self.files_total:
            return min(1.0, self.files_done / self.files_total)
        return None


@dataclass(frozen=True, slots=True)
class JobSnapshot:
    """A job as it stood at one poll: safe to hand from the polling thread to the screen."""

    case: Path
    share: str
    command: str
    pid: int
    log: Path
    state: JobState
    progress: LiveProgress | None
    messages: tuple[str, ...]
    error: str | None

    @property
    def engine_ran(self) -> bool:
        """The engine reported at least once: the case file exists and holds this scan."""
        return self.progress is not None


@dataclass(frozen=True, slots=True)
class JobRecord:
    pid: int
    case: str
    share: str
    argv: list[str]
    command: str
    started: str


def jobs_dir() -> Path:
    return state_dir() / "scans"


def _key(case: Path) -> str:
    return hashlib.sha256(str(case.expanduser().resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]


class ScanJob:
    """One scan process, started here (:meth:`start`) or found again (:meth:`find`); call :meth:`poll`
    to read what it wrote since (from a worker thread: it reads a file)."""

    def __init__(self, record: JobRecord, record_path: Path, log_path: Path) -> None:
        self.record = record
        self.record_path = record_path
        self.log_path = log_path
        self.case = Path(record.case)
        self.state = JobState.STARTING
        self.progress: LiveProgress | None = None
        self.messages: deque[str] = deque(maxlen=MESSAGES_KEPT)  # the lines that are not progress
        self.exit_code: int | None = None
        self._offset = 0
        self._partial = b""
        self._pause_wanted = False
        self._pause_sent = False

    # --------------------------------------------------------------- starting
    @classmethod
    def start(cls, request: ScanRequest, directory: Path | None = None) -> ScanJob:
        """Start ``spill scan`` for ``request`` (its checks are the CLI's own: a refusal ends the job
        ``FAILED`` with the CLI's one line). Refuses a second scan of a case whose scan still runs."""
        directory = directory or jobs_dir()
        request = replace(request, share=request.share.expanduser().resolve(),
                          case=request.case.expanduser().resolve())
        running = cls.find(request.case, directory)
        if running is not None and not running.poll_process_only():
            raise UsageError(f"a scan of {request.case} is already running (pid {running.record.pid})")
        elsewhere = scans_of(request.case)
        if elsewhere:
            raise UsageError(f"a scan of {request.case} is already running (pid {elsewhere[0]}, started elsewhere); "
                             f"wait for it, or stop it with Ctrl-C where it runs")
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = _key(request.case)
        log_path, record_path = directory / f"{key}.log", directory / f"{key}.json"
        argv = [sys.executable, "-m", "spill.cli", *request.argv(), "--json-progress"]
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=fd, stderr=subprocess.STDOUT,
                                       start_new_session=True, close_fds=True)
        except OSError as err:
            log_path.unlink(missing_ok=True)
            raise UsageError(f"cannot start the scan: {err}") from err
        finally:
            os.close(fd)
        _children[process.pid] = process
        record = JobRecord(process.pid, str(request.case), str(request.share), argv, request.command_line(),
                           clock.utcnow())
        _write_private(record_path, json.dumps(asdict(record), indent=1))
        return cls(record, record_path, log_path)

    @classmethod
    def find(cls, case: Path, directory: Path | None = None) -> ScanJob | None:
        """The scan the app started for ``case``, still running or ended unseen (None: no record)."""
        directory = directory or jobs_dir()
        key = _key(case)
        record_path, log_path = directory / f"{key}.json", directory / f"{key}.log"
        try:
            raw = json.loads(record_path.read_text(encoding="utf-8"))
            record = JobRecord(**raw)
        except (OSError, ValueError, TypeError):
            return None
        return cls(record, record_path, log_path)

    # -------------------------------------------------------------- following
    def poll(self) -> bool:
        """Read new lines and check the process; True when anything changed."""
        before = (self.state, self.progress, len(self.messages), self.messages[-1] if self.messages else None)
        self._read_log()
        gone = self.poll_process_only()
        if gone:
            self._read_log()  # the last words, written just before the exit
            self.state = self._end_state()
        elif self.progress is not None:  # the engine runs: a pause asked for while it loaded goes now
            if self._pause_wanted and not self._pause_sent:
                self._signal(PAUSE_SIGNAL)
                self._pause_sent = True
            self.state = JobState.PAUSING if self._pause_sent or self.progress.pausing else JobState.RUNNING
        after = (self.state, self.progress, len(self.messages), self.messages[-1] if self.messages else None)
        return after != before

    def poll_process_only(self) -> bool:
        """Whether the process has ended (its exit code read when this process started it)."""
        if self.state.is_over:
            return True
        child = _children.get(self.record.pid)
        if child is not None:  # kept after the exit: every ScanJob of this pid reads the same code
            code = child.poll()
            if code is None:
                return False
            self.exit_code = code
            return True
        return not _is_scan_process(self.record.pid, self.record.case)

    @property
    def is_running(self) -> bool:
        return not self.state.is_over

    @property
    def error(self) -> str | None:
        """The CLI's one-line reason, when the scan was refused or failed."""
        for line in reversed(self.messages):
            if line.startswith("spill: error: "):
                return line.removeprefix("spill: error: ")
        return None

    def snapshot(self) -> JobSnapshot:
        return JobSnapshot(self.case, self.record.share, self.record.command, self.record.pid, self.log_path,
                           self.state, self.progress, tuple(self.messages), self.error)

    # --------------------------------------------------------------- steering
    def pause(self) -> None:
        """Ask the scan to pause; before its engine runs, the request waits for the first progress."""
        self._pause_wanted = True
        if self.state is JobState.RUNNING:
            self._signal(PAUSE_SIGNAL)
            self._pause_sent = True
            self.state = JobState.PAUSING

    def cancel(self) -> None:
        """Ctrl-C: the workers stop at once, the files in flight are read again on resume."""
        if self.is_running:
            self._signal(signal.SIGINT)

    def forget(self) -> None:
        """Remove the record and the log (the end has been shown)."""
        for path in (self.record_path, self.log_path):
            with contextlib.suppress(OSError):
                path.unlink()

    # -------------------------------------------------------------- internals
    def _signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(self.record.pid, signum)

    def _read_log(self) -> None:
        try:
            with open(self.log_path, "rb") as fh:
                fh.seek(self._offset)
                chunk = fh.read()
        except OSError:
            return
        if not chunk:
            return
        self._offset += len(chunk)
        *lines, self._partial = (self._partial + chunk).split(b"\n")
        last_progress = None
        for raw in lines:
            line = raw.decode("utf-8", "replace").rstrip("\r")
            if line.startswith("{"):
                last_progress = line
            elif line.strip():
                self.messages.append(line)
        if last_progress is not None:
            self.progress = LiveProgress.parse(last_progress) or self.progress

    def _end_state(self) -> JobState:
        if self._partial:
            self.messages.append(self._partial.decode("utf-8", "replace"))
            self._partial = b""
        words = list(self.messages)

        def said(prefix: str) -> bool:
            return any(m.startswith(prefix) for m in words)

        code = self.exit_code
        if code == 0 or (code is None and said("spill: scanned ")):
            return JobState.FINISHED
        if (self.progress is not None and self.progress.paused) or said("spill: scan paused"):
            return JobState.PAUSED
        if code == 130 or said("spill: scan interrupted") or said("spill: interrupted"):
            return JobState.CANCELLED
        if code == 1 or said("spill: error: "):
            return JobState.FAILED
        if code is not None and code < 0:
            self.messages.append(f"spill: the scan was stopped by signal {-code}")
        return JobState.ENDED


def discard_unstarted_case(case: Path) -> bool:
    """Remove a case file that a scan created and then refused or broke before its engine ran (nothing
    half-created is left behind). Only a case with no file and no finding recorded is removed; returns
    whether it was."""
    from spill.case import Case
    from spill.case.store import key_path
    from spill.errors import SpillError

    if not case.exists():
        return False
    try:
        with Case.open(case, readonly=True) as opened:
            counts = opened.reports.counts()
    except (SpillError, OSError, sqlite3.Error):
        return False
    written = counts["files"].total + counts["files"].member_total + counts["findings"]
    if written:
        return False
    for path in (case, key_path(case), Path(f"{case}-wal"), Path(f"{case}-shm")):
        with contextlib.suppress(OSError):
            path.unlink()
    return True


def scans_of(case: Path) -> list[int]:
    """The processes running `spill scan` on ``case`` however they were started (a terminal, nohup, an
    app), found through /proc on Linux; elsewhere an empty list (the app's own records still count)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    target = case.expanduser().resolve()
    found = []
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            args = entry.joinpath("cmdline").read_bytes().split(b"\0")
            if b"scan" not in args:
                continue
            cwd = os.readlink(entry / "cwd")
            state = entry.joinpath("stat").read_text().rpartition(")")[2].split()[0]
        except (OSError, IndexError):
            continue
        named = _case_argument(args)
        if named is not None and state != "Z" and (Path(cwd) / named).resolve() == target:
            found.append(int(entry.name))
    return sorted(found)


def _case_argument(args: list[bytes]) -> Path | None:
    for i, arg in enumerate(args):
        if arg == b"--case" and i + 1 < len(args):
            return Path(os.fsdecode(args[i + 1]))
        if arg.startswith(b"--case="):
            return Path(os.fsdecode(arg.removeprefix(b"--case=")))
    return None


def _is_scan_process(pid: int, case: str) -> bool:
    """Whether ``pid`` is still a live `spill scan` of ``case`` (not a reused pid, not a zombie)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    proc = Path(f"/proc/{pid}")
    if not proc.exists():  # no /proc (macOS): the pid is all there is to go on
        return True
    try:
        if proc.joinpath("stat").read_text().rpartition(")")[2].split()[0] == "Z":
            return False
        cmdline = proc.joinpath("cmdline").read_bytes().split(b"\0")
    except (OSError, IndexError):
        return False
    return b"scan" in cmdline and os.fsencode(case) in cmdline


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
