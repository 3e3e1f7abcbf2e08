"""Case-wide masking of what the case stores beside a finding's own preview.

A snippet is for recognising the spot, not for reading the neighbours' data, so every
context snippet, locator and parser reason passes through a :class:`Redactor` before it is
stored. It masks, keeping the text's length (a snippet's ``ctx_start:ctx_end`` stay valid)
and its separators:

- **shapes no rule needs to claim**: a token with three or more digits, a token of four or
  more characters mixing letters and digits, a long random-looking token, the local part of
  an e-mail address and a ``@handle``; a token with a digit cut by the snippet's edge;
- **every word of a value the case knows**: each value a finding revealed (a name, a SWIFT
  code, any value without digits or ``@``) teaches the redactor its words. Words are kept
  as keyed 64-bit digests (BLAKE2b under a key derived from the case key), never as text:
  the case stores the digests (``mask_words``), workers receive them from the scan's
  parent, and after a scan the parent re-masks what was stored before a word became known
  (``ScanStore.redact_stored``).

Nothing here knows SQL or the case key itself; the key comes from ``Store.mask_key()``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

DOT = "•"

#: A word: letters, with inner apostrophes or hyphens (O'Brien, Jean-Luc).
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
#: A token for the shape rules: a run without spaces, quotes, brackets or separating punctuation.
_TOKEN_CHARS = r"[^\s,;:()\[\]{}<>\"'`|=]"
_TOKEN_START = rf"(?<!{_TOKEN_CHARS})"  # tried at a token's first character only: no rescans inside one
#: A whole token the shape rules can hide: one with a digit or an ``@``, or one of 24 characters or more
#: (the regex skips plain words, most of a snippet, without a Python call per token).
_SHAPED_TOKEN = re.compile(
    rf"{_TOKEN_START}(?:[^\d@\s,;:()\[\]{{}}<>\"'`|=]*[\d@]{_TOKEN_CHARS}*|{_TOKEN_CHARS}{{24,}})")
#: A whole token with an ``@``.
_AT_TOKEN = re.compile(rf"{_TOKEN_START}[^@\s,;:()\[\]{{}}<>\"'`|=]*@{_TOKEN_CHARS}*")
#: A character :meth:`str.isalnum` accepts (``\w`` is exactly those and ``_``).
_ALNUM = re.compile(r"[^\W_]")
#: A quoted part of a parser's message (what it quotes is usually the data it choked on).
_QUOTED = re.compile(r"(?<!\w)'[^']*(?:'|$)|(?<!\w)\"[^\"]*(?:\"|$)")
#: A bracketed key of a JSON path: ``$["bob@example.org"]``.
_PATH_KEY = re.compile(r"\[\"(?:[^\"\\]|\\.)*\"\]")
#: Locator fields that hold structure, never data (cell references, Slack timestamps, part names).
_SHAPED = re.compile(r"[\d@]")
_STRUCTURAL = frozenset({"cell", "ts", "part", "page", "slide", "row", "line", "table", "paragraph", "field"})
_CACHE_LIMIT = 200_000


class Redactor:
    """Masks snippets, locators and reasons by shape and by the words of values the case knows."""

    def __init__(self, key: bytes, known: Iterable[int] = ()) -> None:
        self._key = key[:64]
        self.known: set[int] = set(known)
        self._ids: dict[str, int] = {}

    # ------------------------------------------------------------- knowledge
    def word_id(self, word: str) -> int:
        """The keyed digest of a word (case and Unicode form folded), as a signed 64-bit int."""
        wid = self._ids.get(word)
        if wid is None:
            norm = unicodedata.normalize("NFKC", word).casefold().replace("’", "'")
            digest = hashlib.blake2b(norm.encode("utf-8", "surrogatepass"), key=self._key, digest_size=8).digest()
            wid = int.from_bytes(digest, "big", signed=True)
            if len(self._ids) >= _CACHE_LIMIT:
                self._ids.clear()
            self._ids[word] = wid
        return wid

    def words_of(self, value: str) -> set[int]:
        """The digests of a value's words, for a value that is made of words (no digits, no ``@``)."""
        if not value or "@" in value or any(c.isdigit() for c in value):
            return set()  # the shape rules mask these wherever they appear
        return {self.word_id(m.group()) for m in _WORD.finditer(value) if len(m.group()) >= 2}

    def learn(self, value: str) -> list[int]:
        """Know the words of ``value`` from now on; returns the digests that were new."""
        new = [w for w in self.words_of(value) if w not in self.known]
        self.known.update(new)
        return new

    def add(self, ids: Iterable[int]) -> None:
        self.known.update(ids)

    def knows_a_word_in(self, text: str) -> bool:
        return bool(self.known) and any(self.word_id(m.group()) in self.known for m in _WORD.finditer(text))

    # --------------------------------------------------------------- masking
    def snippet(self, text: str | None, keep: tuple[int | None, int | None] = (None, None)) -> str | None:
        """A context snippet with shapes and known words masked; ``text[keep[0]:keep[1]]`` (the
        finding's own masked preview) is left as it is."""
        if not text:
            return text
        lo, hi = (keep[0], keep[1]) if keep[0] is not None and keep[1] is not None else (0, 0)
        hidden: list[tuple[int, int]] = []
        length = len(text)
        for m in _SHAPED_TOKEN.finditer(text):
            span = _shape_span(m.group(), m.start(), length)
            if span is not None:
                hidden.append(span)
        self._mark_words(text, hidden)
        return _apply(text, hidden, lo, hi)

    def label(self, text: str | None) -> str | None:
        """A name the case shows as structure (a column, a sheet, a key): known words and
        e-mail addresses masked, everything else as it was."""
        if not text:
            return text
        hidden: list[tuple[int, int]] = []
        if "@" in text:
            for m in _AT_TOKEN.finditer(text):
                span = _shape_span(m.group(), m.start(), len(text), edges=False)
                if span is not None:
                    hidden.append(span)
        self._mark_words(text, hidden)
        return _apply(text, hidden, 0, 0)

    def json_path(self, path: str) -> str:
        """A JSON path: a bracketed key (``["bob@example.org"]``) is data and masked like a
        snippet; identifiers and indices by :meth:`label`."""
        return _by_parts(path, _PATH_KEY, self.snippet, self.label)

    def reason(self, text: str | None) -> str | None:
        """A file's error reason: what a parser quotes is masked like a snippet, the rest by :meth:`label`."""
        if not text:
            return text
        return _by_parts(text, _QUOTED, self.snippet, self.label)

    def locator(self, loc: dict[str, Any]) -> dict[str, Any]:
        """A finding's locator with every string field that can hold data masked."""
        out: dict[str, Any] = {}
        for key, value in loc.items():
            if not isinstance(value, str) or key in _STRUCTURAL:
                out[key] = value
            elif key == "json_path":
                out[key] = self.json_path(value)
            else:
                out[key] = self.label(value)
        return out

    def _mark_words(self, text: str, hidden: list[tuple[int, int]]) -> None:
        if not self.known:
            return
        known, ids, word_id = self.known, self._ids, self.word_id
        hits = {w for w in set(_WORD.findall(text)) if len(w) >= 2 and (ids.get(w) or word_id(w)) in known}
        if hits:  # rare: the values a snippet shows are masked already; only their repeats are left
            hidden.extend(m.span() for m in _WORD.finditer(text) if m.group() in hits)


def _shape_span(token: str, at: int, length: int, *, edges: bool = True) -> tuple[int, int] | None:
    """The characters of ``token`` (at ``at`` in a text of ``length``) that its shape hides, if any."""
    if not _SHAPED.search(token):  # no digit, no "@": only a long random-looking token is hidden
        return (at, at + len(token)) if _looks_random(token) else None
    digits = sum(map(str.isdigit, token))
    letters = sum(map(str.isalpha, token))
    end = at + len(token)
    if "@" in token[1:] and any(c.isalpha() for c in token[token.rindex("@") + 1:]):
        return at, at + token.rindex("@")  # an e-mail: the mailbox, not the domain
    if token.startswith("@") and letters:
        return at + 1, end  # a @handle
    if digits >= 3 or (digits and letters and digits + letters >= 4) or _looks_random(token):
        return at, end
    if digits and edges and (at == 0 or end == length):
        return at, end  # cut by the snippet's edge: the rest of it is not shown
    return None


def _looks_random(token: str) -> bool:
    """A long token with upper and lower case inside it: a key, a hash, an encoded blob."""
    if len(token) < 24:
        return False
    inner = token[1:]
    return any(c.isupper() for c in inner) and any(c.islower() for c in inner)


def _apply(text: str, hidden: list[tuple[int, int]], keep_lo: int, keep_hi: int) -> str:
    """``text`` with every letter and digit inside a ``hidden`` span dotted, except in ``[keep_lo, keep_hi)``."""
    if not hidden:
        return text
    if keep_hi <= keep_lo:
        keep_lo = keep_hi = 0
    out: list[str] = []
    pos = 0
    for start, end in sorted(hidden):
        start = max(start, pos)  # spans overlap: what is already dotted stays so
        for a, b in ((start, min(end, keep_lo)), (max(start, keep_hi), end)):
            if a < b:
                out.append(text[pos:a])
                out.append(_ALNUM.sub(DOT, text[a:b]))
                pos = b
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def _by_parts(text: str, pattern: re.Pattern[str], inside, outside) -> str:
    """Apply ``inside`` to the matches of ``pattern`` in ``text`` and ``outside`` to the rest."""
    out: list[str] = []
    pos = 0
    for m in pattern.finditer(text):
        out.append(outside(text[pos:m.start()]) or "")
        out.append(inside(m.group()) or "")
        pos = m.end()
    out.append(outside(text[pos:]) or "")
    return "".join(out)
