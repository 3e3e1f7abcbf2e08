"""Overview: the case at a glance, refreshed live while a scan is still writing the case."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Footer, Label, ProgressBar, Static

from spill.model import CaseOverview, Severity
from tui import modes
from tui.screens.base import TriageScreen
from tui.widgets import charts

LIVE_REFRESH_SECONDS = 2.0


class OverviewScreen(TriageScreen):
    MODE = modes.OVERVIEW
    CSS_PATH = "overview.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5,ctrl+l", "reload", "Refresh",
                tooltip="Read the case again (it refreshes itself while a scan runs)"),
    ]

    @dataclass
    class OverviewLoaded(Message):
        overview: CaseOverview

    @dataclass
    class FoldersLoaded(Message):
        folders: list[tuple[str, int, Severity]]

    def __init__(self) -> None:
        super().__init__(id="overview-screen")
        self.overview: CaseOverview | None = None
        self.folders: list[tuple[str, int, Severity]] | None = None
        self._live: Timer | None = None

    def compose(self) -> ComposeResult:
        yield self.screen_tabs()
        with VerticalScroll(id="overview-body"):
            yield Static("reading the case…", id="scan")
            with Horizontal(id="scan-progress", classes="progress-row -hidden"):
                yield Label("scanning", classes="progress-label")
                yield ProgressBar(show_eta=False, id="scan-bar")
                yield Label("", id="scan-count")
            with Horizontal(classes="progress-row"):
                yield Label("triaged", classes="progress-label")
                yield ProgressBar(show_eta=False, id="triage-bar")
                yield Label("", id="triage-count")
            with Grid(id="panels"):
                yield Static(id="categories")
                yield Static(id="severity")
                yield Static(id="rubrics")
                yield Static(id="folders")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load_figures()

    def on_screen_resume(self) -> None:
        if self.overview is not None:
            self.load_figures()

    def action_reload(self) -> None:
        self.load_figures()

    @work(thread=True, exclusive=True, group="overview")
    def load_figures(self) -> None:
        """The figures; the folders follow once these are on screen."""
        self.post_message(self.OverviewLoaded(self.triage.reader.case().reports.overview()))

    @work(thread=True, exclusive=True, group="overview-folders")
    def load_folders(self) -> None:
        # a pass over every file: on a big case it lands a moment after the figures
        self.post_message(self.FoldersLoaded(self.triage.reader.case().reports.top_folders()))

    def on_overview_screen_folders_loaded(self, message: FoldersLoaded) -> None:
        self.folders = message.folders
        self.query_one("#folders", Static).update(charts.folders_panel(self.folders))

    def on_overview_screen_overview_loaded(self, message: OverviewLoaded) -> None:
        o = self.overview = message.overview
        self.query_one("#scan", Static).update(charts.scan_panel(o))
        decided, total = charts.triage_progress(o)
        self.query_one("#triage-bar", ProgressBar).update(total=max(total, 1), progress=decided)
        self.query_one("#triage-count", Label).update(f"{decided:,} of {total:,} findings decided")
        self.query_one("#categories", Static).update(charts.category_panel(o))
        self.query_one("#severity", Static).update(charts.severity_panel(o))
        self.query_one("#rubrics", Static).update(charts.rubric_panel(o))
        self.query_one("#folders", Static).update(charts.folders_panel(self.folders))
        running = o.scan is not None and o.scan.status == "running"
        self.query_one("#scan-progress").set_class(not running, "-hidden")
        if running:
            seen, pending = sum(o.files.values()), o.files.get("pending", 0)
            # without pending rows the total is unknown: the bar pulses instead of lying
            self.query_one("#scan-bar", ProgressBar).update(total=seen if pending else None, progress=seen - pending)
            self.query_one("#scan-count", Label).update(
                f"{seen - pending:,} files read, {o.findings:,} findings so far")
            if self._live is None:
                self._live = self.set_interval(LIVE_REFRESH_SECONDS, self.load_figures)
        elif self._live is not None:
            self._live.stop()
            self._live = None
        self.load_folders()
