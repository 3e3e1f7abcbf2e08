"""The decision log: every triage action, append-only, chained with an HMAC under the case key.

One path for every action (:meth:`DecisionLog.decide`): a key on one row, a group of
64,000 findings, an undo, a reveal, a person merged or a file marked reviewed all append
entries and change what they name in one transaction, so the log and the case never
disagree. What an action changes is a :class:`Target` kind (findings here; people and
files register theirs).

Tamper evidence (``verify``):

- each entry's MAC covers its content, its sequence number and the previous MAC, under a
  key derived from the case key: an edited, removed, inserted or reordered entry breaks it;
- the head (entry count and last MAC, itself MAC'd) is updated with every append: a log cut
  short at the end no longer matches its head;
- every finding's status, severity and note must equal what the last decision on it set
  (status ``open`` when none): a change made in SQL without a decision shows;
- a head printed in a report can be pinned (``spill verify --head MAC``): a log rewritten
  by someone holding the key still loses that entry, or moves it.
"""

from __future__ import annotations

import hmac
import json
import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from spill import clock
from spill.case import rows
from spill.case.store import Store
from spill.errors import CaseError, DecisionConflict
from spill.model import Action, Decision

Progress = Callable[[int, int], None]
SCAN_ANALYST = "spill scan"  # who carries decisions over to re-scanned findings


class Target(Protocol):
    """Something decisions change: findings, people, files."""

    kind: str

    def current(self, ids: list[str], action: Action) -> dict[str, str | None]:
        """The value ``action`` would change, per id (an id missing from the result does not exist)."""

    def apply(self, ids: list[str], action: Action, after: str | None) -> None:
        """Set ``after`` on every id (inside the log's transaction)."""


class FindingTarget:
    kind = "finding"

    def __init__(self, store: Store) -> None:
        self.store = store

    def current(self, ids: list[str], action: Action) -> dict[str, str | None]:
        column = action.column or "NULL"
        return {r["id"]: r["v"] for r in self.store.conn.execute(
            f"SELECT id, {column} AS v FROM findings WHERE id IN ({rows.marks(ids)})", ids)}

    def apply(self, ids: list[str], action: Action, after: str | None) -> None:
        if action.column:
            self.store.conn.execute(f"UPDATE findings SET {action.column} = ? WHERE id IN ({rows.marks(ids)})",
                                    [after, *ids])


@dataclass(frozen=True, slots=True)
class Head:
    """Where the log ends: pin ``mac`` (in a report) and ``spill verify --head`` finds a rewrite."""

    count: int
    mac: str


class DecisionLog:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._key = hmac.new(store.key_bytes(), b"spill decision log v1", "sha256").digest()
        self.targets: dict[str, Target] = {}
        self.register(FindingTarget(store))

    def register(self, target: Target) -> None:
        self.targets[target.kind] = target

    # ------------------------------------------------------------------ writing
    def decide(self, ids: Sequence[str], *, action: Action | str, after: str | None, analyst: str,
               reason: str | None = None, kind: str = "finding", skip_unchanged: bool = True,
               progress: Progress | None = None, batch: str | None = None,
               unchanged_since: int | None = None, own_batches: Collection[str] = ()) -> tuple[str, int]:
        """Apply one action to ``ids`` and log it: one transaction, one batch.

        For findings: a status (after: a Status), a severity, a note (after: the text) or a
        reveal (after: None; the value is never logged). Ids already in the ``after`` state
        are left out when ``skip_unchanged`` (a group of 3,000 with 2,900 already confirmed
        logs 100 entries). Returns the batch id (what :meth:`undo` takes) and how many ids
        it changed or, for an action that changes nothing, logged.

        ``unchanged_since`` (a log length the caller has seen) refuses, with DecisionConflict
        and nothing written, when an entry after it that is not in ``own_batches`` touched one
        of ``ids``: another window decided them after they were shown here.
        """
        action = _action(action)
        try:
            action.check(after)
        except ValueError as err:
            raise CaseError(str(err)) from err
        if action.target_kind != kind:
            raise CaseError(f"a {action} decision applies to a {action.target_kind}, not a {kind}")
        target = self._target(kind)
        unique = list(dict.fromkeys(ids))
        batch = batch or new_batch()
        changed = 0
        with self.store.transaction():
            head = self.head()
            if unchanged_since is not None and head.count > unchanged_since:
                self._refuse_conflicts(unique, unchanged_since, own_batches)
            for done, chunk in enumerate(rows.chunks(unique)):
                befores = target.current(chunk, action)
                touched = []
                for tid in chunk:
                    if tid not in befores:
                        raise CaseError(f"no {kind} {tid} in the case")
                    if action.stateful and skip_unchanged and befores[tid] == after:
                        continue
                    head = self._append(head, action, kind, tid, befores[tid], after, analyst, reason, batch)
                    touched.append(tid)
                if touched:
                    target.apply(touched, action, after)
                changed += len(touched)
                if progress:
                    progress(min(len(unique), (done + 1) * 500), len(unique))
            self._write_head(head)
        return batch, changed

    def undo(self, batch: str, *, analyst: str, own_batches: Collection[str] | None = None,
             undo_batch: str | None = None) -> str | None:
        """Revert one batch: restore every ``before``, logged as a new batch (which undo reverts too).

        With ``own_batches`` (the batches this writer made), an undo is refused with
        DecisionConflict when another writer changed one of the batch's targets after it.
        """
        entries = self._batch_entries(batch)
        if not entries:
            return None
        undo_batch = undo_batch or new_batch()
        with self.store.transaction():
            head = self.head()
            if own_batches is not None:
                self._refuse_conflicts([d.target for d in entries], entries[-1].seq, own_batches)
            for d in entries:
                action = _action(d.action)
                if not action.reversible:
                    continue  # a reveal cannot be taken back
                target = self._target(d.target_kind)
                current = target.current([d.target], action)
                if d.target not in current:
                    continue
                head = self._append(head, action, d.target_kind, d.target, current[d.target], d.before, analyst,
                                    f"undo {batch}", undo_batch)
                target.apply([d.target], action, d.before)
            self._write_head(head)
        return undo_batch

    def record_carried(self, carried: list[tuple[str, Action, str | None, str | None, str]]) -> None:
        """Log decisions the scanner carried over to re-scanned findings: (id, action, before, after, reason).

        Runs inside the writer's transaction; the findings already hold ``after``.
        """
        if not carried:
            return
        batch = new_batch()
        head = self.head()
        for fid, action, before, after, reason in carried:
            head = self._append(head, action, "finding", fid, before, after, SCAN_ANALYST, reason, batch)
        self._write_head(head)

    def _refuse_conflicts(self, targets: Sequence[str], since: int, own_batches: Collection[str]) -> None:
        found: list[Decision] = []
        for chunk in rows.chunks(list(dict.fromkeys(targets))):
            found += [d for d in (rows.decision(r) for r in self.store.conn.execute(
                f"SELECT {_COLUMNS} FROM decisions WHERE seq > ? AND target IN ({rows.marks(chunk)}) ORDER BY seq",
                [since, *chunk])) if d.batch not in own_batches and d.action != "reveal"]
        if found:
            who = ", ".join(sorted({d.analyst for d in found}))
            last = found[-1]
            raise DecisionConflict(
                f"{len({d.target for d in found}):,} of these changed in another window since they were shown here"
                f" ({who}; last: {last.action} {last.before or '—'} → {last.after or '—'}); nothing was saved:"
                " look again and decide anew")

    # ------------------------------------------------------------------ reading
    def since(self, seq: int, *, limit: int = 10_000) -> list[tuple[int, str, str]]:
        """(seq, batch, analyst) of the entries after ``seq``, oldest first: who wrote to the log since a
        window last looked (cheap: no content)."""
        return [(r[0], r[1] or "", r[2]) for r in self.store.conn.execute(
            "SELECT seq, batch, analyst FROM decisions WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit))]

    def entries(self, target: str | None = None) -> list[Decision]:
        where, params = ("WHERE target = ?", [target]) if target else ("", [])
        return [rows.decision(r) for r in self.store.conn.execute(
            f"SELECT {_COLUMNS} FROM decisions {where} ORDER BY seq", params)]

    def count(self) -> int:
        return int(self.store.conn.execute("SELECT count(*) FROM decisions").fetchone()[0])

    def batch_targets(self, batch: str) -> list[str]:
        """What one logged batch touched (to refresh what the screen shows after an undo)."""
        return [r[0] for r in self.store.conn.execute(
            "SELECT DISTINCT target FROM decisions WHERE batch = ?", (batch,))]

    def summary(self) -> list[tuple[str, str, str, int, str, str]]:
        """(analyst, action, to, count, first, last) per kind of decision: how conclusions were reached."""
        return [tuple(r) for r in self.store.conn.execute(  # type: ignore[misc]
            "SELECT analyst, action, coalesce(after, ''), count(*), min(at), max(at) FROM decisions"
            " GROUP BY analyst, action, after ORDER BY analyst, action")]

    def head(self) -> Head:
        row = self.store.conn.execute("SELECT count, mac FROM log_head WHERE id = 1").fetchone()
        return Head(row["count"], row["mac"]) if row else Head(0, "")

    # ---------------------------------------------------------------- checking
    def verify(self, pinned: str | None = None) -> list[str]:
        """Everything that shows the log, the findings or another target's state (a target with a
        ``verify(last)`` method, given the last decision on each of its targets) was changed
        outside it; one line each."""
        problems: list[str] = []
        prev, seen, expected_seq = "", 0, None
        pinned_at: int | None = None
        for d in self.entries():
            if expected_seq is not None and d.seq != expected_seq:
                problems.append(f"decision {d.seq}: entries {expected_seq}–{d.seq - 1} are missing")
            if d.prev_mac != prev:
                problems.append(f"decision {d.seq}: not chained to the entry before it (removed, inserted or "
                                "reordered)")
            if not hmac.compare_digest(self._mac(d.prev_mac, _content(d)), d.mac):
                problems.append(f"decision {d.seq}: content does not match its MAC (edited after the fact)")
            if pinned is not None and d.mac == pinned:
                pinned_at = d.seq
            prev, seen, expected_seq = d.mac, seen + 1, d.seq + 1
        problems.extend(self._check_head(seen, prev))
        if pinned is not None and pinned_at is None:
            problems.append(f"the pinned head {pinned[:16]}… is not in the log: the log was rewritten")
        problems.extend(self._check_findings())
        for kind, target in self.targets.items():
            check = getattr(target, "verify", None)
            if check is not None:
                problems.extend(check(self._last(kind)))
        return problems

    def _last(self, kind: str) -> dict[tuple[str, str], str | None]:
        """The last decision on each (target, action) of one kind: what its state must be."""
        return {(r[0], r[1]): r[2] for r in self.store.conn.execute(
            "SELECT target, action, after FROM decisions WHERE seq IN (SELECT max(seq) FROM decisions"
            " WHERE target_kind = ? GROUP BY target, action)", (kind,))}

    def _check_head(self, seen: int, last_mac: str) -> list[str]:
        row = self.store.conn.execute("SELECT count, mac, head_mac FROM log_head WHERE id = 1").fetchone()
        if row is None:
            return [] if seen == 0 else [f"the log has {seen} entries but no head: its head was removed"]
        problems = []
        if not hmac.compare_digest(self._mac("head", f"{row['count']}|{row['mac']}"), row["head_mac"]):
            problems.append("the log's head does not match its MAC (edited after the fact)")
        if row["count"] != seen:
            problems.append(f"the log's head counts {row['count']} entries but {seen} are there"
                            + (" (entries removed from the end)" if seen < row["count"] else ""))
        elif row["mac"] != last_mac:
            problems.append("the log's last entry is not the one its head names (entries replaced at the end)")
        return problems

    def _check_findings(self) -> list[str]:
        """Each finding's status, severity and note against the last decision that set them."""
        problems = []
        for column in ("status", "severity", "note"):
            last = (f"SELECT target, after FROM (SELECT target, after, max(seq) FROM decisions WHERE"
                    f" target_kind = 'finding' AND action = '{column}' GROUP BY target)")
            if column == "status":
                sql = (f"SELECT f.id, f.status AS now, d.after FROM findings f LEFT JOIN ({last}) d ON d.target = f.id"
                       " WHERE f.status IS NOT coalesce(d.after, 'open')")
            else:
                sql = (f"SELECT f.id, f.{column} AS now, d.after FROM findings f JOIN ({last}) d ON d.target = f.id"
                       f" WHERE f.{column} IS NOT d.after")
            bad = self.store.conn.execute(sql + " LIMIT 21").fetchall()
            for r in bad[:20]:
                problems.append(f"finding {r['id']}: {column} is {r['now']!r} but the log says "
                                f"{r['after'] if r['after'] is not None else 'open'!r} (changed outside the log)")
            if len(bad) > 20:
                problems.append(f"… more findings whose {column} disagrees with the log")
        return problems

    # ------------------------------------------------------------------ chain
    def _target(self, kind: str) -> Target:
        try:
            return self.targets[kind]
        except KeyError:
            raise CaseError(f"decisions cannot target {kind!r}") from None

    def _batch_entries(self, batch: str) -> list[Decision]:
        return [rows.decision(r) for r in self.store.conn.execute(
            f"SELECT {_COLUMNS} FROM decisions WHERE batch = ? ORDER BY seq", (batch,))]

    def _append(self, head: Head, action: Action | str, kind: str, target: str, before: str | None,
                after: str | None, analyst: str, reason: str | None, batch: str, at: str | None = None) -> Head:
        entry = Decision(seq=head.count + 1, at=at or clock.utcnow(), analyst=analyst, action=str(action),
                         target_kind=kind, target=target, before=before, after=after, reason=reason, batch=batch,
                         prev_mac=head.mac, mac="")
        mac = self._mac(head.mac, _content(entry))
        self.store.conn.execute(
            f"INSERT INTO decisions({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (entry.seq, entry.at, analyst, entry.action, kind, target, before, after, reason, batch, head.mac, mac))
        return Head(entry.seq, mac)

    def _write_head(self, head: Head) -> None:
        self.store.conn.execute(
            "INSERT INTO log_head(id, count, mac, head_mac) VALUES (1, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
            " count = excluded.count, mac = excluded.mac, head_mac = excluded.head_mac",
            (head.count, head.mac, self._mac("head", f"{head.count}|{head.mac}")))

    def _mac(self, prev: str, content: str) -> str:
        return hmac.new(self._key, (prev + "\n" + content).encode("utf-8", "surrogatepass"), "sha256").hexdigest()


_COLUMNS = "seq, at, analyst, action, target_kind, target, before, after, reason, batch, prev_mac, mac"


def new_batch() -> str:
    return uuid.uuid4().hex[:16]


def _content(d: Decision) -> str:
    entry: dict[str, Any] = {"seq": d.seq, "at": d.at, "analyst": d.analyst, "action": d.action,
                             "target_kind": d.target_kind, "target": d.target, "before": d.before, "after": d.after,
                             "reason": d.reason, "batch": d.batch}
    return json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _action(action: Action | str) -> Action:
    try:
        return Action(action)
    except ValueError:
        raise CaseError(f"unknown triage action {action!r}") from None
