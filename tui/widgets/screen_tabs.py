"""The top line: the case name and the app's screens with their number keys."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import Static

from tui.modes import Mode


class ScreenTabs(Static):
    """``spill · case.db   1 Overview  [2 Findings]  3 Files  4 People  5 Scan 34%``; a click switches too.

    ``badges`` adds a word to a tab (the running scan's progress on the Scan tab); the app
    refreshes the tabs when it changes.
    """

    @dataclass
    class TabClicked(Message):
        mode: str

    def __init__(self, current: Mode, modes: Sequence[Mode], case_name: str,
                 badges: Callable[[], dict[str, str]] = dict) -> None:
        super().__init__()
        self.current = current
        self.modes = list(modes)
        self.case_name = case_name
        self.badges = badges
        self._spans: list[tuple[int, int, str]] = []

    def render(self) -> Text:
        badges = self.badges()
        tabs = Text()
        spans = []
        for mode in self.modes:
            start = tabs.cell_len
            label = f"{mode.label} {badges[mode.name]}" if mode.name in badges else mode.label
            if mode == self.current:
                tabs.append(f"[{label}]", style="bold reverse")
            else:
                tabs.append(f" {label} ", style="bold" if mode.name in badges else "dim")
            spans.append((start, tabs.cell_len, mode.name))
            tabs.append(" ")
        text = Text()
        text.append(" spill ", style="bold reverse")
        # the tabs come first: a long case name gives way (cropped with an ellipsis) at 80 columns
        room = max(4, self.size.width - text.cell_len - tabs.cell_len - 3) if self.size.width else len(self.case_name)
        name = self.case_name if len(self.case_name) <= room else self.case_name[:room - 1] + "…"
        text.append(f" {name} ", style="bold")
        text.append(" ")
        offset = text.cell_len
        self._spans = [(start + offset, end + offset, mode) for start, end, mode in spans]
        return text + tabs

    def on_click(self, event: events.Click) -> None:
        for start, end, mode in self._spans:
            if start <= event.x < end:
                self.post_message(self.TabClicked(mode))
