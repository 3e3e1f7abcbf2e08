"""`make eval`: scan sample_data/share and score it against sample_data/truth.jsonl, next to plain Presidio.

Detection per label (recall, precision, findings per true item), then people linkage against the
truth's ``subject`` (B-cubed precision and recall over the person-bound findings, the share of them
linked, people merged and split, each planted contractor's data types: see ``bench/linkage.py``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    ROOT,
    baseline_findings,
    plain_analyzer,
    print_table,
    read_jsonl,
    score,
    shared_spans,
    spill_scan_and_export,
)
from bench.linkage import print_linkage, score_linkage


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--share", type=Path, default=ROOT / "sample_data" / "share")
    ap.add_argument("--truth", type=Path, default=ROOT / "sample_data" / "truth.jsonl")
    ap.add_argument("--jobs", type=int, default=0)
    ap.add_argument("--rules", type=Path, action="append",
                    help="the vendor's own rules, as a responder passes them (default: sample_data/vendor_rules)")
    ap.add_argument("--no-vendor-rules", action="store_true", help="built-in rules only")
    ap.add_argument("--no-baseline", action="store_true", help="skip the plain-Presidio table")
    args = ap.parse_args()
    truth = [t for t in read_jsonl(args.truth)]
    rule_dirs = [] if args.no_vendor_rules else (args.rules or [ROOT / "sample_data" / "vendor_rules"])
    extra = [arg for d in rule_dirs for arg in ("--rules", str(d))]
    with tempfile.TemporaryDirectory(prefix="spill-eval-") as tmp:
        t0 = time.monotonic()
        findings = spill_scan_and_export(args.share, Path(tmp), *extra, jobs=args.jobs)
        elapsed = time.monotonic() - t0
    print_table(f"spill on {args.share.relative_to(ROOT) if args.share.is_relative_to(ROOT) else args.share} "
                f"({len(findings)} findings, {elapsed:.1f}s scan+export; "
                f"rules: built-in{''.join(' + ' + str(d) for d in rule_dirs)})", score(truth, findings))
    print(f"findings that share a span with another finding (two rules on one occurrence): {shared_spans(findings)}")
    if any("subject" in t for t in truth):
        linkage = score_linkage(truth, findings)
        print_linkage("people linkage against the truth's subjects (person-bound findings)", linkage)
        checks = [("B-cubed precision >= 0.95", linkage.precision >= 0.95),
                  ("B-cubed recall >= 0.95", linkage.recall >= 0.95),
                  ("person-bound findings linked >= 90 %", linkage.linked_share >= 0.90),
                  ("no person merges two planted contractors", not linkage.merged_contractors),
                  ("every contractor's row lists exactly their types", linkage.types_exact == linkage.types_checked)]
        print("targets: " + "; ".join(f"{name} {'ok' if ok else 'MISSED'}" for name, ok in checks))
    if not args.no_baseline:
        t0 = time.monotonic()
        base = baseline_findings(args.share, plain_analyzer(national=True))
        print_table(f"plain presidio-analyzer (+ national recognizers) on the same extracted text "
                    f"({len(base)} findings, {time.monotonic() - t0:.1f}s)", score(truth, base))
    return 0


if __name__ == "__main__":
    sys.exit(main())
