"""The start screen without a scan: recent cases, opening one and then another, a file that is not a case."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import screen_text, settle, wait_for
from sample_case import SampleCase, build_sample_case
from textual.widgets import Input

from spill.case import Case
from spill.model import Action
from spill.recent import RecentCases
from tui.app import TriageApp
from tui.screens.findings import FindingsScreen
from tui.screens.open_case import OpenCaseScreen
from tui.screens.overview import OverviewScreen
from tui.screens.start import StartScreen

pytestmark = pytest.mark.anyio


@pytest.fixture
def two_cases(sample: SampleCase, tmp_path: Path) -> tuple[Path, Path]:
    """The sample case and a second one, B, with three findings already confirmed."""
    other = build_sample_case(tmp_path / "b").path.rename(tmp_path / "b" / "other.db")
    (tmp_path / "b" / "case.db.key").rename(tmp_path / "b" / "other.db.key")
    with Case.open(other) as c:
        ids = [f.id for f in c.iter_findings()][:3]
        c.log.decide(ids, action=Action.STATUS, after="confirmed", analyst="bob")
    return sample.path, other


async def test_recent_cases_open_and_switch_on_fresh_screens(two_cases: tuple[Path, Path], tmp_path: Path) -> None:
    first, second = two_cases
    recent = RecentCases(tmp_path / "recent.json")
    recent.remember(first)
    recent.remember(second)
    app = TriageApp(None, analyst="alice", recent=recent, jobs_dir=tmp_path / "jobs")
    async with app.run_test(size=(80, 24)) as pilot:
        start = app.screen
        assert isinstance(start, StartScreen)
        await wait_for(pilot, lambda: "6%" in screen_text(app), what="the figures read from the cases")
        shown = screen_text(app)
        assert shown.index("other.db") < shown.index("case.db")  # most recent first
        assert "51" in shown and "finished" in shown
        await pilot.press("1")  # no case open: the case screens are not there yet
        assert app.screen is start
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen) and app.screen.overview is not None,
                       what="the second case")
        assert app.case_path == second and "other.db" in screen_text(app).splitlines()[0]
        assert "3 of 51 findings decided" in screen_text(app)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("x")  # a decision goes to the open case
        await wait_for(pilot, lambda: sum(f.status.value == "false_positive" for f in Case.open(second).iter_findings())
                       == 1, what="the decision in the second case")

        await pilot.press("ctrl+o")
        assert isinstance(app.screen, StartScreen)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen) and app.case_path == first
                       and app.screen.overview is not None, what="the first case")
        assert "0 of 51 findings decided" in screen_text(app) and "case.db" in screen_text(app).splitlines()[0]
        await pilot.press("2")
        await settle(pilot)
        findings = app.screen
        assert isinstance(findings, FindingsScreen)
        assert findings.triage.reader.path == first  # a fresh screen over the first case, not the second's
    with Case.open(first) as c:
        assert {f.status.value for f in c.iter_findings()} == {"open"}
    assert [e.path for e in RecentCases(tmp_path / "recent.json").entries()] == [str(first), str(second)]


async def test_open_file_refuses_what_is_not_a_case_and_opens_one_that_is(sample: SampleCase, tmp_path: Path) -> None:
    (tmp_path / "notes.db").write_text("not a database")
    app = TriageApp(None, analyst="alice", recent=RecentCases(tmp_path / "recent.json"), jobs_dir=tmp_path / "jobs")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        assert isinstance(app.screen, OpenCaseScreen)
        field = app.screen.query_one("#case-path", Input)
        field.focus()
        field.value = str(tmp_path / "notes.db")
        await pilot.press("enter")
        def said() -> str:
            return str(app.screen.query_one("#start-message").render())

        await wait_for(pilot, lambda: "is not a spill case file" in said(), what="the refusal")
        assert isinstance(app.screen, StartScreen) and app.case_path is None
        await pilot.press("o")
        field = app.screen.query_one("#case-path", Input)
        field.focus()
        field.value = str(sample.path)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen), what="the case")
        assert app.case_path == sample.path
        await pilot.press("ctrl+o", "d")  # forget: off the list, the file untouched
        await wait_for(pilot, lambda: "off the list" in screen_text(app), what="the forget")
    assert RecentCases(tmp_path / "recent.json").entries() == [] and sample.path.exists()
