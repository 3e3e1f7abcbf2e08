"""The pattern stage: every enabled rule over one segment of text, fast, with context but without NLP.

``PatternDetector(rules).detect(text, context)`` returns the detections whose score reaches the
threshold, offsets in ``text``. ``context`` is what names the value (a CSV/XLSX column header,
a JSON key path such as ``user.profile.email``, a mail header name).

How a score is made (one threshold, :data:`DEFAULT_THRESHOLD`, fits every rule):

1. the pattern's ``score`` (the YAML score already means "this shape, validators passed");
2. ``+ CONTEXT_BOOST`` when one of the rule's context words is within ``context_window``
   characters of the match or in ``context`` (a rule with ``context_required`` is dropped
   without one) — like Presidio's context enhancer, but on characters, not spaCy lemmas;
3. a value whose header/key is one of the rule's ``labels`` scores ``label_score`` (0.85)
   whatever its shape; so does the value after an inline "Label:".

Overlaps: of detections that overlap, the best is kept — highest score, then validated,
then longest (a card number inside an IBAN loses to the IBAN). Speed: see ``prefilter.py``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

import regex
from presidio_analyzer import EntityRecognizer, RecognizerResult

from scanners.detect.prefilter import Prefilter
from scanners.detect.recognizers import recognizer_class
from scanners.detect.recognizers.label import (
    DEFAULT_LABEL_VALUE,
    EMPTY_VALUES,
    LabelRecognizer,
    inline_label_anchor,
    label_of_context,
    normalize_label,
)
from scanners.detect.recognizers.rule_pattern import VALIDATED, RulePatternRecognizer
from scanners.detect.rules import Rule
from scanners.detect.value_check import ValueCheck
from spill.model import Detection

#: Report a detection when its score reaches this (the export default; one value for every type).
DEFAULT_THRESHOLD = 0.5
#: Added to a score when a context word is near the match or names the segment.
CONTEXT_BOOST = 0.35
#: Entity types that exist as rules but are off unless asked for (noise for a breach responder).
OFF_BY_DEFAULT = frozenset({"DATE_TIME", "ORGANIZATION", "NRP", "LOCATION", "URL", "UUID", "MAC_ADDRESS"})
#: A labelled whole value longer than this is text, not a value.
MAX_LABELLED_VALUE = 64

_CTX_SPLIT = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|[_\-.\[\]/\\$:]+")


@dataclass(slots=True)
class _Runner:
    rule: Rule
    recognizer: EntityRecognizer
    anchors: frozenset[int] | None  # None: no anchor, run on every segment
    context_re: re.Pattern[str] | None
    check: ValueCheck | None  # for Python recognizers: the rule's validators/allow/deny
    accepts_context: bool
    floor: float
    is_label: bool = False


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    score: float
    validated: bool
    runner: _Runner


def _context_regex(words: Sequence[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    alts = sorted({r"[\s_\-.]*".join(re.escape(p) for p in w.split()) for w in words if w.strip()},
                  key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(alts) + r")(?![a-z0-9])")


def _context_words(context: str) -> str:
    """A header or key path as lowercase words: "user.payoutAccount_no" → "user payout account no"."""
    return " ".join(w for w in _CTX_SPLIT.split(context) if w).lower()


class PatternDetector:
    """Runs the pattern rules (YAML and Python recognizers) over segments of text."""

    def __init__(
        self,
        rules: Sequence[Rule],
        *,
        entities: Collection[str] | None = None,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        self.threshold = threshold
        self.rules = [
            r for r in rules
            if not r.is_document_rule
            and (r.entity_type in entities if entities is not None
                 else r.enabled and r.entity_type not in OFF_BY_DEFAULT)
        ]
        anchors: dict[str, int] = {}

        def anchor_id(pattern: str | None) -> frozenset[int] | None:
            if not pattern:
                return None
            return frozenset({anchors.setdefault(pattern, len(anchors))})

        self._runners: list[_Runner] = []
        self._by_label: dict[str, list[tuple[Rule, regex.Pattern[str], ValueCheck]]] = {}
        for rule in self.rules:
            ctx_re = _context_regex(rule.context)
            floor = max(threshold, rule.min_score or 0.0)
            if rule.patterns and not rule.recognizer:
                self._runners.append(_Runner(rule, RulePatternRecognizer(rule), anchor_id(rule.anchor),
                                             ctx_re, None, False, floor))
            if rule.recognizer:
                cls = recognizer_class(rule.recognizer)
                anchor = rule.anchor or getattr(cls, "ANCHOR", None)
                self._runners.append(_Runner(rule, cls(rule), anchor_id(anchor), ctx_re, ValueCheck(rule),
                                             bool(getattr(cls, "ACCEPTS_CONTEXT", False)), floor))
            if rule.labels:
                value_re = regex.compile(rule.label_value or DEFAULT_LABEL_VALUE)
                check = ValueCheck(rule)
                for label in rule.labels:
                    self._by_label.setdefault(normalize_label(label), []).append((rule, value_re, check))
                if rule.label_inline:
                    self._runners.append(_Runner(rule, LabelRecognizer(rule), anchor_id(inline_label_anchor(rule)),
                                                 None, None, False, floor, is_label=True))
        self._prefilter = Prefilter(list(anchors))
        self._order = {id(r): i for i, r in enumerate(self._runners)}
        self._header = lru_cache(maxsize=4096)(self._header_info)

    @property
    def entity_types(self) -> set[str]:
        return {r.entity_type for r in self.rules}

    # ------------------------------------------------------------------ detection
    def detect(self, text: str, context: str = "") -> list[Detection]:
        """Detections in ``text`` (offsets in ``text``) at or above the threshold, overlaps resolved."""
        if not text or text.isspace():
            return []
        header_words, label_rules = self._header(context) if context else ("", ())
        candidates: list[_Candidate] = []
        if label_rules:
            candidates.extend(self._labelled(text, label_rules))
        hits = self._prefilter.hits(text)
        for runner in self._runners:
            if runner.anchors is not None and not (runner.anchors & hits):
                continue
            candidates.extend(self._run(runner, text, context, header_words))
        if not candidates:
            return []
        return [self._detection(c) for c in self._resolve(candidates)]

    def _header_info(self, context: str) -> tuple[str, tuple[tuple[Rule, regex.Pattern[str], ValueCheck], ...]]:
        label = normalize_label(label_of_context(context))
        return _context_words(context), tuple(self._by_label.get(label, ()))

    def _labelled(
        self, text: str, label_rules: Sequence[tuple[Rule, regex.Pattern[str], ValueCheck]]
    ) -> list[_Candidate]:
        value = text.strip()
        if not value or len(value) > MAX_LABELLED_VALUE or value.lower() in EMPTY_VALUES:
            return []
        start = text.index(value)
        found = []
        for rule, value_re, check in label_rules:
            if value_re.fullmatch(value) and check.accepts(value):
                runner = _Runner(rule, None, None, None, None, False,  # type: ignore[arg-type]
                                 max(self.threshold, rule.min_score or 0.0), is_label=True)
                if rule.label_score >= runner.floor:
                    found.append(_Candidate(start, start + len(value), rule.label_score, True, runner))
        return found

    def _run(self, runner: _Runner, text: str, context: str, header_words: str) -> list[_Candidate]:
        rule = runner.rule
        if runner.accepts_context:
            results: list[RecognizerResult] = runner.recognizer.analyze(text, [rule.entity_type], None,
                                                                        context=header_words)
        else:
            results = runner.recognizer.analyze(text, [rule.entity_type], None)
        out = []
        header_hit: bool | None = None
        for res in results:
            score = res.score
            if not runner.is_label:
                if runner.check is not None and not runner.check.accepts(text[res.start:res.end]):
                    continue
                if runner.context_re is not None:
                    if header_hit is None:
                        header_hit = bool(header_words) and bool(runner.context_re.search(header_words))
                    if header_hit or self._near(runner, text, res.start, res.end):
                        score += CONTEXT_BOOST  # uncapped while ranking overlaps; capped when reported
                    elif rule.context_required:
                        continue
                elif rule.context_required:
                    continue
            if score + 1e-9 < runner.floor:
                continue
            meta = res.recognition_metadata or {}
            out.append(_Candidate(res.start, res.end, score, bool(meta.get(VALIDATED)), runner))
        return out

    @staticmethod
    def _near(runner: _Runner, text: str, start: int, end: int) -> bool:
        w = runner.rule.context_window
        assert runner.context_re is not None
        return bool(runner.context_re.search(text[max(0, start - w):end + w].lower()))

    def _resolve(self, candidates: list[_Candidate]) -> list[_Candidate]:
        if len(candidates) == 1:
            return candidates
        ranked = sorted(
            candidates,
            key=lambda c: (-round(c.score, 6), not c.validated, -(c.end - c.start), c.start,
                           self._order.get(id(c.runner), -1), c.runner.rule.id),
        )
        kept: list[_Candidate] = []
        for cand in ranked:
            if any(cand.start < k.end and k.start < cand.end for k in kept):
                continue
            kept.append(cand)
        kept.sort(key=lambda c: (c.start, c.end))
        return kept

    @staticmethod
    def _detection(c: _Candidate) -> Detection:
        rule = c.runner.rule
        score = round(min(1.0, c.score), 4)
        return Detection(rule.entity_type, c.start, c.end, score, rule.id, rule.category, rule.severity)
