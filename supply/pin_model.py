"""Pin the sha256 of every file of the installed spaCy model package (``spill/model_manifest.json``).

Run once per model upgrade, on a machine where the model was installed from the lock and
then checked against the official wheel (``make verify-model``); commit the result.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from spill import model_integrity as mi
from supply.lockfile import locked_packages

OFFICIAL_WHEEL = "en_core_web_sm-3.8.0-py3-none-any.whl"
OFFICIAL_URL = f"https://github.com/explosion/spacy-models/releases/download/en_core_web_sm-3.8.0/{OFFICIAL_WHEEL}"
OFFICIAL_SHA256 = "1932429db727d4bff3deed6b34cfc05df17794f4a52eeb26cf8928f7c1a0fb85"


def build_manifest(root: Path) -> dict:
    meta = json.loads((root / "meta.json").read_text())
    version = meta["version"]
    locked = next(p for (name, _), p in locked_packages().items() if name == mi.DISTRIBUTION)
    files = {}
    for rel in sorted(mi._files_under(root)):
        path = root / rel
        files[rel] = {"size": path.stat().st_size, "sha256": mi.sha256_of(path)}
    return {
        "package": mi.PACKAGE,
        "version": version,
        "distribution": f"{mi.DISTRIBUTION}=={locked.version}",
        "wheel": {"file": locked.wheels[0].filename, "sha256": locked.wheels[0].sha256},
        "official": {"file": OFFICIAL_WHEEL, "url": OFFICIAL_URL, "sha256": OFFICIAL_SHA256},
        "files": files,
    }


def main() -> int:
    root = mi.package_dir()
    manifest = build_manifest(root)
    out = Path(mi.__file__).with_name(mi.MANIFEST_FILE)
    out.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    print(f"pinned {len(manifest['files'])} files of {root} -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
