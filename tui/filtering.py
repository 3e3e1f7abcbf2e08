"""The filter language: one list of keys (:data:`FILTER_KEYS`) that the parser, the completion,
the help screen and the README all come from.

    type:EMAIL_ADDRESS,PHONE_NUMBER status:open sev:high+ path:payroll/* gmail

Terms AND together, comma-separated values OR. A term with a key the list does not know, or a
value the key does not take, is refused with what is allowed; text in quotes is always free
text (``"note: call back"``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from spill.model import NO_CLIENT, SORTS, Category, FindingQuery, Severity, Status


@dataclass(frozen=True, slots=True)
class FilterKey:
    name: str
    short: tuple[str, ...]
    takes: str  # what the value is, for the help and the error messages
    example: str

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.short)


FILTER_KEYS = (
    FilterKey("type", ("t",), "entity types, comma-separated (those in the case)", "type:EMAIL_ADDRESS,IBAN_CODE"),
    FilterKey("cat", ("category",), f"categories: {', '.join(c.value for c in Category)}", "cat:financial"),
    FilterKey("status", ("st",), "open, confirmed, false_positive (fp), ignored", "status:open,fp"),
    FilterKey("sev", ("severity",), "low, medium (med), high, critical (crit); high+ is high and above",
              "sev:high+"),
    FilterKey("path", ("p",), "a glob over the path, any case; matches from any folder, from the share root when "
              "it starts with /; without * ? [ anywhere in the path", "path:hr/*"),
    FilterKey("file", ("f",), "one file's exact path (with its archive or mail members)", "file:hr/roster.csv"),
    FilterKey("folder", ("dir",), "what is in one folder: its own files and their members, not its subfolders "
              "(/ is the share root)", "folder:support/tickets"),
    FilterKey("person", (), "a person's id (P-…) or any raw identifier of theirs (compared by fingerprint)",
              "person:CTR-100201"),
    FilterKey("client", ("lab",), f"rubrics whose client lab contains the text; none: {NO_CLIENT}",
              "client:northwind"),
    FilterKey("sort", (), f"{', '.join(SORTS)}; a leading - reverses", "sort:-severity"),
)
FREE_TEXT = ("words of the path, masked value or context (word beginnings match); a raw value "
             "(a name, an e-mail, an ID) finds its findings by fingerprint, never stored")

KEYS = {spelling: key.name for key in FILTER_KEYS for spelling in key.spellings}
STATUS_ALIASES = {"fp": Status.FALSE_POSITIVE.value, "false+": Status.FALSE_POSITIVE.value,
                  "ignore": Status.IGNORED.value, "confirm": Status.CONFIRMED.value,
                  **{s.value: s.value for s in Status}}
SEV_ORDER = [s.value for s in (Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL)]
SEV_ALIASES = {"crit": "critical", "med": "medium", **{s: s for s in SEV_ORDER}}
NO_CLIENT_WORD = "none"
PERSON_ID = re.compile(r"[A-Z]-[0-9a-f]{6,}")  # what the case names a person by (not a raw identifier)


class FilterError(ValueError):
    """The filter text cannot be understood; the message says which term and what is allowed."""


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """What the case holds, to refuse a value that can match nothing (empty: not loaded yet, take anything)."""

    entity_types: tuple[str, ...] = ()
    clients: tuple[str, ...] = ()  # NO_CLIENT for rubrics with no lab named


def key_list() -> str:
    """``type: (t:), cat: …``: every key and its short forms, for messages."""
    return ", ".join(f"{k.name}:" + (f" ({', '.join(s + ':' for s in k.short)})" if k.short else "")
                     for k in FILTER_KEYS)


def words(text: str) -> Iterator[tuple[str, bool]]:
    """Shell-like words, each with whether a quote opened before its first colon.

    ``path:'a b/*'`` is a key with a quoted value; ``"note: x"`` and ``'a:b'`` are free text.
    """
    word: list[str] = []
    key_quoted = started = False
    quote = ""
    for c in text:
        if quote:
            if c == quote:
                quote = ""
            else:
                word.append(c)
        elif c in "'\"":
            quote, started = c, True
            key_quoted = key_quoted or ":" not in word
        elif c.isspace():
            if started:
                yield "".join(word), key_quoted
            word, key_quoted, started = [], False, False
        else:
            word.append(c)
            started = True
    if quote:
        raise FilterError(f"unbalanced quote {quote} (close it, or leave it out)")
    if started:
        yield "".join(word), key_quoted


def parse_filter(text: str, base: FindingQuery | None = None, known: Vocabulary = Vocabulary()) -> FindingQuery:
    """Turn filter text into a query (grouping drill-in of ``base`` is dropped).

    >>> parse_filter("type:email_address status:fp sev:high+ gmail").severities
    ('high', 'critical')
    """
    fields: dict[str, object] = {f.name: f.default for f in dataclasses.fields(FindingQuery)}
    free: list[str] = []
    for word, quoted in words(text):
        key, sep, value = word.partition(":")
        if not sep or quoted or not key.isalpha():
            free.append(word)  # "10:30", "https://…" in quotes, plain words
            continue
        if key.lower() not in KEYS:
            raise FilterError(f"unknown filter key {key + ':'!r}; the keys are {key_list()} "
                              f"(to search for {word!r} as text, put it in quotes)")
        _apply(KEYS[key.lower()], value, fields, known)
    fields["text"] = " ".join(free)
    return dataclasses.replace(base or FindingQuery(), **fields)  # type: ignore[arg-type]


def _apply(key: str, value: str, fields: dict[str, object], known: Vocabulary) -> None:
    values = [v for v in value.split(",") if v]
    if not values:
        raise FilterError(f"{key}: needs a value ({_takes(key)})")
    if key == "type":
        types = tuple(v.upper() for v in values)
        bad = [t for t in types if known.entity_types and t not in known.entity_types]
        if bad:
            raise FilterError(f"type: no {bad[0]} findings in this case (types here: {', '.join(known.entity_types)})")
        fields["entity_types"] = types
    elif key == "cat":
        cats = [c.value for c in Category]
        bad = [v for v in values if v.lower() not in cats]
        if bad:
            raise FilterError(f"cat: unknown category {bad[0]!r} (one of {', '.join(cats)})")
        fields["categories"] = tuple(v.lower() for v in values)
    elif key == "status":
        bad = [v for v in values if v.lower() not in STATUS_ALIASES]
        if bad:
            raise FilterError(f"status: unknown status {bad[0]!r} ({_takes('status')})")
        fields["statuses"] = tuple(dict.fromkeys(STATUS_ALIASES[v.lower()] for v in values))
    elif key == "sev":
        sevs: list[str] = []
        for v in values:
            name = SEV_ALIASES.get(v.rstrip("+").lower())
            if name is None:
                raise FilterError(f"sev: unknown severity {v!r} ({_takes('sev')})")
            sevs.extend(SEV_ORDER[SEV_ORDER.index(name):] if v.endswith("+") else [name])
        fields["severities"] = tuple(dict.fromkeys(sevs))
    elif key == "path":
        fields["path_glob"] = value
    elif key == "file":
        fields["file"] = value
    elif key == "folder":
        fields["folder"] = value
    elif key == "person":
        fields["subject"] = value
    elif key == "client":
        fields["clients"] = tuple(_client(v, known) for v in values)
    elif key == "sort":
        name = value.lstrip("-").lower()
        if name not in SORTS:
            raise FilterError(f"sort: unknown order {value!r} ({_takes('sort')})")
        fields["sort"], fields["descending"] = name, value.startswith("-")


def _client(value: str, known: Vocabulary) -> str:
    if value.lower() in (NO_CLIENT_WORD, NO_CLIENT):
        wanted = NO_CLIENT
        found = not known.clients or NO_CLIENT in known.clients
    else:
        wanted = value
        found = not known.clients or any(value.lower() in c.lower() for c in known.clients if c != NO_CLIENT)
    if not found:
        labs = ", ".join(NO_CLIENT_WORD if c == NO_CLIENT else c for c in known.clients)
        raise FilterError(f"client: no rubric written for a client lab like {value!r} in this case "
                          f"(client labs here: {labs})")
    return wanted


def _takes(key: str) -> str:
    return next(k.takes for k in FILTER_KEYS if k.name == key)


def format_filter(query: FindingQuery, *, mask_text: bool = False) -> str:
    """The filter text that :func:`parse_filter` turns back into ``query``.

    ``mask_text`` masks the free text and a person's identifier (for the decision log: they
    may be a raw value typed to find its fingerprint, which must not be stored).
    """
    from spill.mask import mask

    terms = []
    if query.entity_types:
        terms.append("type:" + ",".join(query.entity_types))
    if query.categories:
        terms.append("cat:" + ",".join(query.categories))
    if query.statuses:
        terms.append("status:" + ",".join(query.statuses))
    if query.severities:
        terms.append("sev:" + ",".join(query.severities))
    if query.path_glob:
        terms.append("path:" + _quote(query.path_glob))
    if query.file:
        terms.append("file:" + _quote(query.file))
    if query.folder:
        terms.append("folder:" + _quote(query.folder))
    if query.subject:
        raw = mask_text and not PERSON_ID.fullmatch(query.subject)
        terms.append("person:" + _quote((mask(query.subject) or "") if raw else query.subject))
    if query.clients:
        terms.append("client:" + _quote(",".join(NO_CLIENT_WORD if c == NO_CLIENT else c for c in query.clients)))
    if query.sort != "severity" or query.descending:
        terms.append("sort:" + ("-" if query.descending else "") + query.sort)
    if query.text:
        text = (mask(query.text) or "") if mask_text else query.text
        needs_quotes = any(c.isspace() for c in text) or ":" in text
        terms.append(_quote(text, always=needs_quotes))
    return " ".join(terms)


def _quote(term: str, *, always: bool = False) -> str:
    if not (always or any(c.isspace() for c in term)):
        return term
    return f"'{term}'" if "'" not in term else f'"{term}"'


def suggestions(key: str, known: Vocabulary) -> Sequence[str]:
    """The values completion offers after ``key:``."""
    name = KEYS.get(key.lower(), "")
    return {
        "type": list(known.entity_types), "cat": [c.value for c in Category],
        "status": ["open", "confirmed", "false_positive", "fp", "ignored"],
        "sev": [*SEV_ORDER, "high+", "medium+"], "sort": [*SORTS, *("-" + s for s in SORTS)],
        "client": [NO_CLIENT_WORD if c == NO_CLIENT else c for c in known.clients],
    }.get(name, [])


def keys_markdown() -> str:
    """The filter keys as the README's table (a test checks the README holds exactly this)."""
    lines = ["| key | takes | e.g. |", "|---|---|---|"]
    for key in FILTER_KEYS:
        spelled = " ".join(f"`{s}:`" for s in key.spellings)
        lines.append(f"| {spelled} | {key.takes} | `{key.example}` |")
    lines.append(f"| free text | {FREE_TEXT} | `gmail` |")
    return "\n".join(lines)
