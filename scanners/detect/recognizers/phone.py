"""Phone numbers: a cheap regex finds phone-shaped runs, python-phonenumbers says which are real.

Presidio's ``PhoneRecognizer`` runs ``PhoneNumberMatcher`` once per region over the whole
text, which is slow and scores everything 0.4. Here one regex proposes candidates and each
is parsed once: international numbers (``+``/``00``) against their own country code, national
ones against the regions our contractors live in. Scores (before context):

* valid international number            0.65
* valid national number with an area-code shape "(415) 555-0132" or NANP "415-555-0132"  0.55
* valid national number, other grouping  0.40 (needs a context word)
* valid national number, bare digits     0.25 (needs a context word; only parsed when one is near)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import phonenumbers
import regex
from phonenumbers import NumberParseException
from presidio_analyzer import RecognizerResult

from scanners.detect.recognizers import RuleRecognizer, recognizer_result
from scanners.detect.rules import Rule

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

# the ``regex`` module scans a leading look-behind fast (stdlib ``re`` tries it at every position)
_CANDIDATE = regex.compile(
    r"(?<![\w.+/\-@#$€£])"
    r"(?:(?:\+|00)\d{1,3}[ .\-]?)?"
    r"(?:\(\d{1,5}\)[ .\-]?)?"
    r"\d[\d .\-]{4,17}\d"
    r"(?![\w@]|[.\-]\d|,\d)"
)
_NANP = re.compile(r"^(?:\+?1[ .\-]?)?(?:\(\d{3}\)[ .\-]?|\d{3}[.\-])\d{3}[.\-]\d{4}$|^\(\d{2,5}\)")
_DATE_LIKE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$")
_IP_LIKE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_DIGITS = re.compile(r"\d")


class PhoneRecognizer(RuleRecognizer):
    """Phone numbers for the regions in ``REGIONS`` plus any number written with its country code."""

    ANCHOR = r"\d\d[\d \-.:]{3,}\d"
    ACCEPTS_CONTEXT = True
    ENTITY = "PHONE_NUMBER"
    CONTEXT = ("phone", "telephone", "tel", "mobile", "cell", "cellphone", "whatsapp", "contact", "call",
               "number", "fax", "sms", "viber", "signal", "telegram")
    #: Where a national number (no +country code) is looked up, in order.
    REGIONS = ("US", "IN", "PH", "KE", "NG", "BR", "GB", "DE", "FR", "NL", "ES", "IT", "PL", "CA", "MX",
               "CN", "JP", "IL", "PK", "ID", "ZA", "EG", "UA")
    SCORE_INTERNATIONAL = 0.65
    SCORE_AREA_CODE = 0.55
    SCORE_NATIONAL = 0.40
    SCORE_BARE = 0.25

    def __init__(self, rule: Rule | None = None) -> None:
        self.window = rule.context_window if rule else 48
        super().__init__(rule)
        words = "|".join(re.escape(w.lower()) for w in self.context or self.CONTEXT)
        self._context_re = re.compile(rf"(?<![a-z0-9])(?:{words})(?![a-z0-9])")

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        *,
        context: str = "",
        segment_at: Callable[[int], tuple[int, int, str]] | None = None,
    ) -> list[RecognizerResult]:
        """``context``: the header/key words of ``text``; ``segment_at(pos)`` → (start, end, header words)
        of the segment holding ``pos`` when ``text`` is several segments joined (PatternDetector.detect_batch)."""
        results = []
        header_hit = bool(context) and bool(self._context_re.search(context.lower()))
        lo, hi = 0, len(text)
        for match in _CANDIDATE.finditer(text):
            candidate = match.group()
            if segment_at is not None:
                lo, hi, words = segment_at(match.start())
                header_hit = bool(words) and bool(self._context_re.search(words))
            score = self._score(candidate, text, match.start(), match.end(), header_hit, lo, hi)
            if score:
                results.append(recognizer_result(self, match.start(), match.end(), score, validated=True))
        return results

    def _near_context(self, text: str, start: int, end: int, lo: int, hi: int) -> bool:
        window = text[max(lo, start - self.window): min(hi, end + self.window)].lower()
        return bool(self._context_re.search(window))

    def _score(self, candidate: str, text: str, start: int, end: int, header_hit: bool, lo: int, hi: int) -> float:
        digits = len(_DIGITS.findall(candidate))
        if not 7 <= digits <= 15 or "\n" in candidate:
            return 0.0
        if _DATE_LIKE.match(candidate) or _IP_LIKE.match(candidate):
            return 0.0
        if candidate[0] == "+" or candidate.startswith("00"):
            number = _parse(candidate if candidate[0] == "+" else "+" + candidate[2:], None)
            return self.SCORE_INTERNATIONAL if number and phonenumbers.is_valid_number(number) else 0.0
        bare = candidate.isdigit()
        area_code = candidate.startswith("(")
        nanp = bool(_NANP.match(candidate))
        if not (area_code or nanp or header_hit or self._near_context(text, start, end, lo, hi)):
            # a national number in any other shape scores below the threshold without a context
            # word: do not pay for parsing it (phonenumbers is pure Python, ~50 µs a region)
            return 0.0
        regions = ("US", "CA") if nanp and not (area_code or header_hit) else self.REGIONS
        for region in regions:
            number = _parse(candidate, region)
            if number is not None and phonenumbers.is_valid_number(number):
                if bare:
                    return self.SCORE_BARE
                if (nanp and region in ("US", "CA")) or area_code:
                    return self.SCORE_AREA_CODE
                return self.SCORE_NATIONAL
        return 0.0


def _parse(candidate: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(candidate, region)
    except NumberParseException:
        return None
