"""Stream helpers shared by the extractors: guarded member streams, buffering, peeking, bomb checks.

Nothing here touches the file system: archive members are streamed or, when a parser needs to
seek (zip, OOXML, PDF, .msg), held in memory up to ``Limits.max_member_buffer``.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from typing import BinaryIO

from spill.errors import Skipped, SpillError, Unreadable

from .base import Budget, Limits

# Expanded sizes below this are never called a bomb, however well they compress (a 10 KB file of
# empty CSV fields compresses 500:1 and is not an attack).
RATIO_FLOOR = 1 << 20

_CHEAP_SEEK = (io.BytesIO, io.BufferedReader, io.BufferedRandom, io.FileIO)
_READ_BLOCK = 1 << 16
_MAX_INNER_READ = 1 << 20


def is_cheaply_seekable(stream: BinaryIO) -> bool:
    """True for streams where a backwards seek costs nothing (memory, real files)."""
    if getattr(stream, "cheap_seek", False):
        return True
    if isinstance(stream, _CHEAP_SEEK):
        try:
            return bool(stream.seekable())
        except (OSError, ValueError):
            return False
    return False


def read_capped(stream: BinaryIO, cap: int, what: str = "file") -> bytes:
    """All of ``stream``, or ``Skipped`` when it holds more than ``cap`` bytes."""
    parts: list[bytes] = []
    total = 0
    while True:
        block = stream.read(min(_READ_BLOCK * 16, cap + 1 - total))
        if not block:
            break
        parts.append(block)
        total += len(block)
        if total > cap:
            raise Skipped(f"{what} too large to hold in memory: more than {cap} bytes")
    return b"".join(parts)


def ensure_seekable(stream: BinaryIO, limits: Limits, what: str = "file") -> BinaryIO:
    """``stream`` itself when seeking it is cheap, else its bytes in memory (bounded)."""
    if is_cheaply_seekable(stream):
        return stream
    return io.BytesIO(read_capped(stream, limits.max_member_buffer, what))


class NamedBytes(io.BytesIO):
    """Bytes in memory that carry their member name (see ``gzip``: ``x.csv.gz`` → ``x.csv``)."""

    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name


def read_head(stream: BinaryIO, n: int) -> bytes:
    """Up to ``n`` bytes (fewer only at end of stream), looping over short reads."""
    parts: list[bytes] = []
    got = 0
    while got < n:
        block = stream.read(n - got)
        if not block:
            break
        parts.append(block)
        got += len(block)
    return b"".join(parts)


def peek(stream: BinaryIO, n: int) -> tuple[bytes, BinaryIO]:
    """The first ``n`` bytes, and a stream that still starts at the same place."""
    if _seekable(stream):
        pos = stream.tell()
        head = read_head(stream, n)
        stream.seek(pos)
        return head, stream
    head = read_head(stream, n)
    return head, ChainStream(head, stream)


def _seekable(stream: BinaryIO) -> bool:
    try:
        return bool(stream.seekable())
    except (OSError, ValueError, AttributeError):
        return False


class ChainStream(io.RawIOBase):
    """Bytes already read (a peeked head) followed by the rest of a stream."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        super().__init__()
        self._head = memoryview(head)
        self._rest = rest
        self.name = getattr(rest, "name", "")

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._head.nbytes:
            n = min(len(b), self._head.nbytes)
            b[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(b))
        b[: len(data)] = data
        return len(data)


class MemberStream(io.RawIOBase):
    """A member's bytes as read from its container, with the guards the engine relies on.

    ``read(n)`` returns ``n`` bytes unless the member ends first (never a short read).

    - every parser error while reading (bad CRC, truncated deflate/gzip/bz2/xz data) becomes
      ``Unreadable``, so the engine only ever sees spill's errors;
    - bytes are charged to the top-level file's ``Budget`` (by high-water mark, so seeking back
      and re-reading is not double counted): past it, ``Skipped("expanded size limit: ...")``;
    - with ``compressed_tell``, the expansion ratio is checked as the data streams, which catches
      a member that lies about its size: ``Skipped("<label>: ratio N > M")``.
    ``name`` is the member's (sanitized) name, so a nested single-file gzip can name its member.
    """

    def __init__(
        self,
        inner: BinaryIO,
        *,
        name: str = "",
        budget: Budget | None = None,
        limits: Limits | None = None,
        compressed_tell: Callable[[], int] | None = None,
        bomb_label: str = "bomb",
        what: str = "member",
    ) -> None:
        super().__init__()
        self._inner = inner
        self.name = name
        self._budget = budget
        self._limits = limits
        self._compressed_tell = compressed_tell
        self._bomb_label = bomb_label
        self._what = what
        self._pos = 0
        self._high = 0
        self.cheap_seek = False

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return _seekable(self._inner)

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        try:
            self._pos = self._inner.seek(offset, whence)
        except SpillError:
            raise
        except Exception as err:
            raise Unreadable(f"corrupt {self._what}: {_short(err)}") from err
        return self._pos

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return self.readall()
        # Bounded inner reads: a read(2 GB) of a bomb is checked every MiB, not after allocating it.
        parts: list[bytes] = []
        while size > 0:
            try:
                data = self._inner.read(min(size, _MAX_INNER_READ))
            except SpillError:
                raise
            except Exception as err:  # any parser error in a hostile member is a non-event
                raise Unreadable(f"corrupt {self._what}: {_short(err)}") from err
            if not data:
                break
            self._account(len(data))
            parts.append(data)
            size -= len(data)
            # loop on short reads: callers (the engine) read a member with one ``read(cap)``
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def readall(self) -> bytes:
        parts = []
        while block := self.read(_READ_BLOCK):
            parts.append(block)
        return b"".join(parts)

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing a broken member must not mask the real error
            self._inner.close()
        super().close()

    def _account(self, n: int) -> None:
        self._pos += n
        if self._pos <= self._high:
            return
        grown = self._pos - self._high
        self._high = self._pos
        if self._budget is not None:
            self._budget.charge(grown)
        if self._compressed_tell is not None and self._limits is not None:
            try:
                compressed = self._compressed_tell()
            except (OSError, ValueError):
                return
            check_ratio(self._high, compressed, self._limits, self._bomb_label)


def check_ratio(expanded: int, compressed: int, limits: Limits, label: str = "zip bomb") -> None:
    """``Skipped`` when ``expanded`` bytes (past ``limits.ratio_min_bytes``) came out of ``compressed``
    at more than the max ratio."""
    if expanded <= max(RATIO_FLOOR, limits.ratio_min_bytes):
        return
    ratio = expanded / max(compressed, 1)
    if ratio > limits.max_ratio:
        raise Skipped(f"{label}: ratio {ratio:.0f} > {limits.max_ratio:g}")


def _short(err: BaseException) -> str:
    text = str(err).strip() or type(err).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def short_reason(err: BaseException) -> str:
    """A parser's error as one short line for an ``Unreadable`` reason."""
    return _short(err).replace("\n", " ")
