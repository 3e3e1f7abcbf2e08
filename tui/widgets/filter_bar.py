"""The filter bar: one line, ``key:value`` terms and free text.

    type:EMAIL_ADDRESS,PHONE_NUMBER status:open sev:high+ path:payroll/* gmail

Terms AND together, comma-separated values OR. ``sev:high+`` means high and above;
``sort:path`` / ``sort:-severity`` choose the order; words without a key search the path
and the masked context. Right arrow accepts the suggested completion.
"""

from __future__ import annotations

import dataclasses
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input

from spill.model import SORTS, Category, FindingQuery, Severity

KEYS = {"type": "type", "t": "type", "cat": "cat", "category": "cat", "status": "status", "st": "status",
        "sev": "sev", "severity": "sev", "path": "path", "p": "path", "sort": "sort", "person": "person"}
STATUS_ALIASES = {"fp": "false_positive", "false+": "false_positive", "false_positive": "false_positive",
                  "open": "open", "confirmed": "confirmed", "ignored": "ignored", "ignore": "ignored",
                  "confirm": "confirmed"}
SEV_ORDER = [s.value for s in (Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL)]
SEV_ALIASES = {"crit": "critical", "med": "medium", **{s: s for s in SEV_ORDER}}


class FilterError(ValueError):
    """The filter text cannot be understood; the message says which term and why."""


def parse_filter(text: str, base: FindingQuery | None = None) -> FindingQuery:
    """Turn filter text into a query (grouping drill-in of ``base`` is dropped).

    >>> parse_filter("type:email_address status:fp sev:high+ gmail").severities
    ('high', 'critical')
    """
    try:
        words = shlex.split(text)
    except ValueError as err:
        raise FilterError(f"unbalanced quotes ({err})") from err
    fields: dict[str, object] = {"entity_types": (), "categories": (), "statuses": (), "severities": (),
                                 "path_glob": "", "text": "", "subject": "", "group_by": "", "group_key": "",
                                 "sort": "severity", "descending": False}
    free: list[str] = []
    for word in words:
        key, sep, value = word.partition(":")
        if not sep or key.lower() not in KEYS:
            free.append(word)
            continue
        key = KEYS[key.lower()]
        values = [v for v in value.split(",") if v]
        if not values:
            raise FilterError(f"{key}: needs a value")
        if key == "type":
            fields["entity_types"] = tuple(v.upper() for v in values)
        elif key == "cat":
            cats = {c.value for c in Category}
            bad = [v for v in values if v.lower() not in cats]
            if bad:
                raise FilterError(f"cat: unknown category {bad[0]!r} (one of {', '.join(sorted(cats))})")
            fields["categories"] = tuple(v.lower() for v in values)
        elif key == "status":
            bad = [v for v in values if v.lower() not in STATUS_ALIASES]
            if bad:
                raise FilterError(f"status: unknown status {bad[0]!r} (open, confirmed, fp, ignored)")
            fields["statuses"] = tuple(dict.fromkeys(STATUS_ALIASES[v.lower()] for v in values))
        elif key == "sev":
            sevs: list[str] = []
            for v in values:
                plus = v.endswith("+")
                name = SEV_ALIASES.get(v.rstrip("+").lower())
                if name is None:
                    raise FilterError(f"sev: unknown severity {v!r} (low, med, high, crit; high+ = high and up)")
                sevs.extend(SEV_ORDER[SEV_ORDER.index(name):] if plus else [name])
            fields["severities"] = tuple(dict.fromkeys(sevs))
        elif key == "path":
            fields["path_glob"] = value
        elif key == "person":
            fields["subject"] = value
        elif key == "sort":
            name = value.lstrip("-").lower()
            if name not in SORTS:
                raise FilterError(f"sort: unknown order {value!r} (one of {', '.join(SORTS)})")
            fields["sort"], fields["descending"] = name, value.startswith("-")
    fields["text"] = " ".join(free)
    return dataclasses.replace(base or FindingQuery(), **fields)  # type: ignore[arg-type]


def format_filter(query: FindingQuery) -> str:
    """The filter text that :func:`parse_filter` turns back into ``query``."""
    terms = []
    if query.entity_types:
        terms.append("type:" + ",".join(query.entity_types))
    if query.categories:
        terms.append("cat:" + ",".join(query.categories))
    if query.statuses:
        terms.append("status:" + ",".join("fp" if s == "false_positive" else s for s in query.statuses))
    if query.severities:
        terms.append("sev:" + ",".join(query.severities))
    if query.path_glob:
        terms.append(_quote("path:" + query.path_glob))
    if query.subject:
        terms.append("person:" + query.subject)
    if query.sort != "severity" or query.descending:
        terms.append("sort:" + ("-" if query.descending else "") + query.sort)
    if query.text:
        terms.append(query.text if " " not in query.text or '"' in query.text else _quote(query.text))
    return " ".join(terms)


def _quote(term: str) -> str:
    return shlex.quote(term) if any(c.isspace() for c in term) else term


class FilterSuggester(Suggester):
    """Completes the last word: a key, or a value of the key before the colon."""

    def __init__(self, entity_types: Sequence[str] = ()) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.entity_types = list(entity_types)

    async def get_suggestion(self, value: str) -> str | None:
        head, _, last = value.rpartition(" ")
        prefix = head + " " if head else ""
        key, sep, partial = last.partition(":")
        if not last:
            return None
        if not sep:
            for name in ("type:", "cat:", "status:", "sev:", "path:", "sort:"):
                if name.startswith(last.lower()) and name != last.lower():
                    return prefix + name
            return None
        done, _, current = partial.rpartition(",")
        done = done + "," if done else ""
        options = {
            "type": self.entity_types, "t": self.entity_types,
            "cat": [c.value for c in Category], "status": ["open", "confirmed", "fp", "ignored"],
            "sev": [*SEV_ORDER, "high+", "medium+"], "sort": [*SORTS, *("-" + s for s in SORTS)],
        }.get(key.lower(), [])
        for option in options:
            if current and option.lower().startswith(current.lower()) and option.lower() != current.lower():
                return f"{prefix}{key}:{done}{option}"
        return None


class FilterBar(Input):
    """The one-line filter; Enter applies, Escape goes back to the table unchanged."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Leave the filter unchanged and go back to the table"),
    ]

    @dataclass
    class FilterSubmitted(Message):
        query: FindingQuery

    @dataclass
    class FilterCancelled(Message):
        pass

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="/ filter: type:EMAIL_ADDRESS status:open sev:high+ path:hr/* text",
                         suggester=FilterSuggester(), id=id, compact=True)
        self.applied = FindingQuery()

    def show(self, query: FindingQuery) -> None:
        self.applied = query
        self.value = format_filter(query)

    def set_entity_types(self, types: Sequence[str]) -> None:
        if isinstance(self.suggester, FilterSuggester):
            self.suggester.entity_types = list(types)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            query = parse_filter(self.value, self.applied)
        except FilterError as err:
            self.notify(str(err), title="Filter not applied", severity="error")
            return
        self.post_message(self.FilterSubmitted(query))

    def action_cancel(self) -> None:
        self.value = format_filter(self.applied)
        self.post_message(self.FilterCancelled())
