"""Plain text: encodings, paragraph blocks, and windows over huge files with exact offsets."""

from __future__ import annotations

import io
import random

import pytest

from scanners.extract import Limits
from scanners.extract.text import extract
from scanners.extract.textio import decode_all, sniff_encoding

SAMPLE = "Contractor: José Müller, Straße 5, Zürich — “paid” €1.200\n\nSecond paragraph, naïve café.\n"


def segments(data: bytes, limits: Limits | None = None) -> list:
    return list(extract(io.BytesIO(data), limits or Limits()))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1252"])
def test_text_decodes_every_encoding(encoding: str) -> None:
    data = SAMPLE.encode(encoding)
    texts = [s.text for s in segments(data)]
    assert texts == ["Contractor: José Müller, Straße 5, Zürich — “paid” €1.200", "Second paragraph, naïve café."]


def test_text_never_fails_on_undecodable_bytes() -> None:
    data = b"valid start " * 1000 + b"\x81\x8d\xff\xfe end"  # cp1252 holes after a UTF-8 looking head
    text = "".join(s.text for s in segments(data))
    assert text.endswith("end")
    assert sniff_encoding(b"\xe9t\xe9 \xe0 Paris, Fran\xe7ois M\xfcller") in ("cp1252", "cp1250", "latin_1")


def test_text_blocks_have_exact_offsets_lines_and_prose() -> None:
    text = "Title\n\n  Jane Doe lives at 12 Main Street and works as a labeler for us.\nSecond line\n\n\n\nend"
    segs = segments(text.encode())
    assert [s.text for s in segs] == [
        "Title",
        "Jane Doe lives at 12 Main Street and works as a labeler for us.\nSecond line",
        "end",
    ]
    for s in segs:
        assert text[s.offset : s.offset + len(s.text)] == s.text
        assert s.line == text.count("\n", 0, s.offset) + 1
    assert segs[1].prose is True
    assert segs[0].prose is None


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_text_windows_cover_a_value_on_the_boundary(encoding: str) -> None:
    # Source: synthetic. A 22-char IBAN placed across the 1000-char window edge must sit wholly in
    # one window; every window's offset and line must be exact.
    rng = random.Random(7)
    words = ["alpha", "beta", "gamma", "délta", "€uro", "ñame"]
    text = "".join(rng.choice(words) + rng.choice([" ", "\n"]) for _ in range(2000))
    value = "GB82WEST12345698765432"
    text = text[:990] + value + text[990:]
    limits = Limits(chunk_chars=1000, chunk_overlap=64)
    segs = segments(text.encode(encoding), limits)
    assert len(segs) > 5
    assert any(value in s.text for s in segs)
    covered = 0
    for s in segs:
        assert s.offset is not None and s.offset <= covered  # no gaps
        assert text[s.offset : s.offset + len(s.text)] == s.text
        assert s.line == text.count("\n", 0, s.offset) + 1
        assert len(s.text) <= 1000
        covered = s.offset + len(s.text)
    assert covered == len(text)


def test_text_windows_when_file_is_exactly_a_window() -> None:
    limits = Limits(chunk_chars=100, chunk_overlap=10)
    assert [s.text for s in segments(b"x" * 100, limits)] == ["x" * 100]
    segs = segments(b"y" * 101, limits)
    assert [(s.offset, len(s.text)) for s in segs] == [(0, 100), (90, 11)]


def test_decode_all_matches_streaming_decoder() -> None:
    data = SAMPLE.encode("cp1252") * 3
    assert decode_all(data) == SAMPLE * 3
