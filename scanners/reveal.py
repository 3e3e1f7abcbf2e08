"""A finding's raw value, on an explicit request: the one reveal policy every caller uses.

A value stored with ``--store-values`` is shown when it still matches its fingerprint;
otherwise (the default: the case keeps no raw values) a reveal walks from the top-level file (checking its
sha256 against the case, so a changed source is reported rather than shown) through
any archive or mail members to the object, re-extracts it with the same offsets the
scan used, and checks the value against the finding's keyed fingerprint. The source is
opened below the scan root only (``walk.fs_path``): a stored path that climbs out of it,
is absolute or goes through a symbolic link is refused.
"""

from __future__ import annotations

from bisect import bisect_right
from pathlib import Path
from typing import BinaryIO

from scanners.document import CONTAINER_SEPARATOR, kind_of, named_stream, open_source, positioned
from scanners.extract import get_extractor
from scanners.extract.base import Limits, Member
from scanners.walk import SourcePath, fs_path, sha256_file
from spill.case import Case
from spill.errors import OutsideRoot, SpillError, Unreadable
from spill.model import Finding


class RevealError(SpillError):
    """The value cannot be shown: the source moved, changed, or no longer matches."""


def reveal(case: Case, finding: Finding, root: Path | None = None, limits: Limits | None = None) -> str:
    """The raw value of ``finding``: stored, or re-read from the source; always checked against its fingerprint.

    The caller logs the reveal (``Action.REVEAL``) before showing the value.
    """
    start, end, fingerprint = _span(finding)
    if _stored(case, finding):
        return finding.value  # type: ignore[return-value]
    root = _root(case, root)
    limits = limits or Limits()
    top, *members = finding.path.split(CONTAINER_SEPARATOR)
    _check_source(case, root, top)
    with open_source(_located(root, top)) as fh:
        stream, name = _descend(fh, top, members, limits)
        value = _value_at(stream, name, start, end, limits)
    return _checked(case, finding, value, fingerprint)


class BulkRevealer:
    """Reveals many findings (an export) reading each source once, not once per finding.

    Findings come in path order; the extracted text of the current object is kept (up to
    ``max_chars``) and each top-level file's hash is checked once. Same checks as :func:`reveal`.
    """

    def __init__(self, case: Case, root: Path | None = None, limits: Limits | None = None,
                 max_chars: int = 32 * 2**20) -> None:
        self.case, self.limits, self.max_chars = case, limits or Limits(), max_chars
        self._root = root
        self._checked_tops: dict[str, str | None] = {}  # top-level path → error, None when it checks out
        self._object: str | None = None
        self._pieces: list[tuple[int, str]] | None = None  # (offset, text) of the current object

    def __call__(self, finding: Finding) -> str:
        start, end, fingerprint = _span(finding)
        if _stored(self.case, finding):
            return finding.value  # type: ignore[return-value]
        root = self._root = _root(self.case, self._root)
        top, *members = finding.path.split(CONTAINER_SEPARATOR)
        if top not in self._checked_tops:
            try:
                _check_source(self.case, root, top)
                self._checked_tops[top] = None
            except RevealError as err:
                self._checked_tops[top] = str(err)
        if (error := self._checked_tops[top]) is not None:
            raise RevealError(error)
        if finding.path != self._object:
            self._object, self._pieces = finding.path, self._load(root, top, members)
        if self._pieces is None:  # too big to keep: read this value alone
            return reveal(self.case, finding, root, self.limits)
        k = bisect_right(self._pieces, start, key=lambda piece: piece[0]) - 1
        for offset, text in reversed(self._pieces[max(0, k - 63):k + 1]):  # a long piece may start earlier
            if end <= offset + len(text):
                return _checked(self.case, finding, text[start - offset:end - offset], fingerprint)
        raise RevealError(f"offsets {start}:{end} are no longer in {finding.path}")

    def _load(self, root: Path, top: str, members: list[str]) -> list[tuple[int, str]] | None:
        pieces: list[tuple[int, str]] = []
        chars = 0
        with open_source(_located(root, top)) as fh:
            stream, name = _descend(fh, top, members, self.limits)
            extractor = get_extractor(kind_of(stream, name))
            if extractor is None:
                raise RevealError(f"{name} has no text to re-read")
            try:
                for offset, item in positioned(extractor(stream, self.limits)):
                    if isinstance(item, Member):
                        continue
                    chars += len(item.text)
                    if chars > self.max_chars:
                        return None
                    pieces.append((offset, item.text))
            except Unreadable as err:
                raise RevealError(f"cannot re-read {name}: {err}") from err
        pieces.sort(key=lambda piece: piece[0])
        return pieces


def _span(finding: Finding) -> tuple[int, int, str]:
    if finding.start is None or finding.end is None or finding.fingerprint is None:
        raise RevealError("a document-level finding has no value to reveal")
    return finding.start, finding.end, finding.fingerprint


def _stored(case: Case, finding: Finding) -> bool:
    """A value stored with --store-values that still matches its fingerprint."""
    return finding.value is not None and case.matches_fingerprint(finding.value, finding.fingerprint)


def _root(case: Case, root: Path | None) -> Path:
    root = root or case.scans.root()
    if root is None:
        raise RevealError("the case has no scan root; cannot find the evidence")
    return root


def _located(root: Path, top: str) -> SourcePath:
    """Where ``top`` is below the scan root; a path that climbs out of it is refused, never opened."""
    try:
        return fs_path(root, top)
    except OutsideRoot as err:
        raise RevealError(f"{err}; nothing outside {root} is read") from err


def _check_source(case: Case, root: Path, top: str) -> None:
    record = case.scans.get_file(top)
    try:
        current = sha256_file(_located(root, top))
    except OutsideRoot as err:
        raise RevealError(f"source {top}: {err}") from err
    except OSError as err:
        raise RevealError(f"source {top} cannot be read ({err.strerror or err}); was the share moved?") from err
    if record is not None and record.sha256 and record.sha256 != current:
        raise RevealError(f"source {top} changed since the scan (sha256 differs); run `spill verify`")


def _descend(fh: BinaryIO, top: str, members: list[str], limits: Limits) -> tuple[BinaryIO, str]:
    stream, name = fh, top
    for member in members:
        stream = _open_member(stream, name, member, limits)
        name = member
    return stream, name


def _checked(case: Case, finding: Finding, value: str, fingerprint: str) -> str:
    if not case.matches_fingerprint(value, fingerprint):
        raise RevealError(f"the value at {finding.path} [{finding.start}:{finding.end}] no longer matches "
                          "its fingerprint; the source changed")
    return value


def _open_member(stream: BinaryIO, name: str, member_name: str, limits: Limits) -> BinaryIO:
    extractor = get_extractor(kind_of(stream, name))
    if extractor is None:
        raise RevealError(f"{name} is no longer a container")
    try:
        for item in extractor(stream, limits):
            if isinstance(item, Member) and item.name == member_name:
                with item.open() as fh:
                    return named_stream(fh.read(limits.max_member_buffer + 1), member_name)
    except Unreadable as err:
        raise RevealError(f"cannot re-open {name}: {err}") from err
    raise RevealError(f"member {member_name} is no longer in {name}")


def _value_at(stream: BinaryIO, name: str, start: int, end: int, limits: Limits) -> str:
    extractor = get_extractor(kind_of(stream, name))
    if extractor is None:
        raise RevealError(f"{name} has no text to re-read")
    try:
        for offset, item in positioned(extractor(stream, limits)):
            if isinstance(item, Member):
                continue
            if offset <= start and end <= offset + len(item.text):
                return item.text[start - offset:end - offset]
            if offset > end:
                break
    except Unreadable as err:
        raise RevealError(f"cannot re-read {name}: {err}") from err
    raise RevealError(f"offsets {start}:{end} are no longer in {name}")
