"""What a scan has done so far (handed to the progress callback), and the counts a finished scan records."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanners.walk import walk


@dataclass
class Progress:
    """What the scan has done so far; handed to the progress callback."""

    files_total: int | None = None
    bytes_total: int | None = None
    files_done: int = 0
    bytes_done: int = 0
    bytes_in_flight: int = 0  # read so far of the files being scanned now (display only)
    unchanged: int = 0
    duplicates: int = 0
    errors: int = 0
    skipped: int = 0
    findings: int = 0
    by_category: Counter[str] = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)
    first_finding_after: float | None = None
    worker_peak_rss: int = 0
    workers_started: int = 0
    remasked: int = 0  # stored snippets, locators and reasons masked again after the scan
    remask_seconds: float = 0.0
    current: str = ""
    finished: bool = False
    people: int = 0
    link_seconds: float = 0.0  # people linkage, both runs
    names_found: int = 0  # PERSON findings the names pass added
    names_seconds: float = 0.0
    index_seconds: float = 0.0  # building the triage indexes a big scan deferred (spill.case.bulk)
    pausing: bool = False  # a pause was asked for: the files in hand are being finished
    paused: bool = False  # the scan ended on a pause (``--resume`` continues)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started


def _count_share(root: Path, state: Progress) -> None:
    files = size = 0
    for entry in walk(root):
        if entry.skip_reason is None:
            files += 1
            size += entry.size or 0
    state.files_total, state.bytes_total = files, size


def _counts(state: Progress) -> dict[str, Any]:
    return {"files_done": state.files_done, "bytes_done": state.bytes_done, "unchanged": state.unchanged,
            "duplicates": state.duplicates, "errors": state.errors, "skipped": state.skipped,
            "findings": state.findings, "by_category": dict(state.by_category),
            "elapsed_seconds": round(state.elapsed, 3), "first_finding_seconds": state.first_finding_after,
            "worker_peak_rss_mib": round(state.worker_peak_rss / 2**20, 1), "workers_started": state.workers_started,
            "remasked": state.remasked, "remask_seconds": round(state.remask_seconds, 3),
            "people": state.people, "link_seconds": round(state.link_seconds, 3), "names_found": state.names_found,
            "names_seconds": round(state.names_seconds, 3),
            "index_seconds": round(state.index_seconds, 3)}
