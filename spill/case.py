"""The case file: the only module that writes SQL.

A case is one SQLite file (mode 0600, WAL) plus ``CASE.db.key`` (0600), the random
per-case key that makes value fingerprints (HMAC-SHA256) useless outside the case.
The schema lives in ``schema.sql``; its version is ``PRAGMA user_version``.

Connections are per thread (SQLite objects must not cross threads): the scanner's
single writer, the TUI's worker threads and the CLI each open their own ``Case``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import getpass
import hashlib
import hmac
import json
import os
import re
import secrets
import sqlite3
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, overload

import sqlite_utils

from spill.errors import CaseError
from spill.model import Category, FileRecord, FileStatus, Finding, Severity, Status

SCHEMA_VERSION = 1
APPLICATION_ID = 0x5350494C  # "SPIL": marks a SQLite file as a spill case
KEY_SUFFIX = ".key"


def utcnow() -> str:
    """The clock, in one place so tests can freeze it."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def default_analyst() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return os.environ.get("USER") or "unknown"


def file_id(path: str) -> str:
    return hashlib.sha1(path.encode("utf-8", "surrogateescape")).hexdigest()[:20]


def finding_id(file_sha256: str, path: str, rule: str, entity_type: str, start: int | None,
               end: int | None) -> str:
    key = f"{file_sha256}|{path}|{rule}|{entity_type}|{start}|{end}"
    return hashlib.sha1(key.encode("utf-8", "surrogateescape")).hexdigest()[:24]


def normalize_value(value: str) -> str:
    """What two spellings of one value have in common: case, spaces and separators dropped."""
    text = unicodedata.normalize("NFKC", value).casefold().strip()
    if "@" in text or (" " not in text.strip() and not any(c in text for c in "-. ()/")):
        return "".join(text.split())
    if sum(c.isdigit() for c in text) >= 0.5 * len(text.replace(" ", "")):
        return "".join(c for c in text if c.isalnum())
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class FindingRow:
    """A finding as the scanner hands it to the writer (value kept only in memory)."""

    path: str
    entity_type: str
    category: Category
    severity: Severity
    score: float
    rule: str
    start: int | None
    end: int | None
    line: int | None
    location: dict[str, Any]
    preview: str | None
    context: str | None
    ctx_start: int | None
    ctx_end: int | None
    value: str | None
    record: str | None = None
    client: str | None = None
    signals: tuple[str, ...] = ()


@dataclass(slots=True)
class FileResult:
    """Everything one file (or archive member) produced, written in one transaction."""

    file: FileRecord
    findings: list[FindingRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Decision:
    seq: int
    at: str
    analyst: str
    action: str
    finding_id: str
    before: str | None
    after: str | None
    reason: str | None
    batch: str | None
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class ScanInfo:
    id: int
    root: str
    started_at: str
    finished_at: str | None
    status: str
    options: dict[str, Any]


def _entry_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    payload = json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + "\n" + payload).encode()).hexdigest()


class Case:
    """An open case file. Use :meth:`create` or :meth:`open`; close with :meth:`close`."""

    def __init__(self, path: Path, conn: sqlite3.Connection, key: bytes) -> None:
        self.path = path
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self._key = key

    # ----------------------------------------------------------------- opening
    @classmethod
    def create(cls, path: str | os.PathLike[str]) -> Case:
        """Create a new case file (0600) and its key (0600); refuse to overwrite."""
        path = Path(path)
        if not path.parent.exists():
            raise CaseError(f"cannot create case {path}: folder {path.parent} does not exist")
        if not os.access(path.parent, os.W_OK):
            raise CaseError(f"cannot create case {path}: folder {path.parent} is not writable")
        if path.exists():
            raise CaseError(f"case {path} already exists")
        key_path = _key_path(path)
        key = secrets.token_bytes(32)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.close(fd)
            fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(key.hex() + "\n")
            conn = _connect(path)
            conn.executescript(resources.files("spill").joinpath("schema.sql").read_text())
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            with conn:
                conn.executemany(
                    "INSERT INTO meta(key, value) VALUES (?, ?)",
                    [("schema_version", str(SCHEMA_VERSION)), ("created_at", utcnow()),
                     ("case_id", uuid.uuid4().hex), ("tool", _tool_version())],
                )
        except (OSError, sqlite3.Error) as err:
            for p in (path, key_path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                with contextlib.suppress(OSError):
                    p.unlink()
            raise CaseError(f"cannot create case {path}: {err}") from err
        return cls(path, conn, key)

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, readonly: bool = False) -> Case:
        """Open an existing case, checking it is a spill case of a version we understand."""
        path = Path(path)
        if not path.is_file():
            raise CaseError(f"no case file at {path}")
        try:
            conn = _connect(path, readonly=readonly)
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as err:
            raise CaseError(f"{path} is not a spill case file ({err})") from err
        if app_id != APPLICATION_ID:
            conn.close()
            raise CaseError(f"{path} is not a spill case file")
        if version > SCHEMA_VERSION:
            conn.close()
            raise CaseError(f"{path} was written by a newer spill (schema {version}, this spill reads "
                            f"{SCHEMA_VERSION}); upgrade spill to open it")
        key_path = _key_path(path)
        try:
            key = bytes.fromhex(key_path.read_text().strip())
        except (OSError, ValueError) as err:
            conn.close()
            raise CaseError(f"cannot read the case key {key_path} ({err}); it must sit beside the case file") from err
        return cls(path, conn, key)

    @classmethod
    def open_or_create(cls, path: str | os.PathLike[str]) -> Case:
        return cls.open(path) if Path(path).exists() else cls.create(path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Case:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ fingerprints
    def fingerprint(self, value: str) -> str:
        digest = hmac.new(self._key, normalize_value(value).encode("utf-8", "surrogatepass"), "sha256")
        return digest.hexdigest()

    def matches_fingerprint(self, value: str, fingerprint: str | None) -> bool:
        return fingerprint is not None and hmac.compare_digest(self.fingerprint(value), fingerprint)

    # ------------------------------------------------------------------- scans
    def begin_scan(self, root: str, options: dict[str, Any], rules_fingerprint: str,
                   model_version: str) -> int:
        with self.conn:
            cur = self.conn.execute(
                "INSERT INTO scans(root, started_at, status, options, rules_fingerprint, tool_version,"
                " model_version) VALUES (?, ?, 'running', ?, ?, ?, ?)",
                (root, utcnow(), json.dumps(options, sort_keys=True), rules_fingerprint, _tool_version(),
                 model_version),
            )
        return int(cur.lastrowid or 0)

    def finish_scan(self, scan_id: int, status: str, counts: dict[str, Any]) -> None:
        with self.conn:
            self.conn.execute("UPDATE scans SET finished_at = ?, status = ?, counts = ? WHERE id = ?",
                              (utcnow(), status, json.dumps(counts, sort_keys=True), scan_id))

    def last_scan(self) -> ScanInfo | None:
        row = self.conn.execute(
            "SELECT id, root, started_at, finished_at, status, options FROM scans ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        return ScanInfo(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]))

    def scan_root(self) -> Path | None:
        scan = self.last_scan()
        return Path(scan.root) if scan else None

    # ------------------------------------------------------------------- files
    def known_files(self) -> dict[str, tuple[int | None, float | None, str | None, str, str | None]]:
        """path → (size, mtime, sha256, status, rules_fingerprint) of every top-level file."""
        rows = self.conn.execute(
            "SELECT path, size, mtime, sha256, status, rules_fingerprint FROM files WHERE parent IS NULL")
        return {r[0]: (r[1], r[2], r[3], r[4], r[5]) for r in rows}

    def done_sha256(self) -> dict[str, str]:
        """sha256 → path of a top-level file already scanned to the end (for de-duplication)."""
        rows = self.conn.execute(
            "SELECT sha256, path FROM files WHERE parent IS NULL AND status = 'done' AND sha256 IS NOT NULL"
            " AND duplicate_of IS NULL")
        return {r[0]: r[1] for r in rows}

    def write_results(self, results: Sequence[FileResult], scan_id: int, rules_fingerprint: str,
                      store_values: bool = False) -> None:
        """Write a batch of files and their findings in one transaction.

        A re-scanned file's old findings are replaced; triage status and notes carry over
        to new findings with the same fingerprint, rule and location.
        """
        with self.conn:
            for result in results:
                self._write_one(result, scan_id, rules_fingerprint, store_values)

    def _write_one(self, result: FileResult, scan_id: int, rules_fp: str, store_values: bool) -> None:
        rec = result.file
        carried: dict[tuple[str | None, str, str], tuple[str, str | None]] = {}
        for _fid, fp, rule, loc, status, note in self.conn.execute(
            "SELECT id, fingerprint, rule, location, status, note FROM findings WHERE file_id = ?", (rec.id,)
        ):
            if status != "open" or note:
                carried[(fp, rule, loc)] = (status, note)
        self.conn.execute("DELETE FROM findings WHERE file_id = ?", (rec.id,))
        self.conn.execute(
            "INSERT INTO files(id, path, parent, depth, sha256, size, mtime, kind, status, reason,"
            " duplicate_of, scan_id, rules_fingerprint) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT(id) DO UPDATE SET parent=excluded.parent, depth=excluded.depth,"
            " sha256=excluded.sha256, size=excluded.size, mtime=excluded.mtime, kind=excluded.kind,"
            " status=excluded.status, reason=excluded.reason, duplicate_of=excluded.duplicate_of,"
            " scan_id=excluded.scan_id, rules_fingerprint=excluded.rules_fingerprint",
            (rec.id, rec.path, rec.parent, rec.path.count("!/"), rec.sha256, rec.size, rec.mtime, rec.kind,
             str(rec.status), rec.reason, rec.duplicate_of, scan_id, rules_fp),
        )
        rows = []
        for f in result.findings:
            fp = self.fingerprint(f.value) if f.value is not None else None
            loc = json.dumps(f.location, sort_keys=True, ensure_ascii=False)
            status, note = carried.get((fp, f.rule, loc), ("open", None))
            rows.append((
                finding_id(rec.sha256 or "", f.path, f.rule, f.entity_type, f.start, f.end), rec.id, f.path,
                f.entity_type, str(f.category), str(f.severity), round(f.score, 4), f.rule, status,
                f.start, f.end, f.line, loc, f.preview, f.context, f.ctx_start, f.ctx_end, fp, f.record,
                f.client, json.dumps(list(f.signals)) if f.signals else None,
                f.value if store_values else None, note, scan_id,
            ))
        self.conn.executemany(
            "INSERT OR REPLACE INTO findings(id, file_id, path, entity_type, category, severity, score, rule,"
            " status, span_start, span_end, line, location, preview, context, ctx_start, ctx_end,"
            " fingerprint, record, client, signals, value, note, scan_id)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )

    def forget_members(self, parent_path: str) -> None:
        """Drop the member rows (and their findings) of a container about to be re-scanned."""
        prefix = parent_path + "!/"
        with self.conn:
            ids = [r[0] for r in self.conn.execute(
                "SELECT id FROM files WHERE substr(path, 1, ?) = ?", (len(prefix), prefix))]
            for chunk in _chunks(ids, 500):
                marks = ",".join("?" * len(chunk))
                self.conn.execute(f"DELETE FROM findings WHERE file_id IN ({marks})", chunk)
                self.conn.execute(f"UPDATE files SET parent = NULL WHERE parent IN ({marks})", chunk)
                self.conn.execute(f"DELETE FROM files WHERE id IN ({marks})", chunk)

    def mark_vanished(self, paths: Iterable[str], scan_id: int) -> None:
        with self.conn:
            self.conn.executemany(
                "UPDATE files SET status = 'error', reason = 'vanished: no longer in the share', scan_id = ?"
                " WHERE path = ?", [(scan_id, p) for p in paths])

    def get_file(self, path: str) -> FileRecord | None:
        row = self.conn.execute(
            "SELECT id, path, parent, sha256, size, mtime, kind, status, reason, duplicate_of FROM files"
            " WHERE path = ?", (path,)).fetchone()
        return _file_record(row) if row else None

    def iter_files(self, *, top_level_only: bool = False) -> Iterator[FileRecord]:
        where = " WHERE parent IS NULL" if top_level_only else ""
        for row in self.conn.execute(
            "SELECT id, path, parent, sha256, size, mtime, kind, status, reason, duplicate_of FROM files"
            f"{where} ORDER BY path"
        ):
            yield _file_record(row)

    def link_duplicate(self, dup: FileRecord, original_path: str, scan_id: int, rules_fp: str) -> None:
        """Record ``dup`` as a copy of an already-scanned file and copy its findings to it."""
        original = self.get_file(original_path)
        if original is None:
            raise CaseError(f"duplicate target {original_path} is not in the case")
        with self.conn:
            members = list(self.conn.execute(
                "SELECT id, path, parent, sha256, size, mtime, kind, status, reason, duplicate_of FROM files"
                " WHERE id = ? OR substr(path, 1, ?) = ?",
                (original.id, len(original.path) + 2, original.path + "!/")))
            for row in members:
                src = _file_record(row)
                new_path = dup.path + src.path[len(original.path):]
                rec = FileRecord(
                    id=file_id(new_path), path=new_path,
                    parent=None if src.parent is None else file_id(dup.path + _path_of(self, src.parent)[
                        len(original.path):]),
                    sha256=src.sha256, size=dup.size if src.id == original.id else src.size,
                    mtime=dup.mtime if src.id == original.id else src.mtime, kind=src.kind, status=src.status,
                    reason=src.reason, duplicate_of=src.id,
                )
                self._copy_findings(src, rec, scan_id, rules_fp)

    def _copy_findings(self, src: FileRecord, rec: FileRecord, scan_id: int, rules_fp: str) -> None:
        cols = ("entity_type, category, severity, score, rule, span_start, span_end, line, location, preview,"
                " context, ctx_start, ctx_end, fingerprint, record, subject, client, signals, value")
        found = list(self.conn.execute(f"SELECT {cols} FROM findings WHERE file_id = ?", (src.id,)))
        self._write_one(FileResult(rec), scan_id, rules_fp, store_values=False)
        rows = []
        for r in found:
            fid = finding_id(rec.sha256 or "", rec.path, r[4], r[0], r[5], r[6])
            rows.append((fid, rec.id, rec.path, *r, scan_id))
        self.conn.executemany(
            f"INSERT OR REPLACE INTO findings(id, file_id, path, {cols}, scan_id)"
            f" VALUES ({','.join('?' * 23)})", rows)

    # ---------------------------------------------------------------- findings
    def iter_findings(self, *, statuses: Sequence[str] = (), order: str = "path") -> Iterator[Finding]:
        where, params = "", []
        if statuses:
            where = f" WHERE f.status IN ({','.join('?' * len(statuses))})"
            params = list(statuses)
        order_by = {"path": "f.path, f.span_start, f.entity_type", "severity": "f.severity"}[order]
        sql = (f"SELECT {_FINDING_COLS} FROM findings f JOIN files fl ON fl.id = f.file_id{where}"
               f" ORDER BY {order_by}")
        for row in self.conn.execute(sql, params):
            yield _finding(row)

    def get_finding(self, fid: str) -> Finding | None:
        row = self.conn.execute(
            f"SELECT {_FINDING_COLS} FROM findings f JOIN files fl ON fl.id = f.file_id WHERE f.id = ?", (fid,)
        ).fetchone()
        return _finding(row) if row else None

    def counts(self) -> dict[str, Any]:
        """Summary figures for the CLI's closing line and the reports."""
        files = dict(self.conn.execute("SELECT status, count(*) FROM files GROUP BY status").fetchall())
        by_cat = dict(self.conn.execute("SELECT category, count(*) FROM findings GROUP BY category").fetchall())
        by_type = dict(self.conn.execute(
            "SELECT entity_type, count(*) FROM findings GROUP BY entity_type ORDER BY 2 DESC").fetchall())
        total = self.conn.execute("SELECT count(*) FROM findings").fetchone()[0]
        people = self.conn.execute("SELECT count(*) FROM subjects").fetchone()[0]
        return {"files": files, "findings": total, "by_category": by_cat, "by_type": by_type,
                "subjects": people}

    def report_data(self, *, list_limit: int = 200) -> dict[str, Any]:
        """Everything `spill report` shows, in one read."""
        q = self.conn.execute
        data: dict[str, Any] = {"counts": self.counts(), "scan": self.last_scan()}
        data["by_type_status"] = q(
            "SELECT entity_type, category, max(severity), status, count(*), count(DISTINCT fingerprint),"
            " count(DISTINCT file_id) FROM findings GROUP BY entity_type, status ORDER BY category, entity_type"
        ).fetchall()
        data["by_severity"] = dict(q("SELECT severity, count(*) FROM findings GROUP BY severity").fetchall())
        data["rubrics"] = q(
            "SELECT coalesce(client, '(not named)'), count(*), group_concat(path, char(10)) FROM findings"
            " WHERE entity_type = 'LAB_RUBRIC' AND status != 'false_positive' GROUP BY client ORDER BY 2 DESC"
        ).fetchall()
        data["not_scanned"] = q(
            "SELECT path, status, reason FROM files WHERE status IN ('error', 'skipped') ORDER BY status, path"
            " LIMIT ?", (list_limit,)).fetchall()
        data["people"] = q(
            "SELECT s.id, s.label, s.findings, s.files, group_concat(DISTINCT f.category) FROM subjects s"
            " JOIN findings f ON f.subject = s.id WHERE f.status != 'false_positive'"
            " GROUP BY s.id ORDER BY s.findings DESC LIMIT ?", (list_limit,)).fetchall()
        data["top_folders"] = q(
            "SELECT CASE WHEN instr(path, '/') > 0 THEN substr(path, 1, instr(path, '/') - 1) ELSE '.' END AS"
            " folder, count(*) FROM findings WHERE status != 'false_positive' GROUP BY folder ORDER BY 2 DESC"
            " LIMIT 15").fetchall()
        data["decisions"] = q(
            "SELECT analyst, action, coalesce(after, ''), count(*), min(at), max(at) FROM decisions"
            " GROUP BY analyst, action, after ORDER BY analyst, action").fetchall()
        data["chain_problems"] = self.verify_chain()
        return data

    # ---------------------------------------------------------------- subjects
    def link_subjects(self, anchors: Sequence[str] = ("CONTRACTOR_ID", "EMAIL_ADDRESS")) -> int:
        """Link findings to people: identifiers seen in one record belong to one person.

        A record (CSV row, JSON object, mail message…) with exactly one distinct value of
        an anchor type ties every finding in it to that person; records that share an
        anchor value join into one person (union-find over fingerprints).
        """
        marks = ",".join("?" * len(anchors))
        records: dict[tuple[str, str], set[str]] = {}
        for file_id_, record, fp, _etype in self.conn.execute(
            f"SELECT file_id, record, fingerprint, entity_type FROM findings WHERE record IS NOT NULL"
            f" AND fingerprint IS NOT NULL AND entity_type IN ({marks})", list(anchors)
        ):
            records.setdefault((file_id_, record), set()).add(fp)
        per_type: dict[tuple[str, str], dict[str, set[str]]] = {}
        for file_id_, record, fp, etype in self.conn.execute(
            f"SELECT file_id, record, fingerprint, entity_type FROM findings WHERE record IS NOT NULL"
            f" AND fingerprint IS NOT NULL AND entity_type IN ({marks})", list(anchors)
        ):
            per_type.setdefault((file_id_, record), {}).setdefault(etype, set()).add(fp)
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        linkable = {k for k, types in per_type.items() if all(len(v) == 1 for v in types.values())}
        for k in linkable:
            fps = sorted(records[k])
            for other in fps[1:]:
                a, b = find(fps[0]), find(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
        with self.conn:
            self.conn.execute("UPDATE findings SET subject = NULL WHERE subject IS NOT NULL")
            self.conn.execute("DELETE FROM subjects")
            for file_id_, record in linkable:
                root = find(next(iter(records[(file_id_, record)])))
                sid = "S-" + root[:12]
                self.conn.execute("UPDATE findings SET subject = ? WHERE file_id = ? AND record = ?",
                                  (sid, file_id_, record))
            self.conn.execute(
                "INSERT INTO subjects(id, label, anchor, findings, files)"
                " SELECT subject, NULL, NULL, count(*), count(DISTINCT file_id) FROM findings"
                " WHERE subject IS NOT NULL GROUP BY subject")
            self.conn.execute(
                "UPDATE subjects SET label = (SELECT f.preview FROM findings f WHERE f.subject = subjects.id"
                " AND f.entity_type = 'PERSON' GROUP BY f.preview ORDER BY count(*) DESC LIMIT 1),"
                " anchor = (SELECT f.entity_type FROM findings f WHERE f.subject = subjects.id AND"
                f" f.entity_type IN ({marks}) ORDER BY f.entity_type LIMIT 1)", list(anchors))
            self.conn.execute(
                "UPDATE subjects SET label = (SELECT f.preview FROM findings f WHERE f.subject = subjects.id"
                " AND f.entity_type IN ('CONTRACTOR_ID', 'EMAIL_ADDRESS') ORDER BY f.entity_type LIMIT 1)"
                " WHERE label IS NULL")
        return self.conn.execute("SELECT count(*) FROM subjects").fetchone()[0]

    # --------------------------------------------------------------- decisions
    def decide(self, finding_ids: Sequence[str], *, action: str, after: str | None, analyst: str,
               reason: str | None = None) -> str:
        """Apply one triage action to findings and append it to the hash-chained log.

        ``action`` is ``status`` (after: a Status), ``severity`` (after: a Severity),
        ``note`` (after: the note text) or ``reveal`` (after: None; the value is never
        logged). Returns the batch id that :meth:`undo` takes.
        """
        col = _decision_column(action, after)
        batch = uuid.uuid4().hex[:16]
        with self.conn:
            prev_hash = self._last_hash()
            for chunk in _chunks(list(finding_ids), 500):
                marks = ",".join("?" * len(chunk))
                befores = dict(self.conn.execute(
                    f"SELECT id, {col or 'status'} FROM findings WHERE id IN ({marks})", chunk).fetchall())
                for fid in chunk:
                    if fid not in befores:
                        raise CaseError(f"no finding {fid} in the case")
                    prev_hash = self._append(prev_hash, action, fid, befores[fid] if col else None, after,
                                             analyst, reason, batch)
                if col:
                    self.conn.execute(f"UPDATE findings SET {col} = ? WHERE id IN ({marks})", [after, *chunk])
        return batch

    def undo(self, batch: str, *, analyst: str) -> str | None:
        """Revert one batch: restore every finding's ``before`` and log it as a new batch."""
        rows = list(self.conn.execute(
            "SELECT action, finding_id, before FROM decisions WHERE batch = ? ORDER BY seq", (batch,)))
        if not rows:
            return None
        new_batch = uuid.uuid4().hex[:16]
        with self.conn:
            prev_hash = self._last_hash()
            for action, fid, before in rows:
                if action == "reveal":
                    continue
                col = {"status": "status", "severity": "severity", "note": "note"}[action]
                current = self.conn.execute(f"SELECT {col} FROM findings WHERE id = ?", (fid,)).fetchone()
                if current is None:
                    continue
                prev_hash = self._append(prev_hash, action, fid, current[0], before, analyst,
                                         f"undo {batch}", new_batch)
                self.conn.execute(f"UPDATE findings SET {col} = ? WHERE id = ?", (before, fid))
        return new_batch

    def decisions(self, finding_id_: str | None = None) -> list[Decision]:
        where, params = ("WHERE finding_id = ?", [finding_id_]) if finding_id_ else ("", [])
        return [Decision(*r) for r in self.conn.execute(
            "SELECT seq, at, analyst, action, finding_id, before, after, reason, batch, prev_hash, hash"
            f" FROM decisions {where} ORDER BY seq", params)]

    def verify_chain(self) -> list[str]:
        """Re-compute the decision log's hash chain; return one line per broken entry."""
        problems: list[str] = []
        prev = ""
        for d in self.decisions():
            if d.prev_hash != prev:
                problems.append(f"decision {d.seq}: previous-hash link broken (entry removed or reordered)")
            expected = _entry_hash(d.prev_hash, _entry(d.at, d.analyst, d.action, d.finding_id, d.before,
                                                        d.after, d.reason, d.batch))
            if expected != d.hash:
                problems.append(f"decision {d.seq}: content does not match its hash (edited after the fact)")
            prev = d.hash
        return problems

    def _last_hash(self) -> str:
        row = self.conn.execute("SELECT hash FROM decisions ORDER BY seq DESC LIMIT 1").fetchone()
        return row[0] if row else ""

    def _append(self, prev_hash: str, action: str, fid: str, before: str | None, after: str | None,
                analyst: str, reason: str | None, batch: str) -> str:
        at = utcnow()
        digest = _entry_hash(prev_hash, _entry(at, analyst, action, fid, before, after, reason, batch))
        self.conn.execute(
            "INSERT INTO decisions(at, analyst, action, finding_id, before, after, reason, batch, prev_hash,"
            " hash) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (at, analyst, action, fid, before, after, reason, batch, prev_hash, digest))
        return digest

    # ---- triage queries (used by the TUI) -------------------------------------------------
    # Reads for `spill triage`, shaped for a 10^6-finding case: every list is paged or
    # aggregated in SQL, nothing loads all findings. Group decisions go through decide_many.

    def map_into_memory(self, max_bytes: int = 1 << 32) -> None:
        """Read this connection's pages through mmap instead of read() calls.

        The triage app's queries hop between index and table pages of a file far bigger
        than SQLite's page cache; mapping it makes those lookups about twice as fast.
        """
        self.conn.execute(f"PRAGMA mmap_size = {int(max_bytes)}")

    def defer_checkpoints(self) -> None:
        """Stop this connection's commits from copying the WAL into the file (SQLite's auto-checkpoint).

        An interactive writer then commits in about a millisecond every time, instead of
        now and then paying for a checkpoint; it calls :meth:`checkpoint` when idle.
        """
        self.conn.execute("PRAGMA wal_autocheckpoint = 0")

    def checkpoint(self) -> None:
        """Copy what the WAL holds into the case file, without waiting for readers (PASSIVE)."""
        self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def ensure_triage_indexes(self) -> bool:
        """Add the triage indexes (end of schema.sql) to a case file created before them.

        Returns True when something had to be built (slow on a big case: run it in a worker).
        """
        script = resources.files("spill").joinpath("schema.sql").read_text()
        script = script[script.index(_TRIAGE_INDEX_MARK):]
        wanted = re.findall(r"CREATE INDEX IF NOT EXISTS (\w+)", script)
        have = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        if set(wanted) <= have:
            return False
        self.conn.executescript(script)
        return True

    def count_findings(self, query: FindingQuery) -> int:
        where, params = _triage_where(query)
        # a combination of the columns the order index carries is counted from it alone;
        # one column (or a path, person or group) has a narrower index of its own
        kinds = sum(bool(v) for v in (query.entity_types, query.categories, query.statuses, query.severities))
        hint = " INDEXED BY findings_triage_order" if kinds > 1 and _in_order_index(query) else ""
        return int(self.conn.execute(f"SELECT count(*) FROM findings f{hint} WHERE {where}", params).fetchone()[0])

    def page_findings(self, query: FindingQuery, offset: int, limit: int) -> FindingPage:
        """One window of the findings that match ``query``, in its sort order.

        SQLite has no statistics here to choose between a filter's index and the sort
        order's, so the choice is made explicitly:

        * severity order, filters the order index carries (type, category, status,
          severity, path): walk ``findings_triage_order`` from the index alone, looking up
          only the rows shown;
        * otherwise a probe collects up to ``_SPARSE_CAP`` matching rowids through the
          filter's own index; if that is all of them they are sorted directly;
        * one value's findings (a group opened): sorted on ``findings_triage_value`` alone,
          then the page's rows fetched;
        * else the sort order's index is walked, testing the rest of the filter per row.

        ``total`` is set when the page tells it; else ask :meth:`count_findings` (in the background).
        """
        where, params = _triage_where(query)
        order = _order_by(query)
        if query.sort == "severity" and _in_order_index(query):
            rows = [_summary(r) for r in self.conn.execute(
                f"SELECT {_SUMMARY_COLS} FROM findings f INDEXED BY findings_triage_order WHERE {where}"
                f" ORDER BY {order} LIMIT ? OFFSET ?", [*params, limit, offset])]
            return FindingPage(offset, rows, offset + len(rows) if len(rows) < limit else None)
        probe = [r[0] for r in self.conn.execute(
            f"SELECT f.rowid FROM findings f WHERE {where} LIMIT {_SPARSE_CAP + 1}", params)]
        if len(probe) <= _SPARSE_CAP:
            return FindingPage(offset, self._rows_by_rowid(probe, order, limit, offset), len(probe))
        if query.group_by == "value" and not query.text:
            rowids = [r[0] for r in self.conn.execute(
                f"SELECT f.rowid FROM findings f INDEXED BY findings_triage_value WHERE {where}"
                f" ORDER BY {order} LIMIT ? OFFSET ?", [*params, limit, offset])]
            return FindingPage(offset, self._rows_by_rowid(rowids, order, limit, 0), None)
        hint = f" INDEXED BY {_SORT_INDEX[query.sort]}"
        rows = [_summary(r) for r in self.conn.execute(
            f"SELECT {_SUMMARY_COLS} FROM findings f{hint} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
            [*params, limit, offset])]
        return FindingPage(offset, rows, None)

    def _rows_by_rowid(self, rowids: list[int], order: str, limit: int, offset: int) -> list[FindingSummary]:
        if not rowids:
            return []
        return [_summary(r) for r in self.conn.execute(
            f"SELECT {_SUMMARY_COLS} FROM findings f WHERE f.rowid IN ({','.join('?' * len(rowids))})"
            f" ORDER BY {order} LIMIT ? OFFSET ?", [*rowids, limit, offset])]

    def finding_ids(self, query: FindingQuery) -> list[str]:
        """Every finding id that matches ``query`` (what a group or select-all decision touches)."""
        where, params = _triage_where(query)
        return [r[0] for r in self.conn.execute(f"SELECT f.id FROM findings f WHERE {where}", params)]

    def group_findings(self, query: FindingQuery, by: str) -> GroupList:
        """The findings that match ``query`` grouped ``by`` value, rule, file or folder, biggest first.

        One pass over the grouping's covering index (forced when the filter matches many:
        SQLite has no statistics to know), with as few aggregates as the table needs; the
        label columns are SQLite "bare" columns (any row of the group: they agree). Sorted
        in SQL and turned into records only when looked at, so a 10^5-group list costs
        little Python. On 10^6 findings this is about a second; the app computes it in the
        background.
        """
        if by not in GROUP_BY:
            raise CaseError(f"unknown grouping {by!r}; one of {', '.join(GROUP_BY)}")
        where, params = _triage_where(query)
        hint = ""
        if not query.text:
            matches = self.conn.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM findings f WHERE {where} LIMIT {_SORTER_CAP + 1})",
                params).fetchone()[0]
            if matches > _SORTER_CAP:
                hint = f" INDEXED BY {_GROUP_INDEX[by]}"
        agg = f"count(*) AS n, sum(f.status = 'open') AS still_open, min({_sev_rank('f.severity')}) AS rank"
        order = " ORDER BY n DESC, label, key"
        if by == "value":
            # a document-level finding (no value) is a group of its own
            sql = (f"SELECT f.fingerprint AS key, {agg}, f.entity_type, f.preview AS label FROM findings f{hint}"
                   f" WHERE {where} AND f.fingerprint IS NOT NULL GROUP BY f.fingerprint"
                   f" UNION ALL SELECT 'id:' || f.id, 1, f.status = 'open', {_sev_rank('f.severity')}, f.entity_type,"
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
                sql = (f"SELECT g.file_id AS key, g.n, g.still_open, g.rank, NULL, fl.path AS label"
                       f" FROM ({per_file}) g JOIN files fl ON fl.id = g.file_id{order}")
            else:
                folder = _folder_sql("fl.path")
                sql = (f"SELECT {folder} AS key, sum(g.n) AS n, sum(g.still_open), min(g.rank), NULL,"
                       f" CASE WHEN {folder} = '' THEN '(share root)' ELSE {folder} END AS label"
                       f" FROM ({per_file}) g JOIN files fl ON fl.id = g.file_id GROUP BY key{order}")
        return GroupList(by, self.conn.execute(sql, params).fetchall())

    def group_status_counts(self, query: FindingQuery, group: FindingGroup) -> dict[str, int]:
        """How one group's members stand (status → count) under ``query``'s filters."""
        where, params = _triage_where(dataclasses.replace(query, group_by=group.by, group_key=group.key))
        return dict(self.conn.execute(
            f"SELECT f.status, count(*) FROM findings f WHERE {where} GROUP BY f.status", params).fetchall())

    def finding_detail(self, fid: str, *, siblings: int = 8) -> FindingDetail | None:
        """Everything the detail pane shows about one finding (all masked)."""
        finding = self.get_finding(fid)
        if finding is None:
            return None
        ctx_start, ctx_end, note, record = self.conn.execute(
            "SELECT ctx_start, ctx_end, note, record FROM findings WHERE id = ?", (fid,)).fetchone()
        file = self.conn.execute(
            "SELECT id, path, parent, sha256, size, mtime, kind, status, reason, duplicate_of FROM files"
            " WHERE id = ?", (finding.file_id,)).fetchone()
        same_file = [_summary(r) for r in self.conn.execute(
            f"SELECT {_SUMMARY_COLS} FROM findings f WHERE f.file_id = ? AND f.id != ?"
            " ORDER BY f.span_start, f.rowid LIMIT ?", (finding.file_id, fid, siblings))]
        in_file = self.conn.execute("SELECT count(*) FROM findings WHERE file_id = ?",
                                    (finding.file_id,)).fetchone()[0]
        person = self.get_person(finding.subject) if finding.subject else None
        return FindingDetail(finding, ctx_start, ctx_end, note, record,
                             _file_record(file) if file else None, same_file, int(in_file) - 1, person,
                             self.decisions(fid))

    def decide_many(self, finding_ids: Sequence[str], *, action: str, after: str | None, analyst: str,
                    reason: str | None = None, skip_unchanged: bool = True,
                    progress: Callable[[int, int], None] | None = None) -> tuple[str, int]:
        """:meth:`decide` for a selection or a group: one transaction, one batch, with progress.

        Findings already in the ``after`` state are left out of the log when ``skip_unchanged``
        (a group of 3,000 with 2,900 already confirmed logs 100 decisions). Returns the batch
        id and how many findings it changed.
        """
        col = _decision_column(action, after)
        batch = uuid.uuid4().hex[:16]
        ids = list(dict.fromkeys(finding_ids))
        changed = 0
        with self.conn:
            prev_hash = self._last_hash()
            for done, chunk in enumerate(_chunks(ids, 500)):
                marks = ",".join("?" * len(chunk))
                befores = dict(self.conn.execute(
                    f"SELECT id, {col or 'status'} FROM findings WHERE id IN ({marks})", chunk).fetchall())
                touched = []
                for fid in chunk:
                    if fid not in befores:
                        raise CaseError(f"no finding {fid} in the case")
                    if col and skip_unchanged and befores[fid] == after:
                        continue
                    prev_hash = self._append(prev_hash, action, fid, befores[fid] if col else None, after,
                                             analyst, reason, batch)
                    touched.append(fid)
                if col and touched:
                    self.conn.execute(f"UPDATE findings SET {col} = ? WHERE id IN ({','.join('?' * len(touched))})",
                                      [after, *touched])
                changed += len(touched)
                if progress:
                    progress(min(len(ids), (done + 1) * 500), len(ids))
        return batch, changed

    def batch_findings(self, batch: str) -> list[str]:
        """The findings one logged batch touched (to refresh what the screen shows after an undo)."""
        return [r[0] for r in self.conn.execute(
            "SELECT DISTINCT finding_id FROM decisions WHERE batch = ?", (batch,))]

    def overview(self) -> CaseOverview:
        """The case at a glance: files, findings by category × status and severity, people, scan.

        Index-only counts (a few hundred ms on 10^6 findings); the folders come separately
        from :meth:`top_folders`, which has to visit every file.
        """
        files = dict(self.conn.execute("SELECT status, count(*) FROM files GROUP BY status").fetchall())
        matrix: dict[str, dict[str, int]] = {}
        for cat, status, n in self.conn.execute(
                "SELECT category, status, count(*) FROM findings GROUP BY category, status"):
            matrix.setdefault(cat, {})[status] = n
        by_sev = dict(self.conn.execute("SELECT severity, count(*) FROM findings GROUP BY severity").fetchall())
        clients = [(c or "(unknown lab)", n, o) for c, n, o in self.conn.execute(
            "SELECT client, count(*), sum(status = 'open') FROM findings WHERE entity_type = 'LAB_RUBRIC'"
            " GROUP BY client ORDER BY count(*) DESC, client")]
        people = self.conn.execute("SELECT count(*) FROM subjects").fetchone()[0]
        return CaseOverview(self.path.name, self.last_scan(), files, matrix, by_sev, clients, int(people))

    def top_folders(self) -> list[tuple[str, int, Severity]]:
        """Findings and worst severity per folder (first two levels), most findings first."""
        by_file = self.conn.execute(
            f"SELECT fl.path, g.n, g.rank FROM (SELECT f.file_id, count(*) AS n, min({_sev_rank('f.severity')})"
            " AS rank FROM findings f INDEXED BY findings_triage_file GROUP BY f.file_id) g"
            " JOIN files fl ON fl.id = g.file_id").fetchall()
        folders: dict[str, list[int]] = {}
        for path, n, rank in by_file:
            acc = folders.setdefault(top_folder(path), [0, 9])
            acc[0] += n
            acc[1] = min(acc[1], rank)
        return sorted(((k, v[0], _SEV_BY_RANK[v[1]]) for k, v in folders.items()), key=lambda t: (-t[1], t[0]))

    def file_stats(self) -> list[FileStats]:
        """Every file and archive member with its finding count and worst severity (the Files tree)."""
        counts = {r[0]: (r[1], r[2]) for r in self.conn.execute(
            f"SELECT f.file_id, count(*), min({_sev_rank('f.severity')}) FROM findings f"
            " INDEXED BY findings_triage_file GROUP BY f.file_id")}
        out = []
        for fid, path, parent, kind, status, reason, sha, size in self.conn.execute(
                "SELECT id, path, parent, kind, status, reason, sha256, size FROM files ORDER BY path"):
            n, rank = counts.get(fid, (0, None))
            out.append(FileStats(fid, path, parent, kind, FileStatus(status), reason, sha, size, n,
                                 _SEV_BY_RANK.get(rank) if rank is not None else None))
        return out

    def count_problem_files(self) -> int:
        return int(self.conn.execute(
            "SELECT count(*) FROM files WHERE status IN ('error', 'skipped', 'pending')").fetchone()[0])

    def page_problem_files(self, offset: int, limit: int) -> list[FileRecord]:
        """Files that were not (fully) scanned: failed first, then skipped, then still pending."""
        return [_file_record(r) for r in self.conn.execute(
            "SELECT id, path, parent, sha256, size, mtime, kind, status, reason, duplicate_of FROM files"
            " WHERE status IN ('error', 'skipped', 'pending')"
            " ORDER BY CASE status WHEN 'error' THEN 0 WHEN 'skipped' THEN 1 ELSE 2 END, path LIMIT ? OFFSET ?",
            (limit, offset))]

    def count_people(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM subjects").fetchone()[0])

    def page_people(self, offset: int, limit: int) -> list[Person]:
        """The people whose data is exposed, most exposed first."""
        return [self._person(r) for r in self.conn.execute(
            "SELECT id, label, anchor, findings, files FROM subjects ORDER BY findings DESC, files DESC, label, id"
            " LIMIT ? OFFSET ?", (limit, offset))]

    def get_person(self, subject: str) -> Person | None:
        row = self.conn.execute("SELECT id, label, anchor, findings, files FROM subjects WHERE id = ?",
                                (subject,)).fetchone()
        return self._person(row) if row else None

    def person_exposure(self, subject: str, *, limit: int = 50) -> PersonExposure | None:
        """What of one person was found (types and masked values) and where (files)."""
        person = self.get_person(subject)
        if person is None:
            return None
        what = [(t, p or "", n, _SEV_BY_RANK[r]) for t, p, n, r in self.conn.execute(
            f"SELECT entity_type, preview, count(*), min({_sev_rank('severity')}) FROM findings WHERE subject = ?"
            " GROUP BY entity_type, preview ORDER BY 4, 3 DESC, 1 LIMIT ?", (subject, limit))]
        where = [(p, n, _SEV_BY_RANK[r]) for p, n, r in self.conn.execute(
            f"SELECT path, count(*), min({_sev_rank('severity')}) FROM findings WHERE subject = ?"
            " GROUP BY path ORDER BY 2 DESC, 1 LIMIT ?", (subject, limit))]
        return PersonExposure(person, what, where)

    def _person(self, row: tuple[Any, ...]) -> Person:
        sid, label, anchor, n, files = row
        worst, types = self.conn.execute(
            f"SELECT min({_sev_rank('severity')}), group_concat(DISTINCT entity_type) FROM findings"
            " WHERE subject = ?", (sid,)).fetchone()
        return Person(sid, label or sid, anchor, int(n), int(files),
                      _SEV_BY_RANK.get(worst, Severity.LOW), tuple(sorted((types or "").split(","))) if types else ())

    def entity_types(self) -> list[str]:
        """Entity types present in the case (filter suggestions)."""
        return [r[0] for r in self.conn.execute("SELECT DISTINCT entity_type FROM findings ORDER BY 1")]


# ---- triage query records (used by the TUI) ----------------------------------------------

GROUP_BY = ("value", "rule", "file", "folder")
"""What a group decision can span: one value (fingerprint), one rule, one file, one folder."""

SORTS = ("severity", "path", "type", "status")

_TRIAGE_INDEX_MARK = "-- triage indexes"
_SPARSE_CAP = 5000  # matches fetched by rowid and sorted directly
_SORTER_CAP = 20000  # group_findings: above this many matches the grouping's covering index is forced
_RANK_OF = {Severity.CRITICAL: 0, Severity.HIGH: 1, Severity.MEDIUM: 2, Severity.LOW: 3}
_SEV_BY_RANK = {v: k for k, v in _RANK_OF.items()}
_GROUP_INDEX = {"value": "findings_triage_value", "rule": "findings_triage_rule", "file": "findings_triage_file",
                "folder": "findings_triage_file"}
_SORT_INDEX = {"severity": "findings_triage_order", "path": "findings_triage_path",
               "type": "findings_type", "status": "findings_status"}


@dataclass(frozen=True, slots=True)
class FindingQuery:
    """What the findings table shows: filters (ANDed; values within one filter ORed), sort, group drill-in.

    ``path_glob`` is a SQLite GLOB over the file path (``*`` crosses folders; a pattern
    without ``*?[`` matches anywhere in the path); ``text`` is a case-insensitive substring
    of the path, the masked preview or the masked context. ``group_by``/``group_key``
    restrict to the members of one group from :meth:`Case.group_findings`.
    """

    entity_types: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    path_glob: str = ""
    text: str = ""
    subject: str = ""
    group_by: str = ""
    group_key: str = ""
    sort: str = "severity"
    descending: bool = False


@dataclass(frozen=True, slots=True)
class FindingSummary:
    """One row of the findings table (masked)."""

    id: str
    file_id: str
    path: str
    entity_type: str
    category: Category
    severity: Severity
    status: Status
    preview: str | None
    location: dict[str, Any]
    line: int | None
    rule: str
    fingerprint: str | None
    has_note: bool


@dataclass(frozen=True, slots=True)
class FindingPage:
    offset: int
    rows: list[FindingSummary]
    total: int | None  # known when the probe saw every match; else ask count_findings


@dataclass(frozen=True, slots=True)
class FindingGroup:
    """Findings sharing a value, rule, file or folder; deciding the group decides them all."""

    by: str
    key: str
    label: str
    entity_type: str | None
    count: int
    open: int
    worst: Severity


@dataclass(frozen=True, slots=True)
class Person:
    """A data subject (contractor) and how much of theirs is exposed."""

    id: str
    label: str
    anchor: str | None
    findings: int
    files: int
    worst: Severity
    entity_types: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PersonExposure:
    person: Person
    what: list[tuple[str, str, int, Severity]]  # entity type, masked value, findings, worst severity
    where: list[tuple[str, int, Severity]]       # path, findings, worst severity


@dataclass(frozen=True, slots=True)
class FindingDetail:
    finding: Finding
    ctx_start: int | None
    ctx_end: int | None
    note: str | None
    record: str | None
    file: FileRecord | None
    same_file: list[FindingSummary]
    same_file_total: int
    person: Person | None
    history: list[Decision]


@dataclass(frozen=True, slots=True)
class FileStats:
    id: str
    path: str
    parent: str | None
    kind: str | None
    status: FileStatus
    reason: str | None
    sha256: str | None
    size: int | None
    findings: int
    worst: Severity | None


@dataclass(frozen=True, slots=True)
class CaseOverview:
    case_name: str
    scan: ScanInfo | None
    files: dict[str, int]                         # file status → count
    by_category: dict[str, dict[str, int]]        # category → status → count
    by_severity: dict[str, int]
    rubric_clients: list[tuple[str, int, int]]    # client lab, LAB_RUBRIC findings, still open
    people: int

    @property
    def findings(self) -> int:
        return sum(sum(row.values()) for row in self.by_category.values())

    def with_status(self, status: str) -> int:
        return sum(row.get(status, 0) for row in self.by_category.values())


def folder_of(path: str) -> str:
    """The share folder a file sits in; an archive member counts in its archive's folder.

    >>> folder_of("hr/2024/roster.zip!/a/b.csv")
    'hr/2024'
    """
    outer = path.split("!/", 1)[0]
    return outer.rpartition("/")[0]


def top_folder(path: str, depth: int = 2) -> str:
    """The first ``depth`` folders of a path ('' for the share root): the overview's folder grain."""
    parts = folder_of(path).split("/")
    return "/".join(parts[:depth]) if parts != [""] else ""


def _in_order_index(q: FindingQuery) -> bool:
    """Can findings_triage_order answer this filter alone (no text, person, value or rule)?"""
    return not q.text and not q.subject and q.group_by in ("", "file", "folder")


def _folder_sql(col: str) -> str:
    """folder_of() in SQL: the outer path (before the first '!/') up to its last '/'."""
    outer = f"substr({col}, 1, instr({col} || '!/', '!/') - 1)"
    return f"rtrim(rtrim({outer}, replace({outer}, '/', '')), '/')"


def _decision_column(action: str, after: Any) -> str | None:
    """The findings column a triage action changes (None for a reveal); CaseError for a bad action or value."""
    column = {"status": "status", "severity": "severity", "note": "note", "reveal": None}
    if action not in column:
        raise CaseError(f"unknown triage action {action!r}")
    if action == "status" and after not in {s.value for s in Status}:
        raise CaseError(f"unknown status {after!r}")
    if action == "severity" and after not in {s.value for s in Severity}:
        raise CaseError(f"unknown severity {after!r}")
    return column[action]


def _sev_rank(col: str) -> str:
    # identical text to the findings_triage_severity index expression so the planner can use it
    return (f"(CASE {col} WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END)")


_ORDER = {
    "severity": [_sev_rank("f.severity"), "f.path", "f.span_start", "f.rowid"],
    "path": ["f.path", "f.span_start", "f.rowid"],
    "type": ["f.entity_type", "f.rowid"],
    "status": ["f.status", "f.rowid"],
}

_SUMMARY_COLS = ("f.id, f.file_id, f.path, f.entity_type, f.category, f.severity, f.status, f.preview,"
                 " f.location, f.line, f.rule, f.fingerprint, f.note IS NOT NULL")


def _order_by(q: FindingQuery) -> str:
    if q.sort not in _ORDER:
        raise CaseError(f"unknown sort {q.sort!r}; one of {', '.join(SORTS)}")
    direction = " DESC" if q.descending else ""
    return ", ".join(term + direction for term in _ORDER[q.sort])


def _summary(r: tuple[Any, ...]) -> FindingSummary:
    return FindingSummary(r[0], r[1], r[2], r[3], Category(r[4]), Severity(r[5]), Status(r[6]), r[7],
                          json.loads(r[8] or "{}"), r[9], r[10], r[11], bool(r[12]))


class GroupList(Sequence[FindingGroup]):
    """Groups in the order SQLite sorted them, made into records only when looked at."""

    def __init__(self, by: str, rows: list[tuple[Any, ...]]) -> None:
        self.by = by
        self._rows = rows

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

    def _make(self, r: tuple[Any, ...]) -> FindingGroup:
        key, n, still_open, rank, etype, label = r
        return FindingGroup(self.by, key, label or "", etype, int(n), int(still_open or 0),
                            _SEV_BY_RANK.get(rank, Severity.LOW))


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _triage_where(q: FindingQuery) -> tuple[str, list[Any]]:
    """The WHERE clause (over ``findings f``) and its parameters for a query's filters."""
    clauses: list[str] = []
    params: list[Any] = []

    def one_of(col: str, values: Sequence[str]) -> None:
        clauses.append(f"{col} IN ({','.join('?' * len(values))})")
        params.extend(values)

    if q.entity_types:
        one_of("f.entity_type", q.entity_types)
    if q.categories:
        one_of("f.category", q.categories)
    if q.statuses:
        one_of("f.status", q.statuses)
    if q.severities:
        # as the rank expression: findings_triage_order carries it (and leads with it)
        clauses.append(f"{_sev_rank('f.severity')} IN ({','.join(str(_RANK_OF[Severity(v)]) for v in q.severities)})")
    if q.path_glob:
        glob = q.path_glob if any(c in q.path_glob for c in "*?[") else f"*{q.path_glob}*"
        clauses.append("f.file_id IN (SELECT id FROM files WHERE path GLOB ?)")
        params.append(glob)
    if q.text:
        clauses.append("(f.path LIKE ? ESCAPE '\\' OR f.preview LIKE ? ESCAPE '\\' OR f.context LIKE ? ESCAPE '\\')")
        params.extend([_like(q.text)] * 3)
    if q.subject:
        clauses.append("f.subject = ?")
        params.append(q.subject)
    if q.group_by:
        if q.group_by == "value":
            if q.group_key.startswith("id:"):
                clauses.append("f.id = ?")
                params.append(q.group_key[3:])
            else:
                clauses.append("f.fingerprint = ?")
                params.append(q.group_key)
        elif q.group_by == "rule":
            clauses.append("f.rule = ?")
            params.append(q.group_key)
        elif q.group_by == "file":
            clauses.append("f.file_id = ?")
            params.append(q.group_key)
        elif q.group_by == "folder":
            clauses.append(f"f.file_id IN (SELECT id FROM files WHERE {_folder_sql('path')} = ?)")
            params.append(q.group_key)
        else:
            raise CaseError(f"unknown grouping {q.group_by!r}; one of {', '.join(GROUP_BY)}")
    return " AND ".join(clauses) or "1", params


def _entry(at: str, analyst: str, action: str, fid: str, before: str | None, after: str | None,
           reason: str | None, batch: str | None) -> dict[str, Any]:
    return {"at": at, "analyst": analyst, "action": action, "finding_id": fid, "before": before,
            "after": after, "reason": reason, "batch": batch}


_FINDING_COLS = (
    "f.id, f.file_id, f.path, f.entity_type, f.category, f.severity, f.score, f.rule, f.status, f.span_start,"
    " f.span_end, f.line, f.location, f.preview, f.context, f.fingerprint, fl.sha256, f.subject, f.client,"
    " f.signals, f.value"
)


def _finding(r: sqlite3.Row | tuple[Any, ...]) -> Finding:
    return Finding(
        id=r[0], file_id=r[1], path=r[2], entity_type=r[3], category=Category(r[4]), severity=Severity(r[5]),
        score=r[6], rule=r[7], status=Status(r[8]), start=r[9], end=r[10], line=r[11],
        location=json.loads(r[12] or "{}"), preview=r[13], context=r[14], fingerprint=r[15],
        file_sha256=r[16] or "", subject=r[17], client=r[18], signals=tuple(json.loads(r[19] or "[]")),
        value=r[20],
    )


def _file_record(r: tuple[Any, ...]) -> FileRecord:
    return FileRecord(id=r[0], path=r[1], parent=r[2], sha256=r[3], size=r[4], mtime=r[5], kind=r[6],
                      status=FileStatus(r[7]), reason=r[8], duplicate_of=r[9])


def _path_of(case: Case, fid: str) -> str:
    row = case.conn.execute("SELECT path FROM files WHERE id = ?", (fid,)).fetchone()
    return row[0] if row else ""


def _key_path(path: Path) -> Path:
    return path.with_name(path.name + KEY_SUFFIX)


def _connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
    conn = sqlite3.connect(uri, uri=True, timeout=30, check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 30000")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = OFF")  # rows are written parent-first but members may arrive early
    # isolation_level=None means autocommit; `with conn:` must still open a transaction
    return _TxConnection(conn)


class _TxConnection:
    """sqlite3 connection whose ``with`` block is a real BEGIN … COMMIT / ROLLBACK."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._depth = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def __enter__(self) -> _TxConnection:
        if self._depth == 0:
            self._conn.execute("BEGIN IMMEDIATE")
        self._depth += 1
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._conn.execute("ROLLBACK" if exc_type else "COMMIT")


def _chunks(items: list[str], n: int) -> Iterator[list[str]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _tool_version() -> str:
    try:
        from importlib.metadata import version

        return f"spill-triage {version('spill-triage')}"
    except Exception:
        return "spill-triage (unknown version)"
