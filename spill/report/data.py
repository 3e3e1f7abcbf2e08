"""One data model for `spill report` (``build``), rendered as Markdown and HTML (and the CSVs beside them).

Everything is read once from the case, masked; decisions shape it: false positives never count
as exposure, the people are assessed as decided (merges, splits, not a person), and every count
says how much is still unreviewed.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from spill import clock
from spill.case import Case
from spill.case.decisions import Head
from spill.exposure import CoverageRow
from spill.model import ScanInfo
from spill.notify import NOT_LEGAL_ADVICE, Jurisdiction, Rulebook
from spill.provenance import from_meta
from spill.report.clients import LabExposure, client_exposure
from spill.report.people import NotificationRow, notification_list, outcome_counts

CATEGORIES = ("identity", "contact", "government_id", "financial", "contractor", "credential", "lab_ip")
STATUSES = ("open", "confirmed", "ignored", "false_positive")
SEVERITIES = ("critical", "high", "medium", "low")


@dataclass
class ReportData:
    case_name: str
    generated_at: str
    scan: ScanInfo | None
    provenance: dict[str, str]
    notify_rules: str  # the notification rules' fingerprint
    figures: dict[str, Any]
    not_scanned: list[tuple[str, str, str, str]]  # path, status, reason, marked reviewed by
    people: list[NotificationRow]
    outcomes: dict[str, int]
    people_left_out: int
    jurisdictions: list[tuple[Jurisdiction, int]]  # each jurisdiction that decided someone, with how many
    labs: list[LabExposure]
    decisions: list[tuple[str, str, str, int, str, str]]
    log_head: Head
    chain_problems: list[str]
    coverage_total: int
    ledger: list[CoverageRow]  # the first rows (the whole ledger is streamed to the CSV beside the report)
    notice: str = NOT_LEGAL_ADVICE
    attachments: dict[str, str] = field(default_factory=dict)  # what -> file name beside the report

    @property
    def findings(self) -> int:
        return sum(self.figures["status"].values())

    @property
    def live_findings(self) -> int:
        return self.findings - self.figures["status"].get("false_positive", 0)

    def category_status(self, category: str) -> dict[str, int]:
        return {s: self.figures["category_status"].get(f"{category}\0{s}", 0) for s in STATUSES}

    @property
    def scan_options(self) -> str:
        return json.dumps(self.scan.options, sort_keys=True, ensure_ascii=False) if self.scan else ""


def build(case: Case, book: Rulebook, *, list_limit: int = 200) -> ReportData:
    people = notification_list(case, book)
    used: dict[str, int] = {}
    for row in people:
        if row.assessment.jurisdiction:
            used[row.assessment.jurisdiction] = used.get(row.assessment.jurisdiction, 0) + 1
    files = case.exposure.figures()
    return ReportData(
        case_name=case.path.name, generated_at=clock.utcnow(), scan=case.scans.last(),
        provenance=from_meta(case.store.meta()), notify_rules=book.fingerprint, figures=files,
        not_scanned=case.exposure.not_scanned(list_limit), people=people, outcomes=outcome_counts(people),
        people_left_out=case.exposure.people_all_false_positive(),
        jurisdictions=[(book.jurisdictions[j], n) for j, n in sorted(used.items(), key=lambda t: (-t[1], t[0]))],
        labs=client_exposure(case), decisions=case.log.summary(), log_head=case.log.head(),
        chain_problems=case.log.verify(), coverage_total=sum(files["files"].values()),
        ledger=list(itertools.islice(case.exposure.coverage(), 50)))
