"""Column sets of the findings and groups tables."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text

from spill.model import Finding, FindingGroup
from tui import format as fmt
from tui.widgets.virtual_table import Column

STATUS_WIDTH = max(len(label) for label in fmt.STATUS_LABEL.values())


def finding_columns(is_selected: Callable[[str], bool]) -> list[Column]:
    def mark(row: Finding) -> Text:
        return Text(("●" if is_selected(row.id) else " ") + ("✎" if row.note is not None else " "), style="bold")

    # by width: type, value and where grow to a point, the path takes the rest (its file name kept
    # whole), "where" gives way below 96 columns (the detail pane says it)
    return [
        Column(" ", mark, width=2),
        Column("sev", lambda r: fmt.severity(r.severity), width=4),
        Column("type", lambda r: r.entity_type, min_width=10, max_width=22),
        Column("value (masked)", lambda r: r.preview or "—", min_width=12, max_width=28),
        Column("path", lambda r: r.path, min_width=16, weight=3, path=True),
        Column("where", lambda r: fmt.location(r.location, r.line), min_width=8, max_width=24, hide_below=96),
        Column("status", lambda r: fmt.status(r.status), width=STATUS_WIDTH),
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
        Column("value (masked)" if by == "value" else by, group_label, min_width=16, path=by in ("file", "folder")),
        Column("findings", lambda g: fmt.number(g.count), width=8, justify="right"),
        Column("open", lambda g: fmt.number(g.open), width=8, justify="right"),
        Column("decided", lambda g: fmt.number(g.count - g.open), width=8, justify="right"),
    ]
