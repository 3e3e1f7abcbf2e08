"""What a rule says about a matched value: its validators, its ``allow`` values, its ``deny`` regexes."""

from __future__ import annotations

import regex

from scanners.detect.rules import Rule
from scanners.detect.validators import Validator, get_validator


class ValueCheck:
    """``validate``: every validator passes (None when the rule has none); ``invalidate``: allowed or denied."""

    __slots__ = ("_allow", "_deny", "_validators")

    def __init__(self, rule: Rule) -> None:
        self._validators: tuple[Validator, ...] = tuple(get_validator(v) for v in rule.validators)
        self._allow = frozenset(rule.allow)
        self._deny = tuple(regex.compile(d) for d in rule.deny)

    @property
    def has_validators(self) -> bool:
        return bool(self._validators)

    def validate(self, value: str) -> bool | None:
        if not self._validators:
            return None
        return all(check(value) for check in self._validators)

    def invalidate(self, value: str) -> bool:
        return value in self._allow or any(d.search(value) for d in self._deny)

    def accepts(self, value: str) -> bool:
        return not self.invalidate(value) and self.validate(value) is not False
