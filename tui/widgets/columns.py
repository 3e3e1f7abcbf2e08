"""Column sets of the findings and groups tables."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text

from spill.model import Finding, FindingGroup
from tui import format as fmt
from tui.widgets.virtual_table import Column


def finding_columns(is_selected: Callable[[str], bool]) -> list[Column]:
    def mark(row: Finding) -> Text:
        return Text(("●" if is_selected(row.id) else " ") + ("✎" if row.note is not None else " "), style="bold")

    return [
        Column(" ", mark, width=2),
        Column("sev", lambda r: fmt.severity(r.severity), width=4),
        Column("type", lambda r: r.entity_type, width=14),
        Column("value (masked)", lambda r: r.preview or "—", width=18),
        Column("path", lambda r: r.path, crop_left=True),
        Column("where", lambda r: fmt.location(r.location, r.line), width=11),
        Column("status", lambda r: fmt.status(r.status), width=9),
    ]


def group_label(group: FindingGroup) -> str:
    if group.by == "value" and group.entity_type:
        return f"{group.entity_type}  {group.label}"
    return group.label


def group_columns(by: str, is_selected: Callable[[str], bool]) -> list[Column]:
    def mark(row: FindingGroup) -> Text:
        return Text("● " if is_selected(row.key) else "  ", style="bold")

    return [
        Column(" ", mark, width=2),
        Column("sev", lambda g: fmt.severity(g.worst), width=4),
        Column("value (masked)" if by == "value" else by, group_label, crop_left=by in ("file", "folder")),
        Column("findings", lambda g: fmt.number(g.count), width=9, justify="right"),
        Column("open", lambda g: fmt.number(g.open), width=9, justify="right"),
        Column("decided", lambda g: fmt.number(g.count - g.open), width=9, justify="right"),
    ]
