"""RFC 822 mail (.eml; also each message of an mbox): headers, text bodies, attachments.

Read: the address and subject headers (``HEADERS``; RFC 2047 encoded words decoded) as segments
with ``context`` = the header name and ``{"header": "From"}``; each text/plain and text/html body
part (HTML → visible text) as a ``prose=True`` segment with ``{"part": n}`` (n counts the leaf
parts in order, 1-based). In a multipart/alternative the HTML twin of a plain part is skipped
unless it carries clearly more text. Everything else — parts with a filename or
``Content-Disposition: attachment``, non-text parts, nested ``message/rfc822`` — is a ``Member``
(name: the sanitized filename, else ``part<n>.<ext>``; nested messages ``part<n>.eml``). All
segments share ``record="message"``. Skipped: routing and technical headers (Received, DKIM, ...).
A message is held in memory (up to ``limits.max_member_buffer``, else ``Skipped``).
"""

from __future__ import annotations

import codecs
import email
import email.header
import mimetypes
from collections.abc import Callable, Iterator
from email.message import Message
from email.policy import compat32
from typing import BinaryIO

from spill.errors import SpillError, Unreadable
from spill.model import Segment

from .base import Limits, Member
from .html import html_to_text
from .names import UniqueNames, sanitize_name
from .streams import NamedBytes, read_capped, short_reason
from .textio import decode_all, decoder

HEADERS: tuple[str, ...] = (
    "From", "Sender", "Reply-To", "To", "Cc", "Bcc", "Delivered-To", "X-Original-To", "Return-Path",
    "Disposition-Notification-To", "X-Sender", "X-Originating-IP", "Subject",
)  # fmt: skip
_BODY_TYPES = ("text/plain", "text/html")
_RECORD = "message"


def extract(stream: BinaryIO, limits: Limits) -> Iterator[Segment | Member]:
    data = read_capped(stream, limits.max_member_buffer, "message")
    try:
        msg = email.message_from_bytes(data, policy=compat32)
    except Exception as err:  # the feed parser is lenient; anything it still raises is corruption
        raise Unreadable(f"corrupt message: {short_reason(err)}") from err
    del data
    yield from message_segments(msg)


def message_segments(msg: Message) -> Iterator[Segment | Member]:
    """Headers, bodies and attachments of a parsed message."""
    for name in HEADERS:
        for raw in msg.get_all(name, []) or []:
            value = decode_header(raw)
            if value.strip():
                yield Segment(value, locator={"header": name}, context=name, record=_RECORD)
    unique = UniqueNames()
    for n, part, twin in _leaves(msg):
        try:
            ctype = part.get_content_type()
            filename = part.get_filename()
            disposition = str(part.get("Content-Disposition") or "").split(";")[0].strip().lower()
            if ctype in _BODY_TYPES and not filename and disposition != "attachment":
                text = _body_text(part)
                if ctype == "text/html" and twin is not None:
                    plain = _body_text(twin)
                    if len(" ".join(text.split())) <= 1.5 * len(" ".join(plain.split())):
                        continue
                if text.strip():
                    yield Segment(text, locator={"part": n}, prose=True, record=_RECORD)
                continue
        except SpillError:
            raise
        except Exception as err:  # a part so malformed the email package trips over it
            yield Member(unique(f"part{n}.bin"), open=_raiser(Unreadable(f"corrupt part: {short_reason(err)}")))
            continue
        yield _member(part, n, decode_header(filename) if filename else None, unique)


def _leaves(msg: Message) -> Iterator[tuple[int, Message, Message | None]]:
    """Leaf parts in order (nested messages are leaves), each with its plain twin for an HTML
    alternative. Iterative: a hostile nesting depth cannot overflow the stack."""
    n = 0
    stack: list[tuple[Message, Message | None]] = [(msg, None)]
    while stack:
        part, twin = stack.pop()
        is_message = part.get_content_maintype() == "message" and part is not msg
        if part.is_multipart() and not is_message:
            children = [c for c in part.get_payload() if isinstance(c, Message)]
            plain = None
            if part.get_content_subtype() == "alternative":
                plain = next((c for c in children if c.get_content_type() == "text/plain"), None)
            stack.extend((c, plain if c.get_content_type() == "text/html" else None) for c in reversed(children))
            continue
        n += 1
        yield n, part, twin


def _raiser(err: Exception) -> Callable[[], BinaryIO]:
    def open_member() -> BinaryIO:
        raise err

    return open_member


def _member(part: Message, n: int, filename: str | None, unique: UniqueNames) -> Member:
    ctype = part.get_content_type()
    if part.get_content_maintype() == "message" and part.is_multipart():
        default = f"part{n}.eml"
    else:
        default = f"part{n}{mimetypes.guess_extension(ctype) or '.bin'}"
    name = unique(sanitize_name(filename) if filename else default)

    def open_part() -> BinaryIO:
        return NamedBytes(_payload_bytes(part), name)

    return Member(name, open=open_part)


def _payload_bytes(part: Message) -> bytes:
    try:
        if part.is_multipart():  # message/rfc822: the nested message, re-serialized
            inner = part.get_payload(0)
            return inner.as_bytes() if isinstance(inner, Message) else b""
        payload = part.get_payload(decode=True)
    except Exception as err:
        raise Unreadable(f"corrupt attachment: {short_reason(err)}") from err
    return payload if isinstance(payload, bytes) else b""


def _body_text(part: Message) -> str:
    payload = _payload_bytes(part)
    charset = part.get_content_charset()
    text = None
    if charset:
        try:
            codecs.lookup(charset)
            text = decoder(charset).decode(payload, final=True)
        except (LookupError, UnicodeError, ValueError):
            text = None
    if text is None:
        text = decode_all(payload)
    if part.get_content_type() == "text/html":
        text = html_to_text(text)
    return text.strip()


def decode_header(value: object) -> str:
    """A header value as text: encoded words decoded, raw 8-bit bytes read as UTF-8/cp1252."""
    raw = str(value)
    try:
        text = str(email.header.make_header(email.header.decode_header(raw)))
    except Exception:  # bad charset names, broken encoded words: keep the raw text
        text = raw
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        text = decode_all(text.encode("utf-8", errors="surrogateescape"))
    return " ".join(text.split())
