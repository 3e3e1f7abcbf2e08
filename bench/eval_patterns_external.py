#!/usr/bin/env python3
"""Regression check of the pattern stage against other projects' labelled cases (a dev tool, not a test).

usage: eval_patterns_external.py [CASES.jsonl] [--threshold X] [--core-only] [--misses] [--fps]

Runs ``PatternDetector`` (built-in rules, context="") on each case's text and prints per-entity
recall on positives and false positives on negatives, matching like
``/work/shared/external-cases/score_external.py``: a compatible type (GENERIC_SECRET is
compatible with any credential type) and a value that, casefolded with only letters and digits
kept, equals, contains or is contained in the labelled value. PERSON positives need NER (a
different stage) and are reported on their own line.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scanners.detect.patterns import DEFAULT_THRESHOLD, PatternDetector
from scanners.detect.rules import load_rules

DEFAULT_CASES = Path("/work/shared/external-cases/cases.jsonl")
CREDENTIALS = {"AWS_ACCESS_KEY", "GITHUB_TOKEN", "SLACK_TOKEN", "PRIVATE_KEY", "OPENAI_API_KEY",
               "ANTHROPIC_API_KEY", "GENERIC_SECRET"}


def norm(value: str | None) -> str:
    return re.sub(r"[\W_]+", "", (value or "").casefold())


def compatible(a: str, b: str) -> bool:
    return a == b or (a in CREDENTIALS and b in CREDENTIALS and "GENERIC_SECRET" in (a, b))


def overlaps(truth: str | None, found: str) -> bool:
    a, b = norm(truth), norm(found)
    return bool(a and b) and (a == b or a in b or b in a)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cases", nargs="?", type=Path, default=DEFAULT_CASES)
    ap.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    ap.add_argument("--core-only", action="store_true")
    ap.add_argument("--misses", action="store_true", help="list the positives not found")
    ap.add_argument("--fps", action="store_true", help="list the negatives reported")
    args = ap.parse_args()
    if not args.cases.exists():
        print(f"no cases at {args.cases}", file=sys.stderr)
        return 1
    cases = [json.loads(line) for line in args.cases.read_text().splitlines() if line.strip()]
    if args.core_only:
        cases = [c for c in cases if c.get("tier", "core") == "core"]
    detector = PatternDetector(load_rules(), threshold=args.threshold)
    stats: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # tp, pos, fp, neg
    misses, fps = [], []
    t0 = time.perf_counter()
    for case in cases:
        found = [(d.entity_type, case["text"][d.start:d.end], d.score, d.rule)
                 for d in detector.detect(case["text"], "")]
        negative = case["expect"] != "match"
        truth = case.get("probe") if negative else case["value"]
        hit = any(compatible(case["entity_type"], et) and overlaps(truth, value) for et, value, _, _ in found)
        row = stats[case["entity_type"]]
        if negative:
            row[3] += 1
            row[2] += hit
            if hit:
                fps.append((case, found))
        else:
            row[1] += 1
            row[0] += hit
            if not hit:
                misses.append((case, found))
    elapsed = time.perf_counter() - t0
    print(f"{'type':20s} {'recall':>14s} {'neg FP':>12s}")
    total = [0, 0, 0, 0]
    for et in sorted(stats):
        tp, pos, fp, neg = stats[et]
        total = [a + b for a, b in zip(total, stats[et], strict=True)]
        note = "   (needs NER: not the pattern stage)" if et == "PERSON" else ""
        rc = f"{tp}/{pos} {tp / pos:4.0%}" if pos else "-"
        fr = f"{fp}/{neg}" if neg else "-"
        print(f"{et:20s} {rc:>14s} {fr:>12s}{note}")
    tp, pos, fp, neg = total
    print(f"{'ALL':20s} {f'{tp}/{pos} {tp / pos:4.0%}':>14s} {f'{fp}/{neg}':>12s}")
    person = stats.get("PERSON")
    if person:
        tp2, pos2 = tp - person[0], pos - person[1]
        print(f"{'ALL but PERSON':20s} {f'{tp2}/{pos2} {tp2 / pos2:4.0%}':>14s}")
    print(f"\n{len(cases)} cases in {elapsed:.2f}s, threshold {args.threshold}")
    if args.misses:
        print("\n# misses")
        for case, found in misses:
            print(f"{case['id']:28s} {case['tier']:4s} {case['text'][:90]!r} want {case['value'][:40]!r} got {found}")
    if args.fps:
        print("\n# false positives")
        for case, found in fps:
            print(f"{case['id']:28s} {case['text'][:90]!r} probe {case.get('probe', '')[:40]!r} got {found}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
