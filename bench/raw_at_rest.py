"""How many raw values sit in a case file's bytes: the "not a second breach" measurement.

Scans a share (default: sample_data/share with the sample vendor's rules, as `make eval` does)
while a second connection holds the case open (as the triage app does when it watches a live
scan, so the ``-wal`` file outlives the scan), checkpoints, then asks `spill export --reveal`
for every value and counts the distinct revealed values whose UTF-8 bytes appear anywhere in
``CASE.db``, ``CASE.db-wal`` or ``CASE.db-shm``. Values that are part of a file's path are
counted apart: paths are the evidence's location and stay as they are.

Prints the counts, and for the values found, which columns still hold them (never the values):

    python bench/raw_at_rest.py [--share DIR] [--rules DIR]... [--no-vendor-rules] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, SPILL

#: Where a raw value can hide in the case, as (label, SQL returning one text per row).
COLUMNS = (
    ("findings.context", "SELECT context FROM findings"),
    ("findings.preview", "SELECT preview FROM findings"),
    ("findings.location", "SELECT location FROM findings"),
    ("findings.record", "SELECT record FROM findings"),
    ("findings.signals", "SELECT signals FROM findings"),
    ("files.reason", "SELECT reason FROM files"),
    ("subjects.label", "SELECT label FROM subjects"),
    ("decisions", "SELECT coalesce(before, '') || ' ' || coalesce(after, '') || ' ' || coalesce(reason, '')"
                  " FROM decisions"),
)


def measure(share: Path, work: Path, rule_dirs: list[Path], jobs: int) -> dict[str, object]:
    from spill.case import Case

    case_path = work / "case.db"
    Case.create(case_path).close()
    watcher = sqlite3.connect(case_path)  # the triage app watching the scan: the WAL outlives it
    watcher.execute("SELECT count(*) FROM meta").fetchone()
    extra = [arg for d in rule_dirs for arg in ("--rules", str(d))]
    subprocess.run([*SPILL, "scan", str(share), "--case", str(case_path), "--jobs", str(jobs), *extra],
                   check=True, cwd=ROOT)
    out = work / "revealed.jsonl"
    subprocess.run([*SPILL, "export", str(case_path), "--format", "jsonl", "--reveal", "-o", str(out)],
                   check=True, cwd=ROOT)
    watcher.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    blob = b"".join(p.read_bytes() for p in sorted(work.glob("case.db*")) if not p.name.endswith(".key"))
    values: dict[str, str] = {}
    per_value: Counter[str] = Counter()  # findings revealing each value
    for line in out.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("value"):
            values.setdefault(row["value"], row["entity_type"])
            per_value[row["value"]] += 1
    paths = [r[0] for r in watcher.execute("SELECT path FROM files")]
    columns = {label: [r[0] for r in watcher.execute(sql) if r[0]] for label, sql in COLUMNS}
    watcher.close()
    raw, in_paths = Counter(), Counter()
    raw_findings = path_findings = 0
    where: Counter[str] = Counter()
    for value, entity_type in values.items():
        if value.encode("utf-8") not in blob:
            continue
        if any(value in p for p in paths):
            in_paths[entity_type] += 1
            path_findings += per_value[value]
            continue
        raw[entity_type] += 1
        raw_findings += per_value[value]
        for label, texts in columns.items():
            if any(value in t for t in texts):
                where[label] += 1
    return {"revealed": len(values), "raw": sum(raw.values()), "findings": sum(per_value.values()),
            "raw_findings": raw_findings, "path_findings": path_findings, "raw_by_type": dict(raw.most_common()),
            "in_paths": sum(in_paths.values()), "in_paths_by_type": dict(in_paths.most_common()),
            "columns": dict(where.most_common()), "case_bytes": len(blob)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--share", type=Path, default=ROOT / "sample_data" / "share")
    ap.add_argument("--rules", type=Path, action="append", help="default: sample_data/vendor_rules")
    ap.add_argument("--no-vendor-rules", action="store_true")
    ap.add_argument("--jobs", type=int, default=0)
    args = ap.parse_args()
    rule_dirs = [] if args.no_vendor_rules else (args.rules or [ROOT / "sample_data" / "vendor_rules"])
    with tempfile.TemporaryDirectory(prefix="spill-raw-") as tmp:
        result = measure(args.share.resolve(), Path(tmp), rule_dirs, args.jobs)
    share = args.share.resolve()
    name = share.relative_to(ROOT) if share.is_relative_to(ROOT) else share
    pct = 100 * result["raw"] / max(1, result["revealed"])  # type: ignore[operator]
    print(f"{name}: {result['revealed']} distinct revealed values; {result['raw']} ({pct:.1f} %) appear raw in "
          f"the case file's bytes ({result['case_bytes']:,} bytes: case, -wal, -shm), "
          f"{result['in_paths']} more only as part of a file path")
    print(f"  counted per finding:   {result['raw_findings']} of {result['findings']} revealed values "
          f"({100 * result['raw_findings'] / max(1, result['findings']):.1f} %), "  # type: ignore[operator]
          f"{result['path_findings']} more whose value is part of a file path")
    print(f"  raw, by entity type:   {result['raw_by_type']}")
    print(f"  raw, by column:        {result['columns']}")
    print(f"  in paths, by type:     {result['in_paths_by_type']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
