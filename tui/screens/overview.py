"""Overview: the case at a glance, refreshed live while a scan is still writing the case.

Every row of its panels opens the Findings screen filtered to it (``enter``): a category, a
severity, a client lab, a folder. ``tab`` moves between the panels.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Footer, Label, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from spill.model import CaseOverview, FindingQuery, Severity
from tui import modes
from tui.screens.base import TriageScreen
from tui.widgets import charts

LIVE_REFRESH_SECONDS = 2.0


class PanelList(OptionList):
    """One overview panel: a heading and rows; enter on a row opens its findings."""

    HELP_TITLE = "In an overview panel"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open", tooltip="Open the findings of this row in 2 Findings"),
    ]

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, compact=True)
        self.queries: dict[str, FindingQuery] = {}

    def show(self, rows: list[charts.PanelRow]) -> None:
        highlighted = self.highlighted
        self.queries = {}
        options = []
        for i, row in enumerate(rows):
            options.append(Option(row.text, id=str(i), disabled=row.query is None))
            if row.query is not None:
                self.queries[str(i)] = row.query
        self.set_options(options)
        enabled = [i for i, option in enumerate(options) if not option.disabled]
        if enabled:  # the row it was on, else the first row (never the heading)
            self.highlighted = highlighted if highlighted in enabled else enabled[0]


class OverviewScreen(TriageScreen):
    MODE = modes.OVERVIEW
    CSS_PATH = "overview.tcss"
    AUTO_FOCUS = "#severity"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5,ctrl+l", "reload", "Refresh",
                tooltip="Read the case again (it refreshes itself while a scan runs)"),
        Binding("tab", "app.focus_next", "Next panel", show=False, tooltip="Move to the next panel"),
        Binding("shift+tab", "app.focus_previous", "Previous panel", show=False,
                tooltip="Move to the previous panel"),
    ]

    @dataclass
    class OverviewLoaded(Message):
        overview: CaseOverview

    @dataclass
    class FoldersLoaded(Message):
        folders: list[tuple[str, int, Severity]]
        open_by_severity: dict[str, int]

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
            with Horizontal(id="panel-row"):
                yield PanelList(id="severity")
                yield PanelList(id="rubrics")
            yield PanelList(id="categories")
            yield PanelList(id="folders")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load_figures()

    def on_screen_resume(self) -> None:
        if self.overview is not None:
            self.load_figures()

    def action_reload(self) -> None:
        self.load_figures()

    @on(OptionList.OptionSelected)
    def open_row(self, event: OptionList.OptionSelected) -> None:
        panel = event.option_list
        if isinstance(panel, PanelList) and event.option.id in panel.queries:
            self.triage.show_findings(panel.queries[event.option.id])

    @work(thread=True, exclusive=True, group="overview")
    def load_figures(self) -> None:
        """The figures; the folders follow once these are on screen."""
        self.post_message(self.OverviewLoaded(self.triage.reader.case().reports.overview()))

    @work(thread=True, exclusive=True, group="overview-folders")
    def load_folders(self) -> None:
        # passes over every file and every finding: on a big case they land a moment after the figures
        reports = self.triage.reader.case().reports
        self.post_message(self.FoldersLoaded(reports.top_folders(), reports.open_by_severity()))

    def on_overview_screen_folders_loaded(self, message: FoldersLoaded) -> None:
        self.folders = message.folders
        self.query_one("#folders", PanelList).show(charts.folder_rows(self.folders))
        if self.overview is not None:
            self.overview = dataclasses.replace(self.overview, open_by_severity=message.open_by_severity)
            self.query_one("#scan", Static).update(charts.scan_panel(self.overview, self.triage.analyst))
            self.query_one("#severity", PanelList).show(charts.severity_rows(self.overview))

    def on_overview_screen_overview_loaded(self, message: OverviewLoaded) -> None:
        known = self.overview.open_by_severity if self.overview is not None else None
        o = self.overview = dataclasses.replace(message.overview, open_by_severity=known)  # until re-read
        self.query_one("#scan", Static).update(charts.scan_panel(o, self.triage.analyst))
        decided, total = charts.triage_progress(o)
        self.query_one("#triage-bar", ProgressBar).update(total=max(total, 1), progress=decided)
        self.query_one("#triage-count", Label).update(f"{decided:,} of {total:,} findings decided")
        self.query_one("#categories", PanelList).show(charts.category_rows(o))
        self.query_one("#severity", PanelList).show(charts.severity_rows(o))
        self.query_one("#rubrics", PanelList).show(charts.client_rows(o))
        self.query_one("#folders", PanelList).show(charts.folder_rows(self.folders))
        running = o.scan is not None and o.scan.status == "running"
        self.query_one("#scan-progress").set_class(not running, "-hidden")
        if running:
            seen = sum(o.files.values()) + sum(o.members.values())
            pending = o.files.get("pending", 0) + o.members.get("pending", 0)
            # without pending rows the total is unknown: the bar pulses instead of lying
            self.query_one("#scan-bar", ProgressBar).update(total=seen if pending else None, progress=seen - pending)
            self.query_one("#scan-count", Label).update(
                f"{seen - pending:,} files and members read, {o.findings:,} findings so far")
            if self._live is None:
                self._live = self.set_interval(LIVE_REFRESH_SECONDS, self.load_figures)
        elif self._live is not None:
            self._live.stop()
            self._live = None
        self.load_folders()
