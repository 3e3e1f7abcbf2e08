"""What kind of file this is, by content; the name's extension only breaks ties among text kinds.

Kinds: ``text csv tsv json jsonl eml mbox msg docx xlsx pptx pdf zip tar gzip html xml binary
empty``. ``gzip`` is any single compressed stream (gzip, bzip2, xz); a compressed stream whose
content is a tar is ``tar`` when the head shows it. OOXML is told from a plain zip by its member
names (``[Content_Types].xml`` plus ``word/``, ``xl/`` or ``ppt/``), read from the local headers in
the head and from the central directory in the tail: use ``detect_kind_stream`` (it seeks) or pass
``tail=`` the file's last ``TAIL_BYTES``. OLE/CFB files are ``msg`` when named ``.msg`` or holding
``__substg1.0_`` storages, the OOXML kind of their extension when they hold an
``EncryptedPackage`` (the extractor then reports ``encrypted``), else ``binary`` (legacy .doc/.xls).
``sniff`` works on any stream (non-seekable ones by their head) and hands back one to extract from.
A head with many control bytes is ``binary`` unless it is UTF-16/32 text; NUL bytes in what is
otherwise UTF-8 text (log padding, a stray NUL) do not make it binary.
"""

from __future__ import annotations

import bz2
import codecs
import json
import lzma
import os
import re
import struct
import zlib
from typing import BinaryIO

from .mbox import ENVELOPE_PATTERN
from .streams import is_cheaply_seekable, peek, read_head
from .textio import bom_encoding, decoder, sniff_encoding, utf16_without_bom

KINDS: tuple[str, ...] = (
    "text", "csv", "tsv", "json", "jsonl", "eml", "mbox", "msg", "docx", "xlsx", "pptx",
    "pdf", "zip", "tar", "gzip", "html", "xml", "binary", "empty",
)  # fmt: skip

HEAD_BYTES = 1 << 16
TAIL_BYTES = 1 << 16

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OOXML_EXT = {
    ".docx": "docx", ".docm": "docx", ".dotx": "docx", ".dotm": "docx",
    ".xlsx": "xlsx", ".xlsm": "xlsx", ".xltx": "xlsx", ".xltm": "xlsx",
    ".pptx": "pptx", ".pptm": "pptx", ".potx": "pptx", ".ppsx": "pptx",
}  # fmt: skip
_TEXT_EXT = {
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".json": "json", ".jsonl": "jsonl",
    ".ndjson": "jsonl", ".eml": "eml", ".mbox": "mbox", ".mbx": "mbox", ".html": "html",
    ".htm": "html", ".xhtml": "html", ".xml": "xml", ".svg": "xml",
}  # fmt: skip
_TAR_EXT = (".tar", ".tgz", ".tbz", ".tbz2", ".txz", ".tar.gz", ".tar.bz2", ".tar.xz")
_MAIL_HEADERS = {
    "from", "to", "cc", "bcc", "subject", "date", "received", "mime-version", "message-id",
    "return-path", "reply-to", "delivered-to", "content-type", "x-mailer", "sender",
    "in-reply-to", "references", "dkim-signature", "x-original-to", "thread-topic",
}  # fmt: skip
_ADDRESS_OR_SUBJECT = {"from", "to", "subject", "received", "message-id", "mime-version"}
_HEADER_LINE = re.compile(r"^([!-9;-~]+):[ \t]*(.*)$")
_ENVELOPE = re.compile(ENVELOPE_PATTERN)
_HTML_TAGS = re.compile(r"<(?:!doctype\s+html|html|head|body|div|p|table|span|a\s|br|meta|title)\b", re.I)
_XML_START = re.compile(r"^<(?:\?xml|[A-Za-z_][\w.:-]*[\s>/])")


def detect_kind(head: bytes, name: str, tail: bytes = b"") -> str:
    """The kind of a file from its first bytes (``HEAD_BYTES`` is plenty), its name and,
    for zip and OLE files, optionally its last bytes."""
    if not head:
        return "empty"
    lname = name.lower()
    ext = os.path.splitext(lname)[1]
    if head.startswith(_ZIP_MAGICS):
        return _zip_kind(head, tail, ext)
    if head.startswith(CFB_MAGIC):
        return _cfb_kind(head + tail, ext)
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\x1f\x8b"):
        return "tar" if is_tar_header(_inflate_head(head)) else "gzip"
    if head.startswith(b"BZh") and head[4:10] == b"1AY&SY":
        return "tar" if lname.endswith(_TAR_EXT) or is_tar_header(_bunzip_head(head)) else "gzip"
    if head.startswith(b"\xfd7zXZ\x00"):
        return "tar" if lname.endswith(_TAR_EXT) or is_tar_header(_unxz_head(head)) else "gzip"
    if is_tar_header(head):
        return "tar"
    if is_binary(head):
        return "binary"
    return _text_kind(head, ext)


def detect_kind_stream(stream: BinaryIO, name: str) -> str:
    """``detect_kind`` reading the head and, for zip/OLE files, the tail of a seekable stream.
    The stream's position is restored."""
    pos = stream.tell()
    try:
        head = read_head(stream, HEAD_BYTES)
        tail = b""
        if head.startswith(_ZIP_MAGICS) or head.startswith(CFB_MAGIC):
            end = stream.seek(0, os.SEEK_END)
            if end > len(head):
                stream.seek(max(len(head), end - TAIL_BYTES))
                tail = read_head(stream, TAIL_BYTES)
        return detect_kind(head, name, tail)
    finally:
        stream.seek(pos)


def sniff(stream: BinaryIO, name: str) -> tuple[str, BinaryIO]:
    """The kind of any stream, and a stream to pass to the extractor that starts where ``stream``
    did. Cheaply seekable streams (memory, real files) get the full ``detect_kind_stream``; others
    (a member being unpacked) are judged by their head alone and never seeked."""
    if is_cheaply_seekable(stream):
        return detect_kind_stream(stream, name), stream
    head, stream = peek(stream, HEAD_BYTES)
    return detect_kind(head, name), stream


def is_binary(head: bytes) -> bool:
    """Many control bytes, or NUL bytes in what is not text; UTF-16/32 text is text.

    NUL bytes alone do not make a file binary: a log with NUL padding (a writer that crashed,
    a preallocated file) or text with a stray NUL is still UTF-8 text around them.
    """
    sample = head[:8192]
    if not sample or bom_encoding(sample) or utf16_without_bom(sample):
        return False
    if b"\x00" in sample:
        return not _text_with_nuls(sample)
    return _control_share(sample) > 0.1


#: The control bytes that are not text (tab, line breaks, form feed and ESC are).
_CONTROL = bytes(b for b in range(0x20) if b not in b"\t\n\r\f\v\x1b") + b"\x7f"


def _control_share(sample: bytes) -> float:
    control = len(sample) - len(sample.translate(None, _CONTROL))  # C speed: every other byte is kept
    return control / max(len(sample), 1)


def _text_with_nuls(sample: bytes) -> bool:
    """UTF-8 text once its NUL bytes are set aside: valid, almost no other control byte, mostly
    printable. Binary formats fail one of these (their other low bytes, invalid UTF-8)."""
    rest = sample.replace(b"\x00", b"")
    if len(rest) < 64:
        return False
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(rest, final=False)
    except UnicodeDecodeError:
        return False
    printable = sum(ch.isprintable() or ch in "\t\n\r" for ch in text)
    return _control_share(rest) <= 0.01 and printable >= 0.95 * max(len(text), 1)


# --- containers -----------------------------------------------------------------------------------


def zip_names(data: bytes) -> set[str]:
    """Member names found in local file headers and central directory records within ``data``."""
    names: set[str] = set()
    for sig, fixed, name_at in ((b"PK\x03\x04", 30, 26), (b"PK\x01\x02", 46, 28)):
        start = 0
        while (i := data.find(sig, start)) >= 0:
            start = i + 4
            if i + fixed > len(data):
                break
            (n,) = struct.unpack_from("<H", data, i + name_at)
            raw = data[i + fixed : i + fixed + n]
            if len(raw) == n:
                names.add(raw.decode("utf-8", errors="replace"))
    return names


def _zip_kind(head: bytes, tail: bytes, ext: str) -> str:
    names = zip_names(head) | zip_names(tail)
    if "[Content_Types].xml" in names:
        for prefix, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
            if any(n.startswith(prefix) for n in names):
                return kind
        return _OOXML_EXT.get(ext, "zip")
    return "zip"


def _cfb_kind(data: bytes, ext: str) -> str:
    if ext == ".msg" or "__substg1.0_".encode("utf-16-le") in data:
        return "msg"
    if ext in _OOXML_EXT or "EncryptedPackage".encode("utf-16-le") in data:
        return _OOXML_EXT.get(ext, "docx")
    return "binary"


def is_tar_header(block: bytes) -> bool:
    if len(block) < 512:
        return False
    if block[257:262] == b"ustar":
        return True
    # old (v7) tar without magic: the header checksum must add up
    try:
        stored = int(block[148:156].replace(b"\x00", b" ").strip() or b"-1", 8)
    except ValueError:
        return False
    computed = sum(block[:148]) + 8 * 32 + sum(block[156:512])
    return stored == computed and block[0] != 0


def _inflate_head(head: bytes) -> bytes:
    try:
        return zlib.decompressobj(31).decompress(head, 1024)
    except zlib.error:
        return b""


def _bunzip_head(head: bytes) -> bytes:
    try:
        return bz2.BZ2Decompressor().decompress(head, 1024)
    except (OSError, EOFError, ValueError):
        return b""


def _unxz_head(head: bytes) -> bytes:
    try:
        return lzma.LZMADecompressor().decompress(head, 1024)
    except (lzma.LZMAError, EOFError):
        return b""


# --- text kinds -----------------------------------------------------------------------------------


def _text_kind(head: bytes, ext: str) -> str:
    text = decoder(sniff_encoding(head)).decode(head, final=False)
    stripped = text.lstrip("\ufeff \t\r\n")
    strong = _strong_text_kind(stripped, ext)
    if strong:
        return strong
    if ext in _TEXT_EXT:
        return _TEXT_EXT[ext]
    return _weak_text_kind(text)


def _strong_text_kind(text: str, ext: str) -> str | None:
    if text.startswith("From ") and _ENVELOPE.match(text):  # a real envelope, not "From the film …"
        return "mbox"
    if _looks_like_mail(text):
        return "eml"
    if text[:1] in "{[":
        return _json_kind(text, ext)
    if text.startswith("<"):
        if (_HTML_TAGS.search(text[:4096]) and not text.startswith("<?xml")) or re.match(
            r"<\?xml[^>]*>\s*(?:<!--.*?-->\s*)*<!DOCTYPE\s+html", text[:4096], re.I | re.S
        ):
            return "html"
        if _XML_START.match(text):
            return "xml"
    elif _HTML_TAGS.search(text[:1024]) and re.search(r"<(?:html|body)\b", text[:4096], re.I):
        return "html"
    return None


def _looks_like_mail(text: str) -> bool:
    seen: set[str] = set()
    for i, line in enumerate(text.splitlines()[:60]):
        if not line.strip():
            break
        if line[:1] in " \t" and i:
            continue
        m = _HEADER_LINE.match(line)
        if not m:
            return False
        seen.add(m.group(1).lower())
    known = seen & _MAIL_HEADERS
    return len(known) >= 2 and bool(known & _ADDRESS_OR_SUBJECT)


def _json_kind(text: str, ext: str) -> str | None:
    if not _JSON_START.match(text):
        return None  # "[INFO] ..." logs, "{{ template }}"
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    second = next((ln for ln in lines[lines.index(first) + 1 :] if ln.strip()), "")
    if first.lstrip().startswith("{") and second.lstrip().startswith("{"):
        try:
            json.loads(first)
        except ValueError:
            pass
        else:
            return "jsonl"
    return "jsonl" if ext in (".jsonl", ".ndjson") else "json"


_JSON_START = re.compile(r'^(?:\{\s*(?:"|\})|\[\s*(?:[\[{"\]\d-]|true|false|null))')


def _weak_text_kind(text: str) -> str:
    lines = [ln for ln in text.splitlines()[:25] if ln.strip()]
    if len(lines) >= 3:
        complete = lines[:-1] if len(text) >= HEAD_BYTES // 2 else lines
        for delim, kind in (("\t", "tsv"), (",", "csv"), (";", "csv"), ("|", "csv")):
            counts = {ln.count(delim) for ln in complete}
            if len(counts) == 1 and min(counts) >= 1:
                return kind
    return "text"
