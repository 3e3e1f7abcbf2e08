"""What the app writes for the analyst: an export of findings, a report, and the verify verdict.

Each runs in a worker with the thread's own connection, through the same code as ``spill export``,
``spill report`` and ``spill verify``. Files are created 0600 (they carry masked values and
paths) and never inside the scanned share (evidence is read-only).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TextIO

from spill.case import Case
from spill.errors import SpillError
from spill.model import FindingQuery, Status
from spill.notify_rules import load_rulebook
from spill.report import html, markdown
from spill.report.data import build
from spill.report.export import export_rows, write_csv, write_jsonl

Scope = Literal["filter", "confirmed"]
ExportFormat = Literal["jsonl", "csv"]
ReportFormat = Literal["md", "html"]


def default_path(case_path: Path, name: str, suffix: str) -> Path:
    """``CASE-<name>.<suffix>`` beside the case file."""
    return case_path.with_name(f"{case_path.stem}-{name}.{suffix}")


def check_destination(case: Case, path: Path) -> None:
    """Refuse a path inside the scanned share, or a folder that does not exist."""
    root = case.scans.root()
    target = path.expanduser().resolve()
    if root is not None and target.is_relative_to(root.resolve()):
        raise SpillError(f"{path} is inside the scanned share ({root}): the evidence is never written to")
    if not target.parent.is_dir():
        raise SpillError(f"folder {target.parent} does not exist")


def _private(path: Path) -> TextIO:
    fd = os.open(path.expanduser(), os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    return os.fdopen(fd, "w", encoding="utf-8", newline="")


def export_findings(case: Case, scope: Scope, query: FindingQuery, fmt: ExportFormat, path: Path) -> int:
    """Write the findings of the current filter, or every confirmed finding, with notes; how many."""
    check_destination(case, path)
    chosen = FindingQuery(statuses=(Status.CONFIRMED.value,)) if scope == "confirmed" else query
    with _private(path) as out:
        return (write_jsonl if fmt == "jsonl" else write_csv)(export_rows(case, query=chosen), out)


def write_report(case: Case, fmt: ReportFormat, path: Path) -> None:
    """What ``spill report`` writes (the built-in notification rules; its CSVs beside it are left to the CLI)."""
    check_destination(case, path)
    text = (markdown.render if fmt == "md" else html.render)(build(case, load_rulebook()))
    with _private(path) as out:
        out.write(text)


@dataclass(frozen=True, slots=True)
class Verdict:
    intact: bool
    lines: list[str]


def verify(case: Case, evidence_checker: Any | None) -> Verdict:
    """The decision log's chain (and the evidence's hashes, when the app was given the checker)."""
    lines: list[str] = []
    intact = True
    if evidence_checker is not None:
        evidence = evidence_checker(case)
        intact = evidence.intact
        lines.append(f"evidence: {evidence.summary}")
        lines += [f"  {p}" for p in evidence.problems[:20]]
    else:
        lines.append("evidence: not checked here (run spill verify CASE where the share is mounted)")
    chain = case.log.verify()
    head = case.log.head()
    intact = intact and not chain
    lines.append(f"decision log: {'intact' if not chain else 'BROKEN'} ({head.count:,} entries, head "
                 f"{head.mac[:16] or '-'}…)")
    lines += [f"  {p}" for p in chain[:20]]
    return Verdict(intact, lines)
