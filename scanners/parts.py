"""One huge text file on several workers: the parts, planned while the file is hashed.

One worker reads a text file bigger than a window as overlapping windows of ``chunk_chars``
characters (``scanners/extract/text.py``). When a scan has several workers and a text file is bigger
than ``Limits.split_bytes`` (``--split-mb``, 64 MiB by default), the scan's parent cuts that same
run of windows into parts of about ``split_bytes``: part p is windows ``[p*w, (p+1)*w)`` (the last
part takes the rest) and each part is a task of its own. A part reads exactly the windows one worker
would read there — same text, same absolute offset, same line — so it finds what one worker finds;
only where a part's last window overlaps the next part's first window must one of two finds of the
same span go, the earlier window's, as one worker does (``scanners/part_merge.py``).

A worker cannot start decoding in the middle of a character and must know the character offset and
the line where it starts. The parent learns both while it hashes the file (one read of it): it
decodes the file as the extractor would and remembers, for each part, an *anchor* before the part's
first window: a byte position right after an ASCII byte (where a UTF-8 or single-byte decoder holds
nothing back), with its character offset and line. The worker seeks to the anchor, decodes, counts
its way to the part's first character and reads its windows. Only text in UTF-8 or a single-byte
code page is cut; UTF-16/32 and multi-byte East Asian encodings are read whole by one worker.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import stat
from dataclasses import dataclass

from scanners.extract.base import Limits
from scanners.extract.kinds import detect_kind_stream
from scanners.extract.text import window_shape
from scanners.extract.textio import SAMPLE_BYTES, decoder, sniff_encoding
from scanners.walk import HASH_CHUNK, SourcePath, open_fd

#: Bytes of text without one ASCII byte after which a file is read whole (nowhere to start a part).
MAX_UNANCHORED = 16 * 2**20


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a huge text file: which windows to read and where to start decoding."""

    index: int
    count: int  # parts of the file
    encoding: str  # the codec from ``byte_start`` on (a BOM is read only from byte 0)
    byte_start: int  # the anchor: decoding starts here…
    anchor_char: int  # …at this character offset…
    anchor_line: int  # …on this line
    char_start: int  # the offset of the part's first window
    windows: int  # windows to read
    byte_len: int  # about how many of the file's bytes the part covers (time budget, progress); they add up to its size


def windows_per_part(limits: Limits) -> int:
    """How many windows make one part: ``split_bytes`` worth, and enough that part 0 holds every
    window the rubric classifier reads (it reads the first ``RUBRIC_TEXT_CHARS`` of a document)."""
    from scanners.document import RUBRIC_TEXT_CHARS

    size, overlap = window_shape(limits)
    return max(2, -(-RUBRIC_TEXT_CHARS // size) + 1, limits.split_bytes // (size - overlap))


def hash_and_plan(path: SourcePath | bytes | str, name: str, limits: Limits) -> tuple[str, list[Part]]:
    """The sha256 of the whole file, and its parts (none: one worker reads it whole), in one read.
    Raises what ``walk.sha256_file`` raises."""
    digest = hashlib.sha256()
    with os.fdopen(open_fd(path), "rb", buffering=0) as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise OSError("not a regular file")
        try:
            planner = _Planner.for_file(fh, name, limits)
        except Exception:  # hostile content that trips the kind or encoding sniffing: read it whole
            planner = None
        fh.seek(0)
        while chunk := fh.read(HASH_CHUNK):
            digest.update(chunk)
            if planner is not None:
                planner = planner.feed(chunk)
        parts = planner.finish() if planner is not None else []
    return digest.hexdigest(), parts


def splittable(encoding: str) -> bool:
    """Whether decoding can start after any ASCII byte: UTF-8, or one byte per character."""
    name = codecs.lookup(encoding).name
    if name in ("utf-8", "utf-8-sig"):
        return True
    try:
        return len(bytes(range(256)).decode(name, errors="replace")) == 256 and "\n".encode(name) == b"\n"
    except (LookupError, UnicodeError):
        return False


class _Planner:
    """Decodes a file as it is hashed and notes an anchor before each part's first window."""

    def __init__(self, limits: Limits, encoding: str, size: int) -> None:
        self.limits, self.encoding, self.file_size = limits, encoding, size
        self.window, overlap = window_shape(limits)
        self.step = self.window - overlap
        self.per_part = windows_per_part(limits)
        self.decoder = decoder(encoding)
        self.single_byte = codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig")
        self.rest = b""  # bytes after the last anchor, not decoded yet
        self.byte = self.char = 0  # where the last anchor is
        self.line = 1
        self.anchors = [(0, 0, 1)]  # (byte, char, line) for parts 0, 1, …

    @classmethod
    def for_file(cls, fh, name: str, limits: Limits) -> _Planner | None:
        """A planner for a text file in an encoding that can be cut, else None."""
        size = os.fstat(fh.fileno()).st_size
        if detect_kind_stream(fh, name) != "text":
            return None
        fh.seek(0)
        encoding = sniff_encoding(fh.read(SAMPLE_BYTES))
        return cls(limits, encoding, size) if splittable(encoding) else None

    def feed(self, data: bytes) -> _Planner | None:
        data = self.rest + data
        cut = len(data) if self.single_byte else _after_last_ascii(data)
        if cut == 0:
            self.rest = data
            return None if len(data) > MAX_UNANCHORED else self
        text = self.decoder.decode(data[:cut])
        while self.char + len(text) > len(self.anchors) * self.per_part * self.step:
            self.anchors.append((self.byte, self.char, self.line))  # the next part starts in this piece
        self.byte += cut
        self.char += len(text)
        self.line += text.count("\n")
        self.rest = data[cut:]
        return self

    def finish(self) -> list[Part]:
        total = self.char + len(self.decoder.decode(self.rest, final=True))
        if total <= self.window:
            return []  # one window's worth: read in blocks, not windows
        windows = -(-(total - self.window) // self.step) + 1
        count = windows // self.per_part
        if count < 2:
            return []
        mid = "utf-8" if codecs.lookup(self.encoding).name == "utf-8-sig" else self.encoding
        starts = [p * self.per_part * self.step for p in range(count)] + [total]
        ends = [round(c * self.file_size / total) for c in starts]  # bytes, pro rata (exact at both ends)
        parts = []
        for p in range(count):
            byte, char, line = self.anchors[p]
            parts.append(Part(index=p, count=count, encoding=self.encoding if byte == 0 else mid, byte_start=byte,
                              anchor_char=char, anchor_line=line, char_start=starts[p],
                              windows=self.per_part if p + 1 < count else windows - p * self.per_part,
                              byte_len=max(1, ends[p + 1] - ends[p])))
        return parts


def _after_last_ascii(data: bytes) -> int:
    """The position just after the last ASCII byte of ``data`` (0: none in its last 64 bytes)."""
    for i in range(len(data) - 1, max(-1, len(data) - 65), -1):
        if data[i] < 0x80:
            return i + 1
    return 0
