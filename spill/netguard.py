"""The no-network guard: during a scan (and in the TUI) nothing may leave the machine.

An audit hook (PEP 578) sees every ``socket.getaddrinfo``, ``socket.gethostbyname``
and ``socket.connect`` made by any library in this process; while the guard is on, a
name lookup or a connection to anything but loopback or a Unix socket raises
:class:`NetworkBlocked` in the caller and is recorded in :data:`attempts`. Audit hooks
cannot be removed, so :func:`install` adds the hook once and ``enable``/``disable``
switch it. Worker processes call :func:`install` themselves (hooks are per process).
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
_state = {"installed": False, "enabled": False}
_lock = threading.Lock()
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


class NetworkBlocked(ConnectionRefusedError):
    """Raised in whatever library tried to reach the network during a scan."""


def install(enabled: bool = True) -> None:
    """Add the audit hook (once per process) and switch it on or off."""
    with _lock:
        if not _state["installed"]:
            sys.addaudithook(_hook)
            _state["installed"] = True
        _state["enabled"] = enabled


def enable() -> None:
    install(True)


def disable() -> None:
    _state["enabled"] = False


def is_enabled() -> bool:
    return bool(_state["enabled"])


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _state["enabled"] or not event.startswith("socket."):
        return
    if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
                 "socket.gethostbyaddr"):
        host = args[0] if args else None
        if not _is_local_host(host):
            _refuse(f"{event}({host!r})")
    elif event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        sock, address = (args[0], args[1]) if len(args) > 1 else (None, None)
        family = getattr(sock, "family", None)
        if family == getattr(socket, "AF_UNIX", object()):
            return
        host = address[0] if isinstance(address, tuple) and address else address
        if not _is_local_host(host):
            _refuse(f"{event}({address!r})")


def _is_local_host(host: object) -> bool:
    if host is None:
        return True  # getaddrinfo(None, port): the local wildcard, never the network
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    name = host.strip("[]").lower()
    if name in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(name.split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(what: str) -> None:
    attempts.append(what)
    log.warning("network access refused during scan: %s", what)
    raise NetworkBlocked(f"spill: network access refused (offline tool): {what}")
