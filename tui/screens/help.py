"""Help: every key, generated from the bindings (never written by hand)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from tui.filtering import FILTER_KEYS, FREE_TEXT
from tui.screens.base import TriageScreen


def _bindings(bindings: Iterable[BindingType]) -> list[Binding]:
    out = []
    for b in bindings:
        out.append(b if isinstance(b, Binding) else Binding(*b))
    return out


def _keys(app: App[object], binding: Binding) -> str:
    return " / ".join(binding.key_display or app.get_key_display(binding.with_key(k.strip()))
                      for k in binding.key.split(","))


def bindings_table(app: App[object], title: str, bindings: Iterable[Binding]) -> RenderableType:
    table = Table(box=None, padding=(0, 1, 0, 0), expand=True, show_header=False)
    table.add_column("key", no_wrap=True, style="bold", min_width=9)
    table.add_column("action", no_wrap=True)
    table.add_column("what it does", ratio=1, style="dim")
    seen: set[str] = set()
    for binding in bindings:
        if binding.action in seen or binding.system:
            continue
        seen.add(binding.action)
        table.add_row(_keys(app, binding), binding.description, binding.tooltip)
    return Group(Text(title, style="bold reverse"), table, Text(""))


def filter_table() -> RenderableType:
    """The filter language, from the one list the parser reads (tui.filtering.FILTER_KEYS)."""
    table = Table(box=None, padding=(0, 1, 0, 0), expand=True, show_header=False)
    table.add_column("key", no_wrap=True, style="bold", min_width=9)
    table.add_column("takes", ratio=1)
    table.add_column("e.g.", no_wrap=True, style="dim")
    for key in FILTER_KEYS:
        table.add_row(", ".join(f"{s}:" for s in key.spellings), key.takes, key.example)
    table.add_row("text", FREE_TEXT, "gmail")
    title = "The filter (/ on the Findings screen): terms AND together, comma-separated values OR"
    return Group(Text(title, style="bold reverse"), table, Text(""))


def help_sections(app: App[object], screen: Screen[object], others: Sequence[type[TriageScreen]]
                  ) -> list[RenderableType]:
    """Sections: the focused widget, this screen, everywhere (the app), then the other screens."""
    by_node: dict[int, tuple[str, list[Binding]]] = {}
    for key, active in screen.active_bindings.items():
        node = active.node
        if isinstance(node, App):
            title = "Everywhere"
        elif node is screen:
            title = f"This screen ({screen.MODE.title})" if isinstance(screen, TriageScreen) else "This screen"
        else:  # a widget's own keys, named for what it is to the analyst, never its class
            title = getattr(node, "HELP_TITLE", "In the focused list")
        # one row per binding, with all of its keys, in declaration order
        entry = by_node.setdefault(id(node), (title, []))
        if active.binding not in entry[1] and not any(b.action == active.binding.action for b in entry[1]):
            entry[1].append(_merge_keys(node.__class__, active.binding, key))
    order = sorted(by_node.values(), key=lambda e: (e[0] == "Everywhere", e[0].startswith("This") is False))
    sections = [bindings_table(app, title, bindings) for title, bindings in order]
    sections.append(filter_table())
    for cls in others:
        if isinstance(screen, cls):
            continue
        sections.append(bindings_table(app, f"On the {cls.MODE.title} screen", _bindings(cls.BINDINGS)))
    return sections


def _merge_keys(cls: type, binding: Binding, key: str) -> Binding:
    """The binding as declared (``U,ctrl+r``), so the help shows every key once."""
    for declared in _bindings(getattr(cls, "BINDINGS", [])):
        if declared.action == binding.action:
            return declared
    return binding.with_key(key)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close", key_display="esc",
                tooltip="Close the help and go back"),
    ]

    def __init__(self, for_screen: Screen[object], others: Sequence[type[TriageScreen]]) -> None:
        super().__init__(id="help-screen")
        self.for_screen = for_screen
        self.others = others

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Label("Keys (generated from the bindings) · esc closes · ctrl+p finds any action by name",
                        id="help-title")
            yield Static(Group(*help_sections(self.app, self.for_screen, self.others)), id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
