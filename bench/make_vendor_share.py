"""A vendor-shaped share of several MB for ``make bench BENCH_SHARE=...``: the sample share's generator,
run with N different seeds (other people, other IDs, the same kinds of files and templates).

    python bench/make_vendor_share.py OUT_DIR [--copies 8]
    make bench BENCH_SHARE=OUT_DIR/share BENCH_RULES=sample_data/vendor_rules

writes OUT_DIR/share/vendor_K/... and OUT_DIR/truth.jsonl (paths relative to OUT_DIR/share). Unlike
the 50 MB generated corpus of ``make bench``, this has what a real export has: Word, PDF and XLSX
files, mailboxes, Slack days, zip archives inside mails, JSONL task data, rubrics. The templates
repeat across copies as a real vendor's do; each copy's people and identifiers are its own.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sample_data.generate import generate, world


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--copies", type=int, default=8)
    args = ap.parse_args()
    base_seed = world.SEED
    truth: list[str] = []
    seed = base_seed
    for k in range(args.copies):
        part = args.out / "parts" / f"vendor_{k}"
        while True:  # the generator plants some files on people a seed may not draw (a US contractor with a
            seed += 1000  # legacy ID, say): such a seed is skipped, deterministically
            world.SEED = seed  # read at call time by every generator module
            try:
                generate(part)
                break
            except StopIteration:
                continue
        target = args.out / "share" / f"vendor_{k}"
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            import shutil

            shutil.rmtree(target)
        (part / "share").rename(target)
        for line in (part / "truth.jsonl").read_text().splitlines():
            row = json.loads(line)
            row["path"] = f"vendor_{k}/{row['path']}"
            truth.append(json.dumps(row))
    (args.out / "truth.jsonl").write_text("\n".join(truth) + "\n")
    size = sum(p.stat().st_size for p in (args.out / "share").rglob("*") if p.is_file())
    print(f"wrote {args.copies} vendor shares, {size / 2**20:.1f} MB, {len(truth)} truth lines to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
