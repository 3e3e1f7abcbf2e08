"""Decoding bytes of unknown encoding into text, incrementally; line and block splitting.

Encoding, in order: a BOM (UTF-8/16/32); UTF-16 without BOM when the NUL pattern makes it obvious;
UTF-8 when the sample is valid UTF-8; else charset-normalizer on the sample (cp1252 preferred when
it ties with another single-byte code page); else latin-1. Decoding never fails: a byte the chosen
codec cannot decode is read as cp1252 (latin-1 for its five holes), so offsets stay stable for a
re-read and no byte is lost.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from typing import BinaryIO

from .streams import peek

SAMPLE_BYTES = 1 << 16
_READ_BYTES = 1 << 16
_FALLBACK = "spill-cp1252"

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _cp1252_fallback(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeDecodeError):
        raise err
    bad = err.object[err.start : err.end]
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in bad), err.end


codecs.register_error(_FALLBACK, _cp1252_fallback)


def bom_encoding(sample: bytes) -> str | None:
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    return None


def utf16_without_bom(sample: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when the sample is plainly UTF-16 text without a BOM."""
    probe = sample[:4096]
    if len(probe) < 8:
        return None
    probe = probe[: len(probe) // 2 * 2]
    even, odd = probe[0::2], probe[1::2]
    half = len(even)
    even_nul, odd_nul = even.count(0) / half, odd.count(0) / half
    for name, zeros, other in (("utf-16-le", odd_nul, even_nul), ("utf-16-be", even_nul, odd_nul)):
        if zeros >= 0.4 and other <= 0.02:
            text = probe.decode(name, errors="replace")
            printable = sum(ch.isprintable() or ch in "\t\r\n" for ch in text)
            if printable / max(len(text), 1) >= 0.9:
                return name
    return None


def _valid_utf8(sample: bytes) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def sniff_encoding(sample: bytes) -> str:
    """The codec name to decode a file whose first bytes are ``sample`` (see module docstring)."""
    found = bom_encoding(sample) or utf16_without_bom(sample)
    if found:
        return found
    if _valid_utf8(sample):
        return "utf-8"
    import charset_normalizer  # only for the rare file that is neither UTF-8 nor UTF-16

    results = list(charset_normalizer.from_bytes(sample[:32768]))
    if not results:
        return "latin-1"
    best = results[0]
    for other in results:
        if other.encoding == "cp1252" and other.chaos <= best.chaos + 0.01:
            return "cp1252"
    return best.encoding


def decoder(encoding: str) -> codecs.IncrementalDecoder:
    return codecs.getincrementaldecoder(encoding)(errors=_FALLBACK)


def iter_decoded(stream: BinaryIO, *, encoding: str | None = None) -> Iterator[str]:
    """The stream's text in chunks (memory bounded by one read block)."""
    if encoding is None:
        sample, stream = peek(stream, SAMPLE_BYTES)
        encoding = sniff_encoding(sample)
    dec = decoder(encoding)
    while True:
        data = stream.read(_READ_BYTES)
        text = dec.decode(data, final=not data)
        if text:
            yield text
        if not data:
            return


def decode_all(data: bytes) -> str:
    """Bytes of unknown encoding as text, by the same rules as the streaming decoder."""
    return decoder(sniff_encoding(data[:SAMPLE_BYTES])).decode(data, final=True)


def iter_lines(chunks: Iterator[str], cap: int) -> Iterator[str]:
    """Lines with their endings (``\\n``, ``\\r\\n`` or ``\\r``); a line longer than ``cap`` is
    cut into pieces of ``cap`` characters so memory stays bounded."""
    pending = ""
    for chunk in chunks:
        pending += chunk
        start = 0
        while True:
            m = _EOL.search(pending, start)
            if m is None or (m.group() == "\r" and m.end() == len(pending)):
                # a lone \r at the end may be the first half of \r\n
                break
            yield pending[start : m.end()]
            start = m.end()
        pending = pending[start:]
        while len(pending) > cap:
            yield pending[:cap]
            pending = pending[cap:]
    if pending:
        yield pending


_EOL = re.compile(r"\r\n|\r|\n")

# Blocks are separated by one or more blank lines (whitespace-only lines).
_BLANK_RUN = re.compile(r"\n[ \t\r\f\v]*\n(?:[ \t\r\f\v]*\n)*")


def iter_blocks(text: str) -> Iterator[tuple[int, int, str]]:
    """``(offset, line, block)`` for each paragraph-ish block, stripped, offsets exact."""
    pos = 0
    line = 1
    for m in _BLANK_RUN.finditer(text):
        yield from _block(text, pos, m.start(), line)
        line += text.count("\n", pos, m.end())
        pos = m.end()
    yield from _block(text, pos, len(text), line)


def _block(text: str, start: int, end: int, line: int) -> Iterator[tuple[int, int, str]]:
    raw = text[start:end]
    stripped = raw.lstrip()
    if not stripped:
        return
    lead = len(raw) - len(stripped)
    offset = start + lead
    yield offset, line + text.count("\n", start, offset), stripped.rstrip()


_WORD = re.compile(r"[^\W\d_]{2,}")


def looks_like_prose(text: str) -> bool | None:
    """True for natural-language sentences; None when unsure (tables, codes, key: value lists)."""
    if len(text) < 30:
        return None
    sample = text[:2000]
    words = _WORD.findall(sample)
    if len(words) < 6:
        return None
    tokens = sample.split()
    if not tokens or len(words) / len(tokens) < 0.5:
        return None
    letters = sum(map(len, words))
    if letters / sum(map(len, tokens)) < 0.5:
        return None
    avg = letters / len(words)
    return True if 2.5 <= avg <= 12 else None
