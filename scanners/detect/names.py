"""Person names in prose: the model's PERSON spans, judged, plus what the model misses.

:class:`PersonFinder` turns a document's texts into PERSON spans in four steps:

1. **The model** (``ner.entities``): each PERSON span is trimmed ("Reach Arjun Bautista" →
   "Arjun Bautista"), completed ("Santos" beside "Emeka" → "Emeka Santos") and judged: no codes
   or shouting, no organisation, street or place word at its end or right after it ("Halcyon
   Labs", "Crown St", "Watson School"; Park, Hill or Lane only where an address says so), no
   article or thing-noun in front ("The Eddy Duchin Story", "band Killing Joke"), not a quoted
   title, not a form's words, and not a string the model calls an ORG, GPE, FAC… more often than
   a PERSON in the same document.
2. **Cues** the model does not need: a title before capitalised words ("Dr. Burke", "Ms Jones"),
   a self-introduction ("my name is priya sharma", in any case), a relation ("his wife, Karen",
   "née Stone"), a greeting before one word ("Hi Amara,").
3. **Lone words**: a one-word PERSON (a given name or a surname alone) is backed when the document
   has named that person in full (the word is part of a name kept in step 1 or 2), when a title or
   a greeting comes before it, or when the share's known names include it. Otherwise it is kept at a
   lower score unless its neighbourhood doubts it: an acronym, a place preposition before it ("in
   Lyon"), a country after a comma ("Málaga, Spain"), nothing but markup before it on its line (a
   heading or a table cell), or a word the document also writes in lower case.
4. **Name memory**: every later mention of a name the document has named (the full name or one
   of its words, standing alone, not inside a date, a place or another capitalised phrase) is a
   PERSON, found or not by the model ("Budjana moved to Surabaya" after "I Wayan Budjana").

Names found by the pattern rules (a "Name" column, a mail display name) feed the memory too, so
"Tobias" in a mail body is found after "Tobias Reinholt <…>" in its From header.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import regex

from scanners.detect import ner
from spill.people.names import ORG_WORDS as LINKAGE_ORG_WORDS

Span = tuple[int, int]

#: What Presidio's SpacyRecognizer gives a PERSON; a name the document named before scores a little less.
MODEL_SCORE = 0.85
CUE_SCORE = 0.85
MEMORY_SCORE = 0.75
LONE_SCORE = 0.6  # a one-word name with nothing in the document to back it

# Words that end an organisation's or a work's name, not a person's: the small model often calls
# "Halcyon Labs" or "Perth Glory" a PERSON (people linkage's words, spill.people.names, and more).
ORG_WORDS = LINKAGE_ORG_WORDS | frozenset("""
band orchestra choir ensemble quartet trio club fc afc united rovers wanderers athletic records recordings
times journal magazine news gazette review radio tv television channel podcast show series award awards
prize cup league festival tour party movement army navy corps regiment brigade committee commission board
authority government republic kingdom empire dynasty trust fund cathedral mosque museum library gallery
theatre theater cinema hotel restaurant cafe pub market mall plaza
""".split())
PLACE_WORDS = frozenset("""
street st st. road rd rd. avenue ave ave. ln boulevard blvd drive dr. ct pl terrace crescent highway hwy
parkway pkwy circle square sq gardens river pond creek valley coast mountain mt hills island islands county
city town village district province region station railway railroad airport port harbour harbor dock
reservoir canal circuit stadium arena gym centre center palace building estate
""".split())
# Words that end a place's or a body's name and a person's too (Park, Hill, Hall, Lane, Temple, Church…):
# they reject a name only with an address's evidence (a number, a place preposition or a plural before).
AMBIGUOUS_PLACE_WORDS = frozenset("""
lane way court close place park bridge lake brook bay beach forest mount hill field hall tower castle house
farm line state wood woods ford green temple church chapel bar inn press
""".split())
# Words of a table header or a form that a flattened PDF or slide puts side by side ("Description Qty",
# "Payout Method", "Annex B"): never part of a name.
FORM_WORDS = frozenset("""
description qty quantity rate amount total subtotal date method payout payment invoice status type annex
appendix section page table figure summary details detail report notes comments reference balance price
fee fees tax currency hours tasks batch project account number code signature title department
""".split())
# First words of place names ("São Paulo", "Santa Clara", "Fort Worth", "Los Angeles").
PLACE_PREFIXES = frozenset(
    "são sao san santa santo saint sankt fort port mount mt los las puerto porto ciudad cidade".split())
NOT_NAME_END = ORG_WORDS | PLACE_WORDS
# An entity label that, given to the same words more often than PERSON, says they are not a person.
OTHER_LABELS = frozenset({"ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"})
# A mention the memory would add is not a name where the model saw one of these.
MEMORY_BLOCKERS = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL", "GPE", "LOC",
                             "FAC", "WORK_OF_ART", "EVENT", "LAW", "PRODUCT", "LANGUAGE", "NORP"})

# Capitalised words the small model glues to the front of a name at a sentence's start ("Reach Arjun
# Bautista at…", "Thanks Maria Santos"): trimmed, the name is kept.
LEADING_NOT_NAME = frozenset("""
reach contact call email e-mail ask ping message text tell remind thank thanks hi hello hey dear cc meet
welcome congrats congratulations please kindly invite loop add assign notify inform forward send pay
paid approve approved attn attention from to via per regards cheers best sincerely yours dm
then and but so also if when while today yesterday tomorrow the this that our my your his her their
""".split())
ARTICLES = frozenset({"the", "a", "an"})
# Titles before a name ("Dr. Burke", "Ms Jones", "Senator Warren"); "St." is left out (saint or street).
TITLES = frozenset("""
mr mrs ms miss mx dr prof professor sir dame lady lord rev reverend fr hon capt captain col colonel lt
lieutenant sgt sergeant cmdr adm admiral judge justice senator sen rep gov governor president chancellor
mayor ambassador detective inspector officer atty madame mme mlle monsieur herr frau señor señora sra
""".split())
# A person named by their relation to someone ("his wife Karen", "her sister , Sara", "née Stone").
RELATIONS = frozenset("""
wife husband son daughter brother sister mother father mom mum dad grandmother grandfather grandson
granddaughter uncle aunt nephew niece cousin fiancé fiancee fiancée girlfriend boyfriend spouse partner
widow widower stepson stepdaughter stepmother stepfather née nee
""".split())
# A lowercase noun right before a capitalised phrase that says the phrase names a thing, not a person
# ("band Killing Joke", "journal Protein Science", "the channel Crown St").
THING_NOUNS = frozenset("""
band group team club company firm brand label album song single track record film movie documentary
series show programme program network channel station journal magazine newspaper paper book novel poem
play opera musical game ship vessel boat train locomotive aircraft village town city county district
province river lake mountain island circuit festival award trophy prize race tournament league party
organisation organization institute university school college hospital museum restaurant hotel bar
product model car app software website platform project codename dataset repo repository server
""".split())
# Words after a greeting that are not a name ("Thanks All", "Hi Team").
NOT_GREETED = frozenset("""
all everyone everybody team folks guys there again so much both you y'all people ladies gentlemen sir
madam friends colleagues
""".split())
_GREETING_BEFORE = re.compile(r"(?:\b(?:hi|hello|hey|dear|thanks|thank you|cheers|regards|best|thx|cc|@)[ ,:]*)$",
                              re.IGNORECASE)
_NOT_A_NAME = re.compile(r"[\d@_/\\#=<>{}\[\]|*$%^+~]|https?:|www\.")
_QUOTES_OPEN = ('"', "“", "'", "‘", "«")
_QUOTES_CLOSE = ('"', "”", "'", "’", "»")

_NAME_WORD = r"\p{Lu}[\p{Ll}\p{M}'’\-]*\p{Ll}[\p{Ll}\p{M}'’\-]*"
_INITIAL = r"\p{Lu}\."
_PARTICLE = r"(?:da|de|di|do|dos|das|del|della|van|von|der|den|la|le|bin|binti|al|el|ibn|y)"
_NAME = rf"{_NAME_WORD}(?:[ ](?:{_PARTICLE}[ ])?(?:{_NAME_WORD}|{_INITIAL})){{0,3}}"
_TITLED = regex.compile(
    rf"(?<![\w.])(?i:{'|'.join(sorted(TITLES, key=len, reverse=True))})(?:[ ]?\.)?[ ](?P<name>{_NAME})(?!\w)")
_LOWER_WORD = r"\p{Ll}[\p{Ll}\p{M}'’\-]{1,30}"
_INTRODUCED = regex.compile(
    rf"(?i:\bmy name is|\bmy name's)[ ]+(?P<name>{_NAME}|{_LOWER_WORD}(?:[ ]{_LOWER_WORD}){{0,2}})"
    rf"|(?i:\b(?:i am|i'm|i’m|call me|this is))[ ]+(?P<name>{_NAME})(?=[ ]?[,.!?;:\n)]|[ ](?i:from|here|and)\b|$)")
_RELATED = regex.compile(
    rf"(?<![\w\-])(?i:{'|'.join(sorted(RELATIONS, key=len, reverse=True))})[ ]?,?[ ](?P<name>{_NAME})(?!\w)")
_GREETED = regex.compile(
    rf"(?:^|(?<=[\n.!?]\s{{0,3}}))(?i:hi|hello|hey|dear|thanks|thank you|cheers)[ ,]+(?P<name>{_NAME_WORD})"
    rf"(?=[ ]?[,!:.\n]|$)")
_NOT_NAME_WORDS = NOT_NAME_END | FORM_WORDS | PLACE_PREFIXES | LEADING_NOT_NAME | ner.SENTENCE_STARTERS
_TRIMMED = LEADING_NOT_NAME | TITLES | FORM_WORDS
_NOT_COMPLETED = NOT_NAME_END | LEADING_NOT_NAME | TITLES | FORM_WORDS | ner.SENTENCE_STARTERS
_TITLE_BEFORE = regex.compile(rf"(?<![\w.])(?i:{'|'.join(sorted(TITLES, key=len, reverse=True))})(?:[ ]?\.)?[ ]$")
_WORD_BEFORE = re.compile(r"(?<![\w@.\-])([A-Z][a-zà-ÿ'’\-]+) $")
_WORD_AFTER = re.compile(r" ([A-Z][a-zà-ÿ'’\-]+)(?![\w@\-]|\.\w)")
_CAPITALISED_BEFORE = regex.compile(r"(?<![\w.\-])(\p{Lu}[\p{L}\p{M}'’\-]*)[ ]$")
_CAPITALISED_AFTER = regex.compile(r"[ ](\p{Lu}[\p{L}\p{M}'’\-]*)")
# a capitalised word, its possessive "'s" apart ("Budjana's" → "Budjana")
_CAPITALISED_TOKEN = regex.compile(r"(?<![\w\-])(\p{Lu}[\p{L}\p{M}\-]*(?:['’](?![sS]\b)\p{L}+)*)")
_LOWER_CASE_WORD = regex.compile(r"(?<![\w@.\-/\\])\p{Ll}[\p{Ll}\p{M}'’]{2,}(?![\w@\-/\\]|\.\w)")
_GAP = re.compile(r"\t|\n|  ")
_WORD_RIGHT_BEFORE = regex.compile(r"(?<![\w\-])([\p{L}]+)[ ]$")


class KnownNames(Protocol):
    """Names the case already knows (the share's own people): where they occur in a text."""

    def find(self, text: str) -> Iterable[Span]: ...


@dataclass(frozen=True, slots=True)
class NameOptions:
    """Switches for measuring what each stage costs or saves (``make eval-names --variants``)."""

    sentence_filter: bool = True  # only sentences that could hold a name reach the model
    # a one-word PERSON of the model: "doubt" keeps it unless its neighbourhood says place or heading;
    # "cue" keeps it only with the document's full name, a title or a greeting; "all" keeps every one
    lone_words: str = "doubt"
    memory: bool = True  # later mentions of a named person are found
    entity_cache: bool = True  # the model never reads the same piece of text twice in a worker


@dataclass
class NameMemory:
    """The names a document has shown so far: full names and the words they are made of."""

    names: set[str] = field(default_factory=set)
    lower_words: set[str] = field(default_factory=set)  # words the document writes in lower case
    full_names: dict[str, list[str]] = field(default_factory=dict)  # first word → full names, longest first

    def observe(self, text: str) -> None:
        """Note the words ``text`` writes in lower case: a word the document also writes so ("payment",
        "date", "annex") is a common word, not a name, where it is capitalised."""
        self.lower_words.update(_LOWER_CASE_WORD.findall(text))

    def is_common(self, word: str) -> bool:
        return word.casefold() in self.lower_words

    def learn(self, name: str) -> None:
        words = [w for w in name.split() if _is_name_word(w) and not self.is_common(w)]
        if len(words) > 1 and name not in self.names:
            self.names.add(name)
            first = name.split(" ", 1)[0]
            self.full_names[first] = sorted({*self.full_names.get(first, ()), name}, key=len, reverse=True)
        self.names.update(words)

    def knows(self, word: str) -> bool:
        return word in self.names

    def mentions(self, text: str) -> list[Span]:
        """Where a remembered name (a full name first, else one of its words) stands in ``text`` as a
        whole word; a possessive "'s" is left out. Capitalised words are looked up, no regex is built."""
        if not self.names:
            return []
        spans: list[Span] = []
        pos = 0
        for m in _CAPITALISED_TOKEN.finditer(text):
            start = m.start()
            if start < pos:
                continue
            end = next((start + len(full) for full in self.full_names.get(m.group(1), ())
                        if text.startswith(full, start) and _ends_word(text, start + len(full))), None)
            if end is None and m.group(1) in self.names:
                end = m.end(1)
            if end is not None:
                spans.append((start, end))
                pos = end
        return spans


def _ends_word(text: str, end: int) -> bool:
    return end == len(text) or not (text[end].isalnum() or text[end] in "-_")


def _is_name_word(word: str) -> bool:
    return (len(word) >= 3 and word[0].isupper() and not word.isupper() and word.casefold() not in _NOT_NAME_WORDS
            and not _NOT_A_NAME.search(word))


class PersonFinder:
    """PERSON spans in the texts of one document (see the module docstring)."""

    def __init__(self, options: NameOptions | None = None, known: KnownNames | None = None) -> None:
        self.options = options or NameOptions()
        self.known = known
        self.entity_cache = ner.EntityCache() if self.options.entity_cache else None

    def find(self, texts: Sequence[str], taken: Sequence[Sequence[Span]],
             memory: NameMemory) -> list[list[tuple[int, int, float]]]:
        """PERSON (start, end, score) in each text, none overlapping that text's ``taken`` spans."""
        entities = ner.entities(texts, sentence_filter=self.options.sentence_filter, cache=self.entity_cache)
        votes = _label_votes(texts, entities)
        for text in texts:
            memory.observe(text)
        found: list[list[tuple[int, int, float]]] = [[] for _ in texts]
        lone: list[tuple[int, int, int]] = []

        def add(i: int, start: int, end: int, score: float) -> bool:
            if any(s < end and start < e for s, e in taken[i]) or any(s < end and start < e for s, e, _ in found[i]):
                return False
            found[i].append((start, end, score))
            return True

        for i, text in enumerate(texts):
            for ent in entities[i]:
                if ent.label != "PERSON":
                    continue
                start, end = complete_name(text, *trim_leading(text, *cut_at_gap(text, ent.start, ent.end)))
                if not is_person(text, start, end, votes) or _all_common(text[start:end], memory):
                    continue
                if " " in text[start:end]:
                    if add(i, start, end, MODEL_SCORE):
                        memory.learn(text[start:end])
                else:
                    lone.append((i, start, end))
            for start, end in cue_names(text):
                if is_person(text, start, end, None) and add(i, start, end, CUE_SCORE):
                    memory.learn(text[start:end])
        mode = self.options.lone_words
        for i, start, end in lone:
            text = texts[i]
            if memory.is_common(text[start:end]):
                continue
            if memory.knows(text[start:end]) or _cue_before(text, start) or self._known_at(text, start, end):
                add(i, start, end, MODEL_SCORE)
            elif mode == "all" or (mode == "doubt" and not lone_word_doubted(text, start, end, entities[i])):
                add(i, start, end, LONE_SCORE)
        if self.options.memory:
            for i, text in enumerate(texts):
                blockers = [(e.start, e.end) for e in entities[i] if e.label in MEMORY_BLOCKERS]
                for start, end in memory.mentions(text):
                    if _all_common(text[start:end], memory):
                        continue
                    one_word = " " not in text[start:end]  # a remembered full name outweighs the model's label
                    if stands_alone(text, start, end, memory) and not (one_word and any(
                            s < end and start < e for s, e in blockers)):
                        add(i, start, end, MEMORY_SCORE)
        if self.known is not None:
            for i, text in enumerate(texts):
                for start, end in self.known.find(text):
                    add(i, start, end, MEMORY_SCORE)
        for spans in found:
            spans.sort()
        return found

    def _known_at(self, text: str, start: int, end: int) -> bool:
        return self.known is not None and any(s <= start and end <= e for s, e in self.known.find(text[start:end]))


def _all_common(name: str, memory: NameMemory) -> bool:
    """Every word of ``name`` (initials and particles aside) is one the document writes in lower case."""
    words = [w for w in name.split() if len(w) >= 3]
    return bool(words) and all(memory.is_common(w) for w in words)


def cut_at_gap(text: str, start: int, end: int) -> Span:
    """A span that runs over a tab, a line break or a double space ends before it ("Devon Okafor<TAB>Platform")."""
    gap = _GAP.search(text, start, end)
    return (start, gap.start()) if gap and gap.start() > start else (start, end)


def _label_votes(texts: Sequence[str], entities: Sequence[Sequence[ner.Entity]]) -> Counter[tuple[str, bool]]:
    """(surface string, is PERSON) → how often the model labelled it so in this document."""
    votes: Counter[tuple[str, bool]] = Counter()
    for text, ents in zip(texts, entities, strict=True):
        for e in ents:
            if e.label == "PERSON":
                start, end = trim_leading(text, *cut_at_gap(text, e.start, e.end))  # "Reach Arjun Iyer" votes
                votes[text[start:end], True] += 1                                   # for "Arjun Iyer"
            elif e.label in OTHER_LABELS:
                votes[text[e.start:e.end], False] += 1
    return votes


def cue_names(text: str) -> list[Span]:
    """Names the words before them mark as names: titles, self-introductions, greetings."""
    spans = []
    for rx in (_TITLED, _INTRODUCED, _GREETED, _RELATED):
        for m in rx.finditer(text):
            start, end = m.span("name")
            if start >= 0 and text[start:end].casefold() not in NOT_GREETED:
                spans.append(_trim_name_end(text, start, end))
    return spans


def _trim_name_end(text: str, start: int, end: int) -> Span:
    """Drop trailing words that are sentence words, not names ("priya and" → "priya")."""
    words = text[start:end].split(" ")
    while len(words) > 1 and (words[-1].casefold() in ner.SENTENCE_STARTERS or words[-1].casefold() in TITLES):
        words.pop()
    return start, start + len(" ".join(words))


# Before a one-word name, these say it is a place ("in Lyon", "near Aisby").
PLACE_PREPOSITIONS = frozenset("in at near into across around outside inside towards toward onto within".split())
_MARKUP_BEFORE = re.compile(r"^[\s#|*>•\-]*(?:\d{1,3}[.)][\s]*)?$")
_COMMA_AFTER = re.compile(r"[ ]?,[ ]")


def lone_word_doubted(text: str, start: int, end: int, entities: Sequence[ner.Entity]) -> bool:
    """What makes a one-word PERSON doubtful: an acronym, a place preposition before it ("in Lyon"), a
    place after a comma ("Málaga, Spain"), or only markup before it on its line (a heading, a table cell or
    a list item: "## Grammar", "| Complete")."""
    if text[start:end].isupper():
        return True
    line_start = text.rfind("\n", 0, start) + 1
    head = text[line_start:start]
    cell = head[head.rfind("|") + 1:] if "|" in head else None
    if (head.strip() and _MARKUP_BEFORE.match(head)) or (cell is not None and not cell.strip()):
        return True
    words = head.split()
    if words and words[-1].casefold() in PLACE_PREPOSITIONS:
        return True
    comma = _COMMA_AFTER.match(text, end)
    return bool(comma) and any(e.start == comma.end() and e.label in ("GPE", "LOC") for e in entities)


def _cue_before(text: str, start: int) -> bool:
    """A title or a greeting right before ``start``."""
    head = text[max(0, start - 20):start]
    return bool(_GREETING_BEFORE.search(head) or _TITLE_BEFORE.search(head))


def is_plausible_person(name: str) -> bool:
    """Drop what the small model calls a person but no analyst would (codes, one letter, shouting)."""
    words = name.split()
    if not words or len(name) > 60 or len(words) > 5 or _NOT_A_NAME.search(name):
        return False
    if not all(w[0].isupper() for w in words if w[0].isalpha() and not regex.fullmatch(_PARTICLE, w)):
        return False
    if name.isupper() and len(name) > 4:
        return False
    return sum(c.isalpha() for c in name) >= 3


def is_person(text: str, start: int, end: int, votes: Counter[tuple[str, bool]] | None) -> bool:
    """Whether a span the model (or a cue) calls a person is worth an analyst's time."""
    name = text[start:end]
    if not is_plausible_person(name):
        return False
    words = name.split()
    last = words[-1].casefold().strip(".,")
    if last in NOT_NAME_END or words[0].casefold() in ARTICLES | PLACE_PREFIXES:
        return False
    if last in AMBIGUOUS_PLACE_WORDS and _addressed(text, start, words):
        return False  # "14 Crown Lane", "on Lovers Lane", not "Diane Lane" or "Ji-woo Park"
    if any(w.casefold() in FORM_WORDS or w in ("-", "–", "—", "&", "/") for w in words):
        return False
    after = _CAPITALISED_AFTER.match(text, end)
    if after and after.group(1).casefold().strip(".,") in NOT_NAME_END:
        return False  # "Watson School", "Davis Gym": the name of a place or a body
    if _quoted(text, start, end):
        return False  # "Hunter", "A Beautiful Lie": the title of a work
    before = _WORD_RIGHT_BEFORE.search(text, max(0, start - 24), start)
    if before and (before.group(1).casefold() in ARTICLES or before.group(1) in THING_NOUNS):
        return False  # "the Bruins", "The Robert C. Byrd …", "band Killing Joke"
    # the document mostly calls these words a place or an organisation
    return votes is None or votes[name, False] <= votes[name, True]


# Before a place's name: a house number or one of these ("on Lovers Lane", "near Crown Hill").
_ADDRESS_BEFORE = regex.compile(
    r"(?:\d[\w\-/]*|(?i:on|at|in|near|along|off|via|to|from|down|up|onto|into|across|past|behind|opposite))[ ,]*$")


def _addressed(text: str, start: int, words: list[str]) -> bool:
    """A street or building written as one: a number or a place preposition before it, or a possessive
    before its last word ("King's Court")."""
    if _ADDRESS_BEFORE.search(text, max(0, start - 16), start):
        return True
    return len(words) > 1 and words[-2].casefold().endswith(("'s", "’s"))


def _quoted(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 2):start].rstrip()
    after = text[end:end + 2].lstrip()
    return bool(before) and bool(after) and before.endswith(_QUOTES_OPEN) and after.startswith(_QUOTES_CLOSE)


def stands_alone(text: str, start: int, end: int, memory: NameMemory) -> bool:
    """A remembered name is a mention only when it is not inside another capitalised phrase
    ("Watson School", "Emil Touma Institute"): the words right before and after are not capitalised
    (a title or greeting before is fine; so is a sentence start)."""
    before = _CAPITALISED_BEFORE.search(text, max(0, start - 40), start)
    if before and before.group(1).casefold().strip(".") not in TITLES | LEADING_NOT_NAME | ARTICLES:
        return False
    if before and before.group(1).casefold() in ARTICLES:
        return False  # "The Reading", "A Beautiful …"
    after = _CAPITALISED_AFTER.match(text, end)
    return not (after and not after.group(1).isupper())


def trim_leading(text: str, start: int, end: int) -> Span:
    """Drop leading words such as "Reach" or "Thanks" from a PERSON span that has more after them."""
    while True:
        space = text.find(" ", start, end)
        if space == -1 or text[start:space].casefold().strip(",:") not in _TRIMMED:
            return start, end
        start = space + 1


def complete_name(text: str, start: int, end: int) -> Span:
    """A one-word PERSON with a capitalised word right before or after it is that two-word name: the
    small model often tags "Santos" in "Emeka Santos" but not the unfamiliar given name."""
    if " " in text[start:end]:
        return start, end
    after = _WORD_AFTER.match(text, end)
    if after and after.group(1).casefold() not in _NOT_COMPLETED:
        return start, after.end(1)
    before = _WORD_BEFORE.search(text, max(0, start - 32), start)
    if before and before.group(1).casefold() not in _NOT_COMPLETED:
        return before.start(1), end
    return start, end
