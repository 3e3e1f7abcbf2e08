"""Small questions asked over the current screen: a note, a severity, a yes/no, one of a few options."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from spill.model import Severity
from tui import format as fmt


class NoteDialog(ModalScreen[str | None]):
    """Type a note for the finding(s); Enter saves, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without saving a note"),
    ]

    def __init__(self, what: str, initial: str = "") -> None:
        super().__init__()
        self.what = what
        self.initial = initial

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(fmt.plain(f"Note for {self.what}"), classes="dialog-title")
            yield Input(self.initial, placeholder="why this was decided, who to tell…", id="note-input")
            yield Label("enter saves (logged) · escape cancels", classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


SEVERITY_KEYS = (("1", Severity.LOW), ("2", Severity.MEDIUM), ("3", Severity.HIGH), ("4", Severity.CRITICAL))


class SeverityDialog(ModalScreen[str | None]):
    """Pick a severity: 1-4, or arrows and Enter."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without changing the severity"),
        *(Binding(key, f"pick('{sev.value}')", f"{sev.value.capitalize()}", tooltip=f"Set severity {sev.value}")
          for key, sev in SEVERITY_KEYS),
    ]

    def __init__(self, what: str, current: str | None = None) -> None:
        super().__init__()
        self.what = what
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(fmt.plain(f"Severity for {self.what}"), classes="dialog-title")
            options = OptionList(*(Option(f"{key}  {sev.value}", id=sev.value) for key, sev in SEVERITY_KEYS),
                                 id="severity-options")
            yield options
            yield Label("1-4 or enter picks · escape cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.current:
            options.highlighted = [s.value for _k, s in SEVERITY_KEYS].index(self.current)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_pick(self, severity: str) -> None:
        self.dismiss(severity)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question before a large decision, with what it will change."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", tooltip="Go ahead"),
        Binding("n,escape", "answer(False)", "No", tooltip="Do nothing"),
    ]

    def __init__(self, question: str, details: Sequence[str] = ()) -> None:
        super().__init__()
        self.question = question
        self.details = list(details)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(fmt.plain(self.question), classes="dialog-title")
            if self.details:
                yield Label(fmt.lines(self.details), id="confirm-details", classes="dialog-details")
            yield Label("y yes · n no", classes="dialog-hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ChoiceDialog(ModalScreen[str | None]):
    """Pick one of a few options (an identifier to split off a person): arrows and Enter."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without choosing"),
    ]

    def __init__(self, title: str, options: list[tuple[str, str]], hint: str = "enter picks · escape cancels") -> None:
        super().__init__()
        self.title_text = title
        self.options = options
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(fmt.plain(self.title_text), classes="dialog-title")
            yield OptionList(*(Option(fmt.plain(label), id=key) for key, label in self.options), id="choice-options")
            yield Label(self.hint, classes="dialog-hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PathDialog(ModalScreen[str | None]):
    """Where to write a file: Enter writes, Escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without writing anything"),
    ]

    def __init__(self, title: str, default: str, hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.default = default
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(fmt.plain(self.title_text), classes="dialog-title")
            yield Input(self.default, id="path-input")
            yield Label(fmt.plain(f"{self.hint + ' · ' if self.hint else ''}enter writes (0600) · escape cancels"),
                        classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class InfoDialog(ModalScreen[None]):
    """A verdict to read (verify): enter or escape closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,q", "close", "Close", tooltip="Close and go back"),
    ]

    def __init__(self, title: str, lines: Sequence[str]) -> None:
        super().__init__()
        self.title_text = title
        self.lines = list(lines)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(fmt.plain(self.title_text), classes="dialog-title")
            yield Label(fmt.lines(self.lines), id="info-lines", classes="dialog-details")
            yield Label("enter or escape closes", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
