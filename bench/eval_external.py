"""`make eval-external`: other projects' labelled cases (../shared/external-cases), scored by their own scorer."""

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
        if args.core_only:
            cmd.append("--core-only")
        return subprocess.run(cmd).returncode


if __name__ == "__main__":
    sys.exit(main())
