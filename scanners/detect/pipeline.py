"""The detection pipeline a worker runs: patterns everywhere, NER only on text that can hold a name.

``Detector.detect`` takes many segments at once so spaCy sees them in one ``nlp.pipe``
batch. Pattern rules (YAML packs and Python recognizers, run through Presidio
recognizer classes by :class:`PatternDetector`) go first; PERSON spans that overlap a
pattern finding are dropped (an e-mail's local part is not a name).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from scanners.detect import ner
from scanners.detect.patterns import DEFAULT_THRESHOLD, PatternDetector
from scanners.detect.rubric import RubricClassifier
from scanners.detect.rules import Rule, load_rules
from spill.model import Category, Detection, DocumentDetection, Segment, Severity

PERSON_RULE = "spill.identity.person_ner"


class Detector:
    """Everything that turns segments into detections, loaded once per worker process."""

    def __init__(self, rules: Sequence[Rule], *, use_ner: bool = True, threshold: float = DEFAULT_THRESHOLD):
        self.rules = list(rules)
        self.patterns = PatternDetector(self.rules)
        self.rubric = RubricClassifier(self.rules)
        self.use_ner = use_ner
        self.threshold = threshold

    def warm_up(self) -> None:
        """Load the model now (a worker pays this once, before its first file)."""
        if self.use_ner:
            ner.load_nlp()
        self.detect([Segment("warm up: Jane Doe jane@example.com", prose=True)])

    def detect(self, segments: Sequence[Segment]) -> list[list[Detection]]:
        """Detections for each segment (offsets relative to that segment's text)."""
        found = [
            [d for d in dets if d.score >= self.threshold]
            for dets in self.patterns.detect_batch([(seg.text, seg.context) for seg in segments])
        ]
        if self.use_ner:
            wanted = [i for i, seg in enumerate(segments) if _worth_ner(seg)]
            spans = ner.find_persons([segments[i].text for i in wanted])
            for i, person_spans in zip(wanted, spans, strict=True):
                taken = [(d.start, d.end) for d in found[i]]
                for start, end in person_spans:
                    if any(s < end and start < e for s, e in taken):
                        continue
                    found[i].append(Detection("PERSON", start, end, ner.PERSON_SCORE, PERSON_RULE,
                                              Category.IDENTITY, Severity.MEDIUM))
        return found

    def classify(self, text: str, path: str) -> DocumentDetection | None:
        """The document-level verdict (LAB_RUBRIC) for a document's text; ``path`` is not read."""
        return self.rubric.classify(text)


def _worth_ner(seg: Segment) -> bool:
    if seg.prose is False:
        return False
    text = seg.text
    if len(text) < 4 or not ner.could_hold_name(text):
        return False
    if seg.context and (seg.context == text or ner.field_is_not_a_person(seg.context)):
        return False  # a header cell, or a column of cities, banks, companies…
    if seg.locator.get("column") == text:
        return False  # the header row of a table
    # codes, hashes, base64 and numbers: no spaces and few lowercase letters
    return " " in text.strip() or seg.prose is True


def load_detector(rule_dirs: Sequence[Path] = (), *, use_ner: bool = True) -> Detector:
    return Detector(load_rules(rule_dirs), use_ner=use_ner)
