"""People linkage timings: a relink and the names pass on a scanned case, and an identifier seen N times.

    python bench/bench_people.py --case out/bench.db    # a case `make bench` (or any scan) wrote
    python bench/bench_people.py --hub 10000            # a synthetic case: one phone in 10,000 records

(a) ``--case``: time ``People.link()`` on the case as it is (a relink: the people already
    exist, so only changes are written), then the names pass over every file again (its
    marks cleared) with the case's gazetteer, then the relink that follows it; peak memory
    of this process.
(b) ``--hub N``: N records, each a different person (name, e-mail, contractor ID) and the
    same support phone; linkage with the shared phone and, for comparison, without it. The
    phone must link nobody and must not make linkage slower than the records themselves.
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def relink_and_names(case_path: Path, jobs: int) -> None:
    from scanners.extract.base import Limits
    from scanners.names_pass import run_names_pass
    from scanners.pool import WorkerConfig
    from spill.case import Case

    with Case.open(case_path) as case:
        findings = case.conn.execute("SELECT count(*) FROM findings").fetchone()[0]
        scan = case.scans.last()
        t0 = time.monotonic()
        people = case.people.link()
        link_s = time.monotonic() - t0
        print(f"(a) relink: {findings:,} findings, {people:,} people in {link_s:.1f}s")
        with case.store.transaction():
            case.conn.execute("UPDATE files SET names_pass = NULL")
        gazetteer = case.names.gazetteer()
        root = Path(scan.root) if scan else case_path.parent
        t0 = time.monotonic()
        stats = run_names_pass(case, root, scan.id if scan else 0, WorkerConfig((), False, Limits()), jobs)
        names_s = time.monotonic() - t0
        print(f"(a) names pass: gazetteer of {len(gazetteer):,} full names ({len(gazetteer.first):,} first names);"
              f" {stats.files:,} files read again in {names_s:.1f}s, {stats.found:,} PERSON findings added")
        t0 = time.monotonic()
        people = case.people.link()
        print(f"(a) relink after the names pass: {people:,} people in {time.monotonic() - t0:.1f}s")
    print(f"(a) peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def hub(n: int) -> None:
    from spill.case import Case
    from spill.mask import mask
    from spill.model import Category, FileRecord, FileResult, FileStatus, Finding, Severity, file_id

    def case_with(phone: bool, folder: Path) -> Path:
        path = folder / ("hub.db" if phone else "plain.db")
        results = []
        for i in range(n):
            values = [("CONTRACTOR_ID", Category.CONTRACTOR, f"CTR-{100000 + i}"),
                      ("PERSON", Category.IDENTITY, f"Person{i} Surname{i}"),
                      ("EMAIL_ADDRESS", Category.CONTACT, f"person{i}@mail.example")]
            if phone:
                values.append(("PHONE_NUMBER", Category.CONTACT, "+1 (628) 555-0147"))
            rel = f"tickets/{i:06d}.csv"
            findings, pos = [], 0
            for etype, cat, value in values:
                findings.append(Finding(path=rel, entity_type=etype, category=cat, severity=Severity.MEDIUM, score=0.9,
                                        rule="bench", start=pos, end=pos + len(value), preview=mask(value, etype),
                                        value=value, record="row:2", unit=f"{pos}:0:0:0"))
                pos += len(value) + 1
            sha = hashlib.sha256(rel.encode()).hexdigest()
            results.append(FileResult(FileRecord(file_id(rel), rel, None, sha, 1, 1.0, "csv", FileStatus.DONE),
                                      findings))
        with Case.create(path) as case:
            scan = case.scans.begin("/bench", {}, "bench", "bench")
            for k in range(0, len(results), 500):
                case.scans.write_results(results[k:k + 500], scan, "bench")
        return path

    from spill.case import Case as _Case

    with tempfile.TemporaryDirectory(prefix="spill-people-") as tmp:
        for phone in (False, True):
            path = case_with(phone, Path(tmp))
            with _Case.open(path) as case:
                t0 = time.monotonic()
                people = case.people.link()
                secs = time.monotonic() - t0
                linked = case.conn.execute(
                    "SELECT count(*) FROM findings WHERE entity_type = 'PHONE_NUMBER' AND subject IS NOT NULL"
                ).fetchone()[0]
                shared = case.conn.execute("SELECT shared FROM identifiers WHERE entity_type = 'PHONE_NUMBER'"
                                           ).fetchone()
            label = f"with one phone in all {n:,} records" if phone else "without the shared phone"
            print(f"(b) {n:,} records {label}: {people:,} people in {secs:.2f}s"
                  + (f"; the phone linked to {linked} people ({shared[0] if shared else 'not shared'})" if phone
                     else ""))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--case", type=Path, help="a scanned case to relink and read again for names")
    ap.add_argument("--jobs", type=int, default=0)
    ap.add_argument("--hub", type=int, default=0, help="records sharing one phone (synthetic case)")
    args = ap.parse_args()
    if not args.case and not args.hub:
        ap.error("give --case CASE.db and/or --hub N")
    if args.case:
        relink_and_names(args.case, args.jobs)
    if args.hub:
        hub(args.hub)
    return 0


if __name__ == "__main__":
    sys.exit(main())
