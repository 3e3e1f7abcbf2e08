"""Start: recent cases (where, when, findings, triage progress, an unfinished or running scan),
open a case file, start a new case. What ``spill`` alone opens; ``ctrl+o`` comes back here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Static

from spill.case import Case
from spill.errors import SpillError
from spill.recent import RecentCase, read_figures
from spill.scan_job import scans_of
from spill.scan_plan import ScanRequest, check_request
from tui import modes
from tui.format import plain, printable
from tui.screens.base import TriageScreen
from tui.screens.new_case import NewCaseScreen
from tui.screens.open_case import OpenCaseScreen
from tui.widgets.screen_tabs import ScreenTabs


@dataclass(frozen=True, slots=True)
class CaseRow:
    """A recent case as read now: its entry, whether the file is there, and its scan process."""

    entry: RecentCase
    exists: bool
    scan_running: bool
    scan_fraction: float | None = None

    @property
    def scan_word(self) -> Text:
        if not self.exists:
            return Text("file missing", style="dim")
        if self.scan_running:
            done = f" {self.scan_fraction:.0%}" if self.scan_fraction is not None else ""
            return Text(f"RUNNING{done}", style="bold")
        return {"finished": Text("finished", style="dim"), "interrupted": Text("UNFINISHED", style="bold"),
                "running": Text("UNFINISHED", style="bold"), "failed": Text("FAILED", style="bold")
                }.get(self.entry.scan or "", Text("—", style="dim"))


class RecentTable(DataTable[Text | str]):
    """The recent cases; enter opens the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open",
                tooltip="Open the highlighted case (and follow its scan if one runs)"),
    ]


def triaged(entry: RecentCase) -> str:
    if not entry.findings or entry.decided is None:
        return "—"
    return f"{entry.decided / entry.findings:.0%}"


class StartScreen(TriageScreen):
    MODE = modes.START
    CSS_PATH = "start.tcss"
    AUTO_FOCUS = "#recent"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_case", "New case", tooltip="Choose a share, the case file, rules and options; scan it"),
        Binding("o", "open_file", "Open file…", tooltip="Open a case file that is not in the list"),
        Binding("r", "resume", "Resume", tooltip="Open the highlighted case and resume its unfinished scan"),
        Binding("d,delete", "forget", "Forget", tooltip="Take the case off this list (the case file is not touched)"),
    ]

    @dataclass
    class RowsRead(Message):
        rows: list[CaseRow]

    @dataclass
    class Said(Message):
        """A refusal in the CLI's words, or where things stand."""

        text: str

    def __init__(self) -> None:
        super().__init__(id="start-screen")
        self.rows: list[CaseRow] = []

    def compose(self) -> ComposeResult:
        yield ScreenTabs(self.MODE, [], "start: recent cases · open · new case")
        with Vertical(id="start-body"):
            yield Static("Recent cases", classes="pane-title")
            table = RecentTable(id="recent", cursor_type="row", zebra_stripes=False)
            table.add_columns("case", "when (UTC)", "findings", "triaged", "scan")
            yield table
            yield Static(id="start-detail")
            yield Static(id="start-message")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.show_rows([CaseRow(e, True, False) for e in self.triage.recent.entries()])
        self.read_rows()

    def on_screen_resume(self) -> None:
        if self.is_mounted:
            self.read_rows()

    # ----------------------------------------------------------------- rows
    @work(thread=True, exclusive=True, group="start-rows")
    def read_rows(self) -> None:
        """Each listed case as it is now: its figures from the file, its scan from its process."""
        rows = []
        for entry in self.triage.recent.entries():
            path = Path(entry.path)
            figures = read_figures(path) if path.exists() else None
            job = self.triage.scan_watch.find(path)
            running, fraction = bool(scans_of(path)), None  # a scan from a terminal shows as running too
            if job is not None:
                job.poll()
                running = running or job.is_running
                fraction = job.progress.fraction if job.progress and job.is_running else None
            updated = entry if figures is None else RecentCase(entry.path, seen_at=entry.seen_at, **figures)
            rows.append(CaseRow(updated, path.exists(), bool(running), fraction))
        self.post_message(self.RowsRead(rows))

    def on_start_screen_rows_read(self, message: RowsRead) -> None:
        for row in message.rows:
            if row.exists:
                self.triage.recent.update(row.entry.path, share=row.entry.share, findings=row.entry.findings,
                                          decided=row.entry.decided, scan=row.entry.scan)
        self.show_rows(message.rows)

    def show_rows(self, rows: list[CaseRow]) -> None:
        table = self.query_one("#recent", DataTable)
        keep = table.cursor_row
        self.rows = rows
        table.clear()
        for row in rows:
            e = row.entry
            when = e.seen_at[:16].replace("T", " ") if e.seen_at else "—"
            table.add_row(plain(e.name, style="bold"), when, f"{e.findings:,}" if e.findings is not None else "—",
                          triaged(e), row.scan_word, key=e.path)
        if rows:
            table.move_cursor(row=min(keep, len(rows) - 1))
        self.show_detail()

    @on(DataTable.RowHighlighted)
    def show_detail(self) -> None:
        row = self.current
        detail = self.query_one("#start-detail", Static)
        if row is None:
            detail.update(Text("No recent cases yet. n starts a new case: choose the exported share, where the case "
                               "file goes, rules and options, and scan it; o opens a case file.", style="dim"))
            return
        text = Text()
        text.append("case  ", style="dim")
        text.append(printable(row.entry.path) + "\n")
        text.append("share ", style="dim")
        text.append(printable(row.entry.share or "—") + "\n")
        if row.scan_running:
            text.append("a scan runs: enter follows it", style="bold")
        elif row.entry.unfinished and row.exists:
            text.append("the last scan did not finish: r resumes it", style="bold")
        detail.update(text)

    @property
    def current(self) -> CaseRow | None:
        table = self.query_one("#recent", DataTable)
        if not self.rows or table.cursor_row is None or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    # -------------------------------------------------------------- actions
    @on(DataTable.RowSelected)
    def action_open(self) -> None:
        row = self.current
        if row is not None:
            self.open_case(Path(row.entry.path), resume=False)

    def action_resume(self) -> None:
        row = self.current
        if row is None:
            return
        if row.scan_running:
            self.say("that scan is running: enter follows it")
        elif not row.entry.unfinished:
            self.say("the last scan of that case finished; open it and press R on its Scan screen to scan again")
        else:
            self.open_case(Path(row.entry.path), resume=True)

    def action_new_case(self) -> None:
        self.app.push_screen(NewCaseScreen())

    def action_open_file(self) -> None:
        def chosen(path: Path | None) -> None:
            if path is not None:
                self.open_case(path, resume=False)

        self.app.push_screen(OpenCaseScreen(), chosen)

    def action_forget(self) -> None:
        row = self.current
        if row is not None:
            self.triage.recent.forget(row.entry.path)
            self.show_rows([r for r in self.rows if r.entry.path != row.entry.path])
            self.say(f"{row.entry.name} is off the list; the case file is untouched")

    @work(thread=True, exclusive=True, group="start-open")
    def open_case(self, path: Path, *, resume: bool) -> None:
        """Check the case off the UI thread (the CLI's one-line refusal if it is not one), then open it."""
        try:
            with Case.open(path, readonly=True) as case:
                scan = case.scans.last()
            request = None
            if resume and scan is not None:
                request = ScanRequest.repeat(path, scan.options, resume=True)
                check_request(request)
        except SpillError as err:
            self.post_message(self.Said(f"spill: error: {err}"))
            return
        job = self.triage.scan_watch.find(path)
        following = False
        if job is not None:
            job.poll()
            following = job.is_running
        self.app.call_from_thread(self._open, path, request, following)

    def _open(self, path: Path, request: ScanRequest | None, following: bool) -> None:
        self.say("")
        self.triage.open_case(path, mode=modes.SCAN.name if request or following else None)
        if request is not None:
            try:
                self.triage.scan_watch.start(request)
            except SpillError as err:
                self.notify(f"spill: error: {err}", severity="error")

    def on_start_screen_said(self, message: Said) -> None:
        self.say(message.text)

    def say(self, text: str) -> None:
        self.query_one("#start-message", Static).update(plain(text, style="bold"))
