"""A stand-in for a compiled dependency: it links libc's ``socket`` and ``connect`` when imported
(as a C extension does at load time) and calls them later, natively: no audit event, so the
in-process guard never sees the connection. Only a network namespace stops it."""

from __future__ import annotations

import ctypes
import socket
import struct

_LIBC = ctypes.CDLL(None, use_errno=True)
_SOCKET = _LIBC.socket
_CONNECT = _LIBC.connect
_CLOSE = _LIBC.close


def native_connect(host: str, port: int) -> int:
    """connect(2) to an IPv4 address from native code; returns 0 or the errno."""
    fd = _SOCKET(socket.AF_INET, socket.SOCK_STREAM, 0)
    if fd < 0:
        return ctypes.get_errno()
    address = struct.pack("=H", socket.AF_INET) + struct.pack("!H", port) + socket.inet_aton(host) + bytes(8)
    try:
        done = _CONNECT(fd, ctypes.c_char_p(address), len(address))
        return 0 if done == 0 else ctypes.get_errno()
    finally:
        _CLOSE(fd)
