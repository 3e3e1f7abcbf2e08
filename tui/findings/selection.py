"""What the next decision applies to: marked rows, or everything the filter matches."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Selection:
    rows: dict[Hashable, Any] = field(default_factory=dict)  # key → row (a finding or a group)
    everything: bool = False  # "all in filter": resolved by the writer, never loaded here
    anchor: int | None = None  # where the last space was pressed (range selection start)

    def __bool__(self) -> bool:
        return self.everything or bool(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def contains(self, key: Hashable) -> bool:
        return self.everything or key in self.rows

    def toggle(self, key: Hashable, row: Any) -> bool:
        """Flip one row; returns whether it is now selected."""
        if key in self.rows:
            del self.rows[key]
            return False
        self.rows[key] = row
        return True

    def add(self, pairs: Iterable[tuple[Hashable, Any]]) -> None:
        self.rows.update(pairs)

    def clear(self) -> None:
        self.rows.clear()
        self.everything = False
        self.anchor = None
