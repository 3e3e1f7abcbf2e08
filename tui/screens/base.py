"""What the app's top-level screens share: their mode, the tabs line, the way to the app."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import events, on
from textual.screen import Screen

from tui.modes import Mode
from tui.widgets.screen_tabs import ScreenTabs

if TYPE_CHECKING:
    from tui.app import TriageApp
    from tui.watch import CaseChanged


class TriageScreen(Screen[None], inherit_bindings=False):
    """One Textual mode of the triage app, switched to with its number key (its keys are its own: none of
    Textual's screen defaults, which help would list without saying what they do)."""

    MODE: ClassVar[Mode]

    @property
    def triage(self) -> TriageApp:
        return cast("TriageApp", self.app)

    def screen_tabs(self) -> ScreenTabs:
        """The top line naming every screen, this one highlighted."""
        case = self.triage.case_path
        return ScreenTabs(self.MODE, [screen.MODE for screen in self.triage.TRIAGE_SCREENS],
                          case.name if case else "", self.triage.tab_badges)

    def on_screen_resume(self) -> None:
        for tabs in self.query(ScreenTabs):  # the scan's badge may have changed while away
            tabs.refresh()

    @on(events.Mount)
    def _join_the_app(self) -> None:
        self.triage.live_screens.add(self)

    @on(events.Unmount)
    def _leave_the_app(self) -> None:
        self.triage.live_screens.discard(self)

    def case_changed(self, message: CaseChanged) -> None:
        """Another window decided something: read what this screen shows again (each screen says how)."""
