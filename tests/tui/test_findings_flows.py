"""The Findings screen driven through Pilot; every flow is checked in the case file afterwards."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import detail_shows_cursor_row, settle, wait_for
from sample_case import SUPPORT_PHONE, SampleCase
from textual.pilot import Pilot
from textual.widgets import Label

from spill.case import Case
from spill.model import Finding, Status
from tui.app import TriageApp
from tui.screens.dialogs import ConfirmDialog
from tui.screens.findings import FindingsScreen
from tui.widgets.filter_bar import FilterBar

pytestmark = pytest.mark.anyio


async def open_findings(pilot: Pilot[None]) -> FindingsScreen:
    await pilot.press("2")
    screen = pilot.app.screen
    assert isinstance(screen, FindingsScreen)
    await settle(pilot)
    await wait_for(pilot, lambda: detail_shows_cursor_row(screen), what="the detail pane")
    return screen


async def shown(pilot: Pilot[None], condition: Callable[[], object], what: str = "the decision") -> None:
    """Wait until the screen shows a decision (it is shown only once committed), then for the app to settle."""
    await wait_for(pilot, condition, what=what)
    await settle(pilot)


async def filter_by(pilot: Pilot[None], screen: FindingsScreen, text: str) -> None:
    """Open the filter bar with its key, put the text in, apply it with enter."""
    await pilot.press("slash")
    screen.query_one(FilterBar).value = text
    await pilot.press("enter")
    await settle(pilot)


def statuses(sample: SampleCase) -> dict[str, str]:
    with Case.open(sample.path) as case:
        return {f.id: f.status.value for f in case.iter_findings()}


async def test_findings_confirm_key_records_decision(make_app: Callable[..., TriageApp], sample: SampleCase) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_findings(pilot)
        first = screen.findings_table.cursor_row
        assert isinstance(first, Finding)
        await pilot.press("c")
        await shown(pilot, lambda: screen.findings_table.row_at(0).status is Status.CONFIRMED)
        assert screen.findings_table.cursor == 1  # the next finding comes up
    with Case.open(sample.path) as case:
        assert case.get_finding(first.id).status.value == "confirmed"
        log = case.log.entries(first.id)
        assert [(d.action, d.before, d.after, d.analyst) for d in log] == [("status", "open", "confirmed", "alice")]
        assert case.log.verify() == []


async def test_findings_filter_narrows_the_table(make_app: Callable[..., TriageApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_findings(pilot)
        assert screen.findings_table.total == 51
        await pilot.press("slash")
        await pilot.press(*"type:iban_code", "enter")
        await settle(pilot)
        assert screen.findings_table.total == 2
        rows = [screen.findings_table.row_at(i) for i in range(2)]
        assert {r.entity_type for r in rows} == {"IBAN_CODE"}
        assert screen.findings_table.has_focus
        await pilot.press("slash")
        await pilot.press("ctrl+u", *"path:kyc/* sev:crit+", "enter")
        await settle(pilot)
        assert screen.findings_table.total == 1
        assert screen.findings_table.row_at(0).entity_type == "IN_PAN"


async def test_findings_bad_filter_is_refused_and_the_old_one_kept(make_app: Callable[..., TriageApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_findings(pilot)
        await pilot.press("slash")
        screen.query_one(FilterBar).value = "sev:urgent"
        await pilot.press("enter")
        assert screen.view.query.severities == ()
        assert any("unknown severity" in n.message for n in app._notifications)
        await pilot.press("escape")
        assert screen.findings_table.has_focus


async def test_findings_free_text_searches_path_and_masked_context(make_app: Callable[..., TriageApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_findings(pilot)
        await filter_by(pilot, screen, "weekday")  # only in the tickets' (masked) context
        assert screen.findings_table.total == 30
        await filter_by(pilot, screen, "northwind")  # only in a path
        assert screen.findings_table.total == 2


async def test_a_filter_matching_nothing_says_so(make_app: Callable[..., TriageApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_findings(pilot)
        await filter_by(pilot, screen, "nothing-matches-this")
        assert screen.findings_table.total == 0
        await wait_for(pilot, lambda: str(screen.detail.body.render()) == "no findings match the filter",
                       what="the empty detail pane")


async def test_group_by_value_decides_every_member(make_app: Callable[..., TriageApp], sample: SampleCase) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_findings(pilot)
        await filter_by(pilot, screen, "t:PHONE_NUMBER")
        await pilot.press("g")
        await settle(pilot)
        assert screen.view.in_groups and screen.view.group_by == "value"
        top = screen.groups_table.cursor_row
        assert top.count == 30 and top.entity_type == "PHONE_NUMBER"
        await pilot.press("x")  # 30 findings in 15 files: more than 10 files, so it asks, saying what changes
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        details = str(app.screen.query_one("#confirm-details", Label).render())
        assert "30 findings in 15 files" in details and "30 open → false positive" in details
        await pilot.press("y")
        await shown(pilot, lambda: screen.groups_table.row_at(0).open == 0)
        assert any("30 changed" in n.message for n in app._notifications)
    with Case.open(sample.path) as case:
        phones = [f for f in case.iter_findings() if f.entity_type == "PHONE_NUMBER"]
        assert len(phones) == 30 and {f.status.value for f in phones} == {"false_positive"}
        log = case.log.entries()
        assert len(log) == 30 and len({d.batch for d in log}) == 1
        assert log[0].reason.startswith("group by value")
        assert case.matches_fingerprint(SUPPORT_PHONE, phones[0].fingerprint)
        assert case.log.verify() == []


async def test_group_open_lists_members_and_escape_goes_back(make_app: Callable[..., TriageApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_findings(pilot)
        await pilot.press("g", "g")  # by rule
        await settle(pilot)
        assert screen.view.group_by == "rule"
        await pilot.press("end")
        group = screen.groups_table.cursor_row
        await pilot.press("enter")
        await settle(pilot)
        assert not screen.view.in_groups and screen.findings_table.total == group.count
        await pilot.press("escape")
        await settle(pilot)
        assert screen.view.in_groups and screen.groups_table.has_focus
        await pilot.press("g", "g", "g")  # file, folder, back to no grouping
        await settle(pilot)
        assert screen.view.group_by == "" and screen.findings_table.total == 51


async def test_group_by_folder_counts_archive_members_in_their_folder(make_app: Callable[..., TriageApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_findings(pilot)
        await pilot.press("g", "g", "g", "g")
        await settle(pilot)
        assert screen.view.group_by == "folder"
        groups = {screen.groups_table.row_at(i).label: screen.groups_table.row_at(i).count
                  for i in range(screen.groups_table.total or 0)}
        assert groups["support/tickets"] == 30 and groups["exports"] == 2


async def test_select_range_then_ignore_decides_the_selection(make_app: Callable[..., TriageApp],
                                                              sample: SampleCase) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_findings(pilot)
        table = screen.findings_table
        await pilot.press("space")  # selects row 0, anchor there, cursor to row 1
        await pilot.press("down", "down", "V")  # rows 0..3
        assert len(screen.view.selection) == 4
        await pilot.press("shift+down")  # and 4
        assert len(screen.view.selection) == 5
        ids = {table.row_at(i).id for i in range(5)}
        await pilot.press("i")
        assert not screen.view.selection  # cleared as the decision is sent
        await shown(pilot, lambda: all(table.row_at(i).status is Status.IGNORED for i in range(5)))
    after = statuses(sample)
    assert {after[i] for i in ids} == {"ignored"}
    assert sum(1 for s in after.values() if s == "ignored") == 5


async def test_select_all_in_filter_decides_every_match(make_app: Callable[..., TriageApp],
                                                        sample: SampleCase) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_findings(pilot)
        await filter_by(pilot, screen, "type:EMAIL_ADDRESS")
        await pilot.press("A")
        assert screen.view.selection.everything
        await pilot.press("c")
        await shown(pilot, lambda: any("5 changed" in n.message for n in app._notifications))
    with Case.open(sample.path) as case:
        mails = [f for f in case.iter_findings() if f.entity_type == "EMAIL_ADDRESS"]
        assert len(mails) == 5 and {f.status.value for f in mails} == {"confirmed"}
        others = [f for f in case.iter_findings() if f.entity_type != "EMAIL_ADDRESS"]
        assert {f.status.value for f in others} == {"open"}
        assert case.log.entries()[0].reason == "filter: type:EMAIL_ADDRESS"


async def test_undo_then_redo_restores_and_reapplies(make_app: Callable[..., TriageApp], sample: SampleCase) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_findings(pilot)
        table = screen.findings_table
        fid = table.cursor_row.id
        await pilot.press("c")
        await shown(pilot, lambda: table.row_at(0).status is Status.CONFIRMED)
        await pilot.press("u")
        await shown(pilot, lambda: table.row_at(0).status is Status.OPEN, "the undo")
        assert statuses(sample)[fid] == "open"
        await pilot.press("U")
        await shown(pilot, lambda: table.row_at(0).status is Status.CONFIRMED, "the redo")
        assert statuses(sample)[fid] == "confirmed"
        await pilot.press("ctrl+r")  # nothing left to redo
        await pilot.pause()
        assert any("Nothing to redo" in n.message for n in app._notifications)
    with Case.open(sample.path) as case:
        log = case.log.entries(fid)
        assert [(d.before, d.after) for d in log] == [("open", "confirmed"), ("confirmed", "open"),
                                                      ("open", "confirmed")]
        assert log[1].reason == f"undo {log[0].batch}"
        assert case.log.verify() == []


async def test_reveal_shows_value_logs_it_and_hides_on_next_move(make_app: Callable[..., TriageApp],
                                                                 sample: SampleCase) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_findings(pilot)
        await filter_by(pilot, screen, "type:IN_PAN")
        fid = screen.findings_table.cursor_row.id
        assert "ABCPE1234F" not in str(screen.detail.body.render())
        await pilot.press("r")
        await wait_for(pilot, lambda: "ABCPE1234F" in str(screen.detail.body.render()), what="value shown")
        await filter_by(pilot, screen, "")  # any move hides it
        assert screen.detail.revealed is None
        assert "ABCPE1234F" not in str(screen.detail.body.render())
    with Case.open(sample.path) as case:
        log = case.log.entries(fid)
        assert [(d.action, d.after, d.analyst) for d in log] == [("reveal", None, "alice")]
        assert case.get_finding(fid).status.value == "open"  # a reveal decides nothing


async def test_reveal_refuses_a_changed_source(make_app: Callable[..., TriageApp], sample: SampleCase) -> None:
    source = sample.share / "kyc/id_0001.pdf"
    source.write_text(source.read_text().replace("ABCPE1234F", "ZZZZZ9999Z"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_findings(pilot)
        await filter_by(pilot, screen, "type:IN_PAN")
        await pilot.press("r")
        await wait_for(pilot, lambda: any("no longer matches" in n.message for n in app._notifications),
                       what="the refusal")
        assert screen.detail.revealed is None
    with Case.open(sample.path) as case:
        assert [d for d in case.log.entries() if d.action == "reveal"] == []


async def test_reveal_without_a_source_says_why(make_app: Callable[..., TriageApp]) -> None:
    app = make_app(revealer=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_findings(pilot)
        await pilot.press("r")
        await wait_for(pilot, lambda: any("re-read the source" in n.message for n in app._notifications),
                       what="the explanation")


async def test_note_and_severity_are_logged(make_app: Callable[..., TriageApp], sample: SampleCase) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_findings(pilot)
        fid = screen.findings_table.cursor_row.id
        await pilot.press("n")
        await pilot.press(*"told the lab", "enter")
        await shown(pilot, lambda: screen.findings_table.row_at(0).note == "told the lab")
        await pilot.press("up", "s", "2")  # medium
        await shown(pilot, lambda: screen.findings_table.row_at(0).severity.value == "medium")
    with Case.open(sample.path) as case:
        log = case.log.entries(fid)
        assert [(d.action, d.after) for d in log] == [("note", "told the lab"), ("severity", "medium")]
        assert case.get_finding(fid).severity.value == "medium"


async def test_sort_key_cycles_the_order(make_app: Callable[..., TriageApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_findings(pilot)
        assert screen.findings_table.row_at(0).severity.value == "critical"
        await pilot.press("S")
        await settle(pilot)
        assert screen.view.query.sort == "path"
        assert screen.findings_table.row_at(0).path == "eng/deploy/service.env"
        assert "sort:path" in screen.query_one("#filter").value


async def test_a_decision_is_on_disk_before_it_is_shown(make_app: Callable[..., TriageApp],
                                                        sample: SampleCase) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_findings(pilot)
        fid = screen.findings_table.cursor_row.id
        await pilot.press("x")
        await wait_for(pilot, lambda: screen.findings_table.row_at(0).status.value == "false_positive",
                       what="the status on screen")
        # the app is still running (no clean exit yet): another reader already sees it
        assert statuses(sample)[fid] == "false_positive"


async def test_big_decisions_ask_first(make_app: Callable[..., TriageApp], sample: SampleCase) -> None:
    app = make_app(confirm_above=10)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_findings(pilot)
        await pilot.press("A", "c")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen
        assert set(statuses(sample).values()) == {"open"}
        await pilot.press("c", "y")
        await shown(pilot, lambda: any("51 changed" in n.message for n in app._notifications))
    assert set(statuses(sample).values()) == {"confirmed"}
