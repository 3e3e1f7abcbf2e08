"""Shared by the OOXML extractors (docx, xlsx, pptx): opening the package safely, relationships,
streaming XML parts through a target, document properties.

A package is refused before any part is parsed when it is an OLE file (``EncryptedPackage`` →
``Skipped("encrypted")``; a legacy .doc/.xls/.ppt → ``Skipped("legacy Office format")``), when any
entry is encrypted, a zip bomb by ratio, or over the top-level ``Budget``. XML parts are parsed
incrementally by defusedxml's expat parser (no DTDs, no entities: ``Skipped("xml bomb: ...")``);
a malformed part → ``Unreadable("corrupt docx: word/document.xml: <expat's reason>")``.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from typing import BinaryIO
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml.ElementTree import DefusedXMLParser, fromstring

from spill.errors import Skipped, SpillError, Unreadable
from spill.model import Segment

from .base import Budget, Limits, current_budget
from .kinds import CFB_MAGIC
from .streams import MemberStream, ensure_seekable, peek, read_capped, short_reason
from .zip import entry_problem, open_zip

_READ = 1 << 16
_SMALL_PART = 16 * 1024 * 1024
_LEGACY_STREAMS = ("WordDocument", "Workbook", "Book", "PowerPoint Document")


def local(tag: str) -> str:
    """``{namespace}name`` → ``name``."""
    return tag.rsplit("}", 1)[-1]


#: Table elements in WordprocessingML and DrawingML alike.
TABLE_TAGS = frozenset({"tbl", "tr", "tc"})


class TableRows:
    """Where a Word or PowerPoint part is in its top-level tables: table and row numbers (1-based),
    the paragraphs of the current cell, the cells of the current row, the header (first) row.
    A table nested in a cell is part of that cell's text."""

    def __init__(self) -> None:
        self.depth = 0
        self.tables = 0
        self.rows = 0
        self.row: list[str] = []
        self.cell: list[str] = []  # paragraphs of the current cell
        self.header: list[str] = []

    def start(self, name: str) -> None:
        if name == "tbl":
            self.depth += 1
            if self.depth == 1:
                self.tables += 1
                self.rows = 0
                self.header = []
        elif name == "tr" and self.depth == 1:
            self.rows += 1
            self.row = []
        elif name == "tc" and self.depth == 1:
            self.cell = []

    def end(self, name: str) -> bool:
        """Close an element; True when it completed a top-level row (read it with :meth:`cells`)."""
        if name == "tc" and self.depth == 1:
            self.row.append("\n".join(p for p in self.cell if p.strip()).strip())
        elif name == "tr" and self.depth == 1:
            if self.rows == 1:
                self.header = [" ".join(c.split()) for c in self.row]
            return True
        elif name == "tbl" and self.depth:
            self.depth -= 1
        return False

    def cells(self) -> Iterator[tuple[int, str, str]]:
        """(column, text, the header cell above it) of the completed row's non-empty cells."""
        for c, text in enumerate(self.row, 1):
            if text:
                yield c, text, self.header[c - 1] if self.rows > 1 and c <= len(self.header) else ""


class Package:
    """An OOXML zip whose every entry passed the bomb and encryption checks."""

    def __init__(self, zf: zipfile.ZipFile, kind: str, limits: Limits, budget: Budget) -> None:
        self.zf, self.kind, self.limits, self.budget = zf, kind, limits, budget
        self.names = {info.filename for info in zf.infolist()}

    def open(self, name: str) -> BinaryIO:
        info = self.zf.getinfo(name)
        try:
            inner = self.zf.open(info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, ValueError, EOFError) as err:
            raise Unreadable(f"corrupt {self.kind}: {name}: {short_reason(err)}") from err
        budget = self.budget if info.compress_type != zipfile.ZIP_STORED else None
        return MemberStream(inner, name=name, budget=budget, limits=self.limits, what=f"{self.kind} part")  # type: ignore[return-value]

    def read(self, name: str) -> bytes | None:
        if name not in self.names:
            return None
        with self.open(name) as part:
            return read_capped(part, _SMALL_PART, name)

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """``{rId: (type, resolved target)}`` from the part's ``_rels/<name>.rels``."""
        folder, base = posixpath.split(part)
        data = self.read(posixpath.join(folder, "_rels", base + ".rels"))
        if not data:
            return {}
        root = self.parse_small(data, part + ".rels")
        out: dict[str, tuple[str, str]] = {}
        for rel in root:
            target = rel.get("Target") or ""
            if rel.get("TargetMode") == "External" or not target:
                continue
            resolved = (
                target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            )
            out[rel.get("Id") or ""] = (rel.get("Type") or "", resolved)
        return out

    def parse_small(self, data: bytes, name: str):  # type: ignore[no-untyped-def]
        try:
            return fromstring(data, forbid_dtd=True)
        except (DTDForbidden, EntitiesForbidden) as err:
            raise Skipped("xml bomb: entity declarations") from err
        except (DefusedXmlException, ParseError) as err:
            raise Unreadable(f"corrupt {self.kind}: {name}: {short_reason(err)}") from err

    def main_part(self, default: str) -> str:
        for rel_type, target in self.rels("").values():
            if rel_type.endswith("/officeDocument") and target in self.names:
                return target
        return default

    def stream(self, name: str, target: object) -> Iterator[None]:
        """Feed part ``name`` to ``target`` (an ElementTree parser target), yielding after each
        block so the caller can drain what the target produced."""
        parser = DefusedXMLParser(target=target, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        error: Unreadable | None = None
        with self.open(name) as part:
            try:
                while block := part.read(_READ):
                    parser.feed(block)
                    yield
                parser.close()
            except (DTDForbidden, EntitiesForbidden) as err:
                error = Skipped("xml bomb: entity declarations")
                error.__cause__ = err
            except DefusedXmlException as err:
                error = Skipped(f"xml: {short_reason(err)}")
                error.__cause__ = err
            except ParseError as err:
                error = Unreadable(f"corrupt {self.kind}: {name}: {short_reason(err)}")
                error.__cause__ = err
        yield  # the caller drains what was complete before an error
        if error is not None:
            raise error

    def core_properties(self) -> Iterator[Segment]:
        """Author, last editor, title, subject, keywords, description from docProps/core.xml."""
        data = self.read("docProps/core.xml")
        if not data:
            return
        labels = {
            "creator": "author",
            "lastModifiedBy": "last modified by",
            "title": "title",
            "subject": "subject",
            "keywords": "keywords",
            "description": "description",
        }
        for el in self.parse_small(data, "docProps/core.xml"):
            name = local(el.tag)
            text = (el.text or "").strip()
            if name in labels and text:
                yield Segment(text, locator={"property": name}, context=labels[name], record="properties")


def open_package(stream: BinaryIO, limits: Limits, kind: str) -> Package:
    """The checked package (see module docstring for what is refused and how)."""
    head, stream = peek(stream, 8)
    if head.startswith(CFB_MAGIC):
        _refuse_ole(stream, limits, kind)
    zf = open_zip(stream, limits, kind)
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise Skipped(f"too many members: {len(infos)} > {limits.max_members}")
    budget = current_budget(limits)
    for info in infos:
        problem = entry_problem(info, limits, budget)
        if problem is not None and str(problem) != "symlink in archive":
            raise problem
    return Package(zf, kind, limits, budget)


def _refuse_ole(stream: BinaryIO, limits: Limits, kind: str) -> None:
    import olefile  # installed with extract-msg

    data = ensure_seekable(stream, limits, kind)
    try:
        ole = olefile.OleFileIO(data)
        names = {"/".join(entry) for entry in ole.listdir(streams=True, storages=False)}
    except SpillError:
        raise
    except Exception as err:
        raw = data.getvalue() if isinstance(data, io.BytesIO) else b""
        if "EncryptedPackage".encode("utf-16-le") in raw:
            raise Skipped("encrypted") from err
        raise Unreadable(f"corrupt {kind}: OLE file: {short_reason(err)}") from err
    if "EncryptedPackage" in names:
        raise Skipped("encrypted")
    if any(s in names for s in _LEGACY_STREAMS):
        raise Skipped("legacy Office format")
    raise Unreadable(f"not a {kind} package: OLE file")
