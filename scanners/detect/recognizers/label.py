"""Label-anchored values: "Worker ID: QX-77-ab12" in text, or any value under a "contractor_id" header.

A rule's ``labels`` are the names people give the field. Two uses:

* **header/key** (:func:`normalize_label`, used by the detector): when the segment's context
  (a CSV/XLSX column header, the last part of a JSON key path, a mail header name) is one of
  the labels, the whole trimmed value is the entity whatever its shape;
* **inline** (:class:`LabelRecognizer`): "Label: value" / "Label # value" / "Label = value"
  inside text; the value after the label is the entity.

Normalization: camelCase split, lowercase, parentheticals dropped, ``#``/``number``/``num``/``nr``
read as ``no``, then ``_ - : . /`` and spaces dropped — so "Contractor ID", "contractor_id",
"contractorId" and "CONTRACTOR-ID" are one label, and "Freelancer #" equals "freelancer_no"
but not "Freelancer" (a column of names).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import regex
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult

from scanners.detect.rules import Rule
from scanners.detect.value_check import ValueCheck

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

#: A labelled value with no rule-specific ``label_value``: one token-ish value (an inner space allowed).
DEFAULT_LABEL_VALUE = r"[^\s\"'<>]{1,64}(?: [^\s\"'<>]{1,64})?"
#: Inline, with no ``label_value``: one token that holds a digit ("QX-77-ab12", "8812").
DEFAULT_INLINE_VALUE = r"(?=[\w\-/.#]*\d)[A-Za-z0-9](?:[\w\-/.#]*[A-Za-z0-9])?"
#: Cell values that say "nothing here" rather than being a value.
EMPTY_VALUES = frozenset(
    "- -- --- ? n/a na n.a. none null nil tbd tba pending unknown redacted withheld "
    "not provided not applicable see above same as above 0 false true yes no".split(" ")
)

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_SPLIT = re.compile(r"[\s_\-:./\\]+")
_NUMBER_WORDS = frozenset({"no", "number", "num", "nr", "nbr"})
_PATH_SEP = re.compile(r"[./\\]|\[\d*\]")


def normalize_label(name: str) -> str:
    """``"Contractor ID"``, ``"contractor_id"``, ``"contractorId"`` → ``"contractorid"``; ``#`` → ``no``."""
    text = _PAREN.sub(" ", _CAMEL.sub(" ", name)).lower().replace("#", " no ")
    return "".join("no" if w in _NUMBER_WORDS else w for w in _SPLIT.split(text) if w)


def label_of_context(context: str) -> str:
    """The name in a context: a header as is; for a key path ("$.user.worker_id") its last key."""
    context = context.strip()
    if context and " " not in context and _PATH_SEP.search(context):
        parts = [p for p in _PATH_SEP.split(context) if p and not p.strip("$").isdigit() and p != "$"]
        if parts:
            return parts[-1]
    return context


def _label_regex(label: str) -> str:
    words = _SPLIT.split(label.lower().replace("#", " # ").strip())
    parts = []
    for word in words:
        if not word:
            continue
        if word == "#" or word in _NUMBER_WORDS:
            parts.append(r"(?:\#|no\.?|num(?:ber)?\.?|nr\.?)")
        else:
            parts.append(regex.escape(word))
    return r"[\s_\-.]*".join(parts)


def inline_label_regex(rule: Rule) -> str:
    labels = sorted({_label_regex(label) for label in rule.labels if label.strip()}, key=len, reverse=True)
    value = rule.label_value or DEFAULT_INLINE_VALUE
    return (
        r"(?i:(?<![\w])(?:" + "|".join(labels) + r")(?![a-z0-9]))"
        r"(?:[ \t]*\([^)\n]{0,20}\))?"  # "Contractor ID (internal): ..."
        r"(?:[ \t]*[:=][ \t]*|(?<=\#)[ \t]*|[ \t]*\t[ \t]*)"
        r"(?P<value>" + value + r")"
        r"(?![\w\-])"
    )


def inline_label_anchor(rule: Rule) -> str:
    """The first word of each label, case-insensitive: a cheap test before the full regex."""
    words = {w for label in rule.labels for w in _SPLIT.split(label.lower()) if w and w != "#"}
    firsts = set()
    for label in rule.labels:
        head = next((w for w in _SPLIT.split(label.lower()) if w and w != "#"), None)
        if head:
            firsts.add(regex.escape(head))
    return "(?i:" + "|".join(sorted(firsts or {regex.escape(w) for w in words})) + ")"


class LabelRecognizer(PatternRecognizer):
    """Inline "Label: value" for a rule's ``labels``; scores ``label_score``."""

    ANCHOR = None  # built per rule: see inline_label_anchor

    def __init__(self, rule: Rule) -> None:
        pattern = inline_label_regex(rule)
        super().__init__(
            supported_entity=rule.entity_type,
            name=f"{rule.id}#label",
            patterns=[Pattern("inline label", pattern, rule.label_score)],
            context=list(rule.context),
            global_regex_flags=0,
        )
        self._regex = regex.compile(pattern)
        self._score = rule.label_score
        self._check = ValueCheck(rule)

    def validate_result(self, pattern_text: str) -> bool | None:
        return self._check.validate(pattern_text)

    def invalidate_result(self, pattern_text: str) -> bool:
        return pattern_text.lower() in EMPTY_VALUES or self._check.invalidate(pattern_text)

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        results = []
        for match in self._regex.finditer(text):
            start, end = match.span("value")
            value = text[start:end]
            if self.invalidate_result(value) or self.validate_result(value) is False:
                continue
            results.append(RecognizerResult(
                self.supported_entities[0], start, end, self._score,
                recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name, "label": True},
            ))
        return results
