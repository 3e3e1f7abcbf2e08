"""Keyboard-driven pickers over the local disk: folders (the share to scan) and case files.

Textual's ``DirectoryTree`` reads each folder in a thread worker when it is opened; these
only filter what it lists (no hidden entries: a share hidden in a dot-folder can be typed)
and add ``backspace`` to climb above the folder it started in.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import DirectoryTree


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


class FolderTree(DirectoryTree):
    """Folders only; enter picks one, → and ← open and close, backspace goes up a folder."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("backspace", "up", "Up a folder", tooltip="Show the folder above this tree's top"),
    ]

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".") and _is_dir(p)]

    def action_up(self) -> None:
        top = Path(self.path).expanduser().resolve()
        if top.parent != top:
            self.path = top.parent


class CaseFileTree(FolderTree):
    """Folders and ``*.db`` files: enter on a file picks it as the case to open."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".") and (_is_dir(p) or p.suffix == ".db")]
