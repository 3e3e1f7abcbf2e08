"""People: the contractors whose data is exposed, what of theirs was found and where."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Static

from spill.model import FindingQuery, Person, PersonExposure
from tui import format as fmt
from tui import modes
from tui.screens.base import TriageScreen
from tui.widgets.virtual_table import Column, VirtualTable


def people_columns() -> list[Column]:
    return [
        Column("sev", lambda p: fmt.severity(p.worst), width=4),
        Column("person (masked)", lambda p: p.label, width=18),
        Column("findings", lambda p: fmt.number(p.findings), width=8, justify="right"),
        Column("files", lambda p: fmt.number(p.files), width=6, justify="right"),
        Column("what was found", lambda p: ", ".join(p.entity_types), min_width=10),
    ]


def render_exposure(e: PersonExposure) -> Text:
    p = e.person
    head = Text.assemble(fmt.severity(p.worst), " ", (fmt.printable(p.label), "bold"),
                         (f"  {p.findings:,} findings in {p.files:,} files · linked by {p.anchor or '?'}", "dim"))
    out = fmt.Lines(head)
    what = Text()
    for i, (etype, preview, n, sev) in enumerate(e.what):
        what.append("\n" if i else "")
        what.append_text(fmt.severity(sev))
        what.append(fmt.printable(f" {etype} {preview}"))
        what.append(f"  ×{n:,}", style="dim")
    out.add("what", what)
    where = Text()
    for i, (path, n, _sev) in enumerate(e.where):
        where.append("\n" if i else "")
        where.append(fmt.printable(path))
        where.append(f"  ×{n:,}", style="dim")
    out.add("where", where)
    out.text.append(f"\nenter lists this person's findings · {p.id}", style="dim")
    return out.text


class PeopleScreen(TriageScreen):
    MODE = modes.PEOPLE
    CSS_PATH = "people.tcss"
    AUTO_FOCUS = "#people-table"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "show_findings", "Their findings", tooltip="List every finding linked to this person"),
        Binding("f5,ctrl+l", "reload", "Refresh", show=False, tooltip="Read the people from the case again"),
    ]

    @dataclass
    class ExposureLoaded(Message):
        subject: str
        exposure: PersonExposure | None

    def __init__(self) -> None:
        super().__init__(id="people-screen")
        self.exposure_for: str | None = None

    def compose(self) -> ComposeResult:
        yield self.screen_tabs()
        with Container(id="people-body"):
            yield VirtualTable(people_columns(), key=lambda p: p.id,
                               empty="no people linked (findings need a record with a contractor id or email)",
                               id="people-table")
            with VerticalScroll(id="exposure", can_focus=False):
                yield Static(id="exposure-body")
        yield Static(id="people-status")
        yield Footer(compact=True)

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#people-table", VirtualTable)

    def on_mount(self) -> None:
        self.table.focus()
        self.action_reload()

    def action_reload(self) -> None:
        reader = self.triage.reader

        def fetch(offset: int, limit: int) -> tuple[list[Person], int | None]:
            return reader.case().people.page(offset, limit), None

        self.table.load(fetch, lambda: reader.case().people.count(), cursor=self.table.cursor)

    @on(VirtualTable.RowsChanged)
    def rows_changed(self, _message: VirtualTable.RowsChanged) -> None:
        total = self.table.total
        self.query_one("#people-status", Static).update(
            f"{fmt.number(total)} people with exposed data · most exposed first" if total is not None else "…")

    @on(VirtualTable.CursorMoved)
    def cursor_moved(self, message: VirtualTable.CursorMoved) -> None:
        if isinstance(message.row, Person):
            self.load_exposure(message.row.id)

    @work(thread=True, exclusive=True, group="exposure")
    def load_exposure(self, subject: str) -> None:
        self.post_message(self.ExposureLoaded(subject, self.triage.reader.case().people.exposure(subject)))

    def on_people_screen_exposure_loaded(self, message: ExposureLoaded) -> None:
        row = self.table.cursor_row
        if not isinstance(row, Person) or row.id != message.subject or message.exposure is None:
            return
        self.query_one("#exposure-body", Static).update(render_exposure(message.exposure))
        self.exposure_for = message.subject

    def action_show_findings(self) -> None:
        row = self.table.cursor_row
        if isinstance(row, Person):
            self.triage.show_findings(FindingQuery(subject=row.id))
