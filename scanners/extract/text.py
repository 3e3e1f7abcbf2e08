"""Plain text in any encoding (see ``textio`` for how the encoding is chosen).

A file whose decoded text fits in ``limits.chunk_chars`` characters is yielded one segment per
paragraph-ish block (split on blank lines), with exact ``offset`` and ``line`` and ``prose=True``
for natural-language blocks. A bigger file is read in windows of ``chunk_chars`` characters that
overlap by ``chunk_overlap`` characters (incremental decoding: memory does not depend on the file
size), each with the absolute character ``offset`` of its start and the 1-based ``line`` of its
first character. In both cases ``decoded_text[offset:offset + len(segment.text)] == segment.text``.
Lines are counted by ``\\n``. Nothing is skipped; undecodable bytes are read as cp1252.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import BinaryIO

from spill.model import Segment

from .base import Limits, Member
from .textio import iter_blocks, iter_decoded, looks_like_prose


def extract(stream: BinaryIO, limits: Limits) -> Iterator[Segment | Member]:
    yield from extract_chunks(iter_decoded(stream), limits)


def extract_chunks(chunks: Iterable[str], limits: Limits) -> Iterator[Segment]:
    """Blocks or windows (see module docstring) of already-decoded text."""
    size = max(1, limits.chunk_chars)
    overlap = limits.chunk_overlap if 0 <= limits.chunk_overlap < size else size // 2
    it = iter(chunks)
    buf = ""
    for chunk in it:
        buf += chunk
        if len(buf) > size:
            yield from _windows(buf, it, size, overlap)
            return
    for offset, line, block in iter_blocks(buf):
        yield Segment(block, line=line, offset=offset, prose=looks_like_prose(block))


def _windows(buf: str, rest: Iterator[str], size: int, overlap: int) -> Iterator[Segment]:
    step = size - overlap
    start = 0  # absolute offset of buf[0]
    line = 1  # line of buf[0]
    emitted_end = 0  # absolute offset just past the last window yielded
    exhausted = False
    while True:
        while len(buf) < size and not exhausted:
            try:
                buf += next(rest)
            except StopIteration:
                exhausted = True
        if len(buf) >= size or (exhausted and start + len(buf) > emitted_end):
            window = buf[:size]
            if window:
                yield Segment(window, line=line, offset=start)
                emitted_end = start + len(window)
        if exhausted and len(buf) <= size:
            return
        line += buf.count("\n", 0, step)
        buf = buf[step:]
        start += step
