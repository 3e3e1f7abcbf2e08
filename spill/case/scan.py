"""Scan writes: scans, files and findings as the engine's single writer records them."""

from __future__ import annotations

import json
import operator
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from spill import clock
from spill.case import bulk, rows
from spill.case.decisions import DecisionLog
from spill.case.keys import KeyRows
from spill.case.store import Store, tool_version
from spill.errors import CaseError
from spill.model import Action, FileRecord, FileResult, FileStatus, KnownFile, ScanInfo, file_id, finding_id
from spill.people.units import entity_record
from spill.redact import Redactor

Carried = list[tuple[str, Action, str | None, str | None, str]]
REDACTED_META = "redacted_words"  # the number of known words the stored text was last masked with
RESHAPE_META = "redact_shapes"  # set by the schema-3 migration: stored text predates masking by shape


class ScanStore:
    """What `spill scan` writes and reads back to decide what to scan again."""

    def __init__(self, store: Store, log: DecisionLog) -> None:
        self.store = store
        self.log = log
        # file id → its decided findings as they stood before a streamed file's first chunk (see write_results)
        self._decided: dict[str, dict[tuple[str | None, str, str], Any]] = {}

    # ------------------------------------------------------------------- scans
    def begin(self, root: str, options: dict[str, Any], rules_fingerprint: str, model_version: str) -> int:
        self._decided.clear()
        with self.store.transaction():
            table = self.store.db["scans"].insert({
                "root": root, "started_at": clock.utcnow(), "status": "running",
                "options": json.dumps(options, sort_keys=True), "rules_fingerprint": rules_fingerprint,
                "tool_version": tool_version(), "model_version": model_version})
        return int(table.last_rowid or 0)

    def finish(self, scan_id: int, status: str, counts: dict[str, Any]) -> None:
        with self.store.transaction():
            self.store.db["scans"].update(scan_id, {"finished_at": clock.utcnow(), "status": status,
                                                    "counts": json.dumps(counts, sort_keys=True)})

    def last(self) -> ScanInfo | None:
        row = self.store.conn.execute(
            "SELECT id, root, started_at, finished_at, status, options FROM scans ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        return ScanInfo(row["id"], row["root"], row["started_at"], row["finished_at"], row["status"],
                        json.loads(row["options"]))

    def root(self) -> Path | None:
        scan = self.last()
        return Path(scan.root) if scan else None

    # ------------------------------------------------------------------- files
    def known_files(self) -> dict[str, KnownFile]:
        """Every top-level file as last recorded, by path."""
        return {r["path"]: KnownFile(r["path"], r["size"], r["mtime"], r["sha256"], FileStatus(r["status"]),
                                     r["rules_fingerprint"])
                for r in self.store.conn.execute(
                    "SELECT path, size, mtime, sha256, status, rules_fingerprint FROM files WHERE parent IS NULL")}

    def done_sha256(self) -> dict[str, str]:
        """sha256 → path of a top-level file already scanned to the end (for de-duplication)."""
        return {r["sha256"]: r["path"] for r in self.store.conn.execute(
            "SELECT sha256, path FROM files WHERE parent IS NULL AND status = 'done' AND sha256 IS NOT NULL"
            " AND duplicate_of IS NULL")}

    def get_file(self, path: str) -> FileRecord | None:
        row = self.store.conn.execute(f"SELECT {rows.FILE_COLUMNS} FROM files WHERE path = ?", (path,)).fetchone()
        return rows.file_record(row) if row else None

    def iter_files(self, *, top_level_only: bool = False) -> Iterator[FileRecord]:
        where = " WHERE parent IS NULL" if top_level_only else ""
        for row in self.store.conn.execute(f"SELECT {rows.FILE_COLUMNS} FROM files{where} ORDER BY path"):
            yield rows.file_record(row)

    def finding_count(self) -> int:
        return int(self.store.conn.execute("SELECT count(*) FROM findings").fetchone()[0])

    # ------------------------------------------------------------------ writes
    def defer_indexes(self) -> int:
        """A big write starts: the triage indexes are built at its end (``spill.case.bulk``)."""
        return bulk.defer(self.store)

    def restore_indexes(self) -> int:
        return bulk.restore(self.store)

    def write_results(self, results: Sequence[FileResult], scan_id: int, rules_fingerprint: str,
                      store_values: bool = False) -> None:
        """Write a batch of files and their findings in one transaction.

        A re-scanned file's old findings are replaced; triage status, analyst-set severity and
        notes carry over to new findings with the same fingerprint, rule and location, and a
        carried decision on a finding with a new id is logged (so the log still explains it).

        A ``streamed`` file comes in several results: each adds its findings (a finding's id is
        the same in every scan, so a file scanned again after a kill mid-file replaces what the
        killed scan wrote instead of adding to it), while the file's status is ``pending`` until
        its last result, which then drops the findings an earlier scan stored and this one did not
        find again. Until then they stay, with their decisions, which carry over as above.
        """
        files, findings, carried = [], [], []
        keys = KeyRows(self.store)
        with self.store.transaction():
            for result in results:
                files.append(self._file_columns(result.file, scan_id, rules_fingerprint, keys))
                findings.extend(self._finding_rows(result, scan_id, store_values, carried, keys))
            self.store.db["files"].upsert_all(files, pk="id")
            self._insert_findings(findings)
            self._write_codenames([r for r in results if r.file.status != FileStatus.PENDING])
            for result in results:
                if result.streamed and result.file.status != FileStatus.PENDING:
                    self.store.conn.execute("DELETE FROM findings WHERE file_id = ? AND scan_id IS NOT ?",
                                            (result.file.id, scan_id))
            keys.write()
            self.log.record_carried(carried)

    def _write_codenames(self, results: Sequence[FileResult]) -> None:
        """Each file's (codename, client) pairs replace what an earlier scan of it stated."""
        conn = self.store.conn
        for result in results:
            conn.execute("DELETE FROM codenames WHERE file_id = ?", (result.file.id,))
            conn.executemany("INSERT OR IGNORE INTO codenames(file_id, codename, client) VALUES (?, ?, ?)",
                             [(result.file.id, c, lab) for c, lab in result.codenames])

    def _insert_findings(self, found: list[dict[str, Any]]) -> None:
        # executemany, not sqlite-utils' insert_all: measured on 100,000 findings its per-row
        # type checks and JSON conversion cost ~80 µs a row, as much as SQLite's own work
        if found:
            columns = list(found[0])
            values = operator.itemgetter(*columns)
            self.store.insert_findings(columns, [values(r) for r in found])

    def _file_columns(self, rec: FileRecord, scan_id: int, rules_fingerprint: str, keys: KeyRows) -> dict[str, Any]:
        row = _file_columns(rec, scan_id, rules_fingerprint)
        if rec.named_after:
            named = []
            for etype, category, value in rec.named_after:
                fp = self.store.fingerprint(value)
                keys.add(fp, etype, category, value)
                named.append([etype, category, fp])
            row["named_after"] = json.dumps(named)
        return row

    def _finding_rows(self, result: FileResult, scan_id: int, store_values: bool,
                      carried: Carried, keys: KeyRows) -> list[dict[str, Any]]:
        """The rows of one file's new findings, after dropping its old ones (keeping their decisions);
        a streamed file's old ones stay until its last result (``write_results``)."""
        rec = result.file
        if not result.streamed:
            previous = self._decided.pop(rec.id, None) or self._decided_findings(rec.id)
            self.store.conn.execute("DELETE FROM findings WHERE file_id = ?", (rec.id,))
        elif rec.status == FileStatus.PENDING:  # the decisions as they were before the file's first chunk
            if rec.id not in self._decided:
                self._decided[rec.id] = self._decided_findings(rec.id)
            previous = self._decided[rec.id]
        else:
            previous = self._decided.pop(rec.id, None) or self._decided_findings(rec.id)
        out = []
        for f in result.findings:
            row = rows.finding_columns(f)
            row["id"] = finding_id(rec.sha256 or "", f.path, f.rule, f.entity_type, f.start, f.end)
            row["file_id"] = rec.id
            row["fingerprint"] = self.store.fingerprint(f.value) if f.value is not None else None
            if f.value is not None:
                keys.add(row["fingerprint"], f.entity_type, str(f.category), f.value)
            row["value"] = f.value if store_values else None
            # a nested record counts with its entity (people linkage compares records, digested)
            row["record"] = self.store.record_key(entity_record(f.record) if f.record else None)
            row["scan_id"] = scan_id
            old = previous.get((row["fingerprint"], f.rule, row["location"]))
            if old is not None:
                _carry(old, row, carried)
            out.append(row)
        return out

    def _decided_findings(self, file_id: str) -> dict[tuple[str | None, str, str], Any]:
        """A file's findings with a decision (status, note or severity), by fingerprint, rule and location."""
        previous: dict[tuple[str | None, str, str], Any] = {}
        for r in self.store.conn.execute(
                "SELECT f.id, f.fingerprint, f.rule, f.location, f.status, f.severity, f.note, EXISTS(SELECT 1 FROM"
                " decisions d WHERE d.target = f.id AND d.action = 'severity') AS severity_decided FROM findings f"
                " WHERE f.file_id = ?", (file_id,)):
            if r["status"] != "open" or r["note"] or r["severity_decided"]:
                previous[(r["fingerprint"], r["rule"], r["location"])] = r
        return previous

    # -------------------------------------------------------- case-wide masking
    def known_words(self) -> list[int]:
        """Digests of the words of every value the case knows (``spill.redact``)."""
        return [r[0] for r in self.store.conn.execute("SELECT id FROM mask_words")]

    def add_words(self, words: Sequence[int]) -> None:
        if words:
            with self.store.transaction():
                self.store.conn.executemany("INSERT OR IGNORE INTO mask_words(id) VALUES (?)", [(w,) for w in words])

    def redaction_pending(self) -> bool:
        """Whether words became known since the stored text was last masked with all of them
        (or the case comes from a spill that did not mask by shape)."""
        meta = self.store.meta()
        count = self.store.conn.execute("SELECT count(*) FROM mask_words").fetchone()[0]
        return meta.get(REDACTED_META) != str(count) or RESHAPE_META in meta

    def redact_stored(self, redactor: Redactor, chunk: int = 5000) -> int:
        """Re-mask every stored snippet, locator and reason with what the case knows now.

        A value found in a later file may sit in an earlier file's snippet, written before its
        words were known. Run after a scan (and resumable: the mark is set only at the end).
        Only rows holding a known word are masked again (workers masked shapes already), except
        once for a case written before masking by shape. What was overwritten is zeroed
        (``secure_delete``), the full-text index is rebuilt without the old words and the WAL
        truncated, so no copy stays in the file's bytes. Returns the number of rows changed.
        """
        conn = self.store.conn
        reshape = RESHAPE_META in self.store.meta()
        changed = 0
        last = 0
        while True:
            batch = conn.execute("SELECT rowid, context, ctx_start, ctx_end, location FROM findings WHERE rowid > ?"
                                 " ORDER BY rowid LIMIT ?", (last, chunk)).fetchall()
            if not batch:
                break
            last = batch[-1]["rowid"]
            updates = []
            for r in batch:
                context = r["context"]
                if context and (reshape or redactor.knows_a_word_in(context)):
                    context = redactor.snippet(context, (r["ctx_start"], r["ctx_end"]))
                location = r["location"]
                if location and redactor.knows_a_word_in(location):
                    location = json.dumps(redactor.locator(json.loads(location)), sort_keys=True, ensure_ascii=False)
                if context != r["context"] or location != r["location"]:
                    updates.append((context, location, r["rowid"]))
            if updates:
                with self.store.transaction():
                    conn.executemany("UPDATE findings SET context = ?, location = ? WHERE rowid = ?", updates)
                changed += len(updates)
        reasons = []
        for r in conn.execute("SELECT id, reason FROM files WHERE reason IS NOT NULL").fetchall():
            reason = redactor.reason(r["reason"])
            if reason != r["reason"]:
                reasons.append((reason, r["id"]))
        if reasons:
            with self.store.transaction():
                conn.executemany("UPDATE files SET reason = ? WHERE id = ?", reasons)
            changed += len(reasons)
        if changed:
            # the index still holds the old words until its segments are merged
            conn.execute("INSERT INTO findings_fts(findings_fts) VALUES ('optimize')")
        count = conn.execute("SELECT count(*) FROM mask_words").fetchone()[0]
        self.store.set_meta({REDACTED_META: str(count)})
        with self.store.transaction():
            conn.execute("DELETE FROM meta WHERE key = ?", (RESHAPE_META,))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        return changed

    def forget_members(self, parent_path: str) -> None:
        """Drop the member rows (and their findings) of a container about to be re-scanned."""
        prefix = parent_path + "!/"
        conn = self.store.conn
        with self.store.transaction():
            ids = [r["id"] for r in conn.execute(
                "SELECT id FROM files WHERE substr(path, 1, ?) = ?", (len(prefix), prefix))]
            for chunk in rows.chunks(ids):
                m = rows.marks(chunk)
                conn.execute(f"DELETE FROM findings WHERE file_id IN ({m})", chunk)
                conn.execute(f"DELETE FROM codenames WHERE file_id IN ({m})", chunk)
                conn.execute(f"UPDATE files SET parent = NULL WHERE parent IN ({m})", chunk)
                conn.execute(f"DELETE FROM files WHERE id IN ({m})", chunk)

    def mark_vanished(self, paths: Iterable[str], scan_id: int) -> None:
        with self.store.transaction():
            self.store.conn.executemany(
                "UPDATE files SET status = 'error', reason = 'vanished: no longer in the share', scan_id = ?"
                " WHERE path = ?", [(scan_id, p) for p in paths])

    def link_duplicate(self, dup: FileRecord, original_path: str, scan_id: int, rules_fingerprint: str) -> None:
        """Record ``dup`` as a copy of an already-scanned file and copy its findings (and members) to it."""
        original = self.get_file(original_path)
        if original is None:
            raise CaseError(f"duplicate target {original_path} is not in the case")
        conn = self.store.conn
        with self.store.transaction():
            members = [rows.file_record(r) for r in conn.execute(
                f"SELECT {rows.FILE_COLUMNS} FROM files WHERE id = ? OR substr(path, 1, ?) = ?",
                (original.id, len(original.path) + 2, original.path + "!/"))]
            path_of = {m.id: m.path for m in members}
            for src in members:
                new_path = dup.path + src.path[len(original.path):]
                top = src.id == original.id
                rec = FileRecord(
                    id=file_id(new_path), path=new_path,
                    parent=None if src.parent is None else file_id(dup.path + path_of[src.parent][len(original.path):]),
                    sha256=src.sha256, size=dup.size if top else src.size, mtime=dup.mtime if top else src.mtime,
                    kind=src.kind, status=src.status, reason=src.reason, duplicate_of=src.id)
                self._copy_findings(src, rec, scan_id, rules_fingerprint)

    def _copy_findings(self, src: FileRecord, rec: FileRecord, scan_id: int, rules_fingerprint: str) -> None:
        found = [rows.finding(r) for r in self.store.conn.execute(
            f"SELECT {rows.FINDING_COLUMNS} FROM findings f JOIN files fl ON fl.id = f.file_id WHERE f.file_id = ?",
            (src.id,))]
        self.write_results([FileResult(rec)], scan_id, rules_fingerprint)
        copies = []
        for f in found:
            row = rows.finding_columns(f)
            row.update(id=finding_id(rec.sha256 or "", rec.path, f.rule, f.entity_type, f.start, f.end),
                       file_id=rec.id, path=rec.path, status="open", note=None, value=f.value, scan_id=scan_id)
            copies.append(row)
        self._insert_findings(copies)


def _carry(old: Any, row: dict[str, Any], carried: Carried) -> None:
    """Give a re-scanned finding its old decisions; log them when its id changed."""
    changes = [(Action.STATUS, "open", old["status"]), (Action.NOTE, None, old["note"])]
    if old["severity_decided"]:
        changes.append((Action.SEVERITY, row["severity"], old["severity"]))
    for action, fresh, kept in changes:
        if kept == fresh:
            continue
        row[str(action)] = kept
        if row["id"] != old["id"]:
            carried.append((row["id"], action, fresh, kept, f"carried over from {old['id']} (file re-scanned)"))


def _file_columns(rec: FileRecord, scan_id: int, rules_fingerprint: str) -> dict[str, Any]:
    return {"id": rec.id, "path": rec.path, "parent": rec.parent, "depth": rec.path.count("!/"),
            "sha256": rec.sha256, "size": rec.size, "mtime": rec.mtime, "kind": rec.kind, "status": str(rec.status),
            "reason": rec.reason, "duplicate_of": rec.duplicate_of, "scan_id": scan_id,
            "rules_fingerprint": rules_fingerprint, "named_after": None}
