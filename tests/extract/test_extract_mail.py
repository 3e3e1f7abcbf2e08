"""Mail: .eml headers/parts/attachments, mbox numbering, Outlook .msg."""

from __future__ import annotations

import io

import pytest
from cfb_writer import build_msg
from extract_helpers import NoSeek, make_eml, read_all, walk

from scanners.extract import Limits, Member
from scanners.extract import eml as ex
from scanners.extract import mbox as mx
from scanners.extract import msg as msgx
from spill.errors import Skipped, Unreadable
from spill.model import Segment


def test_eml_headers_bodies_attachments() -> None:
    data = make_eml(
        html="<p>Hello Bob,</p><p>my phone is +1 415 555 0123.</p>",
        attachments={"payouts.csv": b"name,iban\nJane,GB82WEST12345698765432\n", "photo.bin": b"\x00\x01"},
        subject="=?utf-8?q?Paiement_r=C3=A9alis=C3=A9?=",
    )
    items = list(ex.extract(io.BytesIO(data), Limits()))
    headers = {s.locator["header"]: s.text for s in items if isinstance(s, Segment) and "header" in s.locator}
    assert headers["From"] == "Jane Doe <jane@example.com>"
    assert headers["To"] == "Bob Smith <bob@example.org>, carol@example.net"
    assert headers["Cc"] == "Dan <dan@example.com>"
    assert headers["Subject"] == "Paiement réalisé"
    assert "Received" not in headers
    header_seg = next(s for s in items if isinstance(s, Segment) and s.locator == {"header": "From"})
    assert header_seg.context == "From" and header_seg.record == "message"
    bodies = [s for s in items if isinstance(s, Segment) and "part" in s.locator]
    assert len(bodies) == 1  # the HTML twin of the plain part is not repeated
    assert bodies[0].text.startswith("Hello Bob,") and bodies[0].prose is True
    members = {m.name: m for m in items if isinstance(m, Member)}
    assert set(members) == {"payouts.csv", "photo.bin"}
    assert read_all(members["payouts.csv"].open()) == b"name,iban\nJane,GB82WEST12345698765432\n"


def test_eml_html_only_and_nested_message_and_paths() -> None:
    inner = make_eml(body="Inner body with IBAN GB82 WEST 1234 5698 7654 32\n", subject="inner")
    outer = make_eml(body="see attached", attachments={"x.csv": b"a,b\n1,2\n"}, nested=inner)
    w = walk(outer, "case.eml")
    assert set(w.kinds) == {"case.eml", "case.eml!/x.csv", "case.eml!/part3.eml"}
    assert w.kinds["case.eml!/part3.eml"] == "eml"
    assert any("GB82 WEST" in t for t in w.texts("case.eml!/part3.eml"))
    html_only = b"From: a@example.com\nTo: b@example.com\nSubject: x\nContent-Type: text/html\n\n<p>Hi <b>Jane</b></p>"
    assert [s.text for s in ex.extract(io.BytesIO(html_only), Limits()) if "part" in s.locator] == ["Hi Jane"]


MBOX = b"""From jane@example.com Mon Jan  1 00:00:00 2024
From: jane@example.com
Subject: one

Hello,
From here on the line starts with From but is not a separator.

From bob@example.org Tue Jan  2 10:00:00 2024
From: bob@example.org
Subject: two

Body two
From carol@example.net Wed Jan  3 11:00:00 2024
From: carol@example.net
Subject: three

Body three
"""




@pytest.mark.parametrize("seekable", [True, False])
def test_mbox_messages_are_numbered_in_file_order(seekable: bool) -> None:
    stream = io.BytesIO(MBOX) if seekable else io.BufferedReader(NoSeek(MBOX))
    members = list(mx.extract(stream, Limits()))
    assert [m.name for m in members] == ["1", "2", "3"]
    bodies = [read_all(m.open()) for m in members]
    assert bodies[0].startswith(b"From: jane@example.com\nSubject: one")
    assert b"From here on" in bodies[0]
    assert bodies[2].endswith(b"Body three\n")
    assert members[1].size == len(bodies[1])


def test_mbox_paths_through_the_walk() -> None:
    w = walk(MBOX, "box.mbox")
    assert w.kinds["box.mbox"] == "mbox"
    assert [p for p in w.kinds if p != "box.mbox"] == ["box.mbox!/1", "box.mbox!/2", "box.mbox!/3"]
    assert {s.text for s in w.at("box.mbox!/2")} >= {"bob@example.org", "two", "Body two"}


def test_mbox_message_bigger_than_the_buffer_is_skipped_when_not_seekable() -> None:
    data = b"From a@b Mon Jan  1 00:00:00 2024\nSubject: big\n\n" + b"x" * 5000 + b"\n"
    members = list(mx.extract(io.BufferedReader(NoSeek(data)), Limits(max_member_buffer=1000)))
    with pytest.raises(Skipped, match="too large"):
        members[0].open()


def test_msg_headers_body_attachments() -> None:
    data = build_msg(
        "Payout for Jane",
        "Hi, my IBAN is GB82 WEST 1234 5698 7654 32.\r\nThanks",
        "Jane Doe",
        "jane@example.com",
        [("Bob Smith", "bob@example.org", 1), ("Carol", "carol@example.net", 2)],
        [("roster.csv", b"name,email\nDan,dan@example.com\n")],
    )
    w = walk(data, "mail.msg")
    segs = {s.locator.get("header"): s.text for s in w.at("mail.msg") if "header" in s.locator}
    assert segs == {
        "From": "Jane Doe <jane@example.com>",
        "To": "Bob Smith <bob@example.org>",
        "Cc": "Carol <carol@example.net>",
        "Subject": "Payout for Jane",
    }
    body = next(s for s in w.at("mail.msg") if s.locator == {"part": 1})
    assert body.text == "Hi, my IBAN is GB82 WEST 1234 5698 7654 32.\nThanks" and body.prose is True
    assert w.kinds["mail.msg!/roster.csv"] == "csv"
    assert "dan@example.com" in w.texts("mail.msg!/roster.csv")


def test_msg_encrypted_and_corrupt() -> None:
    enc = build_msg("s", "b", "n", "a@example.com", [], message_class="IPM.Note.SMIME")
    with pytest.raises(Skipped, match="encrypted"):
        list(msgx.extract(io.BytesIO(enc), Limits()))
    good = build_msg("s", "b", "n", "a@example.com", [])
    with pytest.raises(Unreadable):
        list(msgx.extract(io.BytesIO(good[: len(good) // 2]), Limits()))
    with pytest.raises(Unreadable, match="no OLE header"):
        list(msgx.extract(io.BytesIO(b"not a msg"), Limits()))


def test_eml_malformed_part_header_is_not_fatal() -> None:
    # Source: hypothesis, a non-ASCII byte after "Content-Disposition:" made compat32 return a Header
    data = (
        b"From: a@example.com\nTo: b@example.com\nSubject: s\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="B"'
        b'\n\n--B\nContent-Type: text/csv\nContent-Disposition:\x80 attachment; filename="r.csv"\n\nYSxi\n--B--\n'
    )
    w = walk(data, "m.eml")
    assert w.kinds["m.eml!/r.csv"] == "csv" and not w.problems
