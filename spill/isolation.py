"""OS-level isolation: scan workers in a network namespace of their own, where the OS offers one.

The in-process guard (``spill.netguard``) sees what Python code does; native code that is
already loaded (a compiled dependency calling ``connect(2)`` itself) passes it. On Linux a
worker therefore moves itself into a new network namespace before it loads anything that
reads evidence: the namespace has no interface up, not even loopback, so every connect
fails in the kernel with ``ENETUNREACH`` ("Network is unreachable"), whoever makes it.

Order in a worker: the guard is on from the forkserver's first preload; the worker enters
the namespace (``unshare(2)``: needs a single-threaded process, which a freshly forked
worker is, and on Python 3.11 a ctypes call to libc, so it comes before the ctypes
lock-down); then it loads the detector and extractors; then it locks down spawning and
foreign code (``netguard.lock_down``). As root only ``CLONE_NEWNET`` is needed; an
ordinary user gets it inside a new user namespace that maps their own uid and gid to
themselves, so file access is unchanged.

``probe`` tells whether this works here, by trying it in a short-lived child process.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
PROBE_TIMEOUT = 20.0


class IsolationError(OSError):
    """This process could not be moved into a network namespace."""


@dataclass(frozen=True, slots=True)
class IsolationStatus:
    available: bool
    method: str  # how a worker isolates itself, e.g. "network namespace (user namespace)"
    reason: str  # why not, when not available

    def describe(self) -> str:
        return f"available: {self.method}" if self.available else f"not available: {self.reason}"


def isolation_mode(isolate: bool) -> str:
    """The mode a scan records in its options and the case's meta."""
    return "network-namespace" if isolate else "in-process-guard"


def enter_network_namespace() -> str:
    """Move this process into a new, empty network namespace; returns how. Raises IsolationError."""
    if not sys.platform.startswith("linux"):
        raise IsolationError(errno.ENOSYS, f"network namespaces are a Linux feature (this is {sys.platform})")
    if os.geteuid() == 0:
        try:
            _unshare(CLONE_NEWNET)
            return "network namespace"
        except OSError:
            pass  # root without CAP_SYS_ADMIN (a container): a user namespace may still be allowed
    uid, gid = os.geteuid(), os.getegid()
    try:
        _unshare(CLONE_NEWUSER | CLONE_NEWNET)
    except OSError as err:
        raise IsolationError(err.errno, f"unshare(user+network namespace) refused: {err.strerror}") from err
    # map our own ids to themselves, so files keep their owner and access rights
    _write_proc("/proc/self/setgroups", "deny")
    _write_proc("/proc/self/uid_map", f"{uid} {uid} 1")
    _write_proc("/proc/self/gid_map", f"{gid} {gid} 1")
    return "network namespace (user namespace)"


def _unshare(flags: int) -> None:
    if hasattr(os, "unshare"):  # Python 3.12+
        os.unshare(flags)
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(ctypes.c_int(flags)) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))


def _write_proc(path: str, text: str) -> None:
    try:
        with open(path, "w") as fh:
            fh.write(text)
    except OSError as err:
        raise IsolationError(err.errno, f"cannot write {path}: {err.strerror}") from err


@lru_cache(maxsize=1)
def probe() -> IsolationStatus:
    """Whether workers can isolate themselves here (tried once per process, in a child)."""
    if not sys.platform.startswith("linux"):
        return IsolationStatus(False, "", f"network namespaces are a Linux feature (this is {sys.platform})")
    try:
        done = subprocess.run([sys.executable, "-I", "-m", "spill.isolation"], capture_output=True, text=True,
                              timeout=PROBE_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError) as err:
        return IsolationStatus(False, "", f"could not start the probe: {err}")
    lines = done.stdout.strip().splitlines()
    if done.returncode == 0 and lines:
        return IsolationStatus(True, lines[-1], "")
    why = (done.stderr.strip().splitlines() or [f"probe exited {done.returncode}"])[-1]
    return IsolationStatus(False, "", why)


def _probe_child() -> int:
    """In the probe's child: enter a namespace and check that it really has no network."""
    try:
        method = enter_network_namespace()
    except OSError as err:
        print(err.strerror or str(err), file=sys.stderr)
        return 1
    import socket

    with socket.socket() as s:
        try:
            s.connect(("127.0.0.1", 9))  # loopback is down in a fresh namespace: unreachable
        except OSError as err:
            if err.errno != errno.ENETUNREACH:
                print(f"the namespace still has a network ({err.strerror})", file=sys.stderr)
                return 1
        else:
            print("the namespace still has a network (loopback connected)", file=sys.stderr)
            return 1
    print(method)
    return 0


if __name__ == "__main__":
    from spill import netguard

    netguard.install(True)  # this child is one of spill's processes too
    sys.exit(_probe_child())
