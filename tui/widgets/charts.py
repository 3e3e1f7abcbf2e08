"""The overview's panels: small tables with bars, rendered by Rich inside a Static.

A table cell given as a string is Rich markup: every folder, root or client name goes in as
``fmt.plain`` text.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from spill.model import CaseOverview, Category, Severity, Status
from tui import format as fmt
from tui import modes

STATUS_COLUMNS = (Status.OPEN, Status.CONFIRMED, Status.FALSE_POSITIVE, Status.IGNORED)
SHORT_STATUS = {Status.OPEN: "open", Status.CONFIRMED: "conf", Status.FALSE_POSITIVE: "fp", Status.IGNORED: "ign"}


def _table(*headers: tuple[str, str]) -> Table:
    table = Table(box=None, padding=(0, 1, 0, 0), show_edge=False, expand=False, header_style="bold dim")
    for header, justify in headers:
        table.add_column(header, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    return table


def scan_panel(o: CaseOverview) -> RenderableType:
    lines = Text()
    if o.scan is None:
        lines.append("no scan recorded in this case", style="dim")
        return lines
    state = {"running": "RUNNING", "finished": "finished", "interrupted": "INTERRUPTED (spill scan --resume)",
             "failed": "FAILED"}.get(o.scan.status, o.scan.status)
    lines.append("scan   ", style="dim")
    lines.append(state, style="bold")
    when = (o.scan.finished_at or o.scan.started_at)[:16].replace("T", " ")
    lines.append(f"  {when} UTC\n", style="dim")
    lines.append("root   ", style="dim")
    lines.append(fmt.printable(o.scan.root) + "\n")
    done, err, skip, pending = (o.files.get(k, 0) for k in ("done", "error", "skipped", "pending"))
    lines.append("files  ", style="dim")
    lines.append(f"{done:,} scanned · ")
    lines.append(f"{skip:,} skipped", style="bold" if skip else "")
    lines.append(" · ")
    lines.append(f"{err:,} failed", style="bold" if err else "")
    if pending:
        lines.append(f" · {pending:,} pending")
    lines.append("\n")
    lines.append("people ", style="dim")
    lines.append(f"{o.people:,}", style="bold")
    lines.append(f" with exposed data ({modes.PEOPLE.label})")
    weak = o.people_by_confidence.get("weak", 0)
    if weak:
        lines.append(" · ")
        lines.append(f"{weak:,} held together by a name only", style="bold")
    return lines


def triage_progress(o: CaseOverview) -> tuple[int, int]:
    """(decided, total) findings."""
    total = o.findings
    return total - o.with_status(Status.OPEN), total


def category_panel(o: CaseOverview, bar_width: int = 16) -> RenderableType:
    table = _table(("category", "left"), *((SHORT_STATUS[s], "right") for s in STATUS_COLUMNS), ("", "left"))
    biggest = max((sum(row.values()) for row in o.by_category.values()), default=0)
    for cat in Category:
        row = o.by_category.get(cat.value, {})
        total = sum(row.values())
        if not total:
            continue
        table.add_row(cat.value, *(fmt.number(row.get(s.value, 0)) for s in STATUS_COLUMNS),
                      fmt.bar(total, biggest, bar_width))
    if not o.by_category:
        return Text("no findings", style="dim")
    return table


def severity_panel(o: CaseOverview, bar_width: int = 12) -> RenderableType:
    table = _table(("severity", "left"), ("findings", "right"), ("", "left"))
    biggest = max(o.by_severity.values(), default=0)
    for sev in (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW):
        n = o.by_severity.get(sev.value, 0)
        table.add_row(fmt.severity(sev), fmt.number(n), fmt.bar(n, biggest, bar_width))
    return table


def folders_panel(folders: list[tuple[str, int, Severity]] | None, limit: int = 6) -> RenderableType:
    table = _table(("top folders", "left"), ("findings", "right"), ("worst", "left"))
    if folders is None:
        table.add_row(Text("counting…", style="dim"), "", "")
        return table
    for folder, n, worst in folders[:limit]:
        table.add_row(fmt.plain(f"{folder}/") if folder else "(share root)", fmt.number(n), fmt.severity(worst))
    if len(folders) > limit:
        table.add_row(Text(f"… {len(folders) - limit:,} more ({modes.FILES.label})", style="dim"), "", "")
    return table


def rubric_panel(o: CaseOverview) -> RenderableType:
    if not o.rubric_clients:
        return Text("no lab rubrics found", style="dim")
    table = _table(("rubrics by client lab", "left"), ("docs", "right"), ("open", "right"))
    for client, n, still_open in o.rubric_clients:
        table.add_row(fmt.plain(client), fmt.number(n), fmt.number(still_open))
    return table
