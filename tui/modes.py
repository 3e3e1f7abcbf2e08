"""The app's top-level screens as the number keys, the tabs, the help and the overview name them.

Each screen class carries its :class:`Mode` (``FindingsScreen.MODE``); the app lists the
screen classes once, in tab order (``TriageApp.TRIAGE_SCREENS``), and derives its Textual modes and
number-key bindings from them. The start screen (:data:`START`) is a mode without a tab: the
app opens there without a case, and ``ctrl+o`` goes back to it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Mode:
    name: str  # the Textual mode
    key: str  # the number key that switches to it
    title: str
    tooltip: str

    @property
    def label(self) -> str:
        """``4 People``: how the tabs and other screens point at it."""
        return f"{self.key} {self.title}"


OVERVIEW = Mode("overview", "1", "Overview", "The case at a glance")
FINDINGS = Mode("findings", "2", "Findings", "Filter, group and decide findings")
FILES = Mode("files", "3", "Files", "The share as a tree, and what was not scanned")
PEOPLE = Mode("people", "4", "People", "The people whose data is exposed")
SCAN = Mode("scan", "5", "Scan", "The scan of this case: live progress, pause, resume, cancel, rescan")
START = Mode("start", "ctrl+o", "Cases", "Recent cases, open a case, start a new case")
