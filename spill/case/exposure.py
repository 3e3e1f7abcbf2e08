"""What the notification list, the client table and the coverage ledger read (``case.exposure``).

Whole-case reads, a few grouped queries each: a person's finding types, review state, files
and dates, the country signals the scan recorded; the rubric documents and what sits beside
them; every file and archive member. False positives never count as exposure.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Callable, Iterator

from spill.case import rows
from spill.case.coverage import Coverage
from spill.case.store import Store
from spill.exposure import CoverageRow, LabDocument, PersonFacts, TypeExposure, place_of
from spill.model import SEVERITY_RANK

_LIVE = "status != 'false_positive'"
#: Kinds of file a lab's task data comes in (what "datasets beside a rubric" means).
DATASET_KINDS = ("csv", "tsv", "jsonl", "json", "xlsx", "parquet", "xml")


class Exposure:
    def __init__(self, store: Store) -> None:
        self.store = store

    # ------------------------------------------------------------------ people
    def people(self, payout_types: tuple[str, ...] = (),
               is_payout: Callable[[str, str], bool] = lambda t, c: True) -> Iterator[PersonFacts]:
        """Every person with exposure left after false positives, most exposed first.

        The places of their findings of ``payout_types`` that ``is_payout(type, category)`` accepts are
        collected (the account-takeover check).
        """
        q = self.store.conn.execute
        types: dict[str, list[TypeExposure]] = defaultdict(list)
        states: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for r in q(f"SELECT subject, entity_type, category, count(*) AS n, count(DISTINCT file_id) AS files,"
                   f" min({rows.sev_rank('severity')}) AS worst, sum(status = 'open'), sum(status = 'confirmed'),"
                   f" sum(status = 'ignored') FROM findings WHERE subject IS NOT NULL AND {_LIVE}"
                   " GROUP BY subject, entity_type, category"):
            types[r[0]].append(TypeExposure(r[1], r[2], r[3], r[4], rows.severity_of_rank(r[5])))
            acc = states[r[0]]
            acc[0] += r[6]
            acc[1] += r[7]
            acc[2] += r[8]
        countries: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
        for r in q(f"SELECT subject, country, country_via, count(DISTINCT file_id) FROM findings WHERE subject IS NOT"
                   f" NULL AND country IS NOT NULL AND {_LIVE} GROUP BY subject, country, country_via"):
            countries[r[0]].append((r[1], r[2] or "", r[3]))
        spans = {r[0]: (r[1], r[2], r[3]) for r in q(
            f"SELECT f.subject, count(DISTINCT f.file_id), min(fl.mtime), max(fl.mtime) FROM findings f"
            f" JOIN files fl ON fl.id = f.file_id WHERE f.subject IS NOT NULL AND f.{_LIVE} GROUP BY f.subject")}
        payout: dict[str, set[str]] = defaultdict(set)
        if payout_types:
            for subject, path, etype, category in q(
                    f"SELECT DISTINCT subject, path, entity_type, category FROM findings WHERE subject IS NOT NULL"
                    f" AND {_LIVE} AND entity_type IN ({rows.marks(payout_types)})", payout_types):
                if is_payout(etype, category):
                    payout[subject].add(place_of(path))
        for r in q("SELECT id, label, confidence, findings FROM subjects WHERE findings > 0"
                   " ORDER BY findings DESC, id"):
            sid = r["id"]
            if sid not in types:
                continue
            kinds = sorted(types[sid], key=lambda t: (SEVERITY_RANK[t.worst], -t.findings, t.entity_type))
            n_files, first, last = spans.get(sid, (0, None, None))
            open_, confirmed, ignored = states[sid]
            yield PersonFacts(
                id=sid, label=r["label"] or sid, confidence=r["confidence"] or "strong",
                findings=sum(t.findings for t in kinds), files=int(n_files), worst=kinds[0].worst,
                types=tuple(kinds), open=open_, confirmed=confirmed, ignored=ignored,
                first_seen=_date(first), last_seen=_date(last),
                countries=tuple(sorted(countries.get(sid, ()), key=lambda c: (-c[2], c[0], c[1]))),
                payout_places=tuple(sorted(payout.get(sid, ()))),
                credential_linked=any(t.category == "credential" for t in kinds))

    def people_all_false_positive(self) -> int:
        """People whose every finding an analyst marked false positive (left out of the notification list)."""
        return int(self.store.conn.execute(
            "SELECT count(*) FROM subjects s WHERE s.findings = 0 AND EXISTS (SELECT 1 FROM findings f"
            " WHERE f.subject = s.id AND f.status = 'false_positive')").fetchone()[0])

    def credential_places(self) -> dict[str, int]:
        """Folders and archives holding credentials (not false positives): place → credentials."""
        out: dict[str, int] = defaultdict(int)
        for (path,) in self.store.conn.execute(f"SELECT path FROM findings WHERE category = 'credential' AND {_LIVE}"):
            out[place_of(path)] += 1
        return dict(out)

    # ------------------------------------------------------------------ clients
    def lab_documents(self) -> list[LabDocument]:
        """Every LAB_RUBRIC document that is not a false positive, in path order."""
        return [LabDocument(r[0], r[1], tuple(json.loads(r[2] or "[]")), r[3], r[4]) for r in self.store.conn.execute(
            f"SELECT f.path, f.client, f.signals, f.status, fl.kind FROM findings f JOIN files fl ON fl.id = f.file_id"
            f" WHERE f.entity_type = 'LAB_RUBRIC' AND f.{_LIVE} ORDER BY f.path")]

    def codename_pairs(self) -> list[tuple[str, str, int]]:
        """(codename, client, files stating it) from the tables the scan read (a codename registry)."""
        return [(r[0], r[1], r[2]) for r in self.store.conn.execute(
            "SELECT codename, client, count(*) FROM codenames WHERE client != '' GROUP BY codename, client"
            " ORDER BY codename, 3 DESC")]

    def codename_files(self) -> dict[str, list[str]]:
        """Files whose records name a codename (a task dataset's project column): codename → paths."""
        out: dict[str, list[str]] = defaultdict(list)
        for codename, path in self.store.conn.execute(
                "SELECT DISTINCT c.codename, f.path FROM codenames c JOIN files f ON f.id = c.file_id"
                " ORDER BY f.path"):
            out[codename].append(path)
        return dict(out)

    def files_in(self, places: set[str], kinds: tuple[str, ...] = DATASET_KINDS) -> dict[str, list[str]]:
        """Files of these kinds in these places (folder or archive): place → paths."""
        out: dict[str, list[str]] = defaultdict(list)
        if not places:
            return {}
        for (path,) in self.store.conn.execute(
                f"SELECT path FROM files WHERE status = 'done' AND kind IN ({rows.marks(kinds)}) ORDER BY path", kinds):
            place = place_of(path)
            if place in places:
                out[place].append(path)
        return dict(out)

    def credentials_in(self, places: set[str]) -> dict[str, list[tuple[str, str]]]:
        """Credential findings in these places: place → (path, entity type)."""
        out: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for path, etype in self.store.conn.execute(
                f"SELECT DISTINCT path, entity_type FROM findings WHERE category = 'credential' AND {_LIVE}"
                " ORDER BY path, entity_type"):
            place = place_of(path)
            if place in places:
                out[place].append((path, etype))
        return dict(out)

    # ------------------------------------------------------------------ figures
    def figures(self) -> dict[str, dict[str, int]]:
        """Counts for the executive summary: files by status, archive members, bytes read; findings by category,
        severity (false positives left out) and triage status; reasons files were not read."""
        q = self.store.conn.execute
        out: dict[str, dict[str, int]] = {
            "files": {r[0]: r[1] for r in q("SELECT status, count(*) FROM files GROUP BY status")},
            "share": dict(zip(("top_level", "members", "bytes"), q(
                "SELECT sum(depth = 0), sum(depth > 0), coalesce(sum(CASE WHEN depth = 0 THEN size END), 0)"
                " FROM files").fetchone(), strict=True)),
            "status": {r[0]: r[1] for r in q("SELECT status, count(*) FROM findings GROUP BY status")},
            "severity": {r[0]: r[1] for r in q(f"SELECT severity, count(*) FROM findings WHERE {_LIVE} GROUP BY 1")},
            "category": {r[0]: r[1] for r in q(f"SELECT category, count(*) FROM findings WHERE {_LIVE} GROUP BY 1")},
            "reasons": {},
        }
        for reason, n in q("SELECT coalesce(reason, status), count(*) FROM files WHERE status IN ('error', 'skipped')"
                           " GROUP BY 1"):
            kind = reason.split(":", 1)[0].strip()[:60] or "unknown"
            out["reasons"][kind] = out["reasons"].get(kind, 0) + n
        out["category_status"] = {f"{r[0]}\0{r[1]}": r[2] for r in q(
            "SELECT category, status, count(*) FROM findings GROUP BY category, status")}
        return out

    def not_scanned(self, limit: int) -> list[tuple[str, str, str, str]]:
        """Files skipped or failed, with the reason (what the report cannot speak for) and the analyst who
        marked each reviewed ('' when nobody did)."""
        reviewed = Coverage(self.store).reviewed()
        return [(r[1], r[2], r[3] or "", reviewed.get(r[0], "")) for r in self.store.conn.execute(
            "SELECT id, path, status, reason FROM files WHERE status IN ('error', 'skipped') ORDER BY status, path"
            " LIMIT ?", (limit,))]

    # ----------------------------------------------------------------- coverage
    def coverage(self) -> Iterator[CoverageRow]:
        """Every file and archive member with its hash, status and reason, in path order (the ledger)."""
        counts = {r[0]: r[1] for r in self.store.conn.execute(
            f"SELECT file_id, count(*) FROM findings WHERE {_LIVE} GROUP BY file_id")}
        reviewed = Coverage(self.store).reviewed()
        for r in self.store.conn.execute(
                "SELECT f.id, f.path, f.kind, f.size, f.sha256, f.status, f.reason, d.path AS dup FROM files f"
                " LEFT JOIN files d ON d.id = f.duplicate_of ORDER BY f.path"):
            yield CoverageRow(r["path"], r["kind"], r["size"], r["sha256"], r["status"], r["reason"], r["dup"],
                              counts.get(r["id"], 0), reviewed.get(r["id"], ""))


def _date(mtime: float | None) -> str:
    if mtime is None:
        return ""
    try:
        return datetime.datetime.fromtimestamp(mtime, datetime.UTC).date().isoformat()
    except (OverflowError, OSError, ValueError):
        return ""
