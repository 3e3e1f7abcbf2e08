"""PDF documents (via pypdfium2/PDFium): the text layer of each page, and embedded files.

Each page with text is one ``prose=True`` segment ``{"page": n}`` (1-based; line endings
normalized to ``\\n``). Embedded files (the document's attachment list) are ``Member``s, read
when opened; one bigger than ``limits.max_member_buffer`` or the remaining ``Budget`` is
``Skipped``. A document with pages but no text on any → ``Skipped("no text layer")`` (scans need
OCR, which spill does not do); a password → ``Skipped("encrypted")`` (documents with only an owner
password open and are read); PDFium cannot load it → ``Unreadable("corrupt pdf: <PDFium's
reason>")``; more than ``limits.max_pages`` pages → the first ``max_pages`` are read, then
``Skipped("page limit: ...")``. A stream that is neither in memory nor a real file is buffered in
memory (up to ``limits.max_member_buffer``). Skipped: annotations, form fields, images, metadata.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from typing import Any, BinaryIO

from spill.errors import Skipped, SpillError, Unreadable
from spill.model import Segment

from .base import Budget, Limits, Member, current_budget
from .names import UniqueNames, sanitize_name
from .streams import NamedBytes, ensure_seekable, short_reason

_FPDF_ERR_PASSWORD = 4


def extract(stream: BinaryIO, limits: Limits) -> Iterator[Segment | Member]:
    import pypdfium2 as pdfium

    source = ensure_seekable(stream, limits, "pdf")
    try:
        pdf = pdfium.PdfDocument(source)
    except pdfium.PdfiumError as err:
        if getattr(err, "err_code", None) == _FPDF_ERR_PASSWORD or "password" in str(err).lower():
            raise Skipped("encrypted") from err
        raise Unreadable(f"corrupt pdf: {short_reason(err)}") from err
    except SpillError:
        raise
    except Exception as err:  # ctypes/OS errors from a hostile file
        raise Unreadable(f"corrupt pdf: {short_reason(err)}") from err
    try:
        pages = len(pdf)
        with_text = 0
        for i in range(min(pages, limits.max_pages)):
            text = _page_text(pdf, i)
            if text:
                with_text += 1
                yield Segment(text, locator={"page": i + 1}, prose=True)
        yield from _attachments(pdf, limits, current_budget(limits))
        if pages and not with_text:
            raise Skipped("no text layer")
        if pages > limits.max_pages:
            raise Skipped(f"page limit: {pages} pages > {limits.max_pages}")
    finally:
        pdf.close()


def _page_text(pdf: Any, i: int) -> str:
    try:
        page = pdf[i]
        try:
            textpage = page.get_textpage()
            try:
                text = textpage.get_text_range()
            finally:
                textpage.close()
        finally:
            page.close()
    except SpillError:
        raise
    except Exception as err:
        raise Unreadable(f"corrupt pdf: page {i + 1}: {short_reason(err)}") from err
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()


def _attachments(pdf: Any, limits: Limits, budget: Budget) -> Iterator[Member]:
    try:
        count = pdf.count_attachments()
    except Exception:  # an unreadable name tree: there is still the text
        return
    unique = UniqueNames()
    for i in range(count):
        try:
            att = pdf.get_attachment(i)
            name = att.get_name()
        except Exception:
            name, att = f"attachment{i + 1}", None
        member_name = unique(sanitize_name(name or f"attachment{i + 1}"))

        def open_member(att: Any = att, name: str = member_name) -> BinaryIO:
            return NamedBytes(_attachment_data(att, limits, budget), name)

        yield Member(member_name, open=open_member)


def _attachment_data(att: Any, limits: Limits, budget: Budget) -> bytes:
    import pypdfium2.raw as pdfium_c

    if att is None:
        raise Unreadable("corrupt pdf: unreadable attachment")
    size = ctypes.c_ulong()
    try:
        pdfium_c.FPDFAttachment_GetFile(att, None, 0, size)
    except Exception as err:
        raise Unreadable(f"corrupt pdf attachment: {short_reason(err)}") from err
    if size.value > limits.max_member_buffer:
        raise Skipped(f"attachment too large to hold in memory: {size.value} bytes")
    budget.charge(size.value)
    try:
        return bytes(att.get_data())
    except Exception as err:
        raise Unreadable(f"corrupt pdf attachment: {short_reason(err)}") from err
