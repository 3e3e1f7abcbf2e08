"""Opening a case file: the connection, the per-case key, fingerprints and ``meta``.

A case is one SQLite file (mode 0600, WAL) plus ``CASE.db.key`` (0600), the random
per-case key that makes value fingerprints (HMAC-SHA256) useless outside the case.
Connections are per thread (SQLite objects must not cross threads): the scanner's
single writer, the TUI's worker threads and the CLI each open their own.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import hmac
import os
import secrets
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlite_utils

from spill import clock
from spill.case import migrations
from spill.errors import CaseError
from spill.fingerprint import fingerprint, normalize_value

__all__ = ["Store", "normalize_value"]

APPLICATION_ID = 0x5350494C  # "SPIL": marks a SQLite file as a spill case
KEY_SUFFIX = ".key"


def default_analyst() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return os.environ.get("USER") or "unknown"


def tool_version() -> str:
    try:
        from importlib.metadata import version

        return f"spill-triage {version('spill-triage')}"
    except Exception:
        return "spill-triage (unknown version)"


RECORD_KEY_MARK = "#"


def is_record_key(record: str) -> bool:
    return len(record) == 25 and record.startswith(RECORD_KEY_MARK) and all(c in "0123456789abcdef" for c in record[1:])


def key_path(path: Path) -> Path:
    return path.with_name(path.name + KEY_SUFFIX)


class Store:
    """One connection to a case file and its key: what every part of the case store shares.

    Rows read by name (``sqlite3.Row``); ``db`` is the same connection through sqlite-utils
    for bulk writes, schema changes and full-text search.
    """

    def __init__(self, path: Path, conn: sqlite3.Connection, key: bytes) -> None:
        self.path = path
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self._key = key
        self._record_key: bytes | None = None  # derived from the case key on first use
        self._depth = 0

    # ----------------------------------------------------------------- opening
    @classmethod
    def create(cls, path: Path) -> Store:
        """Create a new case file (0600) and its key (0600); refuse to overwrite."""
        cls.check_creatable(path)
        kpath = key_path(path)
        key = secrets.token_bytes(32)
        created: list[Path] = []
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600))
            created.append(path)
            # O_EXCL|O_NOFOLLOW: whatever appeared at CASE.db.key meanwhile is refused, never written through
            fd = os.open(kpath, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            created.append(kpath)
            with os.fdopen(fd, "w") as fh:
                fh.write(key.hex() + "\n")
            created += [Path(f"{path}-wal"), Path(f"{path}-shm")]
            store = cls(path, _connect(path), key)
            store.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            migrations.migrate(store)
            with store.transaction():
                store.db["meta"].insert_all(
                    [{"key": "created_at", "value": clock.utcnow()}, {"key": "case_id", "value": uuid.uuid4().hex},
                     {"key": "tool", "value": tool_version()}], replace=True)
        except (OSError, sqlite3.Error) as err:
            for p in created:  # only what this call created
                with contextlib.suppress(OSError):
                    p.unlink()
            raise CaseError(f"cannot create case {path}: {err}") from err
        return store

    @staticmethod
    def check_creatable(path: Path) -> None:
        """Raise the CaseError :meth:`create` would raise before writing anything."""
        if not path.parent.exists():
            raise CaseError(f"cannot create case {path}: folder {path.parent} does not exist")
        if not os.access(path.parent, os.W_OK):
            raise CaseError(f"cannot create case {path}: folder {path.parent} is not writable")
        if path.exists():
            raise CaseError(f"case {path} already exists")
        kpath = key_path(path)
        if os.path.lexists(kpath):
            raise CaseError(f"cannot create case {path}: {kpath} already exists (a key of another case, or a link); "
                            "move it away or choose another case name")

    @classmethod
    def open(cls, path: Path, *, readonly: bool = False) -> Store:
        """Open an existing case, checking it is a spill case; an older schema is migrated first."""
        if not path.is_file():
            raise CaseError(f"no case file at {path}")
        version = _check_case(path)
        kpath = key_path(path)
        try:
            key = bytes.fromhex(kpath.read_text().strip())
        except (OSError, ValueError) as err:
            raise CaseError(f"cannot read the case key {kpath} ({err}); it must sit beside the case file") from err
        if version < migrations.SCHEMA_VERSION:
            store = cls(path, _connect(path), key)
            try:
                migrations.migrate(store)
            except sqlite3.Error as err:
                raise CaseError(f"cannot upgrade {path} from schema {version}: {err}") from err
            finally:
                store.close()
        return cls(path, _connect(path, readonly=readonly), key)

    def close(self) -> None:
        self.conn.close()

    # ------------------------------------------------------------ transactions
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """BEGIN IMMEDIATE … COMMIT (ROLLBACK on error); nested blocks join the outer one."""
        if self._depth == 0:
            self.conn.execute("BEGIN IMMEDIATE")
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self.conn.execute("ROLLBACK")
            raise
        self._depth -= 1
        if self._depth == 0:
            self.conn.execute("COMMIT")

    def interrupt(self) -> None:
        """Stop whatever this connection is running, from another thread (the query raises CaseInterrupted)."""
        self.conn.interrupt()

    def key_bytes(self) -> bytes:
        """The case key, for keys derived from it (the decision log's MAC key)."""
        return self._key

    # ------------------------------------------------------------ fingerprints
    def fingerprint(self, value: str) -> str:
        return fingerprint(self._key, value)

    def matches_fingerprint(self, value: str, fingerprint: str | None) -> bool:
        return fingerprint is not None and hmac.compare_digest(self.fingerprint(value), fingerprint)

    def mask_key(self) -> bytes:
        """The key of the known-word digests that mask snippets (``spill.redact``), derived from the case key."""
        return hmac.new(self._key, b"spill: known words", "sha256").digest()

    def record_key(self, record: str | None) -> str | None:
        """A record (CSV row, JSON object path…) as an opaque keyed digest: people linkage only
        compares records, and a JSON object's path can hold a value (``$["bob@example.org"]``)."""
        if record is None or is_record_key(record):
            return record
        if self._record_key is None:
            self._record_key = hmac.new(self._key, b"spill: records", "sha256").digest()
        digest = hashlib.blake2b(record.encode("utf-8", "surrogatepass"), key=self._record_key,
                                 digest_size=12).hexdigest()
        return RECORD_KEY_MARK + digest

    # -------------------------------------------------------------------- meta
    def insert_findings(self, columns: list[str], values: list[tuple[Any, ...]]) -> None:
        """Insert (or replace) finding rows, then add them to the full-text index in one statement.

        The index is not kept by a per-row trigger: measured on 52,000 findings, an ``AFTER INSERT``
        trigger cost ~190 µs a row, one ``INSERT … SELECT`` per batch ~25 µs (executemany itself
        stays the only per-row work). A replaced row gets a new rowid, so it is indexed again.
        """
        if not values:
            return
        last = self.conn.execute("SELECT coalesce(max(rowid), 0) FROM findings").fetchone()[0]
        self.conn.executemany(f"INSERT OR REPLACE INTO findings({', '.join(_quoted(c) for c in columns)})"
                              f" VALUES ({', '.join('?' * len(columns))})", values)
        self.conn.execute("INSERT INTO findings_fts(rowid, path, preview, context)"
                          " SELECT rowid, path, preview, context FROM findings WHERE rowid > ?", (last,))

    def meta(self) -> dict[str, str]:
        return {r["key"]: r["value"] for r in self.conn.execute("SELECT key, value FROM meta")}

    def set_meta(self, values: dict[str, str]) -> None:
        with self.transaction():
            self.db["meta"].insert_all([{"key": k, "value": v} for k, v in values.items()], replace=True)

    # ----------------------------------------------------- connection tuning
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


def _check_case(path: Path) -> int:
    """The schema version of a spill case file; CaseError for anything else."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error as err:
        raise CaseError(f"{path} is not a spill case file ({err})") from err
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as err:
        raise CaseError(f"{path} is not a spill case file ({err})") from err
    finally:
        conn.close()
    if app_id != APPLICATION_ID:
        raise CaseError(f"{path} is not a spill case file")
    if version > migrations.SCHEMA_VERSION:
        raise CaseError(f"{path} was written by a newer spill (schema {version}, this spill reads "
                        f"{migrations.SCHEMA_VERSION}); upgrade spill to open it")
    return int(version)


def _connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    uri = f"file:{path}?mode=ro" if readonly else f"file:{path}"
    # autocommit (isolation_level=None): Store.transaction opens every write transaction explicitly
    conn = sqlite3.connect(uri, uri=True, timeout=30, check_same_thread=False, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 30000")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        # what is deleted or overwritten (a snippet re-masked after its neighbour became known) is zeroed,
        # not left in free pages
        conn.execute("PRAGMA secure_delete = ON")
    conn.execute("PRAGMA foreign_keys = OFF")  # rows are written parent-first but members may arrive early
    # INSERT OR REPLACE then fires the delete trigger that keeps the full-text index in step
    conn.execute("PRAGMA recursive_triggers = ON")
    return conn


def _quoted(column: str) -> str:
    return f'"{column}"'
