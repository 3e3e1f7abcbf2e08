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

Overlaps: of detections that overlap, the best is kept — highest score (uncapped, so context
still ranks two certain matches), then validated, then longest (a card number inside an IBAN
loses to the IBAN).

Speed: the prefilter (``prefilter.py``) decides which rules can match at all; a pattern that
cannot reach the threshold without context (a bare 9-digit number) runs only when one of its
context words is in the segment or its header.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from presidio_analyzer import EntityRecognizer, RecognizerResult

from scanners.detect.inline_label import InlineLabelRecognizer
from scanners.detect.labels import EMPTY_VALUES, HeaderLabels, LabelledRule, context_words
from scanners.detect.literals import required_literals
from scanners.detect.prefilter import Prefilter
from scanners.detect.recognizers import VALIDATED, recognizer_class
from scanners.detect.rule_pattern import RulePatternRecognizer
from scanners.detect.rules import Rule
from scanners.detect.value_check import ValueCheck
from spill.model import Detection

#: Report a detection when its score reaches this (the export default; one value for every type).
DEFAULT_THRESHOLD = 0.5
#: Added to a score when a context word is near the match or names the segment.
CONTEXT_BOOST = 0.35
#: Added when a weak shape's context word directly precedes the value on its line ("TIN: 845-…",
#: "National ID No.: 2033…"): the label next to a value names it better than a phone word on the
#: line below.
ADJACENT_BOOST = 0.25
#: How far back on the line a directly preceding context word is looked for.
ADJACENT_CHARS = 48
#: Entity types that exist as rules but are off unless asked for (noise for a breach responder).
OFF_BY_DEFAULT = frozenset({"DATE_TIME", "ORGANIZATION", "NRP", "LOCATION", "URL", "UUID", "MAC_ADDRESS"})
#: Catch-all types a header can name ("Tax ID", "National ID"); a specific type that recognises the
#: same value (a CPF, an SSN, an Aadhaar number) says more, so in overlaps they rank as if at threshold.
GENERIC_TYPES = frozenset({"TAX_ID", "NATIONAL_ID"})
#: A labelled whole value longer than this is text, not a value.
MAX_LABELLED_VALUE = 64
#: ``detect_batch`` joins segments up to this long into chunks of about this many characters.
BATCH_SEGMENT_MAX = 2_000
BATCH_CHUNK_CHARS = 32_000
#: Between joined segments: a line break stops every pattern, NUL stops the label look-back.
SEGMENT_SEPARATOR = "\n\x00\n"
#: In a text this long, YAML-pattern rules run only within these many characters of their anchors
#: (a rule's anchor must lie within WINDOW_BEFORE characters after the start of each of its matches).
WINDOW_MIN_TEXT = 4_096
WINDOW_BEFORE = 256
WINDOW_AFTER = 512

#: Words as the context gate sees them: a context word's first word must be one of the text's.
_TOKEN = re.compile(r"[^\W_]+")


@dataclass(slots=True, eq=False)
class _Runner:
    """One recognizer to run for one rule, and what it needs before it is worth running."""

    rule: Rule
    recognizer: EntityRecognizer | None
    anchors: frozenset[int] | None  # None: run on every segment
    context_re: re.Pattern[str] | None
    floor: float
    needs_context: bool = False  # cannot reach the floor without a context word
    check: ValueCheck | None = None  # Python recognizers: the rule's validators/allow/deny
    accepts_context: bool = False  # analyze(..., context=header words)
    order: int = 0
    context_words: tuple[frozenset[str], ...] = ()  # each context word's tokens: the cheap text gate
    windowed: bool = False  # a YAML-pattern recognizer: in a long text, run only near its anchors
    adjacent_re: re.Pattern[str] | None = None  # a context word ending just before the value
    literals: frozenset[str] | None = None  # every match holds one of these (case-folded); None: no gate


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    score: float
    validated: bool
    runner: _Runner


@dataclass(slots=True)
class _Header:
    words: str
    labelled: tuple[LabelledRule, ...]
    context_hits: frozenset[int] = field(default_factory=frozenset)  # runner orders


def _context_alternation(words: Sequence[str]) -> str | None:
    """Any of the context words as a whole word, a multi-word one with any separator between its words."""
    alts = sorted({r"[\s_\-.]*".join(re.escape(p) for p in w.split()) for w in words if w.strip()},
                  key=len, reverse=True)
    return r"(?<![a-z0-9])(?:" + "|".join(alts) + ")" if alts else None


def _context_regex(words: Sequence[str]) -> re.Pattern[str] | None:
    alternation = _context_alternation(words)
    return re.compile(alternation + r"(?![a-z0-9])") if alternation else None


def _adjacent_regex(words: Sequence[str]) -> re.Pattern[str] | None:
    """A context word at the end of the text before a value, then only separators ("No.:", "#", "=")."""
    alternation = _context_alternation(words)
    if not alternation:
        return None
    return re.compile(alternation + r"(?:[\s.:#=()\-\u2013\u2014]|(?<![a-z0-9])(?:no|nr|num|number)(?![a-z0-9]))*$")



def _pattern_literals(recognizer: RulePatternRecognizer) -> frozenset[str] | None:
    """Literals one of which every match of any of the recognizer's patterns holds (None: some pattern has none)."""
    found: set[str] = set()
    for pattern in recognizer.patterns:
        literals = required_literals(pattern.regex)
        if literals is None:
            return None
        found |= literals
    return frozenset(found)


def _rank_score(c: _Candidate) -> float:
    return min(c.score, DEFAULT_THRESHOLD) if c.runner.rule.entity_type in GENERIC_TYPES else c.score


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
        pending: list[tuple[_Runner, str | None]] = []
        self._header_labels = HeaderLabels(self.rules)
        self._label_runners: dict[str, _Runner] = {}
        for rule in self.rules:
            ctx_re = _context_regex(rule.context)
            floor = max(threshold, rule.min_score or 0.0)
            if rule.patterns and not rule.recognizer:
                strong = [p for p in rule.patterns if p.score >= floor - 1e-9 and not rule.context_required]
                weak = [p for p in rule.patterns if p not in strong and p.score + CONTEXT_BOOST >= floor - 1e-9]
                for group, needs in ((strong, False), (weak, True)):
                    if group and (not needs or ctx_re is not None):
                        runner = _Runner(rule, RulePatternRecognizer(rule, group), None, ctx_re, floor, needs)
                        pending.append((runner, rule.anchor))
            if rule.recognizer:
                cls = recognizer_class(rule.recognizer)
                runner = _Runner(rule, cls(rule), None, ctx_re, floor, rule.context_required and ctx_re is not None,
                                 ValueCheck(rule), bool(getattr(cls, "ACCEPTS_CONTEXT", False)))
                pending.append((runner, rule.anchor or getattr(cls, "ANCHOR", None)))
            if rule.labels:
                self._label_runners[rule.id] = _Runner(rule, None, None, None, floor)
        if any(r.labels and r.label_inline for r in self.rules):
            inline = InlineLabelRecognizer(self.rules)
            pending.append((_Runner(self.rules[0], inline, None, None, threshold), InlineLabelRecognizer.ANCHOR))
        self._prefilter = Prefilter([a for _, a in pending if a])
        self._runners: list[_Runner] = []
        for order, (runner, anchor) in enumerate(pending):
            runner.anchors = self._prefilter.anchor_ids(anchor) if anchor else None
            runner.order = order
            runner.context_words = tuple(
                frozenset(_TOKEN.findall(w.lower())) for w in runner.rule.context if _TOKEN.findall(w.lower()))
            runner.windowed = isinstance(runner.recognizer, RulePatternRecognizer) and runner.anchors is not None
            if isinstance(runner.recognizer, RulePatternRecognizer):
                runner.literals = _pattern_literals(runner.recognizer)
            if runner.context_re is not None:
                runner.adjacent_re = _adjacent_regex(runner.rule.context)
            self._runners.append(runner)
        self._unanchored = [r for r in self._runners if r.anchors is None]
        self._always = bool(self._unanchored)
        self._by_anchor: dict[int, list[_Runner]] = {}
        for runner in self._runners:
            for anchor in runner.anchors or ():
                self._by_anchor.setdefault(anchor, []).append(runner)
        self._header = lru_cache(maxsize=4096)(self._header_info)

    # ------------------------------------------------------------------ detection
    def detect(self, text: str, context: str = "") -> list[Detection]:
        """Detections in ``text`` (offsets in ``text``) at or above the threshold, overlaps resolved."""
        if not text or text.isspace():
            return []
        return self._detect_joined([text], [context], text, [0])[0]

    def detect_batch(self, segments: Sequence[tuple[str, str]]) -> list[list[Detection]]:
        """``detect(text, context)`` for many segments at once, same results, much faster for short ones.

        Short segments (table cells, JSON fields) are joined with a separator no pattern crosses and
        scanned as one text, so the per-call cost is paid once per chunk instead of once per cell;
        context windows, header labels and overlaps stay per segment.
        """
        out: list[list[Detection]] = [[] for _ in segments]
        chunk: list[int] = []
        size = 0

        def flush() -> None:
            nonlocal size
            if chunk:
                texts = [segments[i][0] for i in chunk]
                starts, pos = [], 0
                for t in texts:
                    starts.append(pos)
                    pos += len(t) + len(SEGMENT_SEPARATOR)
                joined = SEGMENT_SEPARATOR.join(texts)
                found = self._detect_joined(texts, [segments[i][1] for i in chunk], joined, starts)
                for i, dets in zip(chunk, found, strict=True):
                    out[i] = dets
                chunk.clear()
                size = 0

        for i, (text, context) in enumerate(segments):
            if not text or text.isspace():
                continue
            if len(text) > BATCH_SEGMENT_MAX:
                out[i] = self.detect(text, context)
                continue
            chunk.append(i)
            size += len(text) + len(SEGMENT_SEPARATOR)
            if size >= BATCH_CHUNK_CHARS:
                flush()
        flush()
        return out

    def _detect_joined(self, texts: list[str], contexts: list[str], joined: str,
                       starts: list[int]) -> list[list[Detection]]:
        """Detect in ``len(texts)`` segments laid out in ``joined`` at ``starts`` (one segment: joined is it)."""
        n = len(texts)
        headers = [self._header(c) if c else None for c in contexts]
        per_seg: list[list[_Candidate]] = [[] for _ in range(n)]
        for k, header in enumerate(headers):
            if header is not None and header.labelled:
                per_seg[k].extend(self._labelled(texts[k], header.labelled))
        spots = self._prefilter.scan(joined)
        hits = spots.keys()
        if hits or self._always:
            runners = self._select(hits)
            distinct = {id(h): h for h in headers if h is not None}.values()
            header_ctx: set[int] = set().union(*(h.context_hits for h in distinct))
            words: set[str] | None = None
            folded: str | None = None
            for runner in runners:
                if runner.literals is not None:
                    if folded is None:
                        folded = joined.casefold()
                    if not any(lit in folded for lit in runner.literals):
                        continue  # no match can be here: the words every match holds are not
                if runner.needs_context and runner.order not in header_ctx:
                    if words is None:
                        words = set(_TOKEN.findall(joined.lower()))
                    # are all the words of some context word in the text? (the exact, windowed check
                    # of the whole context word is done per match later)
                    if not any(ws <= words for ws in runner.context_words):
                        continue
                windows = self._windows(runner, spots, len(joined)) if runner.windowed else None
                for k, cand in self._run_joined(runner, joined, texts, starts, headers, windows):
                    per_seg[k].append(cand)
        return [[self._detection(c) for c in self._resolve(cands)] if cands else [] for cands in per_seg]

    def _select(self, hits: Collection[int]) -> list[_Runner]:
        if not hits:
            return self._unanchored
        chosen = dict.fromkeys(self._unanchored)
        for anchor in hits:
            chosen.update(dict.fromkeys(self._by_anchor.get(anchor, ())))
        return list(chosen)

    @staticmethod
    def _windows(runner: _Runner, spots: Mapping[int, list[int] | None],
                 length: int) -> list[tuple[int, int]] | None:
        """The neighbourhoods of the runner's anchors in a long text; None: scan all of it."""
        if length < WINDOW_MIN_TEXT or runner.anchors is None:
            return None
        positions: list[int] = []
        for anchor in runner.anchors:
            found = spots.get(anchor, ())
            if found is None:
                return None
            positions.extend(found)
        windows: list[tuple[int, int]] = []
        covered = 0
        for pos in sorted(positions):
            lo, hi = max(0, pos - WINDOW_BEFORE), min(length, pos + WINDOW_AFTER)
            if windows and lo <= windows[-1][1]:
                covered += hi - windows[-1][1] if hi > windows[-1][1] else 0
                windows[-1] = (windows[-1][0], max(hi, windows[-1][1]))
            else:
                covered += hi - lo
                windows.append((lo, hi))
        return None if covered * 2 > length else windows

    def _run_joined(self, runner: _Runner, joined: str, texts: list[str], starts: list[int],
                    headers: list[_Header | None],
                    windows: list[tuple[int, int]] | None = None) -> list[tuple[int, _Candidate]]:
        if len(texts) == 1:
            return [(0, c) for c in self._run(runner, joined, headers[0], 0, len(joined), windows)]
        out = []
        assert runner.recognizer is not None
        if windows is not None:
            results = runner.recognizer.analyze(joined, [runner.rule.entity_type], None, windows=windows)
        elif runner.accepts_context:
            def segment_at(pos: int) -> tuple[int, int, str]:
                k = bisect_right(starts, pos) - 1
                header = headers[k]
                return starts[k], starts[k] + len(texts[k]), header.words if header else ""

            results = runner.recognizer.analyze(joined, [runner.rule.entity_type], None, segment_at=segment_at)
        else:
            results = runner.recognizer.analyze(joined, [runner.rule.entity_type], None)
        for res in results:
            k = bisect_right(starts, res.start) - 1
            seg_start = starts[k]
            seg_end = seg_start + len(texts[k])
            if res.end > seg_end:
                continue  # crossed into the next segment
            for cand in self._score([res], runner, joined, headers[k], seg_start, seg_end):
                cand.start -= seg_start
                cand.end -= seg_start
                out.append((k, cand))
        return out

    def _header_info(self, context: str) -> _Header:
        words = context_words(context)
        hits = frozenset(r.order for r in self._runners if r.context_re is not None and r.context_re.search(words))
        return _Header(words, self._header_labels.named_by(context), hits)

    def _labelled(self, text: str, labelled: Sequence[LabelledRule]) -> list[_Candidate]:
        """The whole of ``text`` as the entity of each rule its header names, when the value fits the rule."""
        value = text.strip()
        if not value or len(value) > MAX_LABELLED_VALUE or value.lower() in EMPTY_VALUES:
            return []
        start = len(text) - len(text.lstrip())
        found = []
        for entry in labelled:
            runner = self._label_runners[entry.rule.id]
            if (entry.rule.label_score >= runner.floor and entry.value_re.fullmatch(value)
                    and entry.check.accepts(value)):
                found.append(_Candidate(start, start + len(value), entry.rule.label_score, True, runner))
        return found

    def _run(self, runner: _Runner, text: str, header: _Header | None, lo: int, hi: int,
             windows: list[tuple[int, int]] | None = None) -> list[_Candidate]:
        assert runner.recognizer is not None
        if windows is not None:
            results: list[RecognizerResult] = runner.recognizer.analyze(
                text, [runner.rule.entity_type], None, windows=windows)
        elif runner.accepts_context:
            results = runner.recognizer.analyze(
                text, [runner.rule.entity_type], None, context=header.words if header else "")
        else:
            results = runner.recognizer.analyze(text, [runner.rule.entity_type], None)
        return self._score(results, runner, text, header, lo, hi) if results else []

    def _score(self, results: list[RecognizerResult], runner: _Runner, text: str, header: _Header | None,
               lo: int, hi: int) -> list[_Candidate]:
        """Candidates from recognizer results: rule checks, context boost (window kept in [lo, hi)), floor."""
        rule = runner.rule
        out = []
        for res in results:
            meta = res.recognition_metadata or {}
            if InlineLabelRecognizer.RULE_KEY in meta:  # inline labels: one recognizer for every labelled rule
                label_runner = self._label_runners[meta[InlineLabelRecognizer.RULE_KEY]]
                if res.score + 1e-9 >= label_runner.floor:
                    out.append(_Candidate(res.start, res.end, res.score, True, label_runner))
                continue
            if runner.check is not None and not runner.check.accepts(text[res.start:res.end]):
                continue
            score = res.score
            if runner.context_re is not None:
                if (header is not None and runner.order in header.context_hits) or self._near(
                        runner, text, res.start, res.end, lo, hi):
                    score += CONTEXT_BOOST  # uncapped while ranking overlaps; capped when reported
                    if (runner.needs_context or rule.context_required) and self._adjacent(runner, text, res.start, lo):
                        score += ADJACENT_BOOST
                elif rule.context_required:
                    continue
            if score + 1e-9 < runner.floor:
                continue
            out.append(_Candidate(res.start, res.end, score, bool(meta.get(VALIDATED)), runner))
        return out

    @staticmethod
    def _near(runner: _Runner, text: str, start: int, end: int, lo: int, hi: int) -> bool:
        w = runner.rule.context_window
        assert runner.context_re is not None
        return bool(runner.context_re.search(text[max(lo, start - w):min(hi, end + w)].lower()))

    @staticmethod
    def _adjacent(runner: _Runner, text: str, start: int, lo: int) -> bool:
        if runner.adjacent_re is None:
            return False
        before = text[max(lo, start - ADJACENT_CHARS):start]
        before = before[before.rfind("\n") + 1:]
        return bool(before) and runner.adjacent_re.search(before.lower()) is not None

    @staticmethod
    def _resolve(candidates: list[_Candidate]) -> list[_Candidate]:
        if len(candidates) == 1:
            return candidates
        ranked = sorted(
            candidates,
            key=lambda c: (-_rank_score(c), not c.validated, -(c.end - c.start), c.start, c.runner.order,
                           c.runner.rule.id),
        )
        # kept spans never overlap, so in start order their ends rise too: a candidate overlaps one
        # only if it overlaps the last kept span that starts before it ends (bisect: a window of a
        # dense log holds tens of thousands of candidates)
        kept: list[_Candidate] = []
        keys: list[tuple[int, int]] = []
        for cand in ranked:
            i = bisect_left(keys, (cand.end, -1))
            if i and kept[i - 1].end > cand.start:
                continue
            i = bisect_left(keys, (cand.start, cand.end))
            keys.insert(i, (cand.start, cand.end))
            kept.insert(i, cand)
        return kept

    @staticmethod
    def _detection(c: _Candidate) -> Detection:
        rule = c.runner.rule
        score = round(min(1.0, c.score), 4)
        return Detection(rule.entity_type, c.start, c.end, score, rule.id, rule.category, rule.severity)
