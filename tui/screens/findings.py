"""Findings: the paged table, the filter, grouping, decisions, the detail pane and reveal."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from spill.errors import SpillError
from spill.model import Action, Finding, FindingDetail, FindingGroup, FindingQuery
from tui.decisions import DecisionRequest, History, Target
from tui.group_cache import GroupCache
from tui.screens.deciding import DecidingMixin
from tui.selection import Selection
from tui.widgets.columns import finding_columns, group_columns, group_label
from tui.widgets.detail import DetailPane
from tui.widgets.filter_bar import FilterBar, format_filter
from tui.widgets.screen_tabs import ScreenTabs
from tui.widgets.virtual_table import VirtualTable

if TYPE_CHECKING:
    from tui.app import TriageApp

GROUP_CYCLE = ("", "value", "rule", "file", "folder")
PREFETCH = ("value",)  # computed behind every filter (about a second on 10^6); the others on demand
SORT_CYCLE = ("severity", "path", "type", "status")


class FindingsScreen(DecidingMixin, Screen[None]):
    CSS_PATH = "findings.tcss"
    AUTO_FOCUS = "VirtualTable"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "decide('confirmed')", "Confirm", tooltip="Confirm: a real exposure (row, selection or group)"),
        Binding("x", "decide('false_positive')", "False +", tooltip="False positive: not sensitive data"),
        Binding("i", "decide('ignored')", "Ignore", tooltip="Ignore: real but out of scope (public, test data)"),
        Binding("o", "decide('open')", "Reopen", tooltip="Reopen: back to undecided"),
        Binding("slash", "filter", "Filter", key_display="/",
                tooltip="Edit the filter: type: cat: status: sev: path: sort: and free text"),
        Binding("g", "cycle_group", "Group", tooltip="Group by value, rule, file, folder, or not at all"),
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
                tooltip="Select every row from the last one selected with space to the cursor"),
        Binding("A", "select_all", "Select all", show=False,
                tooltip="Select everything the filter matches (press again to clear)"),
        Binding("enter", "open", "Open", show=False,
                tooltip="Open the group under the cursor, or enlarge the detail pane"),
        Binding("escape", "back", "Back", show=False,
                tooltip="Shrink the detail pane, clear the selection, or go back to the groups"),
        Binding("S", "cycle_sort", "Sort", show=False, tooltip="Sort by severity, path, type or status"),
    ]

    @dataclass
    class DetailLoaded(Message):
        key: str
        detail: FindingDetail | None

    @dataclass
    class GroupDetailLoaded(Message):
        key: str
        group: FindingGroup
        members: list[Finding]
        statuses: dict[str, int]

    @dataclass
    class GroupsRefreshed(Message):
        query: FindingQuery
        by: str

    @dataclass
    class EntityTypesLoaded(Message):
        types: list[str]

    @dataclass
    class ValueRevealed(Message):
        finding_id: str
        value: str

    @dataclass
    class RevealFailed(Message):
        finding_id: str
        error: str

    def __init__(self) -> None:
        super().__init__(id="findings-screen")
        self.query_: FindingQuery = FindingQuery()
        self.group_by = ""
        self.open_group: FindingGroup | None = None
        self.selection = Selection()
        self.history = History()
        self.group_cache = GroupCache()
        self._prefetch_timer: Timer | None = None
        self.revealed: tuple[str, str] | None = None  # (finding id, raw value) until the next move
        self.pending_reveal: tuple[str, str] | None = None  # read, waiting for its log entry
        self.detail_key: str | None = None  # what the detail pane shows (tests and the benchmark wait on it)
        self.decisions_recorded = 0
        self._detail_timer: Timer | None = None
        self._progress = ""

    @property
    def triage(self) -> TriageApp:
        return cast("TriageApp", self.app)

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield ScreenTabs("findings", self.triage.case_path.name)
        yield FilterBar(id="filter")
        with Container(id="body"):
            yield VirtualTable(finding_columns(self.selection.contains), key=lambda r: r.id,
                               marked=lambda r: self.selection.contains(r.id), empty="no findings match the filter",
                               id="findings-table")
            yield VirtualTable(group_columns("value", self.selection.contains), key=lambda g: g.key,
                               marked=lambda g: self.selection.contains(g.key), empty="no findings match the filter",
                               id="groups-table", classes="-hidden")
            yield DetailPane(id="detail")
        yield Static(id="status-line")
        yield Footer(compact=True)

    @property
    def findings_table(self) -> VirtualTable:
        return self.query_one("#findings-table", VirtualTable)

    @property
    def groups_table(self) -> VirtualTable:
        return self.query_one("#groups-table", VirtualTable)

    @property
    def in_groups(self) -> bool:
        return bool(self.group_by) and self.open_group is None

    @property
    def table(self) -> VirtualTable:
        return self.groups_table if self.in_groups else self.findings_table

    @property
    def detail(self) -> DetailPane:
        return self.query_one(DetailPane)

    def on_mount(self) -> None:
        self.load_entity_types()
        self.show_view()

    def on_screen_suspend(self) -> None:
        self._hide_revealed()

    # ------------------------------------------------------------------ loading
    def effective_query(self) -> FindingQuery:
        if self.open_group is not None:
            return dataclasses.replace(self.query_, group_by=self.open_group.by, group_key=self.open_group.key)
        return self.query_

    def apply_query(self, query: FindingQuery, *, group_by: str | None = None) -> None:
        """Show ``query`` (from the filter bar, or another screen jumping here)."""
        self.query_ = dataclasses.replace(query, group_by="", group_key="")
        if group_by is not None:
            self.group_by = group_by
        self.open_group = None
        self.selection.clear()
        self.show_view()

    def show_view(self, cursor: int = 0) -> None:
        self._hide_revealed()
        self.query_one(FilterBar).show(self.query_)
        reader = self.triage.reader
        groups = self.in_groups
        self.groups_table.set_class(not groups, "-hidden")
        self.findings_table.set_class(groups, "-hidden")
        if groups:
            self.groups_table.columns = group_columns(self.group_by, self.selection.contains)
            self.load_groups(cursor)
        else:
            query = self.effective_query()

            def fetch(offset: int, limit: int) -> tuple[list[Finding], int | None]:
                page = reader.case().triage.page(query, offset, limit)
                return page.rows, page.total

            self.findings_table.load(fetch, lambda: reader.case().triage.count(query), cursor=cursor)
        if not self.query_one(FilterBar).has_focus:
            self.table.focus()
        self.detail.show_message("loading…")
        self.detail_key = None
        self.update_status()

    def load_groups(self, cursor: int = 0, *, keep_rows: bool = False) -> None:
        """Show the group list: from the cache at once when there is one, else computed (once)."""
        reader, by, query, cache = self.triage.reader, self.group_by, self.query_, self.group_cache
        found = cache.get(query, by)
        if found is not None:
            groups, fresh = found

            def cached(offset: int, limit: int) -> tuple[list[FindingGroup], int]:
                return groups[offset:offset + limit], len(groups)

            self.groups_table.load(cached, cursor=cursor, keep_rows=keep_rows)
            if not fresh:
                self.refresh_groups(query, by)
            return

        def fetch_groups(offset: int, limit: int) -> tuple[list[FindingGroup], int]:
            rows = cache.compute(query, by, lambda: reader.case().triage.groups(query, by))
            return rows[offset:offset + limit], len(rows)

        self.groups_table.load(fetch_groups, cursor=cursor, keep_rows=keep_rows)

    @work(thread=True, exclusive=True, group="group-refresh")
    def refresh_groups(self, query: FindingQuery, by: str) -> None:
        reader = self.triage.reader
        self.group_cache.compute(query, by, lambda: reader.case().triage.groups(query, by))
        self.post_message(self.GroupsRefreshed(query, by))

    def on_findings_screen_groups_refreshed(self, message: GroupsRefreshed) -> None:
        if self.in_groups and message.by == self.group_by and \
                GroupCache.key(message.query, "") == GroupCache.key(self.query_, ""):
            self.load_groups(self.groups_table.cursor, keep_rows=True)

    @work(thread=True, exclusive=True, group="group-prefetch")
    def prefetch_groups(self, query: FindingQuery) -> None:
        """Group this filter's findings by value in the background, so ``g`` answers at once."""
        worker = get_current_worker()
        reader, cache = self.triage.reader, self.group_cache
        for by in PREFETCH:
            if worker.is_cancelled:
                return
            cache.compute(query, by, lambda by=by: reader.case().triage.groups(query, by))  # type: ignore[misc]

    @work(thread=True, group="entity-types")
    def load_entity_types(self) -> None:
        self.post_message(self.EntityTypesLoaded(self.triage.reader.case().triage.entity_types()))

    def on_findings_screen_entity_types_loaded(self, message: EntityTypesLoaded) -> None:
        self.query_one(FilterBar).set_entity_types(message.types)

    # ------------------------------------------------------------------ detail pane
    @on(VirtualTable.CursorMoved)
    def cursor_moved(self, message: VirtualTable.CursorMoved) -> None:
        if message.table is not self.table:
            return
        row = message.row
        if self.revealed and (row is None or getattr(row, "id", None) != self.revealed[0]):
            self._hide_revealed()
        if self._detail_timer is not None:
            self._detail_timer.stop()
        if row is None:
            return
        self._detail_timer = self.set_timer(0.04, self.load_detail)

    def load_detail(self) -> None:
        row = self.table.cursor_row
        if isinstance(row, FindingGroup):
            self._load_group_detail(row, self.query_)
        elif isinstance(row, Finding):
            self._load_finding_detail(row.id)
        else:
            self.detail.show_message("no findings match the filter" if self.table.known == 0 else "loading…")

    @work(thread=True, exclusive=True, group="detail")
    def _load_finding_detail(self, finding_id: str) -> None:
        self.post_message(self.DetailLoaded(finding_id, self.triage.reader.case().triage.detail(finding_id)))

    @work(thread=True, exclusive=True, group="detail")
    def _load_group_detail(self, group: FindingGroup, query: FindingQuery) -> None:
        case = self.triage.reader.case()
        members = case.triage.page(dataclasses.replace(query, group_by=group.by, group_key=group.key), 0, 5).rows
        statuses = case.triage.group_status_counts(query, group)
        self.post_message(self.GroupDetailLoaded(group.key, group, members, statuses))

    def on_findings_screen_detail_loaded(self, message: DetailLoaded) -> None:
        row = self.table.cursor_row
        if not isinstance(row, Finding) or row.id != message.key:
            return
        if message.detail is None:
            self.detail.show_message("this finding is no longer in the case (re-scanned?)")
        else:
            revealed = self.revealed[1] if self.revealed and self.revealed[0] == message.key else None
            self.detail.show_finding(message.detail, revealed)
        self.detail_key = message.key

    def on_findings_screen_group_detail_loaded(self, message: GroupDetailLoaded) -> None:
        row = self.table.cursor_row
        if not isinstance(row, FindingGroup) or row.key != message.key:
            return
        self.detail.show_group(message.group, message.members, message.statuses, format_filter(self.query_))
        self.detail_key = message.key

    # ------------------------------------------------------------------ status line
    @on(VirtualTable.RowsChanged)
    def rows_changed(self, message: VirtualTable.RowsChanged) -> None:
        self.update_status()
        if message.table is self.findings_table and self.open_group is None and not self.in_groups \
                and message.table.total is not None:
            self.prefetch_groups(self.query_)

    @on(VirtualTable.LoadFailed)
    def load_failed(self, message: VirtualTable.LoadFailed) -> None:
        self.notify(message.error, title="Could not read the case", severity="error")

    def update_status(self) -> None:
        table = self.table
        count = "…" if table.total is None and table.known <= 1 else (
            f"{table.total:,}" if table.total is not None else f"{table.known - 1:,}+")
        parts = []
        one = table.total == 1
        if self.in_groups:
            parts.append(f"{count} group{'' if one else 's'} by {self.group_by}")
        else:
            parts.append(f"{count} finding{'' if one else 's'}")
            if self.open_group is not None:
                parts.append(f"group {group_label(self.open_group)} (esc: back)")
        parts.append(f"sort {'-' if self.query_.descending else ''}{self.query_.sort}")
        if self.selection.everything:
            parts.append("ALL in filter selected")
        elif self.selection:
            parts.append(f"{len(self.selection):,} selected")
        if self._progress:
            parts.append(self._progress)
        self.query_one("#status-line", Static).update(" · ".join(parts))

    # ------------------------------------------------------------------ navigation
    def action_filter(self) -> None:
        self.query_one(FilterBar).focus()

    @on(FilterBar.FilterSubmitted)
    def filter_submitted(self, message: FilterBar.FilterSubmitted) -> None:
        self.apply_query(message.query)
        self.table.focus()

    @on(FilterBar.FilterCancelled)
    def filter_cancelled(self, _message: FilterBar.FilterCancelled) -> None:
        self.table.focus()

    def action_cycle_group(self) -> None:
        self.group_by = GROUP_CYCLE[(GROUP_CYCLE.index(self.group_by) + 1) % len(GROUP_CYCLE)]
        self.open_group = None
        self.selection.clear()
        self.show_view()

    def action_cycle_sort(self) -> None:
        sort = SORT_CYCLE[(SORT_CYCLE.index(self.query_.sort) + 1) % len(SORT_CYCLE)]
        self.query_ = dataclasses.replace(self.query_, sort=sort, descending=False)
        self.show_view()

    def action_open(self) -> None:
        row = self.table.cursor_row
        if self.in_groups and isinstance(row, FindingGroup):
            self.open_group = row
            self.selection.clear()
            self.show_view()
        elif not self.in_groups:
            self.toggle_class("-detail-max")

    def action_back(self) -> None:
        if self.has_class("-detail-max"):
            self.remove_class("-detail-max")
        elif self.selection:
            self.selection.clear()
            self.table.refresh()
            self.update_status()
        elif self.open_group is not None:
            self.open_group = None
            self.groups_table.set_class(False, "-hidden")
            self.findings_table.set_class(True, "-hidden")
            self.load_groups(self.groups_table.cursor, keep_rows=True)
            self.groups_table.focus()
            self.load_detail()
            self.update_status()

    # ------------------------------------------------------------------ selection
    def action_toggle_select(self) -> None:
        table = self.table
        row = table.cursor_row
        if row is None:
            return
        if self.selection.everything:
            self.notify("Everything in the filter is selected; escape clears it", timeout=3)
            return
        self.selection.toggle(table.key(row), row)
        self.selection.anchor = table.cursor
        table.move_cursor(1)
        table.refresh()
        self.update_status()

    def action_extend_select(self, delta: int) -> None:
        table = self.table
        row = table.cursor_row
        if row is None or self.selection.everything:
            return
        self.selection.add([(table.key(row), row)])
        if self.selection.anchor is None:
            self.selection.anchor = table.cursor
        table.move_cursor(delta)
        nxt = table.cursor_row
        if nxt is not None:
            self.selection.add([(table.key(nxt), nxt)])
        table.refresh()
        self.update_status()

    def action_select_range(self) -> None:
        table = self.table
        anchor = self.selection.anchor if self.selection.anchor is not None else 0
        lo, hi = sorted((anchor, table.cursor))
        rows = table.cached_rows(lo, hi)
        if rows is None:
            table.fetch_range(lo, hi)
            return
        self._select_rows(table, rows)

    @on(VirtualTable.RangeFetched)
    def range_fetched(self, message: VirtualTable.RangeFetched) -> None:
        if message.table is self.table:
            self._select_rows(message.table, message.rows)

    def _select_rows(self, table: VirtualTable, rows: list[Any]) -> None:
        self.selection.add((table.key(r), r) for r in rows)
        table.refresh()
        self.update_status()
        self.notify(f"{len(rows):,} rows selected", timeout=2)

    def action_select_all(self) -> None:
        everything = not self.selection.everything
        self.selection.clear()
        self.selection.everything = everything
        self.table.refresh()
        self.update_status()

    # ------------------------------------------------------------------ reveal
    def action_reveal(self) -> None:
        row = self.table.cursor_row
        if not isinstance(row, Finding):
            self.notify("Open a group (enter) and reveal one finding at a time", timeout=3)
            return
        self.reveal(row.id)

    @work(thread=True, exclusive=True, group="reveal")
    def reveal(self, finding_id: str) -> None:
        """Read the raw value (checked against its fingerprint); it is shown once the writer has logged it."""
        case = self.triage.reader.case()
        finding = case.get_finding(finding_id)
        revealer = self.triage.revealer
        if finding is None or finding.fingerprint is None:
            self.post_message(self.RevealFailed(finding_id, "a document-level finding has no value to reveal"))
            return
        if revealer is None:
            self.post_message(self.RevealFailed(
                finding_id, "no way to re-read the source here; run spill triage where the share is mounted"))
            return
        try:
            value = revealer(case, finding)
        except SpillError as err:
            self.post_message(self.RevealFailed(finding_id, str(err)))
            return
        self.post_message(self.ValueRevealed(finding_id, value))

    def on_findings_screen_value_revealed(self, message: ValueRevealed) -> None:
        """Log the reveal through the one writer; the value shows when the log entry is committed."""
        self.pending_reveal = (message.finding_id, message.value)
        request = DecisionRequest(Target(ids=(message.finding_id,), size_hint=1), Action.REVEAL, None,
                                  "revealed a value", "revealed in spill triage")
        self.triage.writer.submit(request, self)

    def show_revealed(self, finding_id: str) -> None:
        """The reveal is logged: show the value if the cursor is still on its finding."""
        pending, self.pending_reveal = self.pending_reveal, None
        row = self.table.cursor_row
        if pending is not None and pending[0] == finding_id and isinstance(row, Finding) and row.id == finding_id:
            self.revealed = pending
            self._load_finding_detail(finding_id)

    def on_findings_screen_reveal_failed(self, message: RevealFailed) -> None:
        self.notify(message.error, title="Not revealed", severity="warning", timeout=6)

    def _hide_revealed(self) -> None:
        if self.revealed is not None:
            self.revealed = None
            self.load_detail()
