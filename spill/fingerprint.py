"""Keyed fingerprints: HMAC-SHA256 of a normalized value under the per-case key.

One definition for the case store (which fingerprints every finding), the people keys and
the gazetteer a worker holds in memory: the same text always gives the same fingerprint.
"""

from __future__ import annotations

import hmac
import unicodedata


def normalize_value(value: str) -> str:
    """What two spellings of one value have in common: case, spaces and separators dropped."""
    text = unicodedata.normalize("NFKC", value).casefold().strip()
    if "@" in text or (" " not in text.strip() and not any(c in text for c in "-. ()/")):
        return "".join(text.split())
    if sum(c.isdigit() for c in text) >= 0.5 * len(text.replace(" ", "")):
        return "".join(c for c in text if c.isalnum())
    return " ".join(text.split())


def fingerprint(key: bytes, value: str) -> str:
    # hmac.digest: the one-shot C path (a third of hmac.new's cost per call; the writer makes one a finding)
    return hmac.digest(key, normalize_value(value).encode("utf-8", "surrogatepass"), "sha256").hex()
