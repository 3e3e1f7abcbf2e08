"""Scan: the open case's scan, live — files and bytes, speed, ETA, findings by category, errors —
with pause, resume, cancel and rescan. The scan runs in its own process; this screen reads
the snapshots :class:`~tui.scan_watch.ScanWatch` posts, and the case's last scan otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Label, ProgressBar, Static

from spill.errors import SpillError
from spill.model import CaseOverview
from spill.scan_job import JobSnapshot, JobState, scans_of
from spill.scan_plan import ScanRequest, check_request
from tui import modes
from tui.format import plain
from tui.screens.base import TriageScreen
from tui.screens.dialogs import ConfirmDialog
from tui.widgets import scan_panel

RUNNING_ACTIONS = {"pause", "cancel"}
IDLE_ACTIONS = {"resume", "rescan"}


class ScanScreen(TriageScreen):
    MODE = modes.SCAN
    CSS_PATH = "scan.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "pause", "Pause", tooltip="Pause: no new files; the files in hand are finished and written"),
        Binding("r", "resume", "Resume", tooltip="Resume the paused or interrupted scan (spill scan --resume)"),
        Binding("c", "cancel", "Cancel", tooltip="Stop the scan now, like Ctrl-C; the case stays consistent"),
        Binding("R", "rescan", "Rescan",
                tooltip="Scan the share again (a new export): unchanged files skipped, decisions kept"),
        Binding("f5,ctrl+l", "reload", "Refresh", show=False, tooltip="Read the case's last scan again"),
    ]

    @dataclass
    class LastScanRead(Message):
        overview: CaseOverview
        elsewhere: list[int]  # processes scanning this case that the app did not start (a terminal)

    @dataclass
    class Refused(Message):
        message: str

    def __init__(self) -> None:
        super().__init__(id="scan-screen")
        self.overview: CaseOverview | None = None
        self.elsewhere: list[int] = []
        self.notice = ""  # the last refusal, in the CLI's words

    def compose(self) -> ComposeResult:
        yield self.screen_tabs()
        with VerticalScroll(id="scan-body"):
            yield Static("reading the case…", id="scan-title")
            with Horizontal(classes="progress-row", id="files-row"):
                yield Label("files", classes="progress-label")
                yield ProgressBar(show_eta=False, id="files-bar")
                yield Label("", id="files-count")
            with Horizontal(classes="progress-row", id="bytes-row"):
                yield Label("bytes", classes="progress-label")
                yield ProgressBar(show_eta=False, id="bytes-bar")
                yield Label("", id="bytes-count")
            yield Static(id="scan-figures")
            yield Static(id="scan-notice")
            yield Static(id="scan-how")
            yield Static(id="scan-said")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.triage.scan_changed.subscribe(self, self.show_snapshot)
        self.read_last_scan()
        self.show_scan()

    def on_screen_resume(self) -> None:
        self.show_scan()

    # ----------------------------------------------------------------- state
    @property
    def snapshot(self) -> JobSnapshot | None:
        """The followed scan, when it is this case's."""
        snapshot = self.triage.scan_watch.snapshot
        return snapshot if snapshot is not None and snapshot.case == self.triage.case_path else None

    @property
    def scan_runs(self) -> bool:
        snapshot = self.snapshot
        return snapshot is not None and not snapshot.state.is_over

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        snapshot = self.snapshot
        if action in RUNNING_ACTIONS:
            if action == "pause" and snapshot is not None and snapshot.state is JobState.PAUSING:
                return None
            return True if self.scan_runs else None
        if action in IDLE_ACTIONS:
            if self.scan_runs or self.elsewhere or self.overview is None or self.overview.scan is None:
                return None
            if action == "resume":
                unfinished = self.overview.scan.status != "finished"
                return True if unfinished else None
        return True

    # ------------------------------------------------------------------- show
    def show_snapshot(self, snapshot: JobSnapshot) -> None:
        if snapshot.state.is_over:
            self.read_last_scan()  # the case has the end of it now
        self.show_scan()

    def show_scan(self) -> None:
        if not self.is_mounted:
            return
        snapshot = self.snapshot
        bars_shown = snapshot is not None
        self.query_one("#files-row").display = bars_shown
        self.query_one("#bytes-row").display = bars_shown
        if snapshot is not None:
            self.query_one("#scan-title", Static).update(scan_panel.title(snapshot))
            progress = snapshot.progress
            files, size = scan_panel.counts(progress)
            self.query_one("#files-count", Label).update(files)
            self.query_one("#bytes-count", Label).update(size)
            files_bar = self.query_one("#files-bar", ProgressBar)
            bytes_bar = self.query_one("#bytes-bar", ProgressBar)
            if progress is None:
                files_bar.update(total=None)
                bytes_bar.update(total=None)
            else:
                files_bar.update(total=progress.files_total, progress=progress.files_done)
                bytes_bar.update(total=progress.bytes_total or None, progress=progress.bytes_done)
            self.query_one("#scan-figures", Static).update(scan_panel.figures(snapshot))
            self.query_one("#scan-how", Static).update(scan_panel.how(snapshot))
            self.query_one("#scan-said", Static).update(scan_panel.said(snapshot))
        elif self.overview is not None:
            self.query_one("#scan-title", Static).update(scan_panel.last_scan(self.overview, self.elsewhere))
            for widget in ("#scan-figures", "#scan-how", "#scan-said"):
                self.query_one(widget, Static).update("")
        self.query_one("#scan-notice", Static).update(plain(self.notice))
        self.refresh_bindings()

    @work(thread=True, exclusive=True, group="scan-last")
    def read_last_scan(self) -> None:
        overview = self.triage.reader.case().reports.overview()
        case = self.triage.case_path
        elsewhere = scans_of(case) if case is not None and not self.scan_runs else []
        self.post_message(self.LastScanRead(overview, elsewhere))

    def on_scan_screen_last_scan_read(self, message: LastScanRead) -> None:
        self.overview = message.overview
        self.elsewhere = message.elsewhere
        self.show_scan()

    def on_scan_screen_refused(self, message: Refused) -> None:
        self.notice = message.message
        self.show_scan()

    # ---------------------------------------------------------------- actions
    def action_reload(self) -> None:
        self.read_last_scan()

    def action_pause(self) -> None:
        if self.scan_runs:
            self.triage.scan_watch.pause()
            self.notify("pausing: the scan finishes the files in hand, writes them and stops")

    def action_cancel(self) -> None:
        if self.scan_runs:
            self.triage.scan_watch.cancel()
            self.notify("cancelling the scan (like Ctrl-C)")

    def action_resume(self) -> None:
        self.start_again(resume=True)

    def action_rescan(self) -> None:
        if self.overview is None or self.overview.scan is None or self.scan_runs:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.start_again(resume=False)

        # the share is named on the screen behind; a dialog line is cut, not wrapped
        self.app.push_screen(ConfirmDialog("Scan the share again? Unchanged files are skipped, decisions kept."),
                             answered)

    @work(thread=True, exclusive=True, group="scan-start")
    def start_again(self, *, resume: bool) -> None:
        """The case's last scan again, with its own options: ``--resume`` or a re-scan."""
        case_path = self.triage.case_path
        scan = self.triage.reader.case().scans.last()
        if case_path is None or scan is None:
            return
        request = ScanRequest.repeat(case_path, scan.options, resume=resume)
        try:
            check_request(request)
        except SpillError as err:
            self.post_message(self.Refused(f"spill: error: {err}"))
            return
        self.app.call_from_thread(self._start, request)

    def _start(self, request: ScanRequest) -> None:
        try:
            self.triage.scan_watch.start(request)
        except SpillError as err:
            self.notice = f"spill: error: {err}"
        else:
            self.notice = ""
        self.show_scan()
