"""LAB_RUBRIC: is this document an AI lab's task rubric, annotation guideline or evaluation playbook?

A weighted-signal classifier whose vocabulary lives in YAML (``rules/lab_rubric.yml``, the
``rubric`` mapping of a LAB_RUBRIC rule) so a responder can add the codenames and client
names of their case without touching code. Signal groups carry a weight and regexes;
``requires`` lists groups of which at least one must fire in each set (a rubric grades
*model output* with a *scale or comparison*: a school essay rubric has the scale but not
the model, a marketing deck has the model vocabulary but no scale); negative groups
subtract. One finding per document, with the client lab (named outright, "prepared for
X", or through a codename map) and the signals that decided it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import regex

from scanners.detect.rules import Rule
from spill.errors import RuleError
from spill.model import DocumentDetection

MAX_TEXT = 200_000


@dataclass(frozen=True, slots=True)
class _Group:
    name: str
    weight: float
    patterns: tuple[regex.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class _Config:
    rule: Rule
    threshold: float
    groups: tuple[_Group, ...]
    requires: tuple[tuple[str, ...], ...]
    clients: tuple[tuple[str, regex.Pattern[str]], ...]
    client_patterns: tuple[regex.Pattern[str], ...]
    codenames: Mapping[str, str]
    codename_patterns: tuple[regex.Pattern[str], ...]


class RubricClassifier:
    """Scores a document's text against every LAB_RUBRIC rule's signal vocabulary."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.configs = [_parse(r) for r in rules if r.is_document_rule and r.enabled]

    @classmethod
    def from_rules(cls, rules: Sequence[Rule]) -> RubricClassifier:
        return cls(rules)

    def classify(self, text: str, path: str = "") -> DocumentDetection | None:
        """The best-scoring LAB_RUBRIC verdict for ``text``, or None."""
        text = text[:MAX_TEXT]
        best: DocumentDetection | None = None
        for config in self.configs:
            verdict = _classify(config, text)
            if verdict is not None and (best is None or verdict.score > best.score):
                best = verdict
        return best


def _classify(c: _Config, text: str) -> DocumentDetection | None:
    hits: dict[str, list[str]] = {}
    total = 0.0
    for group in c.groups:
        found: list[str] = []
        for pattern in group.patterns:
            m = pattern.search(text)
            if m:
                found.append(" ".join(m.group(0).split())[:40])
        if found:
            hits[group.name] = found
            # more distinct cues in one group count, but less than a new kind of cue
            total += group.weight * min(2.0, 1.0 + 0.5 * (len(found) - 1))
    if total < c.threshold:
        return None
    for alternatives in c.requires:
        if not any(name in hits for name in alternatives):
            return None
    client, client_signal = _client(c, text)
    codename = _codename(c, text)
    if client is None and codename is not None:
        client = c.codenames.get(codename.upper())
    signals = [f"{name}: {', '.join(dict.fromkeys(cues))}" for name, cues in hits.items()
               if any(g.name == name and g.weight > 0 for g in c.groups)]
    if client_signal:
        signals.append(client_signal)
    if codename:
        signals.append(f"codename: {codename}")
    score = min(0.99, 0.6 + (total - c.threshold) / 40)
    return DocumentDetection(entity_type=c.rule.entity_type, score=round(score, 3), rule=c.rule.id,
                             category=c.rule.category, severity=c.rule.severity, client=client,
                             signals=tuple(signals))


def _client(c: _Config, text: str) -> tuple[str | None, str | None]:
    counts: dict[str, int] = {}
    for name, pattern in c.clients:
        n = len(pattern.findall(text))
        if n:
            counts[name] = counts.get(name, 0) + n
    for pattern in c.client_patterns:  # "prepared for X": a named client beats a passing mention
        m = pattern.search(text)
        if m:
            named = " ".join(m.group("client").split()).strip(" .,;:")
            for known, known_pattern in c.clients:
                if known_pattern.search(named):
                    return known, f"client named: {named}"
            if named:
                return named, f"client named: {named}"
    if counts:
        name = max(counts, key=lambda k: counts[k])
        return name, f"client mentioned: {name} ×{counts[name]}"
    return None, None


def _codename(c: _Config, text: str) -> str | None:
    for known in c.codenames:
        if regex.search(rf"\b{regex.escape(known)}\b", text, regex.IGNORECASE):
            return known
    for pattern in c.codename_patterns:
        m = pattern.search(text)
        if m:
            return " ".join(m.group("codename").split())
    return None


# ---------------------------------------------------------------------- configuration
def _parse(rule: Rule) -> _Config:
    raw: Mapping[str, Any] = rule.rubric or {}
    where = f"{rule.source}:{rule.line}"

    def fail(msg: str) -> RuleError:
        return RuleError(f"{where}: rubric of '{rule.id}': {msg}")

    def compile_(pattern: Any, what: str) -> regex.Pattern[str]:
        if not isinstance(pattern, str):
            raise fail(f"{what} must be a regex string, not {type(pattern).__name__}")
        try:
            return regex.compile(pattern, regex.IGNORECASE | regex.MULTILINE)
        except regex.error as err:
            raise fail(f"{what}: bad regex {pattern!r}: {err}") from err

    groups = []
    for name, spec in (raw.get("signals") or {}).items():
        if not isinstance(spec, Mapping) or "patterns" not in spec:
            raise fail(f"signal group '{name}' needs 'weight' and 'patterns'")
        groups.append(_Group(str(name), float(spec.get("weight", 1.0)),
                             tuple(compile_(p, f"signal '{name}'") for p in spec["patterns"])))
    names = {g.name for g in groups}
    requires = []
    for alternatives in raw.get("requires") or []:
        alts = tuple([alternatives] if isinstance(alternatives, str) else alternatives)
        unknown = [a for a in alts if a not in names]
        if unknown:
            raise fail(f"'requires' names unknown signal groups {unknown}")
        requires.append(alts)
    clients = []
    for name, aliases in (raw.get("clients") or {}).items():
        alias_list = [aliases] if isinstance(aliases, str) else list(aliases or [name])
        joined = "|".join(regex.escape(str(a)) for a in alias_list)
        clients.append((str(name), regex.compile(rf"(?<![\w-])(?:{joined})(?![\w-])", regex.IGNORECASE)))
    client_patterns = tuple(compile_(p, "client_patterns") for p in raw.get("client_patterns") or [])
    for p in client_patterns:
        if "client" not in p.groupindex:
            raise fail(f"client pattern {p.pattern!r} needs a (?P<client>…) group")
    codename_patterns = tuple(compile_(p, "codename_patterns") for p in raw.get("codename_patterns") or [])
    for p in codename_patterns:
        if "codename" not in p.groupindex:
            raise fail(f"codename pattern {p.pattern!r} needs a (?P<codename>…) group")
    codenames = {str(k).upper(): str(v) for k, v in (raw.get("codenames") or {}).items()}
    return _Config(rule=rule, threshold=float(raw.get("threshold", 7.0)), groups=tuple(groups),
                   requires=tuple(requires), clients=tuple(clients), client_patterns=client_patterns,
                   codenames=codenames, codename_patterns=codename_patterns)
