"""Another window on the same case: notice its decisions, so this one never shows stale rows.

A thread with its own connection asks SQLite, twice a second, whether anyone else committed
(``PRAGMA data_version`` changes when another connection writes). When so, it reads the log
entries since the last look; those the app's own writer did not make (another window, another
analyst, ``spill scan`` carrying decisions over) are posted to the app as ``CaseChanged``, and
the screens read their rows again. A decision the screen sends carries the log length it had
seen (``DecisionRequest.as_of``), so the writer refuses one whose rows changed meanwhile.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message
from textual.worker import get_current_worker

from spill.case import Case

if TYPE_CHECKING:
    from textual.app import App

    from tui.writer import DecisionWriter

POLL_SECONDS = 0.5
READ_AT_ONCE = 5000


@dataclass
class CaseChanged(Message):
    """Another writer added ``count`` entries to the log (by ``analysts``); it is now ``head`` entries long."""

    count: int
    analysts: tuple[str, ...]
    head: int

    @property
    def summary(self) -> str:
        return f"{self.count:,} decision{'s' if self.count != 1 else ''} made elsewhere ({', '.join(self.analysts)})"


class CaseWatcher:
    """Started by the app; ``head`` is the log length the app has been shown (None: not read yet)."""

    def __init__(self, case_path: Path, writer: DecisionWriter) -> None:
        self.case_path = case_path
        self.writer = writer
        self.head: int | None = None
        self._stop = threading.Event()

    def start(self, app: App[object]) -> None:
        app.run_worker(lambda: self._run(app), thread=True, group="case-watcher", name="case watcher",
                       exit_on_error=False)

    def stop(self) -> None:
        self._stop.set()

    def _run(self, app: App[object]) -> None:
        worker = get_current_worker()
        with Case.open(self.case_path) as case:
            conn = case.conn
            version = conn.execute("PRAGMA data_version").fetchone()[0]
            seen = self.head = case.log.head().count
            while not worker.is_cancelled and not self._stop.wait(POLL_SECONDS):
                now = conn.execute("PRAGMA data_version").fetchone()[0]
                if now == version:
                    continue
                version = now
                count, analysts = 0, set()
                while entries := case.log.since(seen, limit=READ_AT_ONCE):
                    seen = entries[-1][0]
                    foreign = [analyst for _seq, batch, analyst in entries if batch not in self.writer.batches]
                    count += len(foreign)
                    analysts.update(foreign)
                if count:
                    app.post_message(CaseChanged(count, tuple(sorted(analysts)), seen))
