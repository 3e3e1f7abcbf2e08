"""Coverage: what the share holds, what was read, and which files an analyst marked reviewed.

Two words are used the same way everywhere (the Overview, the Files screen, group by folder,
the reports):

- a **file** is a file in the share, on disk; an archive's or a mail's contents are its
  **members** (``a.zip!/b.csv``), counted apart;
- a folder's findings are those **in** it: of the files directly in it and their members.
  The Files tree adds the total **beneath** a folder (its subfolders too), named as such.

A review mark (``Action.REVIEW`` on a file, through the decision log) says an analyst looked at
a file — typically one that could not be scanned, such as a scanned passport image. The log is
the mark's only record: a file's mark is what its last review decision set.
"""

from __future__ import annotations

from dataclasses import dataclass

from spill.case import rows
from spill.case.store import Store
from spill.errors import CaseError
from spill.model import REVIEWED, Action


@dataclass(frozen=True, slots=True)
class FileCounts:
    """Files in the share and members inside them, by status (done, skipped, error, pending)."""

    files: dict[str, int]
    members: dict[str, int]

    def of(self, status: str) -> int:
        return self.files.get(status, 0)

    @property
    def total(self) -> int:
        return sum(self.files.values())

    @property
    def member_total(self) -> int:
        return sum(self.members.values())


_LAST_REVIEW = ("SELECT d.target, d.after, d.analyst FROM decisions d JOIN (SELECT target, max(seq) AS seq"
                " FROM decisions WHERE target_kind = 'file' AND action = 'review' GROUP BY target) last"
                " ON last.seq = d.seq")


class FileTarget:
    """Files as something decisions change: only a review mark, held by the log itself."""

    kind = "file"

    def __init__(self, store: Store) -> None:
        self.store = store

    def current(self, ids: list[str], action: Action) -> dict[str, str | None]:
        if action is not Action.REVIEW:
            raise CaseError(f"a file can only be marked reviewed, not given a {action.value}")
        conn = self.store.conn
        marks = rows.marks(ids)
        found: dict[str, str | None] = {r[0]: None for r in conn.execute(
            f"SELECT id FROM files WHERE id IN ({marks})", ids)}
        for r in conn.execute(
                f"SELECT d.target, d.after FROM decisions d WHERE d.seq IN (SELECT max(seq) FROM decisions"
                f" WHERE target IN ({marks}) AND target_kind = 'file' AND action = 'review' GROUP BY target)", ids):
            found[r[0]] = r[1]
        return found

    def apply(self, ids: list[str], action: Action, after: str | None) -> None:
        """Nothing to write: the entry just appended is the mark."""


class Coverage:
    def __init__(self, store: Store) -> None:
        self.store = store

    def counts(self) -> FileCounts:
        files: dict[str, int] = {}
        members: dict[str, int] = {}
        for top, status, n in self.store.conn.execute(
                "SELECT parent IS NULL, status, count(*) FROM files GROUP BY 1, 2"):
            (files if top else members)[status] = n
        return FileCounts(files, members)

    def reviewed(self) -> dict[str, str]:
        """file id → the analyst whose review mark stands."""
        return {r["target"]: r["analyst"] for r in self.store.conn.execute(_LAST_REVIEW) if r["after"] == REVIEWED}

    def reviewed_files(self) -> list[tuple[str, str, str, str | None, str]]:
        """(path, analyst, status, reason, when) of every file whose review mark stands, by path."""
        return [tuple(r) for r in self.store.conn.execute(  # type: ignore[misc]
            "SELECT fl.path, d.analyst, fl.status, fl.reason, d.at FROM decisions d JOIN files fl ON fl.id = d.target"
            " WHERE d.seq IN (SELECT max(seq) FROM decisions WHERE target_kind = 'file' AND action = 'review'"
            " GROUP BY target) AND d.after = ? ORDER BY fl.path", (REVIEWED,))]

    def file_ids(self, *, path: str | None = None, folder: str | None = None) -> list[str]:
        """The ids a review of one file (with its members) or of a folder (everything beneath it) marks."""
        conn = self.store.conn
        if path is not None:
            return [r[0] for r in conn.execute(
                "SELECT id FROM files WHERE path = ? OR (path >= ? AND path < ?) ORDER BY path",
                (path, f"{path}!/", f"{path}!0"))]
        if folder:
            return [r[0] for r in conn.execute(
                "SELECT id FROM files WHERE path >= ? AND path < ? ORDER BY path", (f"{folder}/", f"{folder}0"))]
        return [r[0] for r in conn.execute("SELECT id FROM files ORDER BY path")]
