"""Triage queries: pages, counts, groups and details for `spill triage`, shaped for 10^6 findings.

Every list is paged or aggregated in SQL; nothing loads all findings. SQLite has no
statistics here to choose between a filter's index and a sort order's, so the queries
name their index (``INDEXED BY``): raw SQL, which sqlite-utils does not express.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, overload

from spill.case import query as q
from spill.case import rows
from spill.case.decisions import DecisionLog
from spill.case.people import People
from spill.case.store import Store
from spill.errors import CaseError
from spill.model import (
    GROUP_BY,
    FileRecord,
    FileStats,
    FileStatus,
    Finding,
    FindingDetail,
    FindingGroup,
    FindingPage,
    FindingQuery,
    Person,
)

SPARSE_CAP = 5000  # matches fetched by rowid and sorted directly
SORTER_CAP = 20000  # groups: above this many matches the grouping's covering index is forced


class GroupList(Sequence[FindingGroup]):
    """Groups in the order SQLite sorted them, made into records only when looked at."""

    def __init__(self, by: str, found: list[Any]) -> None:
        self.by = by
        self._rows = found

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> FindingGroup: ...
    @overload
    def __getitem__(self, index: slice) -> list[FindingGroup]: ...

    def __getitem__(self, index: int | slice) -> FindingGroup | list[FindingGroup]:
        if isinstance(index, slice):
            return [self._make(r) for r in self._rows[index]]
        return self._make(self._rows[index])

    def _make(self, r: Any) -> FindingGroup:
        return FindingGroup(self.by, r["key"], r["label"] or "", r["entity_type"], int(r["n"]),
                            int(r["still_open"] or 0), rows.severity_of_rank(r["rank"]))


class Triage:
    def __init__(self, store: Store, people: People, log: DecisionLog) -> None:
        self.store = store
        self.people = people
        self.log = log

    # ---------------------------------------------------------------- findings
    def count(self, query: FindingQuery) -> int:
        where, params = q.where(query)
        # a combination of the columns the order index carries is counted from it alone;
        # one column (or a path, person or group) has a narrower index of its own
        kinds = sum(bool(v) for v in (query.entity_types, query.categories, query.statuses, query.severities))
        hint = " INDEXED BY findings_triage_order" if kinds > 1 and q.in_order_index(query) else ""
        return int(self.store.conn.execute(f"SELECT count(*) FROM findings f{hint} WHERE {where}",
                                           params).fetchone()[0])

    def page(self, query: FindingQuery, offset: int, limit: int) -> FindingPage:
        """One window of the findings that match ``query``, in its sort order.

        * severity order, filters the order index carries (type, category, status,
          severity, path): walk ``findings_triage_order`` from the index alone, looking up
          only the rows shown;
        * otherwise a probe collects up to ``SPARSE_CAP`` matching rowids through the
          filter's own index; if that is all of them they are sorted directly;
        * one value's findings (a group opened): sorted on ``findings_triage_value`` alone,
          then the page's rows fetched;
        * else the sort order's index is walked, testing the rest of the filter per row.

        ``total`` is set when the page tells it; else ask :meth:`count` (in the background).
        """
        where, params = q.where(query)
        order = q.order_by(query)
        conn = self.store.conn
        if query.sort == "severity" and q.in_order_index(query):
            found = self._rows(f"SELECT {rows.ROW_COLUMNS} FROM findings f INDEXED BY findings_triage_order"
                               f" WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?", [*params, limit, offset])
            return FindingPage(offset, found, offset + len(found) if len(found) < limit else None)
        probe = [r[0] for r in conn.execute(f"SELECT f.rowid FROM findings f WHERE {where} LIMIT {SPARSE_CAP + 1}",
                                            params)]
        if len(probe) <= SPARSE_CAP:
            return FindingPage(offset, self._by_rowid(probe, order, limit, offset), len(probe))
        if query.group_by == "value" and not query.text:
            rowids = [r[0] for r in conn.execute(
                f"SELECT f.rowid FROM findings f INDEXED BY findings_triage_value WHERE {where}"
                f" ORDER BY {order} LIMIT ? OFFSET ?", [*params, limit, offset])]
            return FindingPage(offset, self._by_rowid(rowids, order, limit, 0), None)
        found = self._rows(f"SELECT {rows.ROW_COLUMNS} FROM findings f INDEXED BY {q.SORT_INDEX[query.sort]}"
                           f" WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?", [*params, limit, offset])
        return FindingPage(offset, found, None)

    def ids(self, query: FindingQuery) -> list[str]:
        """Every finding id that matches ``query`` (what a group or select-all decision touches)."""
        where, params = q.where(query)
        return [r[0] for r in self.store.conn.execute(f"SELECT f.id FROM findings f WHERE {where}", params)]

    def entity_types(self) -> list[str]:
        """Entity types present in the case (filter suggestions)."""
        return [r[0] for r in self.store.conn.execute("SELECT DISTINCT entity_type FROM findings ORDER BY 1")]

    def _rows(self, sql: str, params: list[Any]) -> list[Finding]:
        return [rows.finding(r) for r in self.store.conn.execute(sql, params)]

    def _by_rowid(self, rowids: list[int], order: str, limit: int, offset: int) -> list[Finding]:
        if not rowids:
            return []
        return self._rows(f"SELECT {rows.ROW_COLUMNS} FROM findings f WHERE f.rowid IN ({rows.marks(rowids)})"
                          f" ORDER BY {order} LIMIT ? OFFSET ?", [*rowids, limit, offset])

    # ------------------------------------------------------------------ groups
    def groups(self, query: FindingQuery, by: str) -> GroupList:
        """The findings that match ``query`` grouped ``by`` value, rule, file or folder, biggest first.

        One pass over the grouping's covering index (forced when the filter matches many),
        with as few aggregates as the table needs; the label columns are SQLite "bare"
        columns (any row of the group: they agree). Sorted in SQL and made into records
        only when looked at. On 10^6 findings about a second; the app runs it in the background.
        """
        if by not in GROUP_BY:
            raise CaseError(f"unknown grouping {by!r}; one of {', '.join(GROUP_BY)}")
        where, params = q.where(query)
        hint = ""
        if not query.text:
            matches = self.store.conn.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM findings f WHERE {where} LIMIT {SORTER_CAP + 1})",
                params).fetchone()[0]
            if matches > SORTER_CAP:
                hint = f" INDEXED BY {q.GROUP_INDEX[by]}"
        rank = rows.sev_rank("f.severity")
        agg = f"count(*) AS n, sum(f.status = 'open') AS still_open, min({rank}) AS rank"
        order = " ORDER BY n DESC, label, key"
        if by == "value":
            sql = (f"SELECT f.fingerprint AS key, {agg}, f.entity_type, f.preview AS label FROM findings f{hint}"
                   f" WHERE {where} AND f.fingerprint IS NOT NULL GROUP BY f.fingerprint"
                   f" UNION ALL SELECT 'id:' || f.id, 1, f.status = 'open', {rank}, f.entity_type,"
                   " CASE WHEN coalesce(f.client, f.preview, '') != '' THEN coalesce(f.client, f.preview) || ' · '"
                   f" || f.path ELSE f.path END FROM findings f WHERE {where} AND f.fingerprint IS NULL{order}")
            params = params * 2
        elif by == "rule":
            sql = (f"SELECT f.rule AS key, {agg}, f.entity_type, f.rule AS label FROM findings f{hint}"
                   f" WHERE {where} GROUP BY f.rule{order}")
        else:
            # aggregate from the (file_id, status, severity) index alone, then name the files / folders
            per_file = f"SELECT f.file_id, {agg} FROM findings f{hint} WHERE {where} GROUP BY f.file_id"
            if by == "file":
                sql = (f"SELECT g.file_id AS key, g.n, g.still_open, g.rank, NULL AS entity_type, fl.path AS label"
                       f" FROM ({per_file}) g JOIN files fl ON fl.id = g.file_id{order}")
            else:
                folder = q.folder_sql("fl.path")
                sql = (f"SELECT {folder} AS key, sum(g.n) AS n, sum(g.still_open) AS still_open, min(g.rank) AS"
                       f" rank, NULL AS entity_type, CASE WHEN {folder} = '' THEN '(share root)' ELSE {folder} END"
                       f" AS label FROM ({per_file}) g JOIN files fl ON fl.id = g.file_id GROUP BY key{order}")
        return GroupList(by, self.store.conn.execute(sql, params).fetchall())

    def group_status_counts(self, query: FindingQuery, group: FindingGroup) -> dict[str, int]:
        """How one group's members stand (status → count) under ``query``'s filters."""
        where, params = q.where(dataclasses.replace(query, group_by=group.by, group_key=group.key))
        return {r[0]: r[1] for r in self.store.conn.execute(
            f"SELECT f.status, count(*) FROM findings f WHERE {where} GROUP BY f.status", params)}

    # ------------------------------------------------------------------ detail
    def detail(self, fid: str, *, siblings: int = 8) -> FindingDetail | None:
        """Everything the detail pane shows about one finding (all masked)."""
        conn = self.store.conn
        row = conn.execute(f"SELECT {rows.FINDING_COLUMNS} FROM findings f JOIN files fl ON fl.id = f.file_id"
                           " WHERE f.id = ?", (fid,)).fetchone()
        if row is None:
            return None
        finding = rows.finding(row)
        file = conn.execute(f"SELECT {rows.FILE_COLUMNS} FROM files WHERE id = ?", (finding.file_id,)).fetchone()
        same_file = self._rows(f"SELECT {rows.ROW_COLUMNS} FROM findings f WHERE f.file_id = ? AND f.id != ?"
                               " ORDER BY f.start, f.rowid LIMIT ?", [finding.file_id, fid, siblings])
        in_file = conn.execute("SELECT count(*) FROM findings WHERE file_id = ?", (finding.file_id,)).fetchone()[0]
        person: Person | None = self.people.get(finding.subject) if finding.subject else None
        return FindingDetail(finding, rows.file_record(file) if file else None, same_file, int(in_file) - 1,
                             person, self.log.entries(fid))

    # ------------------------------------------------------------------- files
    def file_stats(self) -> list[FileStats]:
        """Every file and archive member with its finding count and worst severity (the Files tree)."""
        conn = self.store.conn
        counts = {r[0]: (r[1], r[2]) for r in conn.execute(
            f"SELECT f.file_id, count(*), min({rows.sev_rank('f.severity')}) FROM findings f"
            " INDEXED BY findings_triage_file GROUP BY f.file_id")}
        out = []
        for r in conn.execute("SELECT id, path, parent, kind, status, reason, sha256, size FROM files ORDER BY path"):
            n, rank = counts.get(r["id"], (0, None))
            out.append(FileStats(r["id"], r["path"], r["parent"], r["kind"], FileStatus(r["status"]), r["reason"],
                                 r["sha256"], r["size"], n,
                                 rows.severity_of_rank(rank) if rank is not None else None))
        return out

    def count_problem_files(self) -> int:
        return int(self.store.conn.execute(
            "SELECT count(*) FROM files WHERE status IN ('error', 'skipped', 'pending')").fetchone()[0])

    def page_problem_files(self, offset: int, limit: int) -> list[FileRecord]:
        """Files that were not (fully) scanned: failed first, then skipped, then still pending."""
        return [rows.file_record(r) for r in self.store.conn.execute(
            f"SELECT {rows.FILE_COLUMNS} FROM files WHERE status IN ('error', 'skipped', 'pending')"
            " ORDER BY CASE status WHEN 'error' THEN 0 WHEN 'skipped' THEN 1 ELSE 2 END, path LIMIT ? OFFSET ?",
            (limit, offset))]
