"""Names learned from the share: the case's gazetteer, which files still need reading with it, and what it found.

After linkage, the full and first names of the people resolved (those known by a unique
primary or a contact, not by a name or an account alone) are the gazetteer; the workers read
the share's files again with it and report each known name, which is written here as a
PERSON finding (rule :data:`FULL_RULE`, or :data:`FIRST_RULE` for a first name alone) unless
the file already holds a PERSON finding over that span. A first name is kept only where a
person with that first name is already linked in the same thread (the mail and its
attachments, or the file): "Tobias" in a mail to Tobias Reinholt, not "Will" in a task
prompt. A known full name in a file's own name (``passport_Jane_Doe.pdf``) is kept as what the
file is named after. A file read with one gazetteer is not read again until the gazetteer
changes (``files.names_pass``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from spill.case import rows
from spill.case.keys import KeyRows
from spill.case.people import thread_of
from spill.case.store import Store
from spill.fingerprint import fingerprint
from spill.model import FileResult, finding_id
from spill.people.classes import fold
from spill.people.gazetteer import Gazetteer
from spill.people.units import entity_record

FULL_RULE = "spill.identity.person_gazetteer"
FIRST_RULE = "spill.identity.first_name_gazetteer"
RULES = (FULL_RULE, FIRST_RULE)
FULL_SCORE, FIRST_SCORE = 0.85, 0.5
NO_TEXT_KINDS = ("binary", "empty", "image")


class Names:
    def __init__(self, store: Store) -> None:
        self.store = store

    def gazetteer(self) -> Gazetteer:
        """The names of the people resolved so far (people known by more than a name)."""
        conn = self.store.conn
        # known by a unique primary or a contact, not by a name (or an account) alone
        known = ("SELECT DISTINCT i.subject FROM identifiers i JOIN subjects s ON s.id = i.subject"
                 " WHERE s.findings > 0 AND i.class IN ('primary', 'secondary')")
        full: dict[str, list[str]] = {}
        for key, subject in conn.execute(
                "SELECT key, subject FROM identifiers WHERE class = 'name' AND shared IS NULL"
                f" AND subject IN ({known}) ORDER BY key, subject"):
            full.setdefault(key, []).append(subject)
        first: dict[str, list[str]] = {}
        for key, subject in conn.execute(
                "SELECT DISTINCT v.key, f.subject FROM value_keys v JOIN findings f ON f.fingerprint = v.fingerprint"
                " WHERE v.kind = 'first' AND f.entity_type = 'PERSON' AND f.status != 'false_positive'"
                f" AND f.subject IN ({known}) AND EXISTS (SELECT 1 FROM value_keys l"
                " WHERE l.fingerprint = v.fingerprint AND l.kind = 'link') ORDER BY 1, 2"):
            first.setdefault(key, []).append(subject)
        return Gazetteer(self.store.key_bytes(), {k: tuple(v) for k, v in full.items()},
                         {k: tuple(v) for k, v in first.items()})

    def pending(self, digest: str) -> list[tuple[str, str | None, int | None, float | None]]:
        """Top-level files not yet read with this gazetteer: (path, sha256, size, mtime)."""
        return [tuple(r) for r in self.store.conn.execute(  # type: ignore[misc]
            "SELECT path, sha256, size, mtime FROM files WHERE parent IS NULL AND status = 'done'"
            f" AND duplicate_of IS NULL AND coalesce(kind, '') NOT IN ({rows.marks(NO_TEXT_KINDS)})"
            " AND coalesce(names_pass, '') != ? ORDER BY path", [*NO_TEXT_KINDS, digest])]

    def write(self, top: str, results: Sequence[FileResult], gazetteer: Gazetteer, digest: str,
              scan_id: int) -> int:
        """Record what the gazetteer found in one top-level file (and its members); returns the findings added."""
        conn = self.store.conn
        kinds = {r.file.path: r.file.kind for r in results}
        named_here: dict[str, set[str]] = {}  # thread → the people whose full names this pass found in it
        for result in results:
            for f in result.findings:
                if f.rule == FULL_RULE and f.value:
                    named_here.setdefault(thread_of(result.file.path, kinds), set()).update(gazetteer.knows(f.value))
        added = 0
        with self.store.transaction():
            for result in results:
                path = result.file.path
                row = conn.execute("SELECT id, sha256, named_after FROM files WHERE path = ?", (path,)).fetchone()
                if row is None:
                    continue
                self._named_after(row, result, keys := KeyRows(self.store))
                # "+entity_type": by file, not by type: the type index would read every PERSON finding of
                # the case for each file (quadratic: 200 s of names pass on a 50 MB share instead of 30 s)
                taken = [(r[0], r[1]) for r in conn.execute(
                    "SELECT start, \"end\" FROM findings WHERE file_id = ? AND +entity_type = 'PERSON'"
                    f" AND rule NOT IN ({rows.marks(RULES)}) AND start IS NOT NULL", [row["id"], *RULES])]
                present: set[str] | None = None  # read once, for the first first name
                fresh = []
                for f in result.findings:
                    if f.start is None or f.end is None or any(s < f.end and f.start < e for s, e in taken):
                        continue
                    if f.rule == FIRST_RULE:
                        if present is None:
                            thread = thread_of(path, kinds)
                            present = self._present(thread) | named_here.get(thread, set())
                        if not self._first_name_known(f.value or "", gazetteer, present):
                            continue
                    fresh.append(self._row(f, row["id"], row["sha256"] or "", scan_id))
                    keys.add(fresh[-1]["fingerprint"], f.entity_type, str(f.category), f.value or "")
                old = {r[0] for r in conn.execute(f"SELECT id FROM findings WHERE file_id = ? AND rule IN"
                                                  f" ({rows.marks(RULES)})", [row["id"], *RULES])}
                gone = sorted(old - {r["id"] for r in fresh})
                for chunk in rows.chunks(gone):
                    conn.execute(f"DELETE FROM findings WHERE id IN ({rows.marks(chunk)})", chunk)
                new = [r for r in fresh if r["id"] not in old]
                if new:
                    self.store.insert_findings(list(new[0]), [tuple(r.values()) for r in new])
                keys.write()
                added += len(new)
            conn.execute("UPDATE files SET names_pass = ? WHERE path = ?", (digest, top))
        return added

    def _named_after(self, row: Any, result: FileResult, keys: KeyRows) -> None:
        """A known full name in the file's own name (``passport_Jane_Doe.pdf``): the file is named after them."""
        found = [n for n in result.file.named_after if n[0] == "PERSON"]
        if not found:
            return
        named = json.loads(row["named_after"] or "[]")
        for etype, category, value in found:
            fp = fingerprint(self.store.key_bytes(), value)
            keys.add(fp, etype, category, value)
            if [etype, category, fp] not in named:
                named.append([etype, category, fp])
        self.store.conn.execute("UPDATE files SET named_after = ? WHERE id = ?", (json.dumps(named), row["id"]))

    def mark_read(self, top: str, digest: str) -> None:
        """A file the workers could not read again (timeout, memory): not retried with this gazetteer."""
        with self.store.transaction():
            self.store.conn.execute("UPDATE files SET names_pass = ? WHERE path = ?", (digest, top))

    def _present(self, thread: str) -> set[str]:
        """The people linked in a thread: the file and its members (a path range on the path index)."""
        return {r[0] for r in self.store.conn.execute(
            "SELECT subject FROM findings WHERE path = ? AND subject IS NOT NULL UNION"
            " SELECT subject FROM findings WHERE path >= ? AND path < ? AND subject IS NOT NULL",
            (thread, thread + "!/", thread + "!0"))}

    def _first_name_known(self, value: str, gazetteer: Gazetteer, present: set[str]) -> bool:
        """A first name alone counts only where someone with that first name is linked in the same thread."""
        people = gazetteer.first.get(fingerprint(self.store.key_bytes(), fold(value.strip())), ())
        return bool(present & set(people))

    def _row(self, f: Any, file_id: str, sha: str, scan_id: int) -> dict[str, Any]:
        row = rows.finding_columns(f)
        row.update(id=finding_id(sha, f.path, f.rule, f.entity_type, f.start, f.end), file_id=file_id,
                   fingerprint=fingerprint(self.store.key_bytes(), f.value) if f.value is not None else None,
                   record=self.store.record_key(entity_record(f.record) if f.record else None),
                   value=None, scan_id=scan_id)
        return row
