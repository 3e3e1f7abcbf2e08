"""How values look on screen: words first, colour second (the app must read under NO_COLOR).

Paths, values, reasons and notes come from the evidence: they reach the screen through
:func:`plain` (a ``Text``, never parsed as markup) or :func:`printable` (control characters
shown escaped), never as a markup string: a folder named ``[/bold]`` is a folder name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.cells import cell_len
from rich.text import Text

from spill.inert import terminal as printable
from spill.model import NO_CLIENT, FileStatus, Severity, Status

SEVERITY_LABEL = {Severity.CRITICAL: "CRIT", Severity.HIGH: "HIGH", Severity.MEDIUM: "med", Severity.LOW: "low"}
SEVERITY_STYLE = {Severity.CRITICAL: "bold red", Severity.HIGH: "red", Severity.MEDIUM: "yellow",
                  Severity.LOW: "dim"}
STATUS_LABEL = {Status.OPEN: "open", Status.CONFIRMED: "confirmed", Status.FALSE_POSITIVE: "false positive",
                Status.IGNORED: "ignored"}
"""How each status reads everywhere on screen (the filter and the export use the stored value)."""
STATUS_STYLE = {Status.OPEN: "bold", Status.CONFIRMED: "red", Status.FALSE_POSITIVE: "green",
                Status.IGNORED: "dim"}
PROBLEM_WORD = {FileStatus.ERROR: "FAILED", FileStatus.SKIPPED: "SKIPPED", FileStatus.PENDING: "pending"}
"""The file statuses that mean "not scanned", as the Files screen names them."""
BAR_EIGHTHS = " ▏▎▍▌▋▊▉"


def plain(text: object, style: str = "") -> Text:
    """Data as inert text: never markup, control characters escaped."""
    return Text(printable("" if text is None else text), style=style)


def lines(items: Iterable[object]) -> Text:
    """Several lines of data, each inert (``plain`` would show the line breaks as escapes)."""
    return Text("\n").join(plain(item) for item in items)


def severity(sev: Severity | str | None) -> Text:
    if sev is None:
        return Text("—", style="dim")
    sev = Severity(sev)
    return Text(SEVERITY_LABEL[sev], style=SEVERITY_STYLE[sev])


def status(st: Status | str) -> Text:
    st = Status(st)
    return Text(STATUS_LABEL[st], style=STATUS_STYLE[st])


def client(name: str | None) -> str:
    """A rubric's client lab, or the one wording for none."""
    return name or NO_CLIENT


def crop_path(path: str, width: int) -> str:
    """``path`` in ``width`` cells, the file name kept whole where it fits: ``support/…/ticket_003.eml``."""
    if cell_len(path) <= width:
        return path
    if width <= 1:
        return "…"[:width]
    cut = max(path.rfind("/"), path.rfind("!/") + 1)
    name = path[cut + 1:] if cut >= 0 else path
    if cell_len(name) + 1 >= width:
        return "…" + _tail(name, width - 1)
    room = width - cell_len(name) - 1  # what the folders may take beside "…"
    head = path[:cut + 1]
    whole = [i + 1 for i, c in enumerate(head) if c == "/" and cell_len(head[:i + 1]) <= room - 1]
    if whole:  # whole leading folders, then "…/" and the name: support/…/ticket_003.eml
        return head[:whole[-1]] + "…/" + name if cell_len(head[:whole[-1]] + "…/" + name) <= width else \
            head[:whole[-1]] + "…" + name
    return _head(head, room) + "…" + name


def _head(text: str, width: int) -> str:
    out = ""
    for c in text:
        if cell_len(out + c) > width:
            break
        out += c
    return out


def _tail(text: str, width: int) -> str:
    out = ""
    for c in reversed(text):
        if cell_len(c + out) > width:
            break
        out = c + out
    return out


def number(n: int | None) -> str:
    return "—" if n is None else f"{n:,}"


def location(loc: dict[str, Any], line: int | None = None) -> str:
    """A locator in a few characters: ``p.3``, ``Payouts!D14``, ``$.a[4].b``, ``L12``."""
    parts = []
    if "row" in loc:  # a table's row and column (its header name, or its number)
        parts.append(f"row {loc['row']}" + (f" {loc['column']}" if "column" in loc else ""))
    if "page" in loc:
        parts.append(f"p.{loc['page']}")
    if "sheet" in loc or "cell" in loc:
        parts.append(f"{loc.get('sheet', '')}!{loc.get('cell', '')}" if "sheet" in loc else str(loc["cell"]))
    if "json_path" in loc:
        parts.append(str(loc["json_path"]))
    for key, value in loc.items():
        if key not in ("row", "column", "page", "sheet", "cell", "json_path") and not key.startswith("_"):
            parts.append(f"{key}={value}")
    if not parts and line is not None:
        parts.append(f"L{line}")
    return printable(" ".join(parts))


def bar(value: int, maximum: int, width: int) -> str:
    """A horizontal bar in eighths of a cell."""
    if maximum <= 0 or width <= 0:
        return " " * max(0, width)
    eighths = round(8 * width * value / maximum)
    if value > 0 and eighths == 0:
        eighths = 1
    full, rest = divmod(eighths, 8)
    text = "█" * full + (BAR_EIGHTHS[rest] if rest else "")
    return text.ljust(width)


def size(n: int | None) -> str:
    if n is None:
        return "?"
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"


def highlight_span(context: str, start: int | None, end: int | None, replacement: str | None = None) -> Text:
    """The masked context with the finding's span marked: bold, underlined and in brackets (NO_COLOR safe)."""
    if start is None or end is None or not (0 <= start <= end <= len(context)):
        return plain(context)
    span = replacement if replacement is not None else context[start:end]
    text = plain(context[:start])
    text.append("⟦", style="dim")
    text.append(printable(span), style="bold reverse" if replacement is not None else "bold underline")
    text.append("⟧", style="dim")
    text.append(printable(context[end:]))
    return text


class Lines:
    """``key      value`` lines as one Text: cheap to lay out (detail panes re-render on every move)."""

    KEY_WIDTH = 10

    def __init__(self, head: Text) -> None:
        self.text = head

    def add(self, key: str, value: Text | str) -> None:
        value = value if isinstance(value, Text) else plain(value)
        self.text.append("\n")
        self.text.append(key.ljust(self.KEY_WIDTH)[:self.KEY_WIDTH], style="dim")
        for i, line in enumerate(value.split("\n")):
            if i:
                self.text.append("\n" + " " * self.KEY_WIDTH)
            self.text.append_text(line)
