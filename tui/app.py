"""``spill triage CASE.db``: the Textual app that turns findings into decisions.

The screens in ``TriageApp.TRIAGE_SCREENS`` are Textual modes, switched with their number keys,
each with its own stack, so switching keeps every screen's cursor and filter. Reads run in
thread workers through :class:`~tui.store.CaseReader`; decisions go through the single
:class:`~tui.writer.DecisionWriter` thread. Nothing here writes SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import App
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen

from spill.case import Case, default_analyst
from spill.inert import terminal as printable
from spill.model import Finding, FindingQuery
from tui.commands import KeyCommands
from tui.screens.base import TriageScreen
from tui.screens.files import FilesScreen
from tui.screens.findings import FindingsScreen
from tui.screens.help import HelpScreen
from tui.screens.overview import OverviewScreen
from tui.screens.people import PeopleScreen
from tui.store import CaseReader
from tui.widgets.screen_tabs import ScreenTabs
from tui.writer import DecisionWriter

Revealer = Callable[[Case, Finding], str]
"""Re-reads a finding's raw value from the evidence (scanners.reveal.reveal, handed in by the CLI)."""


class TriageApp(App[None], inherit_bindings=False):
    """The triage app over one case file."""

    TITLE = "spill triage"
    CSS_PATH = "app.tcss"
    TRIAGE_SCREENS: ClassVar[tuple[type[TriageScreen], ...]] = (
        OverviewScreen, FindingsScreen, FilesScreen, PeopleScreen)
    """The screens in tab order; each names its mode, number key and title (``MODE``)."""
    MODES: ClassVar[dict[str, str | Callable[[], Screen[object]]]] = {s.MODE.name: s for s in TRIAGE_SCREENS}
    DEFAULT_MODE = TRIAGE_SCREENS[0].MODE.name
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (140, "-wide")]
    COMMANDS = App.COMMANDS | {KeyCommands}

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(s.MODE.key, f"switch_mode('{s.MODE.name}')", s.MODE.title, show=False, tooltip=s.MODE.tooltip)
          for s in TRIAGE_SCREENS),
        Binding("question_mark", "help", "Help", key_display="?", tooltip="Every key, for this screen and the others"),
        Binding("ctrl+p", "command_palette", "Palette", key_display="^p", priority=True, show=False,
                tooltip="Find any action by name"),
        Binding("q", "quit", "Quit", show=False, tooltip="Quit; every decision shown is already saved"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True,
                tooltip="Quit; every decision shown is already saved"),
    ]

    def __init__(self, case_path: Path, *, analyst: str | None = None, revealer: Revealer | None = None) -> None:
        super().__init__()
        self.case_path = Path(case_path)
        self.analyst = analyst or default_analyst()
        self.revealer = revealer
        self.reader = CaseReader(self.case_path)
        self.came_from: tuple[str, str] | None = None  # (screen, person) that opened the Findings screen
        self.writer = DecisionWriter(self.case_path, self.analyst)
        self.sub_title = f"{self.case_path.name} · analyst {self.analyst}"

    def on_mount(self) -> None:
        self.writer.start(self)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notification is plain text: messages quote paths, values and parsers' errors, which
        are data (a folder named ``[@click=app.quit]`` must not become a live action link)."""
        super().notify(printable(message), title=printable(title), severity=severity, timeout=timeout,
                       markup=False)

    def on_unmount(self) -> None:
        self.writer.stop()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen, self.TRIAGE_SCREENS))

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


def run_triage(case_path: Path, analyst: str | None, revealer: Revealer | None) -> None:
    """Open the app on ``case_path``; a bad case file raises CaseError before the screen clears."""
    Case.open(case_path).close()
    TriageApp(case_path, analyst=analyst, revealer=revealer).run()
