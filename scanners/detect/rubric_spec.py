"""The ``rubric`` mapping of a document rule (LAB_RUBRIC), checked and compiled when the rule loads.

Keys (``signals`` is required)::

    threshold          the weighted total a document must reach (default 7)
    signals            {group: {weight, patterns}}: a group adds its weight (negative: subtracts)
                       when any of its regexes is found; ``weight`` defaults to 1, ``patterns``
                       is a non-empty list; regexes are case-insensitive and multi-line
    requires           [group or [group, …]]: in each entry, at least one group must fire
    clients            {client name: alias or [aliases]}: the client a document names (no aliases:
                       the name itself)
    client_patterns    regexes with a (?P<client>…) group ("prepared for X")
    codenames          {CODENAME: client}: a codename alone names the client
    codename_patterns  regexes with a (?P<codename>…) group ("Project NIGHTJAR")

A mistake is a :class:`RuleError` at the line of the offending key or item, so a malformed
rubric in a ``--rules`` directory stops ``spill scan`` and ``spill rules test`` before any
work starts, never later inside a worker.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from spill.rulefile import Fields, YamlList, is_scalar

DEFAULT_THRESHOLD = 7.0
KEYS = frozenset({"threshold", "signals", "requires", "clients", "client_patterns", "codenames",
                  "codename_patterns"})
_SIGNAL_KEYS = frozenset({"weight", "patterns"})
_FLAGS = regex.IGNORECASE | regex.MULTILINE


@dataclass(frozen=True, slots=True)
class SignalGroup:
    """One kind of cue (a rating scale, model-output words…) and what it adds to the total."""

    name: str
    weight: float
    patterns: tuple[regex.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class Client:
    """A client lab and a pattern for any of its aliases as a whole word."""

    name: str
    pattern: regex.Pattern[str]


@dataclass(frozen=True, slots=True)
class Codename:
    """A project codename (upper case) and the client it stands for."""

    name: str
    client: str
    pattern: regex.Pattern[str]


@dataclass(frozen=True, slots=True)
class RubricSpec:
    """A document classifier's vocabulary, ready to run."""

    threshold: float
    signals: tuple[SignalGroup, ...]
    requires: tuple[tuple[str, ...], ...] = ()
    clients: tuple[Client, ...] = ()
    client_patterns: tuple[regex.Pattern[str], ...] = ()
    codenames: tuple[Codename, ...] = ()
    codename_patterns: tuple[regex.Pattern[str], ...] = ()

    def client_of_codename(self, codename: str) -> str | None:
        upper = codename.upper()
        return next((c.client for c in self.codenames if c.name == upper), None)


def parse_rubric(fields: Fields) -> RubricSpec:
    """The rubric in ``fields`` (the value of a rule's ``rubric`` key), or a RuleError."""
    fields.check_keys(KEYS, " in rubric")
    signals = _signals(fields)
    names = {group.name for group in signals}
    return RubricSpec(
        threshold=fields.number("threshold", DEFAULT_THRESHOLD, 0, 1000) or 0.0,
        signals=signals,
        requires=_requires(fields, names),
        clients=_clients(fields),
        client_patterns=_patterns(fields, "client_patterns", group="client"),
        codenames=_codenames(fields),
        codename_patterns=_patterns(fields, "codename_patterns", group="codename"),
    )


def _signals(fields: Fields) -> tuple[SignalGroup, ...]:
    groups = fields.mapping("signals", "{group: {weight, patterns}}")
    if groups is None or not groups.data:
        raise fields.fail("signals", "rubric needs 'signals': a mapping of {group: {weight, patterns}}")
    out = []
    for name in groups.data:
        spec = groups.mapping(name, "a signal group: weight, patterns")
        if spec is None:
            raise groups.fail(name, f"signal group '{name}' needs 'patterns'")
        spec.check_keys(_SIGNAL_KEYS, f" in rubric signal '{name}'")
        if "patterns" not in spec.data:
            raise spec.fail(None, f"signal group '{name}' needs 'patterns'")
        weight = spec.number("weight", 1.0, -100, 100)
        out.append(SignalGroup(str(name), 1.0 if weight is None else weight,
                               _regex_list(spec, "patterns", f"rubric signal '{name}'", required=True)))
    return tuple(out)


def _requires(fields: Fields, names: set[str]) -> tuple[tuple[str, ...], ...]:
    raw = fields.data.get("requires")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise fields.fail("requires", "'requires' must be a list of signal groups (or lists of them)")
    out = []
    for i, entry in enumerate(raw):
        line = fields.item_line("requires", i)
        alternatives = [entry] if is_scalar(entry) else entry
        if not isinstance(alternatives, list) or not alternatives or not all(is_scalar(a) for a in alternatives):
            raise fields.fail("requires", "each of 'requires' is a signal group or a list of them", line)
        unknown = [str(a) for a in alternatives if str(a) not in names]
        if unknown:
            raise fields.fail("requires", f"'requires' names unknown signal groups {unknown} "
                                          f"(known: {', '.join(sorted(names))})", line)
        out.append(tuple(str(a) for a in alternatives))
    return tuple(out)


def _clients(fields: Fields) -> tuple[Client, ...]:
    clients = fields.mapping("clients", "{client name: [aliases]}")
    if clients is None:
        return ()
    out = []
    for name, aliases in clients.data.items():
        if not is_scalar(name):
            raise clients.fail(name, f"client name '{name}' must be a string")
        if aliases is None:
            aliases = [name]
        elif is_scalar(aliases):
            aliases = [aliases]
        if not isinstance(aliases, list) or not aliases or not all(is_scalar(a) and str(a) for a in aliases):
            raise clients.fail(name, f"client '{name}' takes an alias or a list of aliases")
        joined = "|".join(regex.escape(str(a)) for a in aliases)
        out.append(Client(str(name), regex.compile(rf"(?<![\w-])(?:{joined})(?![\w-])", regex.IGNORECASE)))
    return tuple(out)


def _codenames(fields: Fields) -> tuple[Codename, ...]:
    codenames = fields.mapping("codenames", "{CODENAME: client}")
    if codenames is None:
        return ()
    out = []
    for name, client in codenames.data.items():
        if not is_scalar(name) or not str(name).strip() or not is_scalar(client):
            raise codenames.fail(name, f"codename '{name}' maps to the client it stands for: {{CODENAME: client}}")
        upper = str(name).upper()
        out.append(Codename(upper, str(client), regex.compile(rf"\b{regex.escape(upper)}\b", regex.IGNORECASE)))
    return tuple(out)


def _patterns(fields: Fields, key: str, *, group: str) -> tuple[regex.Pattern[str], ...]:
    patterns = _regex_list(fields, key, key)
    for i, pattern in enumerate(patterns):
        if group not in pattern.groupindex:
            raise fields.fail(key, f"{key} pattern {pattern.pattern!r} needs a (?P<{group}>…) group",
                              fields.item_line(key, i))
    return patterns


def _regex_list(fields: Fields, key: str, what: str, *, required: bool = False) -> tuple[regex.Pattern[str], ...]:
    raw = fields.data.get(key)
    if raw is None and not required:
        return ()
    if not isinstance(raw, YamlList) or (required and not raw):
        raise fields.fail(key, f"'{key}' must be a {'non-empty ' if required else ''}list of regexes")
    out = []
    for i, pattern in enumerate(raw):
        line = fields.item_line(key, i)
        if isinstance(pattern, str) and not pattern:
            raise fields.fail(key, f"an empty regex in {what} would match every document", line)
        out.append(fields.compile(key, pattern, what, line, _FLAGS))
    return tuple(out)

