"""Evidence units: the pieces of one file that each describe one person.

A unit is the smallest thing a file says about one person, tried coarse to fine:

- a **record** (CSV/XLSX row, JSON object, XML element, table row, Slack profile or message)
  whose identifiers agree; a nested record counts with the entity it is part of
  (``/export/worker[3]/bank[1]`` is worker 3);
- otherwise, and for prose, a **block** (text between blank lines: a KYC entry, a signature)
  and, when a block names several people, each **line** (a directory row) and, when a line
  does, each **cell** of it (``|`` or tab separated: a table of contacts and owners);
- in a mail, each **header** address with its display name (``Ana Lima <ana@x.com>``): the
  recipients are other people than the author;
- the whole **document**, when everything in it agrees on one person (a W-8BEN, an invoice,
  a KYC request form), with what its file name holds (``W-8BEN_<contractor ID>.docx``,
  ``passport_<known name>.pdf``) agreeing too.

A group *agrees* (is one person) when it holds no two unique primaries of one type and shape,
no two different full names, and few distinct e-mails or phones. Identifiers found to be
shared (``shared``) are left out of every unit but the header pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field

from spill.people.classes import JOINING, PERSONAL, PRIMARY, IdClass, Strength
from spill.people.evidence import FileEvidence, NamedAfter, Observation

ADDRESS_HEADERS = frozenset({"from", "to", "cc", "bcc", "reply-to", "sender", "return-path", "delivered-to",
                             "x-original-to", "resent-from", "resent-to"})
RECIPIENT_HEADERS = ADDRESS_HEADERS - {"from", "sender", "reply-to", "return-path", "resent-from"}
#: Distinct values of one secondary type a unit may hold and still be one person (when linking: a unit
#: that only votes on whose its identifiers are is judged on its names and unique primaries alone).
SECONDARY_CAP = {"record": 3, "block": 2, "line": 2, "document": 2, "mail": 1}
NO_CAP = dict.fromkeys(SECONDARY_CAP, 1 << 30)


@dataclass(slots=True)
class Unit:
    kind: str  # record | block | line | header | document
    where: str  # a locator a person can read: "row:14", "From", "block at 2310", "document"
    strength: Strength
    members: list[int] = field(default_factory=list)  # indices into the file's observations
    named: list[str] = field(default_factory=list)  # keys the file is named after (document units)


def entity_record(record: str) -> str:
    """The record of the entity a nested record belongs to: a JSON/XML path up to its first index.

    >>> entity_record("/export/worker[3]/bank[1]"), entity_record("$[0].files[2]"), entity_record("row:4")
    ('/export/worker[3]', '$[0]', 'row:4')
    """
    if record[:1] in ("/", "$") and "]" in record:
        return record[:record.index("]") + 1]
    return record


@dataclass(frozen=True, slots=True)
class Context:
    """What pass 1 learnt that shapes the units of pass 2.

    ``shared``: identifiers that stopped linking; ``strangers``: (unique primary, name) pairs where the
    name is a minority among the names seen with that primary (a staff member's name on the message
    where she quotes a contractor's ID): that name is left out of a unit holding that primary.
    """

    shared: Container[str] = ()
    strangers: Container[tuple[str, str]] = ()

    def counts(self, o: Observation, unique: Iterable[str]) -> bool:
        if o.key is None or o.key in self.shared:
            return False
        if o.cls is IdClass.NAME and self.strangers:
            return not any((p, o.key) in self.strangers for p in unique)
        return True


NOTHING = Context()


def agrees(obs: Sequence[Observation], ctx: Context, cap: int, named: Sequence[NamedAfter] = ()) -> bool:
    """Whether these observations (and the identifiers the file is ``named`` after) can all be one person's."""
    unique: dict[tuple[str, str | None], str] = {}
    names: set[str] = set()
    secondaries: dict[str, set[str]] = defaultdict(set)
    for n in named:
        if n.cls is IdClass.UNIQUE:
            unique[(n.entity_type, n.shape)] = n.key
        elif n.cls is IdClass.NAME:
            names.add(n.key)
    primaries = _primaries(obs, ctx)
    for o in obs:
        if not ctx.counts(o, primaries):
            continue
        if o.cls is IdClass.UNIQUE:
            kind = (o.entity_type, o.shape)
            if unique.setdefault(kind, o.key) != o.key:
                return False
        elif o.cls is IdClass.NAME:
            names.add(o.key)
            if len(names) > 1:
                return False
        elif o.cls is IdClass.SECONDARY:
            seen = secondaries[o.entity_type]
            seen.add(o.key)
            if len(seen) > cap:
                return False
    return True


def _primaries(obs: Sequence[Observation], ctx: Context) -> list[str]:
    return [o.key for o in obs if o.cls is IdClass.UNIQUE and o.key is not None and o.key not in ctx.shared]


def file_units(ev: FileEvidence, ctx: Context, *, voting: bool = False) -> tuple[list[Unit], list[int]]:
    """The units of one file, and for each observation the most specific unit holding it (-1: none).

    ``voting``: the units that witness whose an identifier is (no cap on e-mails and phones: a mail
    from a contractor to a payouts inbox says the inbox was seen with that contractor's ID).
    """
    caps = NO_CAP if voting else SECONDARY_CAP
    obs = ev.observations
    units: list[Unit] = []
    home = [-1] * len(obs)
    personal = [i for i, o in enumerate(obs) if o.cls in PERSONAL]

    def add(kind: str, where: str, members: list[int]) -> None:
        primaries = _primaries([obs[i] for i in members], ctx)
        # a record's first-name or surname cell is that record's person's, like its other cells
        members = [i for i in members if kind == "header" or ctx.counts(obs[i], primaries)
                   or (kind == "record" and obs[i].key is None and obs[i].cls is IdClass.NAME)]
        if not members:
            return
        strong = any(obs[i].cls in PRIMARY and obs[i].key is not None for i in members)
        strength = Strength.STRONG if strong else Strength.MEDIUM
        units.append(Unit(kind, where, strength, members))
        for i in members:
            if home[i] == -1:
                home[i] = len(units) - 1

    by_record: dict[str, list[int]] = defaultdict(list)
    loose: list[int] = []
    for i in personal:
        record = obs[i].record
        (by_record[entity_record(record)] if record is not None else loose).append(i)
    mail = False
    for record, members in by_record.items():
        headers = [i for i in members if (obs[i].header or "").lower() in ADDRESS_HEADERS]
        if headers:
            mail = True
            _header_pairs(obs, headers, add)
            _prose(obs, [i for i in members if i not in set(headers)], ctx, add, caps)
        elif agrees([obs[i] for i in members], ctx, caps["record"]):
            add("record", record, members)
        else:
            _prose(obs, members, ctx, add, caps)
    _prose(obs, loose, ctx, add, caps)
    _document(ev, personal, ctx, caps["mail" if mail else "document"], units, home)
    return units, home


def _header_pairs(obs: list[Observation], members: list[int], add) -> None:
    """Each address of a header with the display name written before it."""
    by_segment: dict[str, list[int]] = defaultdict(list)
    for i in members:
        by_segment[_segment(obs[i])].append(i)
    for group in by_segment.values():
        group.sort(key=lambda i: obs[i].start or 0)
        name: int | None = None
        for i in group:
            o = obs[i]
            if o.cls is IdClass.NAME:
                name = i
            elif o.entity_type == "EMAIL_ADDRESS":
                add("header", o.header or "header", [i] if name is None else [name, i])
                name = None


def _prose(obs: list[Observation], members: list[int], ctx: Context, add, caps: dict[str, int]) -> None:
    """Blocks that agree, else each line of a block that does not."""
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i in members:
        offset, block, _line, _cell = _parts(obs[i])
        blocks[(offset, block)].append(i)
    for (offset, block), group in blocks.items():
        if agrees([obs[i] for i in group], ctx, caps["block"]):
            add("block", f"block {block} at {offset}", group)
            continue
        lines: dict[str, list[int]] = defaultdict(list)
        for i in group:
            lines[_parts(obs[i])[2]].append(i)
        for line, in_line in lines.items():
            if agrees([obs[i] for i in in_line], ctx, caps["line"]):
                add("line", f"line {line} at {offset}", in_line)
                continue
            cells: dict[str, list[int]] = defaultdict(list)
            for i in in_line:
                cells[_parts(obs[i])[3]].append(i)
            for cell, in_cell in cells.items():
                if len(cells) > 1 and agrees([obs[i] for i in in_cell], ctx, caps["line"]):
                    add("cell", f"line {line} cell {cell} at {offset}", in_cell)


def _document(ev: FileEvidence, personal: list[int], ctx: Context, cap: int, units: list[Unit],
              home: list[int]) -> None:
    """The whole file as one person's, when everything in it agrees (and it says something new)."""
    named = [n for n in ev.named_after if n.cls in JOINING and n.key not in ctx.shared]
    if len(units) < 2 and not named:
        return
    obs = ev.observations
    everything = [obs[i] for i in personal]
    if not agrees(everything, ctx, cap, named):
        return
    primaries = _primaries(everything, ctx) + [n.key for n in named if n.cls is IdClass.UNIQUE]
    members = [i for i in personal if ctx.counts(obs[i], primaries)
               or (obs[i].key is None and obs[i].cls is IdClass.ATTRIBUTE)]
    if not members and not named:
        return
    strong = any(n.cls in PRIMARY for n in named) or any(obs[i].cls in PRIMARY and obs[i].key for i in members)
    units.append(Unit("document", "document", Strength.STRONG if strong else Strength.MEDIUM, members,
                      [n.key for n in named]))
    for i in members:
        if home[i] == -1:
            home[i] = len(units) - 1


def _parts(o: Observation) -> tuple[str, str, str, str]:
    """(segment offset, block, line, cell) of an observation."""
    parts = [*(o.unit or "").split(":"), "0", "0", "0"]
    return parts[0], parts[1], parts[2], parts[3]


def _segment(o: Observation) -> str:
    return _parts(o)[0]
