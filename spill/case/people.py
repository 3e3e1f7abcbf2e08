"""People: resolving the findings' data subjects over the case, and what analysts decide about them.

:meth:`People.link` streams the findings as evidence (``spill.people``: no SQL there), resolves
them and writes the result: ``subjects`` (one row per person resolution found), ``identifiers``
(each identifier's class, person and why it stopped linking), ``subject_links`` (the joins
holding each person together), ``subject_candidates`` (an ambiguous first name's people) and
each finding's ``subject``/``subject_via``.

Analysts' decisions (:class:`PersonTarget`, kind ``subject`` in the decision log) are kept in
``subject_overrides`` and survive every relink, because people keep their ids:

- **merge** (after: the person merged into; undo: ``None``): findings move to that person,
  ``subject_base`` remembering whose resolution made them;
- **not a person** (after: ``"yes"``): the findings lose their person (a shared inbox);
- **split** (after: the identifiers split off, comma-separated): those identifiers may never
  be one person with this person's anchor again; the case is relinked.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from spill.case import rows
from spill.case.people_view import PeopleView
from spill.case.store import Store
from spill.errors import CaseError
from spill.model import Action
from spill.people.classes import IdClass, classify
from spill.people.evidence import Constraints, FileEvidence, NamedAfter, Observation, Resolution
from spill.people.names import FIRST, JOINED, LINK, LOCAL, SHAPE
from spill.people.resolve import Resolver

MAIL_KINDS = ("eml", "msg")
NOT_PERSON = "yes"
IN_MEMORY = 400_000  # findings: up to this many, the evidence is read once and kept for both passes

class People(PeopleView):
    def __init__(self, store: Store) -> None:
        super().__init__(store)

    # ----------------------------------------------------------------- linking
    def link(self) -> int:
        """Resolve every finding's person again (keeping ids and analysts' decisions); returns the people."""
        resolution = Resolver(self._constraints()).resolve(self._reader())
        with self.store.transaction():
            self._write(resolution)
        return self.count()

    def _reader(self) -> Callable[[], Iterable[FileEvidence]]:
        """The evidence for the resolver's two passes: kept in memory when small, else read twice."""
        n = self.store.conn.execute("SELECT max(rowid) FROM findings").fetchone()[0] or 0
        if n > IN_MEMORY:
            return self._evidence
        evidence = list(self._evidence())
        return lambda: evidence

    def _constraints(self) -> Constraints:
        conn = self.store.conn
        previous = {r[0]: r[1] for r in conn.execute("SELECT key, subject FROM identifiers WHERE subject IS NOT NULL")}
        anchors = {r[0]: r[1] for r in conn.execute("SELECT id, anchor_key FROM subjects WHERE anchor_key IS NOT NULL")}
        splits = {}
        for subject, split_off in conn.execute(
                "SELECT subject, split_off FROM subject_overrides WHERE coalesce(split_off, '') != ''"):
            if subject in anchors:
                splits[subject] = (anchors[subject], frozenset(split_off.split(",")))
        return Constraints(splits=splits, previous=previous)

    def _evidence(self) -> Iterator[FileEvidence]:
        """Every file's findings as observations, file by file (FP decisions are not evidence)."""
        conn = self.store.conn
        keys: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for fp, kind, key in conn.execute("SELECT fingerprint, kind, key FROM value_keys"):
            keys[fp][kind].append(key)
        files = {r["id"]: (r["path"], r["kind"], r["named_after"]) for r in conn.execute(
            "SELECT id, path, kind, named_after FROM files")}
        kinds = {path: kind for path, kind, _ in files.values()}
        interned: dict[tuple[str, ...], tuple[str, ...]] = {}
        current: FileEvidence | None = None
        for r in conn.execute(
                "SELECT f.rowid, f.file_id, f.entity_type, f.category, f.fingerprint, f.record, f.unit,"
                " json_extract(f.location, '$.header') AS header, f.start FROM findings f INDEXED BY"
                " findings_triage_file WHERE f.status != 'false_positive' AND f.fingerprint IS NOT NULL"
                " ORDER BY f.file_id"):
            if current is None or current.file_id != r["file_id"]:
                if current is not None:
                    yield current
                path, _kind, named = files.get(r["file_id"], ("", None, None))
                current = FileEvidence(r["file_id"], path, thread_of(path, kinds), [], _named(named, keys))
            current.observations.append(_observation(r, keys.get(r["fingerprint"], {}), interned))
        if current is not None:
            yield current

    def _write(self, res: Resolution) -> None:
        conn = self.store.conn
        overrides = self._overrides()
        for table in ("subjects", "identifiers", "subject_links", "subject_candidates"):
            conn.execute(f"DELETE FROM {table}")
        ids = {p.id for p in res.persons}
        effective = {sid: _effective(sid, overrides, ids) for sid in ids}
        # only the findings whose person changed are written (a relink of an unchanged case writes none)
        now = {r[0]: (r[1], r[2], r[3]) for r in conn.execute(
            "SELECT rowid, subject, subject_via, subject_base FROM findings"
            " WHERE subject IS NOT NULL OR subject_base IS NOT NULL")}
        changes = []
        for a in res.assignments:
            eff = effective[a.subject]
            new = (eff, a.via, a.subject if eff != a.subject else None)
            if now.pop(a.finding, None) != new:
                changes.append((*new, a.finding))
        changes.extend((None, None, None, rowid) for rowid in now)
        conn.executemany("UPDATE findings SET subject = ?, subject_via = ?, subject_base = ? WHERE rowid = ?",
                         changes)
        db = self.store.db
        db["subjects"].insert_all(
            ({"id": p.id, "anchor": p.anchor_type, "anchor_key": p.anchor_key, "confidence": p.confidence.label,
              "keys": p.keys, "findings": 0, "files": 0} for p in res.persons), batch_size=500)
        conn.executemany(
            "INSERT OR REPLACE INTO identifiers(key, entity_type, class, subject, shared, findings, preview)"
            " VALUES (?, ?, ?, ?, ?, ?, (SELECT preview FROM findings WHERE rowid = ?))",
            ((i.key, i.entity_type, str(i.cls), i.subject, i.shared, i.findings, i.example) for i in res.identifiers))
        places = self._places({f for link in res.links for f in (link.finding_a, link.finding_b)})
        db["subject_links"].insert_all(
            ({"subject": link.subject, "strength": link.strength.label, "reason": link.reason, "key": link.key,
              "entity_type": link.entity_type, "file_a": link.file_a,
              "where_a": places.get(link.finding_a) or link.where_a, "file_b": link.file_b,
              "where_b": places.get(link.finding_b) or link.where_b} for link in res.links), batch_size=500)
        conn.executemany("INSERT OR IGNORE INTO subject_candidates(finding_id, subject)"
                         " SELECT id, ? FROM findings WHERE rowid = ?", ((s, f) for f, s in res.candidates))
        self.refresh()

    def _places(self, findings: set[int]) -> dict[int, str]:
        """Where each of these findings sits, in a few words (``row 14``, ``p.3``, ``Payouts!D14``, ``From``)."""
        out: dict[int, str] = {}
        ids = sorted(f for f in findings if f >= 0)
        for chunk in rows.chunks(ids):  # type: ignore[arg-type]
            for r in self.store.conn.execute(
                    f"SELECT rowid, location, line FROM findings WHERE rowid IN ({rows.marks(chunk)})", chunk):
                out[r[0]] = place(json.loads(r[1] or "{}"), r[2])
        return out

    # ------------------------------------------------------------- decisions
    def _overrides(self) -> dict[str, dict[str, Any]]:
        return {r["subject"]: dict(r) for r in self.store.conn.execute("SELECT * FROM subject_overrides")}

    def refresh(self, subjects: set[str] | None = None) -> None:
        """Recount the findings and files of these people (all: None) and choose their labels."""
        conn = self.store.conn
        if subjects is not None and not subjects:
            return
        for chunk in (rows.chunks(sorted(subjects)) if subjects is not None else [None]):
            clause, p = ("", []) if chunk is None else (f" WHERE id IN ({rows.marks(chunk)})", chunk)
            conn.execute(
                "UPDATE subjects SET findings = (SELECT count(*) FROM findings f WHERE f.subject = subjects.id"
                " AND f.status != 'false_positive'), files = (SELECT count(DISTINCT f.file_id) FROM findings f"
                f" WHERE f.subject = subjects.id AND f.status != 'false_positive'){clause}", p)
            conn.execute(
                "UPDATE subjects SET label = coalesce((SELECT f.preview FROM findings f WHERE f.subject = subjects.id"
                " AND f.entity_type = 'PERSON' AND f.status != 'false_positive' GROUP BY f.preview"
                " ORDER BY instr(f.preview, ' ') > 0 DESC, count(*) DESC, f.preview LIMIT 1),"
                " (SELECT i.preview FROM identifiers i WHERE i.key = subjects.anchor_key), id)" + clause, p)

    def override(self, subject: str, action: Action) -> str | None:
        row = self.store.conn.execute("SELECT * FROM subject_overrides WHERE subject = ?", (subject,)).fetchone()
        return row[_COLUMN[action]] if row else None

    def set_override(self, subjects: list[str], action: Action, after: str | None) -> None:
        """Record an analyst's decision on these people and apply it to their findings."""
        column = _COLUMN[action]
        conn = self.store.conn
        for sid in subjects:
            conn.execute(f"INSERT INTO subject_overrides(subject, {column}) VALUES (?, ?)"
                         f" ON CONFLICT(subject) DO UPDATE SET {column} = excluded.{column}", (sid, after))
        conn.execute("DELETE FROM subject_overrides WHERE merged_into IS NULL AND not_person IS NULL"
                     " AND coalesce(split_off, '') = ''")
        if action is Action.SPLIT:
            self._relink_inside()
        else:
            self._reapply(set(subjects))

    def _reapply(self, bases: set[str]) -> None:
        """Move the findings of these people (and of those merged into them) to whom they now stand for."""
        conn = self.store.conn
        overrides = self._overrides()
        ids = {r[0] for r in conn.execute("SELECT id FROM subjects")}
        affected = set(bases)
        affected |= {s for s, o in overrides.items() if o.get("merged_into") in bases}
        touched: set[str] = set()
        for base in affected:
            if base not in ids:
                continue
            eff = _effective(base, overrides, ids)
            before = {r[0] for r in conn.execute(
                "SELECT DISTINCT subject FROM findings WHERE subject_base = ?"
                " OR (subject_base IS NULL AND subject = ?)", (base, base)) if r[0]}
            conn.execute(
                "UPDATE findings SET subject = ?, subject_base = ? WHERE subject_base = ? OR"
                " (subject_base IS NULL AND subject = ?)", (eff, base if eff != base else None, base, base))
            touched |= before | {base} | ({eff} if eff else set())
        self.refresh(touched)

    def _relink_inside(self) -> None:
        """Relink inside the caller's transaction (a split changes who is who, not only where findings go)."""
        resolution = Resolver(self._constraints()).resolve(self._reader())
        self._write(resolution)


_COLUMN = {Action.MERGE: "merged_into", Action.NOT_PERSON: "not_person", Action.SPLIT: "split_off"}


def _effective(sid: str, overrides: dict[str, dict[str, Any]], ids: set[str]) -> str | None:
    """Whom a person stands for after analysts' merges (None: not a person)."""
    seen = set()
    while True:
        o = overrides.get(sid)
        if o and o.get("not_person"):
            return None
        target = o.get("merged_into") if o else None
        if not target or target not in ids or target in seen:
            return sid
        seen.add(sid)
        sid = target


class PersonTarget:
    """Decisions about people in the decision log (kind ``subject``): merge, split, not a person."""

    kind = "subject"

    def __init__(self, people: People) -> None:
        self.people = people

    def current(self, ids: list[str], action: Action) -> dict[str, str | None]:
        if action not in _COLUMN:
            raise CaseError(f"a {action} decision does not apply to a person")
        conn = self.people.store.conn
        known = {r[0] for r in conn.execute(f"SELECT id FROM subjects WHERE id IN ({rows.marks(ids)})", ids)}
        values = {r[0]: r[1] for r in conn.execute(
            f"SELECT subject, {_COLUMN[action]} FROM subject_overrides WHERE subject IN ({rows.marks(ids)})", ids)}
        return {sid: values.get(sid) for sid in ids if sid in known}

    def apply(self, ids: list[str], action: Action, after: str | None) -> None:
        self.people.set_override(ids, action, after)

    def verify(self, last: dict[tuple[str, str], str | None]) -> list[str]:
        """Each person's merge, split and not-a-person state against the last decision that set it."""
        problems = []
        state = self.people._overrides()
        for action, column in _COLUMN.items():
            decided = {t: after for (t, a), after in last.items() if a == str(action)}
            for sid in sorted(set(decided) | {s for s, o in state.items() if o.get(column)}):
                now = (state.get(sid) or {}).get(column) or None
                if now != (decided.get(sid) or None):
                    problems.append(f"person {sid}: {action} is {now!r} but the log says {decided.get(sid)!r}"
                                    " (changed outside the log)")
        return problems


# ------------------------------------------------------------------ evidence
def place(location: dict[str, Any], line: int | None) -> str:
    """A locator in a few words: ``row 14``, ``p.3``, ``Payouts!D14``, ``$.users[3].email``, ``From``, ``line 12``."""
    if "header" in location:
        return str(location["header"])
    if "sheet" in location:
        return f"{location['sheet']}!{location.get('cell', '')}"
    for key, label in (("json_path", ""), ("xml_path", ""), ("page", "p."), ("slide", "slide "), ("row", "row "),
                       ("paragraph", "paragraph "), ("comment", "comment "), ("property", "")):
        if key in location:
            text = f"{label}{location[key]}"
            return f"line {line} {text}" if key == "json_path" and line is not None else text
    return f"line {line}" if line is not None else ""


def thread_of(path: str, kinds: dict[str, str | None]) -> str:
    """The mail a file belongs to (itself, or the outermost message holding it as an attachment)."""
    parts = path.split("!/")
    for n in range(1, len(parts)):
        prefix = "!/".join(parts[:n])
        if kinds.get(prefix) in MAIL_KINDS:
            return prefix
    return path


def _named(named: str | None, keys: dict[str, dict[str, list[str]]]) -> list[NamedAfter]:
    if not named:
        return []
    out = []
    for entry in json.loads(named):
        etype, category, fp = entry[0], entry[1], entry[-1]
        cls = classify(etype, category)
        own = keys.get(fp, {})
        key = (own.get(LINK) or [fp])[0]
        out.append(NamedAfter(etype, cls, key, (own.get(SHAPE) or [None])[0]))
    return out


def _observation(r: Any, own: dict[str, list[str]], interned: dict[tuple[str, ...], tuple[str, ...]]) -> Observation:
    etype = r["entity_type"]
    cls = classify(etype, r["category"])
    key: str | None = r["fingerprint"]
    first = None
    names: tuple[str, ...] = ()
    if cls is IdClass.NAME:
        key = (own.get(LINK) or [None])[0]
        first = (own.get(FIRST) or [None])[0]
        names = tuple(own.get(JOINED, ()))
    elif LINK in own:
        key = own[LINK][0]
    elif LOCAL in own:
        names = tuple(own[LOCAL])
    if names:
        names = interned.setdefault(names, names)
    shape = (own.get(SHAPE) or [None])[0] if cls is IdClass.UNIQUE else None
    return Observation(r["rowid"], etype, cls, key, shape, first, names, r["record"], r["unit"], r["header"],
                       r["start"])
