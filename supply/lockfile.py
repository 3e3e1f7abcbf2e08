"""Reading ``uv.lock`` and the project's metadata: the one place the tools learn what is pinned."""

from __future__ import annotations

import hashlib
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LOCK = REPO / "uv.lock"
PYPROJECT = REPO / "pyproject.toml"


@dataclass(frozen=True, slots=True)
class Artifact:
    url: str
    sha256: str
    size: int | None

    @property
    def filename(self) -> str:
        return self.url.rsplit("/", 1)[-1]


@dataclass(frozen=True, slots=True)
class LockedPackage:
    name: str
    version: str
    wheels: tuple[Artifact, ...]
    sdist: Artifact | None


def project() -> dict:
    with open(PYPROJECT, "rb") as fh:
        return tomllib.load(fh)["project"]


def lock_sha256() -> str:
    return hashlib.sha256(LOCK.read_bytes()).hexdigest()


def locked_packages() -> dict[tuple[str, str], LockedPackage]:
    """Registry packages by (name, version): a lock may pin two versions of one name for different Pythons."""
    with open(LOCK, "rb") as fh:
        lock = tomllib.load(fh)
    out: dict[tuple[str, str], LockedPackage] = {}
    for p in lock["package"]:
        if "registry" not in p.get("source", {}):
            continue  # the project itself
        wheels = tuple(Artifact(w["url"], _hex(w["hash"]), w.get("size")) for w in p.get("wheels", []))
        sd = p.get("sdist")
        sdist = Artifact(sd["url"], _hex(sd["hash"]), sd.get("size")) if sd else None
        out[(p["name"], p["version"])] = LockedPackage(p["name"], p["version"], wheels, sdist)
    return out


def export_requirements(uv: str, *groups: str, runtime: bool = True) -> str:
    """The lock as a hash-pinned requirements file (``uv export``): runtime dependencies, or only ``groups``."""
    cmd = [uv, "export", "--frozen", "--format", "requirements-txt", "--no-emit-project", "--no-header"]
    if runtime:
        cmd.append("--no-dev")
    for g in groups:
        cmd += ["--only-group", g]
    return subprocess.run(cmd, cwd=REPO, check=True, capture_output=True, text=True).stdout


def _hex(value: str) -> str:
    algo, _, digest = value.partition(":")
    if algo != "sha256":
        raise ValueError(f"uv.lock: unexpected hash {value!r}")
    return digest
