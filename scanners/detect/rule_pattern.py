"""The Presidio recognizer behind every YAML rule with ``patterns`` (built for each such rule, never named by one)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import regex
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult

from scanners.detect.recognizers import recognizer_result
from scanners.detect.rules import PatternSpec, Rule
from scanners.detect.value_check import ValueCheck

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts


@lru_cache(maxsize=1024)
def _compile(pattern: str) -> regex.Pattern[str]:
    return regex.compile(pattern)


#: A match this close to a window's end may have been cut by it: it is matched again on the full text.
_WINDOW_SLACK = 16


def _matches(compiled: regex.Pattern[str], text: str,
             windows: Sequence[tuple[int, int]] | None) -> Iterator[regex.Match[str]]:
    if windows is None:
        first = compiled.search(text)  # most texts have no match: skip building an iterator
        if first is not None:
            yield from compiled.finditer(text, first.start())
        return
    end = len(text)
    seen = -1
    for lo, hi in windows:
        lo = max(lo, seen)
        for match in compiled.finditer(text, lo, hi):
            if match.end() + _WINDOW_SLACK >= hi and hi < end:
                # the window may have cut this match short (or changed a look-ahead): redo it unwindowed
                for again in compiled.finditer(text, match.start()):
                    if again.start() >= hi:
                        break
                    seen = again.end()
                    yield again
                break
            seen = match.end()
            yield match


class RulePatternRecognizer(PatternRecognizer):
    """A YAML rule's patterns as a Presidio ``PatternRecognizer``.

    Differences from Presidio's own loop, on purpose: patterns are case-sensitive unless they
    say ``(?i)``; a ``(?P<value>…)`` group narrows the reported span; a match that passes the
    validators keeps its pattern's score (the YAML score already means "validated shape") instead
    of jumping to 1.0, so one threshold fits every rule; no explanation objects are built.
    """

    def __init__(self, rule: Rule, patterns: Sequence[PatternSpec] | None = None) -> None:
        specs = list(rule.patterns if patterns is None else patterns)
        super().__init__(
            supported_entity=rule.entity_type,
            name=rule.id,
            patterns=[Pattern(p.name, p.regex, p.score) for p in specs],
            context=list(rule.context),
            global_regex_flags=0,
        )
        self._compiled = [(p.score, c, "value" in c.groupindex) for p in specs for c in [_compile(p.regex)]]
        self._check = ValueCheck(rule)

    def validate_result(self, pattern_text: str) -> bool | None:
        return self._check.validate(pattern_text)

    def invalidate_result(self, pattern_text: str) -> bool:
        return self._check.invalidate(pattern_text)

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
        *,
        windows: Sequence[tuple[int, int]] | None = None,
    ) -> list[RecognizerResult]:
        """Matches in ``text``; with ``windows``, only matches that start inside one of them
        (``PatternDetector`` passes the neighbourhoods of the rule's anchors in a long text)."""
        results: list[RecognizerResult] = []
        for score, compiled, has_value in self._compiled:
            for match in _matches(compiled, text, windows):
                if has_value and match.start("value") >= 0:
                    start, end = match.span("value")
                else:
                    start, end = match.span()
                if start == end:
                    continue
                value = text[start:end]
                invalid = self.invalidate_result(value)
                validated = None if invalid else self.validate_result(value)
                if validated is not True and " " in value.strip() and self._check.has_validators:
                    # a spaced run ("GB82 WEST 1234 5698 7654 32 BIC") may have swallowed the next
                    # word: shorten it at a space until the validators pass
                    end = self._shorten(value, start)
                    if end is None:
                        continue
                    value, validated = text[start:end], True
                elif validated is False or invalid:
                    continue
                results.append(recognizer_result(self, start, end, score, validated=bool(validated)))
        return results

    def _shorten(self, value: str, start: int) -> int | None:
        cut = value.rstrip().rfind(" ")
        while cut > 0:
            head = value[:cut].rstrip()
            if not self.invalidate_result(head) and self.validate_result(head):
                return start + len(head)
            cut = head.rfind(" ")
        return None
