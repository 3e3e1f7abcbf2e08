"""Where a worker's time goes: one in-process scan of a share, CPU time by stage.

    python bench/profile_scan.py SHARE [--no-ner] [--cprofile] [--top 15]

Runs what one worker runs (kind, extract → patterns → columns → NER → rubric → findings and
their masked contexts → redaction) over every file of SHARE in this process, then prints each
stage's CPU time and share, measured by timers around the stage's entry point (cProfile slows
Python code several times more than the regex engines, so its shares mislead). The IPC stage is
what the pool pays to send each file's results to the writer: ``pickle.dumps`` of them, timed
separately. ``--cprofile`` runs the scan again under cProfile and prints the top functions by
their own time (where inside a stage to look).
"""

from __future__ import annotations

import argparse
import cProfile
import pickle
import pstats
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scanners.document as document
from scanners.detect.pipeline import Detector, load_detector
from scanners.extract.base import Limits
from scanners.walk import sha256_file, walk

EXTRACTION = "extraction, kind, offsets (the rest)"


def _timed(totals: dict[str, float], stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        t0 = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            totals[stage] += time.process_time() - t0
    return run


def stage_times(detector: Detector, tasks: list[document.ScanTask]) -> tuple[float, dict[str, float]]:
    """(total CPU seconds, CPU seconds by stage) of scanning ``tasks`` once."""
    totals: dict[str, float] = defaultdict(float)
    detector.patterns.detect_batch = _timed(totals, "patterns (YAML + recognizers)", detector.patterns.detect_batch)
    detector.columns.profile = _timed(totals, "column profiling", detector.columns.profile)
    detector.persons.find = _timed(totals, "names (NER + name rules)", detector.persons.find)
    detector.classify = _timed(totals, "rubric classifier", detector.classify)
    detector.detect = _timed(totals, "(detect)", detector.detect)
    scanner = document.DocumentScanner(detector, Limits())
    scanner._detect = _timed(totals, "(detect and findings)", scanner._detect)  # type: ignore[method-assign]
    scanner._redact = _timed(totals, "redaction of snippets and locators", scanner._redact)  # type: ignore[method-assign]
    pickling = 0.0
    t0 = time.process_time()
    for task in tasks:
        results = scanner.scan(task)
        p0 = time.process_time()
        pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL)
        pickling += time.process_time() - p0
    total = time.process_time() - t0 - pickling
    detect_all = totals.pop("(detect)")
    totals["findings: previews, contexts, row contexts"] = totals.pop("(detect and findings)") - detect_all
    inner = ("patterns (YAML + recognizers)", "column profiling", "names (NER + name rules)")
    totals["detector glue (name memory, NER gate)"] = detect_all - sum(totals[k] for k in inner)
    totals[EXTRACTION] = total - sum(v for k, v in totals.items())
    totals["IPC: pickling each file's results"] = pickling
    return total + pickling, dict(totals)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("share", type=Path)
    ap.add_argument("--no-ner", action="store_true")
    ap.add_argument("--cprofile", action="store_true", help="then the top functions under cProfile")
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args()
    detector = load_detector(use_ner=not args.no_ner)
    detector.warm_up()
    tasks = [document.ScanTask(e.path, e.fs_path, sha256_file(e.fs_path), e.size, e.mtime)
             for e in walk(args.share) if e.skip_reason is None]
    size = sum(t.size or 0 for t in tasks) / 2**20
    total, stages = stage_times(detector, tasks)
    print(f"{len(tasks)} files, {size:.1f} MB in {total:.1f} s of CPU = {size / total:.2f} MB/s on one core")
    for stage, secs in sorted(stages.items(), key=lambda kv: -kv[1]):
        print(f"  {stage:44s} {secs:7.2f} s  {100 * secs / total:5.1f}%")
    if args.cprofile:
        scanner = document.DocumentScanner(load_detector(use_ner=not args.no_ner), Limits())
        profiler = cProfile.Profile()
        profiler.enable()
        for task in tasks:
            scanner.scan(task)
        profiler.disable()
        print()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
