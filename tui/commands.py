"""The command palette (ctrl+p): the keys of the screen it was opened on, and spill's own commands.

Only what is safe and useful is listed: Textual's built-ins are not (its "Screenshot" writes
the screen, which may show a revealed value, to disk; its "Keys" panel does not close with
escape), and Quit appears once. spill's own: export the current filter or the confirmed
findings, write the report, verify the case, and jump to a person or a file.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode

from spill.model import FindingQuery
from tui import outputs
from tui.screens.dialogs import InfoDialog, PathDialog

if TYPE_CHECKING:
    from tui.app import TriageApp

SKIP_ACTIONS = {"command_palette", "app.command_palette"}
JUMP_HITS = 8  # people or files offered for one search


class KeyCommands(Provider):
    """One command per binding of the calling screen (its widgets, the screen, the app)."""

    def _commands(self) -> Iterator[tuple[str, str, str, DOMNode]]:
        seen: set[str] = set()
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if binding.action in SKIP_ACTIONS or not binding.description or binding.system:
                continue
            marker = f"{binding.action}|{binding.description}"  # q and ctrl+q are one Quit
            if marker in seen:
                continue
            seen.add(marker)
            shown = binding.key_display or self.app.get_key_display(binding.with_key(key))
            yield f"{binding.description} ({shown})", binding.tooltip, binding.action, active.node

    async def _run(self, action: str, node: DOMNode) -> None:
        await self.app.run_action(action, node)

    async def discover(self) -> Hits:
        for name, help_text, action, node in self._commands():
            yield DiscoveryHit(name, partial(self._run, action, node), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, action, node in self._commands():
            score = max(matcher.match(name), matcher.match(help_text) * 0.5)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self._run, action, node), text=name,
                          help=help_text)


class CaseCommands:
    """spill's own commands, run by the app: each asks where, then works in a worker."""

    def __init__(self, app: TriageApp) -> None:
        self.app = app

    def listed(self) -> list[tuple[str, str, Callable[[], None]]]:
        return [
            ("Export the current filter (JSONL)", "Every finding the Findings filter shows, with notes",
             partial(self.export, "filter", "jsonl")),
            ("Export the current filter (CSV)", "The same as CSV", partial(self.export, "filter", "csv")),
            ("Export the confirmed findings (JSONL)", "Every confirmed finding in the case, with notes",
             partial(self.export, "confirmed", "jsonl")),
            ("Export the confirmed findings (CSV)", "The same as CSV", partial(self.export, "confirmed", "csv")),
            ("Write the report (Markdown)", "What spill report writes: counts, coverage, the decision log's head",
             partial(self.report, "md")),
            ("Write the report (HTML)", "The same as HTML", partial(self.report, "html")),
            ("Verify the case", "Re-hash the evidence and check the decision log's chain", self.verify),
        ]

    def current_query(self) -> FindingQuery:
        from tui.screens.findings import FindingsScreen

        for screen in self.app.live_screens:
            if isinstance(screen, FindingsScreen):
                return screen.view.query
        return FindingQuery()

    def export(self, scope: outputs.Scope, fmt: outputs.ExportFormat) -> None:
        query = self.current_query()
        assert self.app.case_path is not None  # the commands are listed only with a case open
        default = outputs.default_path(self.app.case_path, "confirmed" if scope == "confirmed" else "export", fmt)
        from tui.filtering import format_filter

        hint = "every confirmed finding" if scope == "confirmed" else f"filter: {format_filter(query) or '(none)'}"

        def chosen(path: str | None) -> None:
            if path:
                self.app.run_worker(partial(self._export, scope, query, fmt, Path(path)), thread=True,
                                    group="export", exit_on_error=False)

        self.app.push_screen(PathDialog(f"Export ({fmt.upper()}) to", str(default), hint), chosen)

    def _export(self, scope: outputs.Scope, query: FindingQuery, fmt: outputs.ExportFormat, path: Path) -> None:
        self._done(lambda case: f"Exported {outputs.export_findings(case, scope, query, fmt, path):,} findings to "
                                f"{path}")

    def report(self, fmt: outputs.ReportFormat) -> None:
        def chosen(path: str | None) -> None:
            if path:
                self.app.run_worker(partial(self._report, fmt, Path(path)), thread=True, group="report",
                                    exit_on_error=False)

        assert self.app.case_path is not None
        self.app.push_screen(PathDialog(f"Write the report ({fmt}) to",
                                        str(outputs.default_path(self.app.case_path, "report", fmt))), chosen)

    def _report(self, fmt: outputs.ReportFormat, path: Path) -> None:
        def write(case: object) -> str:
            outputs.write_report(case, fmt, path)  # type: ignore[arg-type]
            return f"Report written to {path}"

        self._done(write)

    def verify(self) -> None:
        self.app.notify("Verifying the case…", timeout=2)
        self.app.run_worker(self._verify, thread=True, group="verify", exit_on_error=False)

    def _verify(self) -> None:
        try:
            verdict = outputs.verify(self.app.reader.case(), self.app.evidence_checker)
        except Exception as err:
            self.app.call_from_thread(self.app.notify, str(err), title="Not verified", severity="error")
            return
        title = "The case is intact" if verdict.intact else "The case CHANGED"
        self.app.call_from_thread(self.app.push_screen, InfoDialog(title, verdict.lines))

    def _done(self, work: Callable[[object], str]) -> None:
        """Run ``work`` with this thread's case and say how it went."""
        try:
            said = work(self.app.reader.case())
        except Exception as err:  # a bad path, a full disk: said, never a crash
            self.app.call_from_thread(self.app.notify, str(err), title="Not written", severity="error", timeout=8)
            return
        self.app.call_from_thread(self.app.notify, said, timeout=6)


class SpillCommands(Provider):
    """Export, report, verify; and, for a typed name, the people and files it finds."""

    @property
    def triage(self) -> TriageApp:
        return cast("TriageApp", self.app)

    async def discover(self) -> Hits:
        if self.triage.case_path is None:
            return  # the start screen: no case to export, report or verify yet
        for name, help_text, run in self.triage.case_commands.listed():
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        if self.triage.case_path is None:
            return
        matcher = self.matcher(query)
        for name, help_text, run in self.triage.case_commands.listed():
            score = max(matcher.match(name), matcher.match(help_text) * 0.5)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, text=name, help=help_text)
        if len(query.strip()) < 2:
            return
        people, files = await asyncio.to_thread(self._find, query.strip())
        for person_id, label, n in people:
            name = f"Jump to person {label} ({n:,} findings)"
            yield Hit(0.6, Text(name), partial(self.triage.show_findings, FindingQuery(subject=person_id)), text=name,
                      help=f"{person_id}: their findings in 2 Findings")
        for path in files:
            name = f"Jump to file {path}"
            yield Hit(0.5, Text(name), partial(self.triage.show_findings, FindingQuery(file=path)), text=name,
                      help="Its findings in 2 Findings")

    def _find(self, text: str) -> tuple[list[tuple[str, str, int]], list[str]]:
        triage = self.triage.reader.case().triage
        return triage.find_people(text, JUMP_HITS), triage.find_files(text, JUMP_HITS)
