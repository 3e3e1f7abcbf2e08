"""Overview, Files, People, help and the command palette, driven through Pilot."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from conftest import screen_text, settle, wait_for
from rich.console import Console
from sample_case import RULES_FP, SampleCase
from textual.command import CommandList
from textual.widgets import Static

import tui.screens.overview as overview_module
from spill.case import Case
from spill.model import FileRecord, FileResult, FileStatus, Status
from tui.app import TriageApp
from tui.screens.files import FilesScreen
from tui.screens.findings import FindingsScreen
from tui.screens.help import HelpScreen
from tui.screens.overview import OverviewScreen
from tui.screens.people import PeopleScreen
from tui.widgets.share_tree import ShareTree

pytestmark = pytest.mark.anyio


async def test_overview_shows_the_case_at_a_glance(make_app: Callable[..., TriageApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, OverviewScreen)
        await wait_for(pilot, lambda: screen.overview is not None, what="the overview")
        o = screen.overview
        assert o is not None
        assert o.findings == 51 and o.people == 3
        assert o.files == {"done": 21, "skipped": 2, "error": 1} and o.members == {"done": 1}
        assert o.rubric_clients == [("Northwind AI", 1, 1)]
        assert o.by_severity == {"critical": 3, "high": 3, "medium": 14, "low": 31}
        await wait_for(pilot, lambda: screen.overview.open_by_severity == o.by_severity, what="the open counts")
        await pilot.pause()
        shown = screen_text(app)
        assert "24 (+1 inside archives/mail): 21 scanned · 2 skipped · 1 failed" in shown
        assert "Northwind AI" in shown and "3 with exposed data" in shown and "0 of 51 findings decided" in shown
        assert "analyst alice" in shown and "next: 3 critical findings are open" in shown


async def test_overview_follows_a_running_scan(running_sample: SampleCase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(overview_module, "LIVE_REFRESH_SECONDS", 0.05)
    app = TriageApp(running_sample.path, analyst="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, OverviewScreen)
        await wait_for(pilot, lambda: screen.overview is not None, what="the overview")
        await pilot.pause()
        assert "RUNNING" in screen_text(app)
        assert not screen.query_one("#scan-progress").has_class("-hidden")
        # the scanner writes more while the app is open
        with Case.open(running_sample.path) as case:
            scan = case.scans.last()
            assert scan is not None
            late = FileRecord(id="late", path="late/new.txt", parent=None, sha256="0" * 64, size=1, mtime=0.0,
                              kind="text", status=FileStatus.SKIPPED, reason="binary")
            case.scans.write_results([FileResult(late)], scan.id, RULES_FP)
        await wait_for(pilot, lambda: screen.overview is not None and screen.overview.files.get("skipped") == 3,
                       what="the live refresh")
        assert "still running" in screen_text(app)
        with Case.open(running_sample.path) as case:
            case.scans.finish(scan.id, "finished", {})
        await wait_for(pilot, lambda: screen.overview is not None and screen.overview.scan.status == "finished",
                       what="the scan to finish")
        await pilot.pause()
        assert screen.query_one("#scan-progress").has_class("-hidden")


async def test_number_keys_switch_screens_and_keep_their_state(make_app: Callable[..., TriageApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for key, cls in (("2", FindingsScreen), ("3", FilesScreen), ("4", PeopleScreen), ("1", OverviewScreen)):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, cls)
        await pilot.press("2")
        findings = app.screen
        await settle(pilot)
        await pilot.press("down", "down", "3", "2")
        assert app.screen is findings and findings.findings_table.cursor == 2


async def test_files_screen_shows_what_was_not_scanned(make_app: Callable[..., TriageApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        screen = app.screen
        assert isinstance(screen, FilesScreen)
        await wait_for(pilot, lambda: screen.query_one(ShareTree).root.data is not None, what="the tree")
        await settle(pilot)
        problems = screen.query_one("#problems-table")
        assert problems.total == 3
        assert problems.row_at(0).status == FileStatus.ERROR  # failed first
        assert {problems.row_at(i).reason for i in range(3)} >= {"encrypted PDF: needs a password"}
        tree = screen.query_one(ShareTree)
        root = str(tree.root.label)
        assert "51" in root and "3 not scanned" in root
        labels = {str(n.label).split("/")[0]: str(n.label) for n in tree.root.children}
        assert "CRIT" in labels["kyc"] and "1 not scanned" in labels["payroll"]


async def test_files_screen_jumps_to_the_findings_of_a_folder(make_app: Callable[..., TriageApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        screen = app.screen
        await wait_for(pilot, lambda: screen.query_one(ShareTree).root.data is not None, what="the tree")
        tree = screen.query_one(ShareTree)
        support = next(i for i, n in enumerate(tree.root.children) if str(n.label).startswith("support/"))
        tree.cursor_line = support + 1  # line 0 is the root
        await pilot.press("f")
        await settle(pilot)
        findings = app.screen
        assert isinstance(findings, FindingsScreen)
        assert findings.view.query.path_glob == "/support/*"  # everything beneath the folder, from the root
        assert findings.findings_table.total == 30


async def test_people_screen_lists_people_and_what_of_theirs_is_exposed(
        make_app: Callable[..., TriageApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        screen = app.screen
        assert isinstance(screen, PeopleScreen)
        await settle(pilot)
        await wait_for(pilot, lambda: screen.exposure_for is not None, what="the person's exposure")
        assert screen.table.total == 3
        top = screen.table.cursor_row
        assert top.label == "P••• S•••" and top.findings == 7  # Priya: roster, payout, old export
        text = screen_text(app)
        assert "IBAN_CODE" in text and "exports/backup.zip!/roster_old.csv" in text
        assert "priya" not in text.lower()  # masked
        await pilot.press("enter")
        await settle(pilot)
        findings = app.screen
        assert isinstance(findings, FindingsScreen)
        assert findings.findings_table.total == 7
        assert findings.query_one("#filter").value == f"person:{top.id}"


async def test_help_is_generated_from_every_binding(make_app: Callable[..., TriageApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        help_text = app.screen.query_one("#help-text", Static).content
        console = Console(width=200, file=io.StringIO(), record=True)
        console.print(help_text)
        text = console.export_text()
        for binding in [*FindingsScreen.BINDINGS, *TriageApp.BINDINGS, *FilesScreen.BINDINGS,
                        *PeopleScreen.BINDINGS]:
            assert binding.description in text, binding
            assert binding.tooltip in text, binding
        assert "U / ctrl+r" in text or "U / ^r" in text
        await pilot.press("escape")
        assert isinstance(app.screen, FindingsScreen)


async def test_palette_lists_the_screen_actions_and_runs_them(make_app: Callable[..., TriageApp],
                                                             sample: SampleCase) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        screen = app.screen
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"false")
        commands = app.screen.query_one(CommandList)
        # the palette searches as the keys arrive: wait for the search of the whole word, not of its "f"
        await wait_for(pilot, lambda: commands.option_count > 0
                       and "False positive" in str(commands.get_option_at_index(0).prompt),
                       what="the palette to list the command first")
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.findings_table.row_at(0).status is Status.FALSE_POSITIVE,
                       what="the decision")
    with Case.open(sample.path) as case:
        assert [d.after for d in case.log.entries()] == ["false_positive"]


async def test_app_reads_under_no_color_and_at_large_sizes(sample: SampleCase, monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = TriageApp(sample.path, analyst="alice")
    async with app.run_test(size=(200, 60)) as pilot:
        assert app.no_color
        await pilot.press("2")
        screen = app.screen
        await settle(pilot)
        assert screen.has_class("-wide")  # detail pane beside the table
        table, detail = screen.findings_table, screen.detail
        assert detail.region.x >= table.region.right
        svg = app.export_screenshot()
        assert "CRIT" in svg and "open" in svg  # severity and status are words, not colours


async def test_every_binding_has_a_description_and_a_tooltip() -> None:
    from tui.screens.dialogs import ConfirmDialog, NoteDialog, SeverityDialog
    from tui.widgets.filter_bar import FilterBar
    from tui.widgets.virtual_table import VirtualTable

    owners = [TriageApp, OverviewScreen, FindingsScreen, FilesScreen, PeopleScreen, HelpScreen, NoteDialog,
              SeverityDialog, ConfirmDialog, FilterBar, VirtualTable]
    for owner in owners:
        for binding in owner.BINDINGS:
            assert binding.description.strip(), f"{owner.__name__} {binding.key} has no description"
            assert binding.tooltip.strip(), f"{owner.__name__} {binding.key} has no tooltip"


def test_tui_never_touches_sql_itself() -> None:
    from pathlib import Path

    import tui

    root = Path(tui.__file__).parent
    for source in root.rglob("*.py"):
        text = source.read_text()
        for forbidden in ("import sqlite3", "sqlite_utils", "SELECT ", "UPDATE ", "INSERT ", "DELETE FROM"):
            assert forbidden not in text, f"{source.name} contains {forbidden!r}"
        assert "import scanners" not in text and "from scanners" not in text, source.name
