"""The app as the front door, driven through Pilot at 80×24 against real `spill scan` processes.

New case on a generated share (scan without names: fast), progress while it scans, a decision
before it ends, pause and resume, quit leaving it running headless, reattach from the start
screen, cancel, reopen from the recent list; rescan of an open case; refusals in the CLI's words.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import screen_text, settle, wait_for
from scan_share import IBAN, make_share, stop_every_scan
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input

from spill.case import Case
from spill.recent import RecentCases
from spill.scan_job import JobState
from tui.app import TriageApp
from tui.screens.findings import FindingsScreen
from tui.screens.leave import LeaveScanDialog
from tui.screens.new_case import NewCaseScreen
from tui.screens.overview import OverviewScreen
from tui.screens.scan import ScanScreen
from tui.screens.start import StartScreen
from tui.widgets.path_tree import FolderTree

pytestmark = pytest.mark.anyio
SIZE = (80, 24)
SCAN_SECONDS = 90  # a scan process: start (imports, the detector), then a few seconds of files


@pytest.fixture
def place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private state folder (recent list, scan records) and a working folder for the case files."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    cases = tmp_path / "cases"
    cases.mkdir()
    monkeypatch.chdir(cases)
    yield tmp_path
    stop_every_scan()


def new_app(place: Path, case: Path | None = None) -> TriageApp:
    return TriageApp(case, analyst="alice", recent=RecentCases(place / "state" / "recent.json"),
                     jobs_dir=place / "state" / "scans")


async def type_into(pilot: Pilot[None], selector: str, text: str) -> None:
    """Type ``text`` into a field key by key, as a person would."""
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = ""
    await pilot.press(*text)


async def fill(pilot: Pilot[None], selector: str, text: str) -> None:
    """Put ``text`` in a field at once (a paste: the field's own messages follow as for typing)."""
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = text
    await pilot.pause()


def scan_state(app: TriageApp) -> JobState | None:
    snapshot = app.scan_watch.snapshot
    return snapshot.state if snapshot else None


def files_done(app: TriageApp) -> int:
    snapshot = app.scan_watch.snapshot
    return snapshot.progress.files_done if snapshot and snapshot.progress else 0


def case_rows(case: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(f"file:{case}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.mark.slow
async def test_new_case_scan_watch_decide_pause_resume_leave_reattach_cancel_reopen(place: Path) -> None:
    share = make_share(place, 3000)
    case = place / "cases" / "vendor-export.db"
    app = new_app(place)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, StartScreen)
        assert "No recent cases yet" in screen_text(app)
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, NewCaseScreen)
        # the share from the folder tree: it starts in the working folder; backspace climbs, enter picks
        tree = form.query_one("#share-tree", FolderTree)
        await pilot.press("backspace")
        await wait_for(pilot, lambda: Path(tree.path) == place and len(tree.root.children) >= 2, what="the tree")
        for _ in range(len(tree.root.children)):
            await pilot.press("down")
            if tree.cursor_node is not None and str(tree.cursor_node.label) == share.name:
                break
        await pilot.press("enter")
        await wait_for(pilot, lambda: form.query_one("#share", Input).value == str(share), what="the share picked")
        await wait_for(pilot, lambda: "3,000 files" in screen_text(app), what="the share summary")
        assert "no scan measured on this machine yet" in screen_text(app)
        assert form.query_one("#case", Input).value == str(case)  # proposed beside, never inside, the share
        form.query_one("#names", Checkbox).focus()
        await pilot.press("space")  # names off: a fast first pass (--no-ner)
        await type_into(pilot, "#jobs", "1")
        await pilot.press("ctrl+s")

        # the engine runs: the app opens the case on its Scan screen and follows the progress
        await wait_for(pilot, lambda: isinstance(app.screen, ScanScreen) and files_done(app) > 0,
                       timeout=SCAN_SECONDS, what="the scan's first files")
        assert app.case_path == case and scan_state(app) is JobState.RUNNING
        shown = screen_text(app)
        assert "RUNNING" in shown and "/ 3,000 files" in shown and "findings" in shown
        assert "spill scan" in shown and "--no-ner" in shown and "--jobs 1" in shown
        assert "5 Scan" in shown and "%" in shown.splitlines()[0]  # the tab carries the progress

        # triage what has arrived, while the scan still writes the case
        await pilot.press("2")
        findings = app.screen
        assert isinstance(findings, FindingsScreen)
        await settle(pilot)
        await wait_for(pilot, lambda: findings.findings_table.row_at(0) is not None, what="the first findings")
        first = findings.findings_table.row_at(0)
        await pilot.press("c")
        await wait_for(pilot, lambda: case_rows(case, f"SELECT status FROM findings WHERE id = '{first.id}'")
                       == [("confirmed",)], what="the decision in the case file")
        assert scan_state(app) is JobState.RUNNING, "the decision must land before the scan ends"

        # pause: the files in hand are finished and written, the scan ends interrupted
        await pilot.press("5")
        assert isinstance(app.screen, ScanScreen)
        await pilot.press("p")
        await wait_for(pilot, lambda: scan_state(app) is JobState.PAUSED, timeout=SCAN_SECONDS, what="the pause")
        await wait_for(pilot, lambda: "PAUSED" in screen_text(app), what="the paused screen")
        assert "r resumes" in screen_text(app)
        paused_at = files_done(app)
        assert 0 < paused_at < 3000
        assert case_rows(case, "SELECT status FROM scans") == [("interrupted",)]
        assert case_rows(case, "SELECT count(*) FROM files")[0][0] == paused_at

        # resume: spill scan --resume with the same options; the finished files are not read again
        await pilot.press("r")
        await wait_for(pilot, lambda: scan_state(app) is JobState.RUNNING and files_done(app) > paused_at,
                       timeout=SCAN_SECONDS, what="the resumed scan to move on")
        assert "--resume" in screen_text(app)

        # quit while it runs: leave it running headless
        await pilot.press("q")
        assert isinstance(app.screen, LeaveScanDialog)
        assert "leave it running" in screen_text(app)
        await pilot.press("l")
    assert app.farewell is not None and "runs on in the background" in app.farewell
    pid = app.scan_watch.snapshot.pid
    assert f"spill triage {case}" in app.farewell

    # a new app finds it on the start screen and follows it again
    app = new_app(place)
    async with app.run_test(size=SIZE) as pilot:
        start = app.screen
        assert isinstance(start, StartScreen)
        await wait_for(pilot, lambda: "RUNNING" in screen_text(app), what="the running scan in the recent list")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ScanScreen) and scan_state(app) is JobState.RUNNING,
                       timeout=SCAN_SECONDS, what="the scan followed again")
        assert app.scan_watch.snapshot.pid == pid
        before = files_done(app)
        await wait_for(pilot, lambda: files_done(app) > before, timeout=SCAN_SECONDS, what="progress after reattach")

        # cancel, like Ctrl-C: exit 130, the case consistent
        await pilot.press("c")
        await wait_for(pilot, lambda: scan_state(app) is JobState.CANCELLED, timeout=SCAN_SECONDS,
                       what="the cancel")
        await wait_for(pilot, lambda: "CANCELLED" in screen_text(app), what="the cancelled screen")
        assert case_rows(case, "PRAGMA integrity_check") == [("ok",)]
        statuses = case_rows(case, "SELECT status FROM scans ORDER BY id")
        assert statuses == [("interrupted",), ("interrupted",)]

        # back to the start screen: the case is first, its scan unfinished; reopen it
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, StartScreen)
        await wait_for(pilot, lambda: "UNFINISHED" in screen_text(app), what="the unfinished scan in the list")
        assert "vendor-export.db" in screen_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, OverviewScreen), what="the case reopened")
        await pilot.press("q")

    # the decision taken during the scan is still there, and logged
    with Case.open(case) as c:
        assert c.get_finding(first.id).status.value == "confirmed"
        assert [d.after for d in c.log.entries(first.id)] == ["confirmed"]
        assert c.log.verify() == []
    assert not list((place / "state" / "scans").glob("*.json")), "the job records go once their end is seen"
    recent = json.loads((place / "state" / "recent.json").read_text())
    assert recent["cases"][0]["path"] == str(case) and recent["cases"][0]["scan"] == "interrupted"


async def test_new_case_refusals_are_the_clis_words_and_create_nothing(place: Path) -> None:
    share = make_share(place, 3)
    bad_rules = place / "my-rules"
    bad_rules.mkdir()
    (bad_rules / "vendor.yml").write_text("- id: vendor.x\n  sevrity: high\n", encoding="utf-8")
    app = new_app(place)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        form = app.screen
        assert isinstance(form, NewCaseScreen)

        def said() -> str:
            return str(form.query_one("#message").render())

        async def refused(share_path: str, case_path: str, expected: str) -> None:
            await fill(pilot, "#share", share_path)
            await fill(pilot, "#case", case_path)
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: said().startswith(expected), what=expected)

        await refused(str(place / "no-such-share"), str(place / "cases" / "a.db"),
                      f"spill: error: cannot scan {place / 'no-such-share'}: no such folder")
        await refused(str(share), str(share / "inside.db"),
                      "spill: error: the case file must not be inside the scanned share")
        await refused(str(share), str(place / "no-folder" / "a.db"),
                      f"spill: error: cannot create case {place / 'no-folder' / 'a.db'}: folder")
        # a malformed rule file: `spill rules test`'s own line, before anything starts
        await fill(pilot, "#rules", str(bad_rules))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "unknown key 'sevrity'" in str(form.query_one("#rules-verdict").render()),
                       timeout=60, what="the rules verdict")
        await fill(pilot, "#case", str(place / "cases" / "a.db"))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: said().startswith(f"spill: error: {bad_rules / 'vendor.yml'}:2: unknown key"),
                       what="the refusal")
        assert isinstance(app.screen, NewCaseScreen) and app.scan_watch.job is None
    assert list((place / "cases").iterdir()) == []
    assert not (place / "no-folder").exists() and not (share / "inside.db").exists()
    assert not (place / "state" / "scans").exists()


@pytest.mark.slow
async def test_a_new_case_that_finishes_then_a_rescan_reads_only_the_new_export_and_keeps_decisions(
        place: Path) -> None:
    share = make_share(place, 4)
    case = place / "cases" / "vendor-export.db"
    app = new_app(place)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await fill(pilot, "#share", str(share))
        app.screen.query_one("#names", Checkbox).focus()
        await pilot.press("space")
        await wait_for(pilot, lambda: "4 files" in screen_text(app), what="the share summary")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: scan_state(app) is JobState.FINISHED and isinstance(app.screen, ScanScreen),
                       timeout=SCAN_SECONDS, what="the first scan")
        assert app.case_path == case
        speed = app.recent.speed(False)
        assert speed is not None and speed > 0  # the next New case form estimates the time with it
        assert app.recent.speed(True) is None

        await pilot.press("2")  # a decision on the finished case
        findings = app.screen
        assert isinstance(findings, FindingsScreen)
        await settle(pilot)
        await wait_for(pilot, lambda: findings.findings_table.row_at(0) is not None, what="the findings")
        first = findings.findings_table.row_at(0)
        await pilot.press("c")
        await wait_for(pilot, lambda: case_rows(case, f"SELECT status FROM findings WHERE id = '{first.id}'")
                       == [("confirmed",)], what="the decision")
        before = case_rows(case, "SELECT count(*) FROM findings")[0][0]

        # a new export arrives in the same folder: rescan from the app
        (share / "batch-00" / "late-arrival.txt").write_text(f"contact late@vendorco.example, IBAN {IBAN}\n")
        await pilot.press("5")
        screen = app.screen
        assert isinstance(screen, ScanScreen)
        await pilot.press("R")
        await wait_for(pilot, lambda: "Scan the share again?" in screen_text(app), what="the confirmation")
        await pilot.press("y")
        await wait_for(pilot, lambda: scan_state(app) is JobState.STARTING or scan_state(app) is JobState.RUNNING,
                       what="the rescan to start")
        await wait_for(pilot, lambda: scan_state(app) is JobState.FINISHED, timeout=SCAN_SECONDS, what="the rescan")
        await wait_for(pilot, lambda: "FINISHED" in screen_text(app), what="the finished screen")
        assert app.recent.speed(False) == speed  # a rescan skips files: its rate is not the scan speed
    with Case.open(case) as c:
        assert c.get_finding(first.id).status.value == "confirmed"
        assert c.scans.get_file("batch-00/late-arrival.txt") is not None
    assert case_rows(case, "SELECT count(*) FROM findings")[0][0] > before
    scans = case_rows(case, "SELECT status, counts FROM scans ORDER BY id")
    assert [s for s, _ in scans] == ["finished", "finished"]
    assert json.loads(scans[1][1])["unchanged"] == 4  # the old export is not read again
