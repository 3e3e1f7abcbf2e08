"""The no-network guard: nothing spill runs may leave the machine, start a program or load foreign code.

An audit hook (PEP 578) sees every ``socket.getaddrinfo``, ``socket.gethostbyname``
and ``socket.connect`` made by any library in this process; while the guard is on, a
name lookup or a connection to anything but loopback or a Unix socket raises
:class:`NetworkBlocked` in the caller and is recorded in :data:`attempts`.

A scan worker goes further once its own code is loaded (:func:`lock_down`): starting a
program (``subprocess.Popen``, ``os.system``, ``os.exec*``, ``os.posix_spawn``,
``os.spawn*``, ``pty.spawn``, and the ``_posixsubprocess.fork_exec`` call that raises no
audit event of its own) raises :class:`SpawnBlocked`, and loading a shared library or
looking up a symbol through ``ctypes`` raises :class:`ForeignCodeBlocked`: a curl started
by a dependency, or libc's ``connect`` called through ctypes, would pass a socket-only
guard. Native code already loaded can still call the network directly; that is what the
OS-level isolation (``spill.isolation``) is for.

Audit hooks cannot be removed, so :func:`install` adds the hook once and ``enable``/
``disable``/``lock_down``/``release`` switch it. Hooks are per process and survive a
fork: the CLI installs it first thing, the forkserver's first preload (``spill.guard_on``)
installs it before any other module, and each worker installs it again.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import sys
import threading
from typing import Any

log = logging.getLogger("spill.netguard")

attempts: list[str] = []
_state = {"installed": False, "enabled": False, "locked": False}
#: Hosts a scan on a cluster may reach besides loopback: exactly the address the user named (``allow``).
_allowed: set[str] = set()
_lock = threading.Lock()
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
_LOOKUPS = ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr")
_SENDS = ("socket.connect", "socket.sendto", "socket.sendmsg")
# every way the standard library starts another program
_SPAWNS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.forkpty", "pty.spawn",
           "os.startfile")
# loading a shared library or resolving one of its symbols (libc's connect, say)
_FOREIGN = ("ctypes.dlopen", "ctypes.dlsym", "ctypes.dlsym/handle")


class NetworkBlocked(ConnectionRefusedError):
    """Raised in whatever library tried to reach the network."""


class SpawnBlocked(PermissionError):
    """Raised in whatever library tried to start a program during a scan."""


class ForeignCodeBlocked(PermissionError):
    """Raised in whatever library tried to load native code through ctypes during a scan."""


def install(enabled: bool = True) -> None:
    """Add the audit hook (once per process) and switch the network guard on or off."""
    with _lock:
        if not _state["installed"]:
            sys.addaudithook(_hook)
            _wrap_fork_exec()
            _state["installed"] = True
        _state["enabled"] = enabled


def enable() -> None:
    install(True)


def disable() -> None:
    _state["enabled"] = False


def is_enabled() -> bool:
    return bool(_state["enabled"])


def lock_down() -> None:
    """From now on refuse starting programs and loading foreign code too (a worker, once loaded)."""
    install(True)
    _state["locked"] = True


def release() -> None:
    """Allow programs and ctypes again (the scan is over); the network guard stays as it was."""
    _state["locked"] = False


def is_locked_down() -> bool:
    return bool(_state["locked"])


def allow(host: str) -> list[str]:
    """Let this process reach ``host`` (a cluster's head named on the command line) besides loopback.

    A name is resolved once, here, and its addresses are allowed with it; returns what is allowed
    now. Nothing else is: the guard still refuses every other lookup and connection.
    """
    name = host.strip("[]").lower()
    if not name:
        return sorted(_allowed)
    _allowed.add(name)
    try:
        ipaddress.ip_address(name.split("%")[0])
    except ValueError:  # a name: its addresses too (the lookup is allowed now that the name is)
        for info in socket.getaddrinfo(name, None):
            _allowed.add(str(info[4][0]).lower())
    return sorted(_allowed)


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine's loopback (a name like localhost, or 127.0.0.0/8, ::1)."""
    name = host.strip("[]").lower()
    if name in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(name.split("%")[0]).is_loopback
    except ValueError:
        return False


def disallow_all() -> None:
    """Forget every allowed host (the cluster scan is over)."""
    _allowed.clear()


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if _state["locked"]:
        if event in _SPAWNS:
            _refuse(f"{event}({_first(args)!r})", SpawnBlocked, "starting a program")
        elif event in _FOREIGN:
            _refuse(f"{event}({_first(args)!r})", ForeignCodeBlocked, "loading native code")
    if not _state["enabled"] or not event.startswith("socket."):
        return
    if event in _LOOKUPS:
        host = args[0] if args else None
        if not _is_local_host(host):
            _refuse(f"{event}({host!r})")
    elif event in _SENDS:
        sock, address = (args[0], args[1]) if len(args) > 1 else (None, None)
        family = getattr(sock, "family", None)
        if family == getattr(socket, "AF_UNIX", object()):
            return
        host = address[0] if isinstance(address, tuple) and address else address
        if not _is_local_host(host):
            _refuse(f"{event}({address!r})")


def _wrap_fork_exec() -> None:
    """``_posixsubprocess.fork_exec`` starts a program without an audit event: guard it by hand.

    ``subprocess`` and ``multiprocessing`` look the function up on the module at each call, so
    the wrapper sees them; code that kept its own reference to it is left to the OS isolation.
    """
    try:
        import _posixsubprocess
    except ImportError:  # not a POSIX system
        return
    original = _posixsubprocess.fork_exec

    def fork_exec(*args: Any, **kwargs: Any) -> Any:
        if _state["locked"]:
            _refuse(f"_posixsubprocess.fork_exec({_first(args)!r})", SpawnBlocked, "starting a program")
        return original(*args, **kwargs)

    _posixsubprocess.fork_exec = fork_exec


def _first(args: tuple[Any, ...]) -> Any:
    return args[0] if args else None


def _is_local_host(host: object) -> bool:
    if host is None:
        return True  # getaddrinfo(None, port): the local wildcard, never the network
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    name = host.strip("[]").lower()
    if name in _LOCAL_NAMES or name in _allowed:
        return True
    try:
        return ipaddress.ip_address(name.split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(what: str, error: type[OSError] = NetworkBlocked, doing: str = "network access") -> None:
    attempts.append(what)
    log.warning("%s refused: %s", doing, what)
    raise error(f"spill: {doing} refused (offline tool): {what}")
