"""A checkbox whose state is a character, not only a colour: ``X`` when on, blank when off (NO_COLOR reads)."""

from __future__ import annotations

from textual.widgets import Checkbox


class MarkedCheckbox(Checkbox):
    @property  # type: ignore[override]
    def BUTTON_INNER(self) -> str:  # Textual's name for the mark, read when it draws
        return "X" if self.value else " "
