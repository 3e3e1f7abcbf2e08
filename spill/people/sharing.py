"""Pass 1 of subject resolution: which identifiers are shared, and which names are strangers to an ID.

Every unit that agrees on one person is a vote on whose its identifiers are; each file is
one witness (its units' votes count once). An identifier whose votes disagree is *shared*
and stops linking, with the reason kept:

- seen with different unique primaries of one format (a staff reviewer's address in every
  contractor's row, a payouts inbox, a company bank account);
- a secondary or an account seen with different full names and no clear majority (an office
  phone in three signatures; an address seen with its owner's name in four files and a stray
  name in two is still hers);
- a secondary seen with more than :data:`HUB` other e-mails and phones.

A name seen with a unique primary in a clear minority of files is a *stranger* to it and is
left out of the units holding both (a staff member's name on the message where she quotes a
contractor's ID).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from spill.people.classes import JOINING, IdClass
from spill.people.evidence import FileEvidence
from spill.people.units import NOTHING, file_units

HUB = 12  # distinct e-mails and phones one secondary may be seen with before it counts as shared
Kind = tuple[str, str | None]  # (entity type, shape) of a unique primary; ("split", subject) for a split


@dataclass(slots=True)
class _Votes:
    """What the units holding one identifier say about whose it is (pass 1)."""

    cls: IdClass = IdClass.SECONDARY
    unique: dict[Kind, Counter[str]] = field(default_factory=dict)
    names: Counter[str] = field(default_factory=Counter)
    contacts: set[str] = field(default_factory=set)


def find_shared(files: Iterable[FileEvidence]) -> tuple[dict[str, str], set[tuple[str, str]]]:
    """Identifiers whose units disagree on whose they are (with the reason), and the names that are
    strangers to a unique primary (seen with it in a minority of its units)."""
    votes: dict[str, _Votes] = {}
    for ev in files:
        seen: dict[str, _Votes] = {}  # one file is one witness: its units' votes count once
        units, _home = file_units(ev, NOTHING, voting=True)
        obs = ev.observations
        for unit in units:
            members = [obs[i] for i in unit.members if obs[i].key is not None and obs[i].cls in JOINING]
            named = [n for n in ev.named_after if n.key in unit.named and n.cls is IdClass.UNIQUE]
            if len(members) + len(named) < 2:
                continue
            unique: dict[Kind, str] = {(o.entity_type, o.shape): o.key for o in members
                                       if o.cls is IdClass.UNIQUE and o.key}
            unique.update({(n.entity_type, n.shape): n.key for n in named})
            names = {o.key for o in members if o.cls is IdClass.NAME and o.key}
            contacts = {o.key for o in members if o.cls is IdClass.SECONDARY and o.key}
            for key, cls in [(o.key, o.cls) for o in members] + [(n.key, n.cls) for n in named]:
                if key is not None:
                    _vote(seen.setdefault(key, _Votes(cls)), key, cls, unique, names, contacts)
        for key, v in seen.items():
            total = votes.setdefault(key, _Votes(v.cls))
            for kind, values in v.unique.items():
                total.unique.setdefault(kind, Counter()).update(dict.fromkeys(values, 1))
            total.names.update(dict.fromkeys(v.names, 1))
            if len(total.contacts) <= HUB:
                total.contacts |= v.contacts
    shared: dict[str, str] = {}
    strangers: set[tuple[str, str]] = set()
    for key, v in votes.items():
        for kind, seen in v.unique.items():
            if _split_vote(seen):
                shared[key] = f"seen with {len(seen)} different {kind[0]} values"
                break
        else:
            if len(v.contacts) > HUB:
                shared[key] = f"seen with more than {HUB} other e-mails and phones"
            elif v.cls in (IdClass.SECONDARY, IdClass.ACCOUNT) and _split_vote(v.names):
                shared[key] = f"seen with {len(v.names)} different names"
        if v.names and len(v.names) > 1 and key not in shared:
            (top, most), = v.names.most_common(1)
            strangers.update((key, name) for name, n in v.names.items() if name != top and 2 * n <= most)
    return shared, strangers


def _vote(v: _Votes, key: str, cls: IdClass, unique: dict[Kind, str], names: set[str], contacts: set[str]) -> None:
    """Record what one unit says about whose ``key`` is."""
    for kind, other in unique.items():
        if other != key:
            v.unique.setdefault(kind, Counter())[other] += 1
    if cls is not IdClass.NAME:
        v.names.update(names)
    if cls is IdClass.SECONDARY:
        # only "more than HUB" matters: keep at most HUB + 1, or a block of n addresses (a log, a mailing
        # list) costs n² (30,000 addresses in one block took linkage past 9 GB)
        for c in contacts:
            if len(v.contacts) > HUB:
                break
            if c != key:
                v.contacts.add(c)


def _split_vote(seen: Counter[str]) -> bool:
    """Whether the values seen with an identifier disagree: three or more, or two with no clear majority
    (a contractor's address seen with her name four times and a stray name twice is still hers)."""
    if len(seen) < 2:
        return False
    if len(seen) > 2:
        return True
    (_, a), (_, b) = seen.most_common(2)
    return a < 2 * b
