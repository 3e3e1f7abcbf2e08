"""Snapshots of every screen at 80×24, and of the Findings screen at 120×40, at 60×15 and under NO_COLOR
(pytest-textual-snapshot; update with --snapshot-update).

The sample case has a fixed key and a frozen clock, and every snapshot waits for the
workers to finish and the detail pane to fill, so the pictures only change when the
screens do.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from conftest import detail_shows_cursor_row, settle, wait_for
from sample_case import SampleCase
from textual.pilot import Pilot

from spill.model import Status
from tui.app import TriageApp
from tui.screens.files import FilesScreen
from tui.screens.findings import FindingsScreen
from tui.screens.overview import OverviewScreen
from tui.screens.people import PeopleScreen
from tui.widgets.share_tree import ShareTree

Compare = Callable[..., bool]


def app_for(sample: SampleCase) -> TriageApp:
    return TriageApp(sample.path, analyst="alice", revealer=sample.revealer())


def then(*keys: str, ready: Callable[[Any], object] = lambda screen: True) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run_before(pilot: Pilot[None]) -> None:
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        await wait_for(pilot, lambda: ready(pilot.app.screen), what="the screen to be ready")
        await settle(pilot)

    return run_before


def test_snapshot_overview(snap_compare: Compare, sample: SampleCase) -> None:
    ready = then(ready=lambda s: isinstance(s, OverviewScreen) and s.overview is not None and s.folders is not None)
    assert snap_compare(app_for(sample), terminal_size=(80, 24), run_before=ready)


def test_snapshot_findings(snap_compare: Compare, sample: SampleCase) -> None:
    ready = then("2", ready=lambda s: isinstance(s, FindingsScreen) and detail_shows_cursor_row(s))
    assert snap_compare(app_for(sample), terminal_size=(80, 24), run_before=ready)


def test_snapshot_findings_grouped_by_value(snap_compare: Compare, sample: SampleCase) -> None:
    ready = then("2", "g", ready=lambda s: isinstance(s, FindingsScreen) and s.view.in_groups
                 and detail_shows_cursor_row(s))
    assert snap_compare(app_for(sample), terminal_size=(80, 24), run_before=ready)


def test_snapshot_findings_selection_and_decisions(snap_compare: Compare, sample: SampleCase) -> None:
    ready = then("2", "c", "space", "space", ready=lambda s: isinstance(s, FindingsScreen)
                 and s.findings_table.row_at(0).status is Status.CONFIRMED and detail_shows_cursor_row(s))
    assert snap_compare(app_for(sample), terminal_size=(80, 24), run_before=ready)


def test_snapshot_files(snap_compare: Compare, sample: SampleCase) -> None:
    ready = then("3", ready=lambda s: isinstance(s, FilesScreen) and s.query_one(ShareTree).root.data is not None)
    assert snap_compare(app_for(sample), terminal_size=(80, 24), run_before=ready)


def test_snapshot_people(snap_compare: Compare, sample: SampleCase) -> None:
    ready = then("4", ready=lambda s: isinstance(s, PeopleScreen) and s.exposure_for is not None)
    assert snap_compare(app_for(sample), terminal_size=(80, 24), run_before=ready)


def test_snapshot_help(snap_compare: Compare, sample: SampleCase) -> None:
    ready = then("2", "question_mark", ready=lambda s: s.__class__.__name__ == "HelpScreen")
    assert snap_compare(app_for(sample), terminal_size=(80, 24), run_before=ready)


def test_snapshot_findings_120x40_spreadsheet_row(snap_compare: Compare, sample: SampleCase) -> None:
    """Wide: the detail pane beside the table, a spreadsheet finding with its header and masked row."""
    ready = then("2", "slash", *"file:payroll/2024-03/payouts.xlsx", "enter", "down",
                 ready=lambda s: isinstance(s, FindingsScreen) and s.findings_table.cursor == 1
                 and detail_shows_cursor_row(s))
    assert snap_compare(app_for(sample), terminal_size=(120, 40), run_before=ready)


def test_snapshot_findings_60x15(snap_compare: Compare, sample: SampleCase) -> None:
    ready = then("2", ready=lambda s: isinstance(s, FindingsScreen) and detail_shows_cursor_row(s))
    assert snap_compare(app_for(sample), terminal_size=(60, 15), run_before=ready)


def test_snapshot_overview_no_color(snap_compare: Compare, sample: SampleCase, monkeypatch: pytest.MonkeyPatch
                                    ) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    ready = then(ready=lambda s: isinstance(s, OverviewScreen) and s.overview is not None and s.folders is not None)
    assert snap_compare(app_for(sample), terminal_size=(80, 24), run_before=ready)


def test_snapshot_groups_by_folder_sorted_by_path(snap_compare: Compare, sample: SampleCase) -> None:
    ready = then("2", "g", "g", "g", "g", "S", ready=lambda s: isinstance(s, FindingsScreen) and s.view.in_groups
                 and s.view.query.sort == "path" and detail_shows_cursor_row(s))
    assert snap_compare(app_for(sample), terminal_size=(80, 24), run_before=ready)


def test_snapshot_confirmation_says_what_will_change(snap_compare: Compare, sample: SampleCase) -> None:
    ready = then("2", "slash", *"t:PHONE_NUMBER", "enter", "A", "c",
                 ready=lambda s: s.__class__.__name__ == "ConfirmDialog")
    assert snap_compare(app_for(sample), terminal_size=(80, 24), run_before=ready)
