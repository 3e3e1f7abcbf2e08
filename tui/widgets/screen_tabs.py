"""The top line: the case name and the app's screens with their number keys."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import Static

from tui.modes import Mode


class ScreenTabs(Static):
    """``spill · case.db   1 Overview  [2 Findings]  3 Files  4 People``; a click switches too."""

    @dataclass
    class TabClicked(Message):
        mode: str

    def __init__(self, current: Mode, modes: Sequence[Mode], case_name: str) -> None:
        super().__init__()
        self.current = current
        self.modes = list(modes)
        self.case_name = case_name
        self._spans: list[tuple[int, int, str]] = []

    def render(self) -> Text:
        text = Text()
        text.append(" spill ", style="bold reverse")
        text.append(f" {self.case_name} ", style="bold")
        text.append(" ")
        self._spans = []
        for mode in self.modes:
            start = text.cell_len
            if mode == self.current:
                text.append(f"[{mode.label}]", style="bold reverse")
            else:
                text.append(f" {mode.label} ", style="dim")
            self._spans.append((start, text.cell_len, mode.name))
            text.append(" ")
        return text

    def on_click(self, event: events.Click) -> None:
        for start, end, mode in self._spans:
            if start <= event.x < end:
                self.post_message(self.TabClicked(mode))
