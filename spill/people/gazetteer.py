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
_GAP = re.compile(r"[ \t]+|[ \t]*-[ \t]*")  # words of one name are separated by spaces (or a hyphen)
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
        """Known names in ``text``, longest first, without overlaps."""
        if not self.first:
            return
        words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
        i = 0
        while i < len(words):
            start, end, word = words[i]
            if not word[0].isupper() or len(word) < 2:
                i += 1
                continue
            first = self._fp(fold(word))
            if first not in self.first:
                i += 1
                continue
            hit = self._full_name(text, words, i, fold(word))
            if hit is not None:
                yield hit
                i = next((n for n, w in enumerate(words) if w[0] >= hit.end), len(words))
                continue
            yield NameHit(start, end, FIRST, self.first[first])
            i += 1

    def _full_name(self, text: str, words: list[tuple[int, int, str]], i: int, first: str) -> NameHit | None:
        best = None
        last_end = words[i][1]
        for j in range(i + 1, min(len(words), i + MAX_WORDS)):
            start, end, word = words[j]
            if not _GAP.fullmatch(text[last_end:start]):
                break
            last_end = end
            if not word[0].isupper():
                if len(word) > 3:
                    break
                continue  # a particle: van, da, de
            people = self.full.get(self._fp(f"{first} {fold(word)}"))
            if people:
                best = NameHit(words[i][0], end, FULL, people)
        return best


