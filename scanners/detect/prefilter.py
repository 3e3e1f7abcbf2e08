"""The prefilter: which rules could match this text at all, decided with as little work as possible.

Every rule has an anchor, a cheap regex that any of its matches contains (``AKIA``, ``@``, a run
of digits, an all-caps word, a label's first word). All distinct anchors are compiled into one
alternation: a segment it does not hit costs one ``search`` and runs no recognizer (the common
case for table cells and prose). Only when it hits is each anchor tried on its own, so the
answer is exact — an anchor hidden behind another one at the same position is still seen.
Anchors that are plain (case-insensitive) words are tested with ``in`` on the lowercased text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import regex

_PLAIN_WORDS = re.compile(r"^\(\?i:([\w /\-]+(?:\|[\w /\-]+)*)\)$")


class Prefilter:
    """``hits(text)`` → indexes of the anchors that occur in ``text`` (empty set: nothing to run)."""

    def __init__(self, anchors: Sequence[str]) -> None:
        self.anchors = list(anchors)
        self._gate = _compile("|".join(f"(?:{a})" for a in self.anchors)) if self.anchors else None
        # per anchor: ("words", (lowercase words…)) for case-insensitive word lists, else ("regex", compiled)
        self._tests: list[tuple[str, object]] = []
        for anchor in self.anchors:
            m = _PLAIN_WORDS.match(anchor)
            if m:
                self._tests.append(("words", tuple(w.lower() for w in m.group(1).split("|"))))
            else:
                self._tests.append(("regex", _compile(anchor)))

    def hits(self, text: str) -> set[int]:
        if self._gate is None or not self._gate.search(text):
            return set()
        lowered: str | None = None
        found = set()
        for i, (kind, test) in enumerate(self._tests):
            if kind == "words":
                if lowered is None:
                    lowered = text.lower()
                if any(w in lowered for w in test):  # type: ignore[attr-defined]
                    found.add(i)
            elif test.search(text):  # type: ignore[attr-defined]
                found.add(i)
        return found


def _compile(pattern: str) -> re.Pattern[str] | regex.Pattern[str]:
    """Stdlib ``re`` when it can (faster literal/charset scans), else the ``regex`` module."""
    try:
        return re.compile(pattern)
    except re.error:
        return regex.compile(pattern)
