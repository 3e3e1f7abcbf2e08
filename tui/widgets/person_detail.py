"""A person as the letter needs them: who (masked, or revealed), what of theirs leaked, where, and why they are one.

Also the People screen's filter language::

    conf:weak type:IN_AADHAAR,PASSPORT sort:name  P•••      # masked name or id
    =priya.sharma@gmail.com                                  # a raw value, matched by its fingerprint

A term starting with ``=`` (or ``value:``) is a raw value the analyst typed: the case finds its
people through the value's keyed fingerprint and never stores it.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from rich.text import Text

from spill.model import PEOPLE_SORTS, PeopleQuery, Person, PersonExposure
from tui import format as fmt

CONFIDENCE_STYLE = {"strong": "", "medium": "yellow", "weak": "bold red", "analyst": "cyan"}
CLASS_LABEL = {"primary": "ID", "account": "account", "secondary": "contact", "name": "name", "attribute": "other"}
VIA_LABEL = {"identifier": "its own value", "record": "same record", "block": "same block", "line": "same line",
             "cell": "same cell", "header": "mail header", "document": "same document", "first name": "first name"}


def confidence(value: str) -> Text:
    return Text(value, style=CONFIDENCE_STYLE.get(value, ""))


def render_person(e: PersonExposure, revealed: Sequence[tuple[str, str]] = (), *, limit: int = 8) -> Text:
    """The detail pane: head, identifiers, what, where, why one person, the analysts' decisions, revealed values."""
    p = e.person
    head = Text.assemble(fmt.severity(p.worst), " ", (fmt.printable(p.label), "bold"), "  ", confidence(p.confidence),
                         (f"  {p.findings:,} findings in {p.files:,} files · {p.id}", "dim"))
    out = fmt.Lines(head)
    if revealed:
        out.add("revealed", Text(fmt.printable(" · ".join(value for _etype, value in revealed)), style="bold reverse"))
    ids = Text()
    for i, ident in enumerate(e.identifiers[:limit]):
        ids.append("\n" if i else "")
        ids.append(f"{CLASS_LABEL.get(ident.id_class, ident.id_class):<8}", style="dim")
        ids.append(fmt.printable(f"{ident.entity_type} {ident.preview}"))
        ids.append(f"  ×{ident.findings:,}", style="dim")
        if ident.shared:
            ids.append(f"  (shared: {ident.shared})", style="dim")
    if len(e.identifiers) > limit:
        ids.append(f"\n… {len(e.identifiers) - limit} more", style="dim")
    out.add("ids", ids)
    what = Text()
    for i, (etype, preview, n, sev) in enumerate(e.what[:limit]):
        what.append("\n" if i else "")
        what.append_text(fmt.severity(sev))
        what.append(fmt.printable(f" {etype} {preview}"))
        what.append(f"  ×{n:,}", style="dim")
    if len(e.what) > limit:
        what.append(f"\n… {len(e.what) - limit} more values (enter lists every finding)", style="dim")
    out.add("what", what)
    where = Text()
    for i, (path, n, _sev) in enumerate(e.where[:limit]):
        where.append("\n" if i else "")
        where.append(fmt.printable(path))
        where.append(f"  ×{n:,}", style="dim")
    if len(e.where) > limit:
        where.append(f"\n… {len(e.where) - limit} more files", style="dim")
    out.add("where", where)
    why = Text()
    for i, link in enumerate(e.links[:limit]):
        why.append("\n" if i else "")
        why.append_text(confidence(link.strength))
        why.append(fmt.printable(f" {link.reason}" + (f" {link.preview}" if link.preview else "")))
        why.append("\n  " + fmt.printable(f"{link.where_a} ↔ {link.where_b}"), style="dim")
    if not e.links:
        why.append("one record says it all (no join between records)", style="dim")
    elif e.links_total > limit:
        why.append(f"\n… {e.links_total - limit} more joins", style="dim")
    out.add("why one", why)
    if e.maybe:
        out.add("maybe", Text(f"{e.maybe:,} first-name mention(s) that may be theirs or another's with that first"
                              " name (not linked)", style="dim"))
    decided = []
    if e.merged:
        decided.append(f"merged in by an analyst: {', '.join(e.merged)}")
    if e.splits:
        decided.append(f"{len(e.splits)} identifier(s) split off by an analyst")
    if decided:
        out.add("decided", "\n".join(decided))
    return out.text


def people_status(total: int | None, query: PeopleQuery, merging: Person | None) -> str:
    if merging is not None:
        return (f"merging {fmt.printable(merging.label)} ({merging.id}): move to the person to merge into and press m"
                " · esc cancels")
    if total is None:
        return "…"
    order = {"exposure": "most exposed first", "name": "by name", "confidence": "weakest links first"}[query.sort]
    filtered = " matching the filter" if (query.text or query.value or query.confidence or query.entity_types) else ""
    return f"{fmt.number(total)} people with exposed data{filtered} · {order}"


class PeopleFilterError(ValueError):
    """The filter text cannot be understood; the message says which term and why."""


def parse_people_filter(text: str) -> PeopleQuery:
    """Filter text to a query.

    >>> q = parse_people_filter("conf:weak sort:name =Priya P•••")
    >>> (q.confidence, q.sort, q.value, q.text)
    (('weak',), 'name', 'Priya', 'P•••')
    """
    try:
        words = shlex.split(text)
    except ValueError as err:
        raise PeopleFilterError(f"unbalanced quotes ({err})") from err
    conf: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    sort = "exposure"
    values: list[str] = []
    free: list[str] = []
    for word in words:
        key, sep, rest = word.partition(":")
        if word.startswith("="):
            values.append(word[1:])
        elif sep and key.lower() in ("conf", "confidence"):
            conf = tuple(v.lower() for v in rest.split(",") if v)
            bad = [v for v in conf if v not in CONFIDENCE_STYLE]
            if bad:
                raise PeopleFilterError(f"conf: unknown confidence {bad[0]!r} (strong, medium, weak)")
        elif sep and key.lower() in ("type", "t"):
            types = tuple(v.upper() for v in rest.split(",") if v)
        elif sep and key.lower() == "sort":
            if rest not in PEOPLE_SORTS:
                raise PeopleFilterError(f"sort: one of {', '.join(PEOPLE_SORTS)}")
            sort = rest
        elif sep and key.lower() == "value":
            values.append(rest)
        else:
            free.append(word)
    return PeopleQuery(text=" ".join(free), value=" ".join(values), confidence=conf, entity_types=types, sort=sort)
