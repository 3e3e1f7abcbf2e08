"""A responder's whole day in the app (issue 18), item by item, through Pilot and the case file."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable

import pytest
from conftest import screen_text, settle, wait_for
from rich.console import Console
from sample_case import SampleCase
from test_findings_flows import filter_by, open_findings, shown
from textual.command import CommandList
from textual.widgets import Input, Label, Static

import tui.watch as watch_module
from spill.case import Case
from spill.model import REVIEWED, Action, FindingQuery, Status
from tui.app import TriageApp
from tui.screens.dialogs import ConfirmDialog, InfoDialog, PathDialog
from tui.screens.files import FilesScreen
from tui.screens.findings import FindingsScreen
from tui.screens.help import HelpScreen
from tui.screens.overview import OverviewScreen, PanelList
from tui.widgets.columns import finding_columns
from tui.widgets.share_tree import FileEntry, Folder, ShareTree
from tui.widgets.virtual_table import column_widths

pytestmark = pytest.mark.anyio


def notes(app: TriageApp) -> str:
    return "\n".join(n.message for n in app._notifications)


# ---------------------------------------------------------------- finding things
async def test_the_readme_path_example_works_and_unknown_terms_say_what_is_allowed(
        make_app: Callable[..., TriageApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_findings(pilot)
        await filter_by(pilot, screen, "path:HR/*")  # any case, from any folder
        assert screen.findings_table.total == 9
        for text, says in (("foo:bar", "the keys are type: (t:)"), ("type:FOO", "types here:"),
                           ("lab:Halcyon", "client labs here: Northwind AI")):
            await filter_by(pilot, screen, text)
            assert says in notes(app), text
            assert screen.view.query.path_glob == "HR/*"  # the filter shown stays the one applied
            await pilot.press("escape")
        await filter_by(pilot, screen, "lab:northwind")
        assert screen.findings_table.total == 1 and screen.findings_table.row_at(0).entity_type == "LAB_RUBRIC"


async def test_a_typed_raw_value_finds_its_findings_and_is_never_logged(make_app: Callable[..., TriageApp],
                                                                        sample: SampleCase) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_findings(pilot)
        await filter_by(pilot, screen, "priya.sharma@gmail.com")
        assert screen.findings_table.total == 2
        await pilot.press("A", "c")
        await shown(pilot, lambda: "2 changed" in notes(app))
    with Case.open(sample.path) as case:
        reasons = [d.reason or "" for d in case.log.entries()]
        assert reasons and all("priya" not in r and "filter: " in r for r in reasons)


async def test_group_views_come_worst_first_and_follow_the_sort_key(make_app: Callable[..., TriageApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_findings(pilot)
        await pilot.press("g", "g", "g", "g")  # by folder
        await settle(pilot)
        table = screen.groups_table

        def labels() -> list[str]:
            return [table.row_at(i).label for i in range(table.total or 0)]

        assert table.row_at(0).worst.value == "critical" and table.row_at(table.total - 1).worst.value == "low"
        await pilot.press("S")  # path
        await settle(pilot)
        assert labels() == sorted(labels())
        await filter_by(pilot, screen, "sort:-severity")
        assert table.row_at(0).worst.value == "low"


async def test_overview_rows_open_the_findings_they_count(make_app: Callable[..., TriageApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        overview = app.screen
        assert isinstance(overview, OverviewScreen)
        await wait_for(pilot, lambda: overview.folders is not None, what="the overview")
        await settle(pilot)
        assert overview.query_one("#severity", PanelList).has_focus
        await pilot.press("enter")  # CRIT, the first row
        await settle(pilot)
        findings = app.screen
        assert isinstance(findings, FindingsScreen)
        assert findings.view.query.severities == ("critical",) and findings.findings_table.total == 3
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("tab", "tab", "tab")  # rubrics, categories, folders
        folders = overview.query_one("#folders", PanelList)
        assert folders.has_focus
        await pilot.press("enter")  # the first folder: support/tickets, 30 findings
        await settle(pilot)
        assert app.screen.view.query.folder == "support/tickets" and app.screen.findings_table.total == 30


# ---------------------------------------------------------------- reading a finding
async def test_the_detail_pane_takes_focus_scrolls_and_lists_the_file_from_this_finding_on(
        make_app: Callable[..., TriageApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_findings(pilot)
        await filter_by(pilot, screen, "file:hr/contractors/roster.csv sort:path")
        await pilot.press("down", "down", "down", "down")  # the fifth finding of the file, in file order
        await settle(pilot)
        await wait_for(pilot, lambda: "same file" in str(screen.detail.body.render()), what="the detail")
        text = str(screen.detail.body.render())
        assert "4 before this one; the next:" in text
        following = screen.findings_table.row_at(5)  # listed first: the one after this, not the file's first
        assert text[text.index("the next:"):].splitlines()[1].strip().startswith(
            f"med {following.entity_type} {following.preview}")
        await pilot.press("tab")
        assert screen.detail.has_focus
        await pilot.press("end")
        await wait_for(pilot, lambda: screen.detail.scroll_y > 0, what="the pane to scroll")
        await pilot.press("escape")
        assert screen.findings_table.has_focus


async def test_a_spreadsheet_finding_shows_its_header_and_masked_row(make_app: Callable[..., TriageApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_findings(pilot)
        await filter_by(pilot, screen, "type:IBAN_CODE")
        await wait_for(pilot, lambda: "context" in str(screen.detail.body.render()), what="the detail")
        text = str(screen.detail.body.render())
        assert "IBAN: ⟦" in text and "Contractor ID: •••-••02" in text and "Amount: EU•" in text
        assert "1,200" not in text and "CTR-1002" not in text


def test_columns_get_room_by_width_and_the_file_name_stays_whole() -> None:
    columns = finding_columns(lambda _id: False)
    names = [c.label for c in columns]
    at80, at120 = column_widths(columns, 80), column_widths(columns, 120)
    assert at80[names.index("where")] == 0  # gives way below 96 columns; the detail pane says it
    assert at120[names.index("where")] >= 12 and at120[names.index("path")] > at80[names.index("path")] >= 25
    for widths, total in ((at80, 80), (at120, 120)):
        assert sum(widths) + sum(1 for w in widths if w) - 1 <= total


async def test_at_80_columns_every_file_name_is_whole(make_app: Callable[..., TriageApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_findings(pilot)
        await filter_by(pilot, screen, "sort:path")
        shown_text = screen_text(app)
        for i in range(8):
            name = screen.findings_table.row_at(i).path.replace("!/", "/").rpartition("/")[2]
            assert name in shown_text, name


# ---------------------------------------------------------------- deciding safely
async def test_range_without_an_anchor_starts_one_and_select_all_with_no_match_selects_nothing(
        make_app: Callable[..., TriageApp], sample: SampleCase) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_findings(pilot)
        await pilot.press("down", "down", "V")  # no anchor: the range starts here, nothing selected from the top
        assert not screen.view.selection and screen.view.selection.anchor == 2
        await pilot.press("down", "V")
        assert len(screen.view.selection) == 2
        await pilot.press("escape")
        await filter_by(pilot, screen, "nothing-matches-this")
        await pilot.press("A", "c")
        await settle(pilot)
        assert not screen.view.selection.everything and "nothing to select" in notes(app)
        assert "Confirmed all 0" not in notes(app)
        assert str(screen.detail.body.render()) == "no findings match the filter"
    assert Case.open(sample.path).log.count() == 0


async def test_a_decision_spanning_many_files_asks_first_saying_what_changes(
        make_app: Callable[..., TriageApp], sample: SampleCase) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_findings(pilot)
        await filter_by(pilot, screen, "t:PHONE_NUMBER")
        await pilot.press("A", "i")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        assert "30 findings in 15 files" in str(app.screen.query_one("#confirm-details", Label).render())
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen
    with Case.open(sample.path) as case:
        assert case.log.count() == 0


async def test_a_second_window_is_noticed_and_its_rows_are_not_overwritten(
        make_app: Callable[..., TriageApp], sample: SampleCase, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(watch_module, "POLL_SECONDS", 0.05)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_findings(pilot)
        await wait_for(pilot, lambda: app.seen_head == 0, what="the watcher")
        first = screen.findings_table.row_at(0)
        with Case.open(sample.path) as other:  # the other window
            other.log.decide([first.id], action=Action.STATUS, after="ignored", analyst="bob")
        await wait_for(pilot, lambda: "1 decision made elsewhere (bob)" in notes(app), what="the notice")
        await wait_for(pilot, lambda: screen.findings_table.row_at(0).status is Status.IGNORED, what="the re-read")
        assert app.seen_head == 1
        # the watcher looks away: bob decides the next row; deciding it here now is refused
        monkeypatch.setattr(watch_module, "POLL_SECONDS", 3600)
        await pilot.pause(0.2)
        await pilot.press("down")
        second = screen.findings_table.cursor_row
        with Case.open(sample.path) as other:
            other.log.decide([second.id], action=Action.STATUS, after="false_positive", analyst="bob")
        await pilot.press("c")
        await wait_for(pilot, lambda: "changed in another window" in notes(app), what="the refusal")
        await settle(pilot)
        assert screen.findings_table.row_at(1).status is Status.FALSE_POSITIVE  # read again, bob's decision shown
    with Case.open(sample.path) as case:
        assert case.get_finding(second.id).status is Status.FALSE_POSITIVE
        assert [d.analyst for d in case.log.entries()] == ["bob", "bob"]
        assert case.log.verify() == []


# ---------------------------------------------------------------- the Files screen
async def files_screen(pilot) -> FilesScreen:
    await pilot.press("3")
    screen = pilot.app.screen
    assert isinstance(screen, FilesScreen)
    await wait_for(pilot, lambda: screen.query_one(ShareTree).root.data is not None, what="the tree")
    await settle(pilot)
    return screen


async def select_node(pilot, tree: ShareTree, path: str) -> None:
    """Open folders down to ``path`` and put the cursor on it."""
    for _ in range(10):
        for line in range(tree.last_line + 1):
            node = tree.get_node_at_line(line)
            data = node.data if node is not None else None
            key = data.path if isinstance(data, Folder) else data.stats.path if isinstance(data, FileEntry) else None
            if key == path:
                tree.cursor_line = line
                await pilot.pause()
                return
            if node is not None and key and path.startswith(key + "/") and not node.is_expanded:
                node.expand()
                break
        await pilot.pause()
    raise AssertionError(f"{path} not in the tree")


async def test_files_show_open_counts_and_a_skipped_file_is_marked_reviewed_through_the_log(
        make_app: Callable[..., TriageApp], sample: SampleCase) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await files_screen(pilot)
        tree = screen.query_one(ShareTree)
        labels = {str(n.label).split("/")[0]: str(n.label) for n in tree.root.children}
        assert "30 beneath" in labels["support"] and "2 med" in labels["exports"]
        await select_node(pilot, tree, "misc/scan_0001.png")
        await pilot.pause()
        await pilot.press("m")
        await wait_for(pilot, lambda: "reviewed (alice)" in screen_text(app), what="the review mark")
        assert "1 changed (logged)" in notes(app)
    with Case.open(sample.path) as case:
        (entry,) = case.log.entries()
        assert (entry.action, entry.target_kind, entry.after, entry.analyst) == ("review", "file", REVIEWED, "alice")
        assert [r[0] for r in case.coverage.reviewed_files()] == ["misc/scan_0001.png"]
        from spill.notify_rules import load_rulebook
        from spill.report import markdown
        from spill.report.data import build

        report = markdown.render(build(case, load_rulebook())).splitlines()
        assert any(line.startswith("| misc/scan_0001.png | skipped |") and line.endswith("| alice |")
                   for line in report)  # the coverage section: what was not read, and who reviewed it


async def test_one_count_per_folder_everywhere(make_app: Callable[..., TriageApp]) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        overview = app.screen
        await wait_for(pilot, lambda: overview.folders is not None, what="the folders")
        overview_counts = {folder: n for folder, n, _w in overview.folders}
        screen = await open_findings(pilot)
        await pilot.press("g", "g", "g", "g")
        await settle(pilot)
        groups = {screen.groups_table.row_at(i).label: screen.groups_table.row_at(i).count
                  for i in range(screen.groups_table.total or 0)}
        files = await files_screen(pilot)
        tree = files.query_one(ShareTree)
        await select_node(pilot, tree, "hr/contractors")
        node = tree.cursor_node
        assert node is not None and isinstance(node.data, Folder)
        assert overview_counts["hr/contractors"] == groups["hr/contractors"] == node.data.inside.findings == 9
        assert overview_counts == groups


# ---------------------------------------------------------------- the chrome
async def test_the_palette_offers_only_safe_commands_and_spills_own(make_app: Callable[..., TriageApp]) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("ctrl+p")
        commands = app.screen.query_one(CommandList)
        await wait_for(pilot, lambda: commands.option_count > 10, what="the commands")
        listed = [str(commands.get_option_at_index(i).prompt).split("\n")[0] for i in range(commands.option_count)]
        assert not any(word in " ".join(listed) for word in ("Screenshot", "Keys", "Theme", "Maximize"))
        assert sum(1 for name in listed if name.startswith("Quit")) == 1
        for name in ("Export the current filter (JSONL)", "Export the confirmed findings (CSV)",
                     "Write the report (Markdown)", "Verify the case"):
            assert name in listed
        await pilot.press(*"P-")  # people by id (or masked label, or a raw identifier)
        await wait_for(pilot, lambda: any("Jump to person" in str(commands.get_option_at_index(i).prompt)
                                          for i in range(commands.option_count)), what="the people")
        await pilot.press("escape")


async def test_export_from_the_app_writes_the_filter_with_notes_privately(make_app: Callable[..., TriageApp],
                                                                          sample: SampleCase) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_findings(pilot)
        await filter_by(pilot, screen, "type:IN_PAN")
        await pilot.press("n", *"sent to counsel", "enter")
        await shown(pilot, lambda: screen.findings_table.row_at(0).note == "sent to counsel")
        app.case_commands.export("filter", "jsonl")
        await wait_for(pilot, lambda: isinstance(app.screen, PathDialog) and app.screen.query(Input),
                       what="the path dialog")
        target = sample.path.with_name("pan.jsonl")
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Exported 1 findings" in notes(app), what="the export")
        (row,) = [json.loads(line) for line in target.read_text().splitlines()]
        assert row["entity_type"] == "IN_PAN" and row["note"] == "sent to counsel" and "value" not in row
        assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
        app.case_commands.export("confirmed", "csv")  # into the scanned share: refused, evidence is read-only
        await wait_for(pilot, lambda: isinstance(app.screen, PathDialog) and app.screen.query(Input),
                       what="the path dialog")
        app.screen.query_one(Input).value = "/evidence/vendor-share/out.csv"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "inside the scanned share" in notes(app), what="the refusal")


async def test_verify_from_the_app_says_the_log_is_intact(make_app: Callable[..., TriageApp]) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.case_commands.verify()
        await wait_for(pilot, lambda: isinstance(app.screen, InfoDialog), what="the verdict")
        text = str(app.screen.query_one("#info-lines", Label).render())
        assert "decision log: intact" in text and "evidence: not checked here" in text


async def test_help_names_no_internals_and_lists_every_filter_key(make_app: Callable[..., TriageApp]) -> None:
    from tui.filtering import FILTER_KEYS

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_findings(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=200, file=__import__("io").StringIO(), record=True)
        console.print(app.screen.query_one("#help-text", Static).content)
        text = console.export_text()
        for internal in ("VirtualTable", "OptionList", "DetailPane", "FilterBar", "when focused", "Focus Previous"):
            assert internal not in text
        assert "In the table" in text
        for key in FILTER_KEYS:
            for spelling in key.spellings:
                assert f"{spelling}:" in text


async def test_one_wording_for_false_positive_and_for_no_client(make_app: Callable[..., TriageApp],
                                                               sample: SampleCase) -> None:
    with Case.open(sample.path) as case:
        rubric = case.triage.ids(FindingQuery(entity_types=("LAB_RUBRIC",)))
        case.conn.execute("UPDATE findings SET client = NULL WHERE id = ?", rubric)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        overview = app.screen
        await wait_for(pilot, lambda: overview.overview is not None, what="the overview")
        await pilot.pause()
        assert "(client not named)" in screen_text(app) and "false positive" in screen_text(app)
        screen = await open_findings(pilot)
        await filter_by(pilot, screen, "client:none")
        await pilot.press("x")
        await shown(pilot, lambda: screen.findings_table.row_at(0).status is Status.FALSE_POSITIVE)
        await wait_for(pilot, lambda: "(client not named)" in str(screen.detail.body.render()), what="detail")
        shown_text = screen_text(app)
        assert "false positive" in shown_text and "False +" not in shown_text
