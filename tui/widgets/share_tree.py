"""The share as a folder tree with finding counts, worst severity and what was not scanned."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rich.text import Text
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
class Folder:
    path: str
    folders: dict[str, Folder] = field(default_factory=dict)
    files: list[FileEntry] = field(default_factory=list)
    findings: int = 0
    worst: Severity | None = None
    not_scanned: int = 0

    @property
    def name(self) -> str:
        return self.path.rpartition("/")[2] or "(share root)"


@dataclass(slots=True)
class FileEntry:
    stats: FileStats
    members: list[FileEntry] = field(default_factory=list)
    findings: int = 0
    worst: Severity | None = None
    not_scanned: int = 0

    @property
    def name(self) -> str:
        return self.stats.path.rpartition("!/")[2].rpartition("/")[2] if "!/" in self.stats.path else \
            self.stats.path.rpartition("/")[2]


def build_tree(files: Iterable[FileStats]) -> Folder:
    """Fold the flat file list into folders → files → archive members, summing counts upwards."""
    root = Folder("")
    entries: dict[str, FileEntry] = {}
    members: list[FileEntry] = []
    for stats in files:
        entry = FileEntry(stats, findings=stats.findings, worst=stats.worst,
                          not_scanned=int(stats.status in fmt.PROBLEM_WORD))
        entries[stats.id] = entry
        (members if stats.parent else []).append(entry)
        if not stats.parent:
            folder = root
            path = folder_of(stats.path)
            if path:
                for i, part in enumerate(path.split("/")):
                    sub = "/".join(path.split("/")[: i + 1])
                    folder = folder.folders.setdefault(part, Folder(sub))
            folder.files.append(entry)
    for entry in members:
        container = entries.get(entry.stats.parent or "")
        if container is not None:
            container.members.append(entry)

    def total_file(entry: FileEntry) -> None:
        for m in entry.members:
            total_file(m)
            entry.findings += m.findings
            entry.worst = _worse(entry.worst, m.worst)
            entry.not_scanned += m.not_scanned

    def total_folder(folder: Folder) -> None:
        for sub in folder.folders.values():
            total_folder(sub)
            folder.findings += sub.findings
            folder.worst = _worse(folder.worst, sub.worst)
            folder.not_scanned += sub.not_scanned
        for entry in folder.files:
            total_file(entry)
            folder.findings += entry.findings
            folder.worst = _worse(folder.worst, entry.worst)
            folder.not_scanned += entry.not_scanned

    total_folder(root)
    return root


def _counts(findings: int, worst: Severity | None, not_scanned: int) -> Text:
    text = Text()
    if findings:
        text.append(f"  {findings:,} ", style="bold")
        text.append_text(fmt.severity(worst))
    if not_scanned:
        text.append(f"  ⚠ {not_scanned:,} not scanned", style="bold")
    return text


def folder_label(folder: Folder) -> Text:
    return Text.assemble((fmt.printable(folder.name) + "/", "bold"),
                         _counts(folder.findings, folder.worst, folder.not_scanned))


def file_label(entry: FileEntry) -> Text:
    s = entry.stats
    word = fmt.PROBLEM_WORD.get(s.status)
    if word is not None:
        return Text.assemble(("✗ ", "bold"), fmt.plain(entry.name), (f"  {word}", "bold"),
                             (fmt.printable(f": {s.reason or '?'}"), "dim"))
    return Text.assemble(fmt.plain(entry.name), _counts(entry.findings, entry.worst,
                                             entry.not_scanned if entry.members else 0))


Node = Folder | FileEntry


class ShareTree(Tree[Node]):
    """Folders open lazily: a share with 10^5 files does not build 10^5 nodes up front."""

    def show(self, root: Folder) -> None:
        self.clear()
        self.root.data = root
        self.root.set_label(folder_label(root))
        self._fill(self.root)
        self.root.expand()

    def _fill(self, node: TreeNode[Node]) -> None:
        data = node.data
        if isinstance(data, Folder):
            for sub in sorted(data.folders.values(), key=lambda f: (-f.findings, f.path)):
                node.add(folder_label(sub), data=sub, allow_expand=True)
            for entry in sorted(data.files, key=lambda e: (-e.findings, e.stats.path)):
                self._add_file(node, entry)
        elif isinstance(data, FileEntry):
            for entry in sorted(data.members, key=lambda e: (-e.findings, e.stats.path)):
                self._add_file(node, entry)

    def _add_file(self, node: TreeNode[Node], entry: FileEntry) -> None:
        if entry.members:
            node.add(file_label(entry), data=entry, allow_expand=True)
        else:
            node.add_leaf(file_label(entry), data=entry)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Node]) -> None:
        if not event.node.children:
            self._fill(event.node)
