"""``r`` on a finding: its raw value, re-read from the evidence, logged, then shown until the next move.

The value is read in a worker through the app's revealer (``scanners.reveal.reveal``:
stored value or source, checked against the fingerprint), then logged as an
``Action.REVEAL`` decision through the app's one writer; the detail pane shows it only
once that log entry is committed, and only if its finding is still under the cursor.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.message import Message

from spill.errors import SpillError
from spill.model import Action, Finding
from tui.writer import DecisionRequest, DecisionWriter, Target

if TYPE_CHECKING:
    from tui.screens.findings import FindingsScreen


class Reveal:
    """The reveals of one Findings screen; its messages come back to that screen."""

    @dataclass
    class ValueRead(Message):
        finding_id: str
        value: str

    @dataclass
    class Refused(Message):
        finding_id: str
        error: str

    def __init__(self, screen: FindingsScreen) -> None:
        self.screen = screen
        self.pending: tuple[str, str] | None = None  # (finding id, value): read, its log entry not yet committed

    def request(self, row: object) -> None:
        if not isinstance(row, Finding):
            self.screen.notify("Open a group (enter) and reveal one finding at a time", timeout=3)
            return
        self.screen.run_worker(partial(self._read, row.id), thread=True, exclusive=True, group="reveal",
                               name="reveal")

    def _read(self, finding_id: str) -> None:
        """In a worker: the checked raw value, or why not."""
        triage = self.screen.triage
        case = triage.reader.case()
        finding = case.get_finding(finding_id)
        if finding is None or finding.fingerprint is None:
            self.screen.post_message(self.Refused(finding_id, "a document-level finding has no value to reveal"))
            return
        if triage.revealer is None:
            self.screen.post_message(self.Refused(
                finding_id, "no way to re-read the source here; run spill triage where the share is mounted"))
            return
        try:
            value = triage.revealer(case, finding)
        except SpillError as err:
            self.screen.post_message(self.Refused(finding_id, str(err)))
            return
        self.screen.post_message(self.ValueRead(finding_id, value))

    def read(self, message: ValueRead) -> None:
        """Log the reveal through the one writer; the value is shown when the entry is committed."""
        self.pending = (message.finding_id, message.value)
        request = DecisionRequest(Target(ids=(message.finding_id,), size_hint=1), Action.REVEAL, None,
                                  "revealed a value", "revealed in spill triage")
        self.screen.triage.writer.submit(request, self.screen)

    def logged(self, message: DecisionWriter.DecisionRecorded) -> bool:
        """Whether ``message`` is a reveal's log entry; if it is, the value is shown."""
        request = message.request
        if not (isinstance(request, DecisionRequest) and request.action is Action.REVEAL):
            return False
        pending, self.pending = self.pending, None
        if pending is not None and pending[0] == message.finding_ids[0]:
            self.screen.detail.show_revealed(*pending)
        return True

    def refused(self, message: Refused) -> None:
        self.screen.notify(message.error, title="Not revealed", severity="warning", timeout=6)
