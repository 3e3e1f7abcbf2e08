"""People: one row per person whose data is exposed — the letter-writing tool.

The list is filtered by masked name, confidence, data type, or a raw value typed by the analyst
(matched through its keyed fingerprint). The detail shows what of theirs leaked and where,
their strongest identifiers and why their findings are one person; ``r`` reveals their name
and contact details (re-read from the evidence, logged). Merge (``m`` twice), split (``s``)
and "not a person" (``x``) are decisions in the keyed log, undone with ``u``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Input, Static

from spill.errors import SpillError
from spill.model import Action, FindingQuery, PeopleQuery, Person, PersonExposure
from tui import format as fmt
from tui import modes
from tui.findings.deciding import History
from tui.screens.base import TriageScreen
from tui.screens.dialogs import ChoiceDialog, ConfirmDialog
from tui.widgets.person_detail import (
    CLASS_LABEL,
    PeopleFilterError,
    confidence,
    parse_people_filter,
    people_status,
    render_person,
)
from tui.widgets.virtual_table import Column, VirtualTable
from tui.writer import DecisionRequest, DecisionWriter, Target, UndoRequest

SORT_CYCLE = ("exposure", "name", "confidence")


def people_columns() -> list[Column]:
    return [
        Column("sev", lambda p: fmt.severity(p.worst), width=4),
        Column("person (masked)", lambda p: fmt.printable(p.label), width=18),
        Column("link", lambda p: confidence(p.confidence), width=6),
        Column("findings", lambda p: fmt.number(p.findings), width=8, justify="right"),
        Column("files", lambda p: fmt.number(p.files), width=5, justify="right"),
        Column("what was found", lambda p: ", ".join(p.entity_types), min_width=10),
    ]


class PeopleScreen(TriageScreen):
    MODE = modes.PEOPLE
    CSS_PATH = "people.tcss"
    AUTO_FOCUS = "#people-table"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "show_findings", "Their findings",
                tooltip="List every finding linked to this person (escape comes back here)"),
        Binding("slash", "filter", "Filter", key_display="/",
                tooltip="Filter: masked name or id, conf:weak, type:IBAN_CODE, sort:name, =raw value (fingerprint)"),
        Binding("r", "reveal", "Reveal", tooltip="Re-read this person's name, e-mail and phone from the evidence"
                " (logged, hidden on the next move)"),
        Binding("m", "merge", "Merge", tooltip="Merge: press on a person, then on the person to merge them into"),
        Binding("s", "split", "Split", tooltip="Split an identifier off this person (it is not theirs)"),
        Binding("x", "not_person", "Not a person",
                tooltip="Not a person (a shared inbox, a company): unlink their findings"),
        Binding("u", "undo", "Undo", tooltip="Undo the last merge, split or not-a-person (the undo is logged too)"),
        Binding("v", "view", "View", tooltip="The person's whole detail on the screen (arrows scroll, escape returns)"),
        Binding("S", "cycle_sort", "Sort", show=False, tooltip="Sort by exposure, name or weakest link"),
        Binding("escape", "cancel", "Cancel", show=False,
                tooltip="Back from the whole detail, cancel a merge in progress, or leave the filter"),
        Binding("f5,ctrl+l", "reload", "Refresh", show=False, tooltip="Read the people from the case again"),
    ]

    @dataclass
    class ExposureLoaded(Message):
        subject: str
        exposure: PersonExposure | None

    @dataclass
    class EmptyExplained(Message):
        why: str

    @dataclass
    class ValuesRevealed(Message):
        subject: str
        values: list[tuple[str, str, str]]  # finding id, entity type, raw value

    @dataclass
    class RevealFailed(Message):
        error: str

    def __init__(self) -> None:
        super().__init__(id="people-screen")
        self.query_ = PeopleQuery()
        self.exposure_for: str | None = None
        self.exposure: PersonExposure | None = None
        self.merging: Person | None = None
        self.revealed: tuple[str, list[tuple[str, str]]] | None = None  # (person, [(type, value)]) until a move
        self.pending_reveal: tuple[str, list[tuple[str, str, str]]] | None = None
        self.history = History()
        self.decisions_recorded = 0

    def compose(self) -> ComposeResult:
        yield self.screen_tabs()
        yield Input(placeholder="/ filter: masked name · conf:weak · type:PASSPORT · sort:name · =raw value",
                    id="people-filter")
        with Container(id="people-body"):
            yield VirtualTable(people_columns(), key=lambda p: p.id, empty="reading the people…", id="people-table")
            with VerticalScroll(id="exposure"):
                yield Static(id="exposure-body")
        yield Static(id="people-status")
        yield Footer(compact=True)

    @property
    def table(self) -> VirtualTable:
        return self.query_one("#people-table", VirtualTable)

    def on_mount(self) -> None:
        self.table.focus()
        self.action_reload()

    # ------------------------------------------------------------------ loading
    def action_reload(self) -> None:
        reader = self.triage.reader
        query = self.query_

        def fetch(offset: int, limit: int) -> tuple[list[Person], int | None]:
            return reader.case().people.page(offset, limit, query), None

        self.table.load(fetch, lambda: reader.case().people.count(query), cursor=self.table.cursor)
        self.explain_empty(query)
        if self.exposure_for:
            self.load_exposure(self.exposure_for)

    @work(thread=True, exclusive=True, group="people-empty")
    def explain_empty(self, query: PeopleQuery) -> None:
        """What the empty list means: a filter that matches nobody, or no person-shaped data at all."""
        case = self.triage.reader.case()
        if query != PeopleQuery(sort=query.sort):
            why = "no people match the filter (/ to change it)"
        elif case.people.count() == 0:
            why = case.people.why_nobody()
        else:
            return
        self.post_message(self.EmptyExplained(why))

    def on_people_screen_empty_explained(self, message: EmptyExplained) -> None:
        self.table.empty = message.why
        self.table.refresh()
        if self.table.total == 0:
            self.query_one("#exposure-body", Static).update(Text(message.why, style="dim"))

    @on(VirtualTable.RowsChanged)
    def rows_changed(self, _message: VirtualTable.RowsChanged) -> None:
        self.update_status()

    def update_status(self) -> None:
        self.query_one("#people-status", Static).update(people_status(self.table.total, self.query_, self.merging))

    @on(VirtualTable.CursorMoved)
    def cursor_moved(self, message: VirtualTable.CursorMoved) -> None:
        if isinstance(message.row, Person):
            if self.revealed and self.revealed[0] != message.row.id:
                self.revealed = None
            self.load_exposure(message.row.id)

    @work(thread=True, exclusive=True, group="exposure")
    def load_exposure(self, subject: str) -> None:
        self.post_message(self.ExposureLoaded(subject, self.triage.reader.case().people.exposure(subject)))

    def on_people_screen_exposure_loaded(self, message: ExposureLoaded) -> None:
        row = self.table.cursor_row
        if not isinstance(row, Person) or row.id != message.subject or message.exposure is None:
            return
        self.exposure = message.exposure
        revealed = self.revealed[1] if self.revealed and self.revealed[0] == message.subject else ()
        self.query_one("#exposure-body", Static).update(render_person(message.exposure, revealed))
        self.exposure_for = message.subject

    # ------------------------------------------------------------------ filter
    def action_filter(self) -> None:
        self.query_one("#people-filter", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            query = parse_people_filter(event.value)
        except PeopleFilterError as err:
            self.notify(str(err), title="Filter", severity="warning", timeout=5)
            return
        self.query_ = query
        self.table.focus()
        self.table.cursor = 0
        self.action_reload()

    def action_cycle_sort(self) -> None:
        from dataclasses import replace

        self.query_ = replace(self.query_, sort=SORT_CYCLE[(SORT_CYCLE.index(self.query_.sort) + 1) % 3])
        self.action_reload()

    def action_view(self) -> None:
        maximised = not self.has_class("-detail-max")
        self.set_class(maximised, "-detail-max")
        scroll = self.query_one("#exposure", VerticalScroll)
        if maximised:
            scroll.focus()
        else:
            self.table.focus()

    def action_cancel(self) -> None:
        if self.has_class("-detail-max"):
            self.action_view()
        elif self.merging is not None:
            self.merging = None
            self.update_status()
        elif self.query_one("#people-filter", Input).has_focus:
            self.table.focus()

    def action_show_findings(self) -> None:
        row = self.table.cursor_row
        if isinstance(row, Person):
            self.triage.show_findings(FindingQuery(subject=row.id), came_from="people")

    # ------------------------------------------------------------------ decisions
    def action_merge(self) -> None:
        row = self.table.cursor_row
        if not isinstance(row, Person):
            return
        if self.merging is None or self.merging.id == row.id:
            self.merging = row
            self.update_status()
            return
        source, target = self.merging, row
        self.merging = None
        self.update_status()

        def answered(yes: bool | None) -> None:
            if yes:
                self._decide(source.id, Action.MERGE, target.id, f"merged {source.label} into {target.label}")

        self.app.push_screen(ConfirmDialog(f"Merge {source.label} ({source.findings:,} findings) into {target.label}?"
                                           " Their findings become one person's."), answered)

    def action_split(self) -> None:
        row, exposure = self.table.cursor_row, self.exposure
        if not isinstance(row, Person) or exposure is None or exposure.person.id != row.id:
            return
        options = [(i.key, f"{CLASS_LABEL.get(i.id_class, i.id_class):<8} {i.entity_type} {i.preview}  ×{i.findings}")
                   for i in exposure.identifiers]
        if len(options) < 2:
            self.notify("This person holds one identifier: nothing to split off", timeout=4)
            return

        def chosen(key: str | None) -> None:
            if key:
                keys = sorted({*exposure.splits, key})
                self._decide(row.id, Action.SPLIT, ",".join(keys), f"split an identifier off {row.label}")

        self.app.push_screen(ChoiceDialog(f"Split off {row.label}: which identifier is not theirs?", options), chosen)

    def action_not_person(self) -> None:
        row = self.table.cursor_row
        if not isinstance(row, Person):
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._decide(row.id, Action.NOT_PERSON, "yes", f"{row.label} is not a person")

        self.app.push_screen(ConfirmDialog(f"{row.label} is not a person (a shared inbox, a company)?"
                                           f" Their {row.findings:,} findings are unlinked."), answered)

    def _decide(self, subject: str, action: Action, after: str | None, label: str) -> None:
        request = DecisionRequest(Target(ids=(subject,), size_hint=1), action, after, label,
                                  "decided on the People screen", kind="subject")
        self.notify(f"{label}…", timeout=2)
        self.triage.writer.submit(request, self)

    def action_undo(self) -> None:
        if not self.history.undo:
            self.notify("Nothing to undo on this screen", timeout=3)
            return
        batch, label = self.history.undo.pop()
        self.triage.writer.submit(UndoRequest(batch, label), self)

    def on_decision_writer_decision_recorded(self, message: DecisionWriter.DecisionRecorded) -> None:
        request = message.request
        if isinstance(request, DecisionRequest) and request.action is Action.REVEAL:
            self._show_revealed()
            return
        if isinstance(request, DecisionRequest):
            self.history.decided(message.batch, request.label)
            self.notify(f"{request.label} (u undoes)", timeout=3)
        else:
            self.notify(f"undone: {request.label}", timeout=3)
        self.decisions_recorded += 1
        self.action_reload()

    def on_decision_writer_decision_failed(self, message: DecisionWriter.DecisionFailed) -> None:
        self.notify(message.error, title="Not recorded", severity="error", timeout=8)

    # ------------------------------------------------------------------ reveal
    def action_reveal(self) -> None:
        row = self.table.cursor_row
        if isinstance(row, Person):
            self.reveal_contacts(row.id)

    @work(thread=True, exclusive=True, group="reveal")
    def reveal_contacts(self, subject: str) -> None:
        """Re-read the person's name, e-mail and phone (checked against their fingerprints), then log the reveal."""
        case = self.triage.reader.case()
        revealer = self.triage.revealer
        if revealer is None:
            self.post_message(self.RevealFailed("no way to re-read the source here; run spill triage where the"
                                                " share is mounted"))
            return
        values = []
        for fid in case.people.contact_findings(subject):
            finding = case.get_finding(fid)
            if finding is None:
                continue
            try:
                values.append((fid, finding.entity_type, revealer(case, finding)))
            except SpillError as err:
                self.post_message(self.RevealFailed(str(err)))
                return
        if not values:
            self.post_message(self.RevealFailed("no name, e-mail or phone of this person to reveal"))
            return
        self.post_message(self.ValuesRevealed(subject, values))

    def on_people_screen_values_revealed(self, message: ValuesRevealed) -> None:
        self.pending_reveal = (message.subject, message.values)
        ids = tuple(fid for fid, _t, _v in message.values)
        self.triage.writer.submit(DecisionRequest(Target(ids=ids, size_hint=len(ids)), Action.REVEAL, None,
                                                  "revealed a person's contact details",
                                                  "revealed on the People screen"), self)

    def _show_revealed(self) -> None:
        pending, self.pending_reveal = self.pending_reveal, None
        row = self.table.cursor_row
        if pending is not None and isinstance(row, Person) and row.id == pending[0]:
            self.revealed = (pending[0], [(etype, value) for _fid, etype, value in pending[1]])
            self.load_exposure(row.id)

    def on_people_screen_reveal_failed(self, message: RevealFailed) -> None:
        self.notify(message.error, title="Not revealed", severity="warning", timeout=6)
