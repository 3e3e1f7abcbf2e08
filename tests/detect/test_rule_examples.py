"""Every built-in rule's own proof, one test per example: ``spill rules test``'s check, example by example."""

from __future__ import annotations

import pytest

from scanners.detect.rules import Example, Rule, load_rules
from scanners.detect.rules_check import ExampleCheck

_RULES = load_rules()


def _cases() -> list[pytest.param]:
    params = []
    for rule in _RULES:
        for negative, examples in ((False, rule.examples), (True, rule.negative_examples)):
            for i, ex in enumerate(examples):
                params.append(pytest.param(rule, ex, negative, id=f"{rule.id}-{'neg' if negative else 'ex'}{i}"))
    return params


@pytest.fixture(scope="module")
def check() -> ExampleCheck:
    return ExampleCheck(_RULES)


@pytest.mark.parametrize("rule, example, negative", _cases())
def test_rule_example(rule: Rule, example: Example, negative: bool, check: ExampleCheck) -> None:
    assert check.problem(rule, example, negative=negative) is None


def test_every_rule_has_examples() -> None:
    assert all(rule.examples for rule in _RULES)


def test_rule_ids_are_unique_and_namespaced() -> None:
    ids = [rule.id for rule in _RULES]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("spill.") for i in ids)
