"""The NER stage: the real spaCy model, run only on the sentences that could hold a name."""

from __future__ import annotations

from scanners.detect.ner import could_hold_name, entities, name_spans


def test_entities_carry_every_label_with_offsets_in_the_text() -> None:
    texts = ["Please ask Wanjiru Kamau in Nairobi to confirm the payout.", "12345 67890", ""]
    found = entities(texts)
    labels = {texts[0][e.start:e.end]: e.label for e in found[0]}
    assert labels["Wanjiru Kamau"] == "PERSON"
    assert labels["Nairobi"] == "GPE"  # the other labels are kept: the name rules use them
    assert found[1] == [] and found[2] == []


def test_only_sentences_that_could_hold_a_name_reach_the_model() -> None:
    text = ("The response is helpful and accurate. It explains the steps clearly.\n"
            "Amara asked for a re-review. Please ask Wanjiru Kamau to confirm.\n"
            "Overall the answer is correct but verbose.")
    kept = [text[lo:hi] for lo, hi in name_spans(text)]
    assert kept == ["Amara asked for a re-review. Please ask Wanjiru Kamau to confirm."]
    assert name_spans("This is fine. We rate it 5/7.") == []
    spans = [text[e.start:e.end] for e in entities([text])[0] if e.label == "PERSON"]
    assert "Wanjiru Kamau" in spans  # offsets are the whole text's


def test_without_the_sentence_filter_each_text_is_read_whole() -> None:
    texts = ["It is long. Then Amara Okafor reviewed it with Wanjiru Kamau."]
    # the small model's labels for unfamiliar names vary (here GPE and ORG): the name rules judge them
    spans = [texts[0][e.start:e.end] for e in entities(texts, sentence_filter=False)[0]]
    assert spans == ["Amara Okafor", "Wanjiru Kamau"]


def test_a_lower_case_introduction_could_hold_a_name() -> None:
    assert could_hold_name("hi, my name is priya sharma")
    assert not could_hold_name("all lower case and no introduction")
