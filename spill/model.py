"""Records shared by the scanner, the case store, the reports and the TUI."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Category(enum.StrEnum):
    IDENTITY = "identity"
    CONTACT = "contact"
    GOVERNMENT_ID = "government_id"
    FINANCIAL = "financial"
    CONTRACTOR = "contractor"
    CREDENTIAL = "credential"
    LAB_IP = "lab_ip"


class Severity(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3, Severity.CRITICAL: 4}


class Status(enum.StrEnum):
    """Triage status of a finding."""

    OPEN = "open"
    CONFIRMED = "confirmed"
    FALSE_POSITIVE = "false_positive"
    IGNORED = "ignored"


class FileStatus(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    ERROR = "error"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of extracted text and where it came from.

    ``locator`` is format specific ({"page": 3}, {"sheet": "Payouts", "cell": "D14"},
    {"json_path": "$.messages[4].text"}); ``context`` carries what names the value
    (a column header, a JSON key, a mail header) so detectors can use it as context;
    ``line`` is the 1-based source line of ``text[0]`` where lines mean something;
    ``prose`` says whether the text is free-running language (None: let the detector guess);
    ``record`` groups segments that describe the same thing (a CSV row, a JSON object,
    a mail message), which is how findings are linked to one person;
    ``offset`` is the absolute character offset of ``text[0]`` in the file's extracted text
    when the extractor knows it (overlapping windows of a huge file): the engine uses it to
    place and de-duplicate findings; otherwise segments are laid end to end with one
    separator character between them.
    """

    text: str
    locator: dict[str, Any] = field(default_factory=dict)
    context: str = ""
    line: int | None = None
    prose: bool | None = None
    record: str | None = None
    offset: int | None = None


@dataclass(frozen=True, slots=True)
class Detection:
    """One detected value in one segment, before it is stored (offsets are in the segment)."""

    entity_type: str
    start: int
    end: int
    score: float
    rule: str
    category: Category
    severity: Severity


@dataclass(frozen=True, slots=True)
class DocumentDetection:
    """A document-level finding such as LAB_RUBRIC: no span, a client and the signals."""

    entity_type: str
    score: float
    rule: str
    category: Category
    severity: Severity
    client: str | None
    signals: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Finding:
    """A stored finding: what the case file keeps (never the raw value by default)."""

    id: str
    file_id: str
    path: str
    entity_type: str
    category: Category
    severity: Severity
    score: float
    rule: str
    status: Status
    start: int | None
    end: int | None
    line: int | None
    location: dict[str, Any]
    preview: str | None
    context: str | None
    fingerprint: str | None
    file_sha256: str
    subject: str | None = None
    client: str | None = None
    signals: tuple[str, ...] = ()
    value: str | None = None  # only set for --store-values cases or a reveal


@dataclass(frozen=True, slots=True)
class FileRecord:
    """A file or archive member seen by the scan."""

    id: str
    path: str
    parent: str | None
    sha256: str | None
    size: int | None
    mtime: float | None
    kind: str | None
    status: FileStatus
    reason: str | None = None
    duplicate_of: str | None = None
