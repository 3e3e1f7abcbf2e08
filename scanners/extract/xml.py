"""XML: every text node, and attribute values that look like data, with the element path as context.

Parsed incrementally with defusedxml's expat parser and a streaming target (no tree is built):
entity declarations (billion laughs, quadratic blowup) → ``Skipped("xml bomb: entity
declarations")``, external entities → ``Skipped("xml: external entity reference")``, malformed XML →
``Unreadable("corrupt xml: <expat's reason>")`` (segments before the error are kept).

Locator ``{"xml_path": "/contractors/contractor[3]/email[1]"}`` (1-based index among siblings of
the same name; namespaces dropped), ``context`` the last three element names (``"contractors/
contractor/email"``; attributes ``"contractor/@email"``), ``record`` the path of the element that
holds the value's element (the ``contractor[3]``), so the fields of one thing link together.
Skipped attributes: namespace declarations, ``xsi:*``, and values that are short numbers (under six
digits), booleans or a single character. Comments and processing instructions are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from spill.errors import Skipped, Unreadable
from spill.model import Segment

from .base import Limits, Member
from .streams import short_reason
from .textio import looks_like_prose

_READ = 1 << 16
_SKIP_VALUE = re.compile(r"^(?:[-+]?\d{0,5}(?:\.\d+)?|true|false|yes|no|.)$", re.I)


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


class _Frame:
    __slots__ = ("children", "name", "parts", "path", "size")

    def __init__(self, name: str, path: str) -> None:
        self.name = name
        self.path = path
        self.children: dict[str, int] = {}
        self.parts: list[str] = []
        self.size = 0


class _Target:
    """Receives expat's events and turns them into segments as they complete."""

    def __init__(self, cap: int) -> None:
        self.out: list[Segment] = []
        self._stack: list[_Frame] = []
        self._cap = cap

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = local_name(tag)
        if self._stack:
            parent = self._stack[-1]
            self._flush(parent)
            n = parent.children[name] = parent.children.get(name, 0) + 1
            path = f"{parent.path}/{name}[{n}]"
        else:
            path = f"/{name}"
        frame = _Frame(name, path)
        self._stack.append(frame)
        for key, value in attrib.items():
            if key.startswith(("xmlns", "{http://www.w3.org/2001/XMLSchema-instance}")):
                continue
            value = value.strip()
            if not value or _SKIP_VALUE.match(value):
                continue
            self.out.append(
                Segment(
                    value,
                    locator={"xml_path": f"{path}/@{local_name(key)}"},
                    context=f"{self._context()}/@{local_name(key)}",
                    record=path,
                )
            )

    def data(self, text: str) -> None:
        if self._stack:
            frame = self._stack[-1]
            frame.parts.append(text)
            frame.size += len(text)
            if frame.size > self._cap:
                self._flush(frame)

    def end(self, tag: str) -> None:
        if self._stack:
            self._flush(self._stack[-1])
            self._stack.pop()

    def close(self) -> None:
        return None

    def comment(self, text: str) -> None:
        return None

    def _context(self) -> str:
        return "/".join(f.name for f in self._stack[-3:])

    def _flush(self, frame: _Frame) -> None:
        if not frame.parts:
            return
        text = "".join(frame.parts).strip()
        frame.parts, frame.size = [], 0
        if not text:
            return
        record = self._stack[-2].path if len(self._stack) >= 2 and self._stack[-1] is frame else frame.path
        self.out.append(
            Segment(
                text,
                locator={"xml_path": frame.path},
                context=self._context(),
                prose=looks_like_prose(text),
                record=record,
            )
        )


def extract(stream: BinaryIO, limits: Limits) -> Iterator[Segment | Member]:
    target = _Target(max(limits.chunk_chars, 1024))
    parser = DefusedXMLParser(target=target, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    error: Unreadable | None = None
    try:
        while True:
            data = stream.read(_READ)
            if not data:
                break
            parser.feed(data)
            yield from target.out
            target.out.clear()
        parser.close()
    except EntitiesForbidden as err:
        error = Skipped("xml bomb: entity declarations")
        error.__cause__ = err
    except ExternalReferenceForbidden as err:
        error = Skipped("xml: external entity reference")
        error.__cause__ = err
    except DefusedXmlException as err:
        error = Skipped(f"xml: {short_reason(err)}")
        error.__cause__ = err
    except ParseError as err:
        error = Unreadable(f"corrupt xml: {short_reason(err)}")
        error.__cause__ = err
    yield from target.out  # what was complete before the error is kept
    if error is not None:
        raise error
