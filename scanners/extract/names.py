"""Member names as they appear in the export ``path`` after ``!/``: sanitized, never resolved.

``sanitize_name`` never touches the file system. It turns backslashes into ``/``, drops a drive
letter, leading ``/`` and every empty, ``.`` and ``..`` component (``../../x`` → ``x``,
``C:\\x`` → ``x``, ``a/../../b`` → ``a/b``), escapes control characters and bytes that are not
valid UTF-8 as ``\\xNN``, and escapes a ``!`` that ends a component (``a!/b`` would otherwise read
as an archive boundary in the export path).
"""

from __future__ import annotations

import posixpath
import re

_DRIVE = re.compile(r"^[A-Za-z]:")


def decode_name(raw: bytes) -> str:
    """A raw name: UTF-8 when valid, else ``\\xNN`` escapes for the bytes that are not."""
    return raw.decode("utf-8", errors="surrogateescape")


def _escape_char(ch: str) -> str:
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # surrogateescape'd byte that was not valid UTF-8
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x20 or code == 0x7F or 0xD800 <= code <= 0xDFFF:
        return f"\\x{code & 0xFF:02x}" if code < 0x100 else f"\\u{code:04x}"
    return ch


def _escape_part(part: str) -> str:
    text = "".join(_escape_char(ch) for ch in part)
    stripped = text.rstrip("!")
    return stripped + "\\x21" * (len(text) - len(stripped))


def sanitize_name(name: str | bytes) -> str:
    """A container member's name made safe for the export path (see module docstring)."""
    if isinstance(name, bytes):
        name = decode_name(name)
    name = name.replace("\\", "/")
    name = _DRIVE.sub("", name)
    parts = [_escape_part(p) for p in name.split("/") if p not in ("", ".", "..")]
    return "/".join(parts) or "unnamed"


class UniqueNames:
    """Gives each member a distinct name: a second ``a.csv`` becomes ``a (2).csv``."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def __call__(self, name: str) -> str:
        if name not in self._seen:
            self._seen.add(name)
            return name
        stem, ext = posixpath.splitext(name)
        n = 2
        while f"{stem} ({n}){ext}" in self._seen:
            n += 1
        unique = f"{stem} ({n}){ext}"
        self._seen.add(unique)
        return unique
