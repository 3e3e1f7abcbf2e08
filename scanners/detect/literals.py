"""Required literals: words any match of a regex must contain, so a text without one is never searched.

``required_literals(pattern)`` parses a regex (the standard library's parser; what it cannot parse
gets no gate) and returns a set of case-folded strings of which every match contains at least one,
or ``None`` when no such set exists (``\\d{3}-\\d{4}``). A sequence offers each of its literal runs
and each required part (a group, a branch whose every alternative has literals, a repeat of at least
one); the set whose shortest literal is longest is kept, since a long literal is rare in text.

Case: literals and text are compared after ``str.casefold()``, which maps character by character, so
a text that holds a literal in any case holds its folded form; a case-sensitive pattern is gated by
the same folded test (a little weaker, never wrong).

``LiteralGate`` answers "which of these patterns could match this text?" with one folded copy of the
text and a ``str.__contains__`` per literal (C speed): measured on the bench corpus's documents, a
literal test costs about 1/50 of the regex search it saves.
"""

from __future__ import annotations

from collections.abc import Sequence

try:  # Python 3.11+
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

Literals = frozenset[str]
#: A gate made of literals this short says little (every text has "ai" somewhere): no gate.
MIN_LITERAL = 3
#: More alternatives than this and the gate costs more than it saves.
MAX_ALTERNATIVES = 24


def required_literals(pattern: str) -> Literals | None:
    """Case-folded strings one of which every match of ``pattern`` contains; None: no useful set."""
    try:
        parsed = sre_parse.parse(pattern)
    except (Exception, RecursionError):  # the regex module's syntax beyond re's, or a parser limit
        return None
    try:
        found = _sequence(list(parsed))
    except RecursionError:
        return None
    return found if found and min(map(len, found)) >= MIN_LITERAL else None


def _better(a: Literals | None, b: Literals | None) -> Literals | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if (min(map(len, a)), -len(a)) >= (min(map(len, b)), -len(b)) else b


def _sequence(items: list) -> Literals | None:
    """The best required set of a sequence of parsed items."""
    best: Literals | None = None
    run: list[str] = []

    def close_run() -> None:
        nonlocal best
        if run:
            best = _better(best, frozenset({"".join(run).casefold()}))
            run.clear()

    for op, av in items:
        if op is sre_parse.LITERAL:
            run.append(chr(av))
            continue
        close_run()
        best = _better(best, _item(op, av))
    close_run()
    return best


def _item(op, av) -> Literals | None:
    """The required set of one non-literal item (None: it requires nothing we can name)."""
    if op is sre_parse.SUBPATTERN:
        return _sequence(list(av[3]))
    if op is sre_parse.BRANCH:
        out: set[str] = set()
        for alternative in av[1]:
            found = _sequence(list(alternative))
            if found is None:
                return None
            out |= found
        return frozenset(out) if len(out) <= MAX_ALTERNATIVES else None
    if op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, getattr(sre_parse, "POSSESSIVE_REPEAT", None)):
        low, _high, body = av
        return _sequence(list(body)) if low >= 1 else None
    if op is getattr(sre_parse, "ATOMIC_GROUP", None):
        return _sequence(list(av))
    if op is sre_parse.ASSERT:  # a look-ahead or look-behind that must match: its text is there too
        return _sequence(list(av[1]))
    return None


class LiteralGate:
    """For each of many patterns, its required literals; ``open_for(text)`` tells which could match."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.literals: list[Literals | None] = [required_literals(p) for p in patterns]

    def open_for(self, folded: str) -> list[bool]:
        """Per pattern: could it match the text whose ``casefold()`` is ``folded``?"""
        return [lits is None or any(lit in folded for lit in lits) for lits in self.literals]
