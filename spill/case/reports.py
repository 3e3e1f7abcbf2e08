"""The figures the CLI's closing line and the Overview screen show (`spill report` reads ``case.exposure``)."""

from __future__ import annotations

from typing import Any

from spill.case import query, rows
from spill.case.coverage import Coverage
from spill.case.decisions import DecisionLog
from spill.case.people import People
from spill.case.scan import ScanStore
from spill.case.store import Store
from spill.model import NO_CLIENT, SEVERITY_RANK, CaseOverview, Severity


class Reports:
    def __init__(self, store: Store, scans: ScanStore, people: People, log: DecisionLog,
                 coverage: Coverage) -> None:
        self.store, self.scans, self.people, self.log, self.coverage = store, scans, people, log, coverage

    def counts(self) -> dict[str, Any]:
        """Summary figures for the CLI's closing line and the reports."""
        q = self.store.conn.execute
        return {
            "files": self.coverage.counts(),
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
        counts = self.coverage.counts()
        matrix: dict[str, dict[str, int]] = {}
        for cat, status, n in q("SELECT category, status, count(*) FROM findings GROUP BY category, status"):
            matrix.setdefault(cat, {})[status] = n
        by_sev = {r[0]: r[1] for r in q("SELECT severity, count(*) FROM findings GROUP BY severity")}
        clients = [(c or NO_CLIENT, n, o) for c, n, o in q(
            "SELECT client, count(*), sum(status = 'open') FROM findings WHERE entity_type = 'LAB_RUBRIC'"
            " GROUP BY client ORDER BY count(*) DESC, client")]
        reviewed = self.coverage.reviewed()
        not_scanned = [r[0] for r in q("SELECT id FROM files WHERE status IN ('error', 'skipped')")]
        return CaseOverview(self.store.path.name, self.scans.last(), counts.files, counts.members, matrix, by_sev,
                            clients, self.people.count(), self.people.by_confidence(),
                            sum(1 for i in not_scanned if i not in reviewed))

    def open_by_severity(self) -> dict[str, int]:
        """Findings still open per severity: one range of the triage order index each (which leads with the
        severity and carries the status), no sort — about a third of a second on 10^6 findings."""
        rank = rows.sev_rank("severity")
        return {sev.value: int(self.store.conn.execute(
            f"SELECT count(*) FROM findings INDEXED BY findings_triage_order WHERE {rank} = ? AND status = 'open'",
            (SEVERITY_RANK[sev],)).fetchone()[0]) for sev in Severity}

    def top_folders(self) -> list[tuple[str, int, Severity]]:
        """Findings and worst severity per folder, most findings first: the findings *in* each folder (its own
        files and their members; see ``spill.case.coverage``), as group by folder counts them."""
        folder = query.folder_sql("fl.path")
        return [(r[0], r[1], rows.severity_of_rank(r[2])) for r in self.store.conn.execute(
            f"SELECT {folder} AS folder, sum(g.n) AS n, min(g.rank) FROM (SELECT f.file_id, count(*) AS n,"
            f" min({rows.sev_rank('f.severity')}) AS rank FROM findings f INDEXED BY findings_triage_file"
            " GROUP BY f.file_id) g JOIN files fl ON fl.id = g.file_id GROUP BY folder ORDER BY n DESC, folder")]
