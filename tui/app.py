"""``spill`` / ``spill triage [CASE.db]``: the Textual app that scans shares and turns findings into decisions.

Without a case the app opens on the start screen (recent cases, open, new case); with one, on
its Overview. The screens in ``TriageApp.TRIAGE_SCREENS`` are Textual modes, switched with
their number keys, each with its own stack, so switching keeps every screen's cursor and
filter; opening another case starts them afresh. Reads run in thread workers through
:class:`~tui.store.CaseReader`; decisions go through the single
:class:`~tui.writer.DecisionWriter` thread. Scans run as ``spill scan`` processes followed by
:class:`~tui.scan_watch.ScanWatch`. Nothing here writes SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.signal import Signal

from spill.case import Case, default_analyst
from spill.inert import terminal as printable
from spill.model import Finding, FindingQuery
from spill.recent import RecentCases, read_figures
from spill.scan_job import JobSnapshot, JobState
from tui import modes
from tui.commands import CaseCommands, KeyCommands, SpillCommands
from tui.findings.deciding import CONFIRM_ABOVE
from tui.scan_watch import ScanChanged, ScanWatch
from tui.screens.base import TriageScreen
from tui.screens.files import FilesScreen
from tui.screens.findings import FindingsScreen
from tui.screens.help import HelpScreen
from tui.screens.leave import LeaveScanDialog
from tui.screens.overview import OverviewScreen
from tui.screens.people import PeopleScreen
from tui.screens.scan import ScanScreen
from tui.screens.start import StartScreen
from tui.store import CaseReader
from tui.watch import CaseChanged, CaseWatcher
from tui.widgets.screen_tabs import ScreenTabs
from tui.writer import DecisionWriter

Revealer = Callable[[Case, Finding], str]
"""Re-reads a finding's raw value from the evidence (scanners.reveal.reveal, handed in by the CLI)."""
EvidenceChecker = Callable[[Case], Any]
"""Re-hashes the evidence (scanners.verify.check_evidence, handed in by the CLI): ``.intact``, ``.summary``,
``.problems``."""

# quitting with "stop the scan": how long to wait for it to end (the app closes as soon as it has; 20 s ran out
# once on a loaded 2-core machine, and the app then closed with the scan still stopping)
STOP_WAIT_SECONDS = 60.0


class TriageApp(App[None], inherit_bindings=False):
    """The triage app: the start screen, and the screens over one open case."""

    TITLE = "spill"
    CSS_PATH = "app.tcss"
    TRIAGE_SCREENS: ClassVar[tuple[type[TriageScreen], ...]] = (
        OverviewScreen, FindingsScreen, FilesScreen, PeopleScreen, ScanScreen)
    """The screens of an open case in tab order; each names its mode, number key and title (``MODE``)."""
    MODES: ClassVar[dict[str, str | Callable[[], Screen[object]]]] = {
        **{s.MODE.name: s for s in TRIAGE_SCREENS}, modes.START.name: StartScreen}
    DEFAULT_MODE = TRIAGE_SCREENS[0].MODE.name
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (140, "-wide")]
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {KeyCommands, SpillCommands}
    """Not Textual's built-ins (see tui.commands)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(s.MODE.key, f"switch_mode('{s.MODE.name}')", s.MODE.title, show=False, tooltip=s.MODE.tooltip)
          for s in TRIAGE_SCREENS),
        Binding("ctrl+o", "switch_mode('start')", modes.START.title, key_display="^o", show=False,
                tooltip=modes.START.tooltip),
        Binding("question_mark", "help", "Help", key_display="?", tooltip="Every key, for this screen and the others"),
        Binding("ctrl+p", "command_palette", "Palette", key_display="^p", priority=True, show=False,
                tooltip="Find any action by name"),
        Binding("q", "quit", "Quit", show=False, tooltip="Quit; every decision shown is already saved"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True,
                tooltip="Quit; every decision shown is already saved"),
    ]

    def __init__(self, case_path: Path | None = None, *, analyst: str | None = None,
                 revealer: Revealer | None = None, recent: RecentCases | None = None,
                 jobs_dir: Path | None = None, confirm_above: int = CONFIRM_ABOVE,
                 evidence_checker: EvidenceChecker | None = None) -> None:
        if case_path is None:
            self.DEFAULT_MODE = modes.START.name  # the first screen; the case screens wait for a case
        super().__init__()
        self.analyst = analyst or default_analyst()
        self.revealer = revealer
        self.recent = recent or RecentCases()
        self.confirm_above = confirm_above
        self.evidence_checker = evidence_checker
        self.scan_watch = ScanWatch(self, jobs_dir)
        self.scan_changed: Signal[JobSnapshot] = Signal(self, "scan-changed")
        self.came_from: tuple[str, str] | None = None  # (screen, person) that opened the Findings screen
        self.farewell: str | None = None  # printed by the CLI once the app has left the terminal
        self.case_path: Path | None = None
        self.live_screens: set[TriageScreen] = set()  # the case's screens now mounted (told when it changes)
        self.case_commands = CaseCommands(self)
        self._reader: CaseReader | None = None
        self._writer: DecisionWriter | None = None
        self._watcher: CaseWatcher | None = None
        self._quitting = False
        if case_path is not None:
            self._bind_case(Path(case_path))

    # -------------------------------------------------------------- the case
    @property
    def reader(self) -> CaseReader:
        if self._reader is None:
            raise RuntimeError("no case is open")
        return self._reader

    @property
    def writer(self) -> DecisionWriter:
        if self._writer is None:
            raise RuntimeError("no case is open")
        return self._writer

    @property
    def seen_head(self) -> int | None:
        """The decision log's length as the screens show it (a decision on rows changed after it is refused)."""
        return self._watcher.head if self._watcher is not None else None

    def _bind_case(self, path: Path) -> None:
        path = path.expanduser().resolve()  # one spelling, as the scan records name it
        self.case_path = path
        self._reader = CaseReader(path)
        self._writer = DecisionWriter(path, self.analyst)
        self._watcher = CaseWatcher(path, self._writer)
        self.sub_title = f"{path.name} · analyst {self.analyst}"

    def _start_case(self) -> None:
        """The open case's writer and the watcher of other windows' decisions."""
        self.writer.start(self)
        if self._watcher is not None:
            self._watcher.start(self)

    def open_case(self, path: Path, *, mode: str | None = None) -> None:
        """Show ``path`` (already checked by the caller, off the UI thread) on a fresh set of screens."""
        self.call_later(self._open_case, Path(path).expanduser().resolve(), mode or self.TRIAGE_SCREENS[0].MODE.name)

    async def _open_case(self, path: Path, mode: str) -> None:
        if self.case_path != path:
            if self.current_mode != modes.START.name:
                await self.switch_mode(modes.START.name)
            if self._writer is not None:
                self._writer.stop()
            if self._watcher is not None:
                self._watcher.stop()
            for screen in self.TRIAGE_SCREENS:  # the old case's screens go; they are made again on first use
                if screen.MODE.name in self._screen_stacks:
                    await self.remove_mode(screen.MODE.name)
                    self.add_mode(screen.MODE.name, screen)
            job = self.scan_watch.job
            if job is not None and job.case != path:
                self.scan_watch.stop_following()
            self._bind_case(path)
            self._start_case()
            self.attach_scan()
            self.remember_case(path)
        await self.switch_mode(mode)

    def on_mount(self) -> None:
        if self.case_path is not None:
            self._start_case()
            self.attach_scan()
            self.remember_case(self.case_path)

    def on_case_changed(self, message: CaseChanged) -> None:
        if self._watcher is not None:
            self._watcher.head = message.head
        for screen in list(self.live_screens):
            screen.case_changed(message)
        self.notify(f"{message.summary}: what is shown was read again", title="The case changed", timeout=6)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notification is plain text: messages quote paths, values and parsers' errors, which
        are data (a folder named ``[@click=app.quit]`` must not become a live action link)."""
        super().notify(printable(message), title=printable(title), severity=severity, timeout=timeout,
                       markup=False)

    def on_unmount(self) -> None:
        if self._writer is not None:
            self._writer.stop()
        if self._watcher is not None:
            self._watcher.stop()

    @work(thread=True, group="scan-attach")
    def attach_scan(self) -> None:
        """Follow the open case's scan if the app started one that still runs (or ended unseen)."""
        path = self.case_path
        if path is None or (self.scan_watch.job is not None and self.scan_watch.job.case == path):
            return
        job = self.scan_watch.find(path)
        if job is not None:
            self.call_from_thread(self._follow_found, path, job)

    def _follow_found(self, path: Path, job: object) -> None:
        if self.case_path == path and self.scan_watch.job is None:
            self.scan_watch.follow(job)  # type: ignore[arg-type]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "switch_mode" and parameters and parameters[0] != modes.START.name:
            return self.case_path is not None  # the case screens need a case
        return True

    # -------------------------------------------------------------- the scan
    @on(ScanChanged)
    def scan_moved(self, message: ScanChanged) -> None:
        snapshot = message.snapshot
        job = self.scan_watch.job
        if job is None or job.record.pid != snapshot.pid:
            return  # a late word from a scan no longer followed
        self.scan_watch.snapshot = snapshot
        self.scan_changed.publish(snapshot)
        for tabs in self.screen.query(ScreenTabs):
            tabs.refresh()
        if snapshot.state.is_over:
            self._scan_ended(snapshot)

    def _scan_ended(self, snapshot: JobSnapshot) -> None:
        progress = snapshot.progress
        if snapshot.state is JobState.FINISHED and progress is not None and self.scan_watch.first_scan \
                and progress.elapsed > 0:  # a resume or rescan skips files: its bytes per second are no speed
            options = self.scan_watch.job.record.argv if self.scan_watch.job else []
            self.recent.record_speed("--no-ner" not in options, progress.rate)
        if self.scan_watch.job is not None:
            self.scan_watch.job.forget()  # seen: the record and the log go
        if snapshot.engine_ran:
            self.remember_case(snapshot.case)
            found = f": {progress.files_done:,} files, {progress.findings:,} findings" if progress else ""
            self.notify(f"scan {snapshot.state.value}{found}", title=snapshot.case.name,
                        severity="error" if snapshot.state is JobState.FAILED else "information")
            for screen in self._screen_stacks.get(FindingsScreen.MODE.name, []):
                if isinstance(screen, FindingsScreen) and screen.is_mounted:
                    screen.reload_rows()  # what the scan wrote since the screen loaded, cursor kept
        if self._quitting:
            self.exit()

    def tab_badges(self) -> dict[str, str]:
        """What the tabs add to a screen's name: the scan's state on the Scan tab."""
        snapshot = self.scan_watch.snapshot
        if snapshot is None or snapshot.case != self.case_path or snapshot.state.is_over:
            return {}
        progress = snapshot.progress
        if snapshot.state is JobState.RUNNING and progress is not None and progress.fraction is not None:
            return {modes.SCAN.name: f"{progress.fraction:.0%}"}
        return {modes.SCAN.name: snapshot.state.value}

    @work(thread=True, group="recent")
    def remember_case(self, path: Path) -> None:
        """Put the case first in the recent list with its figures (read off the UI thread)."""
        figures = read_figures(path)
        if figures is not None:
            self.call_from_thread(self.recent.remember, path, **figures)

    # -------------------------------------------------------------- actions
    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen, self.TRIAGE_SCREENS))

    async def action_quit(self) -> None:
        """Quit; while a scan runs, first ask whether to leave it running headless or stop it."""
        snapshot = self.scan_watch.snapshot
        if snapshot is None or snapshot.state.is_over:
            self.exit()
            return
        if isinstance(self.screen, LeaveScanDialog):
            return
        self.push_screen(LeaveScanDialog(snapshot), self._leave_answered)

    def _leave_answered(self, answer: str | None) -> None:
        snapshot = self.scan_watch.snapshot
        if answer is None or snapshot is None:
            return
        if answer == "leave" or snapshot.state.is_over:
            if not snapshot.state.is_over:
                self.farewell = (
                    f"spill: the scan of {snapshot.case} runs on in the background (pid {snapshot.pid}); "
                    f"follow it again with `spill` (it is first in the recent cases) or "
                    f"`spill triage {snapshot.case}`; pause it with `kill -USR1 {snapshot.pid}`")
            self.exit()
            return
        self._quitting = True
        self.scan_watch.cancel()
        self.notify("stopping the scan (like Ctrl-C); the app closes when it has stopped", timeout=STOP_WAIT_SECONDS)
        self.set_timer(STOP_WAIT_SECONDS, self.exit)

    @on(ScreenTabs.TabClicked)
    def tab_clicked(self, message: ScreenTabs.TabClicked) -> None:
        self.switch_mode(message.mode)

    def show_findings(self, query: FindingQuery, *, came_from: str | None = None) -> None:
        """Jump to the Findings screen showing ``query`` (from Files or People); escape there goes back to
        ``came_from`` while it still shows that query's person."""

        def apply() -> None:
            screen = self.screen
            if isinstance(screen, FindingsScreen):
                screen.show_query(query, group_by="")

        self.came_from = (came_from, query.subject) if came_from else None
        self.switch_mode(FindingsScreen.MODE.name)
        self.call_after_refresh(apply)

    def back_from_findings(self, subject: str) -> bool:
        """Return to the screen that opened a person's findings (True when there was one)."""
        if self.came_from is None or self.came_from[1] != subject or not subject:
            return False
        mode, _ = self.came_from
        self.came_from = None
        self.switch_mode(mode)
        return True


def run_triage(case_path: Path | None, analyst: str | None, revealer: Revealer | None, *,
               confirm_above: int = CONFIRM_ABOVE, evidence_checker: EvidenceChecker | None = None) -> str | None:
    """Open the app on ``case_path`` (None: the start screen); a bad case file raises CaseError before the
    screen clears. Returns what to tell the person once the terminal is theirs again."""
    recent = RecentCases()
    if case_path is not None:
        Case.open(case_path).close()
    app = TriageApp(case_path, analyst=analyst, revealer=revealer, recent=recent, confirm_above=confirm_above,
                    evidence_checker=evidence_checker)
    app.run()
    if app.case_path is not None:  # the triage progress as the analyst left it, for the start screen
        figures = read_figures(app.case_path)
        if figures is not None:
            recent.update(app.case_path, **figures)
    return app.farewell
