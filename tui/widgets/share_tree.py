"""The share as a folder tree: findings (all, still open), worst severity, what was not scanned, review marks.

A folder's count is what is *in* it (its own files and their members) and, when it has
subfolders, the total *beneath* it too (``spill.case.coverage`` says why both).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from spill.model import SEVERITY_RANK, FileStats, Severity, folder_of
from tui import format as fmt


def _worse(a: Severity | None, b: Severity | None) -> Severity | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if SEVERITY_RANK[a] <= SEVERITY_RANK[b] else b


@dataclass(slots=True)
class Tally:
    """Findings, still open, worst severity, files not scanned and of those the ones marked reviewed."""

    findings: int = 0
    open: int = 0
    worst: Severity | None = None
    not_scanned: int = 0
    reviewed: int = 0

    def add(self, other: Tally) -> None:
        self.findings += other.findings
        self.open += other.open
        self.worst = _worse(self.worst, other.worst)
        self.not_scanned += other.not_scanned
        self.reviewed += other.reviewed


@dataclass(slots=True)
class Folder:
    path: str
    folders: dict[str, Folder] = field(default_factory=dict)
    files: list[FileEntry] = field(default_factory=list)
    inside: Tally = field(default_factory=Tally)  # its own files and their members
    beneath: Tally = field(default_factory=Tally)  # and every subfolder's

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2] or "(share root)"


@dataclass(slots=True)
class FileEntry:
    stats: FileStats
    members: list[FileEntry] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)  # the file with its members

    @property
    def name(self) -> str:
        return self.stats.path.rpartition("!/")[2].rpartition("/")[2] if "!/" in self.stats.path else \
            self.stats.path.rpartition("/")[2]

    @property
    def not_scanned(self) -> bool:
        return self.stats.status in fmt.PROBLEM_WORD


def build_tree(files: Iterable[FileStats]) -> Folder:
    """Fold the flat file list into folders → files → archive members, summing counts upwards."""
    root = Folder("")
    entries: dict[str, FileEntry] = {}
    members: list[FileEntry] = []
    for stats in files:
        problem = stats.status in fmt.PROBLEM_WORD
        entry = FileEntry(stats, tally=Tally(stats.findings, stats.open, stats.worst, int(problem),
                                             int(problem and stats.reviewed_by is not None)))
        entries[stats.id] = entry
        (members if stats.parent else []).append(entry)
        if not stats.parent:
            folder = root
            path = folder_of(stats.path)
            if path:
                parts = path.split("/")
                for i, part in enumerate(parts):
                    folder = folder.folders.setdefault(part, Folder("/".join(parts[: i + 1])))
            folder.files.append(entry)
    for entry in members:
        container = entries.get(entry.stats.parent or "")
        if container is not None:
            container.members.append(entry)

    def total_file(entry: FileEntry) -> None:
        for m in entry.members:
            total_file(m)
            entry.tally.add(m.tally)

    def total_folder(folder: Folder) -> None:
        for entry in folder.files:
            total_file(entry)
            folder.inside.add(entry.tally)
        folder.beneath.add(folder.inside)
        for sub in folder.folders.values():
            total_folder(sub)
            folder.beneath.add(sub.beneath)

    total_folder(root)
    return root


def _counts(t: Tally, beneath: Tally | None = None) -> Text:
    text = Text()
    if t.findings:
        text.append(f"  {t.findings:,}", style="bold")
        text.append(f" ({t.open:,} open) " if t.open != t.findings else " ")
        text.append_text(fmt.severity(t.worst))
    if beneath is not None and beneath.findings != t.findings:
        text.append(f"  {beneath.findings:,} beneath", style="dim")
        if beneath.open != beneath.findings:
            text.append(f" ({beneath.open:,} open)", style="dim")
        if not t.findings:
            text.append(" ")
            text.append_text(fmt.severity(beneath.worst))
    problems = beneath or t
    if problems.not_scanned:
        text.append(f"  ⚠ {problems.not_scanned:,} not scanned", style="bold")
        if problems.reviewed:
            text.append(f", {problems.reviewed:,} reviewed", style="bold")
    return text


def folder_label(folder: Folder) -> Text:
    return Text.assemble((fmt.printable(folder.name) + "/", "bold"), _counts(folder.inside, folder.beneath))


def file_label(entry: FileEntry) -> Text:
    s = entry.stats
    word = fmt.PROBLEM_WORD.get(s.status)
    mark = Text(f"  ✓ reviewed ({fmt.printable(s.reviewed_by)})", style="bold") if s.reviewed_by else Text()
    if word is not None:  # the mark before the reason: a long reason is what gets cut
        return Text.assemble(("✗ ", "bold"), fmt.plain(entry.name), (f"  {word}", "bold"), mark,
                             (fmt.printable(f": {s.reason or '?'}"), "dim"))
    counts = _counts(entry.tally) if entry.members or entry.tally.findings else Text()
    return Text.assemble(fmt.plain(entry.name), counts, mark)


Node = Folder | FileEntry


def _walk(node: TreeNode[Node]) -> Iterable[TreeNode[Node]]:
    yield node
    for child in node.children:
        yield from _walk(child)


def _key(node: TreeNode[Node]) -> str | None:
    data = node.data
    return data.path if isinstance(data, Folder) else data.stats.path if data is not None else None


class ShareTree(Tree[Node]):
    """Folders open lazily: a share with 10^5 files does not build 10^5 nodes up front."""

    HELP_TITLE = "In the share tree"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open / close", show=False,
                tooltip="Open or close the folder or archive under the cursor"),
        Binding("space", "toggle_node", "Open / close", show=False, tooltip="Open or close it too"),
        Binding("up", "cursor_up", "Up", show=False, tooltip="Move up a line"),
        Binding("down", "cursor_down", "Down", show=False, tooltip="Move down a line"),
        Binding("shift+left", "cursor_parent", "Parent", show=False, tooltip="Move to the folder this is in"),
    ]

    def show(self, root: Folder) -> None:
        """Show ``root``, keeping the folders that were open and the line the cursor was on."""
        opened = {_key(n) for n in _walk(self.root) if n.is_expanded and n is not self.root}
        line = self.cursor_line
        self.clear()
        self.root.data = root
        self.root.set_label(folder_label(root))
        self._fill(self.root)
        self.root.expand()
        if opened:
            self._reopen(self.root, opened)
        self.cursor_line = max(0, line)

    def _reopen(self, node: TreeNode[Node], opened: set[str]) -> None:
        for child in node.children:
            if _key(child) in opened and child.allow_expand:
                self._fill(child)
                child.expand()
                self._reopen(child, opened)

    def _fill(self, node: TreeNode[Node]) -> None:
        if node.children:
            return
        data = node.data
        if isinstance(data, Folder):
            for sub in sorted(data.folders.values(), key=lambda f: (-f.beneath.findings, f.path)):
                node.add(folder_label(sub), data=sub, allow_expand=True)
            for entry in sorted(data.files, key=lambda e: (-e.tally.findings, e.stats.path)):
                self._add_file(node, entry)
        elif isinstance(data, FileEntry):
            for entry in sorted(data.members, key=lambda e: (-e.tally.findings, e.stats.path)):
                self._add_file(node, entry)

    def _add_file(self, node: TreeNode[Node], entry: FileEntry) -> None:
        if entry.members:
            node.add(file_label(entry), data=entry, allow_expand=True)
        else:
            node.add_leaf(file_label(entry), data=entry)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Node]) -> None:
        self._fill(event.node)
