"""Inline labels: "Worker ID: QX-77-ab12" in text makes the value after the label the entity.

For every rule with ``labels`` (and ``label_inline``), :class:`InlineLabelRecognizer` finds
"Label: value", "Label = value", "Label #: value", "Label # value" and ``"label": "value"``
inside text. One pass over the text finds every ``:``/``=``/``#``; the words before it are
looked up among all rules' labels (longest first, normalized as ``labels.py`` says), so the
cost does not grow with the number of labels.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import regex
from presidio_analyzer import LocalRecognizer, RecognizerResult

from scanners.detect.labels import EMPTY_VALUES, LabelledRule, last_word, normalize_label
from scanners.detect.recognizers import recognizer_result
from scanners.detect.rules import Rule

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

#: Inline, with no ``label_value``: one token that holds a digit ("QX-77-ab12", "8812").
DEFAULT_INLINE_VALUE = r"(?=[\w\-/.#]*\d)[A-Za-z0-9](?:[\w\-/.#]*[A-Za-z0-9])?"
#: Most words looked back from a separator for a label.
MAX_LABEL_WORDS = 6

_SEPARATOR = re.compile(r"[ \t]*(?:[:=]|#(?=[ \t]*\w))[ \t]*[\"']?")
_SEPARATOR_AFTER_NON_DIGIT = re.compile(r"(?<![0-9])[ \t]*(?:[:=]|#(?=[ \t]*\w))[ \t]*[\"']?")
_WORDS = regex.compile(r"[\p{L}\p{N}'’]+|#")
_LABEL_TEXT = re.compile(r"^[\w .\-/#'’]+$")
_TRAILING_PAREN = re.compile(r"[ \t]*\([^()\n]{0,24}\)[ \t]*$")
_SKIP_BACK = frozenset(" \t\"'.")  # "." too: "Passport No.: …"


def _word_before(text: str, end: int) -> str:
    """The normalized last word before ``end`` (skipping quotes, spaces and one "(…)"), for a quick test."""
    j = end - 1
    while j >= 0 and text[j] in _SKIP_BACK:
        j -= 1
    if j >= 0 and text[j] == ")":
        opening = text.rfind("(", max(0, j - 25), j)
        if opening != -1:
            j = opening - 1
            while j >= 0 and text[j] in _SKIP_BACK:
                j -= 1
    k = j
    while k >= 0 and (text[k].isalnum() or text[k] == "#"):
        k -= 1
    return last_word(text[k + 1:j + 1]) if j > k else ""


class InlineLabelRecognizer(LocalRecognizer):
    """Inline "Label: value" for every rule with ``labels`` (and ``label_inline``); scores ``label_score``.

    One recognizer serves every labelled rule: each result names its rule under ``RULE_KEY``."""

    ANCHOR = "[:=]|#"
    RULE_KEY = "rule"

    def __init__(self, rules: Sequence[Rule]) -> None:
        self._rules = [r for r in rules if r.labels and r.label_inline]
        super().__init__(
            supported_entities=sorted({r.entity_type for r in self._rules}) or ["LABELLED_VALUE"],
            name="spill.labels",
        )
        self._by_label: dict[str, list[LabelledRule]] = {}
        self._last_words: set[str] = set()
        for rule in self._rules:
            value = rule.label_value or DEFAULT_INLINE_VALUE
            # a value followed by "[" or "(" is code (full_name: Iterable[str]), not a value
            entry = LabelledRule.of(rule, f"(?:{value})(?![\\w\\-\\[(])")
            for label in dict.fromkeys(normalize_label(lb) for lb in rule.labels):
                self._by_label.setdefault(label, []).append(entry)
            self._last_words.update(last_word(lb) for lb in rule.labels)
        # no label ends in a digit: skip the ":" of every timestamp in a log without looking back
        digit_label = any(lb.rstrip()[-1:].isdigit() for r in self._rules for lb in r.labels)
        self._separator = _SEPARATOR if digit_label else _SEPARATOR_AFTER_NON_DIGIT

    def load(self) -> None:
        """Nothing to load: no model, no files."""

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
    ) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        if not self._rules:
            return results
        last_words = self._last_words
        for sep in self._separator.finditer(text):
            start = sep.start()
            is_hash = text[sep.end() - 1] != "#" and "#" in sep.group()
            if not is_hash and _word_before(text, start) not in last_words:
                continue  # cheap test first: most ":" and "=" in code and prose follow no label
            head = text[max(0, start - 80):start]
            head = head[head.rfind("\x00") + 1:]  # never look back into a previous (joined) segment
            if sep.group().strip(" \t\"'").startswith("#"):
                head += " #"
            head = _TRAILING_PAREN.sub("", head.rstrip("\"' \t"))
            words = list(_WORDS.finditer(head))
            if not words or last_word(words[-1].group()) not in self._last_words:
                continue
            for k in range(min(MAX_LABEL_WORDS, len(words)), 0, -1):
                raw = head[words[-k].start():]
                label = normalize_label(raw)
                entries = self._by_label.get(label)
                if not entries or len(label) < 3 or not _LABEL_TEXT.match(raw):
                    continue  # "a[c] = 5" is code, not the label A/C
                for entry in entries:
                    match = entry.value_re.match(text, sep.end())
                    if not match:
                        continue
                    value = match.group()
                    if value.lower() in EMPTY_VALUES or not entry.check.accepts(value):
                        continue
                    rule = entry.rule
                    results.append(recognizer_result(self, match.start(), match.end(), rule.label_score,
                                                     entity=rule.entity_type, validated=True,
                                                     **{self.RULE_KEY: rule.id}))
                break  # the longest label that names a rule wins
        return results
