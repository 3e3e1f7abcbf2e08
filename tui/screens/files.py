"""Files: the share as a tree, and every file that was not scanned with its reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Vertical
from textual.message import Message
from textual.widgets import Footer, Label

from spill.model import FileRecord, FindingQuery
from tui import format as fmt
from tui import modes
from tui.screens.base import TriageScreen
from tui.widgets.share_tree import FileEntry, Folder, ShareTree, build_tree
from tui.widgets.virtual_table import Column, VirtualTable


def problem_columns() -> list[Column]:
    return [
        Column("status", lambda f: Text(fmt.PROBLEM_WORD.get(f.status, f.status.value), style="bold"), width=7),
        Column("reason", lambda f: f.reason or "?", min_width=12),
        Column("path", lambda f: f.path, crop_left=True, min_width=12),
    ]


class FilesScreen(TriageScreen):
    MODE = modes.FILES
    CSS_PATH = "files.tcss"
    AUTO_FOCUS = "ShareTree"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "show_findings", "Findings here", tooltip="List the findings in this folder or file"),
        Binding("f5,ctrl+l", "reload", "Refresh", show=False, tooltip="Read the share tree from the case again"),
    ]

    @dataclass
    class TreeLoaded(Message):
        root: Folder
        problems: int

    def __init__(self) -> None:
        super().__init__(id="files-screen")

    def compose(self) -> ComposeResult:
        yield self.screen_tabs()
        with Container(id="files-body"):
            with Vertical(id="tree-pane"):
                yield Label("Share (findings · worst severity · ⚠ not scanned)", classes="pane-title")
                yield ShareTree("reading the case…", id="share-tree")
            with Vertical(id="problems-pane"):
                yield Label("Not scanned", id="problems-title", classes="pane-title")
                yield VirtualTable(problem_columns(), key=lambda f: f.id, empty="every file was scanned",
                                   id="problems-table")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(ShareTree).focus()
        self.load()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="files")
    def load(self) -> None:
        case = self.triage.reader.case()
        self.post_message(self.TreeLoaded(build_tree(case.triage.file_stats()), case.triage.count_problem_files()))

    def on_files_screen_tree_loaded(self, message: TreeLoaded) -> None:
        self.query_one(ShareTree).show(message.root)
        reader = self.triage.reader

        def fetch(offset: int, limit: int) -> tuple[list[FileRecord], int | None]:
            return reader.case().triage.page_problem_files(offset, limit), None

        self.query_one("#problems-table", VirtualTable).load(fetch, lambda: reader.case().triage.count_problem_files())
        self.query_one("#problems-title", Label).update(
            f"Not scanned: {message.problems:,} file{'s' if message.problems != 1 else ''} (failed, skipped, pending)")

    def action_show_findings(self) -> None:
        path_glob = ""
        if self.query_one(ShareTree).has_focus:
            node = self.query_one(ShareTree).cursor_node
            data = node.data if node is not None else None
            if isinstance(data, Folder):
                path_glob = f"{data.path}/*" if data.path else ""
            elif isinstance(data, FileEntry):
                path_glob = data.stats.path
        else:
            row = self.query_one("#problems-table", VirtualTable).cursor_row
            if isinstance(row, FileRecord):
                path_glob = row.path
        self.triage.show_findings(FindingQuery(path_glob=path_glob))
