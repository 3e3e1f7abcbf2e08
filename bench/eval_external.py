"""`make eval-external`: other projects' labelled cases (../shared/external-cases), scored by their own scorer.

Prints the per-type table twice: over every case, and over the core cases only (a "weak" case is one
its source expects to match only at a low score, or one the sources disagree on)."""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, spill_scan_and_export


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--core-only", action="store_true")
    args = ap.parse_args()
    cases = args.shared / "external-cases"
    if not (cases / "build_share.py").exists():
        print(f"eval-external: {cases} not present; nothing to score", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory(prefix="spill-ext-") as tmp:
        share = Path(tmp) / "ext"
        subprocess.run([sys.executable, str(cases / "build_share.py"), str(share)], check=True)
        work = Path(tmp) / "work"
        work.mkdir()
        # the truth file sits inside the share the builder wrote: move it out so it is not scanned
        truth = Path(tmp) / "truth.jsonl"
        (share / "truth.jsonl").rename(truth)
        spill_scan_and_export(share, work)
        cmd = [sys.executable, str(cases / "score_external.py"), str(truth), str(work / "findings.jsonl")]
        tiers = [("core cases (the sources expect a confident match or no match)", ["--core-only"])]
        if not args.core_only:
            tiers.insert(0, ("every case", []))
        for title, extra in tiers:
            print(f"\nspill on the external cases, {title}:", flush=True)
            code = subprocess.run([*cmd, *extra]).returncode
            if code:
                return code
        return 0


if __name__ == "__main__":
    sys.exit(main())
