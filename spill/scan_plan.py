"""A scan before it starts: its request as `spill scan` arguments, the checks, the share's size.

The CLI and the triage app share this module, so both refuse the same input with the same
words (``cannot scan X: no such folder``), and the app starts exactly the scan a person
would type. Nothing here creates a file.
"""

from __future__ import annotations

import math
import os
import shlex
import stat
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spill.errors import UsageError


@dataclass(frozen=True, slots=True)
class LimitOption:
    """One ``spill scan`` limit flag and the ``Limits`` field it sets (``scale`` converts units)."""

    flag: str  # without the leading dashes
    field: str  # scanners.extract.base.Limits
    default: float
    scale: int
    kind: type
    metavar: str
    help: str

    def to_limits(self, value: float) -> float:
        return self.kind(value * self.scale)

    def from_limits(self, value: float) -> float:
        return self.kind(value / self.scale)


LIMIT_OPTIONS: tuple[LimitOption, ...] = (
    LimitOption("max-depth", "max_depth", 8, 1, int, "N", "archive/attachment nesting depth (default 8)"),
    LimitOption("max-expanded-mb", "max_expanded_bytes", 4096, 2**20, int, "MB",
                "bytes unpacked from one top-level file (default 4096)"),
    LimitOption("max-ratio", "max_ratio", 200.0, 1, float, "R", "compression ratio of a member (default 200)"),
    LimitOption("ratio-above-mb", "ratio_min_bytes", 1024, 2**20, int, "MB",
                "check the ratio only for members expanding past MB (default 1024: a big spreadsheet's XML "
                "compresses 400:1 and is no bomb)"),
    LimitOption("file-timeout", "file_timeout", 300.0, 1, float, "S",
                "seconds a top-level file may take (default 300), plus --file-timeout-per-mb"),
    LimitOption("file-timeout-per-mb", "file_timeout_per_mib", 2.0, 1, float, "S",
                "extra seconds per MiB of the file (default 2: a 2 GB log is not a hang)"),
    LimitOption("file-memory-mb", "file_memory", 1536, 2**20, int, "MB",
                "resident memory a worker may reach on one file (default 1536)"),
    LimitOption("split-mb", "split_bytes", 64, 2**20, int, "MB",
                "with --jobs over 1, a text file over MB is cut into parts of MB that several workers read at "
                "once (default 64; 0: never)"),
)
"""The limits `spill scan` takes on its command line, in --help order; the defaults equal ``Limits()``."""


@dataclass(frozen=True, slots=True)
class ScanRequest:
    """One `spill scan`: what the app starts and what a person would type."""

    share: Path
    case: Path
    rule_dirs: tuple[Path, ...] = ()
    jobs: int = 0  # 0: every core
    use_ner: bool = True
    resume: bool = False
    limits: dict[str, float] = field(default_factory=dict)  # flag → value, only those set

    def argv(self) -> list[str]:
        """The arguments after ``spill``."""
        args = ["scan", str(self.share), "--case", str(self.case)]
        for d in self.rule_dirs:
            args += ["--rules", str(d)]
        if self.jobs:
            args += ["--jobs", str(self.jobs)]
        if not self.use_ner:
            args.append("--no-ner")
        if self.resume:
            args.append("--resume")
        for option in LIMIT_OPTIONS:
            if option.flag in self.limits:
                args += [f"--{option.flag}", _number(self.limits[option.flag])]
        return args

    def command_line(self) -> str:
        return shlex.join(["spill", *self.argv()])

    @classmethod
    def repeat(cls, case: Path, options: dict[str, Any], *, resume: bool) -> ScanRequest:
        """The scan recorded in a case's ``scans.options``, again: a resume or a re-scan with the same
        rules, names setting, jobs and limits (so unchanged files keep their rule fingerprint)."""
        recorded = options.get("limits") or {}
        limits = {o.flag: o.from_limits(recorded[o.field]) for o in LIMIT_OPTIONS
                  if o.field in recorded and o.from_limits(recorded[o.field]) != o.default}
        return cls(share=Path(options["root"]), case=case, rule_dirs=tuple(Path(p) for p in options.get("rules", [])),
                   jobs=int(options.get("jobs", 0)), use_ner=bool(options.get("ner", True)), resume=resume,
                   limits=limits)


# ------------------------------------------------------------------ checks
def check_share(root: Path) -> None:
    if not root.exists():
        raise UsageError(f"cannot scan {root}: no such folder")
    if not root.is_dir():
        raise UsageError(f"cannot scan {root}: not a folder")
    if not os.access(root, os.R_OK | os.X_OK):
        raise UsageError(f"cannot scan {root}: permission denied")


def check_jobs(jobs: int) -> None:
    if jobs < 0:
        raise UsageError("--jobs must be 0 (every core) or more")


def check_rule_dirs(dirs: Sequence[Path]) -> None:
    for d in dirs:
        if not d.is_dir():
            raise UsageError(f"--rules {d}: no such folder")


def check_case_place(case: Path, root: Path, *, resume: bool = False) -> None:
    """The case file must not be inside the share (evidence is read only); ``--resume`` needs one."""
    if is_inside(case.resolve(), root.resolve()):
        raise UsageError(f"the case file must not be inside the scanned share ({root}): evidence is read only")
    if resume and not case.exists():
        raise UsageError(f"--resume: no case file at {case} to resume")


def check_request(request: ScanRequest, *, new_case: bool = False) -> None:
    """Every check `spill scan` makes before it reads a rule file, in the same order and words; with
    ``new_case`` also that the case file can be created there (the app's New case form)."""
    check_share(request.share)
    check_jobs(request.jobs)
    check_rule_dirs(request.rule_dirs)
    check_case_place(request.case, request.share, resume=request.resume)
    if new_case:
        from spill.case.store import Store

        Store.check_creatable(request.case)


def is_inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


# ------------------------------------------------------------------ rules
@dataclass(frozen=True, slots=True)
class RulesVerdict:
    """What `spill rules test` said about the rule folders: its summary, each failure, or its error."""

    rule_dirs: tuple[Path, ...]
    summary: str  # "57 rules, 0 failures"
    failures: tuple[str, ...] = ()  # "FAIL spill.x: …" lines
    error: str | None = None  # the CLI's one line: a missing folder, a malformed rule file

    @property
    def usable(self) -> bool:
        """A scan can start with these rules (failing examples are a warning; a malformed file is not)."""
        return self.error is None


def run_rules_test(rule_dirs: Sequence[Path], timeout: float = 300.0) -> RulesVerdict:
    """Run ``spill rules test`` on ``rule_dirs`` in a child process, as a person would, and read its verdict."""
    args = [sys.executable, "-m", "spill.cli", "rules", "test"]
    for d in rule_dirs:
        args += ["--rules", str(d)]
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as err:
        return RulesVerdict(tuple(rule_dirs), "", error=f"spill rules test did not run: {err}")
    said = [line for line in done.stderr.splitlines() if line.strip()]
    errors = [line.removeprefix("spill: error: ") for line in said if line.startswith("spill: error: ")]
    failures = tuple(line for line in done.stdout.splitlines() if line.startswith("FAIL "))
    if errors or (done.returncode != 0 and not failures):
        return RulesVerdict(tuple(rule_dirs), "", error=errors[-1] if errors else (said[-1] if said else
                            f"spill rules test exited {done.returncode}"))
    return RulesVerdict(tuple(rule_dirs), said[-1] if said else "", failures)


# ------------------------------------------------------------- share size
@dataclass(frozen=True, slots=True)
class ShareSize:
    files: int
    bytes: int


def measure_share(root: Path, stop: Callable[[], bool] = lambda: False) -> ShareSize | None:
    """Regular files under ``root`` and their bytes, as the scan counts them (no link followed);
    ``None`` when ``stop()`` turned true first."""
    files = size = 0
    pending = [os.fsencode(root)]
    while pending:
        if stop():
            return None
        folder = pending.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    if stat.S_ISDIR(st.st_mode):
                        pending.append(entry.path)
                    elif stat.S_ISREG(st.st_mode):
                        files += 1
                        size += st.st_size
        except OSError:
            continue  # the scan records an unreadable folder; the estimate just leaves it out
    return ShareSize(files, size)


def summary_line(size: ShareSize, bytes_per_second: float | None) -> str:
    """``1,204 files, 3.2 GB, about 40 min at the last measured speed``."""
    from spill.progress import human_bytes

    what = f"{size.files:,} files, {human_bytes(size.bytes)}"
    if not bytes_per_second:
        return f"{what}; no scan measured on this machine yet, so no time estimate"
    return f"{what}, {about(size.bytes / bytes_per_second)} at the last measured speed"


def about(seconds: float) -> str:
    """A rough duration for a person: ``under a minute``, ``about 40 min``, ``about 2 h 10 min``."""
    if seconds < 60:
        return "under a minute"
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return f"about {minutes} min"
    hours, rest = divmod(round(minutes / 10) * 10, 60)
    return f"about {hours} h {rest} min" if rest else f"about {hours} h"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
