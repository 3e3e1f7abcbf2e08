"""Project codenames and the AI labs they stand for, read from the tables that pair them.

Vendors hide a lab's name behind a codename (``KESTREL``) in everything contractors see, and keep
a registry that pairs them: a spreadsheet, a CSV, a Markdown or pipe table, a JSON list. A
record with a codename cell (``Codename``, ``Project``, ``Program``) and a client cell
(``Client``, ``Customer``, ``Lab``) gives one pair; the case keeps the pairs so the client table
can name the lab of a document that only carries the codename. A codename cell alone (a task
dataset's ``"project": "BLUE HERON"``) is kept as a mention with no client: the client table lists
that dataset under the lab. Nothing here is personal data.
"""

from __future__ import annotations

import re

from spill.model import Segment

_WORDS = re.compile(r"[a-z]+")
_CODENAME_WORDS = {"codename", "code", "name", "project", "program", "programme", "internal"}
_CODENAME_KEYS = {"codename", "project", "program", "programme"}
_CLIENT_WORDS = {"client", "customer", "lab", "end", "partner", "name"}
_CLIENT_KEYS = {"client", "customer", "lab"}
_VALUE = re.compile(r"[A-Za-z][\w&' .-]{1,58}[\w.]")


def column_kind(label: str) -> str | None:
    """``codename`` or ``client`` for a column or key name that holds one, else None (``Client contact`` is neither)."""
    words = set(_WORDS.findall(label.strip().rsplit("/", 1)[-1].rsplit(".", 1)[-1].lower()))
    if not words:
        return None
    if words <= _CODENAME_WORDS and (words & _CODENAME_KEYS or {"code", "name"} <= words):
        return "codename"
    if words <= _CLIENT_WORDS and words & _CLIENT_KEYS:
        return "client"
    return None


class CodenamePairs:
    """Collects (codename, client) pairs from one object's segments: table records and pipe tables in text."""

    def __init__(self) -> None:
        self._records: dict[str, dict[str, str]] = {}
        self.pairs: set[tuple[str, str]] = set()  # (codename, client); client "" for a mention alone

    def see(self, seg: Segment) -> None:
        if seg.record is not None and seg.context:
            kind = column_kind(seg.context)
            if kind and _VALUE.fullmatch(seg.text.strip()):
                cells = self._records.setdefault(seg.record, {})
                cells.setdefault(kind, seg.text.strip())
                if len(cells) == 2:
                    self.pairs.add((cells["codename"], cells["client"]))
                elif kind == "codename" and len(self.pairs) < 100:
                    self.pairs.add((cells["codename"], ""))
        elif "|" in seg.text:
            self.pairs.update(pipe_table_pairs(seg.text))

    def found(self) -> list[tuple[str, str]]:
        """The pairs, and the mentions of codenames no pair of this object names."""
        paired = {c for c, client in self.pairs if client}
        return sorted((c, client) for c, client in self.pairs if client or c not in paired)


def pipe_table_pairs(text: str) -> set[tuple[str, str]]:
    """Pairs from Markdown / pipe tables: a header row naming both columns, a ``|---|`` rule, then rows.

    >>> sorted(pipe_table_pairs("| Codename | Client | Owner |\\n|---|---|---|\\n| KESTREL | Tessellate | T. R. |"))
    [('KESTREL', 'Tessellate')]
    """
    out: set[tuple[str, str]] = set()
    lines = [line.strip() for line in text.splitlines()]
    for i in range(len(lines) - 1):
        if not (lines[i].startswith("|") and re.fullmatch(r"\|?[\s:|-]+\|?", lines[i + 1] or "x")):
            continue
        header = _cells(lines[i])
        kinds = [column_kind(h) for h in header]
        if "codename" not in kinds or "client" not in kinds:
            continue
        c_at, l_at = kinds.index("codename"), kinds.index("client")
        for line in lines[i + 2:]:
            if not line.startswith("|"):
                break
            cells = _cells(line)
            if max(c_at, l_at) < len(cells):
                codename, client = cells[c_at], cells[l_at]
                if _VALUE.fullmatch(codename) and _VALUE.fullmatch(client):
                    out.add((codename, client))
    return out


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]
