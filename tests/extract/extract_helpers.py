"""Fixture builders and a recursion-free-engine stand-in for the extractor tests.

Every file a test needs is generated here (python-docx, python-pptx, xlsxwriter, fpdf2, zipfile,
tarfile, email): nothing binary is committed.
"""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from scanners.extract import Budget, Limits, Member, budget_scope, detect_kind_stream, get_extractor
from spill.errors import Skipped, Unreadable
from spill.model import Segment


def named(data: bytes, name: str) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name  # type: ignore[attr-defined]
    return stream


@dataclass
class Walk:
    """What a stand-in engine saw: segments by path, problems by path, kinds by path."""

    segments: list[tuple[str, Segment]] = field(default_factory=list)
    problems: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (status, reason)
    kinds: dict[str, str] = field(default_factory=dict)
    members: list[tuple[str, Member]] = field(default_factory=list)

    def texts(self, path: str | None = None) -> list[str]:
        return [s.text for p, s in self.segments if path is None or p == path]

    def at(self, path: str) -> list[Segment]:
        return [s for p, s in self.segments if p == path]


def walk(data: bytes, name: str, limits: Limits | None = None) -> Walk:
    """Run detect_kind + get_extractor recursively, opening and reading every member, the way the
    engine does (one budget scope per top-level file). Only Unreadable/Skipped may escape an
    extractor or a member; anything else fails the test."""
    limits = limits or Limits()
    result = Walk()
    with budget_scope(Budget(limits.max_expanded_bytes)):
        _walk(named(data, name), name, name, limits, 0, result)
    return result


def _status(err: Unreadable) -> str:
    return "skipped" if isinstance(err, Skipped) else "error"


def _walk(stream: io.BytesIO, name: str, path: str, limits: Limits, depth: int, result: Walk) -> None:
    kind = detect_kind_stream(stream, name)
    result.kinds[path] = kind
    extractor = get_extractor(kind)
    if extractor is None:
        result.problems[path] = ("skipped", kind)
        return
    try:
        for item in extractor(stream, limits):
            if isinstance(item, Segment):
                result.segments.append((path, item))
                continue
            assert isinstance(item, Member), item
            child = f"{path}!/{item.name}"
            result.members.append((child, item))
            if depth + 1 > limits.max_depth:
                result.problems[child] = ("skipped", "max depth")
                continue
            try:
                with item.open() as member:
                    body = read_all(member)
            except Unreadable as err:
                result.problems[child] = (_status(err), str(err))
                continue
            _walk(named(body, item.name), item.name, child, limits, depth + 1, result)
    except Unreadable as err:
        result.problems[path] = (_status(err), str(err))


def read_all(stream: Any) -> bytes:
    parts = []
    while block := stream.read(1 << 16):
        parts.append(block)
    return b"".join(parts)


def consume(data: bytes, name: str, limits: Limits | None = None) -> Walk:
    """``walk`` with small limits for fuzzing (depth 3, small buffers)."""
    return walk(data, name, limits or FUZZ_LIMITS)


FUZZ_LIMITS = Limits(max_depth=3, max_member_buffer=8 << 20, max_expanded_bytes=64 << 20, max_cells=20_000,
                     max_pages=50, chunk_chars=4096, chunk_overlap=64)  # fmt: skip


# --- builders ---------------------------------------------------------------------------------------


def make_zip(files: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in files.items():
            zf.writestr(zipfile.ZipInfo(name, (2024, 1, 2, 3, 4, 6)), data, compress_type=compression)
    return buf.getvalue()


def set_encrypted_flag(data: bytes) -> bytes:
    """Set the ZipCrypto 'encrypted' bit on every entry (zipfile clears it when writing)."""
    out = bytearray(data)
    for sig, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (i := out.find(sig, start)) >= 0:
            out[i + at] |= 1
            start = i + 4
    return bytes(out)


def make_tar(files: dict[str, bytes], mode: str = "w", links: dict[str, str] | None = None) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as tf:  # type: ignore[call-overload]
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1_700_000_000
            tf.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tf.addfile(info)
    return buf.getvalue()


def make_gzip(data: bytes, filename: str | None = None) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename=filename or "", fileobj=buf, mode="wb", mtime=0) as gz:
        gz.write(data)
    return buf.getvalue()


def make_eml(
    body: str = "Hello Bob,\n\nmy phone is +1 415 555 0123.\n",
    html: str | None = None,
    attachments: dict[str, bytes] | None = None,
    subject: str = "Payout details",
    nested: bytes | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Jane Doe <jane@example.com>"
    msg["To"] = "Bob Smith <bob@example.org>, carol@example.net"
    msg["Cc"] = "Dan <dan@example.com>"
    msg["Subject"] = subject
    msg["Received"] = "from mx.example.com (10.0.0.1)"
    msg.set_content(body)
    if html:
        msg.add_alternative(html, subtype="html")
    for fname, data in (attachments or {}).items():
        maintype, subtype = ("text", "csv") if fname.endswith(".csv") else ("application", "octet-stream")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=fname)
    if nested is not None:
        from email import message_from_bytes
        from email.policy import default

        msg.add_attachment(message_from_bytes(nested, policy=default))
    return msg.as_bytes()


def make_docx(footnote: str | None = None, bomb: bool = False) -> bytes:
    import docx

    d = docx.Document()
    d.core_properties.author = "Alice Author"
    d.add_paragraph("Dear Jane Doe, your payout of $1,200 is scheduled for Friday.")
    table = d.add_table(rows=3, cols=3)
    for r, row in enumerate([["Name", "Email", "IBAN"], ["Bob", "bob@example.org", "GB82 WEST 1234 5698 7654 32"],
                             ["Carol", "carol@example.net", ""]]):  # fmt: skip
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    d.add_paragraph("Regards,\nthe payroll team")
    d.sections[0].header.paragraphs[0].text = "CONFIDENTIAL jane@example.com"
    d.sections[0].footer.paragraphs[0].text = "Acme Data Labeling Ltd"
    d.add_comment(d.paragraphs[0].runs, text="Check the amount with Jane", author="Rita Reviewer")
    buf = io.BytesIO()
    d.save(buf)
    data = buf.getvalue()
    if footnote is not None or bomb:
        data = _rewrite_zip(data, footnote, bomb)
    return data


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _rewrite_zip(data: bytes, footnote: str | None, bomb: bool) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if bomb and info.filename == "word/document.xml":
                body = (
                    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
                    b'<w:document xmlns:w="' + _W.encode() + b'"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p>'
                    b"</w:body></w:document>"
                )
            dst.writestr(info, body)
        if footnote is not None:
            dst.writestr(
                "word/footnotes.xml",
                f'<?xml version="1.0"?><w:footnotes xmlns:w="{_W}">'
                '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                f'<w:footnote w:id="1"><w:p><w:r><w:t>{footnote}</w:t></w:r></w:p></w:footnote>'
                "</w:footnotes>",
            )
    return out.getvalue()


def make_pptx() -> bytes:
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    s1 = prs.slides.add_slide(prs.slide_layouts[1])
    s1.shapes.title.text = "Contractor payouts"
    s1.placeholders[1].text = "Jane Doe is paid to IBAN GB82 WEST 1234 5698 7654 32"
    s1.notes_slide.notes_text_frame.text = "Call Jane at +1 415 555 0123 before the review."
    s2 = prs.slides.add_slide(prs.slide_layouts[5])
    s2.shapes.title.text = "Roster"
    table = s2.shapes.add_table(3, 2, Inches(1), Inches(1.5), Inches(6), Inches(2)).table
    for r, row in enumerate([["Name", "Phone"], ["Bob", "+44 20 7946 0958"], ["Carol", "+1 212 555 0199"]]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def make_xlsx(rows: int = 3, hidden: bool = True) -> bytes:
    import datetime

    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"constant_memory": True, "in_memory": True})
    ws = wb.add_worksheet("Payouts")
    ws.write_row(2, 1, ["Name", "IBAN", "Amount", "Paid on"])
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    for i in range(rows):
        ws.write_string(3 + i, 1, f"Person {i % 10}")
        ws.write_string(3 + i, 2, "GB82WEST12345698765432")
        ws.write_number(3 + i, 3, 1200 + i)
        ws.write_datetime(3 + i, 4, datetime.datetime(2024, 1, 2), date)
    if hidden:
        other = wb.add_worksheet("Notes")
        other.write("A1", "ssn")
        other.write("A2", "078-05-1120")
        other.hide()
    wb.close()
    return buf.getvalue()


def make_pdf(
    pages: int = 3, *, text: bool = True, password: str | None = None, attachment: bytes | None = None
) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    if password is not None:
        pdf.set_encryption(owner_password="owner-" + password, user_password=password)
    for i in range(pages):
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 6, f"Page {i + 1}. Contractor Jane Doe, email jane{i + 1}@example.com, "
                                 "was paid to IBAN GB82 WEST 1234 5698 7654 32.")  # fmt: skip
        else:
            pdf.rect(20, 20, 60, 40)
    if attachment is not None:
        pdf.embed_file(basename="roster.csv", bytes=attachment)
    return bytes(pdf.output())


class NoSeek(io.RawIOBase):
    """A stream that can only be read forward, as a pipe or an archive member is."""

    def __init__(self, data: bytes) -> None:
        self._b = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, b):  # type: ignore[no-untyped-def,override]
        d = self._b.read(len(b))
        b[: len(d)] = d
        return len(d)
