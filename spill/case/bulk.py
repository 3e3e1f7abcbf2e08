"""Bulk writes: a big scan builds the findings table's triage indexes once at its end instead of row by row.

Keeping about a dozen indexes up to date costs ~190 µs a finding, where inserting into the bare table
and building the indexes afterwards costs ~105-130 µs, index build included (``bench/bench_writer.py``,
30,000 findings; the full-text index is filled a batch at a time either way: ``Store.insert_findings``).
So once a scan has written enough findings (:data:`DEFER_AFTER`, and a quarter of what the case held,
so a small re-scan of a big case never rebuilds it), the engine drops every findings index but the one
its own writes look up by (``findings_triage_record``: a re-scanned file's findings by file), and
rebuilds them when the scan ends, finished, paused or interrupted. The index definitions wait in
``meta`` (``deferred_indexes``), so a scan killed before it could rebuild them leaves a case whose next
scan rebuilds them.

The full-text index stays live (each write transaction indexes its findings): a free-text filter in a
triage app open during the scan must not miss a finding. While indexes are deferred the app still answers, only slower.
"""

from __future__ import annotations

import json
import re

from spill.case.store import Store

DEFERRED_META = "deferred_indexes"
#: The writer looks a re-scanned file's findings up by file; people linkage updates by (file, record).
KEPT = frozenset({"findings_triage_record"})
#: Below this many findings written by one scan, indexes are kept up as rows arrive.
DEFER_AFTER = 5_000
_CREATE = re.compile(r"^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?", re.IGNORECASE)


def deferred(store: Store) -> bool:
    return DEFERRED_META in store.meta()


def defer(store: Store) -> int:
    """Drop the findings indexes the writer does not need, remembering their definitions; returns how many."""
    if deferred(store):
        return 0
    found = store.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'findings'"
                               " AND sql IS NOT NULL ORDER BY name").fetchall()
    dropped = [(r["name"], r["sql"]) for r in found if r["name"] not in KEPT]
    if not dropped:
        return 0
    with store.transaction():
        store.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                           (DEFERRED_META, json.dumps([sql for _, sql in dropped])))
        for name, _ in dropped:
            store.conn.execute(f'DROP INDEX "{name}"')
    return len(dropped)


def restore(store: Store) -> int:
    """Build the indexes :func:`defer` dropped (idempotent); returns how many."""
    raw = store.meta().get(DEFERRED_META)
    if raw is None:
        return 0
    definitions = json.loads(raw)
    with store.transaction():
        for sql in definitions:
            store.conn.execute(_CREATE.sub(lambda m: f"CREATE {m.group(1) or ''}INDEX IF NOT EXISTS ", sql, count=1))
        store.conn.execute("DELETE FROM meta WHERE key = ?", (DEFERRED_META,))
    return len(definitions)
