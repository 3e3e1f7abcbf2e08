"""Header and label naming: what a column header, key path or inline label calls its value.

A rule's ``labels`` are the names people give a field. A value under a header (a CSV/XLSX
column, the last key of a JSON path, a mail header name) that is one of them is that entity
whatever its shape; :class:`HeaderLabels` says which rules a header names. The inline form
("Label: value" inside text) is ``inline_label.py``; both compare labels normalized here.

Normalization: camelCase split, lowercase, parentheticals dropped, ``#``/``number``/``num``/``nr``
read as ``no``, then ``_ - : . /`` and spaces dropped — so "Contractor ID", "contractor_id",
"contractorId" and "CONTRACTOR-ID" are one label, and "Freelancer #" equals "freelancer_no"
but not "Freelancer" (a column of names).

A header also goes by other names (:func:`header_names`): without a form's "7." numbering,
what its parentheses say, and each of its alternatives ("IBAN / Account"). A rule with
``label_suffix`` also takes a key that ends with one of its labels ("stripe_signing_secret"
ends with "secret"), unless what comes before disowns it ("csrf_token", "next_page_token").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import regex

from scanners.detect.rules import Rule
from scanners.detect.value_check import ValueCheck

#: A labelled value with no rule-specific ``label_value``: one token-ish value (an inner space allowed).
DEFAULT_LABEL_VALUE = r"[^\s\"'<>]{1,64}(?: [^\s\"'<>]{1,64})?"
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
_CONTEXT_SPLIT = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|[_\-.\[\]/\\$:]+")
_ENUMERATOR = regex.compile(r"^\s*(?:\d{1,3}|[a-zA-Z])[.)]\s+")
_PARENTHESIZED = regex.compile(r"\(([^()]{2,40})\)")
_ALTERNATIVES = regex.compile(r"\s*/\s*|\s*\|\s*|[\s_]+or[\s_]+", regex.IGNORECASE)
#: In a header that offers alternatives, a sibling of these makes a bare "Account"/"Number" a bank account.
_PAYMENT_SIBLINGS = frozenset({"iban", "bic", "swift", "routing", "sort code", "ifsc", "clabe", "bsb"})
#: Before a suffix label, these say the key is not the secret it ends with ("csrf_token",
#: "next_page_token", "public_key"; "max_tokens" is no suffix anyway).
_NOT_SUFFIX_OWNER = ("csrf", "xsrf", "nonce", "captcha", "public", "page", "cursor", "continuation", "sync",
                     "next", "prev", "previous", "reset", "verify", "verification", "format", "type", "length")
#: A suffix label shorter than this is too common an ending to name a key.
_MIN_SUFFIX = 5


@lru_cache(maxsize=16384)
def normalize_label(name: str) -> str:
    """``"Contractor ID"``, ``"contractor_id"``, ``"contractorId"`` → ``"contractorid"``; ``#`` → ``no``."""
    text = _PAREN.sub(" ", _CAMEL.sub(" ", name)).lower().replace("#", " no ")
    return "".join("no" if w in _NUMBER_WORDS else w for w in _SPLIT.split(text) if w)


@lru_cache(maxsize=16384)
def last_word(name: str) -> str:
    """The last word of a label, normalized as :func:`normalize_label` reads it ("Payee #" → "no")."""
    words = [w for w in _SPLIT.split(_CAMEL.sub(" ", name).lower().replace("#", " no ")) if w]
    last = words[-1] if words else ""
    return "no" if last in _NUMBER_WORDS else last


def label_of_context(context: str) -> str:
    """The name in a context: a header as is; for a key path ("$.user.worker_id") its last key."""
    context = context.strip()
    if context and " " not in context and _PATH_SEP.search(context):
        parts = [p for p in _PATH_SEP.split(context) if p and not p.strip("$").isdigit() and p != "$"]
        if parts:
            return parts[-1]
    return context


def context_words(context: str) -> str:
    """A header or key path as lowercase words: "user.payoutAccount_no" → "user payout account no"."""
    return " ".join(w for w in _CONTEXT_SPLIT.split(context) if w).lower()


def header_names(context: str) -> list[str]:
    """The names a header may go by: itself, without a form's "7." numbering, what its
    parentheses say ("Reference number (Contractor ID)" is a contractor-ID header), and each of
    its alternatives ("IBAN / Account", "iban_or_account": a bank account where the sibling is IBAN)."""
    name = label_of_context(context)
    names = [name]
    stripped = _ENUMERATOR.sub("", name)
    if stripped != name:
        names.append(stripped)
    names.extend(m.group(1) for m in _PARENTHESIZED.finditer(name))
    parts = [p for p in _ALTERNATIVES.split(stripped) if p]
    if len(parts) > 1:
        names.extend(parts)
        if any(p.lower().replace("_", " ") in _PAYMENT_SIBLINGS for p in parts):
            names.extend(f"bank {p}" for p in parts if p.lower() in ("account", "account no", "account number"))
    return names


@dataclass(frozen=True, slots=True, eq=False)
class LabelledRule:
    """A rule with ``labels``: the shape a labelled value must have, and the rule's own value checks."""

    rule: Rule
    value_re: regex.Pattern[str]
    check: ValueCheck

    @classmethod
    def of(cls, rule: Rule, value_pattern: str) -> LabelledRule:
        return cls(rule, regex.compile(value_pattern), ValueCheck(rule))


class HeaderLabels:
    """Which rules a header or key names, over the rules with ``labels``."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self._by_label: dict[str, list[LabelledRule]] = {}
        self._suffix_labels: list[tuple[str, LabelledRule]] = []
        for rule in rules:
            if not rule.labels:
                continue
            entry = LabelledRule.of(rule, rule.label_value or DEFAULT_LABEL_VALUE)
            for label in dict.fromkeys(normalize_label(lb) for lb in rule.labels):
                self._by_label.setdefault(label, []).append(entry)
                if rule.label_suffix:
                    self._suffix_labels.append((label, entry))

    def named_by(self, context: str) -> tuple[LabelledRule, ...]:
        """The rules whose label is one of the header's names, else (``label_suffix``) its ending."""
        for name in header_names(context):
            found = self._by_label.get(normalize_label(name))
            if found:
                return tuple(found)
        if self._suffix_labels and context:
            return self._ending(normalize_label(label_of_context(context)))
        return ()

    def _ending(self, name: str) -> tuple[LabelledRule, ...]:
        """Rules whose label ends ``name`` after a prefix that does not disown it (longest label first)."""
        best: list[tuple[str, LabelledRule]] = []
        for label, entry in self._suffix_labels:
            owned = len(name) > len(label) >= _MIN_SUFFIX and name.endswith(label)
            if owned and not name[:-len(label)].endswith(_NOT_SUFFIX_OWNER):
                best.append((label, entry))
        if not best:
            return ()
        longest = max(len(label) for label, _ in best)
        return tuple(entry for label, entry in best if len(label) == longest)
