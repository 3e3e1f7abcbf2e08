"""The Findings screen's decisions: what a key applies to, asking first, the writer, and showing what it recorded.

A decision is shown only once the writer says it is committed: the rows on screen and the
cached group lists are patched in place (the :class:`~spill.model.Action` names the column
that changed) and the groups are re-counted behind. The pure parts (what a key applies to,
the patches, the undo history) are functions and small records, testable without the app.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from spill.model import Action, Finding, FindingGroup, Impact, Severity, Status
from tui import format as fmt
from tui.filtering import format_filter
from tui.findings.view import FindingsView
from tui.screens.dialogs import ConfirmDialog, NoteDialog, SeverityDialog
from tui.widgets.columns import group_label
from tui.writer import PROGRESS_FROM, DecisionRequest, DecisionWriter, Target, UndoRequest

if TYPE_CHECKING:
    from tui.screens.findings import FindingsScreen

STATUS_VERB = {Status.CONFIRMED: "confirmed", Status.FALSE_POSITIVE: "marked false positive",
               Status.IGNORED: "ignored", Status.OPEN: "reopened"}
ASK = {Status.CONFIRMED: "Confirm", Status.FALSE_POSITIVE: "Mark as false positive", Status.IGNORED: "Ignore",
       Status.OPEN: "Reopen"}
CONFIRM_ABOVE = 100  # findings: a decision on more asks first, saying what will change (spill triage --confirm-above)
CONFIRM_FILES = 10  # files and members: a decision spanning more asks first too


@dataclass(frozen=True, slots=True)
class Subject:
    """What a decision key applies to now."""

    target: Target
    what: str  # in words, for the dialog, the notice and the undo history
    reason: str | None  # for the log: the filter or group it came from
    single: bool  # the row under the cursor (no selection): the cursor moves on
    rows: tuple[Finding, ...] = ()  # the findings themselves when the target is rows on screen


def rows_impact(rows: Sequence[Finding], action: Action) -> Impact:
    """What deciding rows already on screen would touch (no need to ask the case)."""
    column = action.column or "status"
    before: dict[str, int] = {}
    for row in rows:
        value = getattr(row, column)
        key = "" if value is None else str(value)
        before[key] = before.get(key, 0) + 1
    return Impact(len(rows), len({r.file_id for r in rows}), before)


def needs_asking(impact: Impact, confirm_above: int) -> bool:
    return impact.findings > confirm_above or impact.files > CONFIRM_FILES


def impact_lines(impact: Impact, action: Action, after: str | None) -> list[str]:
    """What a decision will change, line by line, for the confirmation dialog."""
    def word(value: str | None) -> str:
        if action is Action.STATUS and value:
            return fmt.STATUS_LABEL[Status(value)]
        if action is Action.NOTE:
            return "a note" if value else "no note"
        return value or "—"

    lines = [f"{impact.findings:,} finding{'s' if impact.findings != 1 else ''} in {impact.files:,}"
             f" file{'s' if impact.files != 1 else ''} (archive members counted as files)"]
    target = after or ""
    for before, n in sorted(impact.before.items(), key=lambda kv: -kv[1]):
        if before == target and action is not Action.NOTE:
            continue
        lines.append(f"{n:,} {word(before)} → {word(after) if action is not Action.NOTE else repr(after)}")
    unchanged = impact.unchanged(after)
    if unchanged and action is not Action.NOTE:
        lines.append(f"{unchanged:,} already {word(after)}: left as they are")
    return lines


def decision_subject(view: FindingsView, row: object, shown: int) -> Subject | None:
    """The selection, else the row under the cursor; ``shown`` is how many rows the table holds."""
    if view.selection.everything:
        query = view.rows_query()
        return Subject(Target(queries=(query,), size_hint=shown), f"all {shown:,} findings in the filter",
                       f"filter: {format_filter(query, mask_text=True) or '(none)'}", single=False)
    single = not view.selection
    if view.in_groups:
        groups: list[FindingGroup] = list(view.selection.rows.values()) or (
            [row] if isinstance(row, FindingGroup) else [])
        if not groups:
            return None
        queries = tuple(dataclasses.replace(view.query, group_by=g.by, group_key=g.key) for g in groups)
        n = sum(g.count for g in groups)
        what = (f"{n:,} findings in {view.group_by} {group_label(groups[0])}" if len(groups) == 1
                else f"{n:,} findings in {len(groups):,} groups")
        return Subject(Target(queries=queries, size_hint=n), what, f"group by {view.group_by}: {what}", single)
    rows: list[Finding] = list(view.selection.rows.values()) or ([row] if isinstance(row, Finding) else [])
    if not rows:
        return None
    what = f"{len(rows):,} findings" if len(rows) > 1 else f"{rows[0].entity_type} {rows[0].preview or ''}".strip()
    return Subject(Target(ids=tuple(r.id for r in rows), size_hint=len(rows)), what, None, single, tuple(rows))


def finding_patch(request: DecisionRequest, ids: set[str]) -> Callable[[Finding], Finding] | None:
    """The change a recorded decision makes to the findings ``ids`` (None: it changes no column)."""
    column = request.action.column
    if column is None:
        return None
    value: Any = {Action.STATUS: Status, Action.SEVERITY: Severity}.get(request.action, str)(request.after)
    return lambda r: dataclasses.replace(r, **{column: value}) if r.id in ids else r


def group_patch(request: DecisionRequest, group_by: str) -> Callable[[FindingGroup], FindingGroup] | None:
    """The change a recorded decision makes to the groups by ``group_by`` it was made on (None: none shows)."""
    if request.action not in (Action.STATUS, Action.SEVERITY):
        return None
    decided = {q.group_key for q in request.target.queries if q.group_by == group_by}
    everything = any(not q.group_by for q in request.target.queries)

    def patch(g: FindingGroup) -> FindingGroup:
        if not (everything or g.key in decided):
            return g
        if request.action is Action.STATUS:
            return dataclasses.replace(g, open=g.count if request.after == Status.OPEN else 0)
        return dataclasses.replace(g, worst=Severity(request.after))

    return patch


@dataclass(slots=True)
class History:
    """The session's undo and redo stacks of logged batches, as (batch, label)."""

    undo: list[tuple[str, str]] = field(default_factory=list)
    redo: list[tuple[str, str]] = field(default_factory=list)

    def decided(self, batch: str, label: str) -> None:
        self.undo.append((batch, label))
        self.redo.clear()

    def take_undo(self) -> UndoRequest | None:
        """The request that undoes the last decision (None: nothing left this session)."""
        return UndoRequest(*self.undo.pop()) if self.undo else None

    def take_redo(self) -> UndoRequest | None:
        return UndoRequest(*self.redo.pop(), redo=True) if self.redo else None

    def reverted(self, request: UndoRequest, batch: str) -> None:
        """An undo lands on the redo stack, a redo back on the undo stack (each as the batch that reverts it)."""
        (self.undo if request.redo else self.redo).append((batch, request.label))


class DecisionController:
    """Drives the decision keys of one Findings screen (its tables, its writer replies)."""

    def __init__(self, screen: FindingsScreen) -> None:
        self.screen = screen
        self.view = screen.view
        self.history = History()
        self.progress = ""  # a big decision on its way, for the status line

    def subject(self) -> Subject | None:
        table = self.screen.table
        return decision_subject(self.view, table.cursor_row, table.total if table.total is not None else table.known)

    # ---------------------------------------------------------------- keys
    def decide(self, action: Action, after: str, verb: str) -> None:
        subject = self.subject()
        if subject is None:
            self.screen.notify("Nothing under the cursor to decide", timeout=2)
            return
        request = DecisionRequest(subject.target, action, after, f"{verb} {subject.what}", subject.reason,
                                  as_of=self.screen.triage.seen_head)
        ask = question(action, after, subject.what)
        if subject.target.queries:  # groups or the whole filter: the case says how many and where
            self.screen.run_worker(partial(self._measure, request, ask, verb, subject.single), thread=True,
                                   group="decision-impact", exit_on_error=False)
        else:
            self.measured(request, rows_impact(subject.rows, action), ask, verb, subject.single)

    def _measure(self, request: DecisionRequest, ask: str, verb: str, single: bool) -> None:
        """In a worker: what a group decision would touch, then back to the screen."""
        target, app = request.target, self.screen.app
        try:
            impact = self.screen.triage.reader.case().triage.impact(request.action, target.ids, target.queries)
        except Exception as err:  # a locked or damaged file: say so, decide nothing
            app.call_from_thread(self.screen.notify, f"Not saved: {err}", title="Decision failed", severity="error")
            return
        app.call_from_thread(self.measured, request, impact, ask, verb, single)

    def measured(self, request: DecisionRequest, impact: Impact, ask: str, verb: str, single: bool) -> None:
        """Submit, ask first (a big decision, many files), or say there is nothing to decide."""
        if impact.findings == 0:
            self.screen.notify("Nothing to decide: no findings match", timeout=3)
            return
        request = dataclasses.replace(request, target=dataclasses.replace(request.target, size_hint=impact.findings))
        if needs_asking(impact, self.screen.triage.confirm_above):
            self.screen.app.push_screen(
                ConfirmDialog(ask, impact_lines(impact, request.action, request.after)),
                lambda yes: self._submit(request, verb, single) if yes else None)
        else:
            self._submit(request, verb, single)

    def decide_status(self, status: str) -> None:
        self.decide(Action.STATUS, status, STATUS_VERB[Status(status)])

    def ask_severity(self) -> None:
        subject = self.subject()
        if subject is None:
            return
        row = self.screen.table.cursor_row
        current = row.severity.value if isinstance(row, Finding) else None

        def picked(severity: str | None) -> None:
            if severity:
                self.decide(Action.SEVERITY, severity, f"set severity {severity} on")

        self.screen.app.push_screen(SeverityDialog(subject.what, current), picked)

    def ask_note(self) -> None:
        subject = self.subject()
        if subject is None:
            return

        def noted(text: str | None) -> None:
            if text:
                self.decide(Action.NOTE, text, "noted")

        self.screen.app.push_screen(NoteDialog(subject.what), noted)

    def undo(self) -> None:
        request = self.history.take_undo()
        if request is None:
            self.screen.notify("Nothing to undo in this session", timeout=2)
        else:
            self.screen.triage.writer.submit(request, self.screen)

    def redo(self) -> None:
        request = self.history.take_redo()
        if request is None:
            self.screen.notify("Nothing to redo", timeout=2)
        else:
            self.screen.triage.writer.submit(request, self.screen)

    def _submit(self, request: DecisionRequest, verb: str, single: bool) -> None:
        screen = self.screen
        screen.triage.writer.submit(request, screen)
        if request.target.size_hint >= PROGRESS_FROM:
            self.progress = f"{verb} {request.target.size_hint:,}…"
            screen.update_status()
        if single:
            screen.table.move_cursor(1)  # the next row comes up while this one is committed
        elif self.view.selection:
            self.view.selection.clear()
            screen.table.refresh()

    # ---------------------------------------------------------------- the writer's answers
    def recorded(self, message: DecisionWriter.DecisionRecorded) -> bool:
        """Show a committed decision, undo or redo; True when the rows must be read again (an undo or redo)."""
        self.progress = ""
        request = message.request
        self.view.groups.invalidate()
        if isinstance(request, UndoRequest):
            self.history.reverted(request, message.batch)
            self.screen.notify(f"{'Redone' if request.redo else 'Undone'}: {request.label}", timeout=3)
            return True
        if message.changed:
            self.history.decided(message.batch, request.label)
        self._patch(request, set(message.finding_ids))
        if len(message.finding_ids) > 1 or self.view.in_groups:
            unchanged = len(message.finding_ids) - message.changed
            tail = f" ({unchanged:,} already so)" if unchanged else ""
            self.screen.notify(f"{_sentence(request.label)}: {message.changed:,} changed{tail} · u undoes", timeout=4)
        return False

    def _patch(self, request: DecisionRequest, ids: set[str]) -> None:
        """The rows on screen and the cached groups as the decision left them, without reading the case."""
        rows = finding_patch(request, ids)
        if rows is not None:
            self.screen.findings_table.patch_rows(rows)
        groups = group_patch(request, self.view.group_by)
        if groups is not None and self.view.in_groups:
            self.screen.groups_table.patch_rows(groups)
            self.view.groups.patch(self.view.query, self.view.group_by, groups)

    def progressed(self, message: DecisionWriter.DecisionProgressed) -> None:
        self.progress = f"{message.label}: {message.done:,}/{message.total:,}"

    def failed(self, message: DecisionWriter.DecisionFailed) -> bool:
        """Say why; True when the rows must be read again (another window decided them meanwhile)."""
        self.progress = ""
        if message.conflict:
            self.view.groups.invalidate()
            self.screen.notify(message.error, title="Changed in another window", severity="warning", timeout=10)
            return True
        self.screen.notify(f"Not saved: {message.error}", title="Decision failed", severity="error", timeout=8)
        return False


def question(action: Action, after: str | None, what: str) -> str:
    """``Confirm 741 findings in folder hr?``: the decision asked about, in the imperative."""
    if action is Action.STATUS:
        return f"{ASK[Status(after)]} {what}?"
    if action is Action.SEVERITY:
        return f"Set severity {after} on {what}?"
    return f"Add this note to {what}?"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
