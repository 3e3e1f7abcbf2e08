"""Outlook .msg files (via extract_msg): sender, recipients, subject, body, attachments.

Read: ``From`` (sender), ``To``/``Cc``/``Bcc`` (each recipient as ``Name <address>``), ``Reply-To``
when the transport headers carry it, and ``Subject`` as segments with ``context`` = header name and
``{"header": ...}``; the plain body (else the HTML body's visible text) as a ``prose=True``
segment ``{"part": 1}``; attachments as ``Member``s named by their long filename (embedded
messages re-serialized as ``<name>.msg``). An attachment extract_msg cannot read (web links, OLE
objects, broken ones) is a ``Member`` whose ``open()`` raises ``Skipped``. S/MIME-encrypted messages
(class ``IPM.Note.SMIME``) → ``Skipped("encrypted")``; a CFB file that is not a message, or a
corrupt one → ``Unreadable``. The file is held in memory (up to ``limits.max_member_buffer``).
Skipped: RTF-only bodies, named properties, calendar/task specifics.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any, BinaryIO

from spill.errors import Skipped, SpillError, Unreadable
from spill.model import Segment

from .base import Limits, Member
from .html import html_to_text
from .kinds import CFB_MAGIC
from .names import UniqueNames, sanitize_name
from .streams import NamedBytes, read_capped, short_reason
from .textio import decode_all

# extract_msg logs its complaints; they must not reach the terminal (the engine records reasons).
logging.getLogger("extract_msg").addHandler(logging.NullHandler())

_RECORD = "message"
_RECIPIENT_HEADER = {1: "To", 2: "Cc", 3: "Bcc"}


def extract(stream: BinaryIO, limits: Limits) -> Iterator[Segment | Member]:
    import extract_msg
    from extract_msg.enums import ErrorBehavior

    data = read_capped(stream, limits.max_member_buffer, "message")
    if not data.startswith(CFB_MAGIC):
        raise Unreadable("not an Outlook message: no OLE header")
    if message_class(data).lower().endswith((".smime", ".smime.encrypted")):
        raise Skipped("encrypted")
    try:
        msg = extract_msg.openMsg(data, errorBehavior=ErrorBehavior.ATTACH_SUPPRESS_ALL)
    except SpillError:
        raise
    except Exception as err:  # olefile/extract_msg raise many types on hostile input
        raise Unreadable(f"corrupt msg: {short_reason(err)}") from err
    try:
        yield from _headers(msg)
        body = _body(msg)
        if body:
            yield Segment(body, locator={"part": 1}, prose=True, record=_RECORD)
        attachments = _get(msg, "attachments") or []
        unique = UniqueNames()
        for i, att in enumerate(attachments, 1):
            yield _member(att, i, unique)
    finally:
        with contextlib.suppress(Exception):  # closing a broken file must not hide what went wrong
            msg.close()


def message_class(data: bytes) -> str:
    """The message class (``IPM.Note``, ``IPM.Note.SMIME``, ...), read before extract_msg opens it
    (it refuses some encrypted messages with errors that do not say so)."""
    import olefile  # installed with extract-msg

    try:
        ole = olefile.OleFileIO(data)
        for name, codec in (("__substg1.0_001A001F", "utf-16-le"), ("__substg1.0_001A001E", "latin-1")):
            if ole.exists(name):
                return ole.openstream(name).read(1024).decode(codec, errors="replace").rstrip("\x00")
    except Exception as err:  # olefile raises many types on a broken file
        raise Unreadable(f"corrupt msg: {short_reason(err)}") from err
    return ""


def _get(obj: Any, attr: str) -> Any:
    """A property of an extract_msg object; a broken property reads as missing."""
    try:
        return getattr(obj, attr)
    except SpillError:
        raise
    except Exception:
        return None


def _headers(msg: Any) -> Iterator[Segment]:
    def seg(name: str, value: object) -> Segment | None:
        text = " ".join(str(value).split()) if value else ""
        return Segment(text, locator={"header": name}, context=name, record=_RECORD) if text else None

    found = [seg("From", _get(msg, "sender"))]
    recipients = _get(msg, "recipients") or []
    for r in recipients:
        name, email = _get(r, "name") or "", _get(r, "email") or ""
        value = f"{name} <{email}>" if name and email and name != email else name or email
        header = _RECIPIENT_HEADER.get(int(_get(r, "type") or 1), "To")
        found.append(seg(header, value))
    if not recipients:
        found += [seg("To", _get(msg, "to")), seg("Cc", _get(msg, "cc")), seg("Bcc", _get(msg, "bcc"))]
    header = _get(msg, "header")
    if header is not None:
        with contextlib.suppress(Exception):
            found.append(seg("Reply-To", header.get("Reply-To")))
    found.append(seg("Subject", _get(msg, "subject")))
    yield from (s for s in found if s is not None)


def _body(msg: Any) -> str:
    body = _get(msg, "body")
    if isinstance(body, str) and body.strip():
        return body.replace("\r\n", "\n").strip()
    html = _get(msg, "htmlBody")
    if isinstance(html, bytes) and html.strip():
        return html_to_text(decode_all(html)).strip()
    return ""


def _member(att: Any, i: int, unique: UniqueNames) -> Member:
    filename = _get(att, "longFilename") or _get(att, "shortFilename") or _get(att, "name")
    data = _get(att, "data")
    if data is not None and not isinstance(data, bytes):  # an embedded message
        name = unique(sanitize_name(f"{filename or f'attachment{i}'}.msg"))
        try:
            data = data.exportBytes()
        except SpillError:
            raise
        except Exception as err:
            return Member(name, open=_raiser(Unreadable(f"embedded message: {short_reason(err)}")))
    else:
        name = unique(sanitize_name(filename) if filename else f"attachment{i}")
    if not isinstance(data, bytes):
        return Member(name, open=_raiser(Skipped("unsupported attachment")))
    payload: bytes = data
    return Member(name, open=lambda: NamedBytes(payload, name), size=len(payload))


def _raiser(err: Exception):  # type: ignore[no-untyped-def]
    def open_member() -> BinaryIO:
        raise err

    return open_member
