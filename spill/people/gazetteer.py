"""The case gazetteer: the names of the people resolved so far, as keyed fingerprints, found again in text.

The case stores no name. What it stores are keyed fingerprints of each resolved person's full
name (first and last: ``sem maaren`` for "Sem van Maaren") and first name; whoever holds the
case key can fingerprint the words they read and look them up. :meth:`Gazetteer.find` does
that for capitalised runs of words (a lowercase particle of up to three letters may sit
inside: *van*, *da*, *de la*) and reports each known full name, and each first name of a
known person, with the people it may belong to.

It is a clean value object: a worker receives it (:meth:`payload`), a future NER stage can ask
it whether a span is already a known name (:meth:`knows`) before running the model.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from spill.fingerprint import fingerprint
from spill.people.classes import fold

FULL, FIRST = "full", "first"
MAX_WORDS = 4  # a full name spans at most this many words ("Maria da Conceição Santos")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# a word that does not start with an ASCII lowercase letter, not glued to a letter before it
_CAPITALISED = re.compile(r"(?<![^\W\d_])(?=[^\W\d_a-z])[^\W\d_]+(?:['’][^\W\d_]+)*")
# the next word of a name: after spaces (or a hyphen), on the same line
_NEXT_WORD = re.compile(r"(?:[ \t]+|[ \t]*-[ \t]*)([^\W\d_]+(?:['’][^\W\d_]+)*)")
_CACHE_LIMIT = 200_000
Payload = tuple[bytes, dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]


@dataclass(frozen=True, slots=True)
class NameHit:
    start: int
    end: int
    kind: str  # full | first
    subjects: tuple[str, ...]


class Gazetteer:
    """Known full names and first names (keyed fingerprints → the people they belong to)."""

    def __init__(self, key: bytes, full: Mapping[str, tuple[str, ...]], first: Mapping[str, tuple[str, ...]],
                 hasher: Callable[[bytes, str], str] | None = None) -> None:
        self._key = key
        self.full = dict(full)
        self.first = dict(first)
        self._hash = hasher or fingerprint
        self._cache: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self.full)

    def digest(self) -> str:
        """What this gazetteer knows, as one value: a file read with it need not be read again."""
        h = hashlib.sha256()
        for table in (self.full, self.first):
            for k in sorted(table):
                h.update(f"{k}={','.join(table[k])};".encode())
        return h.hexdigest()[:32]

    def payload(self) -> Payload:
        """What a worker needs to rebuild it (the case key travels in memory, never to disk)."""
        return (self._key, self.full, self.first)

    @classmethod
    def from_payload(cls, payload: Payload) -> Gazetteer:
        key, full, first = payload
        return cls(key, full, first)

    def _fp(self, text: str) -> str:
        fp = self._cache.get(text)
        if fp is None:
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
            fp = self._cache[text] = self._hash(self._key, text)
        return fp

    def knows(self, span: str) -> tuple[str, ...]:
        """The people a span (a full name) belongs to, if it is a known name."""
        words = [fold(w) for w in _WORD.findall(span)]
        words = [w for w in words if len(w) > 1]
        if len(words) < 2:
            return ()
        return self.full.get(self._fp(f"{words[0]} {words[-1]}"), ())

    def find(self, text: str) -> Iterator[NameHit]:
        """Known names in ``text``, longest first, without overlaps (only capitalised words are looked up)."""
        if not self.first:
            return
        taken = 0
        for m in _CAPITALISED.finditer(text):
            word = m.group()
            if m.start() < taken or len(word) < 2 or not word[0].isupper():
                continue
            first = fold(word)
            people = self.first.get(self._fp(first))
            if people is None:
                continue
            hit = self._full_name(text, m.start(), m.end(), first)
            if hit is None:
                hit = NameHit(m.start(), m.end(), FIRST, people)
            taken = hit.end
            yield hit

    def _full_name(self, text: str, start: int, end: int, first: str) -> NameHit | None:
        """The longest known full name starting with this first name (particles may sit inside)."""
        best = None
        for _ in range(MAX_WORDS - 1):
            m = _NEXT_WORD.match(text, end)
            if m is None:
                break
            word, end = m.group(1), m.end()
            if not word[0].isupper():
                if len(word) > 3:
                    break
                continue  # a particle: van, da, de
            people = self.full.get(self._fp(f"{first} {fold(word)}"))
            if people:
                best = NameHit(start, end, FULL, people)
        return best


