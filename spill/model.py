"""Records shared by the scanner, the case store, the reports and the TUI.

One record per concept, with field names equal to the case file's column names, so a
row is read by name (``Finding(**row)``) and a record is written by name. Nothing here
touches SQLite: workers import these records without importing the store.
"""

from __future__ import annotations

import enum
import hashlib
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


#: Worst first: the order of the triage table, the groups and the reports.
SEVERITY_RANK = {Severity.CRITICAL: 0, Severity.HIGH: 1, Severity.MEDIUM: 2, Severity.LOW: 3}
SEVERITY_BY_RANK = {rank: sev for sev, rank in SEVERITY_RANK.items()}


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


class Action(enum.StrEnum):
    """A triage action: what the decision log records and what undo reverts.

    Findings take a status, severity, note or reveal; people (target kind ``subject``) a merge
    (after: the person merged into), a split (after: the identifiers split off, comma-separated)
    or "not a person" (after: ``yes``); files a review mark (after: ``REVIEWED``); ``None`` takes a
    person's decision or a review mark back.
    """

    STATUS = "status"
    SEVERITY = "severity"
    NOTE = "note"
    REVEAL = "reveal"
    MERGE = "merge"
    SPLIT = "split"
    NOT_PERSON = "not_person"
    REVIEW = "review"  # a file (or every file of a folder) looked at by an analyst: after REVIEWED or None

    @property
    def column(self) -> str | None:
        """The column the action changes (None: it changes none, e.g. a reveal, or a review the log holds)."""
        return _ACTION_COLUMNS.get(self)

    @property
    def target_kind(self) -> str:
        """What the action applies to: ``finding``, ``subject`` (a person) or ``file`` (a review mark)."""
        if self is Action.REVIEW:
            return "file"
        return "subject" if self in (Action.MERGE, Action.SPLIT, Action.NOT_PERSON) else "finding"

    @property
    def stateful(self) -> bool:
        """Whether it sets a state (a repeat of the same state changes nothing and is not logged again)."""
        return self is not Action.REVEAL

    @property
    def reversible(self) -> bool:
        """Whether undo can take it back (a value once revealed stays revealed)."""
        return self is not Action.REVEAL

    def check(self, after: str | None) -> None:
        """Raise ValueError when ``after`` is not a value this action can set."""
        if self is Action.STATUS and after not in set(Status):
            raise ValueError(f"unknown status {after!r}")
        if self is Action.SEVERITY and after not in set(Severity):
            raise ValueError(f"unknown severity {after!r}")
        if self is Action.NOT_PERSON and after not in (None, "yes"):
            raise ValueError(f"'not a person' takes 'yes' or nothing, not {after!r}")
        if self in (Action.MERGE, Action.SPLIT) and after is not None and not after.strip():
            raise ValueError(f"a {self} needs a person or identifiers")
        if self is Action.REVIEW and after not in (REVIEWED, None):
            raise ValueError(f"a review sets {REVIEWED!r} or nothing, not {after!r}")


_ACTION_COLUMNS = {Action.STATUS: "status", Action.SEVERITY: "severity", Action.NOTE: "note",
                   Action.MERGE: "merged_into", Action.SPLIT: "split_off", Action.NOT_PERSON: "not_person"}

REVIEWED = "reviewed"
"""What ``Action.REVIEW`` sets on a file; None takes the mark back."""

NO_CLIENT = "(client not named)"
"""How a LAB_RUBRIC finding whose client lab could not be told is named, everywhere."""


# ---------------------------------------------------------------- scanning
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
    separator character between them. ``owns`` (a window of a huge file) is the range of ``text``
    whose values are this window's to report, from the middle of its overlap with the window before
    to the middle of its overlap with the next: windows seen one after the other, or by different
    workers, report each value once, from the window that sees it with context on both sides; a
    value that starts before that range and ends past the previous window's end (longer than half
    the overlap) is this window's too, since no window before saw it whole.
    """

    text: str
    locator: dict[str, Any] = field(default_factory=dict)
    context: str = ""
    line: int | None = None
    prose: bool | None = None
    record: str | None = None
    offset: int | None = None
    owns: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Detection:
    """What a detector reports: one value in one segment (offsets in the segment, not yet a finding)."""

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
    """A finding, from the worker that made it to the export: one record, the ``findings`` row.

    A worker fills what it knows (``value`` travels to the writer in memory only); the writer
    derives ``id``, ``file_id`` and ``fingerprint`` and stores ``value`` only with
    ``--store-values``. ``start``/``end`` are offsets in the file's extracted text;
    ``ctx_start``/``ctx_end`` say where the masked preview sits inside ``context``;
    ``unit`` places it inside its segment as ``offset:block:line`` (the segment's offset, the
    blank-line block and the line within it), which is how people linkage tells a signature
    block or a directory line from the rest of a document; ``subject_via`` says how it was
    linked to ``subject``. A query may load only some columns (a table page): the rest keep
    their defaults.
    """

    path: str
    entity_type: str
    category: Category
    severity: Severity
    score: float
    rule: str
    start: int | None = None
    end: int | None = None
    line: int | None = None
    location: dict[str, Any] = field(default_factory=dict)
    preview: str | None = None
    context: str | None = None
    ctx_start: int | None = None
    ctx_end: int | None = None
    value: str | None = None
    record: str | None = None
    client: str | None = None
    signals: tuple[str, ...] = ()
    id: str = ""
    file_id: str = ""
    status: Status = Status.OPEN
    fingerprint: str | None = None
    subject: str | None = None
    note: str | None = None
    unit: str | None = None
    subject_via: str | None = None
    country: str | None = None  # ISO 3166 alpha-2 the value or its record places its person in
    country_via: str | None = None  # how: "phone prefix +91", "IBAN country", "country column", "address"
    file_sha256: str = ""  # of the containing file (joined from ``files``)

    @property
    def document_level(self) -> bool:
        return self.start is None


@dataclass(frozen=True, slots=True)
class FileRecord:
    """A file or archive member seen by the scan.

    ``named_after``: identifiers the file's name holds (``W-8BEN_<contractor ID>.docx``) as
    (entity type, category, value), from the worker to the writer in memory only: the case
    keeps their fingerprints.
    """

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
    named_after: tuple[tuple[str, str, str], ...] = ()


@dataclass(slots=True)
class FileResult:
    """Everything one file (or archive member) produced, written in one transaction.

    ``codenames``: (project codename, client lab) pairs its tables state (``scanners/codenames.py``).
    ``streamed``: the file's findings reach the writer in several results (a file with many findings,
    or the parts of a huge one): each adds to what the earlier ones wrote, a result with the file
    status ``pending`` says more follow, and the last one drops what an earlier scan stored for the
    file and this scan did not find again.
    """

    file: FileRecord
    findings: list[Finding] = field(default_factory=list)
    codenames: list[tuple[str, str]] = field(default_factory=list)
    streamed: bool = False


@dataclass(frozen=True, slots=True)
class KnownFile:
    """A top-level file as the case last recorded it (what a re-scan compares against)."""

    path: str
    size: int | None
    mtime: float | None
    sha256: str | None
    status: FileStatus
    rules_fingerprint: str | None

    @property
    def final(self) -> bool:
        return self.status in (FileStatus.DONE, FileStatus.SKIPPED, FileStatus.ERROR)


@dataclass(frozen=True, slots=True)
class ScanInfo:
    id: int
    root: str
    started_at: str
    finished_at: str | None
    status: str
    options: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Decision:
    """One entry of the append-only decision log: who changed what (``target_kind``/``target``) from what to what."""

    seq: int
    at: str
    analyst: str
    action: str
    target_kind: str  # finding | subject | file
    target: str
    before: str | None
    after: str | None
    reason: str | None
    batch: str | None
    prev_mac: str
    mac: str


def file_id(path: str) -> str:
    """A file's stable id: derived from its path, so a re-scan finds the same row."""
    return hashlib.sha1(path.encode("utf-8", "surrogateescape")).hexdigest()[:20]


def finding_id(file_sha256: str, path: str, rule: str, entity_type: str, start: int | None,
               end: int | None) -> str:
    """A finding's stable id: the same bytes, rule and span give the same id in every scan."""
    key = f"{file_sha256}|{path}|{rule}|{entity_type}|{start}|{end}"
    return hashlib.sha1(key.encode("utf-8", "surrogateescape")).hexdigest()[:24]


# ---------------------------------------------------------------- triage
GROUP_BY = ("value", "rule", "file", "folder")
"""What a group decision can span: one value (fingerprint), one rule, one file, one folder."""

SORTS = ("severity", "path", "type", "status")


@dataclass(frozen=True, slots=True)
class FindingQuery:
    """What the findings table shows: filters (ANDed; values within one filter ORed), sort, group drill-in.

    ``path_glob`` is a case-insensitive glob over the file path (``*`` crosses folders): it
    matches from the start of any folder (``hr/*`` finds ``Drive/HR/x.csv``) unless it starts
    with ``/`` (anchored at the share root); one without ``*?[`` matches anywhere in the path.
    ``file`` is one file's exact path (its archive or mail members included); ``folder`` is
    what is *in* one folder (its own files and their members, as ``folder_of`` says). ``text`` matches
    words (and word prefixes) of the path, the masked preview or the masked context, or is a
    raw value whose keyed fingerprint a finding has. ``subject`` is a person's id or one of
    their raw identifiers (matched by fingerprint). ``clients`` match LAB_RUBRIC findings whose
    client lab contains one of them (``NO_CLIENT``: no lab named). ``group_by``/``group_key``
    restrict to the members of one group from the grouping queries.
    """

    entity_types: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    path_glob: str = ""
    text: str = ""
    subject: str = ""
    clients: tuple[str, ...] = ()
    file: str = ""
    folder: str = ""
    group_by: str = ""
    group_key: str = ""
    sort: str = "severity"
    descending: bool = False


@dataclass(frozen=True, slots=True)
class FindingPage:
    offset: int
    rows: list[Finding]
    total: int | None  # known when the page tells it; else ask for the count


@dataclass(frozen=True, slots=True)
class FindingGroup:
    """Findings sharing a value, rule, file or folder; deciding the group decides them all."""

    by: str
    key: str
    label: str
    entity_type: str | None
    count: int
    open: int
    worst: Severity


@dataclass(frozen=True, slots=True)
class Impact:
    """What one decision would touch, asked before a big one: findings, files, and the changed column's values."""

    findings: int
    files: int
    before: dict[str, int]  # the value the action changes (a status, a severity, a note) → findings holding it

    def unchanged(self, after: str | None) -> int:
        return self.before.get(after or "", 0)


@dataclass(frozen=True, slots=True)
class Person:
    """A data subject and how much of theirs is exposed.

    ``anchor`` is the type of their strongest identifier; ``confidence`` the weakest link
    holding them together (``strong``: a shared primary, ``medium``: a secondary or a mail
    header, ``weak``: a name only).
    """

    id: str
    label: str
    anchor: str | None
    findings: int
    files: int
    worst: Severity
    entity_types: tuple[str, ...]
    confidence: str = "strong"
    identifiers: int = 0


@dataclass(frozen=True, slots=True)
class PersonIdentifier:
    """One identifier of a person: what it is (masked), its class, how often it was seen."""

    key: str
    entity_type: str
    id_class: str  # primary | account | secondary | name | attribute
    preview: str
    findings: int
    shared: str | None = None  # why it stopped linking other records


@dataclass(frozen=True, slots=True)
class PersonLink:
    """Why two pieces of evidence are one person."""

    strength: str
    reason: str
    preview: str | None  # the identifier both hold (masked)
    where_a: str
    where_b: str


@dataclass(frozen=True, slots=True)
class PersonExposure:
    person: Person
    what: list[tuple[str, str, int, Severity]]  # entity type, masked value, findings, worst severity
    where: list[tuple[str, int, Severity]]       # path, findings, worst severity
    identifiers: list[PersonIdentifier] = field(default_factory=list)
    links: list[PersonLink] = field(default_factory=list)
    links_total: int = 0
    merged: tuple[str, ...] = ()  # people merged into this one by an analyst
    splits: tuple[str, ...] = ()  # identifiers split off by an analyst
    maybe: int = 0  # first-name mentions that may be theirs, shared with other people (not linked)


PEOPLE_SORTS = ("exposure", "name", "confidence")


@dataclass(frozen=True, slots=True)
class PeopleQuery:
    """What the People screen lists: ``text`` matches the masked name or id; ``value`` is a raw value typed
    by the analyst (a name, an e-mail, an ID) matched through its keyed fingerprint, never stored."""

    text: str = ""
    value: str = ""
    confidence: tuple[str, ...] = ()
    entity_types: tuple[str, ...] = ()
    sort: str = "exposure"


@dataclass(frozen=True, slots=True)
class FindingDetail:
    """Everything the detail pane shows about one finding (all masked)."""

    finding: Finding
    file: FileRecord | None
    same_file: list[Finding]  # the file's next findings, from this one on
    same_file_total: int  # every other finding of the file
    person: Person | None
    history: list[Decision]
    same_file_before: int = 0  # of those, how many come before this one


@dataclass(frozen=True, slots=True)
class FileStats:
    id: str
    path: str
    parent: str | None
    kind: str | None
    status: FileStatus
    reason: str | None
    sha256: str | None
    size: int | None
    findings: int
    worst: Severity | None
    open: int = 0
    reviewed_by: str | None = None  # the analyst whose review mark stands (None: not marked reviewed)


@dataclass(frozen=True, slots=True)
class CaseOverview:
    case_name: str
    scan: ScanInfo | None
    files: dict[str, int]                         # files in the share: status → count
    members: dict[str, int]                       # archive and mail members: status → count
    by_category: dict[str, dict[str, int]]        # category → status → count
    by_severity: dict[str, int]
    rubric_clients: list[tuple[str, int, int]]    # client lab (NO_CLIENT: none named), LAB_RUBRIC findings, open
    people: int
    people_by_confidence: dict[str, int] = field(default_factory=dict)  # strong | medium | weak → people
    not_scanned_unreviewed: int = 0               # files and members not scanned that nobody marked reviewed
    open_by_severity: dict[str, int] | None = None  # read after the rest (a pass over every finding)

    @property
    def findings(self) -> int:
        return sum(sum(row.values()) for row in self.by_category.values())

    def with_status(self, status: str) -> int:
        return sum(row.get(status, 0) for row in self.by_category.values())


def folder_of(path: str) -> str:
    """The share folder a file sits in; an archive member counts in its archive's folder.

    >>> folder_of("hr/2024/roster.zip!/a/b.csv")
    'hr/2024'
    """
    outer = path.split("!/", 1)[0]
    return outer.rpartition("/")[0]


def top_folder(path: str, depth: int = 2) -> str:
    """The first ``depth`` folders of a path ('' for the share root): the overview's folder grain."""
    parts = folder_of(path).split("/")
    return "/".join(parts[:depth]) if parts != [""] else ""
