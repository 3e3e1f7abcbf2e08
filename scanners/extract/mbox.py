"""Unix mailboxes: each message, in file order, as ``Member(name=str(n))`` (1-based) holding the
message's bytes without its ``From `` separator line; the engine reads each as ``eml``.

A message starts at a real envelope line, ``From sender date`` (``From jane@x.org Mon Jan  1
00:00:00 2024``: :data:`ENVELOPE`); a line of text that merely begins with "From " does not
split a message, and a file whose first line is no envelope (a ``.mbox`` that is really notes,
"From the film …") is read as plain text instead of one empty message. ``>From `` escapes are
left as they are. The file is
streamed line by line (lines are read in bounded pieces): on a seekable stream each member
re-reads its byte range, so a 2 GB mbox never sits in memory; on a non-seekable stream each
message is held in memory up to ``limits.max_member_buffer`` (a bigger one becomes a member whose
``open()`` raises ``Skipped``). Text before the first separator, if any, is message 1.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import BinaryIO

from spill.errors import Skipped
from spill.model import Segment

from . import text
from .base import Limits, Member
from .streams import NamedBytes, is_cheaply_seekable, peek

_LINE_CAP = 1 << 16
_DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
#: An mbox envelope line: sender, then an asctime date (``Mon Jan  1 00:00:00 2024``) or its
#: RFC 2822 cousin (``Mon, 1 Jan 2024 00:00:00``).
ENVELOPE_PATTERN = rf"From \S+ +{_DAY},? +(?:{_MONTH} +\d{{1,2}}|\d{{1,2}} +{_MONTH}(?: +\d{{4}})?) +\d{{1,2}}:\d{{2}}"
ENVELOPE = re.compile(ENVELOPE_PATTERN.encode())


class _Slice(io.RawIOBase):
    """Bytes ``start``..``end`` of a seekable stream shared with the mbox reader."""

    def __init__(self, stream: BinaryIO, start: int, end: int, name: str) -> None:
        super().__init__()
        self._stream, self._pos, self._end = stream, start, end
        self.name = name

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        n = min(len(b), self._end - self._pos)
        if n <= 0:
            return 0
        self._stream.seek(self._pos)
        data = self._stream.read(n)
        b[: len(data)] = data
        self._pos += len(data)
        return len(data)


def extract(stream: BinaryIO, limits: Limits) -> Iterator[Segment | Member]:
    head, stream = peek(stream, _LINE_CAP)
    if not ENVELOPE.match(next((ln for ln in head.splitlines() if ln.strip()), b"")):
        yield from text.extract(stream, limits)  # not a mailbox: its text is what there is to read
        return
    seekable = is_cheaply_seekable(stream)
    pos = stream.tell() if seekable else 0
    n = 0
    start: int | None = None  # where the open message's bytes begin; None: no message open
    buf: list[bytes] | None = None  # the open message's bytes when the stream cannot seek
    size = 0
    at_line_start = True
    while True:
        if seekable:
            stream.seek(pos)
        line = stream.readline(_LINE_CAP)
        line_start = pos
        pos += len(line)
        is_sep = bool(line) and at_line_start and ENVELOPE.match(line) is not None
        if not line or is_sep:
            if start is not None:
                n += 1
                yield _member(n, stream, start, line_start, buf, size, limits)
            if not line:
                return
            start, size = pos, 0
            buf = None if seekable else []
        elif start is None and line.strip():  # text before the first separator: a message too
            start, size = line_start, 0
            buf = None if seekable else []
        if start is not None and not is_sep:
            size += len(line)
            if buf is not None:
                if size <= limits.max_member_buffer:
                    buf.append(line)
                else:
                    buf.clear()
        at_line_start = line.endswith(b"\n")


def _member(
    n: int, stream: BinaryIO, start: int | None, end: int, buf: list[bytes] | None, size: int, limits: Limits
) -> Member:
    name = str(n)
    if buf is None:
        assert start is not None
        return Member(name, open=lambda: _Slice(stream, start, end, name), size=end - start)  # type: ignore[return-value]
    if size > limits.max_member_buffer:

        def too_big() -> BinaryIO:
            raise Skipped(f"message too large to hold in memory: {size} bytes")

        return Member(name, open=too_big, size=size)
    data = b"".join(buf)
    return Member(name, open=lambda: NamedBytes(data, name), size=len(data))
