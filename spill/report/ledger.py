"""The coverage ledger as CSV: every file and archive member with its sha256, status and reason.

Written beside a report (``REPORT.coverage.csv``); the report prints its first rows and this
file's sha256, so the attachment is bound to the report that cites it.
"""

from __future__ import annotations

import csv
from typing import TextIO

from spill.case import Case
from spill.inert import csv_cell

FIELDS = ["path", "kind", "size", "sha256", "status", "reason", "duplicate_of", "findings", "reviewed_by"]


def write_coverage_csv(case: Case, out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow(FIELDS)
    n = 0
    for r in case.exposure.coverage():
        writer.writerow([csv_cell(v) for v in (r.path, r.kind or "", r.size if r.size is not None else "",
                                               r.sha256 or "", r.status, r.reason or "", r.duplicate_of or "",
                                               r.findings, r.reviewed_by)])
        n += 1
    return n
