"""The detail pane: just enough context to decide, masked unless deliberately revealed."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static

from spill.case import Case
from spill.model import Finding, FindingDetail, FindingGroup, FindingQuery, Status
from tui import format as fmt
from tui.filtering import format_filter

SETTLE = 0.04  # seconds the cursor rests on a row before the pane reads the case (held keys read once)


class DetailPane(VerticalScroll, can_focus=True):
    """The finding or group under the table's cursor, read in a worker; ``case`` gives the thread's connection.

    ``tab`` from the table focuses it, to scroll through a long history or the rest of the file.
    """

    HELP_TITLE = "In the detail pane"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "scroll_up", "Scroll up", show=False, tooltip="Scroll the detail pane up a line"),
        Binding("down", "scroll_down", "Scroll down", show=False, tooltip="Scroll the detail pane down a line"),
        Binding("pageup", "page_up", "Page up", show=False, tooltip="Scroll the detail pane up a page"),
        Binding("pagedown", "page_down", "Page down", show=False, tooltip="Scroll the detail pane down a page"),
        Binding("home", "scroll_home", "Top", show=False, tooltip="Scroll to the top of the detail pane"),
        Binding("end", "scroll_end", "Bottom", show=False, tooltip="Scroll to the end of the detail pane"),
    ]

    @dataclass
    class FindingLoaded(Message):
        row: Finding
        detail: FindingDetail | None

    @dataclass
    class GroupLoaded(Message):
        row: FindingGroup
        members: list[Finding]
        statuses: dict[str, int]

    def __init__(self, case: Callable[[], Case], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.case = case
        self.row: Finding | FindingGroup | None = None  # what the pane is asked to show (None: a message)
        self.query = FindingQuery()  # the filter a group's members are listed under
        self.revealed: tuple[str, str] | None = None  # (finding id, raw value), until the pane shows anything else
        self._settle: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="detail-body")

    @property
    def body(self) -> Static:
        return self.query_one("#detail-body", Static)

    def show_message(self, text: str) -> None:
        self._cancel()
        self.row, self.revealed = None, None
        self.body.update(Text(text, style="dim"))

    def show(self, row: Finding | FindingGroup, query: FindingQuery, *, keep_revealed: bool = True) -> None:
        """Show ``row`` once the cursor rests; a revealed value stays only while its finding is shown."""
        if self.revealed and not (keep_revealed and isinstance(row, Finding) and row.id == self.revealed[0]):
            self.revealed = None
        self.row, self.query = row, query
        self._cancel()
        self._settle = self.set_timer(SETTLE, self._read)

    def show_revealed(self, finding_id: str, value: str) -> None:
        """Show a raw value whose reveal is logged, if the pane is still on its finding."""
        if isinstance(self.row, Finding) and self.row.id == finding_id:
            self.revealed = (finding_id, value)
            self._read()

    def hide_revealed(self) -> None:
        if self.revealed is not None:
            self.revealed = None
            self._read()

    def _cancel(self) -> None:
        if self._settle is not None:
            self._settle.stop()
            self._settle = None

    def _read(self) -> None:
        if isinstance(self.row, FindingGroup):
            self._read_group(self.row, self.query)
        elif isinstance(self.row, Finding):
            self._read_finding(self.row)

    @work(thread=True, exclusive=True, group="detail")
    def _read_finding(self, row: Finding) -> None:
        self.post_message(self.FindingLoaded(row, self.case().triage.detail(row.id)))

    @work(thread=True, exclusive=True, group="detail")
    def _read_group(self, row: FindingGroup, query: FindingQuery) -> None:
        triage = self.case().triage
        members = triage.page(dataclasses.replace(query, group_by=row.by, group_key=row.key), 0, 5).rows
        self.post_message(self.GroupLoaded(row, members, triage.group_status_counts(query, row)))

    def on_detail_pane_finding_loaded(self, message: FindingLoaded) -> None:
        message.stop()
        if not (isinstance(self.row, Finding) and self.row.id == message.row.id):
            return  # the cursor moved on while it was read
        if message.detail is None:
            self.body.update(Text("this finding is no longer in the case (re-scanned?)", style="dim"))
            return
        revealed = self.revealed[1] if self.revealed and self.revealed[0] == message.row.id else None
        self.body.update(render_finding(message.detail, revealed))
        self.scroll_home(animate=False)

    def on_detail_pane_group_loaded(self, message: GroupLoaded) -> None:
        message.stop()
        if not (isinstance(self.row, FindingGroup) and self.row.key == message.row.key):
            return
        self.body.update(render_group(message.row, message.members, message.statuses, format_filter(self.query)))
        self.scroll_home(animate=False)


def render_finding(d: FindingDetail, revealed: str | None) -> Text:
    f = d.finding
    head = Text.assemble(fmt.severity(f.severity), " ", (f.entity_type, "bold"), " ", fmt.status(f.status),
                         (fmt.printable(f"  {f.category.value} · {f.rule} · {f.score:.2f}"), "dim"))
    out = fmt.Lines(head)
    where = fmt.location(f.location, f.line)
    out.add("where", Text.assemble(fmt.plain(f.path), (f"  {where}" if where else "", "bold")))
    if f.line is not None and where != f"L{f.line}":
        out.add("line", Text(str(f.line)))
    if d.finding.context:
        out.add("context", fmt.highlight_span(f.context, f.ctx_start, f.ctx_end, revealed))
    elif f.entity_type == "LAB_RUBRIC":
        out.add("context", Text("document-level finding", style="dim"))
    if revealed is not None:
        out.add("REVEALED", Text.assemble((fmt.printable(revealed), "bold reverse"),
                                            ("  logged; hidden again on the next move", "dim")))
    else:
        out.add("value", Text.assemble(fmt.plain(f.preview or "—"), ("   r reveals the raw value (logged)", "dim")
                                         if f.fingerprint else ("", "")))
    if f.client or f.signals:
        out.add("client", Text.assemble(fmt.plain(fmt.client(f.client)),
                                        (fmt.printable(f"  signals: {'; '.join(f.signals)}"), "dim")))
    if f.note:
        out.add("note", fmt.plain(f.note, style="italic"))
    if d.person is not None:
        p = d.person
        out.add("person", Text.assemble((fmt.printable(p.label), "bold"),
                                        (f"  {p.findings:,} findings in {p.files:,} files"
                                         f" · worst {p.worst.value} · {p.id}", "dim")))
    if d.file is not None:
        fl = d.file
        sha = (fl.sha256 or "?")[:16]
        out.add("file", Text(f"{fl.kind or '?'} · {fmt.size(fl.size)} · sha256 {sha}…"
                               + (f" · copy of {fl.duplicate_of}" if fl.duplicate_of else ""), style="dim"))
    if d.history:
        lines = Text()
        for i, h in enumerate(d.history[-6:]):
            if i:
                lines.append("\n")
            change = "revealed" if h.action == "reveal" else f"{h.action}: {h.before or '—'} → {h.after or '—'}"
            lines.append(fmt.printable(f"{h.at[:16].replace('T', ' ')} {h.analyst} {change}"))
            if h.reason:
                lines.append(fmt.printable(f" ({h.reason})"), style="dim")
        out.add("history", lines)
    else:
        out.add("history", Text("no decisions yet", style="dim"))
    if d.same_file or d.same_file_before:
        lines = Text()
        if d.same_file_before:
            lines.append(f"{d.same_file_before:,} before this one; the next:" if d.same_file
                         else f"{d.same_file_before:,} before this one, none after", style="dim")
        for s in d.same_file:
            if lines:
                lines.append("\n")
            lines.append_text(fmt.severity(s.severity))
            lines.append(fmt.printable(f" {s.entity_type} {s.preview or ''} {fmt.location(s.location, s.line)} "))
            lines.append_text(fmt.status(s.status))
        more = d.same_file_total - d.same_file_before - len(d.same_file)
        if more > 0:
            lines.append(f"\n… and {more:,} more in this file", style="dim")
        out.add("same file", lines)
    return out.text


def render_group(g: FindingGroup, members: list[Finding], statuses: dict[str, int], what: str) -> Text:
    """A group: how its members stand and the first few of them."""
    head = Text.assemble(fmt.severity(g.worst), " ", (f"{g.count:,} findings", "bold"),
                         f" share this {g.by}", (fmt.printable(f"  {what}"), "dim"))
    out = fmt.Lines(head)
    out.add(g.by, fmt.plain(g.label, style="bold"))
    out.add("status", Text(" · ".join(f"{statuses.get(s.value, 0):,} {fmt.STATUS_LABEL[s]}" for s in Status)))
    out.add("decide", Text("c / x / i / o decide every member at once · enter lists them", style="dim"))
    if members:
        lines = Text()
        for i, s in enumerate(members):
            if i:
                lines.append("\n")
            lines.append_text(fmt.severity(s.severity))
            where = fmt.location(s.location, s.line)
            lines.append(fmt.printable(f" {s.entity_type} {s.preview or ''}  {s.path} {where}"))
        if g.count > len(members):
            lines.append(f"\n… and {g.count - len(members):,} more", style="dim")
        out.add("e.g.", lines)
    return out.text
