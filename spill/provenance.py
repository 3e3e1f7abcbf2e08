"""What a scan was made with: tool version, lock hash, model hash, rules fingerprint, isolation.

Recorded with every scan and shown in reports' chain of custody, so a finding can be traced
to the exact code, dependency set and model that produced it. The lock is ``uv.lock``: in an
installed wheel it ships inside the ``spill`` package; in a source checkout it sits beside it.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import tomllib
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

DISTRIBUTION = "spill-triage"


def tool_version() -> str:
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "unknown (not installed)"


def lock_bytes() -> bytes | None:
    shipped = importlib.resources.files("spill").joinpath("uv.lock")
    if shipped.is_file():
        return shipped.read_bytes()
    beside = Path(__file__).resolve().parents[1] / "uv.lock"
    return beside.read_bytes() if beside.is_file() else None


@lru_cache(maxsize=1)
def lock_hash() -> str:
    data = lock_bytes()
    return hashlib.sha256(data).hexdigest() if data is not None else "unknown (no uv.lock)"


def locked_versions() -> dict[str, str]:
    """Every package the lock pins, by normalised name."""
    data = lock_bytes()
    if data is None:
        return {}
    return {_normalise(p["name"]): p["version"] for p in tomllib.loads(data.decode())["package"]}


def model_hash() -> str:
    from spill.model_integrity import model_hash as pinned

    return pinned()


#: The ``meta`` keys a scan writes (the last scan's provenance; each scan's options also keep its isolation).
KEYS = ("tool_version", "lock_sha256", "model_sha256", "rules_fingerprint", "isolation", "scan_id")
PREFIX = "provenance."


def record(rules_fingerprint: str, isolation: str, scan_id: int, *, model_used: bool = True) -> dict[str, str]:
    """The provenance of one scan, as stored in the case's ``meta`` (keys prefixed ``provenance.``)."""
    values = {"tool_version": tool_version(), "lock_sha256": lock_hash(),
              "model_sha256": model_hash() if model_used else "not used (--no-ner)",
              "rules_fingerprint": rules_fingerprint, "isolation": isolation, "scan_id": str(scan_id)}
    return {PREFIX + k: v for k, v in values.items()}


def from_meta(meta: dict[str, str]) -> dict[str, str]:
    """The provenance part of a case's ``meta``, without the prefix (empty for a case scanned before it existed)."""
    return {k: meta[PREFIX + k] for k in KEYS if PREFIX + k in meta}


def _normalise(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")
