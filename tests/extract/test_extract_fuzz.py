"""Hypothesis: random and mutated bytes into every extractor. The only acceptable outcomes are
segments, members, or ``Unreadable`` (``Skipped`` included) — never another exception, never a hang.
Members are opened and read, and containers are walked a few levels deep."""

from __future__ import annotations

import functools
import io
import json

import pytest
from cfb_writer import build_msg
from extract_helpers import (
    FUZZ_LIMITS,
    consume,
    make_docx,
    make_eml,
    make_gzip,
    make_pdf,
    make_pptx,
    make_tar,
    make_xlsx,
    make_zip,
    read_all,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanners.extract import EXTRACTORS, Member
from spill.errors import Unreadable
from spill.model import Segment

CSV = b"name,email,iban\nJane Doe,jane@example.com,GB82 WEST 1234 5698 7654 32\nBob,bob@example.org,\n"


@functools.cache
def samples() -> dict[str, tuple[str, bytes]]:
    """One small valid file per format: name -> (file name, bytes)."""
    slack = [{"type": "message", "text": "Jane's phone is 415 555 0123", "ts": "1.1", "user": "U1"}]
    return {
        "text": ("notes.txt", "Jane Doe\n\nlives in Zürich, phone +41 44 668 18 00\n".encode()),
        "utf16": ("notes.txt", "Jane Doe, phone +41 44 668 18 00\n".encode("utf-16")),
        "csv": ("roster.csv", CSV),
        "tsv": ("roster.tsv", CSV.replace(b",", b"\t")),
        "json": ("user.json", json.dumps({"users": [{"email": "a@example.com", "id": 12345678}]}).encode()),
        "jsonl": ("train.jsonl", b'{"prompt": "hi jane@example.com"}\n{"prompt": "bye"}\n'),
        "slack": ("general/2024-01-01.json", json.dumps(slack).encode()),
        "eml": ("m.eml", make_eml(html="<p>Hi</p>", attachments={"r.csv": CSV})),
        "mbox": (
            "box.mbox",
            b"From a@b Mon Jan  1 00:00:00 2024\n"
            + make_eml()
            + b"\nFrom c@d Tue Jan  2 00:00:00 2024\n"
            + make_eml(subject="two"),
        ),
        "msg": (
            "m.msg",
            build_msg(
                "Payout", "IBAN GB82 WEST", "Jane", "j@example.com", [("Bob", "b@example.org", 1)], [("r.csv", CSV)]
            ),
        ),
        "docx": ("d.docx", make_docx(footnote="fn")),
        "xlsx": ("x.xlsx", make_xlsx(rows=3)),
        "pptx": ("p.pptx", make_pptx()),
        "pdf": ("p.pdf", make_pdf(2)),
        "zip": ("s.zip", make_zip({"a/r.csv": CSV, "in.zip": make_zip({"b.txt": b"Bob"}), "x.json": b'{"a": "b"}'})),
        "tar": ("s.tar", make_tar({"a/r.csv": CSV, "b.txt": b"Bob"}, links={"l": "/etc/passwd"})),
        "tgz": ("s.tgz", make_tar({"a/r.csv": CSV, "b.txt": b"Bob"}, "w:gz")),
        "gz": ("r.csv.gz", make_gzip(CSV)),
        "html": (
            "p.html",
            b"<html><head><title>T</title></head><body><p>Jane <b>Doe</b></p><table><tr><td>x</td></tr>"
            b"</table></body></html>",
        ),
        "xml": ("d.xml", b'<?xml version="1.0"?><r><c id="1" email="a@example.com"><n>Jane</n></c></r>'),
    }


FORMATS = sorted(samples())
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
    derandomize=True,
)


@st.composite
def mutations(draw: st.DrawFn, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        if not out:
            break
        op = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "overwrite"]))
        pos = draw(st.integers(0, len(out) - 1))
        if op == "flip":
            out[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "truncate":
            del out[pos:]
        elif op == "insert":
            out[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        elif op == "delete":
            del out[pos : pos + draw(st.integers(1, 64))]
        else:
            chunk = draw(st.binary(min_size=1, max_size=8))
            out[pos : pos + len(chunk)] = chunk
    return bytes(out)


def test_every_sample_is_read_cleanly() -> None:
    for fmt, (name, data) in samples().items():
        w = consume(data, name)
        assert w.segments, fmt
        assert not [p for p in w.problems.values() if p[0] == "error"], (fmt, w.problems)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("fmt", FORMATS)
def test_mutated_files_only_yield_or_raise_unreadable(fmt: str) -> None:
    name, data = samples()[fmt]

    @FUZZ
    @given(mutations(data))
    def run(mutated: bytes) -> None:
        consume(mutated, name)  # any exception but Unreadable fails the test

    run()


def drain(kind: str, data: bytes) -> None:
    """One extractor, straight on the bytes (no detection), every member opened and read."""
    try:
        for item in EXTRACTORS[kind](io.BytesIO(data), FUZZ_LIMITS):
            assert isinstance(item, (Segment, Member))
            if isinstance(item, Member):
                try:
                    with item.open() as stream:
                        read_all(stream)
                except Unreadable:
                    pass
    except Unreadable:
        pass


@pytest.mark.timeout(120)
@pytest.mark.parametrize("kind", sorted(EXTRACTORS))
def test_random_bytes_into_every_extractor(kind: str) -> None:
    @settings(FUZZ, max_examples=30)
    @given(st.one_of(st.binary(max_size=2048), st.sampled_from([v[1] for v in samples().values()]).flatmap(mutations)))
    def run(data: bytes) -> None:
        drain(kind, data)

    run()
