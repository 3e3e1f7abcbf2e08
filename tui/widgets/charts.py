"""The overview's figures: the scan lines, the suggested next step, and each panel as rows that open
the Findings screen filtered to them (:class:`PanelRow`: its text and its query).

Every folder, root or client name is data: it goes in as ``fmt.plain`` text, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rich.text import Text

from spill.model import NO_CLIENT, CaseOverview, Category, FindingQuery, Severity, Status
from tui import format as fmt
from tui import modes

STATUS_COLUMNS = (Status.OPEN, Status.CONFIRMED, Status.FALSE_POSITIVE, Status.IGNORED)
SEVERITIES = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)

Cell = tuple[Text | str, int, Literal["left", "right"]]


@dataclass(frozen=True, slots=True)
class PanelRow:
    text: Text
    query: FindingQuery | None  # None: a heading, not a row to open


def cells(*parts: Cell) -> Text:
    """Fixed-width cells on one line (panels are option lists: each row is one Text)."""
    out = Text()
    for i, (value, width, justify) in enumerate(parts):
        text = value.copy() if isinstance(value, Text) else fmt.plain(value)  # data: never markup
        text.truncate(width, overflow="ellipsis")
        pad = " " * (width - text.cell_len)
        if i:
            out.append(" ")
        if justify == "right":
            out.append(pad)
        out.append_text(text)
        if justify != "right":
            out.append(pad)
    return out


def scan_panel(o: CaseOverview, analyst: str) -> Text:
    lines = Text()
    if o.scan is None:
        lines.append("no scan recorded in this case", style="dim")
        return lines
    state = {"running": "RUNNING", "finished": "finished", "interrupted": "INTERRUPTED (spill scan --resume)",
             "failed": "FAILED"}.get(o.scan.status, o.scan.status)
    lines.append("scan    ", style="dim")
    lines.append(state, style="bold")
    when = (o.scan.finished_at or o.scan.started_at)[:16].replace("T", " ")
    lines.append(f"  {when} UTC  ", style="dim")
    lines.append(fmt.printable(o.scan.root))
    lines.append("\nfiles   ", style="dim")
    done, err, skip, pending = (o.files.get(k, 0) for k in ("done", "error", "skipped", "pending"))
    members = sum(o.members.values())
    lines.append(f"{sum(o.files.values()):,}")
    if members:
        lines.append(f" (+{members:,} inside archives/mail)", style="dim")
    lines.append(f": {done:,} scanned · ")
    lines.append(f"{skip:,} skipped", style="bold" if skip else "")
    lines.append(" · ")
    lines.append(f"{err:,} failed", style="bold" if err else "")
    if pending:
        lines.append(f" · {pending:,} pending")
    lines.append("\npeople  ", style="dim")
    lines.append(f"{o.people:,}", style="bold")
    lines.append(f" with exposed data ({modes.PEOPLE.label})")
    weak = o.people_by_confidence.get("weak", 0)
    if weak:
        lines.append(" · ")
        lines.append(f"{weak:,} held together by a name only", style="bold")
    lines.append("\nanalyst ", style="dim")
    lines.append(fmt.printable(analyst), style="bold")
    lines.append("  next: ", style="dim")
    lines.append(next_step(o))
    return lines


def next_step(o: CaseOverview) -> str:
    """What the analyst should look at next, worst first."""
    if o.scan is not None and o.scan.status == "running":
        return "the scan is still running; these figures follow it"
    if o.open_by_severity is None:
        return "…"
    for sev in (Severity.CRITICAL, Severity.HIGH):
        still_open = o.open_by_severity.get(sev.value, 0)
        if still_open:
            label = fmt.SEVERITY_LABEL[sev]
            return f"{still_open:,} {sev.value} findings are open: enter on {label} lists them"
    if o.not_scanned_unreviewed:
        return f"{o.not_scanned_unreviewed:,} files not scanned: see {modes.FILES.label}, m marks one reviewed"
    still_open = o.with_status(Status.OPEN)
    if still_open:
        return f"{still_open:,} findings open: {modes.FINDINGS.label}, g groups them to decide many at once"
    if o.findings:
        return "every finding is decided: ctrl+p, Export writes the confirmed ones"
    return "nothing was found; check what could not be scanned in " + modes.FILES.label


def triage_progress(o: CaseOverview) -> tuple[int, int]:
    """(decided, total) findings."""
    total = o.findings
    return total - o.with_status(Status.OPEN), total


def category_rows(o: CaseOverview, bar_width: int = 12) -> list[PanelRow]:
    widths = [(fmt.STATUS_LABEL[s], max(5, len(fmt.STATUS_LABEL[s]))) for s in STATUS_COLUMNS]
    head = cells(("category", 14, "left"), *((label, w, "right") for label, w in widths))
    out = [PanelRow(Text.assemble((head.plain, "bold dim")), None)]
    biggest = max((sum(row.values()) for row in o.by_category.values()), default=0)
    for cat in Category:
        row = o.by_category.get(cat.value, {})
        total = sum(row.values())
        if total:
            text = cells((cat.value, 14, "left"), *((fmt.number(row.get(s.value, 0)), w, "right")
                                                     for s, (_l, w) in zip(STATUS_COLUMNS, widths, strict=True)),
                         (fmt.bar(total, biggest, bar_width), bar_width, "left"))
            out.append(PanelRow(text, FindingQuery(categories=(cat.value,))))
    return out


def severity_rows(o: CaseOverview, bar_width: int = 10) -> list[PanelRow]:
    out = [PanelRow(Text(cells(("severity", 8, "left"), ("findings", 8, "right"), ("open", 7, "right")).plain,
                         style="bold dim"), None)]
    biggest = max(o.by_severity.values(), default=0)
    for sev in SEVERITIES:
        n = o.by_severity.get(sev.value, 0)
        still_open = None if o.open_by_severity is None else o.open_by_severity.get(sev.value, 0)
        text = cells((fmt.severity(sev), 8, "left"), (fmt.number(n), 8, "right"),
                     ("…" if still_open is None else fmt.number(still_open), 7, "right"),
                     (fmt.bar(n, biggest, bar_width), bar_width, "left"))
        out.append(PanelRow(text, FindingQuery(severities=(sev.value,))))
    return out


def client_rows(o: CaseOverview) -> list[PanelRow]:
    out = [PanelRow(Text(cells(("rubrics by client lab", 22, "left"), ("docs", 5, "right"), ("open", 5, "right")).plain,
                         style="bold dim"), None)]
    if not o.rubric_clients:
        out.append(PanelRow(Text("no lab rubrics found", style="dim"), None))
    for client, n, still_open in o.rubric_clients:
        label = fmt.client(client)
        out.append(PanelRow(cells((label, 22, "left"), (fmt.number(n), 5, "right"),
                                  (fmt.number(still_open), 5, "right")),
                            FindingQuery(clients=(NO_CLIENT if client == NO_CLIENT else client,))))
    return out


def folder_rows(folders: Sequence[tuple[str, int, Severity]] | None, limit: int = 6) -> list[PanelRow]:
    out = [PanelRow(Text(cells(("folders (findings in their own files)", 38, "left"), ("findings", 8, "right"),
                               ("worst", 5, "left")).plain, style="bold dim"), None)]
    if folders is None:
        out.append(PanelRow(Text("counting…", style="dim"), None))
        return out
    for folder, n, worst in folders[:limit]:
        out.append(PanelRow(cells((f"{folder}/" if folder else "(share root)", 38, "left"),
                                  (fmt.number(n), 8, "right"), (fmt.severity(worst), 5, "left")),
                            FindingQuery(folder=folder or "/")))
    if len(folders) > limit:
        out.append(PanelRow(Text(f"… {len(folders) - limit:,} more ({modes.FILES.label}, or group by folder)",
                                 style="dim"), None))
    return out
