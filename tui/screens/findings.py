"""Findings: the paged table, the filter, grouping, decisions, the detail pane and reveal.

The screen lays out the widgets and wires keys and messages to its parts: the view
(:class:`~tui.findings.view.FindingsView`: filter, grouping, selection, where rows come
from), the decisions (:class:`~tui.findings.deciding.DecisionController`) and the reveal
(:class:`~tui.findings.reveal.Reveal`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from spill.case.store import Store
from spill.errors import CaseInterrupted
from spill.model import GROUP_BY, SORTS, FindingGroup, FindingQuery
from tui import modes
from tui.filtering import FILTER_KEYS, Vocabulary
from tui.findings.deciding import DecisionController
from tui.findings.reveal import Reveal
from tui.findings.view import FindingsView
from tui.format import plain
from tui.screens.base import TriageScreen
from tui.watch import CaseChanged
from tui.widgets.columns import finding_columns, group_columns
from tui.widgets.detail import DetailPane
from tui.widgets.filter_bar import FilterBar
from tui.widgets.virtual_table import VirtualTable
from tui.writer import DecisionWriter

REGROUP_AFTER = 2.0  # seconds after the last decision before the cached groups are re-counted
PREFETCH_AFTER = 0.3  # seconds a filter's rows are shown before its groups are computed behind them


class FindingsScreen(TriageScreen):
    MODE = modes.FINDINGS
    CSS_PATH = "findings.tcss"
    AUTO_FOCUS = "#findings-table"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "decide('confirmed')", "Confirm", tooltip="Confirm: a real exposure (row, selection or group)"),
        Binding("x", "decide('false_positive')", "False positive", tooltip="False positive: not sensitive data"),
        Binding("i", "decide('ignored')", "Ignore", tooltip="Ignore: real but out of scope (public, test data)"),
        Binding("o", "decide('open')", "Reopen", show=False, tooltip="Reopen: back to undecided"),
        Binding("slash", "filter", "Filter", key_display="/",
                tooltip=f"Edit the filter: {' '.join(k.name + ':' for k in FILTER_KEYS)} and free text (help lists"
                        " them all)"),
        Binding("g", "cycle_group", "Group", tooltip=f"Group by {', '.join(GROUP_BY)}, or not at all"),
        Binding("u", "undo", "Undo", tooltip="Undo the last decision (the undo is logged too)"),
        Binding("U,ctrl+r", "redo", "Redo", show=False, tooltip="Redo the last undone decision"),
        Binding("s", "severity", "Severity", show=False, tooltip="Set the severity of the row, selection or group"),
        Binding("n", "note", "Note", show=False, tooltip="Add a note to the row, selection or group (logged)"),
        Binding("r", "reveal", "Reveal", show=False,
                tooltip="Re-read the raw value from the source (checked, logged, hidden on the next move)"),
        Binding("space", "toggle_select", "Select", show=False, tooltip="Select or unselect this row, then go down"),
        Binding("shift+down", "extend_select(1)", "Select down", show=False,
                tooltip="Select this row and the next"),
        Binding("shift+up", "extend_select(-1)", "Select up", show=False, tooltip="Select this row and the one above"),
        Binding("V", "select_range", "Select range", show=False,
                tooltip="Select every row from the last one selected with space to the cursor (or start a range)"),
        Binding("A", "select_all", "Select all", show=False,
                tooltip="Select everything the filter matches (press again to clear)"),
        Binding("enter", "open", "Open", show=False,
                tooltip="Open the group under the cursor, or enlarge the detail pane"),
        Binding("escape", "back", "Back", show=False,
                tooltip="Shrink the detail pane, clear the selection, go back to the groups or to People"),
        Binding("S", "cycle_sort", "Sort", show=False,
                tooltip=f"Sort by {', '.join(SORTS[:-1])} or {SORTS[-1]} (groups too; sort:-severity reverses)"),
        Binding("tab", "focus_detail", "Detail pane", show=False,
                tooltip="Move into the detail pane to scroll it; tab or escape goes back to the table"),
    ]

    @dataclass
    class GroupsRefreshed(Message):
        query: FindingQuery
        by: str

    @dataclass
    class VocabularyLoaded(Message):
        known: Vocabulary

    def __init__(self) -> None:
        super().__init__(id="findings-screen")
        self.view = FindingsView(lambda: self.triage.reader.case())
        self.decisions = DecisionController(self)
        self.reveal = Reveal(self)
        self._regroup: Timer | None = None
        self._prefetching: Store | None = None  # the connection a background grouping runs on
        self._prefetch_soon: Timer | None = None

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        selected = self.view.selection.contains
        yield self.screen_tabs()
        yield FilterBar(id="filter")
        with Container(id="body"):
            yield VirtualTable(finding_columns(selected), key=lambda r: r.id, marked=lambda r: selected(r.id),
                               empty="no findings match the filter", id="findings-table")
            yield VirtualTable(group_columns("value", selected), key=lambda g: g.key,
                               marked=lambda g: selected(g.key), empty="no findings match the filter",
                               id="groups-table", classes="-hidden")
            yield DetailPane(self.view.case, id="detail")
        yield Static(id="status-line")
        yield Footer(compact=True)

    @property
    def findings_table(self) -> VirtualTable:
        return self.query_one("#findings-table", VirtualTable)

    @property
    def groups_table(self) -> VirtualTable:
        return self.query_one("#groups-table", VirtualTable)

    @property
    def table(self) -> VirtualTable:
        """The table on screen: the groups or the findings."""
        return self.groups_table if self.view.in_groups else self.findings_table

    @property
    def detail(self) -> DetailPane:
        return self.query_one(DetailPane)

    def on_mount(self) -> None:
        self.load_vocabulary()
        self.show_view()

    def on_screen_suspend(self) -> None:
        self.detail.hide_revealed()

    # ------------------------------------------------------------------ loading
    def show_query(self, query: FindingQuery, *, group_by: str | None = None) -> None:
        """Show ``query`` (from another screen jumping here)."""
        self.view.apply(query, group_by=group_by)
        self.show_view()

    def show_view(self, cursor: int = 0) -> None:
        """Load the table the view calls for, from its first page."""
        view = self.view
        self.query_one(FilterBar).show(view.query)
        self.groups_table.set_class(not view.in_groups, "-hidden")
        self.findings_table.set_class(view.in_groups, "-hidden")
        if view.in_groups:
            self.groups_table.columns = group_columns(view.group_by, view.selection.contains)
            self.load_groups(cursor)
        else:
            self.findings_table.load(*view.finding_rows(), cursor=cursor)
        if not self.query_one(FilterBar).has_focus:
            self.table.focus()
        self.detail.show_message("loading…")
        self.update_status()

    def load_groups(self, cursor: int = 0, *, keep_rows: bool = False) -> None:
        """The group list: from the cache at once when there is one (re-counted behind if stale), else computed."""
        fetch, stale = self.view.group_rows()
        self.groups_table.load(fetch, cursor=cursor, keep_rows=keep_rows)
        if stale:
            self.refresh_groups(self.view.query, self.view.group_by)

    def reload_rows(self) -> None:
        """Read the rows on screen again, keeping them shown until the new ones land."""
        if self.view.in_groups:
            self.load_groups(self.groups_table.cursor, keep_rows=True)
        else:
            self.findings_table.reload()

    @work(thread=True, exclusive=True, group="group-refresh")
    def refresh_groups(self, query: FindingQuery, by: str) -> None:
        self.view.compute_groups(query, by)
        self.post_message(self.GroupsRefreshed(query, by))

    def on_findings_screen_groups_refreshed(self, message: GroupsRefreshed) -> None:
        if self.view.shows_groups_of(message.query, message.by):
            self.load_groups(self.groups_table.cursor, keep_rows=True)

    def prefetch_groups(self, query: FindingQuery) -> None:
        """Group this filter's findings behind the screen once the analyst rests on it; a grouping still
        running for an older filter is stopped (SQLite's interrupt): on 10^6 findings they would pile up
        and slow every filter typed after."""
        self.stop_prefetch()
        self._prefetch_soon = self.set_timer(PREFETCH_AFTER, lambda: self._prefetch(query))

    def stop_prefetch(self) -> None:
        if self._prefetch_soon is not None:
            self._prefetch_soon.stop()
            self._prefetch_soon = None
        running, self._prefetching = self._prefetching, None
        if running is not None:
            running.interrupt()

    @work(thread=True, exclusive=True, group="group-prefetch")
    def _prefetch(self, query: FindingQuery) -> None:
        worker = get_current_worker()
        case = self.triage.reader.case()
        self._prefetching = case.store
        try:
            self.view.prefetch(query, lambda: worker.is_cancelled)
        except CaseInterrupted:
            pass  # a newer filter came: its own prefetch follows
        finally:
            if self._prefetching is case.store:
                self._prefetching = None

    def regroup_soon(self) -> None:
        """Re-count the groups a little after the last decision (a burst of keys costs one pass)."""
        if self._regroup is not None:
            self._regroup.stop()

        def regroup() -> None:
            if self.view.in_groups:
                self.refresh_groups(self.view.query, self.view.group_by)
            self.prefetch_groups(self.view.query)

        self._regroup = self.set_timer(REGROUP_AFTER, regroup)

    @work(thread=True, group="vocabulary")
    def load_vocabulary(self) -> None:
        triage = self.triage.reader.case().triage
        self.post_message(self.VocabularyLoaded(Vocabulary(tuple(triage.entity_types()), tuple(triage.clients()))))

    def on_findings_screen_vocabulary_loaded(self, message: VocabularyLoaded) -> None:
        self.query_one(FilterBar).set_vocabulary(message.known)

    # ------------------------------------------------------------------ detail pane and status line
    @on(VirtualTable.CursorMoved)
    def cursor_moved(self, message: VirtualTable.CursorMoved) -> None:
        if message.table is self.table:
            self.show_detail()

    def show_detail(self, *, keep_revealed: bool = True) -> None:
        table = self.table
        row = table.cursor_row
        if row is None:
            empty = table.known == 0 and not table.is_loading
            self.detail.show_message("no findings match the filter" if empty else "loading…")
        else:
            self.detail.show(row, self.view.query, keep_revealed=keep_revealed)

    @on(VirtualTable.RowsChanged)
    def rows_changed(self, message: VirtualTable.RowsChanged) -> None:
        self.update_status()
        if message.table is self.findings_table and self.view.open_group is None and not self.view.in_groups \
                and message.table.total is not None:
            self.prefetch_groups(self.view.query)

    @on(VirtualTable.LoadFailed)
    def load_failed(self, message: VirtualTable.LoadFailed) -> None:
        self.notify(message.error, title="Could not read the case", severity="error")

    def update_status(self) -> None:
        table = self.table
        self.query_one("#status-line", Static).update(  # plain text: a group's label is data
            plain(self.view.status_line(table.total, table.known, self.decisions.progress, table.is_loading)))

    # ------------------------------------------------------------------ navigation
    def action_filter(self) -> None:
        self.query_one(FilterBar).focus()

    @on(FilterBar.FilterSubmitted)
    def filter_submitted(self, message: FilterBar.FilterSubmitted) -> None:
        self.stop_prefetch()
        self.show_query(message.query)
        self.table.focus()

    @on(FilterBar.FilterCancelled)
    def filter_cancelled(self, _message: FilterBar.FilterCancelled) -> None:
        self.table.focus()

    def action_cycle_group(self) -> None:
        self.view.cycle_group()
        self.show_view()

    def action_cycle_sort(self) -> None:
        self.view.cycle_sort()
        self.show_view()

    def action_open(self) -> None:
        row = self.table.cursor_row
        if self.view.in_groups and isinstance(row, FindingGroup):
            self.view.open(row)
            self.show_view()
        elif not self.view.in_groups:
            self.toggle_class("-detail-max")

    def action_focus_detail(self) -> None:
        if self.detail.has_focus:
            self.table.focus()
        else:
            self.detail.focus()

    def action_back(self) -> None:
        if self.detail.has_focus:
            self.table.focus()
        elif self.has_class("-detail-max"):
            self.remove_class("-detail-max")
        elif self.view.selection:
            self.view.selection.clear()
            self.table.refresh()
            self.update_status()
        elif self.view.open_group is not None:
            self.view.close_group()
            self.groups_table.set_class(False, "-hidden")
            self.findings_table.set_class(True, "-hidden")
            self.load_groups(self.groups_table.cursor, keep_rows=True)
            self.groups_table.focus()
            self.show_detail()
            self.update_status()
        else:
            self.triage.back_from_findings(self.view.query.subject)  # a person's findings: back to People

    # ------------------------------------------------------------------ selection
    def action_toggle_select(self) -> None:
        table, selection = self.table, self.view.selection
        row = table.cursor_row
        if row is None:
            return
        if selection.everything:
            self.notify("Everything in the filter is selected; escape clears it", timeout=3)
            return
        selection.toggle(table.key(row), row)
        selection.anchor = table.cursor
        table.move_cursor(1)
        table.refresh()
        self.update_status()

    def action_extend_select(self, delta: int) -> None:
        table, selection = self.table, self.view.selection
        row = table.cursor_row
        if row is None or selection.everything:
            return
        selection.add([(table.key(row), row)])
        if selection.anchor is None:
            selection.anchor = table.cursor
        table.move_cursor(delta)
        following = table.cursor_row
        if following is not None:
            selection.add([(table.key(following), following)])
        table.refresh()
        self.update_status()

    def action_select_range(self) -> None:
        table, anchor = self.table, self.view.selection.anchor
        if anchor is None:  # no range started: it starts here
            self.view.selection.anchor = table.cursor
            self.notify("The range starts here: move, then V selects every row between", timeout=3)
            return
        lo, hi = sorted((anchor, table.cursor))
        rows = table.cached_rows(lo, hi)
        if rows is None:
            table.fetch_range(lo, hi)  # answers with RangeFetched
        else:
            self._select_rows(table, rows)

    @on(VirtualTable.RangeFetched)
    def range_fetched(self, message: VirtualTable.RangeFetched) -> None:
        if message.table is self.table:
            self._select_rows(message.table, message.rows)

    def _select_rows(self, table: VirtualTable, rows: list[Any]) -> None:
        self.view.selection.add((table.key(r), r) for r in rows)
        table.refresh()
        self.update_status()
        self.notify(f"{len(rows):,} rows selected", timeout=2)

    def action_select_all(self) -> None:
        selection = self.view.selection
        if not selection.everything and self.table.known == 0:
            self.notify("Nothing matches the filter: nothing to select", timeout=3)
            return
        everything = not selection.everything
        selection.clear()
        selection.everything = everything
        self.table.refresh()
        self.update_status()

    # ------------------------------------------------------------------ decisions and reveal
    def action_decide(self, status: str) -> None:
        self.decisions.decide_status(status)

    def action_severity(self) -> None:
        self.decisions.ask_severity()

    def action_note(self) -> None:
        self.decisions.ask_note()

    def action_undo(self) -> None:
        self.decisions.undo()

    def action_redo(self) -> None:
        self.decisions.redo()

    def action_reveal(self) -> None:
        self.reveal.request(self.table.cursor_row)

    def on_decision_writer_decision_recorded(self, message: DecisionWriter.DecisionRecorded) -> None:
        if self.reveal.logged(message):
            return
        if self.decisions.recorded(message):
            self.reload_rows()
        self.regroup_soon()
        self.show_detail(keep_revealed=False)  # a decision is a move too: a revealed value goes away
        self.update_status()

    def on_decision_writer_decision_progressed(self, message: DecisionWriter.DecisionProgressed) -> None:
        self.decisions.progressed(message)
        self.update_status()

    def on_decision_writer_decision_failed(self, message: DecisionWriter.DecisionFailed) -> None:
        if self.decisions.failed(message):
            self.reload_rows()
            self.show_detail(keep_revealed=False)
        self.update_status()

    def case_changed(self, message: CaseChanged) -> None:
        """Another window decided: the rows, the groups and the detail pane are read again."""
        self.view.groups.invalidate()
        self.reload_rows()
        if self.view.in_groups:
            self.refresh_groups(self.view.query, self.view.group_by)
        self.show_detail(keep_revealed=False)

    def on_reveal_value_read(self, message: Reveal.ValueRead) -> None:
        self.reveal.read(message)

    def on_reveal_refused(self, message: Reveal.Refused) -> None:
        self.reveal.refused(message)
