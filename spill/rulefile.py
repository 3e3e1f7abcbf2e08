"""Reading a rule file: safe YAML that keeps line numbers, and typed reads that fail with ``file:line:``.

:func:`load_yaml` parses a file's text into :class:`YamlMap`/:class:`YamlList` (a dict and a
list that remember the line of each key and item); :class:`Fields` reads one mapping's keys
as the types a rule needs. Every problem is a :class:`RuleError` whose message starts with
the file and the line of the offending key or item, so the CLI prints one line.
"""

from __future__ import annotations

import difflib
import enum
from collections.abc import Collection
from typing import Any, TypeVar

import regex
import yaml

from spill.errors import RuleError

_Choice = TypeVar("_Choice", bound=enum.StrEnum)


class YamlMap(dict):  # type: ignore[type-arg]
    """A mapping that remembers the 1-based line of itself and of each key."""

    line: int
    key_lines: dict[Any, int]


class YamlList(list):  # type: ignore[type-arg]
    """A sequence that remembers the 1-based line of itself and of each item."""

    line: int
    item_lines: list[int]


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML that keeps line numbers (libyaml's parser when present: ~10× faster)."""


def _construct_map(loader: _LineLoader, node: yaml.MappingNode) -> YamlMap:
    loader.flatten_mapping(node)
    mapping = YamlMap()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(None, None, "unhashable key", key_node.start_mark)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _construct_seq(loader: _LineLoader, node: yaml.SequenceNode) -> YamlList:
    seq = YamlList(loader.construct_object(child, deep=True) for child in node.value)
    seq.line = node.start_mark.line + 1
    seq.item_lines = [child.start_mark.line + 1 for child in node.value]
    return seq


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)


def load_yaml(text: str, source: str) -> Any:
    """The YAML document in ``text``, mappings and lists keeping their lines; ``source`` names it in errors."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # a SafeLoader subclass: no arbitrary objects
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or exc.context or "cannot parse"
        raise RuleError(f"{source}:{line}: malformed YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise RuleError(f"{source}:1: malformed YAML: {exc}") from None


def line_of(obj: Any, default: int) -> int:
    """The line a parsed value started on (``default`` for a scalar, which keeps none)."""
    return int(getattr(obj, "line", default))


def is_scalar(value: Any) -> bool:
    """A string, or a number YAML read as one (``7``, ``0.5``), that a rule may use as text."""
    return isinstance(value, str | int | float) and not isinstance(value, bool)


class Fields:
    """Typed reads of one mapping in a rule file; each failure names the line of its key."""

    def __init__(self, data: YamlMap, source: str) -> None:
        self.data = data
        self.source = source

    def line(self, key: Any = None) -> int:
        if key is not None and key in self.data.key_lines:
            return self.data.key_lines[key]
        return self.data.line

    def item_line(self, key: str, index: int) -> int:
        """The line of item ``index`` of the list under ``key``."""
        value = self.data.get(key)
        if isinstance(value, YamlList) and index < len(value.item_lines):
            return value.item_lines[index]
        return self.line(key)

    def fail(self, key: Any, message: str, line: int | None = None) -> RuleError:
        return RuleError(f"{self.source}:{line or self.line(key)}: {message}")

    def check_keys(self, allowed: Collection[str], where: str = "") -> None:
        """Refuse a key not in ``allowed``, suggesting the closest one (``where``: " in pattern"…)."""
        for key in self.data:
            if key not in allowed:
                hint = difflib.get_close_matches(str(key), sorted(allowed), n=1)
                suffix = f" (did you mean '{hint[0]}'?)" if hint else ""
                raise self.fail(key, f"unknown key '{key}'{where}{suffix}")

    def mapping(self, key: str, what: str) -> Fields | None:
        """The mapping under ``key`` as Fields of its own; None when absent or null."""
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, YamlMap):
            raise self.fail(key, f"'{key}' must be a mapping ({what})")
        return Fields(value, self.source)

    def string(self, key: str, default: str | None = None) -> str | None:
        value = self.data.get(key, default)
        if value is None:
            return None
        if not is_scalar(value):
            raise self.fail(key, f"'{key}' must be a string")
        return str(value)

    def choice(self, key: str, kind: type[_Choice]) -> _Choice:
        """One of the values of the string enum ``kind`` (a rule's category, its severity)."""
        try:
            return kind(self.string(key))
        except ValueError:
            raise self.fail(key, f"unknown {key} '{self.data[key]}' (one of: "
                                 f"{', '.join(member.value for member in kind)})") from None

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, f"'{key}' must be true or false")
        return value

    def number(self, key: str, default: float | None, lo: float, hi: float) -> float | None:
        value = self.data.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
            raise self.fail(key, f"'{key}' must be a number from {lo:g} to {hi:g}")
        return float(value)

    def strings(self, key: str) -> tuple[str, ...]:
        """A list of strings (one string alone is a list of one); absent: empty."""
        value = self.data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(is_scalar(v) for v in value):
            raise self.fail(key, f"'{key}' must be a list of strings")
        return tuple(str(v) for v in value)

    def compile(self, key: str, pattern: Any, what: str, line: int | None = None,
                flags: int = 0) -> regex.Pattern[str]:
        """``pattern`` compiled with the ``regex`` module; a bad one fails at ``line`` (default: the key's)."""
        if not isinstance(pattern, str):
            raise self.fail(key, f"{what} must be a regex string, not {type(pattern).__name__}", line)
        try:
            return regex.compile(pattern, flags)
        except (regex.error, TypeError, ValueError, OverflowError) as exc:
            raise self.fail(key, f"bad regex in {what}: {exc}", line) from None
