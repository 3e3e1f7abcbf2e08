"""The Findings screen's decisions: what a key applies to, sending it to the writer, showing it.

A mixin of :class:`~tui.screens.findings.FindingsScreen` (its keys are declared there, so
the help and the palette list them with the screen's other keys). A decision is shown only
when the writer says it is committed; groups are patched in place and re-counted behind.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from spill.model import Action, Finding, FindingGroup, Severity, Status
from tui.decisions import DecisionRequest, DecisionWriter, History, Target, UndoRequest
from tui.group_cache import GroupCache
from tui.screens.dialogs import ConfirmDialog, NoteDialog, SeverityDialog
from tui.selection import Selection
from tui.widgets.columns import group_label
from tui.widgets.filter_bar import format_filter

if TYPE_CHECKING:
    from textual.timer import Timer

    from spill.model import FindingQuery
    from tui.app import TriageApp
    from tui.widgets.virtual_table import VirtualTable

STATUS_VERB = {"confirmed": "confirmed", "false_positive": "marked false positive", "ignored": "ignored",
               "open": "reopened"}
CONFIRM_ABOVE = 10_000  # findings: bigger decisions ask first
REGROUP_AFTER = 2.0  # seconds after the last decision before the cached groups are re-counted


class DecidingMixin:
    """Decision actions and the handling of the writer's answers."""

    # provided by FindingsScreen
    triage: TriageApp
    table: VirtualTable
    findings_table: VirtualTable
    groups_table: VirtualTable
    in_groups: bool
    group_by: str
    query_: FindingQuery
    selection: Selection
    history: History
    group_cache: GroupCache
    revealed: tuple[str, str] | None
    decisions_recorded: int
    _progress: str
    _prefetch_timer: Timer | None

    if TYPE_CHECKING:
        from textual.app import App

        app: App[object]

        def effective_query(self) -> FindingQuery: ...
        def update_status(self) -> None: ...
        def load_detail(self) -> None: ...
        def load_groups(self, cursor: int = 0, *, keep_rows: bool = False) -> None: ...
        def refresh_groups(self, query: FindingQuery, by: str) -> None: ...
        def prefetch_groups(self, query: FindingQuery) -> None: ...
        def show_revealed(self, finding_id: str) -> None: ...
        def notify(self, message: str, **kwargs: Any) -> None: ...
        def set_timer(self, delay: float, callback: Any) -> Timer: ...

    def _target(self) -> tuple[Target, str, str | None] | None:
        """What a decision key applies to now: (target, what it is in words, reason for the log)."""
        table = self.table
        if self.selection.everything:
            total = table.total if table.total is not None else table.known
            query = self.effective_query() if not self.in_groups else self.query_
            return Target(queries=(query,), size_hint=total), f"all {total:,} findings in the filter", \
                f"filter: {format_filter(query) or '(none)'}"
        if self.in_groups:
            groups: list[FindingGroup] = list(self.selection.rows.values()) or (
                [table.cursor_row] if isinstance(table.cursor_row, FindingGroup) else [])
            if not groups:
                return None
            queries = tuple(dataclasses.replace(self.query_, group_by=g.by, group_key=g.key) for g in groups)
            n = sum(g.count for g in groups)
            what = (f"{n:,} findings in {self.group_by} {group_label(groups[0])}" if len(groups) == 1
                    else f"{n:,} findings in {len(groups):,} groups")
            return Target(queries=queries, size_hint=n), what, f"group by {self.group_by}: {what}"
        rows: list[Finding] = list(self.selection.rows.values()) or (
            [table.cursor_row] if isinstance(table.cursor_row, Finding) else [])
        if not rows:
            return None
        what = f"{len(rows):,} finding{'s' if len(rows) != 1 else ''}" if len(rows) > 1 else \
            f"{rows[0].entity_type} {rows[0].preview or ''}".strip()
        return Target(ids=tuple(r.id for r in rows), size_hint=len(rows)), what, None

    def _submit(self, action: Action, after: str | None, verb: str) -> None:
        found = self._target()
        if found is None:
            self.notify("Nothing under the cursor to decide", timeout=2)
            return
        target, what, reason = found
        request = DecisionRequest(target, action, after, f"{verb} {what}", reason)
        single = not self.selection  # one row (finding or group) under the cursor

        def go(yes: bool | None = True) -> None:
            if not yes:
                return
            self.triage.writer.submit(request, self)
            if target.size_hint >= 2000:
                self._progress = f"{verb} {target.size_hint:,}…"
                self.update_status()
            if single:
                self.table.move_cursor(1)  # the next finding comes up while this one is committed
            elif self.selection:
                self.selection.clear()
                self.table.refresh()

        if target.size_hint > CONFIRM_ABOVE:
            self.app.push_screen(ConfirmDialog(_sentence(f"{verb} {what}?")), go)
        else:
            go()

    def action_decide(self, status: str) -> None:
        self._submit(Action.STATUS, status, STATUS_VERB[status])

    def action_severity(self) -> None:
        found = self._target()
        if found is None:
            return
        row = self.table.cursor_row
        current = row.severity.value if isinstance(row, Finding) else None

        def picked(severity: str | None) -> None:
            if severity:
                self._submit(Action.SEVERITY, severity, f"set severity {severity} on")

        self.app.push_screen(SeverityDialog(found[1], current), picked)

    def action_note(self) -> None:
        found = self._target()
        if found is None:
            return

        def noted(text: str | None) -> None:
            if text:
                self._submit(Action.NOTE, text, "noted")

        self.app.push_screen(NoteDialog(found[1]), noted)

    def on_decision_writer_decision_recorded(self, message: DecisionWriter.DecisionRecorded) -> None:
        request = message.request
        if isinstance(request, DecisionRequest) and request.action is Action.REVEAL:
            self.show_revealed(message.finding_ids[0])
            return
        self._progress = ""
        if isinstance(request, UndoRequest):
            (self.history.undo if request.redo else self.history.redo).append((message.batch, request.label))
            self.notify(f"{'Redone' if request.redo else 'Undone'}: {request.label}", timeout=3)
            self.group_cache.invalidate()
            self._schedule_regroup()
            if self.in_groups:
                self.load_groups(self.groups_table.cursor, keep_rows=True)
            else:
                self.findings_table.reload()
        else:
            if message.changed:
                self.history.undo.append((message.batch, request.label))
                self.history.redo.clear()
            self._patch(request, set(message.finding_ids))
            if len(message.finding_ids) > 1 or self.in_groups:
                unchanged = len(message.finding_ids) - message.changed
                tail = f" ({unchanged:,} already so)" if unchanged else ""
                self.notify(f"{_sentence(request.label)}: {message.changed:,} changed{tail} · u undoes",
                            timeout=4)
        self.decisions_recorded += 1
        self.revealed = None  # a decision is a move too: the raw value goes away
        self.load_detail()
        self.update_status()

    def _patch(self, request: DecisionRequest, ids: set[str]) -> None:
        """Show a recorded decision without reading the case again; groups are re-counted behind."""
        self.group_cache.invalidate()
        if request.action is Action.STATUS:
            change: dict[str, Any] = {"status": Status(request.after)}
        elif request.action is Action.SEVERITY:
            change = {"severity": Severity(request.after)}
        elif request.action is Action.NOTE:
            change = {"note": request.after}
        else:
            return
        self.findings_table.patch_rows(lambda r: dataclasses.replace(r, **change) if r.id in ids else r)
        if self.in_groups and request.action in (Action.STATUS, Action.SEVERITY):
            decided = {q.group_key for q in request.target.queries if q.group_by == self.group_by}
            everything = any(not q.group_by for q in request.target.queries)

            def update(g: FindingGroup) -> FindingGroup:
                if not (everything or g.key in decided):
                    return g
                if request.action is Action.STATUS:
                    return dataclasses.replace(g, open=g.count if request.after == "open" else 0)
                return dataclasses.replace(g, worst=Severity(request.after))

            self.groups_table.patch_rows(update)
            self.group_cache.patch(self.query_, self.group_by, update)
        self._schedule_regroup()

    def _schedule_regroup(self) -> None:
        """Re-count the groups a little after the last decision (a burst of keys costs one pass)."""
        if self._prefetch_timer is not None:
            self._prefetch_timer.stop()

        def regroup() -> None:
            if self.in_groups:
                self.refresh_groups(self.query_, self.group_by)
            self.prefetch_groups(self.query_)

        self._prefetch_timer = self.set_timer(REGROUP_AFTER, regroup)

    def on_decision_writer_decision_progressed(self, message: DecisionWriter.DecisionProgressed) -> None:
        self._progress = f"{message.label}: {message.done:,}/{message.total:,}"
        self.update_status()

    def on_decision_writer_decision_failed(self, message: DecisionWriter.DecisionFailed) -> None:
        self._progress = ""
        self.update_status()
        self.notify(f"Not saved: {message.error}", title="Decision failed", severity="error", timeout=8)

    def action_undo(self) -> None:
        if not self.history.undo:
            self.notify("Nothing to undo in this session", timeout=2)
            return
        batch, label = self.history.undo.pop()
        self.triage.writer.submit(UndoRequest(batch, label), self)

    def action_redo(self) -> None:
        if not self.history.redo:
            self.notify("Nothing to redo", timeout=2)
            return
        batch, label = self.history.redo.pop()
        self.triage.writer.submit(UndoRequest(batch, label, redo=True), self)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
