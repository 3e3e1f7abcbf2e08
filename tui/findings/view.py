"""What the Findings screen shows: the filter, the grouping, the open group, the selection, and where rows come from.

No widget here: the screen hands the fetch functions to its tables and runs the group
computations in its workers; everything that reads the case runs in a worker thread.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from spill.case import Case
from spill.case.triage import sort_groups
from spill.model import GROUP_BY, SORTS, Finding, FindingGroup, FindingQuery
from tui.findings.group_cache import GroupCache
from tui.findings.selection import Selection
from tui.widgets.columns import group_label
from tui.widgets.virtual_table import Count, Fetch

GROUPINGS = ("", *GROUP_BY)  # what g cycles through: no grouping, then every grouping
PREFETCH = ("value",)  # computed behind every filter (about a second on 10^6); the others on demand


class FindingsView:
    """The Findings screen's state; ``case`` returns the calling thread's connection."""

    def __init__(self, case: Callable[[], Case]) -> None:
        self.case = case
        self.query = FindingQuery()
        self.group_by = ""
        self.open_group: FindingGroup | None = None
        self.selection = Selection()
        self.groups = GroupCache()
        self._order_memo: tuple[Sequence[FindingGroup], tuple[str, bool], Sequence[FindingGroup]] | None = None

    @property
    def in_groups(self) -> bool:
        """The group list is shown (grouped, and no group opened)."""
        return bool(self.group_by) and self.open_group is None

    def rows_query(self) -> FindingQuery:
        """The findings listed: the open group's members, or everything the filter matches."""
        if self.open_group is not None:
            return dataclasses.replace(self.query, group_by=self.open_group.by, group_key=self.open_group.key)
        return self.query

    # ---------------------------------------------------------------- changes
    def apply(self, query: FindingQuery, *, group_by: str | None = None) -> None:
        """A new filter (from the filter bar, or another screen jumping here)."""
        self.query = dataclasses.replace(query, group_by="", group_key="")
        if group_by is not None:
            self.group_by = group_by
        self.open_group = None
        self.selection.clear()

    def cycle_group(self) -> None:
        self.group_by = GROUPINGS[(GROUPINGS.index(self.group_by) + 1) % len(GROUPINGS)]
        self.open_group = None
        self.selection.clear()

    def cycle_sort(self) -> None:
        sort = SORTS[(SORTS.index(self.query.sort) + 1) % len(SORTS)]
        self.query = dataclasses.replace(self.query, sort=sort, descending=False)

    def open(self, group: FindingGroup) -> None:
        self.open_group = group
        self.selection.clear()

    def close_group(self) -> None:
        self.open_group = None

    # ---------------------------------------------------------------- rows
    def finding_rows(self) -> tuple[Fetch, Count]:
        """Page and count functions for the findings table (run in its workers)."""
        query, case = self.rows_query(), self.case

        def fetch(offset: int, limit: int) -> tuple[list[Finding], int | None]:
            page = case().triage.page(query, offset, limit)
            return page.rows, page.total

        return fetch, lambda: case().triage.count(query)

    def group_rows(self) -> tuple[Fetch, bool]:
        """The page function for the group list, and whether what it serves is stale.

        A cached list (even stale, with decided groups patched in) is served at once; without
        one, the first page computes it, once, however many threads ask.
        """
        query, by, cache = self.query, self.group_by, self.groups
        found = cache.get(query, by)
        if found is not None:
            groups, fresh = found

            def cached(offset: int, limit: int) -> tuple[Sequence[FindingGroup], int]:
                ordered = self._ordered(groups, query)
                return ordered[offset:offset + limit], len(ordered)

            return cached, not fresh

        def compute(offset: int, limit: int) -> tuple[Sequence[FindingGroup], int]:
            rows = self._ordered(self.compute_groups(query, by), query)
            return rows[offset:offset + limit], len(rows)

        return compute, False

    def _ordered(self, groups: Sequence[FindingGroup], query: FindingQuery) -> Sequence[FindingGroup]:
        """``groups`` in the filter's sort order, sorted once per list and order (pages ask again and again)."""
        memo = self._order_memo
        if memo is not None and memo[0] is groups and memo[1] == (query.sort, query.descending):
            return memo[2]
        ordered = sort_groups(groups, query.sort, query.descending)
        self._order_memo = (groups, (query.sort, query.descending), ordered)
        return ordered

    def compute_groups(self, query: FindingQuery, by: str) -> Sequence[FindingGroup]:
        """The fresh groups of ``query`` by ``by`` (cached; run in a worker)."""
        return self.groups.compute(query, by, lambda: self.case().triage.groupings(query, by))

    def prefetch(self, query: FindingQuery, cancelled: Callable[[], bool]) -> None:
        """Group this filter's findings in the background, so ``g`` answers at once (run in a worker)."""
        for by in PREFETCH:
            if cancelled():
                return
            self.compute_groups(query, by)

    def shows_groups_of(self, query: FindingQuery, by: str) -> bool:
        """Whether the group list on screen is ``query`` grouped by ``by`` (a refresh landing late)."""
        return self.in_groups and by == self.group_by and GroupCache.key(query, "") == GroupCache.key(self.query, "")

    # ---------------------------------------------------------------- status
    def status_line(self, total: int | None, known: int, progress: str, loading: bool = False) -> str:
        """``51 findings · sort severity · 3 selected``: what the table beneath the filter holds."""
        count = "…" if total is None and known <= 1 else (f"{total:,}" if total is not None else f"{known - 1:,}+")
        one = total == 1
        if self.in_groups and loading and known == 0:  # a cold grouping: a pass over every match
            parts = [f"grouping the findings by {self.group_by}…"]
        elif self.in_groups:
            parts = [f"{count} group{'' if one else 's'} by {self.group_by}"]
        else:
            parts = [f"{count} finding{'' if one else 's'}"]
            if self.open_group is not None:
                parts.append(f"group {group_label(self.open_group)} (esc: back)")
        parts.append(f"sort {'-' if self.query.descending else ''}{self.query.sort}")
        if self.selection.everything:
            parts.append("ALL in filter selected")
        elif self.selection:
            parts.append(f"{len(self.selection):,} selected")
        if progress:
            parts.append(progress)
        return " · ".join(parts)
