"""LAB_RUBRIC: is this document an AI lab's task rubric, annotation guideline or evaluation playbook?

A weighted-signal classifier whose vocabulary lives in YAML (``rules/lab_rubric.yml``, the
``rubric`` mapping of a LAB_RUBRIC rule, checked and compiled by ``rubric_spec.py`` when the
rule loads) so a responder can add the codenames and client names of their case without
touching code. Signal groups carry a weight and regexes; ``requires`` lists groups of which
at least one must fire in each set (a rubric grades *model output* with a *scale or
comparison*: a school essay rubric has the scale but not the model, a marketing deck has the
model vocabulary but no scale); negative groups subtract. One finding per document, with the
client lab (named outright, "prepared for X", or through a codename map) and the signals that
decided it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from scanners.detect.literals import LiteralGate
from scanners.detect.rubric_spec import RubricSpec
from scanners.detect.rules import Rule
from spill.model import DocumentDetection

MAX_TEXT = 200_000


class RubricClassifier:
    """Scores a document's text against every enabled document rule's signal vocabulary."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = [(r, r.rubric) for r in rules if r.rubric is not None and r.enabled]
        # a signal pattern is searched only in a text holding one of its literals (most documents hold few)
        self.gates = [[LiteralGate([p.pattern for p in group.patterns]) for group in spec.signals]
                      for _, spec in self.rules]

    def classify(self, text: str) -> DocumentDetection | None:
        """The best-scoring document verdict for ``text``, or None. A chat transcript (WhatsApp, IRC,
        a timestamped log of who said what) is judged message by message: talk about grading spread
        over a day of messages is not a rubric; one message that carries a rubric is."""
        text = text[:MAX_TEXT]
        units = chat_messages(text) or [text]
        best: DocumentDetection | None = None
        for unit in units:
            folded = unit.casefold()
            for (rule, spec), gates in zip(self.rules, self.gates, strict=True):
                verdict = _classify(rule, spec, unit, _Cues(spec, gates, unit, folded))
                if verdict is not None and (best is None or verdict.score > best.score):
                    best = verdict
        return best


#: The first line of a chat message: a timestamp, then who said it ("[12/03/2025, 10:14] Maria: …",
#: "2025-03-12 10:14:22 <maria> …", "[10:14] <maria> …", "12/03/25, 10:14 - Maria: …").
_MESSAGE_START = re.compile(
    r"^\[?(?:\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4},?[ T])?\d{1,2}:\d{2}(?::\d{2})?(?: ?[AaPp]\.?[Mm]\.?)?\]?"
    r"[ \t]*(?:-[ \t]*)?(?:<[^>\n]{1,40}>|[^:\n<>\[\]]{1,40}:)", re.MULTILINE)
#: A transcript has at least this many messages, and message lines are at least half its lines.
MIN_MESSAGES = 5


def chat_messages(text: str) -> list[str] | None:
    """The messages of a chat transcript (each with its continuation lines), or None for other text."""
    starts = [m.start() for m in _MESSAGE_START.finditer(text)]
    if len(starts) < MIN_MESSAGES:
        return None
    lines = sum(1 for line in text.splitlines() if line.strip())
    if len(starts) * 2 < lines:
        return None
    bounds = [*starts, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


class _Cues:
    """The cues each signal group finds in one text, searched for once and only when asked for."""

    def __init__(self, spec: RubricSpec, gates: list[LiteralGate], text: str, folded: str) -> None:
        self.spec, self.gates, self.text, self.folded = spec, gates, text, folded
        self.index = {group.name: i for i, group in enumerate(spec.signals)}
        self._found: dict[int, list[str]] = {}

    def of(self, i: int) -> list[str]:
        found = self._found.get(i)
        if found is None:
            group = self.spec.signals[i]
            found = []
            for pattern, could_match in zip(group.patterns, self.gates[i].open_for(self.folded), strict=True):
                m = pattern.search(self.text) if could_match else None
                if m:
                    found.append(" ".join(m.group(0).split())[:40])
            self._found[i] = found
        return found


def _classify(rule: Rule, spec: RubricSpec, text: str, cues: _Cues) -> DocumentDetection | None:
    # the groups a verdict requires first: most documents fire none of them, and then nothing else is searched
    for alternatives in spec.requires:
        if not any(cues.of(cues.index[name]) for name in alternatives):
            return None
    hits: dict[str, list[str]] = {}
    total = 0.0
    for i, group in enumerate(spec.signals):
        found = cues.of(i)
        if found:
            hits[group.name] = found
            # more distinct cues in one group count, but less than a new kind of cue
            total += group.weight * min(2.0, 1.0 + 0.5 * (len(found) - 1))
    if total < spec.threshold:
        return None
    client, client_signal = _client(spec, text)
    codename = _codename(spec, text)
    if client is None and codename is not None:
        client = spec.client_of_codename(codename)
    signals = [f"{name}: {', '.join(dict.fromkeys(cues))}" for name, cues in hits.items()
               if any(g.name == name and g.weight > 0 for g in spec.signals)]
    if client_signal:
        signals.append(client_signal)
    if codename:
        signals.append(f"codename: {codename}")
    score = min(0.99, 0.6 + (total - spec.threshold) / 40)
    return DocumentDetection(entity_type=rule.entity_type, score=round(score, 3), rule=rule.id,
                             category=rule.category, severity=rule.severity, client=client,
                             signals=tuple(signals))


def _client(spec: RubricSpec, text: str) -> tuple[str | None, str | None]:
    counts: dict[str, int] = {}
    for client in spec.clients:
        n = len(client.pattern.findall(text))
        if n:
            counts[client.name] = counts.get(client.name, 0) + n
    for pattern in spec.client_patterns:  # "prepared for X": a named client beats a passing mention
        m = pattern.search(text)
        if m:
            named = " ".join(m.group("client").split()).strip(" .,;:")
            for known in spec.clients:
                if known.pattern.search(named):
                    return known.name, f"client named: {named}"
            if named:
                return named, f"client named: {named}"
    if counts:
        name = max(counts, key=lambda k: counts[k])
        return name, f"client mentioned: {name} ×{counts[name]}"
    return None, None


def _codename(spec: RubricSpec, text: str) -> str | None:
    for known in spec.codenames:
        if known.pattern.search(text):
            return known.name
    for pattern in spec.codename_patterns:
        m = pattern.search(text)
        if m:
            return " ".join(m.group("codename").split())
    return None
