"""A single compressed stream (gzip, bzip2 or xz): one ``Member``, or a tar's members.

When the decompressed data starts with a tar header the stream is read as a tar (see ``tar``).
Otherwise one ``Member`` is yielded: ``x.csv.gz`` → ``x.csv``. Its name is the stream's ``name``
(real files and members opened by these extractors have one) without ``.gz``/``.gzip``/``.z``/
``.bz2``/``.xz``; failing that the name stored in the gzip header; failing that ``data``. Its
``open()`` streams the decompressed bytes, charged to the top-level ``Budget`` with the running
expansion ratio checked (``Skipped("gzip bomb: ratio N > M")``); corrupt or truncated data raises
``Unreadable`` while reading. On a non-seekable stream the member can be opened once.
"""

from __future__ import annotations

import bz2
import lzma
import posixpath
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from spill.errors import Unreadable
from spill.model import Segment

from . import tar
from .base import Limits, Member, current_budget
from .kinds import is_tar_header
from .names import sanitize_name
from .streams import peek

_SUFFIXES = (".gz", ".gzip", ".z", ".bz2", ".xz")
_HEAD = 1 << 14


def extract(stream: BinaryIO, limits: Limits) -> Iterator[Segment | Member]:
    head, stream = peek(stream, _HEAD)
    method = tar.compression(head)
    if method is None:
        raise Unreadable("not a gzip, bzip2 or xz stream")
    if is_tar_header(_inflate(head, method)):
        yield from tar.extract(stream, limits)
        return
    budget = current_budget(limits)
    name = member_name(getattr(stream, "name", None), head if method == "gzip" else b"")
    seekable = _seekable(stream)
    start = stream.tell() if seekable else 0
    opened = False

    def open_member() -> BinaryIO:
        nonlocal opened
        if seekable:
            stream.seek(start)
        elif opened:
            raise Unreadable("compressed stream already read (not seekable)")
        opened = True
        return tar.decompressed(stream, method, limits, budget, name=name)  # type: ignore[return-value]

    yield Member(name, open=open_member, size=None)


def member_name(outer: object, gzip_head: bytes) -> str:
    """``x.csv`` for ``x.csv.gz`` (see module docstring)."""
    if isinstance(outer, bytes):
        outer = outer.decode("utf-8", errors="surrogateescape")
    if isinstance(outer, str) and outer:
        base = posixpath.basename(outer.replace("\\", "/"))
        stem, ext = posixpath.splitext(base)
        if ext.lower() in _SUFFIXES and stem:
            return sanitize_name(stem)
    stored = _gzip_fname(gzip_head)
    if stored:
        return sanitize_name(posixpath.basename(stored.replace("\\", "/")))
    return "data"


def _gzip_fname(head: bytes) -> str | None:
    if len(head) < 10 or not head[3] & 0x08:
        return None
    pos = 10
    if head[3] & 0x04:
        if len(head) < 12:
            return None
        pos += 2 + int.from_bytes(head[10:12], "little")
    end = head.find(b"\x00", pos)
    if end <= pos:
        return None
    return head[pos:end].decode("latin-1")


def _inflate(head: bytes, method: str) -> bytes:
    try:
        if method == "gzip":
            return zlib.decompressobj(31).decompress(head, 1024)
        if method == "bz2":
            return bz2.BZ2Decompressor().decompress(head, 1024)
        return lzma.LZMADecompressor().decompress(head, 1024)
    except (zlib.error, OSError, EOFError, ValueError, lzma.LZMAError):
        return b""


def _seekable(stream: BinaryIO) -> bool:
    try:
        return bool(stream.seekable())
    except (OSError, ValueError):
        return False
