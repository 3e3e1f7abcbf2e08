"""The decision log: every triage action, append-only and hash-chained, applied in the same transaction.

One path for every action (:meth:`DecisionLog.decide`): a key on one row, a group of
64,000 findings, an undo and a reveal all append entries and change the findings they
name in one transaction, so what the log says and what the findings show never disagree.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from spill import clock
from spill.case import rows
from spill.case.store import Store
from spill.errors import CaseError
from spill.model import Action, Decision

Progress = Callable[[int, int], None]


class DecisionLog:
    def __init__(self, store: Store) -> None:
        self.store = store

    def decide(self, finding_ids: Sequence[str], *, action: Action | str, after: str | None, analyst: str,
               reason: str | None = None, skip_unchanged: bool = True, progress: Progress | None = None,
               ) -> tuple[str, int]:
        """Apply one action to findings and log it: one transaction, one batch.

        ``action`` is a status (after: a Status), a severity (after: a Severity), a note
        (after: the text) or a reveal (after: None; the value is never logged). Findings
        already in the ``after`` state are left out when ``skip_unchanged`` (a group of 3,000
        with 2,900 already confirmed logs 100 entries). Returns the batch id (what
        :meth:`undo` takes) and how many findings it changed or, for a reveal, logged.
        """
        action = _action(action)
        try:
            action.check(after)
        except ValueError as err:
            raise CaseError(str(err)) from err
        column = action.column
        ids = list(dict.fromkeys(finding_ids))
        batch = uuid.uuid4().hex[:16]
        changed = 0
        conn = self.store.conn
        with self.store.transaction():
            prev_hash = self._last_hash()
            for done, chunk in enumerate(rows.chunks(ids)):
                befores = {r["id"]: r["before"] for r in conn.execute(
                    f"SELECT id, {column or 'NULL'} AS before FROM findings WHERE id IN ({rows.marks(chunk)})",
                    chunk)}
                touched = []
                for fid in chunk:
                    if fid not in befores:
                        raise CaseError(f"no finding {fid} in the case")
                    if column and skip_unchanged and befores[fid] == after:
                        continue
                    prev_hash = self._append(prev_hash, action, fid, befores[fid], after, analyst, reason, batch)
                    touched.append(fid)
                if column and touched:
                    conn.execute(f"UPDATE findings SET {column} = ? WHERE id IN ({rows.marks(touched)})",
                                 [after, *touched])
                changed += len(touched)
                if progress:
                    progress(min(len(ids), (done + 1) * 500), len(ids))
        return batch, changed

    def undo(self, batch: str, *, analyst: str) -> str | None:
        """Revert one batch: restore every finding's ``before``, logged as a new batch (which undo reverts too)."""
        conn = self.store.conn
        entries = list(conn.execute(
            "SELECT action, finding_id, before FROM decisions WHERE batch = ? ORDER BY seq", (batch,)))
        if not entries:
            return None
        new_batch = uuid.uuid4().hex[:16]
        with self.store.transaction():
            prev_hash = self._last_hash()
            for entry in entries:
                column = _action(entry["action"]).column
                if column is None:
                    continue  # a reveal cannot be taken back
                fid, before = entry["finding_id"], entry["before"]
                current = conn.execute(f"SELECT {column} FROM findings WHERE id = ?", (fid,)).fetchone()
                if current is None:
                    continue
                prev_hash = self._append(prev_hash, Action(entry["action"]), fid, current[0], before, analyst,
                                         f"undo {batch}", new_batch)
                conn.execute(f"UPDATE findings SET {column} = ? WHERE id = ?", (before, fid))
        return new_batch

    def entries(self, finding_id: str | None = None) -> list[Decision]:
        where, params = ("WHERE finding_id = ?", [finding_id]) if finding_id else ("", [])
        return [rows.decision(r) for r in self.store.conn.execute(
            "SELECT seq, at, analyst, action, finding_id, before, after, reason, batch, prev_hash, hash"
            f" FROM decisions {where} ORDER BY seq", params)]

    def count(self) -> int:
        return int(self.store.conn.execute("SELECT count(*) FROM decisions").fetchone()[0])

    def batch_findings(self, batch: str) -> list[str]:
        """The findings one logged batch touched (to refresh what the screen shows after an undo)."""
        return [r[0] for r in self.store.conn.execute(
            "SELECT DISTINCT finding_id FROM decisions WHERE batch = ?", (batch,))]

    def verify(self) -> list[str]:
        """Re-compute the hash chain; one line per broken entry."""
        problems: list[str] = []
        prev = ""
        for d in self.entries():
            if d.prev_hash != prev:
                problems.append(f"decision {d.seq}: previous-hash link broken (entry removed or reordered)")
            expected = _entry_hash(d.prev_hash, _entry(d.at, d.analyst, d.action, d.finding_id, d.before, d.after,
                                                        d.reason, d.batch))
            if expected != d.hash:
                problems.append(f"decision {d.seq}: content does not match its hash (edited after the fact)")
            prev = d.hash
        return problems

    def summary(self) -> list[tuple[str, str, str, int, str, str]]:
        """(analyst, action, to, count, first, last) per kind of decision: how conclusions were reached."""
        return [tuple(r) for r in self.store.conn.execute(  # type: ignore[misc]
            "SELECT analyst, action, coalesce(after, ''), count(*), min(at), max(at) FROM decisions"
            " GROUP BY analyst, action, after ORDER BY analyst, action")]

    # ------------------------------------------------------------------ chain
    def _last_hash(self) -> str:
        row = self.store.conn.execute("SELECT hash FROM decisions ORDER BY seq DESC LIMIT 1").fetchone()
        return row[0] if row else ""

    def _append(self, prev_hash: str, action: Action, fid: str, before: str | None, after: str | None,
                analyst: str, reason: str | None, batch: str) -> str:
        at = clock.utcnow()
        digest = _entry_hash(prev_hash, _entry(at, analyst, str(action), fid, before, after, reason, batch))
        self.store.conn.execute(
            "INSERT INTO decisions(at, analyst, action, finding_id, before, after, reason, batch, prev_hash,"
            " hash) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (at, analyst, str(action), fid, before, after, reason, batch, prev_hash, digest))
        return digest


def _action(action: Action | str) -> Action:
    try:
        return Action(action)
    except ValueError:
        raise CaseError(f"unknown triage action {action!r}") from None


def _entry(at: str, analyst: str, action: str, fid: str, before: str | None, after: str | None,
           reason: str | None, batch: str | None) -> dict[str, Any]:
    return {"at": at, "analyst": analyst, "action": action, "finding_id": fid, "before": before,
            "after": after, "reason": reason, "batch": batch}


def _entry_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    payload = json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + "\n" + payload).encode()).hexdigest()
