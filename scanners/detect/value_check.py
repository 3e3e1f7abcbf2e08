"""What a rule says about a matched value: its validators, its ``allow`` values, its ``deny`` regexes."""

from __future__ import annotations

import re

import regex

from scanners.detect.rules import Rule
from scanners.detect.validators import Validator, get_validator

_LEADING_FLAGS = re.compile(r"^\(\?([aiLmsux]+)\)")


def _scoped(pattern: str) -> str:
    """``(?i)abc`` → ``(?i:abc)``, so one pattern's flags do not leak into the others it is joined with."""
    m = _LEADING_FLAGS.match(pattern)
    return f"(?{m.group(1)}:{pattern[m.end():]})" if m else f"(?:{pattern})"


class ValueCheck:
    """``validate``: every validator passes (None when the rule has none); ``invalidate``: allowed or denied."""

    __slots__ = ("_allow", "_deny", "_validators")

    def __init__(self, rule: Rule) -> None:
        self._validators: tuple[Validator, ...] = tuple(get_validator(v) for v in rule.validators)
        self._allow = frozenset(rule.allow)
        # one alternation: a value is short, and one search is cheaper than one per pattern
        self._deny = regex.compile("|".join(_scoped(d) for d in rule.deny)) if rule.deny else None

    @property
    def has_validators(self) -> bool:
        return bool(self._validators)

    def validate(self, value: str) -> bool | None:
        if not self._validators:
            return None
        return all(check(value) for check in self._validators)

    def invalidate(self, value: str) -> bool:
        return value in self._allow or (self._deny is not None and self._deny.search(value) is not None)

    def accepts(self, value: str) -> bool:
        return not self.invalidate(value) and self.validate(value) is not False
