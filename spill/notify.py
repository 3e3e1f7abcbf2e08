"""The notification assessment: who must be told, under which law, by when. Decision support, not legal advice.

A person's exposed finding types become *elements* (``name``, ``ssn``, ``financial_account``…);
their country is inferred from the signals the scan recorded (a national ID's type, a roster's
Country column, a phone's calling code, an IBAN's prefix); the jurisdiction covering that country
is read from ``rules/notify/`` (``spill.notify_rules``) and its most demanding rule that the
elements meet decides: ``notify``, ``review`` or ``not required``, with the rule, the section,
the elements that met it and the deadline the rule states. The engine knows no jurisdiction by
name: every law lives in its YAML file.

A person with no inferable country, with signals that disagree, or whose country no rule file
covers gets ``review`` with the reason. Credentials and payout data exposed together (a
credential linked to the person, or in the same folder or archive as their payout details) are
flagged as account-takeover risk, and never leave a person at ``not required``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

import pycountry

NOT_LEGAL_ADVICE = "decision support, not legal advice: counsel decides who is notified"


class Outcome(enum.StrEnum):
    NOTIFY = "notify"
    REVIEW = "review"
    NOT_REQUIRED = "not required"


#: Most demanding first: the order rules are chosen in, and the reports' order.
OUTCOME_RANK = {Outcome.NOTIFY: 0, Outcome.REVIEW: 1, Outcome.NOT_REQUIRED: 2}


@dataclass(frozen=True, slots=True)
class Element:
    """A data element the laws speak of, and the finding types (or type/category pairs, or categories) exposing it."""

    name: str
    types: frozenset[str]
    typed: frozenset[tuple[str, str]]
    categories: frozenset[str]
    description: str
    implies: tuple[str, ...] = ()  # broader elements it always is (a passport number is a government ID)

    def exposed_by(self, entity_type: str, category: str) -> bool:
        return entity_type in self.types or (entity_type, category) in self.typed or category in self.categories


@dataclass(frozen=True, slots=True)
class NotifyRule:
    id: str
    outcome: Outcome
    section: str
    when: tuple[frozenset[str], ...]  # every clause must hold; a clause holds when any of its elements is exposed
    reason: str
    deadline: str
    source: str  # file:line
    examples: tuple[frozenset[str], ...] = ()  # element sets that must meet it
    negative_examples: tuple[frozenset[str], ...] = ()  # and that must not

    def met(self, elements: Iterable[str]) -> tuple[str, ...] | None:
        """The exposed elements that meet every clause (sorted), or None when a clause is not met."""
        have = set(elements)
        used: set[str] = set()
        for clause in self.when:
            hit = clause & have
            if not hit:
                return None
            used |= hit
        return tuple(sorted(used))


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    id: str
    name: str
    countries: tuple[str, ...]
    law: str
    source_url: str
    deadline: str
    default_outcome: Outcome
    default_section: str
    default_reason: str
    rules: tuple[NotifyRule, ...]
    source: str


@dataclass(frozen=True, slots=True)
class Rulebook:
    elements: dict[str, Element]
    payout: tuple[str, ...]
    countries_by_type: dict[str, str]
    jurisdictions: dict[str, Jurisdiction]
    by_country: dict[str, str]
    fingerprint: str = ""  # sha256 over every file read (the reports' chain of custody)

    def elements_of(self, entity_type: str, category: str) -> set[str]:
        return implied_closure(self.elements, {e.name for e in self.elements.values()
                                               if e.exposed_by(entity_type, category)})

    def is_payout(self, entity_type: str, category: str) -> bool:
        return any(self.elements[name].exposed_by(entity_type, category) for name in self.payout)

    def for_country(self, country: str) -> Jurisdiction | None:
        jid = self.by_country.get(country)
        return self.jurisdictions.get(jid) if jid else None


def implied_closure(elements: dict[str, Element], names: set[str]) -> set[str]:
    """``names`` and every element they imply, transitively (an SSN is a national ID is a government ID)."""
    out, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name not in out:
            out.add(name)
            todo.extend(elements[name].implies if name in elements else ())
    return out


# ------------------------------------------------------------------ country
@dataclass(frozen=True, slots=True)
class CountrySignal:
    """One way a person's findings place them: a country, how (``country column``…), in how many files."""

    country: str
    via: str
    files: int


@dataclass(frozen=True, slots=True)
class CountryInference:
    country: str | None
    how: str  # "country column (4 files); phone prefix +91 (2 files)"
    others: str  # other countries the signals name, with how
    reason: str  # why no country was chosen (empty when one was)


_WEIGHT = (("national-ID type", 3), ("country column", 2), ("residence column", 2), ("address", 2),
           ("nationality column", 2), ("citizenship column", 2), ("phone prefix", 2), ("IBAN country", 1),
           ("identifier type", 1))
DECISIVE_SHARE = 0.6  # the chosen country must carry this share of the weighted signals


def signal_weight(via: str) -> int:
    return next((w for prefix, w in _WEIGHT if via.startswith(prefix)), 1)


def infer_country(signals: list[CountrySignal]) -> CountryInference:
    """The country most of a person's signals name (weighted: an ID's type over a roster column or phone code
    over an IBAN's prefix, each by the files it is seen in); none when they disagree or there are none."""
    if not signals:
        return CountryInference(None, "", "", "no country could be inferred: no national ID, no phone number with "
                                "a country code, no Country column or address in their records, no IBAN")
    score: dict[str, int] = {}
    how: dict[str, list[CountrySignal]] = {}
    for s in signals:
        score[s.country] = score.get(s.country, 0) + signal_weight(s.via) * max(s.files, 1)
        how.setdefault(s.country, []).append(s)
    ranked = sorted(score, key=lambda c: (-score[c], c))
    total = sum(score.values())
    described = {c: "; ".join(f"{s.via} ({s.files} file{'s' * (s.files != 1)})" for s in sorted(
        how[c], key=lambda s: (-signal_weight(s.via) * s.files, s.via))) for c in ranked}
    top = ranked[0]
    if score[top] / total < DECISIVE_SHARE:
        listed = ", ".join(f"{c}: {described[c]}" for c in ranked[:4])
        return CountryInference(None, "", "", f"the signals disagree on the country ({listed})")
    others = ", ".join(f"{c}: {described[c]}" for c in ranked[1:4])
    return CountryInference(top, described[top], others, "")


def country_name(code: str) -> str:
    found = pycountry.countries.get(alpha_2=code)
    return str(getattr(found, "common_name", None) or found.name) if found else code


# --------------------------------------------------------------- assessment
@dataclass(frozen=True, slots=True)
class Assessment:
    outcome: Outcome
    jurisdiction: str  # id ("" when none applies)
    jurisdiction_name: str
    rule: str  # rule id, "default" or "" (no jurisdiction)
    section: str
    elements_met: tuple[str, ...]
    deadline: str
    reason: str


def assess(book: Rulebook, elements: set[str], country: CountryInference, *,
           account_takeover: str = "") -> Assessment:
    """One person's outcome under the jurisdiction of their country (see the module docstring)."""
    if country.country is None:
        return _escalated(Assessment(Outcome.REVIEW, "", "", "", "", (), "", country.reason), account_takeover)
    j = book.for_country(country.country)
    if j is None:
        return _escalated(Assessment(
            Outcome.REVIEW, "", "", "", "", (), "",
            f"no notification rules cover {country_name(country.country)} ({country.country}): add a jurisdiction "
            "file with --notify-rules DIR"), account_takeover)
    best: tuple[NotifyRule, tuple[str, ...]] | None = None
    for rule in j.rules:
        met = rule.met(elements)
        if met is not None and (best is None or OUTCOME_RANK[rule.outcome] < OUTCOME_RANK[best[0].outcome]):
            best = (rule, met)
    if best is None:
        deadline = j.deadline if j.default_outcome is not Outcome.NOT_REQUIRED else ""
        result = Assessment(j.default_outcome, j.id, j.name, "default", j.default_section, (), deadline,
                            j.default_reason)
    else:
        rule, met = best
        deadline = rule.deadline if rule.outcome is not Outcome.NOT_REQUIRED else ""
        result = Assessment(rule.outcome, j.id, j.name, rule.id, rule.section, met, deadline, rule.reason)
    return _escalated(result, account_takeover)


def _escalated(a: Assessment, account_takeover: str) -> Assessment:
    """Account-takeover risk is never "not required": it asks for a human look at least."""
    if not account_takeover or a.outcome is not Outcome.NOT_REQUIRED:
        return a
    return Assessment(Outcome.REVIEW, a.jurisdiction, a.jurisdiction_name, a.rule, a.section, a.elements_met,
                      a.deadline, f"account-takeover risk: {account_takeover}; {a.reason}")
