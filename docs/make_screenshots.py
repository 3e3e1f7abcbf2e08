"""Regenerate the triage app screenshots in docs/ (SVG), headless, on a case built from code.

    python -m docs.make_screenshots            # from the repository root; writes docs/triage-*.svg

The case is the synthetic vendor share of bench/make_big_case.py (a few thousand findings,
fixed seed), so the pictures are reproducible and never stale.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from bench.make_big_case import build_case
from tui.app import TriageApp
from tui.screens.files import FilesScreen
from tui.screens.findings import FindingsScreen
from tui.screens.help import HelpScreen
from tui.screens.overview import OverviewScreen
from tui.widgets.share_tree import ShareTree

ROOT = Path(__file__).resolve().parents[1]
SIZE = (120, 34)


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
        busy = [w for w in app.workers if w.group != "decision-writer" and not w.is_finished]
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


def main() -> int:
    import spill.case.store
    import spill.clock

    # reproducible pictures: a fixed clock and a fixed case key (fingerprints, people ids)
    spill.clock.utcnow = lambda: "2026-01-15T09:30:00.000+00:00"
    spill.case.store.secrets.token_bytes = lambda n: bytes([7]) * n  # type: ignore[assignment]
    out = ROOT / "docs"
    with tempfile.TemporaryDirectory() as tmp:
        case = Path(tmp) / "vendor-share.db"
        build_case(case, 3000, seed=7)
        asyncio.run(shoot(case, out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
