"""Person names: the real spaCy model through spill's filters (trimming, completing, dropping)."""

from __future__ import annotations

import pytest

from scanners.detect.ner import complete_name, find_persons, keep_person, trim_leading


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


@pytest.mark.parametrize("text, tagged, expected", [
    ("Reach Arjun Bautista at his mail.", "Reach Arjun Bautista", "Arjun Bautista"),
    ("Thanks Maria Santos, see you.", "Thanks Maria Santos", "Maria Santos"),
    ("Maria Santos wrote back.", "Maria Santos", "Maria Santos"),
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


def test_the_filters_drop_organisations_codes_and_lone_words() -> None:
    text = "Halcyon Labs paid ABC-1234 and Santos."
    assert not keep_person(text, *_span(text, "Halcyon Labs"))
    assert not keep_person(text, *_span(text, "ABC-1234"))
    assert not keep_person(text, *_span(text, "Santos"))
    greeting = "Hi Santos, the batch is late."
    assert keep_person(greeting, *_span(greeting, "Santos"))


def test_find_persons_runs_the_model_only_where_a_name_can_be() -> None:
    texts = ["Please ask Wanjiru Kamau to confirm the payout.", "12345 67890", ""]
    spans = find_persons(texts)
    assert [texts[0][s:e] for s, e in spans[0]] == ["Wanjiru Kamau"]
    assert spans[1] == [] and spans[2] == []


def test_only_sentences_that_could_hold_a_name_reach_the_model() -> None:
    from scanners.detect.ner import name_spans

    text = ("The response is helpful and accurate. It explains the steps clearly.\n"
            "Amara asked for a re-review. Please ask Wanjiru Kamau to confirm.\n"
            "Overall the answer is correct but verbose.")
    kept = [text[lo:hi] for lo, hi in name_spans(text)]
    assert kept == ["Amara asked for a re-review. Please ask Wanjiru Kamau to confirm."]
    assert name_spans("This is fine. We rate it 5/7.") == []
    spans = find_persons([text])[0]
    assert "Wanjiru Kamau" in [text[s:e] for s, e in spans]  # offsets are the whole text's
