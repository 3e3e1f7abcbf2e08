"""Regenerate the app's screenshots in docs/ (SVG), headless, on cases built from code.

    python -m docs.make_screenshots            # from the repository root; writes docs/triage-*.svg, docs/spill-*.svg

The cases are the synthetic vendor share of bench/make_big_case.py (a few thousand findings,
fixed seed), so the pictures are reproducible and never stale. The start screen lists such
cases from a private recent list; the New case form points at the bundled sample share; the
Scan screen shows a scan's progress as `spill scan --json-progress` reports it (a fixed line,
so the picture does not depend on this machine's speed).
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from bench.make_big_case import build_case
from spill.case import Case
from spill.model import Action, FindingQuery, Status
from spill.recent import RecentCases
from spill.scan_job import JobSnapshot, JobState, LiveProgress
from tui import modes
from tui.app import TriageApp
from tui.screens.files import FilesScreen
from tui.screens.findings import FindingsScreen
from tui.screens.help import HelpScreen
from tui.screens.new_case import NewCaseScreen
from tui.screens.overview import OverviewScreen
from tui.screens.scan import ScanScreen
from tui.screens.start import StartScreen
from tui.widgets.share_tree import ShareTree

ROOT = Path(__file__).resolve().parents[1]
SIZE = (120, 34)
CASES = Path("/tmp/spill-screenshots")


def overview_shown(app: TriageApp) -> bool:
    return isinstance(app.screen, OverviewScreen) and app.screen.overview is not None \
        and app.screen.folders is not None


def detail_shown(app: TriageApp, *, grouped: bool = False) -> bool:
    """The Findings screen's detail pane shows the row under the cursor (a group when ``grouped``)."""
    screen = app.screen
    return isinstance(screen, FindingsScreen) and screen.view.in_groups == grouped \
        and screen.detail.row is not None and screen.detail.row == screen.table.cursor_row \
        and str(screen.detail.body.render()) not in ("", "loading…")


# (file name, keys to press from the overview, what to wait for)
SHOTS: list[tuple[str, list[str], Callable[[TriageApp], bool]]] = [
    ("triage-overview.svg", [], overview_shown),
    ("triage-findings.svg", ["2"], detail_shown),
    ("triage-groups.svg", ["2", "g"], lambda app: detail_shown(app, grouped=True)),
    ("triage-files.svg", ["3"], lambda app: isinstance(app.screen, FilesScreen)
     and app.screen.query_one(ShareTree).root.data is not None),
    ("triage-people.svg", ["4"], lambda app: getattr(app.screen, "exposure_for", None) is not None),
    ("triage-help.svg", ["2", "question_mark"], lambda app: isinstance(app.screen, HelpScreen)),
]


async def _settle(pilot: Pilot[None], ready: Callable[[TriageApp], bool]) -> None:
    app = pilot.app
    assert isinstance(app, TriageApp)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        busy = [w for w in app.workers if w.group not in ("decision-writer", "case-watcher", "scan-watch")
                and not w.is_finished]
        loading = any(getattr(t, "is_loading", False) for t in app.screen.query("VirtualTable") if t.display)
        if ready(app) and not busy and not loading:
            break
        await pilot.pause(0.05)
    await pilot.pause(0.2)


async def shoot(case: Path, out: Path) -> None:
    for name, keys, ready in SHOTS:
        app = TriageApp(case, analyst="analyst")
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot, overview_shown)
            for key in keys:
                await pilot.press(key)
                await _settle(pilot, lambda _app: True)
            await _settle(pilot, ready)
            app.save_screenshot(filename=name, path=str(out))
            print(f"wrote {out / name}")


async def shoot_front_door(case: Path, cases: Path, out: Path) -> None:
    """The start screen over three recent cases, the New case form on the sample share, a live Scan screen."""
    recent = RecentCases(cases / "recent.json")
    recent.record_speed(False, 480_000.0)
    for path in sorted(cases.glob("*.db"), reverse=True):
        recent.remember(path)
    app = TriageApp(None, analyst="analyst", recent=recent, jobs_dir=cases / "scans")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, lambda app: isinstance(app.screen, StartScreen) and len(app.screen.rows) == 3
                      and all(r.entry.findings is not None for r in app.screen.rows))
        app.save_screenshot(filename="spill-start.svg", path=str(out))
        print(f"wrote {out / 'spill-start.svg'}")
        form = NewCaseScreen(start_in=Path("sample_data"))  # what n opens, in the sample data's folder
        app.push_screen(form)
        await _settle(pilot, lambda app: app.screen is form)
        form.query_one("#share").value = "sample_data/share"  # type: ignore[attr-defined]
        form.query_one("#case").value = "cases/vendor-share.db"  # type: ignore[attr-defined]
        form.query_one("#rules").value = "sample_data/vendor_rules"  # type: ignore[attr-defined]
        form.query_one("#names").value = False  # type: ignore[attr-defined]
        form.case_edited = True
        form.action_test_rules()
        await _settle(pilot, lambda app: form.verdict is not None and form.share_size is not None)
        app.save_screenshot(filename="spill-new-case.svg", path=str(out))
        print(f"wrote {out / 'spill-new-case.svg'}")

    app = TriageApp(case, analyst="analyst", recent=recent, jobs_dir=cases / "scans")
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot, overview_shown)
        progress = LiveProgress(files_done=41_208, files_total=120_455, bytes_done=13_314_398_617,
                                bytes_total=35_433_480_192, findings=3_160, by_category={
                                    "contact": 1_204, "financial": 611, "identity": 902, "government_id": 208,
                                    "contractor": 197, "credential": 31, "lab_ip": 7}, errors=12, skipped=48,
                                elapsed=1_722.0)
        app.scan_watch.snapshot = JobSnapshot(
            case, "/evidence/vendor-share", f"spill scan /evidence/vendor-share --case {case.name} --jobs 8", 48213,
            Path("~/.local/state/spill/scans/5f1c0e9a2b7d4c31.log"), JobState.RUNNING, progress, (), None)
        app.switch_mode(modes.SCAN.name)
        await _settle(pilot, lambda app: isinstance(app.screen, ScanScreen) and app.screen.overview is not None)
        app.save_screenshot(filename="spill-scan.svg", path=str(out))
        print(f"wrote {out / 'spill-scan.svg'}")


def _more_cases(cases: Path) -> None:
    """Two more cases for the start screen: one a third triaged, one whose scan was paused."""
    build_case(cases / "northwind-2024.db", 900, seed=11)
    with Case.open(cases / "northwind-2024.db") as c:
        ids = c.triage.ids(FindingQuery())
        c.log.decide(ids[: len(ids) // 3], action=Action.STATUS, after=Status.CONFIRMED.value, analyst="analyst")
    build_case(cases / "acme-labelers.db", 400, seed=5, finish=False)
    with Case.open(cases / "acme-labelers.db") as c:
        scan = c.scans.last()
        assert scan is not None
        c.scans.finish(scan.id, "interrupted", {})


def main() -> int:
    import spill.case.store
    import spill.clock

    # reproducible pictures: a fixed clock and a fixed case key (fingerprints, people ids)
    spill.clock.utcnow = lambda: "2026-01-15T09:30:00.000+00:00"
    spill.case.store.secrets.token_bytes = lambda n: bytes([7]) * n  # type: ignore[assignment]
    out = ROOT / "docs"
    # one fixed folder: the start screen shows where the cases are, so the path must not vary
    cases = CASES
    shutil.rmtree(cases, ignore_errors=True)
    cases.mkdir(parents=True)
    try:
        case = cases / "vendor-share.db"
        build_case(case, 3000, seed=7)
        asyncio.run(shoot(case, out))
        _more_cases(cases)
        asyncio.run(shoot_front_door(case, cases, out))
    finally:
        shutil.rmtree(cases, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
