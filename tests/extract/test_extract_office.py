"""docx, pptx and xlsx: locators, contexts, records; encrypted, corrupt and bomb packages."""

from __future__ import annotations

import io
import tracemalloc

import pytest
from cfb_writer import build_encrypted_ooxml, write_cfb
from extract_helpers import make_docx, make_xlsx, walk

from scanners.extract import Limits
from scanners.extract import docx as dx
from scanners.extract import pptx as px
from scanners.extract import xlsx as xx
from spill.errors import Skipped, Unreadable


def test_docx_paragraphs_tables_headers_comments_footnotes(docx_bytes: bytes) -> None:
    segs = list(dx.extract(io.BytesIO(docx_bytes), Limits()))
    by_text = {s.text: s for s in segs}
    first = by_text["Dear Jane Doe, your payout of $1,200 is scheduled for Friday."]
    assert first.locator == {"paragraph": 1} and first.prose is True
    assert by_text["Regards,\nthe payroll team"].locator == {"paragraph": 2}
    email = by_text["bob@example.org"]
    assert email.locator == {"table": 1, "row": 2, "cell": 2}
    assert email.context == "Email" and email.record == "table1:row2"
    assert by_text["GB82 WEST 1234 5698 7654 32"].context == "IBAN"
    assert by_text["Name"].context == ""
    assert by_text["CONFIDENTIAL jane@example.com"].locator == {"part": "header1", "paragraph": 1}
    assert by_text["Acme Data Labeling Ltd"].locator == {"part": "footer1", "paragraph": 1}
    assert by_text["Check the amount with Jane"].locator == {"comment": "0"}
    assert by_text["Rita Reviewer"].locator == {"comment": "0", "field": "author"}
    assert by_text["See contract of Jane Doe, passport 123456789."].locator == {"footnote": "1"}
    assert by_text["Alice Author"].locator == {"property": "creator"}


def test_pptx_slides_notes_tables(pptx_bytes: bytes) -> None:
    segs = list(px.extract(io.BytesIO(pptx_bytes), Limits()))
    by_text = {s.text: s for s in segs}
    assert by_text["Contractor payouts"].locator == {"slide": 1}
    assert by_text["Jane Doe is paid to IBAN GB82 WEST 1234 5698 7654 32"].locator == {"slide": 1}
    notes = by_text["Call Jane at +1 415 555 0123 before the review."]
    assert notes.locator == {"slide": 1, "notes": True} and notes.prose is True
    phone = by_text["+44 20 7946 0958"]
    assert phone.locator == {"slide": 2, "table": 1, "row": 2, "cell": 2}
    assert phone.context == "Phone" and phone.record == "slide2:table1:row2"
    assert by_text["Roster"].locator == {"slide": 2}


def test_xlsx_cells_headers_records_hidden_sheets(xlsx_bytes: bytes) -> None:
    segs = list(xx.extract(io.BytesIO(xlsx_bytes), Limits()))
    cells = {(s.locator.get("sheet"), s.locator.get("cell")): s for s in segs}
    iban = cells[("Payouts", "C4")]
    assert iban.text == "GB82WEST12345698765432" and iban.context == "IBAN" and iban.record == "Payouts!4"
    assert cells[("Payouts", "D5")].text == "1201"  # whole numbers without .0
    assert cells[("Payouts", "E4")].text == "2024-01-02T00:00:00"
    assert cells[("Payouts", "B3")].context == ""  # the header row itself
    ssn = cells[("Notes", "A2")]
    assert ssn.text == "078-05-1120" and ssn.context == "ssn"  # hidden sheets are read


def test_xlsx_respects_max_cells(xlsx_bytes: bytes) -> None:
    seen = []
    with pytest.raises(Skipped, match="cell limit"):
        for s in xx.extract(io.BytesIO(xlsx_bytes), Limits(max_cells=5)):
            seen.append(s)
    assert len(seen) == 5


def _peak_while_reading(data: bytes) -> int:
    tracemalloc.start()
    try:
        for _ in xx.extract(io.BytesIO(data), Limits()):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_xlsx_streams_rows(xlsx_bytes: bytes) -> None:
    # Rows are streamed: ten times the rows (same shared strings) must not take ten times the memory.
    _peak_while_reading(xlsx_bytes)  # warm up: imports are not the sheet
    small = _peak_while_reading(make_xlsx(rows=150, hidden=False))
    big = _peak_while_reading(make_xlsx(rows=1500, hidden=False))
    assert big < small * 1.5 + 512 * 1024, (small, big)


@pytest.mark.parametrize("name, kind", [("secret.docx", "docx"), ("secret.xlsx", "xlsx"), ("secret.pptx", "pptx")])
def test_encrypted_ooxml_is_skipped(name: str, kind: str) -> None:
    w = walk(build_encrypted_ooxml(), name)
    assert w.kinds[name] == kind
    assert w.problems[name] == ("skipped", "encrypted")


def test_legacy_office_is_skipped_with_reason() -> None:
    with pytest.raises(Skipped, match="legacy Office format"):
        list(dx.extract(io.BytesIO(write_cfb({"WordDocument": b"\0" * 100})), Limits()))


@pytest.mark.parametrize("make", [make_docx, make_xlsx], ids=["docx", "xlsx"])
def test_truncated_office_files_are_unreadable(make) -> None:  # type: ignore[no-untyped-def]
    data = make()
    extract = dx.extract if data.find(b"word/") >= 0 else xx.extract
    with pytest.raises(Unreadable, match="corrupt"):
        list(extract(io.BytesIO(data[: len(data) // 2]), Limits()))


def test_docx_with_flipped_bytes_is_unreadable() -> None:
    data = bytearray(make_docx())
    start = data.find(b"word/document.xml") + 40  # inside the deflated document part
    for i in range(start, start + 200, 7):
        data[i] ^= 0xFF
    with pytest.raises(Unreadable):
        list(dx.extract(io.BytesIO(bytes(data)), Limits()))


def test_docx_entity_bomb_is_skipped() -> None:
    with pytest.raises(Skipped, match="xml bomb"):
        list(dx.extract(io.BytesIO(make_docx(bomb=True)), Limits()))


def test_docx_renamed_txt_is_read_as_docx(docx_bytes: bytes) -> None:
    w = walk(docx_bytes, "notes.txt")
    assert w.kinds["notes.txt"] == "docx"
    assert "bob@example.org" in w.texts()
