"""The notification list: one row per exposed person, with the jurisdiction's assessment (``spill export --people``).

Masked by default. With ``--reveal`` a person's name, e-mail and phone are re-read from the
evidence (the same reveal policy as every other reveal: the source's sha256 and the value's
keyed fingerprint are checked) and each revealed finding is logged. False positives are left
out; unreviewed findings are counted (``unreviewed``) and the row says how far review got
(``triage_state``). Every row says what it is: decision support, not legal advice.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TextIO

from spill.case import Case
from spill.errors import SpillError
from spill.exposure import PersonFacts
from spill.inert import csv_cell
from spill.model import Finding
from spill.notify import (
    NOT_LEGAL_ADVICE,
    OUTCOME_RANK,
    Assessment,
    CountryInference,
    CountrySignal,
    Outcome,
    Rulebook,
    assess,
    country_name,
    infer_country,
)

FIELDS = ["person", "name", "country", "country_name", "country_via", "other_countries", "data_types", "elements",
          "findings", "files", "first_seen", "last_seen", "highest_severity", "link_confidence", "triage_state",
          "unreviewed", "outcome", "jurisdiction", "rule", "section", "elements_met", "deadline", "reason",
          "account_takeover", "basis"]
REVEAL_FIELDS = ["revealed_name", "revealed_email", "revealed_phone", "reveal_error"]
_REVEALED = {"PERSON": "revealed_name", "EMAIL_ADDRESS": "revealed_email", "PHONE_NUMBER": "revealed_phone"}

Revealer = Callable[[Finding], str]


@dataclass(frozen=True, slots=True)
class NotificationRow:
    facts: PersonFacts
    country: CountryInference
    elements: frozenset[str]
    assessment: Assessment
    account_takeover: str  # why, or "" when there is no such risk


def notification_list(case: Case, book: Rulebook) -> list[NotificationRow]:
    """Every exposed person's row, most demanding outcome first, then most exposed."""
    payout_types = tuple(sorted({t for name in book.payout for t in book.elements[name].types}
                                | {t for name in book.payout for t, _ in book.elements[name].typed}))
    credentials = case.exposure.credential_places()
    out = []
    for facts in case.exposure.people(payout_types, book.is_payout):
        elements: set[str] = set()
        for t in facts.types:
            elements |= book.elements_of(t.entity_type, t.category)
        country = infer_country(_signals(facts, book))
        takeover = _account_takeover(facts, credentials)
        out.append(NotificationRow(facts, country, frozenset(elements),
                                   assess(book, elements, country, account_takeover=takeover), takeover))
    out.sort(key=lambda r: (OUTCOME_RANK[r.assessment.outcome], -r.facts.findings, r.facts.id))
    return out


def outcome_counts(rows: Iterable[NotificationRow]) -> dict[str, int]:
    counts = Counter(str(r.assessment.outcome) for r in rows)
    return {str(o): counts.get(str(o), 0) for o in Outcome}


def _signals(facts: PersonFacts, book: Rulebook) -> list[CountrySignal]:
    """The recorded signals, plus each identifier type that only one country issues (a national ID's type)."""
    signals = [CountrySignal(c, via, files) for c, via, files in facts.countries]
    for t in facts.types:
        issuer = book.countries_by_type.get(t.entity_type)
        if issuer:
            kind = "national-ID type" if t.category == "government_id" else "identifier type"
            signals.append(CountrySignal(issuer, f"{kind} {t.entity_type}", t.files))
    return signals


def _account_takeover(facts: PersonFacts, credentials: dict[str, int]) -> str:
    if not facts.payout_places:
        return ""
    if facts.credential_linked:
        return "a credential linked to them and their payout details exposed"
    beside = [p for p in facts.payout_places if p in credentials]
    if beside:
        return f"credentials beside their payout details in {', '.join(beside[:3])}"
    return ""


# ------------------------------------------------------------------ export
def people_rows(case: Case, rows: list[NotificationRow], *, revealer: Revealer | None = None,
                revealed: list[str] | None = None, problems: list[str] | None = None) -> list[dict[str, Any]]:
    """Export dicts; with a revealer, each person's name, e-mail and phone re-read from the evidence.

    Revealed finding ids are appended to ``revealed`` (for the decision log).
    """
    values: dict[str, dict[str, str]] = {}
    if revealer is not None:
        values = _reveal(case, [r.facts.id for r in rows], revealer, revealed, problems)
    out = []
    for r in rows:
        f, a, c = r.facts, r.assessment, r.country
        row: dict[str, Any] = {
            "person": f.id, "name": f.label, "country": c.country or "",
            "country_name": country_name(c.country) if c.country else "", "country_via": c.how,
            "other_countries": c.others, "data_types": [t.entity_type for t in f.types],
            "elements": sorted(r.elements), "findings": f.findings, "files": f.files, "first_seen": f.first_seen,
            "last_seen": f.last_seen, "highest_severity": str(f.worst), "link_confidence": f.confidence,
            "triage_state": f.triage_state, "unreviewed": f.open, "outcome": str(a.outcome),
            "jurisdiction": a.jurisdiction_name, "rule": a.rule, "section": a.section,
            "elements_met": list(a.elements_met), "deadline": a.deadline, "reason": a.reason,
            "account_takeover": r.account_takeover, "basis": NOT_LEGAL_ADVICE,
        }
        if revealer is not None:
            row.update(values.get(f.id, {}))
        out.append(row)
    return out


def _reveal(case: Case, people: list[str], revealer: Revealer, revealed: list[str] | None,
            problems: list[str] | None) -> dict[str, dict[str, str]]:
    """Each person's most frequent full name, e-mail and phone, read in path order (one pass per source file)."""
    wanted: list[tuple[Finding, str]] = []
    for sid in people:
        for fid in case.people.contact_findings(sid):
            finding = case.get_finding(fid)
            if finding is not None:
                wanted.append((finding, sid))
    wanted.sort(key=lambda w: (w[0].path, w[0].start or 0))
    out: dict[str, dict[str, str]] = {}
    for finding, sid in wanted:
        slot = out.setdefault(sid, {})
        try:
            slot[_REVEALED[finding.entity_type]] = revealer(finding)
            if revealed is not None:
                revealed.append(finding.id)
        except SpillError as err:
            slot["reveal_error"] = str(err)
            if problems is not None:
                problems.append(f"{sid} {finding.path}: {err}")
    return out


def write_jsonl(rows: list[dict[str, Any]], out: TextIO) -> int:
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(rows)


def write_csv(rows: list[dict[str, Any]], out: TextIO, *, revealed: bool = False) -> int:
    writer = csv.DictWriter(out, fieldnames=FIELDS + (REVEAL_FIELDS if revealed else []), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        flat = {k: "; ".join(v) if isinstance(v, list) else v for k, v in row.items()}
        writer.writerow({k: csv_cell(v) for k, v in flat.items()})
    return len(rows)
