"""The prefilter: which rules could match this text at all, decided with as little work as possible.

Every rule has an anchor, a cheap regex that any of its matches contains (``AKIA``, ``@``, a run
of digits, ``_`` + 20 token characters…). Anchors are split at their top-level ``|`` and shared
between rules, so the digit-run anchor is tested once for the dozen numeric rules.

Python's regex engines are fast at finding one literal or one character class and slow at
alternations of many, so a single combined alternation is not used. Instead:

1. a **trigger** character class — every character an anchor can start with (computed from the
   parsed anchors) — is searched once: a segment without one (most table cells: "approved",
   "3.5", "PH") is done in a fraction of a microsecond;
2. otherwise each anchor is tested on its own: a literal with ``in`` (C speed), a regex with the
   engine that scans its first item fastest (stdlib ``re`` for a literal prefix, ``regex`` for a
   leading character class).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import regex

try:  # Python 3.11+
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

_META = set(".^$*+?{}[]\\|()")
#: Beyond this many occurrences of an anchor, its rules scan the whole text instead of windows.
MAX_POSITIONS = 256


def split_alternatives(pattern: str) -> list[str]:
    """``"a|b(c|d)|[x|y]"`` → ``["a", "b(c|d)", "[x|y]"]`` (top-level ``|`` only)."""
    parts, depth, in_class, start, i = [], 0, False, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
        elif ch == "[":
            in_class = True
            if pattern[i + 1: i + 2] == "]":
                i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return [p for p in parts if p]


def _literal(pattern: str) -> str | None:
    """The plain string a pattern matches, if it is one (``\\.`` escapes allowed)."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            nxt = pattern[i + 1: i + 2]
            if not nxt or nxt.isalnum():
                return None
            out.append(nxt)
            i += 2
            continue
        if ch in _META:
            return None
        out.append(ch)
        i += 1
    return "".join(out)


# ------------------------------------------------------------------ first characters of a regex
_CATEGORY = {
    sre_parse.CATEGORY_DIGIT: r"\d", sre_parse.CATEGORY_WORD: r"\w", sre_parse.CATEGORY_SPACE: r"\s",
}


def _class_of(code: int, ignore_case: bool) -> set[str]:
    ch = chr(code)
    chars = {ch, ch.lower(), ch.upper()} if ignore_case else {ch}
    return {re.escape(c) for c in chars if len(c) == 1}


def _firsts(items: list, ignore_case: bool) -> tuple[set[str] | None, bool]:
    """(class fragments a match can start with, or None for "anything"; whether it can be empty)."""
    out: set[str] = set()
    for op, av in items:
        if op is sre_parse.LITERAL:
            return out | _class_of(av, ignore_case), False
        if op is sre_parse.IN:
            for kind, val in av:
                if kind is sre_parse.LITERAL:
                    out |= _class_of(val, ignore_case)
                elif kind is sre_parse.RANGE:
                    lo, hi = val
                    out.add(f"{re.escape(chr(lo))}-{re.escape(chr(hi))}")
                    if ignore_case and chr(lo).isalpha() and chr(hi).isalpha():
                        out.add(f"{chr(lo).swapcase()}-{chr(hi).swapcase()}")
                elif kind is sre_parse.CATEGORY and val in _CATEGORY:
                    out.add(_CATEGORY[val])
                else:
                    return None, False
            return out, False
        if op in (sre_parse.AT, sre_parse.ASSERT, sre_parse.ASSERT_NOT):
            continue  # zero-width
        if op is sre_parse.SUBPATTERN:
            _group, add_flags, _del_flags, sub = av
            first, nullable = _firsts(list(sub), ignore_case or bool(add_flags & re.IGNORECASE))
        elif op is sre_parse.BRANCH:
            first, nullable = set(), False
            for alt in av[1]:
                f, n = _firsts(list(alt), ignore_case)
                if f is None:
                    return None, False
                first |= f
                nullable = nullable or n
        elif op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, getattr(sre_parse, "POSSESSIVE_REPEAT", None)):
            lo, _hi, sub = av
            first, nullable = _firsts(list(sub), ignore_case)
            nullable = nullable or lo == 0
        elif op is getattr(sre_parse, "ATOMIC_GROUP", None):
            first, nullable = _firsts(list(av), ignore_case)
        else:
            return None, False
        if first is None:
            return None, False
        out |= first
        if not nullable:
            return out, False
    return out, True


def first_chars(pattern: str) -> set[str] | None:
    """Character-class fragments every match of ``pattern`` starts with; None if not computable."""
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, TypeError, ValueError, OverflowError):
        return None
    first, nullable = _firsts(list(parsed), False)
    return None if nullable else first


def _compile(pattern: str) -> re.Pattern[str] | regex.Pattern[str]:
    """``re`` finds a literal prefix fastest, ``regex`` a leading class; ``regex`` for what ``re`` lacks."""
    starts_literal = bool(pattern) and (pattern[0] not in _META or pattern[:2] in ("\\.", "\\-", "\\_"))
    if starts_literal:
        try:
            return re.compile(pattern)
        except re.error:
            pass
    return regex.compile(pattern)


class Prefilter:
    """``scan(text)`` → where each anchor occurs in ``text``, by anchor id (``anchor_ids(anchor)`` maps a rule's)."""

    def __init__(self, anchors: Sequence[str]) -> None:
        self._ids: dict[str, int] = {}
        self._literals: list[tuple[int, str]] = []
        self._regexes: list[tuple[int, re.Pattern[str] | regex.Pattern[str]]] = []
        fragments: set[str] = set()
        gate_ok = True
        for anchor in anchors:
            for branch in split_alternatives(anchor):
                if branch in self._ids:
                    continue
                self._ids[branch] = i = len(self._ids)
                lit = _literal(branch)
                if lit:
                    self._literals.append((i, lit))
                    fragments.add(re.escape(lit[0]))
                else:
                    self._regexes.append((i, _compile(branch)))
                    first = first_chars(branch)
                    if first is None:
                        gate_ok = False
                    else:
                        fragments |= first
        self._trigger = re.compile("[" + "".join(sorted(fragments)) + "]") if gate_ok and fragments else None

    def anchor_ids(self, anchor: str) -> frozenset[int]:
        return frozenset(self._ids[b] for b in split_alternatives(anchor))

    def scan(self, text: str, max_positions: int = MAX_POSITIONS) -> dict[int, list[int] | None]:
        """Anchor id → start offsets of its occurrences (None when there are more than ``max_positions``)."""
        if not self._ids or (self._trigger is not None and not self._trigger.search(text)):
            return {}
        found: dict[int, list[int] | None] = {}
        for i, lit in self._literals:
            pos = text.find(lit)
            if pos == -1:
                continue
            spots: list[int] | None = []
            while pos != -1:
                if len(spots) >= max_positions:  # type: ignore[arg-type]
                    spots = None
                    break
                spots.append(pos)  # type: ignore[union-attr]
                pos = text.find(lit, pos + 1)
            found[i] = spots
        for i, rx in self._regexes:
            spots = []
            for m in rx.finditer(text):
                if len(spots) >= max_positions:
                    spots = None
                    break
                spots.append(m.start())
            if spots is None or spots:
                found[i] = spots
        return found
