"""The case file, and the only package that writes SQL.

``Case`` is the one entry point; each concern is one module, reached as an attribute:

- ``store.py``     opening, the per-case key and fingerprints, ``meta`` (``case.store``)
- ``migrations.py`` schema versions as named migrations
- ``scan.py``      scans, files and findings as the scanner writes them (``case.scans``)
- ``decisions.py`` the append-only, hash-chained decision log (``case.log``)
- ``triage.py``    pages, counts, groups and details for the triage app (``case.triage``)
- ``people.py``    resolving people over the case, and analysts' merges and splits (``case.people``)
- ``people_view.py`` the People screen's and the reports' reads about people
- ``names.py``     the names learned from the share: the gazetteer and what it found (``case.names``)
- ``keys.py``      what a value spells (name parts, e-mail local parts), as keyed fingerprints
- ``coverage.py``  files and members, what was read, files marked reviewed (``case.coverage``)
- ``reports.py``   the figures of the reports and the Overview (``case.reports``)
- ``exposure.py``  the notification list's, client table's and coverage ledger's reads (``case.exposure``)
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from spill.case import query as q
from spill.case import rows
from spill.case.coverage import Coverage, FileTarget
from spill.case.decisions import DecisionLog
from spill.case.exposure import Exposure
from spill.case.names import Names
from spill.case.people import People, PersonTarget
from spill.case.reports import Reports
from spill.case.scan import ScanStore
from spill.case.store import KEY_SUFFIX, Store, default_analyst
from spill.case.triage import Triage
from spill.model import Finding, FindingQuery

__all__ = ["KEY_SUFFIX", "Case", "default_analyst"]


class Case:
    """An open case file. Use :meth:`create`, :meth:`open` or :meth:`open_or_create`; close with :meth:`close`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.path = store.path
        self.log = DecisionLog(store)
        self.log.register(FileTarget(store))
        self.coverage = Coverage(store)
        self.scans = ScanStore(store, self.log)
        self.people = People(store)
        self.log.register(PersonTarget(self.people))
        self.names = Names(store)
        self.triage = Triage(store, self.people, self.log, self.coverage)
        self.reports = Reports(store, self.scans, self.people, self.log, self.coverage)
        self.exposure = Exposure(store)

    @classmethod
    def create(cls, path: str | os.PathLike[str]) -> Case:
        return cls(Store.create(Path(path)))

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, readonly: bool = False) -> Case:
        return cls(Store.open(Path(path), readonly=readonly))

    @classmethod
    def open_or_create(cls, path: str | os.PathLike[str]) -> Case:
        return cls.open(path) if Path(path).exists() else cls.create(path)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Case:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def conn(self):
        return self.store.conn

    # ------------------------------------------------------------ fingerprints
    def fingerprint(self, value: str) -> str:
        return self.store.fingerprint(value)

    def matches_fingerprint(self, value: str, fingerprint: str | None) -> bool:
        return self.store.matches_fingerprint(value, fingerprint)

    # ---------------------------------------------------------------- findings
    def get_finding(self, fid: str) -> Finding | None:
        row = self.store.conn.execute(
            f"SELECT {rows.FINDING_COLUMNS} FROM findings f JOIN files fl ON fl.id = f.file_id WHERE f.id = ?",
            (fid,)).fetchone()
        return rows.finding(row) if row else None

    def iter_findings(self, *, statuses: Sequence[str] = (), query: FindingQuery | None = None) -> Iterator[Finding]:
        """Every finding (optionally in some statuses, or matching a triage filter), in path order: what an
        export writes."""
        query = query or FindingQuery()
        if statuses:
            query = dataclasses.replace(query, statuses=tuple(statuses))
        where, params = q.where(query, self.store.fingerprint)
        for row in self.store.conn.execute(
                f"SELECT {rows.FINDING_COLUMNS} FROM findings f JOIN files fl ON fl.id = f.file_id WHERE {where}"
                " ORDER BY f.path, f.start, f.entity_type", params):
            yield rows.finding(row)
