"""Every built-in rule's own proof: its examples must match, its negative examples must not."""

from __future__ import annotations

import pytest

from scanners.detect.patterns import PatternDetector
from scanners.detect.rubric import RubricClassifier
from scanners.detect.rules import Example, Rule, load_rules

_RULES = load_rules()


def _cases(negative: bool) -> list[pytest.param]:
    params = []
    for rule in _RULES:
        examples = rule.negative_examples if negative else rule.examples
        for i, ex in enumerate(examples):
            params.append(pytest.param(rule, ex, id=f"{rule.id}-{'neg' if negative else 'ex'}{i}"))
    return params


@pytest.fixture(scope="module")
def rubric() -> RubricClassifier:
    return RubricClassifier(_RULES)


@pytest.mark.parametrize("rule, example", _cases(negative=False))
def test_rule_example_matches(rule: Rule, example: Example, all_entities_detector: PatternDetector,
                              rubric: RubricClassifier) -> None:
    if rule.is_document_rule:
        verdict = rubric.classify(example.text)
        assert verdict is not None
        if example.value is not None:
            assert verdict.client == example.value
        return
    found = [(d.entity_type, example.text[d.start:d.end])
             for d in all_entities_detector.detect(example.text, example.context)]
    if example.value is None:
        assert any(et == rule.entity_type for et, _ in found), found
    else:
        assert (rule.entity_type, example.value) in found, found


@pytest.mark.parametrize("rule, example", _cases(negative=True))
def test_rule_negative_example_does_not_match(rule: Rule, example: Example, all_entities_detector: PatternDetector,
                                             rubric: RubricClassifier) -> None:
    if rule.is_document_rule:
        assert rubric.classify(example.text) is None
        return
    found = [(d.entity_type, example.text[d.start:d.end], d.rule)
             for d in all_entities_detector.detect(example.text, example.context)]
    assert not [f for f in found if f[0] == rule.entity_type], found


def test_every_rule_has_examples() -> None:
    assert all(rule.examples for rule in _RULES)


def test_rule_ids_are_unique_and_namespaced() -> None:
    ids = [rule.id for rule in _RULES]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("spill.") for i in ids)
