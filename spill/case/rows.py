"""Rows to records and back: read by column name, written by field name."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from spill.model import (
    SEVERITY_BY_RANK,
    Category,
    Decision,
    FileRecord,
    FileStatus,
    Finding,
    Severity,
    Status,
)

FILE_COLUMNS = "id, path, parent, sha256, size, mtime, kind, status, reason, duplicate_of"

#: Every stored column of a finding, plus the containing file's hash (``f``: findings, ``fl``: files).
FINDING_COLUMNS = (
    'f.id, f.file_id, f.path, f.entity_type, f.category, f.severity, f.score, f.rule, f.status, f.start, f."end",'
    " f.line, f.location, f.preview, f.context, f.ctx_start, f.ctx_end, f.fingerprint, f.record, f.subject,"
    " f.client, f.signals, f.value, f.note, f.unit, f.subject_via, f.country, f.country_via,"
    " fl.sha256 AS file_sha256"
)

#: What a row of the findings table needs (a page of 10^6 must stay cheap: no context).
ROW_COLUMNS = ('f.id, f.file_id, f.path, f.entity_type, f.category, f.severity, f.score, f.rule, f.status,'
               ' f.start, f."end", f.line, f.location, f.preview, f.fingerprint, f.subject, f.note')

_CONVERT = {
    "category": Category,
    "severity": Severity,
    "status": Status,
    "location": lambda v: json.loads(v or "{}"),
    "signals": lambda v: tuple(json.loads(v or "[]")),
    "file_sha256": lambda v: v or "",
}


def finding(row: sqlite3.Row) -> Finding:
    """A finding from a row holding any subset of its columns (the rest keep their defaults)."""
    fields: dict[str, Any] = {}
    for name in row.keys():  # noqa: SIM118 - sqlite3.Row is not a mapping
        if name.startswith("_"):
            continue  # a query's own helper column (a rowid to page from)
        value = row[name]
        convert = _CONVERT.get(name)
        fields[name] = convert(value) if convert is not None else value
    return Finding(**fields)


def file_record(row: sqlite3.Row) -> FileRecord:
    return FileRecord(id=row["id"], path=row["path"], parent=row["parent"], sha256=row["sha256"], size=row["size"],
                      mtime=row["mtime"], kind=row["kind"], status=FileStatus(row["status"]), reason=row["reason"],
                      duplicate_of=row["duplicate_of"])


def decision(row: sqlite3.Row) -> Decision:
    return Decision(**{name: row[name] for name in row.keys()})  # noqa: SIM118


def finding_columns(f: Finding) -> dict[str, Any]:
    """The stored columns of a finding, by name (``value`` and the joined ``file_sha256`` left out)."""
    return {
        "id": f.id, "file_id": f.file_id, "path": f.path, "entity_type": f.entity_type,
        "category": str(f.category), "severity": str(f.severity), "score": round(f.score, 4), "rule": f.rule,
        "status": str(f.status), "start": f.start, "end": f.end, "line": f.line,
        "location": json.dumps(f.location, sort_keys=True, ensure_ascii=False) if f.location else "{}",
        "preview": f.preview,
        "context": f.context, "ctx_start": f.ctx_start, "ctx_end": f.ctx_end, "fingerprint": f.fingerprint,
        "record": f.record, "subject": f.subject, "client": f.client,
        "signals": json.dumps(list(f.signals)) if f.signals else None, "note": f.note, "unit": f.unit,
        "subject_via": f.subject_via, "country": f.country, "country_via": f.country_via,
    }


def sev_rank(col: str) -> str:
    """Severity as a sortable rank in SQL (worst first); the text matches findings_triage_order's expression."""
    return f"(CASE {col} WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END)"


def severity_of_rank(rank: int | None, default: Severity = Severity.LOW) -> Severity:
    return SEVERITY_BY_RANK.get(rank, default) if rank is not None else default


def chunks(items: Sequence[str], n: int = 500) -> Iterator[list[str]]:
    """Slices small enough for an ``IN (?, ?, …)`` list."""
    for i in range(0, len(items), n):
        yield list(items[i:i + n])


def marks(items: Sequence[object]) -> str:
    return ",".join("?" * len(items))
