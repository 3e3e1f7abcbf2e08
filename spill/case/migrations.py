"""Schema versions of the case file, as a list of named migrations (``PRAGMA user_version``).

A new case runs every migration from 0; an older case file runs the ones it lacks when it
is opened. Each migration is idempotent (it can be re-run after a kill half-way) and the
version is bumped only when it has finished.

- **1**: the first schema (``schema_v1.sql``, kept as written).
- **2**: finding columns named like the record fields (``start``/``end``); triage indexes
  for every case file; indexes that were left prefixes of newer ones dropped (they slowed
  every scan write); full-text search over path, masked preview and masked context.
- **3**: the decision log keyed (HMAC under a key derived from the case key) with a MAC'd
  head, and general targets (a finding, a person, a file); the old SHA-256 chain is checked,
  its verdict kept in ``meta`` (``log_before_schema_3``) and its entries re-chained.
- **4**: ``mask_words``, the keyed digests of the words of every value the case knows (what
  masks them in every snippet, see ``spill.redact``); ``findings.record`` stored as a keyed
  digest (a JSON object's path can hold a value). The stored snippets of an older case are
  re-masked by the next scan (``ScanStore.redact_stored``).
- **5**: people resolution. ``value_keys`` (keyed fingerprints of what a value spells: a name's
  first and last name, an e-mail local part, a phone's national digits; a unique primary's
  shape), ``identifiers`` (each identifier's class, person and, when it stopped linking, why),
  ``subject_links`` (the joins that hold each person together, with evidence and strength),
  ``subject_candidates`` (the people an ambiguous first name may be), ``subject_overrides``
  (what analysts decided: merged into, not a person, identifiers split off); ``subjects`` gain
  their anchor identifier, confidence and identifier count; ``findings`` the place inside
  their segment (``unit``), how they were linked (``subject_via``) and, when an analyst's merge or
  "not a person" moved them, the person resolution gave them (``subject_base``); ``files`` the identifiers
  their name holds (``named_after``) and the gazetteer they were last read with (``names_pass``).
- **6**: where people live, for the notification list: ``findings.country`` (ISO 3166 alpha-2) and
  ``findings.country_via`` (how it was read: a phone's calling code, an IBAN's prefix, a Country
  column or an address in the same record). A case scanned before has none: its files' rules
  fingerprint is cleared, so the next scan reads them again (decisions carry over as on any re-scan).
  ``codenames``: the (project codename, client lab) pairs a file's tables state (a vendor's codename
  registry), so the client table names the lab of a document that only carries the codename.
- **7**: the per-row ``AFTER INSERT`` trigger of the full-text index is dropped: the writers add each
  transaction's new findings to it in one statement (``Store.insert_findings``, about 8x cheaper).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spill.case.store import Store


def migrate_0_to_1(store: Store) -> None:
    store.conn.executescript(resources.files("spill.case").joinpath("schema_v1.sql").read_text())


def migrate_1_to_2(store: Store) -> None:
    db = store.db
    with store.transaction():
        columns = set(db["findings"].columns_dict)
        # ALTER … RENAME COLUMN is instant; sqlite-utils' transform() would copy 10^6 rows
        for old, new in (("span_start", "start"), ("span_end", "end")):
            if old in columns:
                store.conn.execute(f'ALTER TABLE findings RENAME COLUMN {old} TO "{new}"')
        for name in ("findings_file", "findings_fp", "findings_subject", "findings_rule"):
            store.conn.execute(f"DROP INDEX IF EXISTS {name}")
        _triage_indexes(store)
        db["findings"].enable_fts(["path", "preview", "context"], tokenize="unicode61 remove_diacritics 2",
                                  replace=True)
        # sqlite-utils' own triggers re-index a row on every UPDATE; a decision updates status,
        # so these re-index only when the indexed columns change
        for sql in _FTS_TRIGGERS:
            store.conn.execute(sql)


def migrate_2_to_3(store: Store) -> None:
    from spill.case.decisions import DecisionLog, Head

    db = store.db
    with store.transaction():
        if "target" in db["decisions"].columns_dict:
            return
        old = [dict(r) for r in store.conn.execute("SELECT * FROM decisions ORDER BY seq")]
        store.conn.execute("DROP TRIGGER IF EXISTS decisions_no_update")
        store.conn.execute("DROP TRIGGER IF EXISTS decisions_no_delete")
        store.conn.execute("DROP TABLE decisions")
        db["decisions"].create(
            {"seq": int, "at": str, "analyst": str, "action": str, "target_kind": str, "target": str,
             "before": str, "after": str, "reason": str, "batch": str, "prev_mac": str, "mac": str},
            pk="seq", not_null={"at", "analyst", "action", "target_kind", "target", "prev_mac", "mac"}, strict=True)
        db["decisions"].create_index(["target"], index_name="decisions_target")
        db["decisions"].create_index(["batch"], index_name="decisions_batch")
        db["log_head"].create({"id": int, "count": int, "mac": str, "head_mac": str}, pk="id",
                              not_null={"count", "mac", "head_mac"}, strict=True)
        for sql in _LOG_TRIGGERS:
            store.conn.execute(sql)
        log = DecisionLog(store)
        head = Head(0, "")
        for d in old:
            head = log._append(head, d["action"], "finding", d["finding_id"], d["before"], d["after"], d["analyst"],
                               d["reason"], d["batch"] or "", at=d["at"])
        if old:
            log._write_head(head)
        store.db["meta"].insert({"key": "log_before_schema_3", "value": _v2_chain_verdict(old)}, replace=True)


def _v2_chain_verdict(entries: list[dict[str, object]]) -> str:
    """What the schema-2 log's unkeyed SHA-256 chain said when it was re-chained."""
    prev, broken = "", []
    for d in entries:
        payload = json.dumps({k: d[k] for k in ("at", "analyst", "action", "finding_id", "before", "after", "reason",
                                                "batch")}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        if d["prev_hash"] != prev or hashlib.sha256(f"{prev}\n{payload}".encode()).hexdigest() != d["hash"]:
            broken.append(str(d["seq"]))
        prev = str(d["hash"])
    if broken:
        return f"{len(entries)} entries; chain broken at {', '.join(broken[:10])}"
    return f"{len(entries)} entries; chain intact"


_LOG_TRIGGERS = (
    "CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions"
    " BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END",
    "CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions"
    " BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END",
    "CREATE TRIGGER log_head_no_delete BEFORE DELETE ON log_head"
    " BEGIN SELECT RAISE(ABORT, 'the log head is kept'); END",
)


def _triage_indexes(store: Store) -> None:
    """The indexes `spill triage` pages, filters and groups 10^6 findings with."""
    ix = store.db["findings"].create_index
    # The table in its default order (most severe first, then path), carrying the columns the
    # filter bar tests: any type / category / status / severity / path filter is answered from
    # it alone. An expression index: raw SQL (sqlite-utils indexes columns only); the CASE text
    # must match rows.sev_rank() for the planner to use it.
    store.conn.execute(
        "CREATE INDEX IF NOT EXISTS findings_triage_order ON findings("
        "(CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END), path, start,"
        " entity_type, category, status, file_id)")
    ix(["path", "start"], index_name="findings_triage_path", if_not_exists=True)  # sort by path
    # group by value: the aggregate, its label, and the order of one value's findings
    ix(["fingerprint", "status", "severity", "entity_type", "preview", "path", "start"],
       index_name="findings_triage_value", if_not_exists=True)
    ix(["rule", "status", "severity", "entity_type"], index_name="findings_triage_rule", if_not_exists=True)
    # group by file / folder, the Files tree and the overview's folders
    ix(["file_id", "status", "severity"], index_name="findings_triage_file", if_not_exists=True)
    # people linkage updates one record at a time
    ix(["file_id", "record"], index_name="findings_triage_record", if_not_exists=True)
    # one person's findings by type and masked value
    ix(["subject", "entity_type", "preview"], index_name="findings_triage_subject", if_not_exists=True)


_FTS_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS findings_fts_ai AFTER INSERT ON findings BEGIN"
    " INSERT INTO findings_fts (rowid, path, preview, context) VALUES (new.rowid, new.path, new.preview,"
    " new.context); END",
    "CREATE TRIGGER IF NOT EXISTS findings_fts_ad AFTER DELETE ON findings BEGIN"
    " INSERT INTO findings_fts (findings_fts, rowid, path, preview, context)"
    " VALUES ('delete', old.rowid, old.path, old.preview, old.context); END",
    "CREATE TRIGGER IF NOT EXISTS findings_fts_au AFTER UPDATE OF path, preview, context ON findings BEGIN"
    " INSERT INTO findings_fts (findings_fts, rowid, path, preview, context)"
    " VALUES ('delete', old.rowid, old.path, old.preview, old.context);"
    " INSERT INTO findings_fts (rowid, path, preview, context) VALUES (new.rowid, new.path, new.preview,"
    " new.context); END",
)


def migrate_3_to_4(store: Store) -> None:
    from spill.case.store import RECORD_KEY_MARK

    with store.transaction():
        store.conn.execute("CREATE TABLE IF NOT EXISTS mask_words (id INTEGER PRIMARY KEY) STRICT")
        store.conn.create_function("spill_record_key", 1, store.record_key, deterministic=True)
        # idempotent: a record already digested is returned as it is
        store.conn.execute("UPDATE findings SET record = spill_record_key(record) WHERE record IS NOT NULL"
                           " AND NOT (length(record) = 25 AND substr(record, 1, 1) = ?)", (RECORD_KEY_MARK,))
        if store.conn.execute("SELECT 1 FROM findings LIMIT 1").fetchone():
            # snippets written before masking by shape: the next scan masks them all once
            store.conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('redact_shapes', '1')")


def migrate_4_to_5(store: Store) -> None:
    db = store.db
    with store.transaction():
        for table, column in (("findings", "unit"), ("findings", "subject_via"), ("findings", "subject_base"),
                              ("files", "named_after"),
                              ("files", "names_pass"), ("subjects", "anchor_key"), ("subjects", "confidence")):
            if column not in db[table].columns_dict:
                store.conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")
        if "keys" not in db["subjects"].columns_dict:
            store.conn.execute("ALTER TABLE subjects ADD COLUMN keys INTEGER NOT NULL DEFAULT 0")
        if not db["value_keys"].exists():
            db["value_keys"].create({"fingerprint": str, "kind": str, "key": str}, pk=("fingerprint", "kind", "key"),
                                    not_null={"fingerprint", "kind", "key"}, strict=True)
            db["value_keys"].create_index(["kind", "key"], index_name="value_keys_key")
        if not db["identifiers"].exists():
            db["identifiers"].create(
                {"key": str, "entity_type": str, "class": str, "subject": str, "shared": str, "findings": int,
                 "preview": str}, pk="key", not_null={"entity_type", "class"}, strict=True)
            db["identifiers"].create_index(["subject"], index_name="identifiers_subject")
        if not db["subject_links"].exists():
            db["subject_links"].create(
                {"subject": str, "strength": str, "reason": str, "key": str, "entity_type": str, "file_a": str,
                 "where_a": str, "file_b": str, "where_b": str}, not_null={"subject", "strength", "reason"},
                strict=True)
            db["subject_links"].create_index(["subject"], index_name="subject_links_subject")
        if not db["subject_candidates"].exists():
            db["subject_candidates"].create({"finding_id": str, "subject": str}, pk=("finding_id", "subject"),
                                            strict=True)
            db["subject_candidates"].create_index(["subject"], index_name="subject_candidates_subject")
        if not db["subject_overrides"].exists():
            db["subject_overrides"].create(
                {"subject": str, "merged_into": str, "not_person": str, "split_off": str}, pk="subject", strict=True)
        db["findings"].create_index(["subject_base"], index_name="findings_subject_base", if_not_exists=True)
        # a person's count of findings follows false-positive decisions (their exposure leaves with them)
        store.conn.execute(
            "CREATE TRIGGER IF NOT EXISTS findings_subject_count AFTER UPDATE OF status ON findings"
            " WHEN new.subject IS NOT NULL AND (old.status = 'false_positive') != (new.status = 'false_positive')"
            " BEGIN UPDATE subjects SET findings = findings + (CASE WHEN new.status = 'false_positive' THEN -1"
            " ELSE 1 END) WHERE id = new.subject; END")


def migrate_5_to_6(store: Store) -> None:
    with store.transaction():
        columns = store.db["findings"].columns_dict
        for column in ("country", "country_via"):
            if column not in columns:
                store.conn.execute(f"ALTER TABLE findings ADD COLUMN {column} TEXT")
        if not store.db["codenames"].exists():
            columns = {"file_id": str, "codename": str, "client": str}
            store.db["codenames"].create(columns, pk=tuple(columns), not_null=set(columns), strict=True)
        q = store.conn.execute
        if q("SELECT 1 FROM findings LIMIT 1").fetchone() and not q(
                "SELECT 1 FROM findings WHERE country IS NOT NULL LIMIT 1").fetchone():
            # findings written before countries were read: the next scan reads every file again
            q("UPDATE files SET rules_fingerprint = NULL")


def migrate_6_to_7(store: Store) -> None:
    # the writers add new findings to the full-text index a batch at a time (Store.insert_findings):
    # the per-row trigger cost ~8x as much; the index itself is complete and stays as it is
    with store.transaction():
        store.conn.execute("DROP TRIGGER IF EXISTS findings_fts_ai")


MIGRATIONS: list[Callable[[Store], None]] = [migrate_0_to_1, migrate_1_to_2, migrate_2_to_3, migrate_3_to_4,
                                               migrate_4_to_5, migrate_5_to_6, migrate_6_to_7]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(store: Store) -> int:
    """Bring the case file to :data:`SCHEMA_VERSION`; returns the version it had."""
    version = int(store.conn.execute("PRAGMA user_version").fetchone()[0])
    for number in range(version, SCHEMA_VERSION):
        MIGRATIONS[number](store)
        store.conn.execute(f"PRAGMA user_version = {number + 1}")
    if version < SCHEMA_VERSION:
        store.set_meta({"schema_version": str(SCHEMA_VERSION)})
    return version
