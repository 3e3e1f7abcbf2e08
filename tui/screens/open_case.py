"""Open a case file that is not in the recent list: a tree of folders and ``*.db`` files, or a typed path."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Input, Label

from tui.widgets.path_tree import CaseFileTree


class OpenCaseScreen(ModalScreen[Path | None]):
    """Answers the chosen case file's path, or None."""

    AUTO_FOCUS = "#case-tree"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Back to the recent cases"),
    ]

    def __init__(self, start_in: Path | None = None) -> None:
        super().__init__(id="open-case-screen")
        self.start_in = start_in or Path.cwd()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="open-case"):
            yield Label("Open a case file", classes="dialog-title")
            yield CaseFileTree(self.start_in, id="case-tree")
            yield Input(placeholder="or type the path of a case file, then enter", id="case-path", compact=True)
            yield Label("enter on a .db file opens it · backspace: up a folder · escape: back", classes="dialog-hint")

    @on(DirectoryTree.FileSelected)
    def file_picked(self, message: DirectoryTree.FileSelected) -> None:
        self.dismiss(Path(message.path))

    @on(Input.Submitted, "#case-path")
    def path_typed(self, message: Input.Submitted) -> None:
        if message.value.strip():
            self.dismiss(Path(message.value.strip()).expanduser())

    def action_cancel(self) -> None:
        self.dismiss(None)
