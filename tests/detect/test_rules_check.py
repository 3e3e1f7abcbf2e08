"""spill rules list|test: the listing, and how a failing example is reported (the passing ones: test_rule_examples)."""

from __future__ import annotations

import dataclasses

from scanners.detect.rules import Example, Rule
from scanners.detect.rules_check import list_rules, test_rules


def test_list_rules_has_one_row_per_rule(builtin_rules: list[Rule]) -> None:
    rows = list_rules(builtin_rules)
    assert len(rows) == len(builtin_rules)
    row = next(r for r in rows if r["id"] == "spill.financial.iban")
    assert row | {"line": 0} == {
        "id": "spill.financial.iban", "entity_type": "IBAN_CODE", "category": "financial", "severity": "high",
        "source": "rules/financial.yml", "line": 0, "enabled": True, "description": row["description"]}


def test_failing_examples_are_reported(builtin_rules: list[Rule]) -> None:
    iban = next(r for r in builtin_rules if r.id == "spill.financial.iban")
    broken = dataclasses.replace(
        iban,
        examples=(Example("IBAN GB82 WEST 1234 5698 7654 33", "GB82 WEST 1234 5698 7654 33"),),
        negative_examples=(Example("IBAN GB82 WEST 1234 5698 7654 32"),),
    )
    rules = [broken if r.id == iban.id else r for r in builtin_rules]
    failures = test_rules(rules)
    assert len(failures) == 2
    assert failures[0].startswith(f"rules/financial.yml:{iban.line}: spill.financial.iban: example ")
    assert "expected IBAN_CODE 'GB82 WEST 1234 5698 7654 33', got nothing" in failures[0]
    assert "negative example 'IBAN GB82 WEST 1234 5698 7654 32' produced IBAN_CODE" in failures[1]


def test_failing_document_examples_are_reported(builtin_rules: list[Rule]) -> None:
    rubric = next(r for r in builtin_rules if r.is_document_rule)
    named = next(ex for ex in rubric.examples if ex.value == "Anthropic")
    broken = dataclasses.replace(rubric, examples=(
        Example(named.text, "OpenAI"),                     # the wrong client
        Example("Quarterly payroll summary for contractors."),  # no rubric at all
    ), negative_examples=(Example(named.text),))
    failures = test_rules([broken if r.id == rubric.id else r for r in builtin_rules])
    assert [f.split(": ", 2)[2].split(" ", 1)[0] for f in failures] == ["example", "example", "negative"]
    assert failures[0].endswith("client 'Anthropic', expected 'OpenAI'")
    assert failures[1].endswith("not classified as LAB_RUBRIC")
    assert "classified as LAB_RUBRIC (" in failures[2]
