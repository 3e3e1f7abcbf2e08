"""The LAB_RUBRIC document classifier: realistic rubrics fire with their client; look-alikes do not."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanners.detect.rubric import RubricClassifier
from scanners.detect.rules import load_rules


@pytest.fixture(scope="module")
def classifier() -> RubricClassifier:
    return RubricClassifier(load_rules())


@pytest.mark.parametrize("text, client", [
    # an RLHF preference-annotation guideline naming its lab
    ("""Annotation Guidelines v3 — Confidential, prepared for OpenAI
    Raters see a prompt and two model responses, Response A and Response B. Choose the preferred response
    and rate each on a 1-7 scale for helpfulness, honesty and harmlessness. Flag hallucinated facts.
    Calibration: 10% of tasks are double-annotated; inter-annotator agreement is audited weekly.""", "OpenAI"),
    # a chain-of-thought grading playbook with gold answers, client through a codename map is unknown here
    ("""Project ORCHID — Grading playbook for math reasoning tasks
    Graders verify each reasoning step of the model's chain-of-thought and compare the final answer to the
    gold answer. Award full credit only when the final answer matches the gold answer; partial credit is
    1 point per valid step, maximum of 4 points.""", None),
    # an SFT writing spec for a lab that is not in the default list: named after 'prepared for'
    ("""SFT demonstration writing spec — prepared for Norrland Intelligence
    Writers produce ideal assistant responses to user prompts. Reviewers score each assistant response
    from 1 to 5 points on instruction-following and factual accuracy; responses that refuse a benign
    request are rejected. Do not share outside the program.""", "Norrland Intelligence"),
])
def test_rubric_fires_on_lab_rubrics(classifier: RubricClassifier, text: str, client: str | None) -> None:
    verdict = classifier.classify(text)
    assert verdict is not None and verdict.entity_type == "LAB_RUBRIC"
    assert verdict.client == client
    assert verdict.signals and 0.5 <= verdict.score < 1


@pytest.mark.parametrize("text", [
    # a university course rubric: scale and criteria, but students and essays, not model output
    """Course rubric, ENG 101. Each essay is scored on a 1-4 scale: 4 = excellent, 1 = poor. Criteria:
    thesis statement, organization, evidence, conventions. Teachers give students written feedback.""",
    # a marketing deck for a data vendor that names labs and training jargon
    """Why choose Lumen? Trusted by leading AI labs including Anthropic and Google DeepMind. We deliver RLHF,
    SFT and red-teaming data with a scalable workforce of 10,000 expert annotators. Book a demo.""",
    # a generic editorial style guide
    """Style guide. Use the serial comma. Prefer plain words. Headings in sentence case. Reviewers check
    grammar, tone and consistency before a document is published; rate of errors is tracked monthly.""",
    # an employee performance review form (a rating scale, but people not model output)
    """Annual performance review. Rate the employee on a 1-5 scale for communication, teamwork and
    ownership. Managers add comments and agree goals for next year.""",
])
def test_rubric_does_not_fire_on_look_alikes(classifier: RubricClassifier, text: str) -> None:
    assert classifier.classify(text) is None


def test_rubric_codename_map_from_user_rules_names_the_client(tmp_path: Path) -> None:
    # the responder's override of the built-in rule, as the README says: the same rule with a codename map
    builtin = (Path(__file__).resolve().parents[2] / "rules" / "lab_rubric.yml").read_text()
    assert "    codenames: {}" in builtin
    (tmp_path / "case.yml").write_text(builtin.replace("    codenames: {}", "    codenames: {ORCHID: Halvard Labs}"))
    classifier = RubricClassifier(load_rules([tmp_path]))
    verdict = classifier.classify("""Project ORCHID grading notes. Graders compare the final answer with the
    gold answer and check each reasoning step; no partial credit after the first wrong step.""")
    assert verdict is not None and verdict.client == "Halvard Labs" and "codename: ORCHID" in verdict.signals
