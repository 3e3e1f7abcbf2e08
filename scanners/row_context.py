"""A spreadsheet or CSV finding's context: its column header and the masked cells beside it in the row.

A number alone says little; ``name: P••• S••• · iban: ⟦•••• •••• •••• •••• ••54 32⟧ · currency: •••``
says what it is. Every neighbouring cell is masked whole (a detected value as its own type, any other
cell as a generic mask): nothing raw is kept. The headers are the labels the extractor already
records in each cell's locator.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from spill.mask import mask
from spill.model import Detection, Segment

SEPARATOR = " · "
BUDGET = 200  # characters of neighbours around the cell's own snippet


def is_cell(seg: Segment) -> bool:
    """A table cell with a row to look along (CSV: row/column, xlsx: sheet/cell)."""
    loc = seg.locator
    return seg.record is not None and (("row" in loc and "column" in loc) or ("sheet" in loc and "cell" in loc))


def label(seg: Segment) -> str:
    """The cell's column header, else where it is (``col 3``, ``D``)."""
    if seg.context:
        return " ".join(seg.context.split())
    loc: dict[str, Any] = seg.locator
    if "cell" in loc:
        return "".join(c for c in str(loc["cell"]) if c.isalpha()) or "cell"
    return f"col {loc.get('column', '?')}"


def masked_cell(seg: Segment, found: Sequence[Detection]) -> str:
    """A neighbour masked whole: as the type detected in it when one value fills it, else generically."""
    text = seg.text.strip()
    whole = [d for d in found if seg.text[d.start:d.end].strip() == text]
    return (mask(text, whole[0].entity_type) if whole else mask(" ".join(text.split()))) or ""


def row_context(row: Sequence[tuple[Segment, Sequence[Detection]]], own: int, snippet: str, start: int,
                end: int, parts: list[str | None] | None = None) -> tuple[str, int, int]:
    """``header: snippet`` of cell ``own`` with its neighbours' ``header: masked`` around it, nearest first
    within :data:`BUDGET`; returns the text and where the finding's masked value sits in it.

    ``parts``: one slot per cell of ``row`` (None until computed), shared by the calls for one row's
    findings so that each neighbour is masked once per row, not once per finding beside it."""
    own_text = f"{label(row[own][0])}: {snippet}"
    offset = len(label(row[own][0])) + 2
    left: list[str] = []
    right: list[str] = []
    room = BUDGET
    for distance in range(1, len(row)):
        placed = False
        for index, side in ((own - distance, left), (own + distance, right)):
            if 0 <= index < len(row):
                part = parts[index] if parts is not None else None
                if part is None:
                    part = f"{label(row[index][0])}: {masked_cell(*row[index])}"
                    if parts is not None:
                        parts[index] = part
                if len(part) + len(SEPARATOR) <= room:
                    side.append(part)
                    room -= len(part) + len(SEPARATOR)
                    placed = True
        if not placed and room < BUDGET // 4:
            break
    before = SEPARATOR.join(reversed(left))
    shift = offset + (len(before) + len(SEPARATOR) if before else 0)
    text = SEPARATOR.join([*reversed(left), own_text, *right])
    return text, start + shift, end + shift
