"""Enumerate a share without following links, and hash what is there (chain of custody).

Paths are handled as bytes so a file name that is not valid UTF-8 survives; it is shown
and stored with ``\\xNN`` escapes (:func:`display_path`), as are a literal backslash
(``\\x5c``) and a ``!`` that ends a name (``\\x21``, so a stored path splits
unambiguously at ``!/``); :func:`fs_path` maps a stored path back. Nothing here opens a
file for writing.

Every file and folder is opened one component at a time below the scan root (``openat``
with ``O_NOFOLLOW``, :class:`SourcePath`): no symlink is followed anywhere on the way, a
path from a tampered case that climbs out of the root (``../../etc/passwd``,
``/etc/hostname``) is refused with :class:`~spill.errors.OutsideRoot`, and a file nested
deeper than ``PATH_MAX`` is read like any other.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from spill.errors import OutsideRoot

HASH_CHUNK = 1024 * 1024
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


@dataclass(frozen=True, slots=True)
class SourcePath:
    """A file or folder below the scan root, opened component by component (see the module docstring).

    ``rel`` is the raw relative path (``/`` separated bytes, no empty, ``.`` or ``..`` part).
    """

    root: bytes
    rel: bytes

    def __fspath__(self) -> bytes:
        return os.path.join(self.root, self.rel) if self.rel else self.root

    def open(self, *, directory: bool = False) -> int:
        """A read-only descriptor (non-blocking: a FIFO swapped in does not hang the scan)."""
        parts = self.rel.split(b"/") if self.rel else []
        fd = os.open(self.root, os.O_RDONLY | _DIRECTORY)
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            flags = os.O_RDONLY | _NOFOLLOW
            flags |= (_NONBLOCK | (_DIRECTORY if directory else 0)) if last else _DIRECTORY
            try:
                nxt = os.open(part, flags, dir_fd=fd)
            except OSError as err:
                try:
                    _refuse_link(fd, part, err)
                finally:
                    os.close(fd)
                raise
            os.close(fd)
            fd = nxt
        return fd


def _refuse_link(dir_fd: int, part: bytes, err: OSError) -> None:
    """A symlink on the way is refused as such (spill never follows links), not as a puzzling ELOOP."""
    try:
        st = os.stat(part, dir_fd=dir_fd, follow_symlinks=False)
    except OSError:
        return
    if stat.S_ISLNK(st.st_mode):
        raise OutsideRoot(f"{os.fsdecode(part)} is a symbolic link; spill never follows links") from err


@dataclass(frozen=True, slots=True)
class Entry:
    """One thing found under the root: a regular file to scan, or something to record as skipped."""

    path: str  # relative display path, '/' separated
    fs_path: SourcePath  # where it is on disk
    size: int | None
    mtime: float | None
    skip_reason: str | None = None  # set for links, fifos, devices, unreadable folders
    error: bool = False  # the reason is an error (unreadable) rather than a deliberate skip


def display_path(raw: bytes) -> str:
    r"""Decode a relative path; bytes that are not UTF-8 become ``\xNN`` escapes, and so do a literal
    backslash (``\x5c``) and a ``!`` ending a name (``\x21``)."""
    parts = raw.replace(os.fsencode(os.sep), b"/").split(b"/")
    return "/".join(_display_part(p) for p in parts)


def _display_part(raw: bytes) -> str:
    text = raw.decode("utf-8", "backslashreplace") if b"\\" not in raw else "\\x5c".join(
        piece.decode("utf-8", "backslashreplace") for piece in raw.split(b"\\"))
    stripped = text.rstrip("!")
    return stripped + "\\x21" * (len(text) - len(stripped))


_ESCAPE = re.compile(r"\\x([0-9a-f]{2})")


def fs_path(root: Path | bytes | str, rel: str) -> SourcePath:
    """Where a stored (display) path is on disk, below ``root`` (inverse of :func:`display_path`).

    Raises ``OutsideRoot`` for a path that is absolute or climbs out of the root: a case file is
    data, and a tampered one must not make spill read ``/etc/passwd``.
    """
    raw = rel.encode("utf-8", "surrogateescape")
    raw = _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]).decode("latin-1"), raw.decode("latin-1")).encode(
        "latin-1")
    parts = raw.split(b"/")
    if raw.startswith(b"/") or any(p in (b"", b".", b"..") for p in parts) or b"\x00" in raw:
        raise OutsideRoot(f"refusing {rel!r}: it is not a path inside the scan root (a tampered case?)")
    return SourcePath(os.fsencode(root), raw)


def walk(root: Path) -> Iterator[Entry]:
    """Yield every entry under ``root`` in a stable order; never follows symlinks."""
    base = os.fsencode(root)
    yield from _walk_dir(base, b"")


def _walk_dir(base: bytes, rel_dir: bytes) -> Iterator[Entry]:
    here = SourcePath(base, rel_dir)
    try:
        fd = here.open(directory=True)
    except (OSError, OutsideRoot) as err:
        if rel_dir:
            reason = err.strerror if isinstance(err, OSError) else str(err)
            yield Entry(display_path(rel_dir), here, None, None, f"unreadable folder: {reason}", True)
        return
    listed: list[tuple[bytes, os.stat_result | OSError]] = []
    try:
        with os.scandir(fd) as it:
            for e in it:
                try:
                    listed.append((os.fsencode(e.name), e.stat(follow_symlinks=False)))
                except OSError as err:
                    listed.append((os.fsencode(e.name), err))
    except OSError as err:
        if rel_dir:
            yield Entry(display_path(rel_dir), here, None, None, f"unreadable folder: {err.strerror}", True)
        return
    finally:
        os.close(fd)
    for name, st in sorted(listed, key=lambda item: item[0]):
        rel = rel_dir + b"/" + name if rel_dir else name
        where = SourcePath(base, rel)
        if isinstance(st, OSError):
            yield Entry(display_path(rel), where, None, None, f"vanished or unreadable: {st.strerror}", True)
            continue
        mode = st.st_mode
        if stat.S_ISLNK(mode):
            yield Entry(display_path(rel), where, None, st.st_mtime, "symlink (not followed)")
        elif stat.S_ISDIR(mode):
            yield from _walk_dir(base, rel)
        elif stat.S_ISREG(mode):
            yield Entry(display_path(rel), where, st.st_size, st.st_mtime)
        else:
            what = ("fifo" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode)
                    else "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "special file")
            yield Entry(display_path(rel), where, None, st.st_mtime, f"not a regular file ({what})")


def open_fd(path: SourcePath | bytes | str) -> int:
    """A read-only descriptor of a file that is not followed through a link (below the root for a SourcePath)."""
    if isinstance(path, SourcePath):
        return path.open()
    return os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK)


def sha256_file(path: SourcePath | bytes | str) -> str:
    """sha256 of a regular file, read in chunks; raises OSError (vanished, permission) or OutsideRoot."""
    digest = hashlib.sha256()
    fd = open_fd(path)
    with os.fdopen(fd, "rb", buffering=0) as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise OSError("not a regular file")
        while chunk := fh.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
