from __future__ import annotations

import pytest

from spill.mask import mask, mask_context


@pytest.mark.parametrize("value, etype, expected", [
    ("priya.sharma@gmail.com", "EMAIL_ADDRESS", "pr•••@gmail.com"),
    ("4539 1488 0343 6467", "CREDIT_CARD", "•••• •••• •••• 6467"),
    ("Priya Sharma", "PERSON", "P••• S•••"),
    ("GB82 WEST 1234 5698 7654 32", "IBAN_CODE", "•••• •••• •••• •••• ••54 32"),
])
def test_mask_keeps_only_a_recognisable_part(value: str, etype: str, expected: str) -> None:
    assert mask(value, etype) == expected


def test_mask_never_returns_a_secret_whole() -> None:
    token = "ghp_" + "a1B2c3D4e5" * 4
    masked = mask(token, "GITHUB_TOKEN")
    assert masked.startswith("ghp_") and "a1B2c3D4e5" not in masked


def test_mask_context_masks_every_value_in_the_snippet() -> None:
    text = "Pay Priya Sharma at priya@x.example, IBAN DE89370400440532013000 today"
    spans = [(4, 16, "PERSON"), (20, 35, "EMAIL_ADDRESS"), (42, 64, "IBAN_CODE")]
    snippet, s, e = mask_context(text, (42, 64), spans, "IBAN_CODE")
    assert "Priya" not in snippet and "priya@x" not in snippet and "0532013000" not in snippet
    assert snippet[s:e] == mask("DE89370400440532013000", "IBAN_CODE")


def test_mask_context_shows_no_digit_of_a_value_cut_by_the_window() -> None:
    # an SSN cut by the window's edge used to show 4 of its digits beside the preview's 4 (7 of 9 in all)
    text = "x" * 60 + " card 4539 1488 0343 6467 then SSN 078-05-1120 and more text"
    card = (text.index("4539"), text.index("4539") + 19)
    ssn = (text.index("078"), text.index("078") + 11)
    for target, etype, width in ((card, "CREDIT_CARD", 12), (ssn, "US_SSN", 22)):
        snippet, s, e = mask_context(text, target, [(*card, "CREDIT_CARD"), (*ssn, "US_SSN")], etype, width)
        outside = snippet[:s] + snippet[e:]
        assert not any(c.isdigit() for c in outside), snippet


def test_mask_context_overlapping_detections_hide_every_character() -> None:
    text = "ref Priya Sharma-Iyer 2024"
    snippet, s, e = mask_context(text, (4, 16), [(4, 16, "PERSON"), (10, 21, "PERSON")], "PERSON")
    assert snippet[s:e] == "P••• S•••" and "Iyer" not in snippet and "ma-" not in snippet
