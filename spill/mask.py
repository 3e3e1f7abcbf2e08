"""Masked previews: enough of a value to recognise it, not enough to use it."""

from __future__ import annotations

import re

DOT = "•"

_CARD_LIKE = {"CREDIT_CARD", "US_BANK_NUMBER", "BANK_ACCOUNT", "IBAN_CODE", "ABA_ROUTING_NUMBER"}
_CREDENTIAL_PREFIX = re.compile(r"^(?:[A-Za-z]{2,6}[_-](?:[A-Za-z]{2,6}[_-])?|AKIA|ASIA|AIza|-----BEGIN)")


def mask(value: str | None, entity_type: str = "") -> str | None:
    """Return a masked preview of ``value`` for display and storage.

    >>> mask("priya.sharma@gmail.com", "EMAIL_ADDRESS")
    'pr•••@gmail.com'
    >>> mask("4539 1488 0343 6467", "CREDIT_CARD")
    '•••• •••• •••• 6467'
    >>> mask("Priya Sharma", "PERSON")
    'P••• S•••'
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return ""
    if entity_type == "PRIVATE_KEY" or value.startswith("-----BEGIN"):
        header = value.splitlines()[0]
        return header if header.startswith("-----BEGIN") else DOT * 8
    if entity_type in ("EMAIL_ADDRESS", "UPI_ID") and "@" in value:
        local, _, domain = value.rpartition("@")
        return f"{local[:2]}{DOT * 3}@{domain}"
    if entity_type == "PERSON":
        return " ".join(f"{w[0]}{DOT * 3}" for w in value.split() if w)
    if entity_type in _CARD_LIKE or _mostly_digits(value):
        return _mask_keep_tail(value, 4)
    if len(value) <= 4:
        return DOT * len(value)
    prefix = _CREDENTIAL_PREFIX.match(value)
    head = prefix.group(0) if prefix and len(prefix.group(0)) < len(value) - 4 else value[:2]
    tail = value[-2:] if len(value) >= 10 else ""
    return f"{head}{DOT * max(3, min(12, len(value) - len(head) - len(tail)))}{tail}"


def _mostly_digits(value: str) -> bool:
    digits = sum(c.isdigit() for c in value)
    return digits >= 6 and digits >= 0.6 * len(value.replace(" ", "").replace("-", ""))


def _mask_keep_tail(value: str, keep: int) -> str:
    """Mask every alphanumeric except the last ``keep``, keeping separators in place."""
    alnum_positions = [i for i, c in enumerate(value) if c.isalnum()]
    if len(alnum_positions) <= keep:
        return DOT * len(value)
    hidden = set(alnum_positions[:-keep])
    return "".join(DOT if i in hidden else c for i, c in enumerate(value))


CONTEXT_WIDTH = 48  # characters of a snippet on each side of its value


def mask_context(text: str, target: tuple[int, int], others: list[tuple[int, int, str]],
                 entity_type: str, width: int = CONTEXT_WIDTH) -> tuple[str, int, int]:
    """Cut a snippet around ``target`` with every detected value in it masked.

    Returns the snippet and where the masked target sits in it. ``others`` are every
    (start, end, entity_type) detected in the same text, so nothing raw leaks beside it.
    A value only partly inside the window, or overlapping another, shows none of its
    characters (a preview of the visible part would show other digits than its own preview).
    """
    start, end = target
    lo, hi = max(0, start - width), min(len(text), end + width)
    pieces: list[tuple[int, int, str | None]] = [(start, end, entity_type)]  # None: hide every character
    for s, e, t in sorted(set(others)):
        if (s, e) == (start, end) or e <= lo or s >= hi:
            continue
        whole = lo <= s and e <= hi and (e <= start or s >= end)
        for a, b in ((s, min(e, start)), (max(s, end), e)):  # never over the target itself
            a, b = max(a, lo), min(b, hi)
            if a < b:
                pieces.append((a, b, t if whole else None))
    pieces.sort(key=lambda p: (p[0], p[0] != start or p[1] != end))
    out: list[str] = []
    pos = lo
    t_start = t_end = 0
    for s, e, t in pieces:
        if e <= pos:
            continue
        if s < pos:  # overlaps what is already masked: hide the rest of it
            s, t = pos, None
        out.append(text[pos:s])
        masked = (mask(text[s:e], t) or "") if t is not None else _hide(text[s:e])
        if (s, e) == (start, end):
            t_start = sum(len(p) for p in out)
            t_end = t_start + len(masked)
        out.append(masked)
        pos = e
    out.append(text[pos:hi])
    snippet = "".join(out)
    clean = snippet.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    return clean, t_start, t_end


def _hide(text: str) -> str:
    """Every letter and digit of ``text`` as a dot, separators kept."""
    return "".join(DOT if c.isalnum() else c for c in text)
