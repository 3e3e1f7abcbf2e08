"""The scan's single writer: what writing findings costs, with the triage indexes kept up or built at the end.

    python bench/bench_writer.py [--findings 150000] [--mb 2]

Scans a generated slice of the bench corpus once in this process (``--no-ner``), copies its
results under new paths until there are ``--findings`` findings, then writes them into fresh case
files through ``case.scans.write_results`` in the engine's batches (200 files a transaction), as a
scan's writer does: (a) with every index kept up, (b) with the indexes deferred and built at the
end (``spill.case.bulk``, what a big scan does). Prints seconds, µs per finding, and how much of it
is SQLite (``executemany``) against Python (fingerprints, keys, row building).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_scan import build_corpus
from scanners.detect.pipeline import load_detector
from scanners.document import DocumentScanner, ScanTask
from scanners.extract.base import Limits
from scanners.walk import sha256_file, walk
from spill.case import Case
from spill.model import FileResult, file_id

BATCH_FILES = 200  # the engine writes every 200 files (or every second)


def results_of(share: Path) -> list[list[FileResult]]:
    detector = load_detector(use_ner=False)
    scanner = DocumentScanner(detector, Limits())
    return [scanner.scan(ScanTask(e.path, e.fs_path, sha256_file(e.fs_path), e.size, e.mtime))
            for e in walk(share) if e.skip_reason is None]


def copies(files: list[list[FileResult]], wanted: int) -> list[list[FileResult]]:
    """The files again under ``copyN/`` paths until they hold ``wanted`` findings."""
    out, total, n = [], 0, 0
    while total < wanted:
        for results in files:
            renamed = []
            for r in results:
                path = f"copy{n}/{r.file.path}"
                rec = dataclasses.replace(r.file, path=path, id=file_id(path), sha256=f"{n:08x}{r.file.sha256[8:]}")
                renamed.append(FileResult(rec, [dataclasses.replace(f, path=path) for f in r.findings]))
            out.append(renamed)
            total += sum(len(r.findings) for r in renamed)
            if total >= wanted:
                break
        n += 1
    return out


def write(files: list[list[FileResult]], case_path: Path, defer: bool) -> dict[str, float]:
    case = Case.create(case_path)
    case.store.conn.execute("PRAGMA cache_size = -65536")  # as the engine's writer
    sqlite = [0.0]
    conn = case.store.conn

    class Timed:  # executemany's share of the time: SQLite, indexes and triggers
        def __getattr__(self, name):
            return getattr(conn, name)

        def executemany(self, *args):
            t = time.perf_counter()
            try:
                return conn.executemany(*args)
            finally:
                sqlite[0] += time.perf_counter() - t

    case.store.conn = Timed()  # type: ignore[assignment]
    scan_id = case.scans.begin("/bench", {}, "bench", "none")
    t0 = time.perf_counter()
    if defer:
        case.scans.defer_indexes()
    for i in range(0, len(files), BATCH_FILES):
        case.scans.write_results([r for results in files[i:i + BATCH_FILES] for r in results], scan_id, "bench")
    written = time.perf_counter() - t0
    t1 = time.perf_counter()
    case.scans.restore_indexes()
    rebuilt = time.perf_counter() - t1
    case.store.conn = conn
    case.close()
    return {"write": written, "rebuild": rebuilt, "sqlite": sqlite[0]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--findings", type=int, default=150_000)
    ap.add_argument("--mb", type=float, default=2.0, help="corpus MB scanned once for realistic findings")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="spill-writer-") as tmp:
        base = Path(tmp)
        build_corpus(base / "share", args.mb)
        files = copies(results_of(base / "share"), args.findings)
        n = sum(len(r.findings) for results in files for r in results)
        print(f"{n:,} findings in {sum(len(x) for x in files):,} files, written {BATCH_FILES} files a transaction")
        for label, defer in (("indexes kept up", False), ("indexes built at the end", True)):
            t = write(files, base / f"{'d' if defer else 'k'}.db", defer)
            total = t["write"] + t["rebuild"]
            print(f"  {label:<26} {total:6.1f} s = {total / n * 1e6:5.0f} µs/finding (inserts in SQLite "
                  f"{t['sqlite']:.1f} s, Python {t['write'] - t['sqlite']:.1f} s, index build {t['rebuild']:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
