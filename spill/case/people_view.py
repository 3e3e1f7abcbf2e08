"""Reading people: the People screen's list and detail, the search by a typed value, the reports' counts.

A person is listed while they have findings that are not false positives (an analyst's merge
empties the person merged away; "not a person" empties the person). Every count leaves false
positives out: a false-positive decision removes the finding from the person's exposure.
"""

from __future__ import annotations

from typing import Any

from spill.case import rows
from spill.case.store import Store
from spill.model import PEOPLE_SORTS, PeopleQuery, Person, PersonExposure, PersonIdentifier, PersonLink
from spill.people.names import FIRST, LINK, person_keys, phone_key

_CONFIDENCE_RANK = "(CASE s.confidence WHEN 'weak' THEN 0 WHEN 'medium' THEN 1 WHEN 'strong' THEN 2 ELSE 3 END)"
_ORDER = {
    "exposure": "s.findings DESC, s.files DESC, s.label, s.id",
    "name": "s.label, s.id",
    "confidence": f"{_CONFIDENCE_RANK}, s.findings DESC, s.id",
}
_CLASS_ORDER = "(CASE class WHEN 'primary' THEN 0 WHEN 'account' THEN 1 WHEN 'secondary' THEN 2 WHEN 'name' THEN 3" \
               " ELSE 4 END)"
_COLUMNS = "s.id, s.label, s.anchor, s.findings, s.files, s.confidence, s.keys"


class PeopleView:
    def __init__(self, store: Store) -> None:
        self.store = store

    # ------------------------------------------------------------------ lists
    def count(self, query: PeopleQuery | None = None) -> int:
        where, params = self._where(query or PeopleQuery())
        return int(self.store.conn.execute(f"SELECT count(*) FROM subjects s WHERE {where}", params).fetchone()[0])

    def page(self, offset: int, limit: int, query: PeopleQuery | None = None) -> list[Person]:
        """The people whose data is exposed, most exposed first (or by name, or weakest link first)."""
        query = query or PeopleQuery()
        where, params = self._where(query)
        order = _ORDER.get(query.sort if query.sort in PEOPLE_SORTS else "exposure")
        return [self._person(r) for r in self.store.conn.execute(
            f"SELECT {_COLUMNS} FROM subjects s WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, limit, offset])]

    def by_confidence(self) -> dict[str, int]:
        """How many people each confidence holds (the Overview and the report)."""
        return {r[0] or "strong": r[1] for r in self.store.conn.execute(
            "SELECT confidence, count(*) FROM subjects WHERE findings > 0 GROUP BY confidence")}

    def why_nobody(self) -> str:
        """Why the case has no people: nothing scanned, nothing person-shaped, or all of it decided away."""
        conn = self.store.conn
        if not conn.execute("SELECT 1 FROM findings LIMIT 1").fetchone():
            return "no people: the case holds no findings yet (scan a share first)"
        if not conn.execute("SELECT 1 FROM identifiers WHERE class IN ('primary', 'name') LIMIT 1").fetchone():
            return ("no people: nothing found here is person-shaped — no name and no personal ID, only"
                    " credentials, rubrics, shared contact points or values nobody's name goes with")
        return "no people: the names and IDs found were all marked false positives or not a person"

    def get(self, subject: str) -> Person | None:
        row = self.store.conn.execute(f"SELECT {_COLUMNS} FROM subjects s WHERE s.id = ?", (subject,)).fetchone()
        return self._person(row) if row else None

    def matching(self, value: str) -> list[str]:
        """The people a raw value belongs to, matched through its keyed fingerprint (never stored)."""
        value = value.strip()
        if not value:
            return []
        fp = self.store.fingerprint
        keys = {fp(value)}
        keys.update(fp(text) for kind, text in person_keys(value) if kind == LINK)
        phone = phone_key(value)
        if phone:
            keys.add(fp(phone))
        firsts = [fp(text) for kind, text in person_keys(value) if kind == FIRST and " " not in value.strip()]
        k = list(keys)
        found = {r[0] for r in self.store.conn.execute(
            f"SELECT subject FROM identifiers WHERE subject IS NOT NULL AND key IN ({rows.marks(k)})"
            f" UNION SELECT subject FROM findings WHERE subject IS NOT NULL AND fingerprint IN ({rows.marks(k)})",
            k + k)}
        if firsts:
            found |= {r[0] for r in self.store.conn.execute(
                "SELECT DISTINCT f.subject FROM value_keys v JOIN findings f ON f.fingerprint = v.fingerprint"
                f" WHERE v.kind = 'first' AND v.key IN ({rows.marks(firsts)}) AND f.subject IS NOT NULL", firsts)}
        return sorted(found)

    def _where(self, q: PeopleQuery) -> tuple[str, list[Any]]:
        clauses, params = ["s.findings > 0"], []
        if q.text:
            clauses.append("(s.label LIKE ? ESCAPE '\\' OR s.id LIKE ? ESCAPE '\\')")
            like = "%" + q.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            params += [like, like]
        if q.value:
            ids = self.matching(q.value)
            clauses.append(f"s.id IN ({rows.marks(ids)})" if ids else "0")
            params += ids
        if q.confidence:
            clauses.append(f"s.confidence IN ({rows.marks(q.confidence)})")
            params += list(q.confidence)
        if q.entity_types:
            clauses.append(f"EXISTS (SELECT 1 FROM findings f WHERE f.subject = s.id AND f.status != 'false_positive'"
                           f" AND f.entity_type IN ({rows.marks(q.entity_types)}))")
            params += list(q.entity_types)
        return " AND ".join(clauses), params

    # ----------------------------------------------------------------- detail
    def exposure(self, subject: str, *, limit: int = 50) -> PersonExposure | None:
        """What of one person was found (types and masked values), where, their identifiers and why they are one."""
        person = self.get(subject)
        if person is None:
            return None
        conn = self.store.conn
        rank = rows.sev_rank("severity")
        live = "subject = ? AND status != 'false_positive'"
        what = [(r[0], r[1] or "", r[2], rows.severity_of_rank(r[3])) for r in conn.execute(
            f"SELECT entity_type, preview, count(*), min({rank}) FROM findings WHERE {live}"
            " GROUP BY entity_type, preview ORDER BY 4, 3 DESC, 1 LIMIT ?", (subject, limit))]
        where = [(r[0], r[1], rows.severity_of_rank(r[2])) for r in conn.execute(
            f"SELECT path, count(*), min({rank}) FROM findings WHERE {live}"
            " GROUP BY path ORDER BY 2 DESC, 1 LIMIT ?", (subject, limit))]
        members = [subject, *self.merged_into(subject)]
        m = rows.marks(members)
        identifiers = [PersonIdentifier(r["key"], r["entity_type"], r["class"], r["preview"] or "", r["findings"],
                                        r["shared"]) for r in conn.execute(
            f"SELECT key, entity_type, class, preview, findings, shared FROM identifiers WHERE subject IN ({m})"
            f" ORDER BY {_CLASS_ORDER}, findings DESC, entity_type, preview LIMIT ?", [*members, limit])]
        links_total = conn.execute(f"SELECT count(*) FROM subject_links WHERE subject IN ({m})", members).fetchone()[0]
        links = [PersonLink(r["strength"], r["reason"], r["preview"], _place(r["pa"], r["where_a"]),
                            _place(r["pb"], r["where_b"])) for r in conn.execute(
            "SELECT l.strength, l.reason, i.preview, fa.path AS pa, l.where_a, fb.path AS pb, l.where_b"
            " FROM subject_links l LEFT JOIN identifiers i ON i.key = l.key LEFT JOIN files fa ON fa.id = l.file_a"
            f" LEFT JOIN files fb ON fb.id = l.file_b WHERE l.subject IN ({m})"
            " ORDER BY CASE l.strength WHEN 'weak' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, l.rowid LIMIT ?",
            [*members, limit])]
        split = conn.execute("SELECT split_off FROM subject_overrides WHERE subject = ?", (subject,)).fetchone()
        maybe = conn.execute(f"SELECT count(*) FROM subject_candidates WHERE subject IN ({m})", members).fetchone()[0]
        return PersonExposure(person, what, where, identifiers, links, int(links_total), tuple(members[1:]),
                              tuple(split[0].split(",")) if split and split[0] else (), int(maybe))

    def merged_into(self, subject: str) -> list[str]:
        """The people an analyst merged into this one (directly or through another merge)."""
        out: list[str] = []
        todo = [subject]
        while todo:
            found = [r[0] for r in self.store.conn.execute(
                "SELECT subject FROM subject_overrides WHERE merged_into = ?", (todo.pop(),))]
            found = [f for f in found if f not in out and f != subject]
            out += found
            todo += found
        return out

    def contact_findings(self, subject: str) -> list[str]:
        """The findings a reveal of this person's name and contact details re-reads: their most frequent full name,
        e-mail and phone (finding ids)."""
        out = []
        for etype in ("PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER"):
            row = self.store.conn.execute(
                "SELECT id FROM findings WHERE subject = ? AND entity_type = ? AND status != 'false_positive'"
                " AND fingerprint IS NOT NULL GROUP BY fingerprint ORDER BY instr(preview, ' ') > 0 DESC,"
                " count(*) DESC, fingerprint LIMIT 1", (subject, etype)).fetchone()
            if row:
                out.append(row[0])
        return out

    def _person(self, row: Any) -> Person:
        worst, types = self.store.conn.execute(
            f"SELECT min({rows.sev_rank('severity')}), group_concat(DISTINCT entity_type) FROM findings"
            " WHERE subject = ? AND status != 'false_positive'", (row["id"],)).fetchone()
        return Person(row["id"], row["label"] or row["id"], row["anchor"], int(row["findings"]), int(row["files"]),
                      rows.severity_of_rank(worst), tuple(sorted(types.split(","))) if types else (),
                      row["confidence"] or "strong", int(row["keys"] or 0))


def _place(path: str | None, where: str | None) -> str:
    return f"{path or '?'} · {where}" if where and where != "document" else (path or "?")
