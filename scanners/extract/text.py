"""Plain text in any encoding (see ``textio`` for how the encoding is chosen).

A file whose decoded text fits in ``limits.chunk_chars`` characters is yielded one segment per
paragraph-ish block (split on blank lines), with exact ``offset`` and ``line`` and ``prose=True``
for natural-language blocks. A bigger file is read in windows of ``chunk_chars`` characters that
overlap by ``chunk_overlap`` characters (incremental decoding: memory does not depend on the file
size), each with the absolute character ``offset`` of its start and the 1-based ``line`` of its
first character, and the range of it whose values it reports (``Segment.owns``: the middle of each
overlap is where one window's values end and the next one's begin). In both cases
``decoded_text[offset:offset + len(segment.text)] == segment.text``.
Lines are counted by ``\\n``. Nothing is skipped; undecodable bytes are read as cp1252.
``extract_part`` yields one run of those windows, for a part of the file another worker does not
read (``scanners.parts``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, BinaryIO

from spill.model import Segment

from .base import Limits, Member
from .textio import iter_blocks, iter_decoded, looks_like_prose

if TYPE_CHECKING:
    from scanners.parts import Part


def extract(stream: BinaryIO, limits: Limits) -> Iterator[Segment | Member]:
    yield from extract_chunks(iter_decoded(stream), limits)


def window_shape(limits: Limits) -> tuple[int, int]:
    """(window size, overlap) in characters, as a huge text file is read."""
    size = max(2, limits.chunk_chars)
    overlap = limits.chunk_overlap if 0 <= limits.chunk_overlap < size else size // 2
    return size, overlap - overlap % 2  # even: a window's values start at the middle of its overlap


def extract_chunks(chunks: Iterable[str], limits: Limits) -> Iterator[Segment]:
    """Blocks or windows (see module docstring) of already-decoded text."""
    size, overlap = window_shape(limits)
    it = iter(chunks)
    buf = ""
    for chunk in it:
        buf += chunk
        if len(buf) > size:
            yield from _windows(buf, it, size, overlap)
            return
    for offset, line, block in iter_blocks(buf):
        yield Segment(block, line=line, offset=offset, prose=looks_like_prose(block))


def extract_part(stream: BinaryIO, limits: Limits, part: Part) -> Iterator[Segment]:
    """The windows of one part of a huge text file (``scanners.parts``): exactly the windows, offsets
    and lines a reading of the whole file yields there. Decoding starts at the part's anchor (a place
    where the decoder holds nothing back); the text up to the part's first window is only counted."""
    size, overlap = window_shape(limits)
    stream.seek(part.byte_start)
    it = iter_decoded(stream, encoding=part.encoding)
    skip, line, head = part.char_start - part.anchor_char, part.anchor_line, ""
    for chunk in it:
        if len(chunk) <= skip:
            skip -= len(chunk)
            line += chunk.count("\n")
            continue
        line += chunk.count("\n", 0, skip)
        head = chunk[skip:]
        break
    yield from _windows(head, it, size, overlap, start=part.char_start, line=line, limit=part.windows)


def _windows(buf: str, rest: Iterator[str], size: int, overlap: int, *, start: int = 0, line: int = 1,
             limit: int | None = None) -> Iterator[Segment]:
    """Windows from absolute offset ``start`` (the offset of ``buf[0]``, on line ``line``), at most ``limit``."""
    step = size - overlap
    emitted_end = start  # absolute offset just past the last window yielded
    exhausted = False
    count = 0
    while True:
        while len(buf) <= size and not exhausted:  # one character past the window: is it the last?
            try:
                buf += next(rest)
            except StopIteration:
                exhausted = True
        if len(buf) >= size or (exhausted and start + len(buf) > emitted_end):
            window = buf[:size]
            if window:
                last = exhausted and len(buf) <= size
                owns = (0 if start == 0 else overlap // 2, len(window) if last else step + overlap // 2)
                yield Segment(window, line=line, offset=start, owns=owns)
                emitted_end = start + len(window)
                count += 1
                if limit is not None and count >= limit:
                    return
        if exhausted and len(buf) <= size:
            return
        line += buf.count("\n", 0, step)
        buf = buf[step:]
        start += step
