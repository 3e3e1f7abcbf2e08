"""spill.redact: what a stored snippet, locator or reason may still show."""

from __future__ import annotations

import pytest

from spill.redact import Redactor


@pytest.fixture
def redactor() -> Redactor:
    return Redactor(b"k" * 32)


@pytest.mark.parametrize("text, expected", [
    # digit runs and ID-shaped tokens no rule claimed
    ("ref 88231-77 ok", "ref •••••-•• ok"),
    ("acct AB1234567, Q3, 2nd, 12 items", "acct •••••••••, Q3, 2nd, 12 items"),
    # an e-mail's mailbox and a handle; the domain stays (it says which provider)
    ("mail priya.s@gmail.com or @psharma", "mail •••••.•@gmail.com or @•••••••"),
    # a long random-looking token (a key without digits)
    ("token AbCdEfGhIjKlMnOpQrStUvWxYz end", "token •••••••••••••••••••••••••• end"),
    # a token with a digit cut by the snippet's edge
    ("34 5678 tail 9", "•• •••• tail •"),
    # ordinary words stay
    ("Please update the payout sheet", "Please update the payout sheet"),
])
def test_snippet_masks_shapes_keeping_length(redactor: Redactor, text: str, expected: str) -> None:
    assert redactor.snippet(text) == expected
    assert len(redactor.snippet(text)) == len(text)


def test_snippet_masks_the_words_of_known_values_whatever_their_case(redactor: Redactor) -> None:
    assert redactor.learn("Priya Sharma") and not redactor.learn("PRIYA sharma")  # same words, nothing new
    assert redactor.snippet("Met SHARMA, priya and Sharmaji") == "Met ••••••, ••••• and Sharmaji"


def test_snippet_leaves_the_findings_own_preview_alone(redactor: Redactor) -> None:
    text = "card •••• •••• •••• 6467 and 4111"
    assert redactor.snippet(text, (5, 24)) == "card •••• •••• •••• 6467 and ••••"


def test_values_with_digits_or_at_teach_no_words(redactor: Redactor) -> None:
    # their shape masks them; their words (gmail, com, WEST) would mask ordinary text
    assert redactor.learn("priya@gmail.com") == [] and redactor.learn("GB82 WEST 1234 5698 7654 32") == []
    assert redactor.snippet("the west gmail com") == "the west gmail com"


def test_masking_twice_changes_nothing(redactor: Redactor) -> None:
    redactor.learn("Amara Obi")
    once = redactor.snippet("Amara Obi (AB12345) at amara@x.org, 078-05-1120", (0, 0))
    assert redactor.snippet(once) == once


def test_locators_mask_data_not_structure(redactor: Redactor) -> None:
    redactor.learn("Zanele Okafor")
    loc = {"sheet": "Payouts 2024", "cell": "D14", "column": "Zanele Okafor", "ts": "1709546400.000100",
           "json_path": '$.payees["bob@example.org"].accounts[12].iban', "row": 3}
    assert redactor.locator(loc) == {
        "sheet": "Payouts 2024", "cell": "D14", "column": "•••••• ••••••", "ts": "1709546400.000100",
        "json_path": '$.payees["•••@example.org"].accounts[12].iban', "row": 3}


def test_reasons_mask_what_a_parser_quotes(redactor: Redactor) -> None:
    assert redactor.reason("could not convert string to float: 'alice@x.org 12345'") == (
        "could not convert string to float: '•••••@x.org •••••'")
    assert redactor.reason("zip bomb: ratio 404 > 200") == "zip bomb: ratio 404 > 200"
    assert redactor.reason("'utf-8' codec can't decode byte 0xff") == "'•••-•' codec can't decode byte 0xff"
    assert redactor.reason("invalid value 'AB12345") == "invalid value '•••••••"  # cut short, still masked


def _reference_snippet(redactor: Redactor, text: str, keep: tuple[int, int]) -> str:
    """The masking rules of the module docstring, one character at a time (slow and obvious)."""
    import re

    hidden = [False] * len(text)
    for m in re.finditer(r"[^\s,;:()\[\]{}<>\"'`|=]+", text):
        token, at, end = m.group(), m.start(), m.end()
        digits, letters = sum(c.isdigit() for c in token), sum(c.isalpha() for c in token)
        inner = token[1:]
        random_like = len(token) >= 24 and any(c.isupper() for c in inner) and any(c.islower() for c in inner)
        span = None
        if "@" in token[1:] and any(c.isalpha() for c in token[token.rindex("@") + 1:]):
            span = (at, at + token.rindex("@"))
        elif token.startswith("@") and letters:
            span = (at + 1, end)
        elif (digits >= 3 or (digits and letters and digits + letters >= 4) or random_like
              or (digits and (at == 0 or end == len(text)))):  # the last: cut by the snippet's edge
            span = (at, end)
        for i in range(*span) if span else ():
            hidden[i] = True
    for m in re.finditer(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*", text):
        if len(m.group()) >= 2 and redactor.word_id(m.group()) in redactor.known:
            for i in range(m.start(), m.end()):
                hidden[i] = True
    return "".join("•" if hidden[i] and c.isalnum() and not keep[0] <= i < keep[1] else c for i, c in enumerate(text))


def test_snippet_agrees_with_the_rules_read_one_character_at_a_time(redactor: Redactor) -> None:
    import random

    rng = random.Random(5)
    pieces = [*"abcXYZ019@._-' ,;:()[]{}<>\"`|=•\n\tÉ٣Ⅷ_", "Amara", "Obi", "gmail", "AbCdEfGhIjKlMnOpQrStUvWxYz",
              "priya.s@gmail.com", "GB82 WEST 1234", "•••• 6467"]
    redactor.learn("Amara Obi")
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        keep = (rng.randint(0, len(text)), rng.randint(0, len(text)))
        assert redactor.snippet(text, keep) == _reference_snippet(redactor, text, keep), (text, keep)
