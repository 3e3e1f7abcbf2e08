"""A small writer of OLE/CFB compound files (version 3, 512-byte sectors): the sample share's Outlook
.msg and test fixtures.

Enough of [MS-CFB] to produce files olefile and extract_msg read: header with the DIFAT for up to
109 FAT sectors, FAT, mini FAT and mini stream for streams under 4096 bytes, directory with a
balanced sibling tree per storage. Also ``build_msg`` (an Outlook .msg with MAPI property streams,
per [MS-OXMSG]) and ``build_encrypted_ooxml`` (the CFB wrapper Office uses for a password-protected
.docx/.xlsx/.pptx).
"""

from __future__ import annotations

import math
import struct

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
SECTOR, MINI, CUTOFF = 512, 64, 4096


class _Node:
    def __init__(self, name: str, kind: int, data: bytes = b"") -> None:
        self.name, self.kind, self.data = name, kind, data
        self.children: dict[str, _Node] = {}
        self.sid = 0
        self.left = self.right = self.child = NOSTREAM
        self.start, self.size = END, 0


def _sort_key(name: str) -> tuple[int, str]:
    return (len(name), name.upper())


def write_cfb(streams: dict[str, bytes]) -> bytes:
    """A compound file holding ``streams`` ({"storage/sub/stream": data}; storages implied)."""
    root = _Node("Root Entry", 5)
    for path, data in streams.items():
        node = root
        parts = path.split("/")
        for part in parts[:-1]:
            node = node.children.setdefault(part, _Node(part, 1))
        node.children[parts[-1]] = _Node(parts[-1], 2, data)

    entries: list[_Node] = []

    def number(node: _Node) -> None:
        node.sid = len(entries)
        entries.append(node)
        for child in node.children.values():
            number(child)

    number(root)

    def tree(nodes: list[_Node]) -> int:
        if not nodes:
            return NOSTREAM
        mid = len(nodes) // 2
        nodes[mid].left = tree(nodes[:mid])
        nodes[mid].right = tree(nodes[mid + 1 :])
        return nodes[mid].sid

    for node in entries:
        if node.children:
            node.child = tree(sorted(node.children.values(), key=lambda n: _sort_key(n.name)))

    # mini stream for small streams, regular sectors for big ones
    mini = bytearray()
    minifat: list[int] = []
    big: list[_Node] = []
    for node in entries:
        if node.kind != 2:
            continue
        node.size = len(node.data)
        if node.size >= CUTOFF:
            big.append(node)
        elif node.size:
            first = len(minifat)
            count = math.ceil(node.size / MINI)
            minifat.extend([*range(first + 1, first + count), END])
            node.start = first
            mini += node.data + b"\0" * (count * MINI - node.size)

    sectors: list[bytes] = []
    fat: list[int] = []

    def add_chain(data: bytes, marker: int | None = None) -> int:
        if not data:
            return END
        count = math.ceil(len(data) / SECTOR)
        first = len(sectors)
        padded = data + b"\0" * (count * SECTOR - len(data))
        for i in range(count):
            sectors.append(padded[i * SECTOR : (i + 1) * SECTOR])
            fat.append(marker if marker is not None else (first + i + 1 if i < count - 1 else END))
        return first

    root.start = add_chain(bytes(mini))
    root.size = len(mini)
    for node in big:
        node.start = add_chain(node.data)
    minifat_bytes = struct.pack(f"<{len(minifat)}I", *minifat) if minifat else b""
    minifat_start = add_chain(minifat_bytes)
    minifat_count = math.ceil(len(minifat_bytes) / SECTOR)

    directory = bytearray()
    for node in entries:
        name = node.name.encode("utf-16-le")
        directory += struct.pack(
            "<64sHBBIII16sIQQIQ",
            name + b"\0\0",
            len(name) + 2,
            node.kind,
            1,
            node.left,
            node.right,
            node.child,
            b"\0" * 16,
            0,
            0,
            0,
            node.start if node.kind != 1 else 0,
            node.size,
        )
    while len(directory) % SECTOR:
        directory += struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"", 0, 0, 0, 0, 0)
    dir_start = add_chain(bytes(directory))

    nfat = 1
    while math.ceil((len(sectors) + nfat) / (SECTOR // 4)) > nfat:
        nfat += 1
    assert nfat <= 109, "fixture too big for a header-only DIFAT"
    fat_ids = list(range(len(sectors), len(sectors) + nfat))
    fat.extend([FATSECT] * nfat)
    fat.extend([FREE] * (nfat * SECTOR // 4 - len(fat)))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    sectors.extend(fat_bytes[i * SECTOR : (i + 1) * SECTOR] for i in range(nfat))

    difat = fat_ids + [FREE] * (109 - nfat)
    header = (
        MAGIC
        + b"\0" * 16
        + struct.pack(
            "<HHHHH6sIIIIIIIII109I",
            0x3E,
            3,
            0xFFFE,
            9,
            6,
            b"",
            0,
            nfat,
            dir_start,
            0,
            CUTOFF,
            minifat_start if minifat_count else END,
            minifat_count,
            END,
            0,
            *difat,
        )
    )
    assert len(header) == SECTOR
    return header + b"".join(sectors)


# --- Outlook .msg ---------------------------------------------------------------------------------

PT_LONG, PT_UNICODE, PT_BINARY = 0x0003, 0x001F, 0x0102


def _props(header: bytes, props: list[tuple[int, int, int | bytes]]) -> bytes:
    out = bytearray(header)
    for prop_id, ptype, value in props:
        tag = (prop_id << 16) | ptype
        if isinstance(value, int):
            out += struct.pack("<IIIi", tag, 6, 0, value)[:8] + struct.pack("<iI", value, 0)
        else:
            size = len(value) + (2 if ptype == PT_UNICODE else 0)
            out += struct.pack("<IIII", tag, 6, size, 0)
    return bytes(out)


def _string_streams(prefix: str, strings: dict[int, str]) -> tuple[dict[str, bytes], list]:
    streams, props = {}, []
    for prop_id, value in strings.items():
        data = value.encode("utf-16-le")
        streams[f"{prefix}__substg1.0_{prop_id:04X}001F"] = data
        props.append((prop_id, PT_UNICODE, data))
    return streams, props


def build_msg(
    subject: str,
    body: str,
    sender_name: str,
    sender_email: str,
    recipients: list[tuple[str, str, int]],
    attachments: list[tuple[str, bytes]] = (),  # type: ignore[assignment]
    message_class: str = "IPM.Note",
    headers: str | None = None,
) -> bytes:
    """An Outlook message: recipients are (name, email, type 1=To 2=Cc 3=Bcc)."""
    to = "; ".join(n for n, _, t in recipients if t == 1)
    cc = "; ".join(n for n, _, t in recipients if t == 2)
    strings = {
        0x001A: message_class,
        0x0037: subject,
        0x1000: body,
        0x0C1A: sender_name,
        0x0C1F: sender_email,
        0x5D01: sender_email,
        0x0065: sender_email,
        0x0E04: to,
        0x0E03: cc,
    }
    if headers:
        strings[0x007D] = headers
    streams, props = _string_streams("", strings)
    props.append((0x3FDE, PT_LONG, 65001))  # PidTagInternetCodepage
    props.append((0x3FFD, PT_LONG, 65001))  # PidTagMessageCodepage
    props.append((0x340D, PT_LONG, 0x00040000))  # store support mask: unicode
    header = struct.pack("<8sIIII8s", b"", len(recipients), len(attachments), len(recipients), len(attachments), b"")
    streams["__properties_version1.0"] = _props(header, props)
    for i, (name, email, rtype) in enumerate(recipients):
        prefix = f"__recip_version1.0_#{i:08X}/"
        rs, rp = _string_streams(prefix, {0x3001: name, 0x3003: email, 0x39FE: email, 0x3002: "SMTP"})
        rp.append((0x0C15, PT_LONG, rtype))
        rs[prefix + "__properties_version1.0"] = _props(b"\0" * 8, rp)
        streams.update(rs)
    for i, (filename, data) in enumerate(attachments):
        prefix = f"__attach_version1.0_#{i:08X}/"
        ast, ap = _string_streams(prefix, {0x3707: filename, 0x3704: filename[:12], 0x3001: filename})
        ast[f"{prefix}__substg1.0_37010102"] = data
        ap.append((0x3701, PT_BINARY, data))
        ap.append((0x3705, PT_LONG, 1))  # ATTACH_BY_VALUE
        ap.append((0x0E21, PT_LONG, i))
        ast[prefix + "__properties_version1.0"] = _props(b"\0" * 8, ap)
        streams.update(ast)
    for n in (2, 3, 4):
        streams[f"__nameid_version1.0/__substg1.0_000{n}0102"] = b""
    return write_cfb(streams)


def build_encrypted_ooxml() -> bytes:
    """The compound file Office writes for a password-protected OOXML document (agile encryption:
    an ``EncryptionInfo`` stream and the encrypted package). The contents are filler bytes."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0"?><encryption/>'
    return write_cfb(
        {
            "EncryptionInfo": info,
            "EncryptedPackage": struct.pack("<Q", 8000) + bytes(range(256)) * 32,
            "\x06DataSpaces/Version": b"\0" * 64,
        }
    )
