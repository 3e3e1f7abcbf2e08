"""The detection pipeline a worker runs: patterns everywhere, names only in text that can hold one.

``Detector.detect`` takes many segments of one document at once so spaCy sees them in one
``nlp.pipe`` batch. Pattern rules (YAML packs and Python recognizers, run through Presidio
recognizer classes by :class:`PatternDetector`) go first; PERSON spans that overlap a pattern
finding are dropped (an e-mail's local part is not a name); table columns whose header does
not name them are profiled (``columns.py``). What one batch of a document teaches the next (the
names it has named, its columns' values) lives in a :class:`DocumentState` that the caller
opens per document (``new_document``) and passes to every ``detect`` call for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scanners.detect import ner
from scanners.detect.columns import ColumnMemory, ColumnProfiler
from scanners.detect.names import KnownNames, NameMemory, NameOptions, PersonFinder
from scanners.detect.patterns import DEFAULT_THRESHOLD, PatternDetector
from scanners.detect.rubric import RubricClassifier
from scanners.detect.rules import Rule, load_rules
from spill.model import Category, Detection, DocumentDetection, Segment, Severity

PERSON_RULE = "spill.identity.person_ner"


@dataclass
class DocumentState:
    """What the detector remembers while it reads one document (file or archive member)."""

    names: NameMemory = field(default_factory=NameMemory)
    columns: ColumnMemory = field(default_factory=ColumnMemory)


class Detector:
    """Everything that turns segments into detections, loaded once per worker process.

    ``known_names``: the names the case already knows (the share's people), found wherever
    they occur in prose and accepted as one-word names; ``name_options`` switch parts of the
    name stage off for measurement."""

    def __init__(self, rules: Sequence[Rule], *, use_ner: bool = True, threshold: float = DEFAULT_THRESHOLD,
                 name_options: NameOptions | None = None, known_names: KnownNames | None = None):
        self.rules = list(rules)
        self.patterns = PatternDetector(self.rules)
        self.rubric = RubricClassifier(self.rules)
        self.use_ner = use_ner
        self.threshold = threshold
        self.persons = PersonFinder(name_options, known_names)
        self.columns = ColumnProfiler(self.rules)

    def warm_up(self) -> None:
        """Load the model now (a worker pays this once, before its first file)."""
        if self.use_ner:
            ner.load_nlp()
        self.detect([Segment("warm up: Jane Doe jane@example.com", prose=True)])

    def new_document(self) -> DocumentState:
        return DocumentState()

    def detect(self, segments: Sequence[Segment], document: DocumentState | None = None) -> list[list[Detection]]:
        """Detections for each segment (offsets relative to that segment's text)."""
        document = document or DocumentState()
        found = [
            [d for d in dets if d.score >= self.threshold]
            for dets in self.patterns.detect_batch([(seg.text, seg.context) for seg in segments])
        ]
        for seg, dets in zip(segments, found, strict=True):
            for d in dets:
                if d.entity_type == "PERSON":
                    document.names.learn(seg.text[d.start:d.end])
        self.columns.profile(segments, found, document.columns)
        if self.use_ner:
            wanted = [i for i, seg in enumerate(segments) if _worth_ner(seg)]
            spans = self.persons.find([segments[i].text for i in wanted],
                                      [[(d.start, d.end) for d in found[i]] for i in wanted], document.names)
            for i, person_spans in zip(wanted, spans, strict=True):
                found[i].extend(Detection("PERSON", start, end, score, PERSON_RULE, Category.IDENTITY, Severity.MEDIUM)
                                for start, end, score in person_spans)
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


def load_detector(rule_dirs: Sequence[Path] = (), *, use_ner: bool = True, name_options: NameOptions | None = None,
                  known_names: KnownNames | None = None) -> Detector:
    return Detector(load_rules(rule_dirs), use_ner=use_ner, name_options=name_options, known_names=known_names)
