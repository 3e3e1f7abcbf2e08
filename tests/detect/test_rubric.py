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


# a day of vendor chat that talks about grading and calibration in passing, message by message
_CHAT_DAY = [
    ("Amara", "morning all, calibration session for the new raters is at 3pm"),
    ("Kwame", "reminder: gold answers for batch 12 are in the drive"),
    ("Amara", "several graders scored responses 1-7 too harshly yesterday"),
    ("Lena", "the reward model team wants the preference data by friday"),
    ("Kwame", "also please check which response is better on the flagged pairs"),
    ("Lena", "chain-of-thought tasks are paused until the helpfulness guide is updated"),
]
_RUBRIC_MESSAGE = ("Lena", "pasting the guideline: Confidential, prepared for OpenAI. Raters see a prompt and two "
                   "model responses, Response A and Response B. Choose the preferred response and rate each on "
                   "a 1-7 scale for helpfulness, honesty and harmlessness. Compare the final answer to the gold "
                   "answer; inter-annotator agreement is audited weekly.")


def _transcript(messages: list[tuple[str, str]]) -> str:
    return "\n".join(f"[12/03/2025, 10:{i:02d}] {who}: {text}" for i, (who, text) in enumerate(messages))


def test_a_chat_transcript_is_judged_message_by_message(classifier: RubricClassifier) -> None:
    talk = _transcript(_CHAT_DAY)
    assert classifier.classify(talk) is None
    assert classifier.classify(talk.replace("\n", " ")) is not None  # the same words as one document fire
    carried = classifier.classify(_transcript([*_CHAT_DAY, _RUBRIC_MESSAGE]))
    assert carried is not None and carried.client == "OpenAI"


def test_a_slack_day_is_judged_thread_by_thread(tmp_path: Path, detector) -> None:
    import json

    from scanners.document import DocumentScanner, ScanTask
    from scanners.extract.base import Limits
    from scanners.walk import sha256_file

    def scan(messages: list[tuple[str, str]]) -> list[str]:
        day = [{"type": "message", "user": f"U{i:03d}", "text": text, "ts": f"17400000{i:02d}.000100"}
               for i, (_who, text) in enumerate(messages)]
        path = tmp_path / "2025-03-12.json"
        path.write_text(json.dumps(day), encoding="utf-8")
        fs = bytes(path)
        results = DocumentScanner(detector, Limits()).scan(ScanTask(path.name, fs, sha256_file(fs), None, None))
        return [f.entity_type for r in results for f in r.findings if f.entity_type == "LAB_RUBRIC"]

    assert scan(_CHAT_DAY) == []
    assert scan([*_CHAT_DAY, _RUBRIC_MESSAGE]) == ["LAB_RUBRIC"]
