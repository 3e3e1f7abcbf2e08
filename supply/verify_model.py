"""``make verify-model``: are the pinned model files the spaCy project's own ``en_core_web_sm-3.8.0``?

On a connected machine: downloads the official wheel from the spaCy project's GitHub
release (or takes ``--wheel PATH``, a copy fetched some other way), checks it against the
sha256 the project publishes, and compares every file of its model data folder with the
sha256 pinned in ``spill/model_manifest.json`` (the third-party re-upload we install).
The re-upload renamed the package, so its ``meta.json`` may differ in ``name`` and
``description`` only and its ``README.md`` freely; every weight, vocabulary and config
file must be byte-identical. Exit 0 when so, 1 on any other difference, 2 when the
official wheel cannot be had.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from spill import model_integrity as mi
from supply.pin_model import OFFICIAL_SHA256, OFFICIAL_URL

OFFICIAL_PACKAGE = "en_core_web_sm"
META_MAY_DIFFER = {"name", "description"}  # the re-upload's new name and its credit line
FREE_TEXT = {"README.md"}


@dataclass
class Comparison:
    identical: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)  # differ only where a renamed re-upload must
    different: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # in the official wheel, not pinned
    extra: list[str] = field(default_factory=list)  # pinned, not in the official wheel

    @property
    def ok(self) -> bool:
        return not (self.different or self.missing or self.extra) and bool(self.identical)


def compare(wheel: Path, manifest: mi.Manifest) -> Comparison:
    """Compare the official wheel's model data files with the pinned manifest."""
    official_prefix = f"{OFFICIAL_PACKAGE}/{OFFICIAL_PACKAGE}-{manifest.version}/"
    pinned_prefix = f"{manifest.data_folder}/"
    pinned = {rel[len(pinned_prefix):]: entry for rel, entry in manifest.files.items() if rel.startswith(pinned_prefix)}
    result = Comparison()
    seen: set[str] = set()
    with zipfile.ZipFile(wheel) as zf:
        for info in zf.infolist():
            if info.is_dir() or not info.filename.startswith(official_prefix):
                continue
            rel = info.filename[len(official_prefix):]
            seen.add(rel)
            data = zf.read(info)
            if rel not in pinned:
                result.missing.append(rel)
            elif hashlib.sha256(data).hexdigest() == pinned[rel][1]:
                result.identical.append(rel)
            elif rel in FREE_TEXT or (rel == "meta.json" and _meta_differs_only_by_name(data, manifest)):
                result.allowed.append(rel)
            else:
                result.different.append(rel)
    result.extra = sorted(set(pinned) - seen)
    return result


def _meta_differs_only_by_name(official: bytes, manifest: mi.Manifest) -> bool:
    ours = json.loads((mi.package_dir() / manifest.data_folder / "meta.json").read_bytes())
    theirs = json.loads(official)
    keys = (set(ours) | set(theirs)) - META_MAY_DIFFER
    return all(ours.get(k) == theirs.get(k) for k in keys)


def fetch_official(dest: Path, url: str = OFFICIAL_URL, timeout: float = 60) -> Path:
    path = dest / url.rsplit("/", 1)[-1]
    with urllib.request.urlopen(url, timeout=timeout) as response, open(path, "wb") as out:
        while chunk := response.read(1 << 20):
            out.write(chunk)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m supply.verify_model", description=__doc__.split("\n")[0])
    parser.add_argument("--wheel", type=Path, help="the official wheel, already downloaded (default: download it)")
    args = parser.parse_args(argv)
    manifest = mi.load_manifest()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel
        if wheel is None:
            try:
                wheel = fetch_official(Path(tmp))
            except (urllib.error.URLError, OSError) as err:
                reason = getattr(err, "reason", err)
                print(f"verify-model: cannot download {OFFICIAL_URL}: {reason}\n"
                      "verify-model: this needs a machine that reaches github.com, or a copy of the wheel: "
                      "make verify-model WHEEL=path/to/en_core_web_sm-3.8.0-py3-none-any.whl", file=sys.stderr)
                return 2
        digest = mi.sha256_of(wheel)
        if digest != OFFICIAL_SHA256:
            print(f"verify-model: {wheel} has sha256 {digest}, not the published {OFFICIAL_SHA256}", file=sys.stderr)
            return 1
        print(f"verify-model: {wheel.name} matches the published sha256 {OFFICIAL_SHA256}")
        result = compare(wheel, manifest)
    print(f"verify-model: {len(result.identical)} model files byte-identical to the official release")
    for rel in result.allowed:
        print(f"verify-model: {rel} differs only where the renamed re-upload must (name, description, readme)")
    for label, items in (("DIFFERENT", result.different), ("not pinned", result.missing),
                         ("pinned but not official", result.extra)):
        for rel in items:
            print(f"verify-model: {label}: {rel}")
    print(f"verify-model: {'OK' if result.ok else 'FAILED'}: pinned {mi.DISTRIBUTION} {manifest.version} "
          f"{'is' if result.ok else 'is NOT'} the official en_core_web_sm {manifest.version}")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
