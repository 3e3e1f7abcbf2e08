"""Triage decisions: one writer thread, in order, committed before the screen shows them.

Every decision (and undo, and redo) goes through one queue into one thread that owns a
``Case`` connection. It commits through ``spill.case`` (the hash-chained log) and only
then posts ``DecisionRecorded``: what the analyst sees as decided is on disk, so a crash
or a closed terminal loses nothing shown as made. One thread keeps the order of quick
keystrokes (confirm, confirm, undo) and keeps a 3,000-row group decision off the UI.
"""

from __future__ import annotations

import queue
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import get_current_worker

from spill.case import Case
from spill.case.decisions import new_batch
from spill.errors import DecisionConflict, SpillError
from spill.model import Action, FindingQuery

if TYPE_CHECKING:
    from textual.app import App

PROGRESS_FROM = 2000  # findings: bigger decisions report progress
CHECKPOINT_IDLE = 1.0  # seconds without a decision before the WAL is checkpointed


@dataclass(frozen=True, slots=True)
class Target:
    """What a decision applies to: explicit finding ids and every match of some queries."""

    ids: tuple[str, ...] = ()
    queries: tuple[FindingQuery, ...] = ()
    size_hint: int = 0  # how many findings the screen expects (progress, confirmation)


@dataclass(frozen=True, slots=True)
class DecisionRequest:
    target: Target
    action: Action
    after: str | None
    label: str  # for the notice and the undo history: "confirmed 3,000 findings (value +1 (415)…)"
    reason: str | None = None
    as_of: int | None = None  # the log length the screen had seen: a target decided elsewhere since is refused
    kind: str = "finding"  # what the ids are: findings, people ("subject": merge, split, not a person), files


@dataclass(frozen=True, slots=True)
class UndoRequest:
    batch: str
    label: str
    redo: bool = False


class DecisionWriter:
    """Owns the writing connection; run it with :meth:`start`, feed it with :meth:`submit`."""

    @dataclass
    class DecisionRecorded(Message):
        """A decision, undo or redo is committed to the case file."""

        request: DecisionRequest | UndoRequest
        batch: str
        changed: int
        finding_ids: list[str]

    @dataclass
    class DecisionProgressed(Message):
        done: int
        total: int
        label: str

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, DecisionWriter.DecisionProgressed)

    @dataclass
    class DecisionFailed(Message):
        request: DecisionRequest | UndoRequest
        error: str
        conflict: bool = False  # another window decided some of it meanwhile: the screen reads the rows again

    def __init__(self, case_path: Path, analyst: str) -> None:
        self.case_path = case_path
        self.analyst = analyst
        self._queue: queue.Queue[tuple[DecisionRequest | UndoRequest, MessagePump] | None] = queue.Queue()
        self.batches: set[str] = set()  # the batches this app wrote: the watcher does not report them as foreign

    def start(self, app: App[object]) -> None:
        app.run_worker(self._run, thread=True, group="decision-writer", name="decision writer",
                       exit_on_error=False)

    def stop(self) -> None:
        self._queue.put(None)

    def submit(self, request: DecisionRequest | UndoRequest, reply_to: MessagePump) -> None:
        self._queue.put((request, reply_to))

    def _run(self) -> None:
        worker = get_current_worker()
        with Case.open(self.case_path) as case:
            # commits stay quick; the WAL is folded into the file while the analyst reads
            case.store.defer_checkpoints()
            written_at: float | None = None
            while not worker.is_cancelled:
                try:
                    item = self._queue.get(timeout=0.25)
                except queue.Empty:
                    if written_at is not None and time.monotonic() - written_at > CHECKPOINT_IDLE:
                        case.store.checkpoint()
                        written_at = None
                    continue
                if item is None:
                    case.store.checkpoint()
                    return
                written_at = time.monotonic()
                request, reply_to = item
                try:
                    reply_to.post_message(self._handle(case, request, reply_to))
                except DecisionConflict as err:
                    reply_to.post_message(self.DecisionFailed(request, str(err), conflict=True))
                except SpillError as err:
                    reply_to.post_message(self.DecisionFailed(request, str(err)))
                except Exception as err:  # a locked or damaged file: say so, keep the app alive
                    reply_to.post_message(self.DecisionFailed(request, f"{type(err).__name__}: {err}"))

    def _handle(self, case: Case, request: DecisionRequest | UndoRequest, reply_to: MessagePump) -> Message:
        if isinstance(request, UndoRequest):
            batch = new_batch()
            self.batches.add(batch)  # before it is committed: the watcher may look in between
            undone = case.log.undo(request.batch, analyst=self.analyst, own_batches=self.batches, undo_batch=batch)
            ids = case.log.batch_targets(undone) if undone else []
            return self.DecisionRecorded(request, undone or "", len(ids), ids)
        ids = list(request.target.ids)
        for query in request.target.queries:
            ids.extend(case.triage.ids(query))

        def progress(done: int, total: int) -> None:
            reply_to.post_message(self.DecisionProgressed(done, total, request.label))

        batch = new_batch()
        self.batches.add(batch)
        batch, changed = case.log.decide(
            ids, action=request.action, after=request.after, analyst=self.analyst, reason=request.reason,
            kind=request.kind, skip_unchanged=request.action is not Action.REVEAL,
            progress=progress if len(ids) >= PROGRESS_FROM else None, batch=batch,
            unchanged_since=request.as_of, own_batches=self.batches)
        return self.DecisionRecorded(request, batch, changed, ids)
