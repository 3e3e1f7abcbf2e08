"""Records the notification list, the client exposure and the reports are built from (read by ``case.exposure``).

Each is what the case knows, masked: counts, types, paths, countries and how they were read,
never a value. ``spill.notify`` turns a :class:`PersonFacts` into an assessment;
``spill.report`` renders them.
"""

from __future__ import annotations

from dataclasses import dataclass

from spill.model import Severity, folder_of


@dataclass(frozen=True, slots=True)
class TypeExposure:
    """One finding type of one person: how often, in how many files, how severe (false positives left out)."""

    entity_type: str
    category: str
    findings: int
    files: int
    worst: Severity


@dataclass(frozen=True, slots=True)
class PersonFacts:
    """Everything about one person the notification list needs, false positives left out.

    ``open`` counts the findings nobody has reviewed yet; ``first_seen``/``last_seen`` are the
    oldest and newest modification times (UTC dates) of the files holding their data;
    ``countries`` are the recorded signals as (country, how, files); ``payout_places`` the
    folders or archives their payout details sit in; ``credential_linked`` whether a credential
    was linked to them.
    """

    id: str
    label: str
    confidence: str
    findings: int
    files: int
    worst: Severity
    types: tuple[TypeExposure, ...]
    open: int
    confirmed: int
    ignored: int
    first_seen: str
    last_seen: str
    countries: tuple[tuple[str, str, int], ...]
    payout_places: tuple[str, ...] = ()
    credential_linked: bool = False

    @property
    def triage_state(self) -> str:
        """``confirmed`` when every finding was reviewed, ``open`` when none was, else how many are still open."""
        if self.open == 0:
            return "confirmed" if self.confirmed else "reviewed (ignored)"
        if self.open == self.findings:
            return "open"
        return f"partly reviewed ({self.open} of {self.findings} open)"


@dataclass(frozen=True, slots=True)
class LabDocument:
    """A document-level LAB_RUBRIC finding, as the client table reads it."""

    path: str
    client: str | None
    signals: tuple[str, ...]
    status: str
    kind: str | None  # the file's detected kind (md, pdf, jsonl…)


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """One file or archive member in the coverage ledger."""

    path: str
    kind: str | None
    size: int | None
    sha256: str | None
    status: str
    reason: str | None
    duplicate_of: str | None
    findings: int
    reviewed_by: str = ""  # the analyst whose review mark stands on it ('' when nobody marked it)


def place_of(path: str) -> str:
    """Where a file sits for "beside": the outermost archive for a member, else the folder (``.`` at the root)."""
    if "!/" in path:
        return path.split("!/", 1)[0]
    return folder_of(path) or "."
