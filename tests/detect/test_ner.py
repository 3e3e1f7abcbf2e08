"""The NER stage: the real spaCy model, run only on the sentences that could hold a name."""

from __future__ import annotations

import tracemalloc

from scanners.detect.ner import Entity, EntityCache, could_hold_name, entities, load_nlp, name_spans


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


SIGNATURE = "Best regards,\nWanjiru Kamau\nPayout Operations, Halcyon Labs, Nairobi"


def test_the_cache_gives_what_the_model_gives_with_offsets_in_each_text() -> None:
    texts = [SIGNATURE,
             "the payout is late again.\n\n" + SIGNATURE,  # the same piece further in
             "Please ask Amara Okafor to re-check batch 7.",
             SIGNATURE]
    cache = EntityCache()
    cached = entities(texts, cache=cache)
    assert cached == entities(texts)  # the model alone, no cache
    assert [texts[1][e.start:e.end] for e in cached[1]] == [SIGNATURE[e.start:e.end] for e in cached[0]]
    # the signature was read once: its two repeats came from the cache
    assert (cache.misses, cache.hits, len(cache), cache.saved_chars) == (2, 2, 2, 2 * len(SIGNATURE))
    again = entities(texts, cache=cache)
    assert again == cached and (cache.misses, cache.hits) == (2, 6)


def test_a_piece_the_cache_holds_does_not_reach_the_model() -> None:
    text = "Please ask Wanjiru Kamau in Nairobi to confirm the payout."
    cache = EntityCache()
    cache.put(cache.key(text), (Entity(0, 6, "FROM_THE_CACHE"),))
    assert entities(["the total is due.\n" + text], cache=cache) == [[Entity(18, 24, "FROM_THE_CACHE")]]
    assert cache.misses == 0


def test_the_cache_is_bounded_and_drops_the_least_recently_used() -> None:
    one = (Entity(1000, 1012, "PERSON"),)
    cache = EntityCache(max_bytes=10 * (EntityCache.ENTRY_BYTES + EntityCache.ENTITY_BYTES))
    for n in range(10):
        cache.put(cache.key(f"text {n}"), one)
    assert cache.get(cache.key("text 0")) == one  # used: now the most recent
    for n in range(10, 15):
        cache.put(cache.key(f"text {n}"), one)
    assert len(cache) == 10 and cache.size <= cache.max_bytes
    assert cache.get(cache.key("text 0")) == one
    assert cache.get(cache.key("text 1")) is None  # the oldest unused went first


def test_the_size_estimate_holds_what_the_entries_really_take() -> None:
    tracemalloc.start()
    try:
        cache = EntityCache(max_bytes=2 * 2**20)
        for n in range(20_000):
            cache.put(cache.key(f"text {n}"), tuple(Entity(40 * k + 1000, 40 * k + 1012, "PERSON")
                                                    for k in range(n % 5)))
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert cache.size <= cache.max_bytes < len(cache) * EntityCache.ENTRY_BYTES * 2
    assert held < cache.max_bytes * 1.1


def test_the_model_runs_ner_alone_and_finds_what_the_full_pipeline_finds() -> None:
    import spacy

    from spill.model_integrity import verified_data_dir

    assert load_nlp().pipe_names == ["ner"]  # the shared tok2vec only feeds the excluded parser and tagger
    full = spacy.load(verified_data_dir(), exclude=["parser", "tagger", "lemmatizer", "attribute_ruler"])
    assert "tok2vec" in full.pipe_names
    texts = ["Please ask Wanjiru Kamau in Nairobi to confirm the payout by 3 March.",
             "Best regards,\nTobias Reinholt\nVendor Success, Halcyon Labs, Berlin", SIGNATURE]
    ours = [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in load_nlp().pipe(texts)]
    assert ours == [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in full.pipe(texts)]
    assert ("Wanjiru Kamau", "PERSON") in {(texts[0][s:e], label) for s, e, label in ours[0]}
