"""The app's eye on a scan process: polls a :class:`~spill.scan_job.ScanJob` in a thread worker.

The scan itself runs in its own process (``spill scan … --json-progress``); this only reads
the lines it writes, every quarter second, off the UI thread, and posts a
:class:`ScanChanged` with a snapshot whenever something moved. The app publishes it to the
screens that show it (the Scan screen, the tabs' badge, the New case form waiting for the
engine to start).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message
from textual.worker import get_current_worker

from spill.scan_job import JobSnapshot, ScanJob
from spill.scan_plan import ScanRequest

if TYPE_CHECKING:
    from textual.app import App

POLL_SECONDS = 0.25


@dataclass
class ScanChanged(Message):
    """The followed scan moved on (progress, a message, a new state)."""

    snapshot: JobSnapshot

    def can_replace(self, message: Message) -> bool:
        # a newer progress line replaces an older one still queued; a change of state never does
        return isinstance(message, ScanChanged) and message.snapshot.state == self.snapshot.state \
            and message.snapshot.pid == self.snapshot.pid


class ScanWatch:
    """Follows at most one scan: the open case's, or the one a New case form just started."""

    def __init__(self, app: App[object], directory: Path | None = None) -> None:
        self.app = app
        self.directory = directory  # where job records live (None: the user's state folder)
        self.job: ScanJob | None = None
        self.snapshot: JobSnapshot | None = None
        self.first_scan = False  # the followed job is a new case's first scan: its speed is worth keeping

    def start(self, request: ScanRequest, *, first_scan: bool = False) -> JobSnapshot:
        """Start ``spill scan`` for ``request`` and follow it (raises the CLI's UsageError if one runs)."""
        self.follow(ScanJob.start(request, self.directory))
        self.first_scan = first_scan
        assert self.snapshot is not None
        return self.snapshot

    def find(self, case: Path) -> ScanJob | None:
        """The job record of ``case`` (a scan left running headless, or ended unseen); reads a file."""
        return ScanJob.find(case, self.directory)

    def follow(self, job: ScanJob) -> None:
        self.job = job
        self.snapshot = job.snapshot()
        self.first_scan = False
        self.app.run_worker(lambda: self._poll(job), thread=True, group="scan-watch", exclusive=True,
                            name="scan watch", exit_on_error=False)

    def stop_following(self) -> None:
        """Look away (another case was opened): the scan itself runs on, found again from its record."""
        self.app.workers.cancel_group(self.app, "scan-watch")
        self.job = None
        self.snapshot = None

    def pause(self) -> None:
        if self.job is not None:
            self.job.pause()

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _poll(self, job: ScanJob) -> None:
        worker = get_current_worker()
        first = True
        while not worker.is_cancelled:
            changed = job.poll()
            if changed or first:
                first = False
                snapshot = job.snapshot()
                self.app.post_message(ScanChanged(snapshot))
                if snapshot.state.is_over:
                    return
            time.sleep(POLL_SECONDS)
