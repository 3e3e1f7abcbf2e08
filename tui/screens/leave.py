"""Quitting while a scan runs: leave it running headless, or stop it."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from spill.scan_job import JobSnapshot
from tui.format import plain


class LeaveScanDialog(ModalScreen[str | None]):
    """Answers ``"leave"``, ``"stop"`` or None (stay)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "answer('leave')", "Leave it running",
                tooltip="Quit; the scan runs on headless and the start screen finds it again"),
        Binding("s", "answer('stop')", "Stop it",
                tooltip="Stop the scan like Ctrl-C (the case stays consistent, resume later), then quit"),
        Binding("escape", "answer(None)", "Stay", tooltip="Do not quit"),
    ]

    def __init__(self, snapshot: JobSnapshot) -> None:
        super().__init__()
        self.snapshot = snapshot

    def compose(self) -> ComposeResult:
        s = self.snapshot
        done = f"{s.progress.files_done:,} files read" if s.progress else "starting"
        with Vertical(classes="dialog"):
            yield Label(plain(f"A scan of {s.case.name} is running ({done})."), classes="dialog-title")
            yield Static(f"l  leave it running: quit now; it goes on headless (pid {s.pid}); `spill` shows it "
                         "first in the recent cases and follows it again")
            yield Static("s  stop it like Ctrl-C, then quit: the case stays consistent; resume it later")
            yield Label("esc  stay", classes="dialog-hint")

    def action_answer(self, answer: str | None) -> None:
        self.dismiss(answer)
