"""Person names in prose: the real model's spans judged by spill's name rules (names.py).

The texts are written for these tests (vendor chat, mail and notes in the shapes a share holds);
none comes from an evaluation set.
"""

from __future__ import annotations

import pytest

from scanners.detect.names import (
    NameMemory,
    NameOptions,
    PersonFinder,
    complete_name,
    cue_names,
    cut_at_gap,
    is_person,
    stands_alone,
    trim_leading,
)


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def _names(texts: list[str], finder: PersonFinder | None = None, memory: NameMemory | None = None) -> list[list[str]]:
    finder = finder or PersonFinder()
    found = finder.find(texts, [[] for _ in texts], memory or NameMemory())
    return [[t[s:e] for s, e, _ in spans] for t, spans in zip(texts, found, strict=True)]


@pytest.mark.parametrize("text, tagged, expected", [
    ("Reach Arjun Bautista at his mail.", "Reach Arjun Bautista", "Arjun Bautista"),
    ("Thanks Maria Santos, see you.", "Thanks Maria Santos", "Maria Santos"),
    ("Maria Santos wrote back.", "Maria Santos", "Maria Santos"),
    ("Reviewed by Dr Ana Lim.", "Dr Ana Lim", "Ana Lim"),  # a title is not part of the name
])
def test_leading_words_the_model_glues_on_are_trimmed(text: str, tagged: str, expected: str) -> None:
    start, end = trim_leading(text, *_span(text, tagged))
    assert text[start:end] == expected


@pytest.mark.parametrize("text, tagged, expected", [
    ("Hi team, Emeka Santos asked about the batch.", "Santos", "Emeka Santos"),
    ("Then Emeka Santos replied.", "Emeka", "Emeka Santos"),
    ("Thanks Santos, all good.", "Santos", "Santos"),        # a greeting word is not a given name
    ("Payments by Halcyon Labs today.", "Halcyon", "Halcyon"),  # an organisation word is not a surname
    ("email santos@x.com. Santos left", "Santos", "Santos"),
])
def test_a_one_word_name_takes_the_capitalised_word_beside_it(text: str, tagged: str, expected: str) -> None:
    start, end = complete_name(text, *_span(text, tagged))
    assert text[start:end] == expected


def test_a_span_ends_at_a_tab_or_a_double_space() -> None:
    text = "Devon Okafor\tPlatform Engineer\tdevon@x.io"
    start, end = cut_at_gap(text, *_span(text, "Devon Okafor\tPlatform Engineer"))
    assert text[start:end] == "Devon Okafor"


@pytest.mark.parametrize("text, span, keep", [
    ("Halcyon Labs paid the batch.", "Halcyon Labs", False),          # an organisation word at the end
    ("Meet me at 14 Crown St tomorrow.", "Crown St", False),          # a street
    ("The party is on Lovers Lane tonight.", "Lovers Lane", False),   # a lane, after a place preposition
    ("Diane Lane and Ji-woo Park signed.", "Diane Lane", True),        # Lane and Park are surnames too
    ("Diane Lane and Ji-woo Park signed.", "Ji-woo Park", True),
    ("She studied at the Watson School of Biology.", "Watson", False),  # inside a place's name
    ("The band Killing Joke played.", "Killing Joke", False),          # a thing named by the noun before it
    ('Their single "Maria Lopez" charted.', "Maria Lopez", False),     # a quoted title
    ("The Robert Byrd Center opened.", "Robert Byrd", False),          # an article before it
    ("Flights to São Paulo are late.", "São Paulo", False),            # a place name's first word
    ("Annex B - Payment details", "Annex B - Payment", False),         # form words of a flattened PDF
    ("Paid ABC-1234 yesterday.", "ABC-1234", False),                   # a code
    ("Maria Santos confirmed the payout.", "Maria Santos", True),
])
def test_is_person_rejects_what_is_not_a_person(text: str, span: str, keep: bool) -> None:
    assert is_person(text, *_span(text, span), None) is keep


@pytest.mark.parametrize("text, expected", [
    ("Please loop in Dr. Burke on the KYC case.", ["Burke"]),
    ("Ms Jones approved it; Senator Warren did not.", ["Jones", "Warren"]),
    ("hey all, my name is priya sharma and I joined today", ["priya sharma"]),
    ("Hi, I'm Kwame Mensah from the payouts team.", ["Kwame Mensah"]),
    ("Hi Amara,\nthe batch is ready.", ["Amara"]),
    ("Thanks Team, great work.", []),                                   # a group, not a name
    ("His wife, Karen, signed the form.", ["Karen"]),
    ("Angela Carder (née Stone) was treated there.", ["Stone"]),
])
def test_cues_name_people_without_the_model(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in cue_names(text)] == expected


def _scored(texts: list[str], finder: PersonFinder | None = None) -> list[list[tuple[str, float]]]:
    finder = finder or PersonFinder()
    found = finder.find(texts, [[] for _ in texts], NameMemory())
    return [[(t[s:e], score) for s, e, score in spans] for t, spans in zip(texts, found, strict=True)]


def test_a_lone_word_is_backed_by_the_documents_full_name() -> None:
    texts = ["Please ask Wanjiru Kamau to confirm the SAFFRON batch.",
             "Kamau finished 40 tasks; Kamau asked for the rate card."]
    assert _names(texts) == [["Wanjiru Kamau"], ["Kamau", "Kamau"]]  # named in full before: every mention
    assert _names(["Kamau finished 40 tasks."], PersonFinder(NameOptions(memory=False, lone_words="cue"))) == [[]]


@pytest.mark.parametrize("text, word", [
    ("The payout team moved to an office in Lyon last spring.", "Lyon"),    # a place preposition before it
    ("Maria Lopez, Málaga, Spain; passport on file.", "Málaga"),            # a country after a comma
    ("## Grammar and punctuation\nUse the serial comma.", "Grammar"),       # a markdown heading
    ("| 6 | Very good | Complete, accurate, well organised |", "Complete"),  # a table cell
    ("Use MLA format for citations.", "MLA"),                                 # an acronym
])
def test_a_doubtful_lone_word_is_dropped(text: str, word: str) -> None:
    from scanners.detect.names import lone_word_doubted

    assert word not in [n for n, _ in _scored([text])[0]]
    start = text.index(word)
    if word != "Málaga":  # the country after the comma is the model's GPE; the rest needs no model
        assert lone_word_doubted(text, start, start + len(word), [])


def test_an_unbacked_lone_word_scores_lower_and_cue_mode_drops_it() -> None:
    text = "Thanks for the update. Otieno will send the sheet tomorrow."
    lone = dict(_scored([text])[0])
    if "Otieno" in lone:  # the small model's call: when it says PERSON, the word stands at a lower score
        assert lone["Otieno"] < 0.85
    assert _names([text], PersonFinder(NameOptions(lone_words="cue"))) == [[]]


def test_the_memory_carries_over_batches_and_learns_from_the_pattern_rules() -> None:
    memory = NameMemory()
    memory.learn("Tobias Reinholt")  # say, the display name of the From header
    assert _names(["Tobias, please send the February sheet."], memory=memory) == [["Tobias"]]
    assert memory.knows("Reinholt")


def test_words_the_document_writes_in_lower_case_are_not_remembered() -> None:
    memory = NameMemory()
    memory.observe("the payment went out on the date agreed")
    memory.learn("Payment Date")
    assert not memory.knows("Payment") and not memory.knows("Date")


def test_a_remembered_name_inside_another_capitalised_phrase_is_not_a_mention() -> None:
    memory = NameMemory()
    memory.learn("James Watson")
    text = "Watson said the Watson School Gala was fine."
    spans = memory.mentions(text)
    assert [text[s:e] for s, e in spans if stands_alone(text, s, e, memory)] == ["Watson"]


class _Roster:
    """A known-names matcher as the people stage would build it from the share."""

    def __init__(self, names: list[str]) -> None:
        self.names = names

    def find(self, text: str):
        for name in self.names:
            start = text.find(name)
            while start != -1:
                yield start, start + len(name)
                start = text.find(name, start + 1)


def test_known_names_are_found_and_accepted_as_one_word_names() -> None:
    finder = PersonFinder(NameOptions(lone_words="cue"), known=_Roster(["Yussuf"]))
    assert _names(["ok, Yussuf will redo batch 12."], finder) == [["Yussuf"]]
    strict = PersonFinder(NameOptions(lone_words="cue"))
    assert _names(["ok, Yussuf will redo batch 12."], strict) == [[]]  # without the roster: an unbacked lone word


def test_a_worker_reads_repeated_boilerplate_once_and_finds_the_same_names() -> None:
    signature = "Kind regards,\nTobias Reinholt\nVendor Success, Halcyon Labs"
    documents = [[f"batch {n} is ready for review.\n\n{signature}", "Emeka Santos asked about the payout.",
                  f"Please send it to Lakshmi Iyer before Friday.\n\n{signature}"] for n in range(3)]
    cached, uncached = PersonFinder(), PersonFinder(NameOptions(entity_cache=False))
    assert uncached.entity_cache is None
    found = [_names(texts, cached) for texts in documents]
    assert found == [_names(texts, uncached) for texts in documents]
    assert found[2][0] == ["Tobias Reinholt"] and found[2][2] == ["Lakshmi Iyer", "Tobias Reinholt"]
    cache = cached.entity_cache
    # three pieces reached the model (the signature, two sentences); their 9 repeats came from the cache
    assert cache is not None and (cache.misses, cache.hits) == (3, 9)
