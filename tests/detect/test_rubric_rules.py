"""A rule's ``rubric`` mapping is checked when the rule loads: every mistake is one ``file:line:`` error."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from scanners.detect.rubric import RubricClassifier
from scanners.detect.rubric_spec import RubricSpec
from scanners.detect.rules import load_rules
from spill.errors import RuleError

HEAD = """\
- id: acme.lab.rubric
  entity_type: LAB_RUBRIC
  category: lab_ip
  severity: high
  rubric:
"""
GOOD_RUBRIC = """\
    threshold: 4
    requires: [scale, [model, gold]]
    signals:
      scale: {weight: 2, patterns: ['\\b1-5 scale\\b']}
      model:
        weight: 3
        patterns:
          - '\\bmodel responses?\\b'
      gold: {patterns: ['\\bgold answer\\b']}
      school: {weight: -5, patterns: ['\\bstudents?\\b']}
    clients: {Halvard Labs: [Halvard, HVL]}
    client_patterns: ['prepared for (?-i:(?P<client>[A-Z]\\w+))']
    codenames: {ORCHID: Halvard Labs}
    codename_patterns: ['(?-i:Project (?P<codename>[A-Z]{3,}))']
"""
TAIL = """\
  examples: [{text: 'Rate model responses on a 1-5 scale. Project ORCHID.', value: Halvard Labs}]
"""


def _write(directory: Path, rubric: str) -> Path:
    directory.mkdir(exist_ok=True)
    path = directory / "vendor.yml"
    path.write_text(HEAD + textwrap.indent(textwrap.dedent(rubric), "    ") + TAIL)
    return path


def _error(tmp_path: Path, rubric: str) -> str:
    path = _write(tmp_path / "rules", rubric)
    with pytest.raises(RuleError) as err:
        load_rules([path.parent])
    return str(err.value).replace(str(path), "vendor.yml")


def test_a_good_rubric_loads_as_a_spec_the_classifier_runs(tmp_path: Path) -> None:
    path = _write(tmp_path / "rules", GOOD_RUBRIC)
    rule = load_rules([path.parent])[-1]
    assert isinstance(rule.rubric, RubricSpec) and rule.is_document_rule
    assert [(g.name, g.weight) for g in rule.rubric.signals] == [
        ("scale", 2.0), ("model", 3.0), ("gold", 1.0), ("school", -5.0)]
    assert rule.rubric.requires == (("scale",), ("model", "gold"))
    verdict = RubricClassifier([rule]).classify("Rate the model responses on a 1-5 scale. Project ORCHID.")
    assert verdict is not None and verdict.client == "Halvard Labs" and "codename: ORCHID" in verdict.signals
    assert RubricClassifier([rule]).classify("Students rate model responses on a 1-5 scale.") is None


@pytest.mark.parametrize("rubric, message", [
    # a misspelt key, in the rubric and in a signal group: the key's own line, with a suggestion
    (GOOD_RUBRIC.replace("threshold:", "treshold:"), "vendor.yml:6: unknown key 'treshold' in rubric "
                                                     "(did you mean 'threshold'?)"),
    (GOOD_RUBRIC.replace("        weight: 3", "        wieght: 3"),
     "vendor.yml:11: unknown key 'wieght' in rubric signal 'model' (did you mean 'weight'?)"),
    # a bad regex, a regex that is not a string, an empty one: the line of the item
    (GOOD_RUBRIC.replace("'\\bmodel responses?\\b'", "'\\bmodel (responses?\\b'"),
     "vendor.yml:13: bad regex in rubric signal 'model': missing )"),
    (GOOD_RUBRIC.replace("'\\bmodel responses?\\b'", "42"), "vendor.yml:13: rubric signal 'model' must be a "
                                                            "regex string, not int"),
    (GOOD_RUBRIC.replace("'\\bgold answer\\b'", "''"), "vendor.yml:14: an empty regex in rubric signal 'gold' "
                                                       "would match every document"),
    # wrong types
    (GOOD_RUBRIC.replace("threshold: 4", "threshold: high"), "vendor.yml:6: 'threshold' must be a number"),
    (GOOD_RUBRIC.replace("weight: -5", "weight: lots"), "vendor.yml:15: 'weight' must be a number from -100 to 100"),
    (GOOD_RUBRIC.replace("gold: {patterns: ['\\bgold answer\\b']}", "gold: '\\bgold answer\\b'"),
     "vendor.yml:14: 'gold' must be a mapping (a signal group: weight, patterns)"),
    (GOOD_RUBRIC.replace("gold: {patterns: ['\\bgold answer\\b']}", "gold: {weight: 2}"),
     "vendor.yml:14: signal group 'gold' needs 'patterns'"),
    (GOOD_RUBRIC.replace("codenames: {ORCHID: Halvard Labs}", "codenames: [ORCHID]"),
     "vendor.yml:18: 'codenames' must be a mapping ({CODENAME: client})"),
    (GOOD_RUBRIC.replace("[Halvard, HVL]", "{name: Halvard}"),
     "vendor.yml:16: client 'Halvard Labs' takes an alias or a list of aliases"),
    # a required group that does not exist, a client pattern without its named group
    (GOOD_RUBRIC.replace("[model, gold]", "[model, golden]"),
     "vendor.yml:7: 'requires' names unknown signal groups ['golden'] (known: gold, model, scale, school)"),
    (GOOD_RUBRIC.replace("(?P<client>", "(?P<lab>"), "vendor.yml:17: client_patterns pattern "),
    (GOOD_RUBRIC.replace("(?P<codename>", "("), "vendor.yml:19: codename_patterns pattern "),
    # no signals at all, or a rubric that is not a mapping
    ("threshold: 4\n", "vendor.yml:6: rubric needs 'signals'"),
    ("[scale, model]\n", "vendor.yml:5: 'rubric' must be a mapping"),
])
def test_a_malformed_rubric_is_a_rule_error_at_its_line(tmp_path: Path, rubric: str, message: str) -> None:
    assert _error(tmp_path, rubric).startswith(message)


def test_a_lab_rubric_rule_needs_a_rubric(tmp_path: Path) -> None:
    (tmp_path / "vendor.yml").write_text(HEAD.replace("  rubric:\n", "  patterns: [{regex: x, score: 1}]\n") + TAIL)
    with pytest.raises(RuleError, match=r"vendor.yml:1: rule 'acme.lab.rubric' finds LAB_RUBRIC documents: "
                                        r"it needs a 'rubric' mapping"):
        load_rules([tmp_path])


def _spill(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "spill.cli", *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("command", ["rules test", "scan"])
def test_cli_stops_on_a_malformed_rubric_with_one_line(tmp_path: Path, command: str) -> None:
    # before the rubric was checked in the loader, this failed inside every scan worker with a traceback
    path = _write(tmp_path / "my-rules", GOOD_RUBRIC.replace("'\\bgold answer\\b'", "'\\bgold (answer\\b'"))
    share = tmp_path / "share"
    share.mkdir()
    (share / "guide.txt").write_text("Rate the model responses on a 1-5 scale.\n")
    args = ["scan", str(share), "--case", str(tmp_path / "case.db"), "--no-ner"] if command == "scan" else \
        ["rules", "test"]
    done = _spill(*args, "--rules", str(path.parent))
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"spill: error: {path}:14: bad regex in rubric signal 'gold': missing ) at position 16"]
    assert not (tmp_path / "case.db").exists()
