"""Zip archives: every file entry as a ``Member`` streamed from the archive (never written to disk).

Read: the central directory; each file entry is yielded in directory order with its sanitized
name (``names.sanitize_name``; duplicates become ``a (2).csv``), declared size and mtime (the zip's
local time read as UTC). Names without the UTF-8 flag are taken as UTF-8 when valid, else their
bytes are escaped as ``\\xNN``. Directory entries are not yielded.

Problems with one entry do not stop the others: the ``Member`` is still yielded and its ``open()``
raises ``Skipped`` — ``encrypted`` (ZipCrypto flag or AES), ``zip bomb: ratio N > M`` (declared
size over compressed size, for entries over 1 MiB), ``expanded size limit`` (declared size beyond
the top-level file's remaining ``Budget``), ``symlink in archive``, ``unsupported compression
method N`` — and reading the stream raises ``Unreadable`` on a bad CRC or corrupt data, or
``Skipped("expanded size limit")`` once the budget is spent. Archive-level: not a zip or a broken
central directory → ``Unreadable("corrupt zip: ...")``; more entries than ``limits.max_members`` →
``Skipped("too many members: N > M")`` before any is yielded. A zip that is not in memory or a
real file (e.g. a zip inside a zip) is buffered in memory up to ``limits.max_member_buffer``.
"""

from __future__ import annotations

import calendar
import stat
import zipfile
from collections.abc import Iterator
from functools import partial
from typing import BinaryIO

from spill.errors import Skipped, Unreadable
from spill.model import Segment

from .base import Budget, Limits, Member, current_budget
from .names import UniqueNames, decode_name, sanitize_name
from .streams import MemberStream, check_ratio, ensure_seekable, short_reason

_SUPPORTED = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_AES = 99


def open_zip(stream: BinaryIO, limits: Limits, what: str = "zip") -> zipfile.ZipFile:
    """The archive, or ``Unreadable`` with zipfile's reason."""
    stream = ensure_seekable(stream, limits, what)
    try:
        return zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError) as err:
        raise Unreadable(f"corrupt {what}: {short_reason(err)}") from err


def entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's raw name as text (UTF-8 when valid, else surrogate-escaped bytes)."""
    if info.flag_bits & 0x800:
        return info.orig_filename
    try:
        raw = info.orig_filename.encode("cp437")
    except UnicodeEncodeError:
        return info.orig_filename
    return decode_name(raw)


def entry_problem(info: zipfile.ZipInfo, limits: Limits, budget: Budget) -> Skipped | None:
    """Why this entry must not be read, if it must not."""
    if info.flag_bits & 0x1 or info.compress_type == _AES:
        return Skipped("encrypted")
    if info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16):
        return Skipped("symlink in archive")
    if info.compress_type not in _SUPPORTED:
        return Skipped(f"unsupported compression method {info.compress_type}")
    try:
        check_ratio(info.file_size, info.compress_size, limits)
    except Skipped as err:
        return err
    if info.compress_type != zipfile.ZIP_STORED and info.file_size > budget.remaining:
        return Skipped(f"expanded size limit: {info.file_size} bytes declared, {budget.remaining} left")
    return None


def open_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limits: Limits, budget: Budget) -> BinaryIO:
    """A guarded stream of one entry (see module docstring for what it raises)."""
    problem = entry_problem(info, limits, budget)
    if problem is not None:
        raise problem
    try:
        inner = zf.open(info)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, ValueError, EOFError) as err:
        raise Unreadable(f"corrupt zip member: {short_reason(err)}") from err
    charged = budget if info.compress_type != zipfile.ZIP_STORED else None
    return MemberStream(inner, name=name, budget=charged, limits=limits, what="zip member")  # type: ignore[return-value]


def _mtime(info: zipfile.ZipInfo) -> float | None:
    try:
        return float(calendar.timegm((*info.date_time, 0, 0, 0)))
    except (ValueError, OverflowError, TypeError):
        return None


def extract(stream: BinaryIO, limits: Limits) -> Iterator[Segment | Member]:
    zf = open_zip(stream, limits)
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise Skipped(f"too many members: {len(infos)} > {limits.max_members}")
    budget = current_budget(limits)
    unique = UniqueNames()
    for info in infos:
        if info.is_dir():
            continue
        name = unique(sanitize_name(entry_name(info)))
        yield Member(
            name,
            open=partial(open_entry, zf, info, name, limits, budget),
            size=info.file_size,
            mtime=_mtime(info),
        )
