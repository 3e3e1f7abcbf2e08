"""Content is data in the triage app: names that look like markup or terminal commands stay text.

Folder and file names, previews, reasons and error messages come from the evidence: a folder named
``[/bold]`` used to crash the app on open, and ``[@click=app.quit]`` in a notification became a live
action link; control characters must reach the screen escaped, never as terminal commands.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import screen_text, settle, wait_for

from spill.case import Case
from spill.errors import SpillError
from spill.model import Category, FileRecord, FileResult, FileStatus, Finding, Severity, file_id
from tui.app import TriageApp
from tui.screens.files import FilesScreen
from tui.screens.findings import FindingsScreen
from tui.screens.overview import OverviewScreen

pytestmark = pytest.mark.anyio

NAMES = ["[/bold]/notes.txt", "[@click=app.quit]/x.txt", "ops/evil\x1b]0;pwned\x07\x1b[2J\r.txt"]


def _hostile_case(root: Path) -> Path:
    results = []
    for name in NAMES:
        rec = FileRecord(id=file_id(name), path=name, parent=None, sha256="0" * 64, size=10, mtime=1.0, kind="text",
                         status=FileStatus.DONE)
        results.append(FileResult(rec, [Finding(
            path=name, entity_type="EMAIL_ADDRESS", category=Category.CONTACT, severity=Severity.HIGH, score=0.9,
            rule="spill.contact.email", start=0, end=9, line=1, location={"column": "[/bold]"},
            preview="[/i]a•••@x.org", context="see [/bold] [@click=app.quit] a•••@x.org", ctx_start=28, ctx_end=39,
            value="a@x.org")]))
    bad = "[b]bad[/b].pdf"
    results.append(FileResult(FileRecord(id=file_id(bad), path=bad, parent=None, sha256=None, size=1, mtime=1.0,
                                         kind="pdf", status=FileStatus.ERROR,
                                         reason="[/bold] broke [@click=app.quit]")))
    path = root / "case.db"
    with Case.create(path) as case:
        scan = case.scans.begin("/evidence/[/bold]", {}, "rules", "model")
        case.scans.write_results(results, scan, "rules")
        case.scans.finish(scan, "finished", {})
    return path


def _refuse(case: Case, finding: Finding) -> str:
    raise SpillError(f"source {finding.path} [@click=app.quit] cannot be read")


async def test_names_that_look_like_markup_or_terminal_commands_are_shown_as_text(tmp_path: Path,
                                                                                  frozen_case_clock: None) -> None:
    app = TriageApp(_hostile_case(tmp_path), analyst="[/bold]", revealer=_refuse)
    async with app.run_test(size=(120, 40)) as pilot:
        overview = app.screen
        assert isinstance(overview, OverviewScreen)
        await wait_for(pilot, lambda: overview.overview is not None and overview.folders is not None,
                       what="the overview")
        await wait_for(pilot, lambda: "[/bold]/" in screen_text(app),  # top folders: a name, not a closing tag
                       what="the top folders")

        await pilot.press("3")
        files = app.screen
        assert isinstance(files, FilesScreen)
        await wait_for(pilot, lambda: "[b]bad[/b].pdf" in screen_text(app), what="the files screen")
        await settle(pilot)
        shown = screen_text(app)
        assert "[@click=app.quit]/" in shown and "[/  1 beneath HIGH" in shown  # folders "[" and "[@click=app.quit]"
        assert "[/bold] broke [@click=app.quit]" in shown and "[b]bad[/b].pdf" in shown  # the not-scanned table

        await pilot.press("2")
        findings = app.screen
        assert isinstance(findings, FindingsScreen)
        await settle(pilot)
        for _ in range(3):  # group by value, rule, file: the status line and detail pane name the group
            await pilot.press("g")
            await settle(pilot)
        assert "[@click=app.quit]/x.txt" in screen_text(app)
        await pilot.press("g", "g")  # back to plain rows
        await settle(pilot)
        while not str(getattr(findings.table.cursor_row, "path", "")).startswith("ops/"):
            await pilot.press("down")
            await settle(pilot)
        shown = screen_text(app)
        assert "ops/evil\\x1b]0;pwned\\x07\\x1b[2J\\x0d.txt" in shown and "\x1b]0" not in shown

        await pilot.press("r")  # the revealer refuses, quoting the path and a would-be action link
        await wait_for(pilot, lambda: list(app._notifications), what="the notification")
        (note,) = list(app._notifications)
        assert not note.markup and "[@click=app.quit]" in note.message and "\\x1b" in note.message
        await pilot.pause()
        assert app.is_running
