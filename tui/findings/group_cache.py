"""Group lists kept in memory, so a group-by key answers at once on a big case.

Grouping 10^6 findings is a one-second pass over an index. The Findings screen computes
the groupings of the current filter in the background once its first page is shown, and
serves ``g`` from here. A decision marks every entry stale (an epoch): the stale list is
still shown at once, with the decided groups patched in place, while a fresh one is
computed behind it (stale-while-revalidate).
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

from spill.model import FindingGroup, FindingQuery

Key = tuple[FindingQuery, str]


class GroupCache:
    def __init__(self, size: int = 12) -> None:
        self.size = size
        self.epoch = 0
        self._entries: OrderedDict[Key, tuple[int, Sequence[FindingGroup]]] = OrderedDict()
        self._inflight: dict[Key, threading.Event] = {}
        self._lock = threading.Lock()  # read by page workers, written by prefetch workers

    @staticmethod
    def key(query: FindingQuery, by: str) -> Key:
        # the sort order does not change the groups
        return dataclasses.replace(query, sort="severity", descending=False, group_by="", group_key=""), by

    def get(self, query: FindingQuery, by: str) -> tuple[Sequence[FindingGroup], bool] | None:
        """(groups, fresh) or None."""
        with self._lock:
            entry = self._entries.get(self.key(query, by))
            if entry is None:
                return None
            self._entries.move_to_end(self.key(query, by))
            return entry[1], entry[0] == self.epoch

    def put(self, query: FindingQuery, by: str, groups: Sequence[FindingGroup], epoch: int) -> None:
        with self._lock:
            self._entries[self.key(query, by)] = (epoch, groups)
            self._entries.move_to_end(self.key(query, by))
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def compute(self, query: FindingQuery, by: str,
                run: Callable[[], dict[str, Sequence[FindingGroup]]]) -> Sequence[FindingGroup]:
        """The fresh groups, computing them with ``run`` unless another thread already is (then wait).

        ``run`` returns the grouping asked for and any other the same pass gave (file and folder):
        those are kept too.
        """
        key = self.key(query, by)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] == self.epoch:
                return entry[1]
            waiting = self._inflight.get(key)
            if waiting is None:
                self._inflight[key] = threading.Event()
            epoch = self.epoch
        if waiting is not None:
            waiting.wait()
            found = self.get(query, by)
            return found[0] if found is not None else run()
        try:
            computed = run()
            for other, groups in computed.items():
                self.put(query, other, groups, epoch)
            return computed[by]
        finally:
            with self._lock:
                self._inflight.pop(key).set()

    def invalidate(self) -> None:
        """The case changed: everything cached is now stale (still shown, recomputed behind)."""
        with self._lock:
            self.epoch += 1

    def patch(self, query: FindingQuery, by: str, update: Callable[[FindingGroup], FindingGroup]) -> None:
        """Apply a known change (a group decision) to one cached list, keeping its epoch."""
        key = self.key(query, by)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries[key] = (entry[0], [update(g) for g in entry[1]])
