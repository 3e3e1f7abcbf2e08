"""``spill doctor``: is this installation complete, intact and unable to reach a network?

Each check is a :class:`Check` with a status: ``ok``, ``warn`` (works, with less protection),
``fail`` (fix before scanning) or ``info``. The checks that need the detectors (rules
fingerprint, a detection run under the guard) live on the scanners' side and are handed in
by the CLI, so this module stays in the core.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import distributions

from spill import netguard, provenance
from spill.errors import SpillError


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    status: str  # ok | warn | fail | info
    detail: str


def run_checks(extra: Iterable[Callable[[], list[Check]]] = ()) -> list[Check]:
    checks = [*environment_checks(), *model_checks(), guard_check(), isolation_check()]
    for more in extra:
        try:
            checks.extend(more())
        except SpillError as err:  # a tampered model, a broken rule: reported, the other checks still run
            checks.append(Check(getattr(more, "check_name", more.__name__), "fail", str(err)))
    return checks


def environment_checks() -> list[Check]:
    py = f"{platform.python_version()} {platform.python_implementation()} ({sys.executable})"
    python_ok = (3, 11) <= sys.version_info[:2] <= (3, 13)
    return [
        Check("spill", "ok", f"{provenance.tool_version()}"),
        Check("python", "ok" if python_ok else "warn", py + ("" if python_ok else "; spill is built for 3.11–3.13")),
        Check("platform", "info", f"{platform.platform()} {platform.machine()}"),
        packages_check(),
    ]


def packages_check() -> Check:
    """Every installed distribution the lock names must have the locked version."""
    locked = provenance.locked_versions()
    if not locked:
        return Check("packages", "warn", "no uv.lock found: installed versions cannot be compared with the lock")
    matched, wrong, extra = 0, [], []
    for dist in distributions():
        name = provenance._normalise(dist.metadata["Name"] or "")
        if name in locked:
            if dist.version == locked[name]:
                matched += 1
            else:
                wrong.append(f"{name} {dist.version} (locked {locked[name]})")
        else:
            extra.append(name)
    lock = f"uv.lock sha256 {provenance.lock_hash()[:16]}…"
    if wrong:
        return Check("packages", "fail", f"{len(wrong)} installed versions differ from the lock: {', '.join(wrong)}")
    others = f"; not in the lock: {', '.join(sorted(extra))}" if extra else ""
    return Check("packages", "ok", f"{matched} installed distributions match {lock}{others}")


def model_checks() -> list[Check]:
    from spill import model_integrity as mi

    try:
        root = mi.package_dir()
        problems = mi.check(root)
    except mi.ModelIntegrityError as err:
        return [Check("model", "fail", str(err))]
    manifest = mi.load_manifest()
    if problems:
        return [Check("model", "fail", str(p)) for p in problems]
    return [Check("model", "ok", f"{mi.PACKAGE} {manifest.version}: {len(manifest.files)} files match their pinned "
                                 f"sha256 (model hash {manifest.digest[:16]}…)")]


def guard_check() -> Check:
    """The guard's self-test: a lookup, a connection, a program start and a ctypes load are refused."""
    import ctypes  # noqa: F401 - importing it loads a library; only the load below is the test
    import socket
    import subprocess

    was_enabled, was_locked = netguard.is_enabled(), netguard.is_locked_down()
    refused: list[str] = []
    quiet = netguard.log.disabled
    netguard.log.disabled = True  # these refusals are the test, not news
    netguard.lock_down()
    try:
        for label, attempt in (
            ("name lookup", lambda: socket.getaddrinfo("example.org", 443)),
            ("connection", _connect_out),
            ("program start", lambda: subprocess.run(["true"], check=False)),
            ("ctypes load", _load_libc),
        ):
            try:
                attempt()
            except (netguard.NetworkBlocked, netguard.SpawnBlocked, netguard.ForeignCodeBlocked):
                refused.append(label)
            except OSError:
                pass  # failed some other way: not the guard's doing
    finally:
        if not was_locked:
            netguard.release()
        netguard.install(was_enabled)
        netguard.log.disabled = quiet
    missed = {"name lookup", "connection", "program start", "ctypes load"} - set(refused)
    if missed:
        return Check("network guard", "fail", f"not refused: {', '.join(sorted(missed))}")
    return Check("network guard", "ok", "refused a name lookup, a connection, a program start and a ctypes load")


def _connect_out() -> None:
    import socket

    with socket.socket() as s:
        s.settimeout(1)
        s.connect(("192.0.2.1", 443))  # TEST-NET-1: never routed, and refused before any packet


def _load_libc() -> None:
    import ctypes

    ctypes.CDLL("libc.so.6")


def isolation_check() -> Check:
    from spill.isolation import probe

    status = probe()
    if status.available:
        return Check("isolation", "ok", f"{status.method}: scan workers cannot reach any network, even from native "
                                        "code (spill scan isolates by default)")
    return Check("isolation", "warn", f"not available ({status.reason}); scans fall back to the in-process guard")


def render(checks: Sequence[Check]) -> tuple[list[str], int]:
    """Lines to print and the exit code (1 when any check failed)."""
    width = max(len(c.name) for c in checks)
    lines = [f"{c.status:<5} {c.name:<{width}}  {c.detail}" for c in checks]
    failed = [c for c in checks if c.status == "fail"]
    if failed:
        lines.append(f"spill: doctor: {len(failed)} problem(s): fix them before scanning")
        return lines, 1
    warned = sum(c.status == "warn" for c in checks)
    tail = f" ({warned} warning(s))" if warned else ""
    lines.append(f"spill: doctor: ready; nothing here needs the network{tail}")
    return lines, 0
