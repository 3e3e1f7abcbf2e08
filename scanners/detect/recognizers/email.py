"""E-mail addresses, found from their ``@`` outwards.

Presidio's ``EmailRecognizer`` runs one regex whose every word character is a possible start,
about 2 MB/s on prose. Here ``str.find("@")`` locates the candidates (GB/s) and two anchored
regexes read the local part to the left and the domain to the right; the rule's ``email``
validator then checks the public suffix (tldextract's bundled snapshot) and label syntax.
Userinfo in a URL (``https://token@host``, ``postgres://user:pw@host``) is not an address.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import regex
from presidio_analyzer import RecognizerResult

from scanners.detect.recognizers import RuleRecognizer, recognizer_result
from scanners.detect.rules import Rule

if TYPE_CHECKING:
    from presidio_analyzer.nlp_engine import NlpArtifacts

_LOCAL = regex.compile(r"[\w!#$%&'*+=?^`{|}~\-]+(?:\.[\w!#$%&'*+=?^`{|}~\-]+)*\Z")
_DOMAIN = regex.compile(r"(?:[^\W_](?:[\w\-]*[^\W_])?\.)+[^\W\d_](?:[\w\-]*[^\W_])?(?![\w\-]|\.[^\W_])")
_URL_USERINFO = regex.compile(r"://[^\s@/]{0,64}:?\Z")
_BEFORE_BAD = frozenset("./+-=%\\")
_LOOK_BACK = 80


class EmailRecognizer(RuleRecognizer):
    """RFC-ish addresses (Unicode local parts and IDN domains allowed)."""

    ANCHOR = "@"
    ENTITY = "EMAIL_ADDRESS"
    CONTEXT = ("email",)
    SCORE = 0.7

    def __init__(self, rule: Rule | None = None) -> None:
        self.score = self.SCORE
        super().__init__(rule)

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
    ) -> list[RecognizerResult]:
        results = []
        at = text.find("@")
        while at != -1:
            span = self._around(text, at)
            if span:
                results.append(recognizer_result(self, span[0], span[1], self.score))
            at = text.find("@", span[1] if span else at + 1)
        return results

    @staticmethod
    def _around(text: str, at: int) -> tuple[int, int] | None:
        base = max(0, at - _LOOK_BACK)
        local = _LOCAL.search(text, base, at)
        if not local:
            return None
        start = local.start()
        assign = text.rfind("=", start, at)
        keyed = assign != -1 and text[start:assign].replace("_", "").replace("-", "").replace(".", "").isalnum()
        if keyed:
            start = assign + 1  # "SMTP_USER=ops@x.io", "contractor=w1@x.io": the key is not the address
        while start < at and not (text[start].isalnum() or text[start] == "_"):
            start += 1  # a local part starts with a word character ('donjuan@… in quotes)
        if start == at or (start > 0 and text[start - 1] in _BEFORE_BAD and not keyed):
            return None
        if _URL_USERINFO.search(text, max(0, start - _LOOK_BACK), start):
            return None  # https://user@host, postgres://user:pw@host
        if start > 0 and text[start - 1] == ":" and not text[max(0, start - 7):start - 1].lower().endswith("mailto"):
            return None  # user:password@host
        domain = _DOMAIN.match(text, at + 1)
        if not domain:
            return None
        return start, domain.end()
