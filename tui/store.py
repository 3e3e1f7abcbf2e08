"""The app's door to the case file: one ``Case`` connection per thread, never on the UI thread.

SQLite connections must stay in the thread that opened them, and a query on the event
loop would freeze the screen on a big case, so every read happens in a thread worker
through :meth:`CaseReader.case`, which keeps one connection per worker thread (closed
when the thread ends).
"""

from __future__ import annotations

import threading
from pathlib import Path

from spill.case import Case


class CaseReader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._ui_thread = threading.get_ident()

    def case(self) -> Case:
        """This thread's connection to the case (opened on first use)."""
        if threading.get_ident() == self._ui_thread:
            raise RuntimeError("case file access on the UI thread; run it in a thread worker")
        case: Case | None = getattr(self._local, "case", None)
        if case is None:
            case = Case.open(self.path)
            case.store.map_into_memory()
            self._local.case = case
        return case
