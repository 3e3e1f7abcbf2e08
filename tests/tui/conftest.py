"""Fixtures for the triage app: a real case file per test, a frozen clock, Pilot helpers."""

from __future__ import annotations

import asyncio
import io
import itertools
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rich.console import Console
from textual.app import App
from textual.pilot import Pilot

import spill.case.store
import spill.clock
from spill.model import FindingGroup
from tui import format as fmt
from tui.app import TriageApp
from tui.screens.findings import FindingsScreen

sys.path.insert(0, str(Path(__file__).parent))
from sample_case import SampleCase, build_sample_case

LONG_LIVED = ("decision-writer", "case-watcher", "scan-watch")  # workers that run as long as the app
FROZEN_AT = "2026-01-15T09:30:00.000+00:00"


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio through anyio's pytest plugin (Textual is asyncio)."""
    return "asyncio"


@pytest.fixture
def frozen_case_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every timestamp the case writes (scans, decisions) is one fixed instant."""
    monkeypatch.setattr(spill.clock, "utcnow", lambda: FROZEN_AT)


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, frozen_case_clock: None) -> SampleCase:
    """The 50-finding sample case, with a fixed case key so fingerprints (and people ids) repeat."""
    counter = itertools.count()
    with monkeypatch.context() as m:
        m.setattr(spill.case.store.secrets, "token_bytes", lambda n: bytes([7]) * n)
        m.setattr(spill.case.store.uuid, "uuid4", lambda: __import__("uuid").UUID(int=next(counter)))
        return build_sample_case(tmp_path)


@pytest.fixture
def running_sample(tmp_path: Path, frozen_case_clock: None) -> SampleCase:
    """The sample case with its scan still marked running (the overview refreshes itself)."""
    return build_sample_case(tmp_path, running=True)


@pytest.fixture
def make_app(sample: SampleCase) -> Iterator[Callable[..., TriageApp]]:
    def make(**kwargs: object) -> TriageApp:
        kwargs.setdefault("analyst", "alice")
        kwargs.setdefault("revealer", sample.revealer())
        return TriageApp(sample.path, **kwargs)  # type: ignore[arg-type]

    yield make


def screen_text(app: App[object]) -> str:
    """The terminal as plain text, the way export_screenshot draws it (for assertions on what is shown)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True, record=True,
                      legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)


async def wait_for(pilot: Pilot[None], condition: Callable[[], object], timeout: float = 30.0,
                   what: str = "condition") -> None:
    """Let the app run until ``condition()`` holds (workers finish, messages land)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.01)


def detail_shows_cursor_row(screen: FindingsScreen) -> bool:
    """The detail pane's first lines name the row under the cursor (not a message, not the row before)."""
    row = screen.table.cursor_row
    lines = str(screen.detail.body.render()).splitlines()
    if row is None or len(lines) < 2:
        return False
    if isinstance(row, FindingGroup):
        return f"{row.count:,} findings share this {row.by}" in lines[0] and lines[1].endswith(row.label)
    where = fmt.location(row.location, row.line)
    return f"{row.entity_type} {fmt.STATUS_LABEL[row.status]}" in lines[0] \
        and lines[1].endswith(f"{row.path}  {where}" if where else row.path)


async def settle(pilot: Pilot[None]) -> None:
    """Wait until no worker of the app is running except the long-lived ones (decision writer, scan watch)."""
    app = pilot.app

    def idle() -> bool:
        busy = [w for w in app.workers if w.group not in LONG_LIVED and not w.is_finished]
        screen = app.screen
        tables = list(screen.query("VirtualTable")) if screen.is_mounted else []
        return not busy and not any(t.is_loading for t in tables if t.display)  # type: ignore[attr-defined]

    await wait_for(pilot, idle, what="workers to finish")
    await pilot.pause()
    await asyncio.sleep(0)
