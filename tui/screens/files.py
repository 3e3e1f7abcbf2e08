"""Files: the share as a tree, every file that was not scanned with its reason, and review marks.

``m`` marks the file or folder under the cursor reviewed (every file and member beneath a
folder), ``M`` takes the mark back: both are decisions in the log, and the reports' coverage
sections list them. ``f`` lists the findings of the folder (everything beneath it) or the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Vertical
from textual.message import Message
from textual.widgets import Footer, Label

from spill.model import REVIEWED, Action, FileStats, FindingQuery
from tui import format as fmt
from tui import modes
from tui.findings.deciding import CONFIRM_FILES
from tui.screens.base import TriageScreen
from tui.screens.dialogs import ConfirmDialog
from tui.watch import CaseChanged
from tui.widgets.share_tree import FileEntry, Folder, ShareTree, build_tree
from tui.widgets.virtual_table import Column, VirtualTable
from tui.writer import DecisionRequest, DecisionWriter, Target


def problem_columns() -> list[Column]:
    return [
        Column("status", lambda f: Text(fmt.PROBLEM_WORD.get(f.status, f.status.value), style="bold"), width=7),
        Column("reason", lambda f: f.reason or "?", min_width=12),
        Column("path", lambda f: f.path, path=True, min_width=12),
        Column("reviewed", lambda f: f"✓ {f.reviewed_by}" if f.reviewed_by else "", min_width=8, max_width=14),
    ]


@dataclass(frozen=True, slots=True)
class Place:
    """What the cursor is on: one file (its path) or a folder (its path; '' the share root)."""

    path: str
    folder: bool

    @property
    def words(self) -> str:
        if self.folder:
            return f"everything under {self.path}/" if self.path else "the whole share"
        return self.path


class FilesScreen(TriageScreen):
    MODE = modes.FILES
    CSS_PATH = "files.tcss"
    AUTO_FOCUS = "ShareTree"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "show_findings", "Findings here", tooltip="List the findings in this folder (all beneath it)"
                " or this file"),
        Binding("m", "review(True)", "Mark reviewed",
                tooltip="Mark this file, or every file beneath this folder, reviewed (logged; in the report)"),
        Binding("M", "review(False)", "Unmark", show=False, tooltip="Take the review mark back (logged too)"),
        Binding("tab", "app.focus_next", "Other pane", show=False,
                tooltip="Move between the share tree and the not-scanned list"),
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
                yield Label("Share: findings in each (open) · worst · beneath a folder · ⚠ not scanned",
                            classes="pane-title")
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

    def case_changed(self, message: CaseChanged) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="files")
    def load(self) -> None:
        case = self.triage.reader.case()
        self.post_message(self.TreeLoaded(build_tree(case.triage.file_stats()), case.triage.count_problem_files()))

    def on_files_screen_tree_loaded(self, message: TreeLoaded) -> None:
        self.query_one(ShareTree).show(message.root)
        reader = self.triage.reader

        def fetch(offset: int, limit: int) -> tuple[list[FileStats], int | None]:
            return reader.case().triage.page_problem_files(offset, limit), None

        table = self.query_one("#problems-table", VirtualTable)
        table.load(fetch, lambda: reader.case().triage.count_problem_files(), cursor=table.cursor)
        self.query_one("#problems-title", Label).update(
            f"Not scanned: {message.problems:,} file{'s' if message.problems != 1 else ''} (failed, skipped, pending)"
            " · m marks reviewed")

    # ------------------------------------------------------------------ the place under the cursor
    def place(self) -> Place | None:
        tree = self.query_one(ShareTree)
        if tree.has_focus:
            node = tree.cursor_node
            data = node.data if node is not None else None
            if isinstance(data, Folder):
                return Place(data.path, folder=True)
            if isinstance(data, FileEntry):
                return Place(data.stats.path, folder=False)
            return None
        row = self.query_one("#problems-table", VirtualTable).cursor_row
        return Place(row.path, folder=False) if isinstance(row, FileStats) else None

    def action_show_findings(self) -> None:
        place = self.place()
        if place is None:
            return
        if place.folder:
            query = FindingQuery(path_glob=f"/{place.path}/*" if place.path else "")
        else:
            query = FindingQuery(file=place.path)
        self.triage.show_findings(query)

    # ------------------------------------------------------------------ review marks
    def action_review(self, mark: bool) -> None:
        place = self.place()
        if place is None:
            self.notify("Nothing under the cursor to mark", timeout=2)
            return
        self.run_worker(partial(self._review_ids, place, mark), thread=True, group="review", exit_on_error=False)

    def _review_ids(self, place: Place, mark: bool) -> None:
        """In a worker: every file the mark covers, then back to the screen to ask or submit."""
        coverage = self.triage.reader.case().coverage
        ids = coverage.file_ids(folder=place.path) if place.folder else coverage.file_ids(path=place.path)
        self.app.call_from_thread(self._review, place, mark, ids)

    def _review(self, place: Place, mark: bool, ids: list[str]) -> None:
        verb = "marked reviewed" if mark else "took the review mark from"
        label = f"{verb} {len(ids):,} file{'s' if len(ids) != 1 else ''} ({place.words})"
        request = DecisionRequest(Target(ids=tuple(ids), size_hint=len(ids)), Action.REVIEW,
                                  REVIEWED if mark else None, label, f"files screen: {place.words}",
                                  as_of=self.triage.seen_head, kind="file")
        if not ids:
            self.notify("No files there", timeout=2)
        elif len(ids) > CONFIRM_FILES:
            question = f"{'Mark' if mark else 'Unmark'} {len(ids):,} files and members ({place.words}) reviewed?"
            self.app.push_screen(ConfirmDialog(question), lambda yes: self._submit(request) if yes else None)
        else:
            self._submit(request)

    def _submit(self, request: DecisionRequest) -> None:
        self.triage.writer.submit(request, self)

    def on_decision_writer_decision_recorded(self, message: DecisionWriter.DecisionRecorded) -> None:
        label = message.request.label
        self.notify(f"{label[:1].upper()}{label[1:]}: {message.changed:,} changed (logged)", timeout=4)
        self.load()

    def on_decision_writer_decision_failed(self, message: DecisionWriter.DecisionFailed) -> None:
        self.notify(f"Not saved: {message.error}", title="Review mark failed", severity="error", timeout=8)
        self.load()
