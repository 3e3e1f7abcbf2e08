"""Kind detection by content; the extension only breaks ties between text kinds."""

from __future__ import annotations

import gzip
import io

import pytest
from cfb_writer import build_encrypted_ooxml, build_msg, write_cfb
from extract_helpers import (
    NoSeek,
    make_docx,
    make_eml,
    make_gzip,
    make_pdf,
    make_pptx,
    make_tar,
    make_xlsx,
    make_zip,
)

from scanners.extract import KINDS, detect_kind, detect_kind_stream, get_extractor


def kind_of(data: bytes, name: str) -> str:
    return detect_kind_stream(io.BytesIO(data), name)


@pytest.mark.parametrize(
    "data, name, expected",
    [
        (b"", "x.txt", "empty"),
        (b"Just some notes about Jane.\n", "notes.txt", "text"),
        (b"name,email\nJane,jane@example.com\nBob,bob@example.org\n", "export", "csv"),
        (b"name\temail\nJane\tjane@example.com\nBob\tbob@example.org\n", "export", "tsv"),
        (b"a single line", "roster.csv", "csv"),  # extension breaks the tie
        (b'{"user": {"email": "a@b.c"}}', "data", "json"),
        (b'{"prompt": "a"}\n{"prompt": "b"}\n', "train.json", "jsonl"),  # content beats extension
        (b'[{"type": "message", "text": "hi", "ts": "1"}]', "2024-01-02.json", "json"),
        (b"[INFO] service started\n", "app.log", "text"),  # a bracket is not JSON
        (b"From jane@example.com Mon Jan  1 00:00:00 2024\nFrom: jane@example.com\n\nhi\n", "inbox", "mbox"),
        (b"From: jane@example.com\nTo: bob@example.org\nSubject: hi\n\nbody\n", "mail.txt", "eml"),
        (b"<!DOCTYPE html>\n<html><body><p>hi</p></body></html>", "page", "html"),
        (b'<?xml version="1.0"?>\n<roster><person/></roster>', "data.txt", "xml"),
        ("Contractor: José Müller\n".encode("utf-16"), "notes.txt", "text"),  # UTF-16 with BOM
        ("Contractor: Jane Doe, phone 555\n".encode("utf-16-le"), "notes.txt", "text"),  # no BOM
        (b"\x00\x01\x02\x03\x89PNG\x00\x00binary", "photo.txt", "binary"),  # binary renamed .txt
        (bytes(range(256)) * 4, "data.txt", "binary"),
    ],
)
def test_detect_kind_text_like(data: bytes, name: str, expected: str) -> None:
    assert kind_of(data, name) == expected


def test_detect_kind_containers_by_content_not_name() -> None:
    # a .docx renamed .txt is still a docx; OOXML kinds come from the zip's member names
    assert kind_of(make_docx(), "report.txt") == "docx"
    assert kind_of(make_xlsx(), "payouts.bin") == "xlsx"
    assert kind_of(make_pptx(), "deck") == "pptx"
    assert kind_of(make_zip({"a.txt": b"x"}), "a.docx") == "zip"
    assert kind_of(make_pdf(1), "scan.txt") == "pdf"
    assert kind_of(make_tar({"a.txt": b"x"}), "a.txt") == "tar"
    assert kind_of(make_tar({"a.txt": b"x"}, "w:gz"), "a.gz") == "tar"  # gzip holding a tar
    assert kind_of(make_tar({"a.txt": b"x"}, "w:xz"), "backup") == "tar"
    assert kind_of(make_tar({"a.txt": b"x"}, "w:bz2"), "backup.tar.bz2") == "tar"
    assert kind_of(make_gzip(b"a,b\n1,2\n"), "x.csv.gz") == "gzip"
    assert kind_of(gzip.compress(b"hello"), "x") == "gzip"
    assert kind_of(make_eml(), "message") == "eml"


def test_detect_kind_ole_files() -> None:
    msg = build_msg("s", "b", "n", "a@b.c", [("r", "r@b.c", 1)])
    assert kind_of(msg, "mail.msg") == "msg"
    assert kind_of(msg, "mail.bin") == "msg"  # by its __substg1.0_ storages
    assert kind_of(build_encrypted_ooxml(), "secret.xlsx") == "xlsx"
    assert kind_of(build_encrypted_ooxml(), "secret") == "docx"  # EncryptedPackage: an OOXML kind
    assert kind_of(write_cfb({"WordDocument": b"\0" * 5000}), "old.doc") == "binary"  # legacy Office


def test_detect_kind_head_only_sees_local_headers() -> None:
    head = make_docx()[:65536]
    assert detect_kind(head, "x") == "docx"


def test_every_kind_has_an_extractor_except_binary_and_empty() -> None:
    for kind in KINDS:
        assert (get_extractor(kind) is None) == (kind in ("binary", "empty")), kind
    assert get_extractor("nonsense") is None


def test_detect_kind_stream_restores_position() -> None:
    stream = io.BytesIO(b"xx" + make_zip({"a": b"b"}))
    stream.seek(2)
    assert detect_kind_stream(stream, "a.zip") == "zip"
    assert stream.tell() == 2


def test_sniff_judges_a_non_seekable_stream_by_its_head_and_gives_it_back() -> None:
    from scanners.extract import sniff

    data = b"name,email\nJane,jane@example.com\nBob,bob@example.org\n" * 3000
    kind, stream = sniff(io.BufferedReader(NoSeek(data)), "x")  # type: ignore[arg-type]
    assert kind == "csv" and stream.read() == data
    kind, stream = sniff(io.BytesIO(make_docx()), "x.txt")
    assert kind == "docx" and stream.tell() == 0


@pytest.mark.parametrize("data, kind", [
    # one control byte in ten is still text (a log with ANSI colours and a stray BEL)...
    ((b"ok line\x07\n" + b"\x1b[31mred\x1b[0m text\n") * 50, "text"),
    # ...more than one in ten is not
    (b"abcdefgh\x01\x02" * 100, "binary"),
    (b"abcdefgh\x7f\x7f" * 100, "binary"),
    # tabs, line breaks and form feeds are text
    (b"a\tb\r\nc\fd\ve\n" * 200, "text"),
])
def test_the_share_of_control_bytes_decides_text_or_binary(data: bytes, kind: str) -> None:
    assert detect_kind(data, "blob.dat") == kind
