"""The ``value_keys`` rows of a write: what each distinct value spells, derived while its raw value is in memory."""

from __future__ import annotations

from spill.case.store import Store
from spill.fingerprint import normalize_value
from spill.people.names import KEYED, value_keys


class KeyRows:
    """Each distinct value's keys, derived once (names, e-mail local parts and phones keyed; a unique primary's
    shape plain), written with the findings."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.rows: list[dict[str, str]] = []
        self.seen: set[str] = set()

    def add(self, fingerprint: str, entity_type: str, category: str, value: str) -> None:
        if fingerprint in self.seen:
            return
        self.seen.add(fingerprint)
        for kind, text in value_keys(entity_type, category, value, normalize_value(value)):
            key = self.store.fingerprint(text) if kind in KEYED else text
            self.rows.append({"fingerprint": fingerprint, "kind": kind, "key": key})

    def write(self) -> None:
        if self.rows:
            self.store.db["value_keys"].insert_all(self.rows, ignore=True, batch_size=500)
