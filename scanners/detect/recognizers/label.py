"""Label-anchored values: "Worker ID: QX-77-ab12" in text, or any value under a "contractor_id" header.

A rule's ``labels`` are the names people give the field. Two uses:

* **header/key** (:func:`normalize_label`, used by the detector): when the segment's context
  (a CSV/XLSX column header, the last key of a JSON path, a mail header name) is one of the
  labels, the whole trimmed value is the entity whatever its shape;
* **inline** (:class:`LabelRecognizer`): "Label: value", "Label = value", "Label #: value",
  "Label # value", ``"label": "value"`` inside text; the value after the label is the entity.
  One pass over the text finds every ``:``/``=``/``#``; the words before it are looked up among
  all rules' labels (longest first), so the cost does not grow with the number of labels.

Normalization: camelCase split, lowercase, parentheticals dropped, ``#``/``number``/``num``/``nr``
read as ``no``, then ``_ - : . /`` and spaces dropped — so "Contractor ID", "contractor_id",
"contractorId" and "CONTRACTOR-ID" are one label, and "Freelancer #" equals "freelancer_no"
but not "Freelancer" (a column of names).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import regex
from presidio_analyzer import LocalRecognizer, RecognizerResult

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
#: Most words looked back from a separator for a label.
MAX_LABEL_WORDS = 6

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_SPLIT = re.compile(r"[\s_\-:./\\]+")
_NUMBER_WORDS = frozenset({"no", "number", "num", "nr", "nbr"})
_PATH_SEP = re.compile(r"[./\\]|\[\d*\]")
_SEPARATOR = re.compile(r"[ \t]*(?:[:=]|#(?=[ \t]*\w))[ \t]*[\"']?")
_SEPARATOR_AFTER_NON_DIGIT = re.compile(r"(?<![0-9])[ \t]*(?:[:=]|#(?=[ \t]*\w))[ \t]*[\"']?")
_WORDS = regex.compile(r"[\p{L}\p{N}'’]+|#")
_LABEL_TEXT = re.compile(r"^[\w .\-/#'’]+$")
_TRAILING_PAREN = re.compile(r"[ \t]*\([^()\n]{0,24}\)[ \t]*$")


@lru_cache(maxsize=16384)
def normalize_label(name: str) -> str:
    """``"Contractor ID"``, ``"contractor_id"``, ``"contractorId"`` → ``"contractorid"``; ``#`` → ``no``."""
    text = _PAREN.sub(" ", _CAMEL.sub(" ", name)).lower().replace("#", " no ")
    return "".join("no" if w in _NUMBER_WORDS else w for w in _SPLIT.split(text) if w)


@lru_cache(maxsize=16384)
def _last_word(name: str) -> str:
    words = [w for w in _SPLIT.split(_CAMEL.sub(" ", name).lower().replace("#", " no ")) if w]
    last = words[-1] if words else ""
    return "no" if last in _NUMBER_WORDS else last


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
    return _last_word(text[k + 1:j + 1]) if j > k else ""


def label_of_context(context: str) -> str:
    """The name in a context: a header as is; for a key path ("$.user.worker_id") its last key."""
    context = context.strip()
    if context and " " not in context and _PATH_SEP.search(context):
        parts = [p for p in _PATH_SEP.split(context) if p and not p.strip("$").isdigit() and p != "$"]
        if parts:
            return parts[-1]
    return context


class LabelRecognizer(LocalRecognizer):
    """Inline "Label: value" for every rule with ``labels`` (and ``label_inline``); scores ``label_score``."""

    ANCHOR = "[:=]|#"
    RULE_KEY = "rule"

    def __init__(self, rules: Sequence[Rule]) -> None:
        self._rules = [r for r in rules if r.labels and r.label_inline]
        super().__init__(
            supported_entities=sorted({r.entity_type for r in self._rules}) or ["LABELLED_VALUE"],
            name="spill.labels",
        )
        self._by_label: dict[str, list[tuple[Rule, regex.Pattern[str], ValueCheck]]] = {}
        self._last_words: set[str] = set()
        for rule in self._rules:
            value = rule.label_value or DEFAULT_INLINE_VALUE
            # a value followed by "[" or "(" is code (full_name: Iterable[str]), not a value
            entry = (rule, regex.compile(f"(?:{value})(?![\\w\\-\\[(])"), ValueCheck(rule))
            for label in dict.fromkeys(normalize_label(lb) for lb in rule.labels):
                self._by_label.setdefault(label, []).append(entry)
            self._last_words.update(_last_word(lb) for lb in rule.labels)
        # no label ends in a digit: skip the ":" of every timestamp in a log without looking back
        digit_label = any(lb.rstrip()[-1:].isdigit() for r in self._rules for lb in r.labels)
        self._separator = _SEPARATOR if digit_label else _SEPARATOR_AFTER_NON_DIGIT

    def load(self) -> None:
        pass

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
            if not words or _last_word(words[-1].group()) not in self._last_words:
                continue
            for k in range(min(MAX_LABEL_WORDS, len(words)), 0, -1):
                raw = head[words[-k].start():]
                label = normalize_label(raw)
                entries = self._by_label.get(label)
                if not entries or len(label) < 3 or not _LABEL_TEXT.match(raw):
                    continue  # "a[c] = 5" is code, not the label A/C
                for rule, value_re, check in entries:
                    match = value_re.match(text, sep.end())
                    if not match:
                        continue
                    value = match.group()
                    if value.lower() in EMPTY_VALUES or not check.accepts(value):
                        continue
                    results.append(RecognizerResult(
                        rule.entity_type, match.start(), match.end(), rule.label_score,
                        recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                              self.RULE_KEY: rule.id, "validated": True},
                    ))
                break  # the longest label that names a rule wins
        return results
