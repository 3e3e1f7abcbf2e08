"""Tar archives, plain or compressed (gzip, bzip2, xz): regular files as streamed ``Member``s.

Read: each regular file in archive order, with its sanitized name (``names.sanitize_name``;
duplicates become ``a (2).csv``), size and mtime. Directories are not yielded. Links and special
entries are yielded as ``Member``s whose ``open()`` raises ``Skipped`` — ``symlink in archive``,
``hard link in archive``, ``device in archive``, ``fifo in archive`` — so the engine records them.

Limits: decompressed bytes are charged to the top-level file's ``Budget`` and the running
expansion ratio is checked as the data streams (``Skipped("tar bomb: ratio N > M")``); a header
claiming a pax/long-name block over 1 MiB → ``Skipped``; more than ``limits.max_members`` entries →
``Skipped("too many members: ...")`` once passed (members before it were yielded). A header that
cannot be parsed at the start → ``Unreadable("corrupt tar: ...")``; later garbage ends the archive.

Streaming: on a seekable stream a member may be opened any number of times, and opening each member
before advancing the generator (the natural order) never re-reads compressed data. On a
non-seekable stream the archive is read in one pass: open a member before advancing the generator,
and only once (later opens raise ``Unreadable``).
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import tarfile
from collections.abc import Callable, Iterator
from typing import BinaryIO

from spill.errors import Skipped, SpillError, Unreadable
from spill.model import Segment

from .base import Budget, Limits, Member, current_budget
from .names import UniqueNames, sanitize_name
from .streams import MemberStream, peek, short_reason

_MAX_META = 1 << 20
_META_TYPES = (tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK, b"x", b"g")


def compression(head: bytes) -> str | None:
    """``gzip``, ``bz2`` or ``xz`` from a stream's first bytes, else None."""
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(b"BZh"):
        return "bz2"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "xz"
    return None


def decompressed(stream: BinaryIO, method: str, limits: Limits, budget: Budget, name: str = "") -> MemberStream:
    """A guarded stream of the decompressed data of ``stream`` (budget and ratio checked)."""
    counted = MemberStream(stream, what=f"{method} data")
    inner: BinaryIO
    if method == "gzip":
        inner = gzip.GzipFile(fileobj=counted, mode="rb")  # type: ignore[assignment]
    elif method == "bz2":
        inner = bz2.BZ2File(counted)  # type: ignore[assignment]
    else:
        inner = lzma.LZMAFile(counted)  # type: ignore[assignment]  # noqa: SIM115 (lives as long as the member)
    return MemberStream(
        inner,
        name=name,
        budget=budget,
        limits=limits,
        compressed_tell=counted.tell,
        bomb_label=f"{method} bomb",
        what=f"{method} data",
    )


def _seekable(stream: BinaryIO) -> bool:
    try:
        return bool(stream.seekable())
    except (OSError, ValueError):
        return False


def extract(stream: BinaryIO, limits: Limits) -> Iterator[Segment | Member]:
    budget = current_budget(limits)
    head, stream = peek(stream, 8)
    seekable = _seekable(stream)
    method = compression(head)
    source: BinaryIO = decompressed(stream, method, limits, budget) if method else stream  # type: ignore[assignment]
    try:
        tf = tarfile.open(  # noqa: SIM115 (members are opened after this function yields)
            fileobj=source, mode="r:" if seekable else "r|", encoding="utf-8", errors="surrogateescape"
        )
    except SpillError:
        raise
    except Exception as err:
        raise Unreadable(f"corrupt tar: {short_reason(err)}") from err
    plain = seekable and not method
    unique = UniqueNames()
    count = 0
    while True:
        if plain:
            _check_meta_header(source, tf.offset)
        try:
            info = tf.next()
        except SpillError:
            raise
        except Exception as err:
            raise Unreadable(f"corrupt tar: {short_reason(err)}") from err
        if info is None:
            return
        tf.members = []  # tarfile keeps every header otherwise; memory must not grow with the archive
        count += 1
        if count > limits.max_members:
            raise Skipped(f"too many members: more than {limits.max_members}")
        if info.isdir():
            continue
        name = unique(sanitize_name(info.name))
        yield Member(name, open=_opener(tf, info, name, seekable), size=info.size, mtime=float(info.mtime))


def _check_meta_header(source: BinaryIO, offset: int) -> None:
    """Refuse a pax / GNU long-name header whose data tarfile would read whole into memory."""
    pos = source.tell()
    try:
        source.seek(offset)
        block = source.read(512)
    finally:
        source.seek(pos)
    if len(block) < 512 or block[156:157] not in _META_TYPES:
        return
    try:
        size = tarfile.nti(block[124:136])
    except (tarfile.HeaderError, ValueError):
        return
    if size > _MAX_META:
        raise Skipped(f"tar: oversized extended header ({size} bytes)")


def _opener(tf: tarfile.TarFile, info: tarfile.TarInfo, name: str, seekable: bool) -> Callable[[], BinaryIO]:
    problem = _problem(info)
    opened = False

    def open_member() -> BinaryIO:
        nonlocal opened
        if problem is not None:
            raise problem
        if opened and not seekable:
            raise Unreadable("tar member already read (archive is not seekable)")
        opened = True
        try:
            inner = tf.extractfile(info)
        except SpillError:
            raise
        except Exception as err:
            raise Unreadable(f"corrupt tar member: {short_reason(err)}") from err
        if inner is None:
            raise Skipped("not a regular file")
        return MemberStream(inner, name=name, what="tar member")  # type: ignore[return-value]

    return open_member


def _problem(info: tarfile.TarInfo) -> Skipped | None:
    if info.isreg():
        return None
    if info.issym():
        return Skipped("symlink in archive")
    if info.islnk():
        return Skipped("hard link in archive")
    if info.ischr() or info.isblk():
        return Skipped("device in archive")
    if info.isfifo():
        return Skipped("fifo in archive")
    return Skipped("not a regular file")
