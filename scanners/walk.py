"""Enumerate a share without following links, and hash what is there (chain of custody).

Paths are handled as bytes so a file name that is not valid UTF-8 survives; it is shown
and stored with ``\\xNN`` escapes (:func:`display_path`) and mapped back by
:func:`fs_path`. Nothing here opens a file for writing.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HASH_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Entry:
    """One thing found under the root: a regular file to scan, or something to record as skipped."""

    path: str  # relative display path, '/' separated
    fs_path: bytes  # absolute path on disk
    size: int | None
    mtime: float | None
    skip_reason: str | None = None  # set for links, fifos, devices, unreadable folders
    error: bool = False  # the reason is an error (unreadable) rather than a deliberate skip


def display_path(raw: bytes) -> str:
    r"""Decode a relative path; bytes that are not UTF-8 become ``\xNN`` escapes."""
    return raw.decode("utf-8", "backslashreplace").replace(os.sep, "/")


_ESCAPE = re.compile(r"\\x([0-9a-f]{2})")


def fs_path(root: Path, rel: str) -> bytes:
    """The on-disk path of a display path (inverse of :func:`display_path`)."""
    raw = rel.encode("utf-8", "surrogateescape")
    raw = _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]).decode("latin-1"), raw.decode("latin-1")).encode(
        "latin-1")
    return os.path.join(os.fsencode(root), raw.replace(b"/", os.fsencode(os.sep)))


def walk(root: Path) -> Iterator[Entry]:
    """Yield every entry under ``root`` in a stable order; never follows symlinks."""
    base = os.fsencode(root)
    yield from _walk_dir(base, b"")


def _walk_dir(base: bytes, rel_dir: bytes) -> Iterator[Entry]:
    full_dir = os.path.join(base, rel_dir) if rel_dir else base
    try:
        with os.scandir(full_dir) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as err:
        if rel_dir:
            yield Entry(display_path(rel_dir), full_dir, None, None, f"unreadable folder: {err.strerror}", True)
        return
    for e in entries:
        rel = os.path.join(rel_dir, e.name) if rel_dir else e.name
        try:
            st = e.stat(follow_symlinks=False)
        except OSError as err:
            yield Entry(display_path(rel), e.path, None, None, f"vanished or unreadable: {err.strerror}", True)
            continue
        mode = st.st_mode
        if stat.S_ISLNK(mode):
            yield Entry(display_path(rel), e.path, None, st.st_mtime, "symlink (not followed)")
        elif stat.S_ISDIR(mode):
            yield from _walk_dir(base, rel)
        elif stat.S_ISREG(mode):
            yield Entry(display_path(rel), e.path, st.st_size, st.st_mtime)
        else:
            what = ("fifo" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode)
                    else "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "special file")
            yield Entry(display_path(rel), e.path, None, st.st_mtime, f"not a regular file ({what})")


def sha256_file(path: bytes | str) -> str:
    """sha256 of a regular file, read in chunks; raises OSError (vanished, permission)."""
    digest = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb", buffering=0) as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise OSError("not a regular file")
        while chunk := fh.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
