"""``make bundle``: everything an air-gapped laptop needs to install spill, in one folder and one tarball.

``dist/spill-offline-<version>/`` holds the wheels of every locked runtime dependency for
each target (CPython 3.11–3.13 on Linux x86-64 and, where wheels exist, macOS arm64), the
spaCy model's wheel among them, spill's own wheel, ``requirements.txt`` (the lock as
hash-pinned requirements), ``uv.lock``, the model's pinned manifest, the SBOM when one was
made, ``COVERAGE.md``, ``install.sh`` and ``SHA256SUMS`` over all of it. Every wheel is
fetched from the URL the lock names and checked against the lock's sha256. A dependency
published only as source (``red-black-tree-mod``) is built into a pure-Python wheel here,
from the sdist whose sha256 the lock pins, and that wheel's hash is added to the pins.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from packaging.markers import Marker
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import parse_wheel_filename

from spill.model_integrity import sha256_of
from supply.install_script import INSTALL_SH
from supply.lockfile import REPO, Artifact, LockedPackage, export_requirements, locked_packages, project

PYTHONS = ((3, 11), (3, 12), (3, 13))
_LINUX = (["manylinux1_x86_64", "manylinux2010_x86_64", "manylinux2014_x86_64"]
          + [f"manylinux_2_{n}_x86_64" for n in range(5, 40)])
_MAC = [f"macosx_{major}_0_{arch}" for major in range(10, 16) for arch in ("arm64", "universal2")] + [
    f"macosx_10_{minor}_{arch}" for minor in range(9, 16) for arch in ("arm64", "universal2")]


@dataclass(frozen=True, slots=True)
class Target:
    system: str  # "linux-x86_64" | "macos-arm64"
    python: tuple[int, int]
    platforms: tuple[str, ...]  # oldest first: the most widely installable wheel wins
    env: dict[str, str]

    @property
    def name(self) -> str:
        return f"cp{self.python[0]}{self.python[1]}-{self.system}"

    def supported(self) -> dict[Tag, tuple[int, int]]:
        """Each tag this target installs, with a rank: (interpreter specificity, platform age)."""
        ranks: dict[Tag, tuple[int, int]] = {}
        interp = f"cp{self.python[0]}{self.python[1]}"
        for i, tag in enumerate(cpython_tags(self.python, abis=[interp, "abi3", "none"], platforms=self.platforms)):
            ranks.setdefault(tag, (0, self._platform_rank(tag.platform, i)))
        for i, tag in enumerate(compatible_tags(self.python, interp, self.platforms)):
            ranks.setdefault(tag, (1, self._platform_rank(tag.platform, i)))
        return ranks

    def _platform_rank(self, platform: str, fallback: int) -> int:
        return self.platforms.index(platform) if platform in self.platforms else (-1 if platform == "any" else fallback)


def targets() -> list[Target]:
    out = []
    for py in PYTHONS:
        base = {"python_version": f"{py[0]}.{py[1]}", "implementation_name": "cpython",
                "platform_python_implementation": "CPython", "os_name": "posix", "platform_release": "",
                "platform_version": "", "extra": ""}
        out.append(Target("linux-x86_64", py, tuple(_LINUX), {**base, "sys_platform": "linux",
                                                                "platform_system": "Linux",
                                                                "platform_machine": "x86_64"}))
        out.append(Target("macos-arm64", py, tuple(sorted(set(_MAC), key=_mac_age)),
                          {**base, "sys_platform": "darwin", "platform_system": "Darwin", "platform_machine": "arm64"}))
    return out


def _mac_age(platform: str) -> tuple[int, int, int]:
    _, major, minor, arch = platform.split("_", 3)
    return int(major), int(minor), 0 if arch == "arm64" else 1


@dataclass
class Requirement:
    name: str
    version: str
    marker: Marker | None
    hashes: list[str]

    def line(self) -> str:
        marker = f" ; {self.marker}" if self.marker else ""
        hashes = " \\\n".join(f"    --hash=sha256:{h}" for h in self.hashes)
        return f"{self.name}=={self.version}{marker} \\\n{hashes}"


def parse_requirements(text: str) -> list[Requirement]:
    """The ``uv export`` format: ``name==version [; marker] \\`` then ``--hash=sha256:…`` lines."""
    reqs: list[Requirement] = []
    for line in text.splitlines():
        line = line.strip().rstrip("\\").strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("--hash=sha256:"):
            reqs[-1].hashes.append(line.removeprefix("--hash=sha256:"))
            continue
        spec, _, marker = line.partition(";")
        name, _, version = spec.strip().partition("==")
        reqs.append(Requirement(name, version, Marker(marker.strip()) if marker.strip() else None, []))
    return reqs


def full_versions(py: tuple[int, int], reqs: list[Requirement]) -> list[str]:
    """Patch versions to evaluate markers at: x.y.0, x.y.99 and both sides of every boundary the lock uses."""
    prefix = f"{py[0]}.{py[1]}."
    found = {f"{prefix}0", f"{prefix}99"}
    for r in reqs:
        for v in re.findall(r"python_full_version\s*[<>=!]+\s*'([\d.]+)'", str(r.marker or "")):
            if v.startswith(prefix):
                patch = int(v.split(".")[2])
                found |= {v, f"{prefix}{max(0, patch - 1)}"}
    return sorted(found)


def needed(target: Target, reqs: list[Requirement]) -> list[Requirement]:
    envs = [{**target.env, "python_full_version": v, "implementation_version": v}
            for v in full_versions(target.python, reqs)]
    return [r for r in reqs if r.marker is None or any(r.marker.evaluate(e) for e in envs)]


def best_wheel(pkg: LockedPackage, supported: dict[Tag, tuple[int, int]]) -> Artifact | None:
    best: tuple[tuple[int, int], Artifact] | None = None
    for wheel in pkg.wheels:
        tags = parse_wheel_filename(wheel.filename)[3]
        ranks = [supported[t] for t in tags if t in supported]
        if ranks and (best is None or min(ranks) < best[0]):
            best = (min(ranks), wheel)
    return best[1] if best else None


@dataclass
class Plan:
    wheels: dict[str, Artifact] = field(default_factory=dict)  # filename -> artifact
    build_from_sdist: dict[str, LockedPackage] = field(default_factory=dict)
    missing: dict[str, list[str]] = field(default_factory=dict)  # target -> packages with no wheel
    floors: dict[str, str] = field(default_factory=dict)  # target -> newest platform tag a chosen wheel needs


def plan(reqs: list[Requirement], locked: dict[tuple[str, str], LockedPackage]) -> Plan:
    p = Plan()
    for target in targets():
        supported = target.supported()
        worst, newest = -1, ""
        p.missing[target.name] = []
        for req in needed(target, reqs):
            pkg = locked[(req.name, req.version)]
            wheel = best_wheel(pkg, supported)
            if wheel is not None:
                p.wheels[wheel.filename] = wheel
                rank, platform = min((target._platform_rank(t.platform, 999), t.platform)
                                     for t in parse_wheel_filename(wheel.filename)[3] if t in supported)
                if rank > worst:
                    worst, newest = rank, platform
            elif not pkg.wheels and pkg.sdist is not None:
                p.build_from_sdist[f"{pkg.name}=={pkg.version}"] = pkg  # pure Python: checked after the build
            else:
                p.missing[target.name].append(f"{pkg.name}=={pkg.version}")
        p.floors[target.name] = newest
    return p


def fetch(artifact: Artifact, cache: Path) -> Path:
    """The artifact from the cache or its URL, checked against the lock's sha256."""
    path = cache / artifact.filename
    if path.exists() and sha256_of(path) == artifact.sha256:
        return path
    tmp = path.with_suffix(".part")
    with urllib.request.urlopen(artifact.url, timeout=120) as response, open(tmp, "wb") as out:
        shutil.copyfileobj(response, out, 1 << 20)
    digest = sha256_of(tmp)
    if digest != artifact.sha256:
        tmp.unlink()
        raise SystemExit(f"bundle: {artifact.filename}: sha256 {digest} is not the locked {artifact.sha256}")
    tmp.replace(path)
    return path


def build_wheel(uv: str, source: Path, out: Path) -> Path:
    """``uv build --wheel`` of a project folder or sdist; returns the wheel."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([uv, "build", "--wheel", "--quiet", "--out-dir", tmp, str(source)], check=True, cwd=REPO)
        built = next(Path(tmp).glob("*.whl"))
        dest = out / built.name
        shutil.copy2(built, dest)
    return dest


def write_checksums(root: Path) -> int:
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    lines = [f"{sha256_of(p)}  {p.relative_to(root).as_posix()}" for p in files]
    (root / "SHA256SUMS").write_text("\n".join(lines) + "\n")
    return len(lines)


def coverage_text(p: Plan, version: str) -> str:
    rows = ["# What this bundle installs on", "",
            f"spill {version}. A target is complete when every locked runtime dependency has a wheel here.", "",
            "| target | complete | newest platform tag needed | without a wheel |", "|---|---|---|---|"]
    for name, missing in p.missing.items():
        rows.append(f"| {name} | {'yes' if not missing else 'no'} | {p.floors.get(name) or 'any'} | "
                    f"{', '.join(missing) or '—'} |")
    rows += ["", "Not covered: Windows, Linux on ARM, musl-based Linux (Alpine), macOS on Intel, CPython 3.14, PyPy.",
             "Built here from their locked sdists (pure Python): "
             + (", ".join(sorted(p.build_from_sdist)) or "none") + "."]
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m supply.bundle", description=__doc__.split("\n")[0])
    parser.add_argument("--uv", default=os.environ.get("UV") or shutil.which("uv") or "uv")
    parser.add_argument("--dist", type=Path, default=REPO / "dist")
    parser.add_argument("--sbom", type=Path, help="the CycloneDX SBOM to ship (default: dist/spill-<version>.cdx.json "
                                                   "when make sbom wrote it)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    version = project()["version"]
    out = args.dist / f"spill-offline-{version}"
    cache = args.dist / "wheel-cache"
    cache.mkdir(parents=True, exist_ok=True)
    if out.exists():
        shutil.rmtree(out)
    wheels = out / "wheels"
    wheels.mkdir(parents=True)

    reqs = parse_requirements(export_requirements(args.uv))
    locked = locked_packages()
    the_plan = plan(reqs, locked)
    print(f"bundle: fetching {len(the_plan.wheels)} wheels (checked against uv.lock's sha256)", file=sys.stderr)
    for artifact in sorted(the_plan.wheels.values(), key=lambda a: a.filename):
        os.link(fetch(artifact, cache), wheels / artifact.filename)
    by_name = {(r.name, r.version): r for r in reqs}
    for pkg in sorted(the_plan.build_from_sdist.values(), key=lambda p: p.name):
        assert pkg.sdist is not None
        built = build_wheel(args.uv, fetch(pkg.sdist, cache), wheels)
        if not built.name.endswith("-none-any.whl"):
            raise SystemExit(f"bundle: {built.name} is not pure Python: it cannot serve every target")
        by_name[(pkg.name, pkg.version)].hashes.append(sha256_of(built))
        print(f"bundle: built {built.name} from the locked sdist {pkg.sdist.filename}", file=sys.stderr)
    own = build_wheel(args.uv, REPO, wheels)
    dist_name = project()["name"]
    reqs.append(Requirement(dist_name, version, None, [sha256_of(own)]))

    (out / "requirements.txt").write_text(
        f"# spill {version}: the lock as hash-pinned requirements (uv export), plus spill's own wheel.\n"
        "# install.sh installs exactly these, from wheels/, with pip --no-index --require-hashes.\n"
        + "\n".join(r.line() for r in reqs) + "\n")
    shutil.copy2(REPO / "uv.lock", out / "uv.lock")
    shutil.copy2(REPO / "spill" / "model_manifest.json", out / "model_manifest.json")
    sbom = args.sbom or args.dist / f"spill-{version}.cdx.json"
    if sbom.is_file():
        shutil.copy2(sbom, out / sbom.name)
    (out / "COVERAGE.md").write_text(coverage_text(the_plan, version))
    script = out / "install.sh"
    script.write_text(INSTALL_SH.replace("@VERSION@", version))
    script.chmod(0o755)
    n_files = write_checksums(out)
    tarball = args.dist / f"{out.name}.tar.gz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(out, arcname=out.name)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    n_wheels = len(list(wheels.glob("*.whl")))
    print(f"bundle: {out} ({n_wheels} wheels, {n_files} files, {size / 2**20:.0f} MiB; "
          f"{tarball.name} {tarball.stat().st_size / 2**20:.0f} MiB) in {time.monotonic() - started:.0f} s")
    for name, missing in the_plan.missing.items():
        print(f"bundle: {name}: {'complete' if not missing else 'incomplete, no wheel for ' + ', '.join(missing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
