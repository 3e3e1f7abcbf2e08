"""Where a worker's time goes: one in-process scan of a share under cProfile, by stage.

    python bench/profile_scan.py SHARE [--no-ner] [--top 15]

Runs what one worker runs (extract → patterns → NER → rubric → masking) over every file of
SHARE in this process, then prints the share of time of each stage and the top functions by
own time. The stages are measured by the cumulative time of their entry points, so they can
overlap a little (masking calls no detector; extraction calls none either).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scanners.detect.pipeline import load_detector
from scanners.document import DocumentScanner, ScanTask
from scanners.extract.base import Limits
from scanners.walk import sha256_file, walk

#: stage → (module path fragment, function name) of its entry point
STAGES = {
    "patterns (YAML + recognizers)": ("scanners/detect/patterns.py", "detect_batch"),
    "NER (spaCy nlp.pipe)": ("scanners/detect/ner.py", "entities"),
    "names (NER above + the name rules)": ("scanners/detect/names.py", "find"),
    "column profiling": ("scanners/detect/columns.py", "profile"),
    "rubric classifier": ("scanners/detect/rubric.py", "classify"),
    "masking previews/contexts": ("spill/mask.py", "mask_context"),
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("share", type=Path)
    ap.add_argument("--no-ner", action="store_true")
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args()
    detector = load_detector(use_ner=not args.no_ner)
    detector.warm_up()
    scanner = DocumentScanner(detector, Limits())
    tasks = [ScanTask(e.path, e.fs_path, sha256_file(e.fs_path), e.size, e.mtime)
             for e in walk(args.share) if e.skip_reason is None]
    size = sum(t.size or 0 for t in tasks)
    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    profiler.enable()
    for task in tasks:
        scanner.scan(task)
    profiler.disable()
    wall = time.perf_counter() - t0
    print(f"{len(tasks)} files, {size / 2**20:.1f} MB in {wall:.1f}s = {size / 2**20 / wall:.2f} MB/s "
          f"in one process (under cProfile, which slows Python code more than C code)")
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]
    for stage, (fragment, name) in STAGES.items():
        cum = sum(row[3] for (path, _line, func), row in stats.stats.items()  # type: ignore[attr-defined]
                  if func == name and path.endswith(fragment))
        print(f"  {stage:<32} {cum:7.1f}s  {100 * cum / total:5.1f}%")
    print()
    stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
