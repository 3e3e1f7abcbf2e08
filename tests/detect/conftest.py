"""Fixtures for the detection tests: the built-in rules and one PatternDetector over them, loaded once."""

from __future__ import annotations

import pytest

from scanners.detect.patterns import PatternDetector
from scanners.detect.rules import Rule, load_rules


@pytest.fixture(scope="session")
def builtin_rules() -> list[Rule]:
    return load_rules()


@pytest.fixture(scope="session")
def pattern_detector(builtin_rules: list[Rule]) -> PatternDetector:
    """The pattern stage over the built-in rules, default entities and threshold."""
    return PatternDetector(builtin_rules)


@pytest.fixture(scope="session")
def all_entities_detector(builtin_rules: list[Rule]) -> PatternDetector:
    """Every rule, including the ones off by default (URL, UUID, MAC_ADDRESS)."""
    return PatternDetector(builtin_rules, entities={r.entity_type for r in builtin_rules})
