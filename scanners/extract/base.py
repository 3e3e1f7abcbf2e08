"""The contract every extractor keeps.

An extractor is one module per format with one public generator::

    def extract(stream: BinaryIO, limits: Limits) -> Iterator[Segment | Member]

It yields text ``Segment``s (with a locator) and, for containers (archives, mail with
attachments), ``Member``s that the engine recurses into. It never hashes, never writes
SQL, never calls Presidio, never logs or exits: a file it cannot read raises
``Unreadable(reason)`` (or ``Skipped(reason)`` for encrypted / over a limit) and the
engine records that and goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from spill.model import Segment


@dataclass(frozen=True, slots=True)
class Limits:
    """Safety limits for hostile input; every one can be changed from the command line."""

    max_depth: int = 8  # archive / attachment nesting
    max_expanded_bytes: int = 4 * 1024**3  # total bytes unpacked from one top-level file
    max_ratio: float = 200.0  # uncompressed / compressed size of one archive member
    max_members: int = 200_000  # entries in one archive
    max_member_buffer: int = 256 * 1024**2  # a member that must be seekable is held in memory
    max_cells: int = 5_000_000  # spreadsheet cells read from one workbook
    max_pages: int = 5_000  # PDF pages read from one document
    chunk_chars: int = 1_000_000  # a huge text file is read in windows of this many characters
    chunk_overlap: int = 512  # overlap between windows so a value on the edge is still found
    file_timeout: float = 300.0  # seconds one top-level file may take
    file_memory: int = 1536 * 1024**2  # resident bytes a worker may use on one file


@dataclass(frozen=True, slots=True)
class Member:
    """A file inside a container; ``open()`` returns a fresh binary stream of its bytes.

    ``name`` is the member's sanitized path inside the container (``/`` separated, never
    absolute, never with ``..``); ``size`` is the declared uncompressed size when known.
    """

    name: str
    open: Callable[[], BinaryIO]
    size: int | None = None
    mtime: float | None = None


class Extractor(Protocol):
    def __call__(self, stream: BinaryIO, limits: Limits) -> Iterator[Segment | Member]: ...
