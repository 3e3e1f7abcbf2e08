-- spill case file, schema version 1 as first written (later versions: spill/case/migrations.py).
-- One SQLite file per case. Raw values are never stored unless the scan ran with
-- --store-values; what is stored is a masked preview, a masked context snippet, a keyed
-- fingerprint (HMAC-SHA256 with the per-case key in CASE.db.key) and the location.

-- Facts about the case itself: application id, schema version, created_at, tool version.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- One row per `spill scan` run over the case.
CREATE TABLE scans (
    id                INTEGER PRIMARY KEY,
    root              TEXT NOT NULL,               -- absolute path of the scanned share
    started_at        TEXT NOT NULL,               -- ISO 8601 UTC
    finished_at       TEXT,
    status            TEXT NOT NULL CHECK (status IN ('running', 'finished', 'interrupted', 'failed')),
    options           TEXT NOT NULL,               -- JSON: command-line options and limits
    rules_fingerprint TEXT,                        -- sha256 over the loaded rule set
    tool_version      TEXT,
    model_version     TEXT,                        -- spaCy model name and version
    counts            TEXT                         -- JSON: files / findings / errors at the end
) STRICT;

-- Every file and archive member seen.
CREATE TABLE files (
    id           TEXT PRIMARY KEY,                 -- sha1 of the path, stable across scans
    path         TEXT NOT NULL UNIQUE,             -- relative to the root, '/' separated, '!/' into containers
    parent       TEXT REFERENCES files(id),        -- the containing archive or mail, if any
    depth        INTEGER NOT NULL DEFAULT 0,       -- container nesting depth (0: a file on disk)
    sha256       TEXT,                             -- of the file's bytes (chain of custody)
    size         INTEGER,
    mtime        REAL,
    kind         TEXT,                             -- detected by content: pdf, xlsx, eml, zip, text...
    status       TEXT NOT NULL CHECK (status IN ('pending', 'done', 'error', 'skipped')),
    reason       TEXT,                             -- why error / skipped
    duplicate_of TEXT REFERENCES files(id),        -- same sha256 already scanned there
    scan_id      INTEGER REFERENCES scans(id),     -- the scan that last wrote this row
    rules_fingerprint TEXT                         -- rule set the findings were produced with
) STRICT;
CREATE INDEX files_parent ON files(parent);
CREATE INDEX files_sha256 ON files(sha256);
CREATE INDEX files_status ON files(status);

-- The people findings belong to (contractors), built by linking identifiers seen together.
CREATE TABLE subjects (
    id        TEXT PRIMARY KEY,                    -- stable id derived from the anchor fingerprint
    label     TEXT,                                -- masked display name (e.g. "P••• S•••")
    anchor    TEXT,                                -- entity type that anchors the person (CONTRACTOR_ID, EMAIL_ADDRESS)
    findings  INTEGER NOT NULL DEFAULT 0,
    files     INTEGER NOT NULL DEFAULT 0
) STRICT;

-- What was found; never the raw value unless the case was created with --store-values.
CREATE TABLE findings (
    id          TEXT PRIMARY KEY,                  -- sha1(file sha256, path, rule, entity, span): stable
    file_id     TEXT NOT NULL REFERENCES files(id),
    path        TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    category    TEXT NOT NULL CHECK (category IN ('identity', 'contact', 'government_id', 'financial',
                                                  'contractor', 'credential', 'lab_ip')),
    severity    TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    score       REAL NOT NULL,
    rule        TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'confirmed', 'false_positive', 'ignored')),
    span_start  INTEGER,                           -- offsets in the file's extracted text
    span_end    INTEGER,
    line        INTEGER,
    location    TEXT NOT NULL DEFAULT '{}',        -- JSON locator: page, sheet/cell, json_path...
    preview     TEXT,                              -- masked value
    context     TEXT,                              -- masked snippet around the value
    ctx_start   INTEGER,                           -- where the preview sits inside context
    ctx_end     INTEGER,
    fingerprint TEXT,                              -- HMAC-SHA256 of the normalized value
    record      TEXT,                              -- file-local record key (row, object, message)
    subject     TEXT REFERENCES subjects(id),
    client      TEXT,                              -- LAB_RUBRIC: the AI lab it was written for
    signals     TEXT,                              -- LAB_RUBRIC: JSON list of reasons
    value       TEXT,                              -- raw value: only with --store-values
    note        TEXT,                              -- latest analyst note
    scan_id     INTEGER REFERENCES scans(id)
) STRICT;
CREATE INDEX findings_file ON findings(file_id);
CREATE INDEX findings_fp ON findings(fingerprint);
CREATE INDEX findings_status ON findings(status);
CREATE INDEX findings_type ON findings(entity_type);
CREATE INDEX findings_category ON findings(category, status);
CREATE INDEX findings_subject ON findings(subject);
CREATE INDEX findings_rule ON findings(rule);
CREATE INDEX findings_severity ON findings(severity);

-- Append-only, hash-chained audit log of every triage action (and every reveal).
CREATE TABLE decisions (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,                      -- ISO 8601 UTC
    analyst    TEXT NOT NULL,
    action     TEXT NOT NULL,                      -- status | severity | note | reveal | undo
    finding_id TEXT NOT NULL,
    before     TEXT,
    after      TEXT,
    reason     TEXT,
    batch      TEXT,                               -- one id for all rows of one bulk action
    prev_hash  TEXT NOT NULL,                      -- hash of the entry before ('' for the first)
    hash       TEXT NOT NULL                       -- sha256 over prev_hash and this entry
) STRICT;
CREATE INDEX decisions_finding ON decisions(finding_id);
CREATE INDEX decisions_batch ON decisions(batch);

CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;

-- triage indexes (spill triage; `Case.ensure_triage_indexes` adds them to older case files).
-- With these the findings table's pages, filters and group-by counts are walks over one
-- index, not sorts of a million rows nor a table lookup per finding.
-- The findings table in its default order (most severe first, then path), carrying the
-- columns the filter bar tests, so any filter on type / category / status / severity /
-- path is answered from the index alone. The CASE must match _sev_rank() in case.py.
CREATE INDEX IF NOT EXISTS findings_triage_order ON findings(
    (CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END), path, span_start,
    entity_type, category, status, file_id);
-- Sort by path.
CREATE INDEX IF NOT EXISTS findings_triage_path ON findings(path, span_start);
-- Group by value: covers the aggregate, its label, and the order of one value's findings.
CREATE INDEX IF NOT EXISTS findings_triage_value ON findings(fingerprint, status, severity, entity_type, preview,
                                                             path, span_start);
-- Group by rule.
CREATE INDEX IF NOT EXISTS findings_triage_rule ON findings(rule, status, severity, entity_type);
-- Group by file / folder, the Files tree and the overview's folders.
CREATE INDEX IF NOT EXISTS findings_triage_file ON findings(file_id, status, severity);
-- People linkage (Case.link_subjects updates one record at a time): without this each update
-- walks every finding of its file, quadratic in a big roster.
CREATE INDEX IF NOT EXISTS findings_triage_record ON findings(file_id, record);
-- People: one person's findings by type and masked value (the People screen, and the label /
-- anchor look-ups of Case.link_subjects, which otherwise walk every finding of a type per person).
CREATE INDEX IF NOT EXISTS findings_triage_subject ON findings(subject, entity_type, preview);
