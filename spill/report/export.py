"""`spill export`: one finding per line (JSON Lines) or per row (CSV), exactly as DESIGN.md says.

JSON Lines is exact. A CSV cell that a spreadsheet would run as a formula gets a leading ``'``
(``spill.inert.csv_cell``): a file named ``=HYPERLINK(…)`` must not become a live formula.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TextIO

from spill.case import Case
from spill.errors import SpillError
from spill.inert import csv_cell
from spill.model import Finding, FindingQuery

FIELDS = ["path", "entity_type", "category", "value", "preview", "score", "severity", "status", "rule", "start",
          "end", "line", "location", "fingerprint", "file_sha256", "subject", "client", "signals", "note"]

Revealer = Callable[[Finding], str]


def export_rows(case: Case, *, statuses: Sequence[str] = (), revealer: Revealer | None = None,
                problems: list[str] | None = None, revealed: list[str] | None = None,
                query: FindingQuery | None = None) -> Iterator[dict[str, Any]]:
    """Findings as export dicts (those ``query`` matches, when given); with a revealer each value is
    re-read from the source. The analyst's note goes with each (``note``, null when none).

    The ids of the findings whose value was revealed are appended to ``revealed`` (for the log).
    """
    for f in case.iter_findings(statuses=statuses, query=query):
        row: dict[str, Any] = {
            "path": f.path, "entity_type": f.entity_type, "category": str(f.category),
            "preview": f.preview, "score": f.score, "severity": str(f.severity), "status": str(f.status),
            "rule": f.rule, "start": f.start, "end": f.end, "line": f.line, "location": f.location,
            "fingerprint": f.fingerprint, "file_sha256": f.file_sha256, "subject": f.subject, "note": f.note,
        }
        document_level = f.document_level
        if document_level:
            row["client"] = f.client
            row["signals"] = list(f.signals)
        if revealer is not None:
            if document_level:
                row["value"] = None
            else:
                try:
                    row["value"] = revealer(f)
                    if revealed is not None:
                        revealed.append(f.id)
                except SpillError as err:
                    row["reveal_error"] = str(err)
                    if problems is not None:
                        problems.append(f"{f.path}: {err}")
        yield {k: row[k] for k in [*FIELDS, "reveal_error"] if k in row}


def write_jsonl(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    n = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        n += 1
    return n


def write_csv(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=[*FIELDS, "reveal_error"], extrasaction="ignore")
    writer.writeheader()
    n = 0
    for row in rows:
        flat = {k: json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v for k, v in row.items()}
        writer.writerow({k: csv_cell(v) for k, v in flat.items()})
        n += 1
    return n
