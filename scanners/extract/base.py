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
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import BinaryIO, Protocol

from spill.errors import Skipped
from spill.model import Segment


@dataclass(frozen=True, slots=True)
class Limits:
    """Safety limits for hostile input; every one can be changed from the command line."""

    max_depth: int = 8  # archive / attachment nesting
    max_expanded_bytes: int = 4 * 1024**3  # total bytes unpacked from one top-level file
    max_ratio: float = 200.0  # uncompressed / compressed size of one archive member, checked only…
    ratio_min_bytes: int = 1024**3  # …for a member that expands past this: a million-row workbook's
    # repetitive XML compresses 400:1 and is no bomb; below this the expanded-bytes budget, the
    # in-memory member limit and the time budget bound what a well-compressed member can cost
    max_members: int = 200_000  # entries in one archive
    max_member_buffer: int = 256 * 1024**2  # a member that must be seekable is held in memory
    max_cells: int = 5_000_000  # spreadsheet cells read from one workbook
    max_pages: int = 5_000  # PDF pages read from one document
    chunk_chars: int = 1_000_000  # a huge text file is read in windows of this many characters
    chunk_overlap: int = 512  # overlap between windows so a value on the edge is still found
    file_timeout: float = 300.0  # seconds one top-level file may take, plus…
    file_timeout_per_mib: float = 2.0  # …this many per MiB of it (a 2 GB log is not a hang)
    file_memory: int = 1536 * 1024**2  # resident bytes a worker may use on one file
    split_bytes: int = 64 * 1024**2  # a text file over this is cut into parts this big for several workers (0: never)
    stream_findings: int = 10_000  # a worker sends a file's findings to the writer in chunks of this many


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


# --- Added for the archive extractors: the per-top-level-file byte budget -------------------------
#
# How a per-member problem surfaces: a container extractor still *yields* the ``Member`` (name and
# declared size), but its ``open()`` raises ``Skipped(reason)`` ("encrypted", "zip bomb: ratio 1032 >
# 200", "symlink in archive", "expanded size limit: ...") or ``Unreadable(reason)``. The engine
# records that member as ``skipped``/``error`` and goes on with the rest of the container. Reading a
# stream returned by ``open()`` may also raise ``Unreadable``/``Skipped`` part-way (a corrupt
# deflate stream, a member that expands past the budget): same handling.
#
# The expanded-bytes budget (``Limits.max_expanded_bytes``) is shared by everything unpacked from
# one top-level file, however deep the nesting. The engine opens one scope per top-level file::
#
#     with budget_scope(Budget(limits.max_expanded_bytes)):
#         ...run the extractor, open and recurse into members...
#
# Extractors find it with ``current_budget(limits)``; outside any scope each container call gets a
# fresh budget of its own (still bounded, but not across nesting levels). Generators run in the
# context of whoever advances them, so the engine must advance them inside the ``with`` block.


class Budget:
    """Bytes that may still be unpacked from one top-level file (all nesting levels together)."""

    __slots__ = ("limit", "used")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    def charge(self, n: int) -> None:
        """Count ``n`` more unpacked bytes; raise ``Skipped`` once the limit is passed."""
        self.used += n
        if self.used > self.limit:
            raise Skipped(f"expanded size limit: more than {self.limit} bytes unpacked")


_BUDGET: ContextVar[Budget | None] = ContextVar("spill_extract_budget", default=None)


@contextmanager
def budget_scope(budget: Budget) -> Iterator[Budget]:
    """Make ``budget`` the one every container extractor charges until the block ends."""
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


def current_budget(limits: Limits) -> Budget:
    """The budget of the engine's current top-level file, or a fresh one from ``limits``."""
    budget = _BUDGET.get()
    return budget if budget is not None else Budget(limits.max_expanded_bytes)
