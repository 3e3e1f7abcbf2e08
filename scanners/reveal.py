"""Re-read a finding's raw value from the evidence, on an explicit request.

The case keeps no raw values; a reveal walks from the top-level file (checking its
sha256 against the case, so a changed source is reported rather than shown) through
any archive or mail members to the object, re-extracts it with the same offsets the
scan used, and checks the value against the finding's keyed fingerprint.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from scanners.document import CONTAINER_SEPARATOR, kind_of, named_stream, open_source, positioned
from scanners.extract import get_extractor
from scanners.extract.base import Limits, Member
from scanners.walk import fs_path, sha256_file
from spill.case import Case
from spill.errors import SpillError, Unreadable
from spill.model import Finding


class RevealError(SpillError):
    """The value cannot be shown: the source moved, changed, or no longer matches."""


def reveal(case: Case, finding: Finding, root: Path | None = None, limits: Limits | None = None) -> str:
    """The raw value of ``finding``, re-read from the source and checked against its fingerprint."""
    if finding.start is None or finding.end is None or finding.fingerprint is None:
        raise RevealError("a document-level finding has no value to reveal")
    root = root or case.scan_root()
    if root is None:
        raise RevealError("the case has no scan root; cannot find the evidence")
    limits = limits or Limits()
    top, *members = finding.path.split(CONTAINER_SEPARATOR)
    record = case.get_file(top)
    source = fs_path(root, top)
    try:
        current = sha256_file(source)
    except OSError as err:
        raise RevealError(f"source {top} cannot be read ({err.strerror or err}); was the share moved?") from err
    if record is not None and record.sha256 and record.sha256 != current:
        raise RevealError(f"source {top} changed since the scan (sha256 differs); run `spill verify`")
    with open_source(source) as fh:
        stream: BinaryIO = fh
        name = top
        for member in members:
            stream = _open_member(stream, name, member, limits)
            name = member
        value = _value_at(stream, name, finding.start, finding.end, limits)
    if not case.matches_fingerprint(value, finding.fingerprint):
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
