"""Real files that used to be lost (issue 12, section 6): a text beginning "From ", a log with NUL
bytes, a spreadsheet whose XML compresses like a bomb."""

from __future__ import annotations

import io
import zipfile

import pytest
from extract_helpers import make_xlsx, walk

from scanners.extract import Limits
from scanners.extract import mbox as mx
from scanners.extract.kinds import detect_kind

IBAN = "DE89370400440532013000"


@pytest.mark.parametrize("head", [
    b"From the film we learn where Jane Doe (jane@example.com) was at 10:30.\n",
    b"From: the desk of the payout team\nnot a mail header block\n",
    b"From Jane, Monday: please wire it\n",
])
def test_text_beginning_with_from_is_text_not_a_mailbox(head: bytes) -> None:
    data = head + b"\nSecond paragraph with IBAN " + IBAN.encode() + b".\n"
    w = walk(data, "notes.txt")
    assert w.kinds["notes.txt"] == "text" and not w.members
    assert any(IBAN in t for t in w.texts("notes.txt"))


def test_a_mailbox_is_told_by_its_envelope_lines() -> None:
    for line in (b"From jane@example.com Mon Jan  1 00:00:00 2024", b"From MAILER-DAEMON Fri Jul  8 12:08:34 2011",
                 b"From - Sun, 02 Mar 2025 04:51:00"):
        assert detect_kind(line + b"\nFrom: jane@example.com\nSubject: hi\n\nbody\n", "inbox") == "mbox"


def test_a_dot_mbox_without_envelope_lines_is_read_as_text() -> None:
    data = b"Notes for the finance inbox migration\n\nFrom here on payouts go to IBAN " + IBAN.encode() + b"\n"
    segments = list(mx.extract(io.BytesIO(data), Limits()))
    assert segments and all(not hasattr(s, "open") for s in segments)  # text segments, no messages
    assert any(IBAN in s.text for s in segments)


def test_a_body_line_beginning_from_does_not_split_a_message() -> None:
    data = (b"From jane@example.com Mon Jan  1 00:00:00 2024\nSubject: one\n\nHello,\n\n"
            b"From the film we learn a lot.\n\nFrom bob@example.org Tue Jan  2 10:00:00 2024\nSubject: two\n\nhi\n")
    members = list(mx.extract(io.BytesIO(data), Limits()))
    assert [m.name for m in members] == ["1", "2"]


@pytest.mark.parametrize("data", [
    b"2024-03-01 INFO payout to " + IBAN.encode() + b" queued\n" * 40 + b"\x00" * 4096 + b"2024-03-02 INFO ok\n",
    b"name: Jane\x00Doe\nIBAN " + IBAN.encode() + b"\n" + b"ordinary log line, nothing else\n" * 10,
])
def test_utf8_text_with_nul_bytes_is_read(data: bytes) -> None:
    w = walk(data, "app.log")
    assert w.kinds["app.log"] == "text"
    assert any(IBAN in t for t in w.texts("app.log"))


def test_binary_with_nul_bytes_is_still_binary() -> None:
    assert detect_kind(b"\x00\x01\x02\x03\x89PNG\x00\x00binary" * 20, "x.txt") == "binary"
    assert detect_kind(bytes(range(256)) * 8, "x.log") == "binary"


def _repetitive_workbook(rows: int) -> bytes:
    """A real workbook whose sheet is one IBAN row then ``rows`` identical rows: its XML deflates
    far past 200:1, like a long payout history of repeated amounts."""
    base = zipfile.ZipFile(io.BytesIO(make_xlsx(rows=1, hidden=False)))
    body = (f'<row><c t="inlineStr"><is><t>IBAN</t></is></c></row><row><c t="inlineStr"><is><t>{IBAN}</t></is>'
            f'</c></row>' + '<row><c><v>0</v></c></row>' * rows).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in base.infolist():
            data = base.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                start, end = data.index(b"<sheetData"), data.index(b"</sheetData>")
                data = data[:start] + b"<sheetData>" + body + data[end:]
            zf.writestr(info.filename, data)
    return out.getvalue()


def test_a_well_compressed_spreadsheet_is_read_not_skipped_as_a_bomb() -> None:
    data = _repetitive_workbook(120_000)  # ~3 MB of XML at about 1000:1
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size > 2 << 20 and info.file_size / info.compress_size > 200
    w = walk(data, "payouts.xlsx")
    assert "payouts.xlsx" not in w.problems
    assert IBAN in w.texts("payouts.xlsx")
    # the ratio still stops a member that also expands past the floor
    w = walk(data, "payouts.xlsx", Limits(ratio_min_bytes=1 << 20))
    assert w.problems["payouts.xlsx"][1].startswith("zip bomb: ratio ")
