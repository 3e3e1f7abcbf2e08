"""What subject resolution reads and what it concludes: plain records, no SQL.

The case store turns its findings into :class:`FileEvidence` (one per file, its findings as
:class:`Observation` s) and writes a :class:`Resolution` back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spill.people.classes import IdClass, Strength


@dataclass(frozen=True, slots=True)
class Observation:
    """One finding as linkage sees it.

    ``key`` is the value's identity for linking (its fingerprint, or a ``link`` key for names
    and phones; None for a first name alone); ``names`` the keys that spell it (a name's
    ``joined`` and ``first`` keys, an e-mail's ``local`` keys); ``unit`` locates it inside
    its segment as ``offset:block:line``; ``header`` is the mail header it sits in.
    """

    finding: int
    entity_type: str
    cls: IdClass
    key: str | None
    shape: str | None = None
    first: str | None = None
    names: tuple[str, ...] = ()
    record: str | None = None
    unit: str | None = None
    header: str | None = None
    start: int | None = None


@dataclass(frozen=True, slots=True)
class NamedAfter:
    """An identifier in a file's name (``W-8BEN_<contractor ID>.docx``): the file is that person's."""

    entity_type: str
    cls: IdClass
    key: str
    shape: str | None = None


@dataclass(slots=True)
class FileEvidence:
    file_id: str
    path: str
    thread: str  # first names are resolved among the people of one thread (a mail and its attachments)
    observations: list[Observation] = field(default_factory=list)
    named_after: list[NamedAfter] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Constraints:
    """What analysts decided, as the resolver applies it.

    ``splits``: subject id → (its anchor key, the keys split off it): never one person again.
    ``previous``: key → the subject id it had, so people keep their ids across rescans.
    """

    splits: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)
    previous: dict[str, str] = field(default_factory=dict)


# ----------------------------------------------------------------- results
@dataclass(frozen=True, slots=True)
class ResolvedPerson:
    id: str
    anchor_key: str
    anchor_type: str
    confidence: Strength
    keys: int


@dataclass(frozen=True, slots=True)
class Assignment:
    finding: int
    subject: str
    via: str  # identifier | record | block | line | header | document | name | first name


@dataclass(frozen=True, slots=True)
class IdentifierState:
    key: str
    entity_type: str
    cls: IdClass
    subject: str | None
    shared: str | None  # why it stopped linking, or None
    findings: int
    example: int  # a finding holding it (for its masked preview)


@dataclass(frozen=True, slots=True)
class Link:
    """Why two pieces of evidence are one person: a spanning-tree edge of that person."""

    subject: str
    strength: Strength
    reason: str
    key: str | None  # the identifier both sides hold (None: an e-mail spelling a name)
    entity_type: str | None
    file_a: str
    where_a: str
    file_b: str
    where_b: str
    finding_a: int = -1  # a finding of each side (where it sits says where the evidence is)
    finding_b: int = -1


@dataclass(slots=True)
class Resolution:
    persons: list[ResolvedPerson] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    identifiers: list[IdentifierState] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    candidates: list[tuple[int, str]] = field(default_factory=list)  # (finding, subject) for ambiguous names
