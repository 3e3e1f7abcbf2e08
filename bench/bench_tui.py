"""How fast the triage app answers on a big case, driven headless through Textual's Pilot.

    python bench/make_big_case.py 1000000 /tmp/big.db
    python bench/bench_tui.py /tmp/big.db

Targets (issues 7 and 18): the first screen under 1 s; every action under 300 ms (first page
on screen; the exact count may follow), except the first paint of a cold grouping, which shows
progress at once and its groups under 1 s; a decision key under 50 ms worst case (committed and
shown); group decisions of thousands of findings may take longer (worker, progress notice).
Keys are posted straight to the app and the clock stops when the screen
shows the answer (the rows, the detail pane, the status line), so Pilot's own settle-time
is not counted. The case is
copied first (decisions are made), unless --in-place.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from textual import events

from spill.case import KEY_SUFFIX
from spill.model import SORTS, Status
from tui.app import TriageApp
from tui.screens.dialogs import ConfirmDialog
from tui.screens.findings import FindingsScreen
from tui.screens.overview import OverviewScreen
from tui.widgets.filter_bar import FilterBar

TARGETS = {"open": 1.0, "filter": 0.3, "group": 0.3, "cold": 1.0, "progress": 0.3, "action": 0.3, "decide": 0.05}


async def until(condition: Callable[[], object], timeout: float = 120.0) -> float:
    """Seconds until ``condition()`` holds, polling the event loop every millisecond."""
    start = time.perf_counter()
    while not condition():
        if time.perf_counter() - start > timeout:
            raise TimeoutError("the app did not answer")
        await asyncio.sleep(0.001)
    return time.perf_counter() - start


def detail_shown(screen: FindingsScreen) -> bool:
    """The detail pane shows a finding or group (not a message)."""
    return screen.detail.row is not None and str(screen.detail.body.render()) not in ("", "loading…")


def key(app: TriageApp, name: str) -> None:
    """A key as the terminal driver delivers it."""
    assert app._driver is not None
    app._driver.send_message(events.Key(name, name if len(name) == 1 else None))


async def run(case_path: Path, size: tuple[int, int]) -> list[tuple[str, str, float, float | None]]:
    rows: list[tuple[str, str, float, float | None]] = []

    def record(kind: str, what: str, seconds: float) -> None:
        rows.append((kind, what, seconds, TARGETS.get(kind)))
        print(f"  {what:<48} {seconds * 1000:8.1f} ms", file=sys.stderr)

    started = time.perf_counter()
    app = TriageApp(case_path, analyst="bench")
    async with app.run_test(size=size) as pilot:
        await until(lambda: isinstance(app.screen, OverviewScreen) and app.screen.is_mounted)
        record("paint", "open: first screen painted (overview frame)", time.perf_counter() - started)
        await until(lambda: isinstance(app.screen, OverviewScreen) and app.screen.overview is not None)
        record("open", "open: overview figures shown", time.perf_counter() - started)
        await until(lambda: isinstance(app.screen, OverviewScreen) and app.screen.folders is not None)
        record("folders", "open: … and the top folders", time.perf_counter() - started)

        t = time.perf_counter()
        key(app, "2")
        await until(lambda: isinstance(app.screen, FindingsScreen) and bool(app.screen.query("#findings-table"))
                    and app.screen.findings_table._first_page_done)
        record("open", "findings screen: first page shown", time.perf_counter() - t)
        screen = app.screen
        assert isinstance(screen, FindingsScreen)
        await until(lambda: not screen.findings_table.is_loading)
        await until(lambda: detail_shown(screen))

        # the Overview's rows open their findings: enter on CRIT (once the overview has read the case again)
        key(app, "1")
        await until(lambda: isinstance(app.screen, OverviewScreen))
        shown_overview = app.screen
        await until(lambda: not any(w.group in ("overview", "overview-folders") and not w.is_finished
                                    for w in app.workers))
        assert isinstance(shown_overview, OverviewScreen)
        generation = screen.findings_table.generation
        t = time.perf_counter()
        key(app, "enter")
        await until(lambda: app.screen is screen and screen.findings_table.generation > generation
                    and screen.findings_table._first_page_done)
        record("action", "overview: enter on CRIT, its findings shown", time.perf_counter() - t)
        await until(lambda: not screen.findings_table.is_loading)

        async def apply_filter(text: str) -> None:
            bar = screen.query_one(FilterBar)
            key(app, "slash")
            await until(lambda: bar.has_focus)
            bar.value = text
            generation = screen.findings_table.generation
            t = time.perf_counter()
            key(app, "enter")
            await until(lambda: screen.findings_table.generation > generation
                        and screen.findings_table._first_page_done)
            shown = time.perf_counter() - t
            await until(lambda: not screen.findings_table.is_loading)
            counted = time.perf_counter() - t
            record("filter", f"filter {text or '(none)'!r}: first page shown", shown)
            record("count", f"  … exact count ({screen.findings_table.total:,}) shown", counted)

        for text in ("type:PHONE_NUMBER", "status:open sev:high+", "path:payroll/2024-0*", "path:/payroll/2024-0*",
                     "cat:government_id", "client:north", "status:open", "gmail", "gmail.com", "CTR-100999",
                     "+1 (415) 555-0142", ""):
            await apply_filter(text)

        def status_says(text: str) -> bool:
            return text in str(screen.query_one("#status-line").render())

        async def group_change(label: str, kind: str = "group") -> None:
            generation = screen.groups_table.generation
            grouping = screen.view.group_by
            t = time.perf_counter()
            key(app, "g")
            await until(lambda: screen.view.in_groups and screen.view.group_by != grouping
                        and screen.groups_table.generation > generation
                        and (screen.groups_table._first_page_done or status_says("grouping the findings")))
            if not screen.groups_table._first_page_done:
                record("progress", f"  group by {screen.view.group_by}: 'grouping…' shown", time.perf_counter() - t)
            await until(lambda: screen.groups_table._first_page_done)
            record(kind, f"group by {screen.view.group_by} ({label}): {screen.groups_table.total:,} groups shown",
                   time.perf_counter() - t)
            await until(lambda: not screen.groups_table.is_loading)

        async def prefetched() -> None:
            """The background grouping of the filter on screen is in the cache (fresh)."""
            await until(lambda: (screen.view.groups.get(screen.view.query, "value") or ((), False))[1])

        # cold: straight after a filter, before the background grouping has finished
        await apply_filter("status:open")
        for _ in range(4):
            await group_change("cold, computed now", "cold")
        key(app, "g")  # back to the plain list
        await until(lambda: not screen.view.in_groups and not screen.findings_table.is_loading)
        # warm: the filter's groupings were computed in the background meanwhile
        await apply_filter("")
        await prefetched()
        await group_change("prefetched in the background")
        # S on the value groups: the same groups in another order
        for _ in range(len(SORTS)):
            generation = screen.groups_table.generation
            t = time.perf_counter()
            key(app, "S")
            await until(lambda gen=generation: screen.groups_table.generation > gen
                        and screen.groups_table._first_page_done)
            record("action", f"sort the {screen.groups_table.total:,} value groups by {screen.view.query.sort} (S)",
                   time.perf_counter() - t)
        for _ in range(3):  # only the value grouping is computed in the background: these are cold
            await group_change("after the value grouping, cold", "cold")
        key(app, "g")
        await until(lambda: not screen.view.in_groups and screen.findings_table._first_page_done)
        await until(lambda: not screen.findings_table.is_loading)

        table = screen.findings_table

        def shows(index: int, before: object, status: Status) -> Callable[[], bool]:
            """The row at ``index`` was replaced (patched or re-read) and shows ``status``."""
            return lambda: table.row_at(index) is not before and table.row_at(index).status is status

        times = []
        for _ in range(20):
            index = table.cursor
            t = time.perf_counter()
            key(app, "c")
            await until(shows(index, table.row_at(index), Status.CONFIRMED))
            times.append(time.perf_counter() - t)
            await pilot.pause(0.02)
        record("decide", "decision key (c), median of 20", statistics.median(times))
        record("decide", "decision key (c), worst of 20", max(times))
        t = time.perf_counter()
        key(app, "u")
        await until(shows(index, table.row_at(index), Status.OPEN))
        record("decide", "undo key (u)", time.perf_counter() - t)

        gen = screen.groups_table.generation
        key(app, "g")
        await until(lambda: screen.view.in_groups and screen.groups_table.generation > gen
                    and screen.groups_table._first_page_done)
        top = screen.groups_table.cursor_row

        def group_decided() -> bool:
            row = screen.groups_table.row_at(0)
            return screen.decisions.progress == "" and row is not top and row.open == 0

        t = time.perf_counter()
        key(app, "x")
        await until(lambda: group_decided() or isinstance(app.screen, ConfirmDialog))
        if isinstance(app.screen, ConfirmDialog):  # more than CONFIRM_ABOVE findings: it asks first
            key(app, "y")
            t = time.perf_counter()
        def progress_shown() -> bool:
            progress = screen.decisions.progress
            return progress != "" and progress in str(screen.query_one("#status-line").render())

        await until(lambda: progress_shown() or group_decided())
        record("bulk", f"group decision: first progress notice on screen ({top.count:,} findings)",
               time.perf_counter() - t)
        await until(group_decided, timeout=900)
        record("bulk", f"group decision: {top.count:,} findings of one value committed (worker)",
               time.perf_counter() - t)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("case", type=Path)
    parser.add_argument("--in-place", action="store_true", help="decide in the case itself (no copy)")
    parser.add_argument("--size", default="100x30", help="terminal size, e.g. 80x24")
    args = parser.parse_args(argv)
    width, height = (int(n) for n in args.size.split("x"))
    with tempfile.TemporaryDirectory(prefix="bench-tui-", dir=args.case.parent) as tmp:
        case = args.case
        if not args.in_place:
            case = Path(tmp) / args.case.name
            for suffix in ("", "-wal", "-shm", KEY_SUFFIX):
                source = Path(f"{args.case}{suffix}")
                if source.exists():
                    shutil.copy2(source, f"{case}{suffix}")
        print(f"spill triage on {args.case} ({width}x{height})", file=sys.stderr)
        rows = asyncio.run(run(case, (width, height)))
    print(f"\n{'measure':<58} {'ms':>9}  target")
    for _kind, what, seconds, target in rows:
        verdict = "" if target is None else ("ok" if seconds <= target else f"OVER {target * 1000:.0f} ms")
        print(f"{what:<58} {seconds * 1000:9.1f}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
