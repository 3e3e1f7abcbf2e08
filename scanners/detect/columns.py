"""Column profiling: a table column whose header does not say what it holds, typed from its values.

A header names most columns ("Aadhaar", "Contractor ID"); the pattern stage reads those. This
stage looks at the columns it did not name, as column-level classification does (Macie, Google's
data profiler): all the cells of a column (a CSV/XLSX header, a JSON key path) in a document,
across the detector's batches, not one cell at a time.

* **Identifier columns** ("Gov ID", "ID No.", "Document"): the header has an identifier word,
  most values are identifier-shaped (six digits or more). Each value is checked against every
  checksummed national-ID rule (Aadhaar, SSN, PH TIN, NG NIN, CPF…); one that passes is reported
  as that type. When several pass, the row's country (a phone's country code, a country or
  currency cell) decides; when none decides, it is a NATIONAL_ID. A column whose header also
  says government/national/tax/identity reports its unchecked values as NATIONAL_ID too.
* **Per-person identifier columns** ("Marketplace ID", "Upwork ID"): the header has an identifier
  word and a qualifier, the values share one shape, and they go one-to-one with the table's person
  column (the cells where a name, an e-mail or a contractor ID was found): a second ID of the same
  person is a CONTRACTOR_ID. A task or invoice number is not: one person has many.

Headers that name something other than a person's identifier (order, invoice, ticket, task,
phone, account…) are never profiled; a bare "id" is a table's own key, not profiled either.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import regex

from scanners.detect.rules import Rule
from scanners.detect.value_check import ValueCheck
from spill.model import Category, Detection, Segment, Severity

PROFILE_RULE = "spill.profile.id_column"
TYPED_SCORE = 0.7  # a checksum passed, in a column of identifiers
GENERIC_SCORE = 0.6  # a government-ID column's value that no checksum names
PERSON_ID_SCORE = 0.6
MIN_VALUES = 3  # a column is profiled once it has this many distinct values
ID_SHARE = 0.6  # share of a column's values that must be identifier-shaped
SHAPE_SHARE = 0.8  # share of a per-person ID column's values with its most common shape
ONE_TO_ONE_SHARE = 0.9  # share of values that must map to one person (and back)
MAX_CELL = 40
MAX_TRACKED = 5_000  # values remembered per column

_WORD = re.compile(r"[a-z]+|#")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
ID_WORDS = frozenset({"id", "ids", "identifier", "identification", "number", "no", "num", "nr", "nbr", "#", "uid"})
# Validators that check a digit (not only a value's structure, as the SSN's and the PAN's do).
CHECKSUMS = frozenset({"aadhaar", "verhoeff", "ph_tin", "ng_nin", "cpf", "luhn"})
GOVERNMENT_WORDS = frozenset("""
gov govt government national natl identity citizen civil tax tin ssn kyc document doc proof voter resident
residence social personal
""".split())
NOT_PERSON_ID_WORDS = frozenset("""
order invoice inv ticket task batch project sku part item product transaction txn trx tracking shipment po
purchase file request req job run session message msg thread channel row line page version build commit
hash receipt payment payout reference ref case issue bug phone mobile tel fax whatsapp account acct iban
routing swift bic card policy claim serial model asset device machine host ip zip postal postcode sort
ifsc branch bank swift vat invoice quote event log trace span parent group team org company client lab
submission response annotation label review record entry sample prompt conversation chat url link
""".split())
_ID_SHAPED = regex.compile(r"(?=(?:[^\d]*\d){6})[A-Za-z0-9][A-Za-z0-9 \-./]{4,38}[A-Za-z0-9]")
_PERSON_SHAPED = regex.compile(r"(?=[^\d]*\d)[A-Za-z0-9][A-Za-z0-9\-_./:]{3,38}[A-Za-z0-9]")
_KEY_TYPES = frozenset({"PERSON", "EMAIL_ADDRESS", "CONTRACTOR_ID"})

# Where each checksummed type is issued, and the row signals that name a country.
TYPE_COUNTRY = {"US_SSN": "US", "US_ITIN": "US", "IN_AADHAAR": "IN", "IN_PAN": "IN", "PH_TIN": "PH",
                "NG_NIN": "NG", "BR_CPF": "BR", "KE_KRA_PIN": "KE", "KE_NATIONAL_ID": "KE"}
COUNTRY_NAMES = {
    "us": "US", "usa": "US", "united states": "US", "united states of america": "US", "india": "IN", "in": "IN",
    "philippines": "PH", "ph": "PH", "nigeria": "NG", "ng": "NG", "brazil": "BR", "brasil": "BR", "br": "BR",
    "kenya": "KE", "ke": "KE",
}
CURRENCY_COUNTRY = {"usd": "US", "inr": "IN", "php": "PH", "ngn": "NG", "brl": "BR", "kes": "KE"}
CALLING_CODE_COUNTRY = {"1": "US", "91": "IN", "63": "PH", "234": "NG", "55": "BR", "254": "KE"}
_CALLING_CODE = re.compile(r"^\s*(?:\+|00)(1|91|63|234|55|254)\b")


def header_words(context: str) -> list[str]:
    """"Gov ID" → ["gov", "id"]; "$.worker.marketplaceId" → ["marketplace", "id"] (the last key)."""
    last = re.split(r"[.\[\]/\\$]+", context.strip())
    key = next((p for p in reversed(last) if p and not p.isdigit()), context)
    return _WORD.findall(_CAMEL.sub(" ", key).lower().replace("_", " "))


def shape(value: str) -> str:
    """The shape of a value: letters → A, digits → 9, the rest kept ("LMF-C-005640" → "AAA-A-999999")."""
    return regex.sub(r"\p{L}", "A", regex.sub(r"\d", "9", value))


@dataclass
class _Typed:
    """A checksummed national-ID rule as the profiler uses it: its shapes and its value checks."""

    rule: Rule
    patterns: tuple[regex.Pattern[str], ...]
    check: ValueCheck
    checksum: bool  # one of its validators checks a digit

    def accepts(self, value: str) -> bool:
        return any(p.fullmatch(value) for p in self.patterns) and self.check.validate(value) is True \
            and not self.check.invalidate(value)


@dataclass
class ColumnStats:
    """What the document's cells under one header have shown so far."""

    values: set[str] = field(default_factory=set)
    id_shaped: int = 0
    checksummed: int = 0  # values that pass a national ID's checksum (not only its structure)
    shapes: Counter[str] = field(default_factory=Counter)
    to_person: dict[str, set[str]] = field(default_factory=dict)
    from_person: dict[str, set[str]] = field(default_factory=dict)

    def add(self, value: str, person: str | None, checksummed: bool) -> None:
        if len(self.values) >= MAX_TRACKED or value in self.values:
            if person is not None and value in self.values:
                self._link(value, person)
            return
        self.values.add(value)
        self.id_shaped += bool(_ID_SHAPED.fullmatch(value))
        self.checksummed += checksummed
        self.shapes[shape(value)] += 1
        if person is not None:
            self._link(value, person)

    def _link(self, value: str, person: str) -> None:
        self.to_person.setdefault(value, set()).add(person)
        self.from_person.setdefault(person, set()).add(value)

    def is_government_id_column(self, words: set[str]) -> bool:
        """Identifier-shaped values under a government-ID header ("Gov ID"), or under an "ID" header
        when most of them pass a national ID's checksum."""
        if len(self.values) < MIN_VALUES or self.id_shaped < ID_SHARE * len(self.values):
            return False
        return bool(words & GOVERNMENT_WORDS) or self.checksummed >= ID_SHARE * len(self.values)

    def is_per_person(self) -> bool:
        """One shape, and one-to-one with the person column over the rows that have both."""
        if len(self.values) < MIN_VALUES or len(self.to_person) < MIN_VALUES:
            return False
        if self.shapes.most_common(1)[0][1] < SHAPE_SHARE * len(self.values):
            return False
        one = sum(len(p) == 1 for p in self.to_person.values())
        back = sum(len(v) == 1 for v in self.from_person.values())
        return one >= ONE_TO_ONE_SHARE * len(self.to_person) and back >= ONE_TO_ONE_SHARE * len(self.from_person)


@dataclass
class ColumnMemory:
    """The columns of one document (a DocumentState part): header → statistics."""

    columns: dict[str, ColumnStats] = field(default_factory=dict)


class ColumnProfiler:
    """Adds detections for the cells of profiled columns that the pattern stage left empty."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self._typed = [
            _Typed(r, tuple(regex.compile(p.regex) for p in r.patterns), ValueCheck(r),
                   bool(set(r.validators) & CHECKSUMS))
            for r in rules
            if r.category == Category.GOVERNMENT_ID and r.patterns and r.validators and r.enabled
            and not r.is_document_rule
        ]
        generic = [r for r in rules if r.entity_type == "NATIONAL_ID"]
        self._generic_severity = generic[0].severity if generic else Severity.HIGH

    def profile(self, segments: Sequence[Segment], found: list[list[Detection]], memory: ColumnMemory) -> None:
        cells = [i for i, seg in enumerate(segments) if _is_cell(seg)]
        if not cells:
            return
        persons = _person_keys(segments, found, cells)
        candidates: list[tuple[int, str]] = []  # (segment, value)
        for i in cells:
            seg = segments[i]
            if not _profiled_header(header_words(seg.context)):
                continue
            value = seg.text.strip()
            stats = memory.columns.setdefault(seg.context, ColumnStats())
            if value not in stats.values and len(stats.values) < MAX_TRACKED:
                checksummed = bool(_ID_SHAPED.fullmatch(value)) and any(
                    t.checksum and t.accepts(value) for t in self._typed)
            else:
                checksummed = False
            stats.add(value, persons.get(seg.record) if seg.record else None, checksummed)
            if not found[i]:
                candidates.append((i, value))
        countries: dict[str, str] | None = None
        for i, value in candidates:
            seg = segments[i]
            stats = memory.columns[seg.context]
            words = set(header_words(seg.context))
            start = len(seg.text) - len(seg.text.lstrip())
            span = (start, start + len(value))
            detection = None
            if stats.is_government_id_column(words) and _ID_SHAPED.fullmatch(value):
                passing = {t.rule.entity_type: t.rule for t in self._typed if t.accepts(value)}
                if len(passing) > 1:
                    countries = _row_countries(segments, cells) if countries is None else countries
                    country = countries.get(seg.record or "")
                    passing = {k: r for k, r in passing.items() if TYPE_COUNTRY.get(k) == country} or passing
                detection = self._government_id(span, passing)
            elif (words - ID_WORDS and stats.is_per_person() and _PERSON_SHAPED.fullmatch(value)
                  and not words & GOVERNMENT_WORDS):
                detection = Detection("CONTRACTOR_ID", *span, PERSON_ID_SCORE, PROFILE_RULE, Category.CONTRACTOR,
                                      Severity.HIGH)
            if detection is not None:
                found[i].append(detection)

    def _government_id(self, span: tuple[int, int], passing: dict[str, Rule]) -> Detection:
        """The one type whose checksum passed, else a NATIONAL_ID (none passed, or the row cannot tell)."""
        if len(passing) == 1:
            rule = next(iter(passing.values()))
            return Detection(rule.entity_type, *span, TYPED_SCORE, PROFILE_RULE, rule.category, rule.severity)
        return Detection("NATIONAL_ID", *span, GENERIC_SCORE, PROFILE_RULE, Category.GOVERNMENT_ID,
                         self._generic_severity)


def _is_cell(seg: Segment) -> bool:
    return (bool(seg.context) and seg.record is not None and seg.prose is not True
            and 0 < len(seg.text.strip()) <= MAX_CELL and seg.locator.get("column") != seg.text)


def _profiled_header(words: list[str]) -> bool:
    """A header with an identifier word and nothing that names another kind of number."""
    return bool(words) and bool(set(words) & ID_WORDS) and not set(words) & NOT_PERSON_ID_WORDS


def _person_keys(segments: Sequence[Segment], found: list[list[Detection]], cells: list[int]) -> dict[str, str]:
    """record → the value of the table's person column in that row (the header whose cells most often
    hold a whole name, e-mail address or contractor ID)."""
    per_header: dict[str, dict[str, str]] = {}
    for i in cells:
        seg = segments[i]
        value = seg.text.strip()
        if seg.record and any(d.entity_type in _KEY_TYPES and d.end - d.start >= len(value) for d in found[i]):
            per_header.setdefault(seg.context, {})[seg.record] = value.casefold()
    if not per_header:
        return {}
    return max(per_header.values(), key=len)


def _row_countries(segments: Sequence[Segment], cells: list[int]) -> dict[str, str]:
    """record → the country its row names: a phone's calling code, a country cell, a currency cell."""
    countries: dict[str, str] = {}
    for i in cells:
        seg = segments[i]
        if seg.record is None or seg.record in countries:
            continue
        text = seg.text.strip()
        lower = text.casefold()
        code = _CALLING_CODE.match(text)
        words = set(header_words(seg.context))
        if code:
            countries[seg.record] = CALLING_CODE_COUNTRY[code.group(1)]
        elif words & {"country", "nationality", "citizenship", "residence"} and lower in COUNTRY_NAMES:
            countries[seg.record] = COUNTRY_NAMES[lower]
        elif "currency" in words and lower in CURRENCY_COUNTRY:
            countries[seg.record] = CURRENCY_COUNTRY[lower]
    return countries
