"""Subject resolution: from the units of every file to people, each finding linked or not, and why.

Two passes over the evidence (the case streams it twice; nothing here holds a finding's text):

1. **Sharing** (:mod:`spill.people.sharing`): identifiers whose units disagree on whose they
   are stop linking, with the reason kept.
2. **Joining.** Units are joined through the identifiers they share, strongest first
   (Kruskal): a primary makes a strong join, a secondary a medium one, a full name a weak
   one. A join that would give one person two unique primaries of one format is refused,
   and so is a medium or weak join between people with different full names. A shared
   address still joins the display name it is written with in a mail header. An e-mail
   whose local part spells exactly one person's name is theirs (weak). A person's confidence
   is the weakest join (that brought them an identifier) or unit holding them together.

Then each finding is linked: to the person its own value belongs to, else to the person of
the unit (record, block, line, header, document) it sits in; a first name alone to the one
person of its thread with that first name (several: a candidate list, not a link). A
cluster is a person when it holds a unique primary or a full name: accounts, e-mails and
phones alone are nobody in particular.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from spill.people.classes import JOINING, PERSONAL, IdClass, Strength
from spill.people.evidence import (
    Assignment,
    Constraints,
    FileEvidence,
    IdentifierState,
    Link,
    Resolution,
    ResolvedPerson,
)
from spill.people.sharing import Kind, find_shared
from spill.people.units import Context, Unit, file_units

_RANK = {IdClass.UNIQUE: 0, IdClass.ACCOUNT: 1, IdClass.SECONDARY: 2, IdClass.NAME: 3}
_JOIN = {IdClass.UNIQUE: Strength.STRONG, IdClass.ACCOUNT: Strength.STRONG, IdClass.SECONDARY: Strength.MEDIUM,
         IdClass.NAME: Strength.WEAK}


@dataclass(slots=True)
class _Key:
    entity_type: str
    cls: IdClass
    shape: str | None = None
    first: str | None = None
    names: tuple[str, ...] = ()  # joined keys (a name) or local keys (an e-mail)
    example: int = -1  # a finding holding it
    findings: int = 0
    units: list[int] = field(default_factory=list)


@dataclass(slots=True)
class _Cluster:
    unique: dict[Kind, str] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class _Placed:
    """One finding after pass 2: its identifier, its most specific unit, its file."""

    finding: int
    key: str | None
    cls: IdClass
    home: int  # unit id or -1
    file: int
    first: str | None


class Resolver:
    def __init__(self, constraints: Constraints | None = None) -> None:
        self.constraints = constraints or Constraints()

    def resolve(self, files: Callable[[], Iterable[FileEvidence]]) -> Resolution:
        """Resolve the evidence ``files()`` yields (called twice: once per pass)."""
        shared, strangers = find_shared(files())
        return _Joiner(shared, strangers, self.constraints).run(files())


# ---------------------------------------------------------------------- pass 2
class _Joiner:
    """Units with the shared identifiers left out, joined into people."""

    def __init__(self, shared: dict[str, str], strangers: set[tuple[str, str]], constraints: Constraints) -> None:
        self.shared = shared
        self.context = Context(shared.keys(), strangers)
        self.constraints = constraints
        self.units: list[Unit] = []
        self.unit_file: list[int] = []
        self.unit_example: list[int] = []  # a finding of each unit
        self.unit_keys: list[list[str]] = []
        self.files: list[tuple[str, str]] = []  # (file id, thread)
        self.doc_unit: dict[int, int] = {}
        self.keys: dict[str, _Key] = {}
        self.placed: list[_Placed] = []
        self.parent: list[int] = []
        self.clusters: dict[int, _Cluster] = {}
        # the joins that hold people together: unit a, unit b, how strongly, through which identifier
        self.tree: list[tuple[int, int, Strength, str | None]] = []
        self.spelled: dict[str, int] = {}  # e-mail key → root of the person its local part names
        # an analyst's split: the person's anchor and each key split off it become conflicting primaries
        self.split_tags: dict[str, list[tuple[Kind, str]]] = defaultdict(list)
        for subject, (anchor, keys) in constraints.splits.items():
            self.split_tags[anchor].append((("split", subject), "anchor"))
            for k in keys:
                self.split_tags[k].append((("split", subject), k))

    def run(self, files: Iterable[FileEvidence]) -> Resolution:
        for ev in files:
            self._add_file(ev)
        self.parent = list(range(len(self.units)))
        self._join()
        key_root = self._key_roots()
        persons = self._spell_emails(key_root)
        return self._result(key_root, persons)

    # ---------------------------------------------------------------- reading
    def _add_file(self, ev: FileEvidence) -> None:
        fidx = len(self.files)
        self.files.append((ev.file_id, ev.thread))
        obs = ev.observations
        for o in obs:
            if o.key is not None and o.cls in JOINING:
                info = self.keys.get(o.key)
                if info is None:
                    info = self.keys[o.key] = _Key(o.entity_type, o.cls, o.shape, o.first, o.names, o.finding)
                info.findings += 1
        for n in ev.named_after:
            if n.cls in JOINING and n.key not in self.keys:
                self.keys[n.key] = _Key(n.entity_type, n.cls, n.shape)
        units, home = file_units(ev, self.context)
        base = len(self.units)
        for n, unit in enumerate(units):
            keys = [obs[i].key for i in unit.members if obs[i].key is not None and obs[i].cls in JOINING]
            keys = self._respect_splits(list(dict.fromkeys([*keys, *unit.named])))  # type: ignore[list-item]
            self.units.append(unit)
            self.unit_file.append(fidx)
            self.unit_example.append(obs[unit.members[0]].finding if unit.members else -1)
            self.unit_keys.append(keys)
            for k in keys:
                self.keys[k].units.append(base + n)
            if unit.kind == "document":
                self.doc_unit[fidx] = base + n
        for i, o in enumerate(obs):
            if o.cls in PERSONAL:
                self.placed.append(_Placed(o.finding, o.key if o.cls in JOINING else None, o.cls,
                                           base + home[i] if home[i] >= 0 else -1, fidx, o.first))

    def _respect_splits(self, keys: list[str]) -> list[str]:
        """A key an analyst split off a person leaves every unit that also holds that person's anchor."""
        if not self.split_tags:
            return keys
        anchored = {kind for k in keys for kind, value in self.split_tags.get(k, ()) if value == "anchor"}
        if not anchored:
            return keys
        return [k for k in keys if not any(kind in anchored and value != "anchor"
                                           for kind, value in self.split_tags.get(k, ()))]

    # ---------------------------------------------------------------- joining
    def _find(self, u: int) -> int:
        parent = self.parent
        while parent[u] != u:
            parent[u] = parent[parent[u]]
            u = parent[u]
        return u

    def _cluster(self, root: int) -> _Cluster:
        c = self.clusters.get(root)
        if c is None:
            c = self.clusters[root] = _Cluster(keys=set(self.unit_keys[root]))
            for k in self.unit_keys[root]:
                info = self.keys[k]
                if info.cls is IdClass.UNIQUE:
                    c.unique.setdefault((info.entity_type, info.shape), k)
                elif info.cls is IdClass.NAME:
                    c.names.add(k)
                for kind, value in self.split_tags.get(k, ()):
                    c.unique.setdefault(kind, value)
        return c

    def _join(self) -> None:
        edges: dict[Strength, list[tuple[int, int, str]]] = defaultdict(list)
        for k, info in self.keys.items():
            units = info.units
            if k in self.shared:  # only its header pairs: the address with the name it is written with
                units = [u for u in units if self.units[u].kind == "header"]
            strength = _JOIN[info.cls]
            edges[strength].extend((a, b, k) for a, b in itertools.pairwise(units))
        for strength in (Strength.STRONG, Strength.MEDIUM, Strength.WEAK):
            for a, b, k in edges[strength]:
                self._union(a, b, strength, k)

    def _union(self, a: int, b: int, strength: Strength, key: str | None) -> bool:
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return True
        ca, cb = self._cluster(ra), self._cluster(rb)
        for kind, value in cb.unique.items():
            if ca.unique.get(kind, value) != value:
                return False
        if strength < Strength.STRONG and ca.names and cb.names and not ca.names & cb.names:
            return False
        if len(ca.keys) < len(cb.keys):
            ra, rb, ca, cb = rb, ra, cb, ca
        # a join that brings no identifier the other side lacks (one more record of the same values)
        # holds nothing together: it does not weaken the person's confidence
        needed = not cb.keys <= ca.keys
        self.parent[rb] = ra
        ca.unique.update(cb.unique)
        ca.names |= cb.names
        ca.keys |= cb.keys
        del self.clusters[rb]
        if needed:
            self.tree.append((a, b, strength, key))
        return True

    def _key_roots(self) -> dict[str, int]:
        """The cluster each identifier belongs to, when all its units agree (a shared one: its header pairs)."""
        out: dict[str, int] = {}
        for k, info in self.keys.items():
            units = info.units
            if k in self.shared:
                units = [u for u in units if self.units[u].kind == "header" and len(self.unit_keys[u]) > 1]
            roots = {self._find(u) for u in units}
            if len(roots) == 1:
                out[k] = roots.pop()
        return out

    def _persons(self, key_root: dict[str, int]) -> set[int]:
        """Clusters holding a unique primary or a full name (an account or an address alone is nobody known)."""
        out = set()
        for k, root in key_root.items():
            if self.keys[k].cls in (IdClass.UNIQUE, IdClass.NAME) and k not in self.shared:
                out.add(self._find(root))
        return out

    def _spell_emails(self, key_root: dict[str, int]) -> set[int]:
        """An e-mail whose local part spells exactly one person's name is theirs (weak)."""
        persons = self._persons(key_root)
        spelled_by: dict[str, set[int]] = defaultdict(set)
        for k, info in self.keys.items():
            root = key_root.get(k)
            if info.cls is IdClass.NAME and root is not None and k not in self.shared:
                for joined in info.names:
                    spelled_by[joined].add(self._find(root))
        if not spelled_by:
            return persons
        for k, info in self.keys.items():
            if info.entity_type != "EMAIL_ADDRESS" or not info.names or k in self.split_tags:
                continue
            owners = {r for local in info.names for r in spelled_by.get(local, ())} & persons
            if len(owners) != 1:
                continue
            owner = owners.pop()
            root = key_root.get(k)
            if root is not None and self._find(root) in persons:
                continue  # it already belongs to someone, through better evidence
            if root is not None and self._union(owner, root, Strength.WEAK, None):
                continue
            self.spelled[k] = owner
        return {self._find(r) for r in persons}

    # ---------------------------------------------------------------- results
    def _result(self, key_root: dict[str, int], persons: set[int]) -> Resolution:
        key_root = {k: self._find(r) for k, r in key_root.items()}
        for k, owner in self.spelled.items():
            key_root[k] = self._find(owner)
        assign, candidates = self._assign(key_root, persons)
        anchors = self._anchors(key_root, persons)
        ids = self._ids(persons, key_root, anchors)
        confidence = self._confidence(persons, key_root)
        res = Resolution()
        keys_of: Counter[int] = Counter(r for r in key_root.values() if r in persons)
        for root in sorted(persons, key=lambda r: ids[r]):
            res.persons.append(ResolvedPerson(ids[root], anchors[root], self.keys[anchors[root]].entity_type,
                                              confidence[root], keys_of[root]))
        res.assignments = [Assignment(f, ids[r], via) for f, (r, via) in assign.items()]
        res.candidates = [(f, ids[r]) for f, r in candidates]
        for k, info in self.keys.items():
            root = key_root.get(k)
            subject = ids[root] if root in persons else None
            res.identifiers.append(IdentifierState(k, info.entity_type, info.cls, subject, self.shared.get(k),
                                                   info.findings, info.example))
        for a, b, strength, key in self.tree:
            root = self._find(a)
            if root not in persons:
                continue
            etype = self.keys[key].entity_type if key else None
            reason = f"same {etype}" if etype else "e-mail spells the name"
            res.links.append(Link(ids[root], strength, reason, key, etype, self.files[self.unit_file[a]][0],
                                  self.units[a].where, self.files[self.unit_file[b]][0], self.units[b].where,
                                  self.unit_example[a], self.unit_example[b]))
        return res

    def _assign(self, key_root: dict[str, int], persons: set[int]) -> tuple[dict[int, tuple[int, str]],
                                                                              list[tuple[int, int]]]:
        """Each finding's person and how it got there; the candidates of ambiguous first names."""
        assign: dict[int, tuple[int, str]] = {}
        present: dict[str, set[int]] = defaultdict(set)  # thread → people linked in it
        pending: list[_Placed] = []
        for p in self.placed:
            if p.key is None and p.cls is IdClass.NAME:
                if p.home >= 0 and self.units[p.home].kind == "record" and self._find(p.home) in persons:
                    assign[p.finding] = (self._find(p.home), "record")  # a first-name cell of a person's row
                elif p.first:
                    pending.append(p)
                continue
            root, via = None, ""
            if p.key is not None and key_root.get(p.key) in persons:
                root, via = key_root[p.key], "identifier"
            elif p.key is None or (p.key not in self.shared and p.key not in self.split_tags):
                for uid in (p.home, self.doc_unit.get(p.file, -1)):
                    if uid >= 0 and self._find(uid) in persons:
                        root, via = self._find(uid), self.units[uid].kind
                        break
            if root is not None:
                assign[p.finding] = (root, via)
                present[self.files[p.file][1]].add(root)
        firsts: dict[str, set[int]] = defaultdict(set)
        for k, info in self.keys.items():
            root = key_root.get(k)
            if root in persons and info.cls is IdClass.NAME and info.first:
                firsts[info.first].add(root)
        candidates: list[tuple[int, int]] = []
        for p in pending:
            who = firsts.get(p.first or "", set()) & present.get(self.files[p.file][1], set())
            if len(who) == 1:
                assign[p.finding] = (next(iter(who)), "first name")
            else:
                candidates.extend((p.finding, r) for r in sorted(who))
        return assign, candidates

    def _anchors(self, key_root: dict[str, int], persons: set[int]) -> dict[int, str]:
        """Each person's strongest identifier (what a new person's id derives from)."""
        anchors: dict[int, str] = {}
        for k, root in key_root.items():
            if root in persons and k not in self.shared:
                best = anchors.get(root)
                if best is None or _rank(self.keys[k], k) < _rank(self.keys[best], best):
                    anchors[root] = k
        for k, root in key_root.items():  # a person held together only by a shared address
            if root in persons and root not in anchors:
                anchors[root] = k
        return anchors

    def _confidence(self, persons: set[int], key_root: dict[str, int]) -> dict[int, Strength]:
        out: dict[int, Strength] = {}

        def weaken(root: int, strength: Strength) -> None:
            out[root] = min(out.get(root, strength), strength)

        for a, _b, strength, _key in self.tree:
            if self._find(a) in persons:
                weaken(self._find(a), strength)
        for uid, keys in enumerate(self.unit_keys):
            if len(keys) > 1 and self._find(uid) in persons:
                weaken(self._find(uid), self.units[uid].strength)
        for k in self.spelled:
            weaken(key_root[k], Strength.WEAK)
        for k, root in key_root.items():
            if root in persons and root not in out:
                out[root] = _JOIN.get(self.keys[k].cls, Strength.WEAK)
        return out

    def _ids(self, persons: set[int], key_root: dict[str, int], anchors: dict[int, str]) -> dict[int, str]:
        """A person keeps the id most of their identifiers had; a new person's id derives from their anchor."""
        previous = self.constraints.previous
        votes: dict[int, Counter[str]] = defaultdict(Counter)
        for k, root in key_root.items():
            if root in persons and k in previous:
                votes[root][previous[k]] += self.keys[k].findings or 1
        ids: dict[int, str] = {}
        taken: set[str] = set()
        claims = sorted(((n, sid, root) for root, c in votes.items() for sid, n in c.items()),
                        key=lambda t: (-t[0], t[1], anchors[t[2]]))
        for _n, sid, root in claims:
            if root not in ids and sid not in taken:
                ids[root] = sid
                taken.add(sid)
        for root in sorted(persons - ids.keys(), key=lambda r: anchors[r]):
            n, sid = 0, new_id(anchors[root])
            while sid in taken:
                n += 1
                sid = new_id(f"{anchors[root]}#{n}")
            ids[root] = sid
            taken.add(sid)
        return ids


def new_id(anchor: str) -> str:
    """A person's id from their anchor identifier's key (a keyed fingerprint: the id reveals nothing)."""
    return "P-" + hashlib.sha256(anchor.encode()).hexdigest()[:10]


def _rank(info: _Key, key: str) -> tuple[int, str, str]:
    return (_RANK.get(info.cls, 9), info.entity_type, key)
