"""Check truth.jsonl against the share it describes.

Opens every file and archive member (zip, tar.gz, gzip, eml, mbox, msg, OOXML, PDF) with plain
stdlib/pypdfium2/olefile code, independent of spill's own extractors, and reports:

1. truth paths that do not exist;
2. truth values that do not occur in the text of their path;
3. planted values (anything listed somewhere in the truth) that occur in a path's text without a
   truth line for that path — the truth must be exhaustive;
4. e-mail addresses, valid IBANs, Luhn-valid card numbers and token shapes found by a sweep that
   are not in the truth for that path (except the deliberate placeholders).

:func:`check_subjects` checks each truth line's ``subject`` against the planted people's records.
"""

from __future__ import annotations

import email
import email.policy
import gzip
import html
import io
import json
import re
import tarfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from email.message import EmailMessage
from pathlib import Path

from stdnum import iban as std_iban
from stdnum import luhn

from sample_data.synth.people import Contractor, Staff

MAIL_HEADERS = ("From", "To", "Cc", "Reply-To", "Subject", "Date")
OOXML = (".docx", ".pptx", ".xlsx")
PLACEHOLDERS = {"AKIAIOSFODNN7EXAMPLE", "xoxb-your-token"}


def decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


_BREAKS = re.compile(r"</(w:p|a:p|si|row|w:tr)>|<w:br/>|<a:br/>")
_CELLS = re.compile(r"</(c|w:tc)>|<w:tab/>")
_TAGS = re.compile(r"<[^>]+>")


def ooxml_text(data: bytes) -> str:
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.endswith(".xml") and "/_rels/" not in name and "theme" not in name:
                xml = zf.read(name).decode("utf-8")
                xml = _CELLS.sub("\t", _BREAKS.sub("\n", xml))
                out.append(html.unescape(_TAGS.sub("", xml)))
    return "\n".join(out)


def pdf_text(data: bytes) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def mail_parts(msg: EmailMessage) -> tuple[str, dict[str, bytes]]:
    text = [f"{h}: {msg[h]}" for h in MAIL_HEADERS if msg[h] is not None]
    attachments: dict[str, bytes] = {}
    for part in msg.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        if filename:
            attachments[filename] = part.get_payload(decode=True)
        elif part.get_content_maintype() == "text":
            text.append(part.get_content())
    return "\n".join(text), attachments


def msg_parts(data: bytes) -> tuple[str, dict[str, bytes]]:
    """An Outlook .msg with olefile: every UTF-16 string property of the message and its
    recipients, and the attachments by file name."""
    import olefile

    texts, attachments = [], {}
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        for entry in ole.listdir():
            if entry[-1].startswith("__substg1.0_") and entry[-1].endswith("001F") and (
                    len(entry) == 1 or entry[0].startswith("__recip_")):
                texts.append(ole.openstream(entry).read().decode("utf-16-le"))
            if len(entry) == 2 and entry[0].startswith("__attach_") and entry[1] == "__substg1.0_37010102":
                name = ole.openstream([entry[0], "__substg1.0_3707001F"]).read().decode("utf-16-le")
                attachments[name] = ole.openstream(entry).read()
    return "\n".join(texts), attachments


def split_mbox(data: bytes) -> list[bytes]:
    chunks = re.split(rb"(?m)^From [^\n]*\n", data)
    return [re.sub(rb"(?m)^>(>*From )", rb"\1", c) for c in chunks[1:]]


def walk(path: str, data: bytes, is_message: bool = False) -> Iterator[tuple[str, str]]:
    """Yield (export path, text) for a file and every member inside it."""
    name = path.rsplit("!/", 1)[-1].lower()
    if is_message or name.endswith(".eml"):
        msg = email.message_from_bytes(data, policy=email.policy.default)
        text, attachments = mail_parts(msg)  # type: ignore[arg-type]
        yield path, text
        for fname, content in attachments.items():
            yield from walk(f"{path}!/{fname}", content)
    elif name.endswith(".mbox"):
        for i, chunk in enumerate(split_mbox(data), start=1):
            yield from walk(f"{path}!/{i}", chunk, is_message=True)
    elif name.endswith(OOXML):
        yield path, ooxml_text(data)
    elif name.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                if not info.is_dir():
                    yield from walk(f"{path}!/{info.filename}", zf.read(info))
    elif name.endswith((".tar.gz", ".tgz")):
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tf:
            for member in tf.getmembers():
                if member.isfile():
                    fh = tf.extractfile(member)
                    assert fh is not None
                    yield from walk(f"{path}!/{member.name}", fh.read())
    elif name.endswith(".gz"):
        inner = name.rsplit("/", 1)[-1][: -len(".gz")]
        yield from walk(f"{path}!/{inner}", gzip.decompress(data))
    elif name.endswith(".pdf"):
        yield path, pdf_text(data)
    elif name.endswith(".msg"):
        text, attachments = msg_parts(data)
        yield path, text
        for fname, content in attachments.items():
            yield from walk(f"{path}!/{fname}", content)
    else:
        yield path, decode_text(data)


def share_texts(share: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for f in sorted(p for p in share.rglob("*") if p.is_file()):
        rel = f.relative_to(share).as_posix()
        for path, text in walk(rel, f.read_bytes()):
            out[path] = text
    return out


def _bounded(value: str) -> re.Pattern[str]:
    return re.compile(r"(?<![A-Za-z0-9])" + re.escape(value) + r"(?![A-Za-z0-9])")


SWEEPS = {
    "EMAIL_ADDRESS": re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
    "AWS_ACCESS_KEY": re.compile(r"\bAKIA[A-Z0-9]{16}\b"),
    "GITHUB_TOKEN": re.compile(r"\bghp_[A-Za-z0-9]{36}\b"),
    "SLACK_TOKEN": re.compile(r"\bxox[bpa]-[A-Za-z0-9-]+"),
    "STRIPE_KEY": re.compile(r"\bsk_live_[A-Za-z0-9]+"),
    "OPENAI_API_KEY": re.compile(r"\bsk-proj-[A-Za-z0-9_-]+"),
    "ANTHROPIC_API_KEY": re.compile(r"\bsk-ant-api03-[A-Za-z0-9_-]+"),
    "US_SSN": re.compile(r"\b\d{3}-\d{2}-\d{4}\b"),
}
IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b")
CARD_RE = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")


def check(share: Path, truth_path: Path) -> list[str]:
    truth: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for line in truth_path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        truth[row["path"]].append((row["label"], row["value"]))
    texts = share_texts(share)
    problems: list[str] = []

    registry: set[tuple[str, str]] = set()
    for path, items in truth.items():
        if path not in texts:
            problems.append(f"missing path: {path}")
            continue
        for label, value in items:
            if value is None or label == "LAB_RUBRIC":  # document-level: the value names the client
                continue
            if value not in texts[path]:
                problems.append(f"value not in text: {path} {label} {value!r}")
            if len(value) >= 6 and (label != "PERSON" or " " in value):
                registry.add((label, value))

    patterns = {(label, value): _bounded(value) for label, value in sorted(registry)}
    for path, text in texts.items():
        recorded = {(label, value) for label, value in truth.get(path, []) if value}
        spans = [m.span() for key in recorded if key[1] in text
                 for m in (patterns.get(key) or _bounded(key[1])).finditer(text)]

        def covered(span: tuple[int, int], spans: list[tuple[int, int]] = spans) -> bool:
            return any(s <= span[0] and span[1] <= e for s, e in spans)

        for key, pattern in patterns.items():
            if key in recorded or key[1] not in text:
                continue
            for m in pattern.finditer(text):
                if not covered(m.span()):
                    problems.append(f"unrecorded planted value: {path} {key[0]} {key[1]!r}")
                    break
        values = {v for _lbl, v in recorded}
        for label, regex in SWEEPS.items():
            for m in regex.finditer(text):
                if m.group(0) not in values and m.group(0) not in PLACEHOLDERS and not covered(m.span()):
                    problems.append(f"sweep found untagged {label}: {path} {m.group(0)!r}")
        for m in IBAN_RE.finditer(text):
            if std_iban.is_valid(m.group(0)) and not covered(m.span()):
                problems.append(f"sweep found untagged IBAN: {path} {m.group(0)!r}")
        for m in CARD_RE.finditer(text):
            digits = re.sub(r"\D", "", m.group(0))
            if digits[0] in "3456" and luhn.is_valid(digits) and not covered(m.span()):
                problems.append(f"sweep found untagged Luhn-valid number: {path} {m.group(0)!r}")
    return problems


def occurrences(share: Path, needle: str) -> int:
    return sum(text.count(needle) for text in share_texts(share).values())


# Labels whose value always identifies one person, and labels whose value never does (a bank's codes,
# a rubric document); the rest (e-mail, phone, bank numbers, credentials) can be either.
PERSON_BOUND = {"PERSON", "CONTRACTOR_ID", "US_SSN", "IN_PAN", "IN_AADHAAR", "PH_TIN", "NG_NIN", "BR_CPF",
                "KE_NATIONAL_ID", "PASSPORT", "UPI_ID", "CRYPTO", "CREDIT_CARD", "IBAN_CODE", "BANK_ACCOUNT"}
NOBODYS = {"ABA_ROUTING_NUMBER", "SWIFT_CODE", "LAB_RUBRIC"}


def check_subjects(truth_path: Path, people: Iterable[Contractor | Staff]) -> list[str]:
    """Check the truth's ``subject`` of every line against the planted people:

    1. every line has a subject, null or the id of a planted person;
    2. a value of a person-bound label has a subject, a bank code or rubric has none;
    3. a value on a person's record is planted as theirs wherever it appears (a reviewer's e-mail in
       someone else's row stays the reviewer's), and no two people's records share a value;
    4. every contractor has their identifiers: each one on the record is planted, in some spelling,
       under their subject.
    """
    people = list(people)
    problems: list[str] = []
    owner_of: dict[tuple[str, str], str] = {}
    for person in people:
        for spellings in person.identifiers().values():
            for key in spellings:
                if owner_of.setdefault(key, person.subject) != person.subject:
                    problems.append(f"{key} is on the records of {owner_of[key]} and {person.subject}")
    known = {person.subject for person in people}
    planted: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for line in truth_path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        where = f"{row['path']} {row['label']} {row['value']!r}"
        if "subject" not in row:
            problems.append(f"no subject: {where}")
            continue
        subject, key = row["subject"], (row["label"], row["value"])
        if subject is None and row["label"] in PERSON_BOUND:
            problems.append(f"person-bound value without a subject: {where}")
        elif subject is not None and row["label"] in NOBODYS:
            problems.append(f"{row['label']} belongs to nobody, not {subject}: {where}")
        elif subject is not None and subject not in known:
            problems.append(f"unknown subject {subject}: {where}")
        if key in owner_of and subject != owner_of[key]:
            problems.append(f"planted as {subject}'s, but on the record of {owner_of[key]}: {where}")
        if subject is not None:
            planted[subject].add(key)
    for person in people:
        if isinstance(person, Contractor):
            for field_name, spellings in person.identifiers().items():
                if not spellings & planted[person.subject]:
                    problems.append(f"{person.subject}: their {field_name} is planted nowhere as theirs")
    return problems

