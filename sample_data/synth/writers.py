"""Deterministic writers: every container format gets fixed timestamps, names and boundaries.

A file is described by a :class:`Blob` (its bytes, the values planted in its own text, and its
members when it is an archive or a mail message). :class:`Share` writes blobs to disk and turns
their tags into truth lines using the export path format (``outer.zip!/inner.csv``).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import tarfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol

FIXED_DT = datetime(2025, 3, 14, 9, 30, 0, tzinfo=UTC)
FIXED_NAIVE = FIXED_DT.replace(tzinfo=None)
FIXED_EPOCH = int(FIXED_DT.timestamp())
ZIP_DT = (2025, 3, 14, 9, 30, 0)
MAIL_POLICY = default_policy.clone(linesep="\n", max_line_length=100)


class Owner(Protocol):
    """A planted person: anything with a stable subject id (``contractor:LMF-C-004512``, ``staff:finance``)."""

    @property
    def subject(self) -> str: ...


class Tags:
    """The (label, value, subject) triples planted in one file's or member's own text.

    Calling the object records a value with the person it belongs to and returns it, so text can be
    written inline: ``f"IBAN: {t('IBAN_CODE', c.iban, c)}"``. A value that belongs to nobody in
    particular (a shared inbox, a company phone, a bank's SWIFT code, a company credential) is
    planted with :meth:`shared`; a rubric document with :meth:`rubric`.
    """

    def __init__(self) -> None:
        self.items: list[tuple[str, str | None, str | None]] = []

    def __call__(self, label: str, value: str, owner: Owner) -> str:
        self.items.append((label, value, owner.subject))
        return value

    def shared(self, label: str, value: str) -> str:
        self.items.append((label, value, None))
        return value

    def rubric(self, lab: str | None) -> None:
        self.items.append(("LAB_RUBRIC", lab, None))

    def merge(self, other: Tags) -> Tags:
        self.items.extend(other.items)
        return self


@dataclass
class Blob:
    data: bytes
    tags: Tags = field(default_factory=Tags)
    members: dict[str, Blob] = field(default_factory=dict)


class Share:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.truth: dict[tuple[str, str, str | None], str | None] = {}  # (path, label, value) -> subject
        self.files: list[str] = []

    def write(self, rel: str, blob: Blob | bytes | str, tags: Tags | None = None, encoding: str = "utf-8") -> Blob:
        if isinstance(blob, str):
            blob = Blob(blob.encode(encoding), tags or Tags())
        elif isinstance(blob, bytes):
            blob = Blob(blob, tags or Tags())
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(blob.data)
        os.utime(path, (FIXED_EPOCH, FIXED_EPOCH))
        self.files.append(rel)
        self._record(rel, blob)
        return blob

    def _record(self, path: str, blob: Blob) -> None:
        for label, value, subject in blob.tags.items:
            key = (path, label, value)
            if key in self.truth and self.truth[key] != subject:
                # one truth line per (path, label, value): it cannot belong to two people
                raise ValueError(f"{path} {label} {value!r} planted for {self.truth[key]} and {subject}")
            self.truth[key] = subject
        for name, member in blob.members.items():
            self._record(f"{path}!/{name}", member)

    def finish(self, truth_path: Path) -> None:
        for dirpath, _dirs, _files in os.walk(self.root):
            os.utime(dirpath, (FIXED_EPOCH, FIXED_EPOCH))
        rows = sorted(self.truth.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or ""))
        with truth_path.open("w", encoding="utf-8", newline="\n") as fh:
            for (path, label, value), subject in rows:
                line = {"path": path, "label": label, "value": value, "subject": subject}
                fh.write(json.dumps(line, ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------- plain text helpers


def text_blob(text: str, tags: Tags | None = None, encoding: str = "utf-8") -> Blob:
    return Blob(text.encode(encoding), tags or Tags())


def json_text(obj: object, indent: int | None = 2) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=indent) + ("\n" if indent else "")


def jsonl_text(rows: Iterable[dict[str, object]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def csv_text(rows: list[list[object]], delimiter: str = ",") -> str:
    import csv

    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n" if delimiter == "," else "\n")
    writer.writerows(rows)
    return buf.getvalue()


# --------------------------------------------------------------------------- archives


def _zipinfo(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_DT)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = (0o40755 << 16 | 0x10) if name.endswith("/") else (0o100644 << 16)
    return info


def zip_blob(members: dict[str, Blob], dirs: Iterable[str] = ()) -> Blob:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for d in dirs:
            zf.writestr(_zipinfo(d.rstrip("/") + "/"), b"")
        for name, blob in members.items():
            zf.writestr(_zipinfo(name), blob.data)
    return Blob(buf.getvalue(), Tags(), members)


def targz_blob(members: dict[str, Blob]) -> Blob:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tf:
        dirs = sorted({str(Path(n).parent) for n in members if "/" in n})
        for d in dirs:
            info = tarfile.TarInfo(d)
            info.type, info.mode = tarfile.DIRTYPE, 0o755
            _fix_tarinfo(info)
            tf.addfile(info)
        for name, blob in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(blob.data), 0o644
            _fix_tarinfo(info)
            tf.addfile(info, io.BytesIO(blob.data))
    return Blob(gzip_bytes(raw.getvalue(), ""), Tags(), members)


def _fix_tarinfo(info: tarfile.TarInfo) -> None:
    info.mtime = FIXED_EPOCH
    info.uid = info.gid = 1000
    info.uname = info.gname = "labelops"


def gzip_bytes(data: bytes, inner_name: str) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename=inner_name, mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    return buf.getvalue()


def gzip_blob(inner_name: str, inner: Blob) -> Blob:
    return Blob(gzip_bytes(inner.data, inner_name), Tags(), {inner_name: inner})


# --------------------------------------------------------------------------- office / pdf

_CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")
_LAST_PRINTED = re.compile(rb"<cp:lastPrinted>[^<]*</cp:lastPrinted>")
_WORD_DATES = re.compile(rb'w:date="[^"]*"')


def normalize_ooxml(data: bytes) -> bytes:
    """Rewrite an OOXML package with fixed zip timestamps and fixed core-property dates."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = _CORE_DATES.sub(rb"\g<1>2025-03-14T09:30:00Z\g<3>", content)
                content = _LAST_PRINTED.sub(b"", content)
            elif item.filename.startswith("word/"):
                content = _WORD_DATES.sub(b'w:date="2025-03-12T16:05:00Z"', content)
            dst.writestr(_zipinfo(item.filename), content)
    return out.getvalue()


def office_blob(document: object, tags: Tags) -> Blob:
    """Save a python-docx / python-pptx / openpyxl object deterministically."""
    props = getattr(document, "core_properties", None) or getattr(document, "properties", None)
    if props is not None:
        for attr in ("created", "modified"):
            setattr(props, attr, FIXED_NAIVE)
        if hasattr(props, "last_printed"):
            props.last_printed = FIXED_NAIVE
        if hasattr(props, "revision"):
            props.revision = 1
        # library templates ship their own author / description (e.g. python-pptx's): overwrite them
        if hasattr(props, "author"):  # python-docx / python-pptx
            props.last_modified_by = props.author
            props.comments = ""
        else:  # openpyxl
            props.lastModifiedBy = props.creator
            props.description = None
    buf = io.BytesIO()
    document.save(buf)  # type: ignore[attr-defined]
    return Blob(normalize_ooxml(buf.getvalue()), tags)


def pdf_blob(pdf: object, tags: Tags) -> Blob:
    return Blob(bytes(pdf.output()), tags)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- mail


@dataclass
class Mail:
    sender: str
    to: list[str]
    subject: str
    date: datetime
    text: str
    html: str | None = None
    cc: list[str] = field(default_factory=list)
    attachments: list[tuple[str, str, Blob]] = field(default_factory=list)  # (filename, mime type, blob)
    msgid: str = ""
    in_reply_to: str = ""


def mail_blob(mail: Mail, tags: Tags) -> Blob:
    msg = EmailMessage(policy=MAIL_POLICY)
    msg["From"] = mail.sender
    msg["To"] = ", ".join(mail.to)
    if mail.cc:
        msg["Cc"] = ", ".join(mail.cc)
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(mail.date)
    msg["Message-ID"] = mail.msgid
    if mail.in_reply_to:
        msg["In-Reply-To"] = mail.in_reply_to
        msg["References"] = mail.in_reply_to
    msg["MIME-Version"] = "1.0"
    msg.set_content(mail.text)
    if mail.html is not None:
        msg.add_alternative(mail.html, subtype="html")
    members: dict[str, Blob] = {}
    for filename, mime, blob in mail.attachments:
        maintype, subtype = mime.split("/")
        msg.add_attachment(blob.data, maintype=maintype, subtype=subtype, filename=filename)
        members[filename] = blob
    token = hashlib.sha1(mail.msgid.encode()).hexdigest()[:16]
    multiparts = [part for part in msg.walk() if part.is_multipart()]
    for counter, part in enumerate(multiparts, start=1):
        part.set_boundary(f"----=_Part_{counter}_{token}")
    return Blob(msg.as_bytes(policy=MAIL_POLICY), tags, members)


def mbox_blob(messages: list[tuple[str, datetime, Blob]]) -> Blob:
    """messages: (envelope sender address, date, message blob); numbered 1.. in file order."""
    out = bytearray()
    members: dict[str, Blob] = {}
    for i, (addr, when, blob) in enumerate(messages, start=1):
        out += f"From {addr} {when.strftime('%a %b %d %H:%M:%S %Y')}\n".encode()
        body = re.sub(rb"(?m)^(>*From )", rb">\1", blob.data)
        out += body if body.endswith(b"\n") else body + b"\n"
        out += b"\n"
        members[str(i)] = blob
    return Blob(bytes(out), Tags(), members)
