"""Phone numbers: a cheap regex finds phone-shaped runs, python-phonenumbers says which are real.

Presidio's ``PhoneRecognizer`` runs ``PhoneNumberMatcher`` once per region over the whole
text, which is slow and scores everything 0.4. Here one regex proposes candidates and each
is parsed once: international numbers (``+``/``00``) against their own country code, national
ones against the regions our contractors live in. Scores (before context):

* valid international number            0.65
* valid national number with an area-code shape "(415) 555-0132" or NANP "415-555-0132"  0.55
* valid national number, other grouping  0.40 (needs a context word)
* valid national number, bare digits     0.25 (needs a context word; only parsed when one is near)

A national number is parsed first in the region its neighbourhood names: a payment channel that is a
phone number ("M-Pesa 0712…" is Kenyan, "GCash 0917…" Philippine) or the speaker's country ("my
Israeli number is 09-…"). An extension ("ext. 204", "x204") is part of the number; a date and hour
("1978-04-13 12:20") and a part number with a suffix ("413-971-1737-B") are not phone numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
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
    r"(?P<number>(?:(?:\+|00)\d{1,3}[ .\-]?)?"
    r"(?:\(\d{1,5}\)[ .\-]?)?"
    r"\d[\d .\-]{4,17}\d)"
    r"(?:[ ]?(?:ext\.?|extn\.?|extension|x|\#)[ ]?\d{1,6})?"  # an extension belongs to the number
    r"(?![\w@]|[.\-]\d|-\w|,\d|:\d)"  # not a part number's suffix (-B), not a date's hour (12:20)
)
_NANP = re.compile(r"^(?:\+?1[ .\-]?)?(?:\(\d{3}\)[ .\-]?|\d{3}[.\-])\d{3}[.\-]\d{4}$|^\(\d{2,5}\)")
_DATE_LIKE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$")
_IP_LIKE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_DIGITS = re.compile(r"\d")
#: Words that say which country a national number belongs to: payment channels that are phone numbers,
#: and a speaker's country ("my Israeli number"). Looked for within the context window.
REGION_HINTS = {
    "m-pesa": "KE", "mpesa": "KE", "safaricom": "KE", "kenya": "KE", "kenyan": "KE",
    "gcash": "PH", "paymaya": "PH", "maya": "PH", "philippines": "PH", "philippine": "PH", "filipino": "PH",
    "opay": "NG", "palmpay": "NG", "nigeria": "NG", "nigerian": "NG",
    "paytm": "IN", "phonepe": "IN", "india": "IN", "indian": "IN",
    "pix": "BR", "brazil": "BR", "brazilian": "BR", "brasil": "BR",
    "israel": "IL", "israeli": "IL", "japan": "JP", "japanese": "JP", "china": "CN", "chinese": "CN",
    "mtn": "GH", "ghana": "GH", "ghanaian": "GH", "uganda": "UG", "ugandan": "UG", "tanzania": "TZ",
    "pakistan": "PK", "pakistani": "PK", "easypaisa": "PK", "jazzcash": "PK", "bkash": "BD", "bangladesh": "BD",
    "indonesia": "ID", "indonesian": "ID", "vietnam": "VN", "vietnamese": "VN", "mexico": "MX", "mexican": "MX",
    "germany": "DE", "german": "DE", "france": "FR", "french": "FR", "spain": "ES", "spanish": "ES",
    "italy": "IT", "italian": "IT", "uk": "GB", "british": "GB", "canada": "CA", "canadian": "CA",
}
_HINT = re.compile(r"(?<![a-z0-9])(" + "|".join(sorted(map(re.escape, REGION_HINTS), key=len, reverse=True))
                   + r")(?![a-z0-9])")


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
            candidate = match.group("number")
            if segment_at is not None:
                lo, hi, words = segment_at(match.start())
                header_hit = bool(words) and bool(self._context_re.search(words))
            score = self._score(candidate, text, match.start(), match.end(), header_hit, lo, hi)
            if score:
                results.append(recognizer_result(self, match.start(), match.end(), score, validated=True))
        return results

    def _window(self, text: str, start: int, end: int, lo: int, hi: int) -> str:
        return text[max(lo, start - self.window): min(hi, end + self.window)].lower()

    def _near_context(self, text: str, start: int, end: int, lo: int, hi: int) -> bool:
        return bool(self._context_re.search(self._window(text, start, end, lo, hi)))

    def _hinted_region(self, text: str, start: int, end: int, lo: int, hi: int) -> str | None:
        hint = _HINT.search(self._window(text, start, end, lo, hi))
        return REGION_HINTS[hint.group(1)] if hint else None

    def _score(self, candidate: str, text: str, start: int, end: int, header_hit: bool, lo: int, hi: int) -> float:
        digits = len(_DIGITS.findall(candidate))
        if not 7 <= digits <= 15 or "\n" in candidate:
            return 0.0
        if _DATE_LIKE.match(candidate) or _IP_LIKE.match(candidate):
            return 0.0
        if candidate[0] == "+" or candidate.startswith("00"):
            return self.SCORE_INTERNATIONAL if _valid(candidate if candidate[0] == "+" else "+" + candidate[2:],
                                                      None) else 0.0
        bare = candidate.isdigit()
        area_code = candidate.startswith("(")
        nanp = bool(_NANP.match(candidate))
        if not (area_code or nanp or header_hit or self._near_context(text, start, end, lo, hi)):
            # a national number in any other shape scores below the threshold without a context
            # word: do not pay for parsing it (phonenumbers is pure Python, ~50 µs a region)
            return 0.0
        regions: tuple[str, ...] = ("US", "CA") if nanp and not (area_code or header_hit) else self.REGIONS
        hinted = self._hinted_region(text, start, end, lo, hi)
        if hinted:
            regions = (hinted, *(r for r in regions if r != hinted))
        for region in regions:
            if _valid(candidate, region):
                if bare:
                    return self.SCORE_BARE
                if (nanp and region in ("US", "CA")) or area_code:
                    return self.SCORE_AREA_CODE
                return self.SCORE_NATIONAL
        return 0.0


@lru_cache(maxsize=8192)
def _valid(candidate: str, region: str | None) -> bool:
    """Whether ``candidate`` is a valid number of ``region`` (None: by its own +country code). Remembered:
    phonenumbers is pure Python (~50 µs a parse) and a share repeats its numbers (signatures, rosters)."""
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(candidate, region))
    except NumberParseException:
        return False
