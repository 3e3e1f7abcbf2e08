"""People: the data subjects findings belong to, linked from identifiers seen together."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from spill.case import rows
from spill.case.store import Store
from spill.model import Person, PersonExposure

ANCHORS = ("CONTRACTOR_ID", "EMAIL_ADDRESS")


class People:
    def __init__(self, store: Store) -> None:
        self.store = store

    def link(self, anchors: Sequence[str] = ANCHORS) -> int:
        """Link findings to people: identifiers seen in one record belong to one person.

        A record (CSV row, JSON object, mail message…) with exactly one distinct value of
        each anchor type ties every finding in it to that person; records that share an
        anchor value join into one person (union-find over fingerprints). Returns the
        number of people.
        """
        conn = self.store.conn
        per_type: dict[tuple[str, str], dict[str, set[str]]] = {}
        for r in conn.execute(
            f"SELECT file_id, record, fingerprint, entity_type FROM findings WHERE record IS NOT NULL"
            f" AND fingerprint IS NOT NULL AND entity_type IN ({rows.marks(anchors)})", list(anchors)
        ):
            per_type.setdefault((r["file_id"], r["record"]), {}).setdefault(r["entity_type"], set()).add(
                r["fingerprint"])
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        linkable = {k: sorted(set().union(*types.values())) for k, types in per_type.items()
                    if all(len(v) == 1 for v in types.values())}
        for fps in linkable.values():
            for other in fps[1:]:
                a, b = find(fps[0]), find(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
        with self.store.transaction():
            conn.execute("UPDATE findings SET subject = NULL WHERE subject IS NOT NULL")
            conn.execute("DELETE FROM subjects")
            for (file_id, record), fps in linkable.items():
                conn.execute("UPDATE findings SET subject = ? WHERE file_id = ? AND record = ?",
                             ("S-" + find(fps[0])[:12], file_id, record))
            conn.execute(
                "INSERT INTO subjects(id, label, anchor, findings, files)"
                " SELECT subject, NULL, NULL, count(*), count(DISTINCT file_id) FROM findings"
                " WHERE subject IS NOT NULL GROUP BY subject")
            conn.execute(
                "UPDATE subjects SET label = (SELECT f.preview FROM findings f WHERE f.subject = subjects.id"
                " AND f.entity_type = 'PERSON' GROUP BY f.preview ORDER BY count(*) DESC LIMIT 1),"
                " anchor = (SELECT f.entity_type FROM findings f WHERE f.subject = subjects.id AND"
                f" f.entity_type IN ({rows.marks(anchors)}) ORDER BY f.entity_type LIMIT 1)", list(anchors))
            conn.execute(
                "UPDATE subjects SET label = (SELECT f.preview FROM findings f WHERE f.subject = subjects.id"
                f" AND f.entity_type IN ({rows.marks(anchors)}) ORDER BY f.entity_type LIMIT 1)"
                " WHERE label IS NULL", list(anchors))
        return self.count()

    def count(self) -> int:
        return int(self.store.conn.execute("SELECT count(*) FROM subjects").fetchone()[0])

    def page(self, offset: int, limit: int) -> list[Person]:
        """The people whose data is exposed, most exposed first."""
        return [self._person(r) for r in self.store.conn.execute(
            "SELECT id, label, anchor, findings, files FROM subjects ORDER BY findings DESC, files DESC, label, id"
            " LIMIT ? OFFSET ?", (limit, offset))]

    def get(self, subject: str) -> Person | None:
        row = self.store.conn.execute("SELECT id, label, anchor, findings, files FROM subjects WHERE id = ?",
                                      (subject,)).fetchone()
        return self._person(row) if row else None

    def exposure(self, subject: str, *, limit: int = 50) -> PersonExposure | None:
        """What of one person was found (types and masked values) and where (files)."""
        person = self.get(subject)
        if person is None:
            return None
        rank = rows.sev_rank("severity")
        what = [(r[0], r[1] or "", r[2], rows.severity_of_rank(r[3])) for r in self.store.conn.execute(
            f"SELECT entity_type, preview, count(*), min({rank}) FROM findings WHERE subject = ?"
            " GROUP BY entity_type, preview ORDER BY 4, 3 DESC, 1 LIMIT ?", (subject, limit))]
        where = [(r[0], r[1], rows.severity_of_rank(r[2])) for r in self.store.conn.execute(
            f"SELECT path, count(*), min({rank}) FROM findings WHERE subject = ?"
            " GROUP BY path ORDER BY 2 DESC, 1 LIMIT ?", (subject, limit))]
        return PersonExposure(person, what, where)

    def _person(self, row: Any) -> Person:
        worst, types = self.store.conn.execute(
            f"SELECT min({rows.sev_rank('severity')}), group_concat(DISTINCT entity_type) FROM findings"
            " WHERE subject = ?", (row["id"],)).fetchone()
        return Person(row["id"], row["label"] or row["id"], row["anchor"], int(row["findings"]), int(row["files"]),
                      rows.severity_of_rank(worst), tuple(sorted(types.split(","))) if types else ())
