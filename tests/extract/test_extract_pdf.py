"""PDF: text per page, embedded files, encrypted, scanned and corrupt documents."""

from __future__ import annotations

import io

import pytest
from extract_helpers import make_pdf, walk

from scanners.extract import Limits, Member
from scanners.extract import pdf as px
from spill.errors import Skipped, Unreadable


def test_pdf_text_per_page(pdf_bytes: bytes) -> None:
    segs = list(px.extract(io.BytesIO(pdf_bytes), Limits()))
    assert [s.locator for s in segs] == [{"page": 1}, {"page": 2}, {"page": 3}]
    assert "jane2@example.com" in segs[1].text and segs[1].prose is True
    assert "\r" not in segs[0].text


def test_pdf_embedded_file_is_a_member() -> None:
    w = walk(make_pdf(1, attachment=b"name,email\nBob,bob@example.org\n"), "doc.pdf")
    assert w.kinds["doc.pdf!/roster.csv"] == "csv"
    assert "bob@example.org" in w.texts("doc.pdf!/roster.csv")


def test_pdf_with_password_is_skipped_as_encrypted() -> None:
    with pytest.raises(Skipped, match=r"^encrypted$"):
        list(px.extract(io.BytesIO(make_pdf(1, password="s3cret")), Limits()))


def test_pdf_without_text_layer_is_skipped() -> None:
    with pytest.raises(Skipped, match="no text layer"):
        list(px.extract(io.BytesIO(make_pdf(2, text=False)), Limits()))


def test_pdf_page_limit() -> None:
    seen = []
    with pytest.raises(Skipped, match="page limit: 3 pages > 2"):
        for item in px.extract(io.BytesIO(make_pdf(3)), Limits(max_pages=2)):
            seen.append(item)
    assert len(seen) == 2 and not any(isinstance(i, Member) for i in seen)


@pytest.mark.parametrize("cut", ["half", "garbage"])
def test_corrupt_pdf_is_unreadable_with_pdfium_reason(pdf_bytes: bytes, cut: str) -> None:
    data = pdf_bytes[: len(pdf_bytes) // 2] if cut == "half" else b"%PDF-1.7\n" + bytes(range(256)) * 8
    with pytest.raises(Unreadable, match=r"corrupt pdf: .*PDFium"):
        list(px.extract(io.BytesIO(data), Limits()))
