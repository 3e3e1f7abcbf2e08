"""IPv4 and IPv6 addresses (and networks), checked with Python's ``ipaddress``.

One regex for IPv6 that can start anywhere a hex digit is, is slow on prose (every a-f is a
possible start). Here IPv6 candidates are found from their ``::`` or ``x:y:`` core outwards
by scanning the hex/colon run around it; IPv4 with a regex that starts on a digit. The rule's
``ip`` validator decides (octets ≤ 255, no leading zeros, one ``::``, prefix length in range).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import regex
from presidio_analyzer import RecognizerResult

from scanners.detect.recognizers import RuleRecognizer, recognizer_result

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

# the ``regex`` module scans a leading look-behind + digit fast (stdlib ``re`` does not)
# not after a lone ":" (":1.2.3.4" is a broken IPv6 address; "host:1.2.3.4" and "::1.2.3.4" are fine)
_IPV4 = regex.compile(r"(?<![\w.\-])(?<!(?<![\w:]):)(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?(?![\w\-]|\.\d)")
_IPV6_CORE = re.compile(r":[0-9A-Fa-f]{0,4}:")
_HEX_COLON = frozenset("0123456789abcdefABCDEF:")
_TAIL = re.compile(r"(?:[0-9A-Fa-f:]*:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f:]*)(?:%[\w.]{1,15})?(?:/\d{1,3})?")
_BEFORE_BAD = re.compile(r"[\w.\-]")
_AFTER_BAD = re.compile(r"[\w:]|\.\d")


def _stands_alone(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return before not in "[(,:" and after not in "])," and not after.isalnum()


class IpAddressRecognizer(RuleRecognizer):
    """IP addresses; the rule's validators (``ip``) keep only real ones."""

    ANCHOR = r"\d\.\d{1,3}\.\d|:[0-9A-Fa-f]{0,4}:"
    ENTITY = "IP_ADDRESS"
    CONTEXT = ("ip",)
    SCORE = 0.6

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
    ) -> list[RecognizerResult]:
        spans: list[tuple[int, int]] = [m.span() for m in _IPV4.finditer(text)]
        pos = 0
        while True:
            core = _IPV6_CORE.search(text, pos)
            if core is None:
                break
            start = core.start()
            while start > 0 and text[start - 1] in _HEX_COLON:
                start -= 1
            end = _TAIL.match(text, start).end()
            pos = max(end, core.end())
            if start > 0 and _BEFORE_BAD.match(text, start - 1):
                continue
            if _AFTER_BAD.match(text, end):
                continue
            candidate = text[start:end]
            if text.count(":", start, end) < 2 or all(c == ":" for c in candidate):
                continue
            groups = [g for g in candidate.split("/")[0].split("%")[0].split(":") if g]
            if len(groups) <= 2 and "." not in candidate and not _stands_alone(text, start, end):
                continue  # "1::2" inside x[1::2] is a slice, not an address
            spans.append((start, end))
        spans = sorted(set(spans))
        return [recognizer_result(self, s, e, self.SCORE) for s, e in spans]
