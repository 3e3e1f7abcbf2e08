"""``spill rules list`` and ``spill rules test``: what the rules are, and whether each keeps its own proof.

Every rule carries ``examples`` (each text must produce the rule's entity with exactly the given
value, through the whole :class:`PatternDetector` — so an example hidden by a stronger overlapping
rule fails too) and ``negative_examples`` (each must produce no detection of the rule's entity).
Document rules (LAB_RUBRIC) run through the :class:`RubricClassifier`; their example ``value`` is
the expected client. Disabled rules (``enabled: false``) are tested as well.
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


def test_rules(rules: Sequence[Rule]) -> list[str]:
    """Failures, one line each (``source:line: rule id: what failed``); empty when every rule keeps its proof."""
    rules = list(rules)
    failures: list[str] = []
    detector = PatternDetector(rules, entities={r.entity_type for r in rules})
    pattern_rules = [r for r in rules if not r.is_document_rule]
    document_rules = [r for r in rules if r.is_document_rule]
    for rule in pattern_rules:
        where = f"{rule.source}:{rule.line}: {rule.id}"
        if not rule.examples:
            failures.append(f"{where}: no examples")
        for ex in rule.examples:
            problem = _check_example(detector, rule, ex)
            if problem:
                failures.append(f"{where}: example {_short(ex.text)!r}: {problem}")
        for ex in rule.negative_examples:
            found = _found(detector, rule, ex)
            if found:
                failures.append(f"{where}: negative example {_short(ex.text)!r} produced "
                                f"{rule.entity_type} {found[0]!r}")
    if document_rules:
        classifier = RubricClassifier(rules)
        for rule in document_rules:
            where = f"{rule.source}:{rule.line}: {rule.id}"
            if not rule.examples:
                failures.append(f"{where}: no examples")
            for ex in rule.examples:
                verdict = classifier.classify(ex.text)
                if verdict is None:
                    failures.append(f"{where}: example {_short(ex.text)!r}: not classified as {rule.entity_type}")
                elif ex.value is not None and verdict.client != ex.value:
                    failures.append(f"{where}: example {_short(ex.text)!r}: client {verdict.client!r}, "
                                    f"expected {ex.value!r}")
            for ex in rule.negative_examples:
                verdict = classifier.classify(ex.text)
                if verdict is not None:
                    failures.append(f"{where}: negative example {_short(ex.text)!r} classified as "
                                    f"{rule.entity_type} ({', '.join(verdict.signals[:3])})")
    return failures


test_rules.__test__ = False  # type: ignore[attr-defined]  # not a pytest test, whatever its name


def _check_example(detector: PatternDetector, rule: Rule, ex: Example) -> str | None:
    detections = detector.detect(ex.text, ex.context)
    values = [ex.text[d.start:d.end] for d in detections if d.entity_type == rule.entity_type]
    if ex.value is None:
        return None if values else f"no {rule.entity_type} found"
    if ex.value in values:
        return None
    others = [f"{d.entity_type} {ex.text[d.start:d.end]!r} ({d.rule}, {d.score})" for d in detections]
    got = "; ".join(others) if others else "nothing"
    return f"expected {rule.entity_type} {ex.value!r}, got {got}"


def _found(detector: PatternDetector, rule: Rule, ex: Example) -> list[str]:
    return [ex.text[d.start:d.end] for d in detector.detect(ex.text, ex.context) if d.entity_type == rule.entity_type]


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
