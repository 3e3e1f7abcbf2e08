"""The rule loader: file:line error messages, user rules added to and replacing the built-ins."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from scanners.detect.patterns import PatternDetector
from scanners.detect.rules import load_rules, parse_rules
from spill.errors import RuleError

GOOD = """\
- id: acme.contractor.id
  entity_type: CONTRACTOR_ID
  category: contractor
  severity: high
  patterns:
    - {name: acme worker id, regex: '\\bAW-\\d{6}-[A-Z]\\b', score: 0.7}
  examples:
    - {text: 'Paid AW-004512-K on Friday', value: AW-004512-K}
  negative_examples:
    - 'AW-12-K'   # too short
"""


def _write(tmp_path: Path, text: str, name: str = "mine.yml") -> Path:
    (tmp_path / name).write_text(textwrap.dedent(text))
    return tmp_path / name


def _error(tmp_path: Path, text: str) -> str:
    path = _write(tmp_path, text)
    with pytest.raises(RuleError) as err:
        load_rules([tmp_path])
    return str(err.value).replace(str(path), "mine.yml")


def test_loader_reports_malformed_yaml_with_its_line(tmp_path: Path) -> None:
    text = GOOD.replace("  severity: high\n", "  severity: [high\n")
    assert _error(tmp_path, text).startswith("mine.yml:5: malformed YAML: ")


def test_loader_reports_unknown_key_with_its_line(tmp_path: Path) -> None:
    text = GOOD.replace("  severity: high\n", "  sevrity: high\n")
    assert _error(tmp_path, text) == "mine.yml:4: unknown key 'sevrity' (did you mean 'severity'?)"


def test_loader_reports_bad_regex_with_its_line(tmp_path: Path) -> None:
    text = GOOD.replace("regex: '\\bAW-\\d{6}-[A-Z]\\b'", "regex: '\\bAW-(\\d{6}'")
    message = _error(tmp_path, text)
    assert message.startswith("mine.yml:6: bad regex in pattern 'acme worker id': missing )")


def test_loader_reports_unknown_validator_with_its_line(tmp_path: Path) -> None:
    text = GOOD.replace("  examples:\n", "  validators: [luhn, lunh]\n  examples:\n")
    assert _error(tmp_path, text).startswith("mine.yml:7: unknown validator 'lunh' (known: ")


def test_loader_reports_unknown_validator_on_its_own_line(tmp_path: Path) -> None:
    text = GOOD.replace("  examples:\n", "  validators:\n    - luhn\n    - nope\n  examples:\n")
    assert _error(tmp_path, text).startswith("mine.yml:9: unknown validator 'nope'")


def test_loader_reports_missing_key(tmp_path: Path) -> None:
    text = GOOD.replace("  category: contractor\n", "")
    assert _error(tmp_path, text) == "mine.yml:1: rule 'acme.contractor.id' is missing 'category'"


def test_loader_refuses_a_rule_without_examples(tmp_path: Path) -> None:
    text = GOOD.split("  examples:")[0] + "  examples: []\n"
    assert _error(tmp_path, text) == ("mine.yml:7: rule 'acme.contractor.id' has no examples; "
                                      "add at least one {text, value} it must match")


def test_loader_reports_unknown_recognizer(tmp_path: Path) -> None:
    text = GOOD.replace("  patterns:\n    - {name: acme worker id, regex: '\\bAW-\\d{6}-[A-Z]\\b', score: 0.7}\n",
                        "  recognizer: telepathy\n")
    assert _error(tmp_path, text) == ("mine.yml:5: unknown recognizer 'telepathy' "
                                      "(no scanners/detect/recognizers/telepathy.py)")


def test_loader_reports_bad_category_and_score(tmp_path: Path) -> None:
    assert _error(tmp_path, GOOD.replace("category: contractor", "category: people")).startswith(
        "mine.yml:3: unknown category 'people' (one of: identity, contact")
    assert _error(tmp_path, GOOD.replace("score: 0.7", "score: 7")) == \
        "mine.yml:6: 'score' must be a number from 0 to 1"


def test_loader_reports_a_file_that_is_not_a_list(tmp_path: Path) -> None:
    assert _error(tmp_path, "id: x.y\n").startswith("mine.yml:1: a rule file is a YAML list of rules")


def test_loader_reports_duplicate_ids_in_one_directory(tmp_path: Path) -> None:
    _write(tmp_path, GOOD, "a.yml")
    path = _write(tmp_path, GOOD, "b.yml")
    with pytest.raises(RuleError) as err:
        load_rules([tmp_path])
    assert str(err.value) == f"{path}:1: duplicate rule id 'acme.contractor.id' (also in {tmp_path / 'a.yml'}:1)"


def test_loader_adds_user_rules_after_the_builtins(tmp_path: Path) -> None:
    _write(tmp_path, GOOD)
    rules = load_rules([tmp_path])
    assert rules[-1].id == "acme.contractor.id"
    assert rules[-1].source == str(tmp_path / "mine.yml")
    assert len(rules) == len(load_rules()) + 1
    detections = PatternDetector(rules).detect("Paid AW-004512-K on Friday")
    assert [(d.entity_type, d.rule) for d in detections] == [("CONTRACTOR_ID", "acme.contractor.id")]


def test_user_rule_with_a_builtin_id_replaces_it(tmp_path: Path) -> None:
    # the built-in AWS rule reports this key; a user's replacement (same id) allows it
    _write(tmp_path, """\
        - id: spill.credential.aws_access_key
          entity_type: AWS_ACCESS_KEY
          category: credential
          severity: critical
          patterns: [{name: aws key id, regex: '\\b(?:AKIA|ASIA)[A-Z2-7]{16}\\b', score: 0.9}]
          allow: [AKIAQ3EGRJSN7VX4ZP2M]   # our own honeypot key
          examples: [{text: 'key ASIAY34FZKBOKMUTVV7A', value: ASIAY34FZKBOKMUTVV7A}]
        """)
    text = "aws_access_key_id = AKIAQ3EGRJSN7VX4ZP2M"
    assert [d.entity_type for d in PatternDetector(load_rules()).detect(text)] == ["AWS_ACCESS_KEY"]
    rules = load_rules([tmp_path])
    assert sum(r.id == "spill.credential.aws_access_key" for r in rules) == 1
    assert PatternDetector(rules).detect(text) == []


def test_builtin_rules_come_from_the_rules_package(builtin_rules) -> None:
    sources = {r.source for r in builtin_rules}
    assert "rules/financial.yml" in sources and "rules/credential.yml" in sources


def test_rules_are_frozen(builtin_rules) -> None:
    with pytest.raises(AttributeError):
        builtin_rules[0].severity = "low"


def test_vendor_contractor_example_file_is_a_valid_rule_file() -> None:
    example = Path(__file__).resolve().parents[2] / "rules" / "examples" / "vendor_contractor_id.yml.example"
    rules = parse_rules(example.read_text(), str(example))
    assert [r.entity_type for r in rules] == ["CONTRACTOR_ID"]


def test_loader_rejects_a_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="not a directory"):
        load_rules([tmp_path / "nope"])
