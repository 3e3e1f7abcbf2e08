"""Generate the synthetic file share of "Lumenframe Data Services" and its ground truth.

    python -m sample_data.generate [OUT_DIR] [--no-check]      (from the repository root)

writes OUT_DIR/share/ (deleted and recreated first) and OUT_DIR/truth.jsonl; OUT_DIR defaults to
the ``sample_data`` folder. Output is byte-for-byte deterministic: fixed seeds, fixed timestamps in
every container format, fixed file mtimes. After writing, the truth is checked against the files and
the planted people (``--no-check`` skips that).

One module per top-level folder of the share: ``drive`` (Drive/), ``mail`` (Email/), ``slack``
(Slack-export/), ``datasets``, ``projects``, ``config``; ``world`` holds the seeded people and
credentials they share and ``tagging`` the helpers that plant a person's values.

Everything here is synthetic. Names come from seeded Faker; every identifier is generated with a
valid checksum where the scheme has one, so detectors have something real to validate.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from sample_data.generate.config import write_config
from sample_data.generate.datasets import write_datasets
from sample_data.generate.drive import write_drive
from sample_data.generate.mail import write_email
from sample_data.generate.projects import write_projects
from sample_data.generate.slack import write_slack
from sample_data.generate.world import World, build_world
from sample_data.synth.check import check, check_subjects
from sample_data.synth.writers import Share

SAMPLE_DATA = Path(__file__).resolve().parent.parent


def generate(out_dir: Path) -> tuple[Share, World]:
    """Write out_dir/share and out_dir/truth.jsonl; return the share and the world it was drawn from."""
    share_dir = out_dir / "share"
    if share_dir.exists():
        shutil.rmtree(share_dir)
    share_dir.mkdir(parents=True)
    world = build_world()
    share = Share(share_dir)
    invoice = write_drive(share, world)
    write_slack(share, world)
    write_email(share, world, invoice)
    write_datasets(share, world)
    write_projects(share, world)
    write_config(share, world)
    share.finish(out_dir / "truth.jsonl")
    return share, world


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    out_dir = Path(args[0]) if args else SAMPLE_DATA
    out_dir.mkdir(parents=True, exist_ok=True)
    share, world = generate(out_dir)
    print(f"wrote {len(share.files)} files to {out_dir / 'share'} and {len(share.truth)} truth lines")
    if "--no-check" not in argv:
        truth = out_dir / "truth.jsonl"
        problems = check(out_dir / "share", truth) + check_subjects(truth, world.people)
        for p in problems:
            print("CHECK:", p, file=sys.stderr)
        if problems:
            return 1
        print("truth check: OK")
    return 0
