"""The People screen as the letter-writing tool, driven through Pilot at 80×24, checked against the case file.

The sample case holds three contractors: Priya Sharma (7 findings), Kwame Mensah and Elena Rossi (5 each).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import screen_text, settle, wait_for
from sample_case import SampleCase
from textual.pilot import Pilot

from spill.case import Case
from spill.mask import mask
from spill.model import Category, FileRecord, FileResult, FileStatus, Finding, Severity, file_id
from tui.app import TriageApp
from tui.screens.dialogs import ChoiceDialog, ConfirmDialog
from tui.screens.findings import FindingsScreen
from tui.screens.people import PeopleScreen

pytestmark = pytest.mark.anyio


async def open_people(pilot: Pilot[None]) -> PeopleScreen:
    await pilot.press("4")
    screen = pilot.app.screen
    assert isinstance(screen, PeopleScreen)
    await settle(pilot)
    await wait_for(pilot, lambda: screen.exposure_for is not None, what="the first person's detail")
    return screen


async def decided(pilot: Pilot[None], screen: PeopleScreen, n: int) -> None:
    await wait_for(pilot, lambda: screen.decisions_recorded == n, what=f"decision {n}")
    await settle(pilot)


async def test_people_escape_from_a_persons_findings_comes_back(make_app: Callable[..., TriageApp]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_people(pilot)
        await pilot.press("v")  # the whole detail
        text = screen_text(app)
        assert "why one" in text and "strong" in text and "CONTRACTOR_ID" in text
        await pilot.press("escape")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FindingsScreen) and app.screen.findings_table.total == 7
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_people_merge_not_a_person_and_undo_go_through_the_log(make_app: Callable[..., TriageApp],
                                                                     sample: SampleCase) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_people(pilot)
        priya, kwame = screen.table.row_at(0), screen.table.row_at(1)
        await pilot.press("m", "down", "m")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await decided(pilot, screen, 1)
        assert screen.table.total == 2
        with Case.open(sample.path) as case:
            assert case.people.get(kwame.id).findings == 12  # type: ignore[union-attr]
            assert case.log.entries()[-1].after == kwame.id and case.log.verify() == []
        await pilot.press("u")
        await decided(pilot, screen, 2)
        assert screen.table.total == 3
        await pilot.press("x")
        await pilot.press("y")
        await decided(pilot, screen, 3)
        assert screen.table.total == 2
        with Case.open(sample.path) as case:
            actions = [(d.action, d.target_kind, d.after) for d in case.log.entries()]
            assert actions[-1][:2] == ("not_person", "subject") and case.log.verify() == []
            assert case.people.get(priya.id).findings == 7  # type: ignore[union-attr]


async def test_people_split_an_identifier_off_a_person(make_app: Callable[..., TriageApp], sample: SampleCase) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_people(pilot)
        priya = screen.table.row_at(0)
        await pilot.press("s")
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        email = next(key for key, label in dialog.options if "EMAIL_ADDRESS" in label)
        index = [key for key, _ in dialog.options].index(email)
        await pilot.press(*["down"] * index, "enter")
        await decided(pilot, screen, 1)
    with Case.open(sample.path) as case:
        assert case.people.get(priya.id).findings == 5  # type: ignore[union-attr]  # her address, twice, is gone
        assert case.people.exposure(priya.id).splits == (email,)  # type: ignore[union-attr]
        assert case.log.verify() == []


async def test_people_reveal_shows_name_and_contacts_logged_and_hides_on_move(
        make_app: Callable[..., TriageApp], sample: SampleCase) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_people(pilot)
        assert "Priya Sharma" not in screen_text(app)
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.revealed is not None, what="the reveal")
        await settle(pilot)
        text = screen_text(app)
        assert "Priya Sharma" in text and "priya.sharma@gmail.com" in text
        await pilot.press("down")
        await settle(pilot)
        assert "Priya Sharma" not in screen_text(app)
    with Case.open(sample.path) as case:
        assert [d.action for d in case.log.entries()] == ["reveal", "reveal"]  # the name and the address


async def test_people_filter_by_a_typed_value_stores_nothing(make_app: Callable[..., TriageApp],
                                                           sample: SampleCase) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_people(pilot)
        await pilot.press("slash", *"=kwame.mensah@proton.me", "enter")
        await settle(pilot)
        assert screen.table.total == 1 and screen.table.row_at(0).label == "K••• M•••"
        await pilot.press("slash", *"=kwame.mensah@proton.me conf:weak", "enter")  # the filter is retyped
        await settle(pilot)
        assert screen.table.total == 0 and "match the filter" in screen_text(app)
    assert b"kwame.mensah" not in sample.path.read_bytes()


async def test_people_screen_without_person_data_says_why(tmp_path: Path) -> None:
    path = tmp_path / "creds.db"
    value = "AKIAIOSFODNN7EXAMPLE"
    finding = Finding(path="deploy.env", entity_type="AWS_ACCESS_KEY", category=Category.CREDENTIAL,
                      severity=Severity.CRITICAL, score=0.9, rule="test", start=0, end=len(value),
                      preview=mask(value, "AWS_ACCESS_KEY"), value=value)
    with Case.create(path) as case:
        scan = case.scans.begin("/share", {}, "r", "t")
        case.scans.write_results([FileResult(FileRecord(file_id("deploy.env"), "deploy.env", None, "0" * 64, 20, 1.0,
                                                        "text", FileStatus.DONE), [finding])], scan, "r")
        case.people.link()
    app = TriageApp(path, analyst="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        await wait_for(pilot, lambda: "person-shaped" in screen_text(app), what="the explanation")
