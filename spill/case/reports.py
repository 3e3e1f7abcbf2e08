"""The figures the CLI's closing line and the Overview screen show (`spill report` reads ``case.exposure``)."""

from __future__ import annotations

from typing import Any

from spill.case import rows
from spill.case.decisions import DecisionLog
from spill.case.people import People
from spill.case.scan import ScanStore
from spill.case.store import Store
from spill.model import CaseOverview, Severity, top_folder


class Reports:
    def __init__(self, store: Store, scans: ScanStore, people: People, log: DecisionLog) -> None:
        self.store, self.scans, self.people, self.log = store, scans, people, log

    def counts(self) -> dict[str, Any]:
        """Summary figures for the CLI's closing line and the reports."""
        q = self.store.conn.execute
        return {
            "files": {r[0]: r[1] for r in q("SELECT status, count(*) FROM files GROUP BY status")},
            "findings": q("SELECT count(*) FROM findings").fetchone()[0],
            "by_category": {r[0]: r[1] for r in q("SELECT category, count(*) FROM findings GROUP BY category")},
            "by_type": {r[0]: r[1] for r in q(
                "SELECT entity_type, count(*) FROM findings GROUP BY entity_type ORDER BY 2 DESC")},
            "subjects": self.people.count(),
            "people_by_confidence": self.people.by_confidence(),
        }

    def overview(self) -> CaseOverview:
        """The case at a glance: files, findings by category × status and severity, people, scan.

        Index-only counts (a few hundred ms on 10^6 findings); the folders come separately
        from :meth:`top_folders`, which has to visit every file.
        """
        q = self.store.conn.execute
        files = {r[0]: r[1] for r in q("SELECT status, count(*) FROM files GROUP BY status")}
        matrix: dict[str, dict[str, int]] = {}
        for cat, status, n in q("SELECT category, status, count(*) FROM findings GROUP BY category, status"):
            matrix.setdefault(cat, {})[status] = n
        by_sev = {r[0]: r[1] for r in q("SELECT severity, count(*) FROM findings GROUP BY severity")}
        clients = [(c or "(unknown lab)", n, o) for c, n, o in q(
            "SELECT client, count(*), sum(status = 'open') FROM findings WHERE entity_type = 'LAB_RUBRIC'"
            " GROUP BY client ORDER BY count(*) DESC, client")]
        return CaseOverview(self.store.path.name, self.scans.last(), files, matrix, by_sev, clients,
                            self.people.count(), self.people.by_confidence())

    def top_folders(self) -> list[tuple[str, int, Severity]]:
        """Findings and worst severity per folder (first two levels), most findings first."""
        by_file = self.store.conn.execute(
            f"SELECT fl.path, g.n, g.rank FROM (SELECT f.file_id, count(*) AS n, min({rows.sev_rank('f.severity')})"
            " AS rank FROM findings f INDEXED BY findings_triage_file GROUP BY f.file_id) g"
            " JOIN files fl ON fl.id = g.file_id").fetchall()
        folders: dict[str, list[int]] = {}
        for path, n, rank in by_file:
            acc = folders.setdefault(top_folder(path), [0, 9])
            acc[0] += n
            acc[1] = min(acc[1], rank)
        return sorted(((k, v[0], rows.severity_of_rank(v[1])) for k, v in folders.items()),
                      key=lambda t: (-t[1], t[0]))
