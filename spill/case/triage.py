"""Triage queries: pages, counts, groups and details for `spill triage`, shaped for 10^6 findings.

Every list is paged or aggregated in SQL; nothing loads all findings. SQLite has no
statistics here to choose between a filter's index and a sort order's, so the queries
name their index (``INDEXED BY``): raw SQL, which sqlite-utils does not express.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable, Sequence
from typing import Any, overload

from spill.case import query as q
from spill.case import rows
from spill.case.coverage import Coverage
from spill.case.decisions import DecisionLog
from spill.case.people import People
from spill.case.store import Store
from spill.errors import CaseError, CaseInterrupted
from spill.model import (
    GROUP_BY,
    NO_CLIENT,
    SEVERITY_RANK,
    SORTS,
    Action,
    FileStats,
    FileStatus,
    Finding,
    FindingDetail,
    FindingGroup,
    FindingPage,
    FindingQuery,
    Impact,
    Person,
    folder_of,
)

SPARSE_CAP = 5000  # matches fetched by rowid and sorted directly
SORTER_CAP = 20000  # groups: above this many matches the grouping's covering index is forced


def group_sort_key(sort: str) -> Callable[[FindingGroup], tuple[Any, ...]]:
    """How groups are ordered by a sort key: severity (worst first, then biggest), path (the label:
    a file's or folder's path), type, status (groups with findings still open first)."""
    if sort not in SORTS:
        raise CaseError(f"unknown sort {sort!r}; one of {', '.join(SORTS)}")
    rank = SEVERITY_RANK
    return {
        "severity": lambda g: (rank[g.worst], -g.count, g.label, g.key),
        "path": lambda g: (g.label, g.key),
        "type": lambda g: (g.entity_type or "", rank[g.worst], -g.count, g.label, g.key),
        "status": lambda g: (g.open == 0, rank[g.worst], -g.open, g.label, g.key),
    }[sort]


def sort_groups(groups: Sequence[FindingGroup], sort: str, descending: bool = False) -> Sequence[FindingGroup]:
    """``groups`` in the order ``sort`` says (a GroupList sorts without making every record)."""
    if isinstance(groups, GroupList):
        return groups.sorted(sort, descending)
    if sort == "severity" and not descending:
        return groups  # the order the grouping query returns
    return sorted(groups, key=group_sort_key(sort), reverse=descending)


class GroupList(Sequence[FindingGroup]):
    """Groups in the order SQLite sorted them (worst severity first), made into records only when looked at."""

    def __init__(self, by: str, found: list[Any]) -> None:
        self.by = by
        self._rows = found
        self._orders: dict[tuple[str, bool], GroupList] = {}

    def sorted(self, sort: str, descending: bool = False) -> GroupList:
        """The same groups in another order (kept: a second ``S`` costs nothing)."""
        if sort == "severity" and not descending:
            return self
        found = self._orders.get((sort, descending))
        if found is None:  # on the rows themselves, as group_sort_key orders records (86,000 groups: ~0.1 s)
            if sort not in SORTS:
                raise CaseError(f"unknown sort {sort!r}; one of {', '.join(SORTS)}")
            key: Callable[[Any], tuple[Any, ...]] = {
                "severity": lambda r: (r[5], -r[3], r[1] or "", r[0]),
                "path": lambda r: (r[1] or "", r[0]),
                "type": lambda r: (r[2] or "", r[5], -r[3], r[1] or "", r[0]),
                "status": lambda r: (not r[4], r[5], -(r[4] or 0), r[1] or "", r[0]),
            }[sort]
            found = self._orders[(sort, descending)] = GroupList(self.by, sorted(self._rows, key=key,
                                                                                 reverse=descending))
        return found

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
        # (key, label, entity type, findings, still open, worst rank): a row or a tuple
        return FindingGroup(self.by, r[0], r[1] or "", r[2], int(r[3]), int(r[4] or 0), rows.severity_of_rank(r[5]))


class Triage:
    def __init__(self, store: Store, people: People, log: DecisionLog, coverage: Coverage) -> None:
        self.store = store
        self.people = people
        self.log = log
        self.coverage = coverage
        self._values: dict[str, bool] = {}  # typed text → whether it is a raw value of the case

    def _where(self, query: FindingQuery) -> tuple[str, list[Any]]:
        return q.where(query, self.store.fingerprint, raw_value=bool(query.text) and self._is_value(query.text))

    def _resolve(self, query: FindingQuery) -> FindingQuery:
        """A typed raw value the case holds, as the value's group (its index answers pages and counts)."""
        if query.text and not query.group_by and self._is_value(query.text):
            return dataclasses.replace(query, text="", group_by="value", group_key=self.store.fingerprint(query.text))
        return query

    def _is_value(self, text: str) -> bool:
        """Whether ``text`` is a raw value the case holds (its fingerprint is a finding's): then it is looked up
        as that value alone, not also as words (a typed e-mail lists its findings, not every gmail address)."""
        found = self._values.get(text)
        if found is None:
            found = self._values[text] = self.store.conn.execute(
                "SELECT 1 FROM findings WHERE fingerprint = ? LIMIT 1", (self.store.fingerprint(text),)
            ).fetchone() is not None
        return found

    # ---------------------------------------------------------------- findings
    def count(self, query: FindingQuery) -> int:
        query = self._resolve(query)
        where, params = self._where(query)
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
        query = self._resolve(query)
        where, params = self._where(query)
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

    def impact(self, action: Action, ids: Sequence[str] = (), queries: Sequence[FindingQuery] = ()) -> Impact:
        """What deciding ``ids`` and every match of ``queries`` with ``action`` would touch (they do not overlap)."""
        column = action.column or "status"
        before: dict[str, int] = {}
        files: set[str] = set()
        parts: list[tuple[str, list[Any]]] = [(f"f.id IN ({rows.marks(chunk)})", chunk) for chunk in rows.chunks(ids)]
        parts += [self._where(self._resolve(query)) for query in queries]
        for where, params in parts:
            for value, n in self.store.conn.execute(
                    f"SELECT coalesce(f.{column}, ''), count(*) FROM findings f WHERE {where} GROUP BY 1", params):
                before[value] = before.get(value, 0) + n
            files.update(r[0] for r in self.store.conn.execute(
                f"SELECT DISTINCT f.file_id FROM findings f WHERE {where}", params))
        return Impact(sum(before.values()), len(files), before)

    def ids(self, query: FindingQuery) -> list[str]:
        """Every finding id that matches ``query`` (what a group or select-all decision touches)."""
        query = self._resolve(query)
        where, params = self._where(query)
        return [r[0] for r in self.store.conn.execute(f"SELECT f.id FROM findings f WHERE {where}", params)]

    def entity_types(self) -> list[str]:
        """Entity types present in the case (filter suggestions)."""
        return [r[0] for r in self.store.conn.execute("SELECT DISTINCT entity_type FROM findings ORDER BY 1")]

    def find_people(self, text: str, limit: int) -> list[tuple[str, str, int]]:
        """(id, masked label, findings) of the people whose id or masked label holds ``text``, or who own the
        raw identifier ``text`` (by fingerprint): the palette's "jump to person"."""
        return [(r[0], r[1] or r[0], int(r[2])) for r in self.store.conn.execute(
            "SELECT id, label, findings FROM subjects WHERE id LIKE ? ESCAPE '\\' OR label LIKE ? ESCAPE '\\'"
            " OR id IN (SELECT subject FROM findings WHERE fingerprint = ? AND subject IS NOT NULL)"
            " ORDER BY findings DESC, id LIMIT ?", (q.like(text), q.like(text), self.store.fingerprint(text), limit))]

    def find_files(self, text: str, limit: int) -> list[str]:
        """Paths holding ``text`` (any ASCII case), shortest first: the palette's "jump to file"."""
        return [r[0] for r in self.store.conn.execute(
            "SELECT path FROM files WHERE path LIKE ? ESCAPE '\\' ORDER BY length(path), path LIMIT ?",
            (q.like(text), limit))]

    def clients(self) -> list[str]:
        """The client labs LAB_RUBRIC findings name (``NO_CLIENT`` for those that name none)."""
        return [r[0] for r in self.store.conn.execute(
            "SELECT DISTINCT coalesce(client, ?) FROM findings WHERE entity_type = 'LAB_RUBRIC' ORDER BY 1",
            (NO_CLIENT,))]

    def _rows(self, sql: str, params: list[Any]) -> list[Finding]:
        return [rows.finding(r) for r in self.store.conn.execute(sql, params)]

    def _by_rowid(self, rowids: list[int], order: str, limit: int, offset: int) -> list[Finding]:
        if not rowids:
            return []
        return self._rows(f"SELECT {rows.ROW_COLUMNS} FROM findings f WHERE f.rowid IN ({rows.marks(rowids)})"
                          f" ORDER BY {order} LIMIT ? OFFSET ?", [*rowids, limit, offset])

    # ------------------------------------------------------------------ groups
    def groups(self, query: FindingQuery, by: str) -> GroupList:
        """The findings that match ``query`` grouped ``by`` value, rule, file or folder, worst first."""
        return self.groupings(query, by)[by]

    def groupings(self, query: FindingQuery, by: str) -> dict[str, GroupList]:
        """The grouping ``by`` asks for, and any other that the same pass gives (file and folder come
        from one pass over the per-file counts). CaseInterrupted when another thread stops it
        (``Store.interrupt``).

        One pass over the grouping's covering index (forced when the filter matches many),
        with as few aggregates as the table needs; the label columns are SQLite "bare"
        columns (any row of the group: they agree). Sorted worst severity first, then the
        biggest, and made into records only when looked at. On 10^6 findings under a second
        each; the app runs them in the background.
        """
        if by not in GROUP_BY:
            raise CaseError(f"unknown grouping {by!r}; one of {', '.join(GROUP_BY)}")
        try:
            return self._groupings(query, by)
        except sqlite3.OperationalError as err:
            if "interrupt" in str(err):
                raise CaseInterrupted(f"grouping by {by} stopped") from err
            raise

    def _groupings(self, query: FindingQuery, by: str) -> dict[str, GroupList]:
        query = self._resolve(query)
        where, params = self._where(query)
        hint = ""
        if not query.text:
            matches = self.store.conn.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM findings f WHERE {where} LIMIT {SORTER_CAP + 1})",
                params).fetchone()[0]
            if matches > SORTER_CAP:
                hint = f" INDEXED BY {q.GROUP_INDEX[by]}"
        rank = rows.sev_rank("f.severity")
        agg = f"count(*) AS n, sum(f.status = 'open') AS still_open, min({rank}) AS rank"
        order = " ORDER BY rank, n DESC, label, key"  # worst severity first, then the biggest
        if by in ("file", "folder"):
            return self._file_groupings(where, params, hint, agg)
        if by == "value":
            sql = (f"SELECT f.fingerprint AS key, f.preview AS label, f.entity_type, {agg} FROM findings f{hint}"
                   f" WHERE {where} AND f.fingerprint IS NOT NULL GROUP BY f.fingerprint"
                   " UNION ALL SELECT 'id:' || f.id, CASE WHEN coalesce(f.client, f.preview, '') != '' THEN"
                   " coalesce(f.client, f.preview) || ' · ' || f.path ELSE f.path END, f.entity_type, 1,"
                   f" f.status = 'open', {rank} FROM findings f WHERE {where} AND f.fingerprint IS NULL{order}")
            params = params * 2
        else:
            sql = (f"SELECT f.rule AS key, f.rule AS label, f.entity_type, {agg} FROM findings f{hint}"
                   f" WHERE {where} GROUP BY f.rule{order}")
        return {by: GroupList(by, self._tuples(sql, params))}

    def _file_groupings(self, where: str, params: list[Any], hint: str, agg: str) -> dict[str, GroupList]:
        """Group by file and by folder from one pass: the per-file counts (from the (file_id, status,
        severity) index alone), named by the files' paths, then folded into folders here."""
        found = self._tuples(
            f"SELECT g.file_id, fl.path, g.n, g.still_open, g.rank FROM (SELECT f.file_id, {agg} FROM findings f{hint}"
            f" WHERE {where} GROUP BY f.file_id) g JOIN files fl ON fl.id = g.file_id"
            " ORDER BY g.rank, g.n DESC, fl.path, g.file_id", params)  # worst first: SQLite sorts faster
        files = [(file_id, path, None, n, still_open, rank) for file_id, path, n, still_open, rank in found]
        folders: dict[str, list[int]] = {}
        for _file_id, path, n, still_open, rank in found:
            acc = folders.setdefault(folder_of(path), [0, 0, 3])
            acc[0] += n
            acc[1] += still_open
            acc[2] = min(acc[2], rank)
        folder_rows = [(key, key or "(share root)", None, n, still_open, rank)
                       for key, (n, still_open, rank) in folders.items()]

        def worst_first(r: tuple[Any, ...]) -> tuple[Any, ...]:
            return r[5], -r[3], r[1], r[0]

        return {"file": GroupList("file", files), "folder": GroupList("folder", sorted(folder_rows, key=worst_first))}

    def _tuples(self, sql: str, params: list[Any]) -> list[Any]:
        """Rows as plain tuples: 10^5 groups are made faster than as ``sqlite3.Row``."""
        cursor = self.store.conn.cursor()
        cursor.row_factory = None
        return cursor.execute(sql, params).fetchall()

    def group_status_counts(self, query: FindingQuery, group: FindingGroup) -> dict[str, int]:
        """How one group's members stand (status → count) under ``query``'s filters."""
        where, params = self._where(dataclasses.replace(query, group_by=group.by, group_key=group.key))
        return {r[0]: r[1] for r in self.store.conn.execute(
            f"SELECT f.status, count(*) FROM findings f WHERE {where} GROUP BY f.status", params)}

    # ------------------------------------------------------------------ detail
    def detail(self, fid: str, *, siblings: int = 8) -> FindingDetail | None:
        """Everything the detail pane shows about one finding (all masked).

        The other findings of its file are listed from this one on, in file order (the ones
        before it are counted): reading down a roster, the next rows come next.
        """
        conn = self.store.conn
        row = conn.execute(f"SELECT {rows.FINDING_COLUMNS}, f.rowid AS _rowid FROM findings f JOIN files fl"
                           " ON fl.id = f.file_id WHERE f.id = ?", (fid,)).fetchone()
        if row is None:
            return None
        finding = rows.finding(row)
        file = conn.execute(f"SELECT {rows.FILE_COLUMNS} FROM files WHERE id = ?", (finding.file_id,)).fetchone()
        start = -1 if finding.start is None else finding.start
        after = "(coalesce(f.start, -1) > ? OR (coalesce(f.start, -1) = ? AND f.rowid > ?))"
        position = [start, start, row["_rowid"]]
        same_file = self._rows(f"SELECT {rows.ROW_COLUMNS} FROM findings f WHERE f.file_id = ? AND {after}"
                               " ORDER BY coalesce(f.start, -1), f.rowid LIMIT ?",
                               [finding.file_id, *position, siblings])
        in_file = conn.execute("SELECT count(*) FROM findings WHERE file_id = ?", (finding.file_id,)).fetchone()[0]
        later = conn.execute(f"SELECT count(*) FROM findings f WHERE f.file_id = ? AND {after}",
                             [finding.file_id, *position]).fetchone()[0]
        person: Person | None = self.people.get(finding.subject) if finding.subject else None
        return FindingDetail(finding, rows.file_record(file) if file else None, same_file, int(in_file) - 1,
                             person, self.log.entries(fid), same_file_before=int(in_file) - 1 - int(later))

    # ------------------------------------------------------------------- files
    def file_stats(self) -> list[FileStats]:
        """Every file and member with its findings (all, still open), worst severity and review mark (Files)."""
        conn = self.store.conn
        counts = {r[0]: (r[1], r[2], r[3]) for r in conn.execute(
            f"SELECT f.file_id, count(*), min({rows.sev_rank('f.severity')}), sum(f.status = 'open') FROM findings f"
            " INDEXED BY findings_triage_file GROUP BY f.file_id")}
        reviewed = self.coverage.reviewed()
        out = []
        for r in conn.execute("SELECT id, path, parent, kind, status, reason, sha256, size FROM files ORDER BY path"):
            n, rank, still_open = counts.get(r["id"], (0, None, 0))
            out.append(FileStats(r["id"], r["path"], r["parent"], r["kind"], FileStatus(r["status"]), r["reason"],
                                 r["sha256"], r["size"], n,
                                 rows.severity_of_rank(rank) if rank is not None else None, int(still_open),
                                 reviewed.get(r["id"])))
        return out

    def count_problem_files(self) -> int:
        return int(self.store.conn.execute(
            "SELECT count(*) FROM files WHERE status IN ('error', 'skipped', 'pending')").fetchone()[0])

    def page_problem_files(self, offset: int, limit: int) -> list[FileStats]:
        """Files that were not (fully) scanned: failed first, then skipped, then still pending; with review marks."""
        reviewed = self.coverage.reviewed()
        return [FileStats(r["id"], r["path"], r["parent"], r["kind"], FileStatus(r["status"]), r["reason"],
                          r["sha256"], r["size"], 0, None, 0, reviewed.get(r["id"])) for r in self.store.conn.execute(
            "SELECT id, path, parent, kind, status, reason, sha256, size FROM files"
            " WHERE status IN ('error', 'skipped', 'pending')"
            " ORDER BY CASE status WHEN 'error' THEN 0 WHEN 'skipped' THEN 1 ELSE 2 END, path LIMIT ? OFFSET ?",
            (limit, offset))]
