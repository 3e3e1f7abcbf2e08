"""``spill rules list`` and ``spill rules test``: what the rules are, and whether each keeps its own proof.

Every rule carries ``examples`` (each text must produce the rule's entity with exactly the given
value, through the whole :class:`PatternDetector` — so an example hidden by a stronger overlapping
rule fails too) and ``negative_examples`` (each must produce no detection of the rule's entity).
Document rules (LAB_RUBRIC) run through the :class:`RubricClassifier`; their example ``value`` is
the expected client. Disabled rules (``enabled: false``) are tested as well. :class:`ExampleCheck`
is the one definition of "an example passes", for ``spill rules test`` and the test suite alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scanners.detect.patterns import PatternDetector
from scanners.detect.rubric import RubricClassifier
from scanners.detect.rules import Example, Rule


def list_rules(rules: Sequence[Rule]) -> list[dict[str, Any]]:
    """One row per rule: id, entity_type, category, severity, source file (and line), enabled."""
    return [
        {
            "id": r.id,
            "entity_type": r.entity_type,
            "category": r.category.value,
            "severity": r.severity.value,
            "source": r.source,
            "line": r.line,
            "enabled": r.enabled,
            "description": r.description,
        }
        for r in rules
    ]


class ExampleCheck:
    """Runs one rule example through every rule, as a scan would (every entity type, disabled ones too)."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.detector = PatternDetector(rules, entities={r.entity_type for r in rules})
        self.classifier = RubricClassifier(rules)

    def problem(self, rule: Rule, ex: Example, *, negative: bool = False) -> str | None:
        """Why the example fails (``example 'text': what happened``), or None when it passes."""
        if rule.is_document_rule:
            return self._document_problem(rule, ex, negative)
        detections = self.detector.detect(ex.text, ex.context)
        values = [ex.text[d.start:d.end] for d in detections if d.entity_type == rule.entity_type]
        if negative:
            return f"negative example {_short(ex.text)!r} produced {rule.entity_type} {values[0]!r}" if values else None
        if ex.value is None:
            return None if values else f"example {_short(ex.text)!r}: no {rule.entity_type} found"
        if ex.value in values:
            return None
        others = [f"{d.entity_type} {ex.text[d.start:d.end]!r} ({d.rule}, {d.score})" for d in detections]
        return (f"example {_short(ex.text)!r}: expected {rule.entity_type} {ex.value!r}, "
                f"got {'; '.join(others) if others else 'nothing'}")

    def _document_problem(self, rule: Rule, ex: Example, negative: bool) -> str | None:
        verdict = self.classifier.classify(ex.text)
        if negative:
            return None if verdict is None else (f"negative example {_short(ex.text)!r} classified as "
                                                 f"{rule.entity_type} ({', '.join(verdict.signals[:3])})")
        if verdict is None:
            return f"example {_short(ex.text)!r}: not classified as {rule.entity_type}"
        if ex.value is not None and verdict.client != ex.value:
            return f"example {_short(ex.text)!r}: client {verdict.client!r}, expected {ex.value!r}"
        return None


def test_rules(rules: Sequence[Rule]) -> list[str]:
    """Failures, one line each (``source:line: rule id: what failed``); empty when every rule keeps its proof."""
    rules = list(rules)
    check = ExampleCheck(rules)
    failures: list[str] = []
    for rule in rules:
        where = f"{rule.source}:{rule.line}: {rule.id}"
        if not rule.examples:
            failures.append(f"{where}: no examples")
        for negative, examples in ((False, rule.examples), (True, rule.negative_examples)):
            for ex in examples:
                problem = check.problem(rule, ex, negative=negative)
                if problem:
                    failures.append(f"{where}: {problem}")
    return failures


test_rules.__test__ = False  # type: ignore[attr-defined]  # not a pytest test, whatever its name


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
