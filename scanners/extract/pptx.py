"""PowerPoint decks (.pptx): slide text, tables, speaker notes, authors.

Parsed from the OOXML parts with zipfile + defusedxml, streaming (see ``ooxml`` for what refuses a
package). Slides are numbered in presentation order (``presentation.xml``'s slide list; file-name
order when it is missing). Read:

- each shape's text (its paragraphs joined by newlines): ``{"slide": n}``, ``prose`` when it reads
  as sentences; slide-number placeholders skipped;
- tables: one segment per cell, ``{"slide": n, "table": t, "row": r, "cell": c}``, ``context`` = the
  same cell of the first row, ``record`` = ``slide<n>:table<t>:row<r>``;
- speaker notes: ``{"slide": n, "notes": true}``, ``prose=True`` (the slide image and number
  placeholders skipped);
- document properties (author, last modified by, title, ...): ``{"property": "creator"}``.

Skipped: images, charts, SmartArt data, masters and layouts, comments.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from spill.model import Segment

from .base import Limits, Member
from .ooxml import TABLE_TAGS, Package, TableRows, local, open_package
from .textio import looks_like_prose

_SKIP_PLACEHOLDERS = frozenset({"sldNum", "sldImg", "dt"})
_NUMBER = re.compile(r"(\d+)")


class _SlideTarget:
    def __init__(self, base: dict[str, Any], *, notes: bool) -> None:
        self.out: list[Segment] = []
        self._base = base
        self._notes = notes
        self._in_t = 0
        self._para: list[str] = []
        self._paras: list[str] = []
        self._body_depth = 0
        self._placeholder: str | None = None
        self._table = TableRows()

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = local(tag)
        if name == "t":
            self._in_t += 1
        elif name == "sp":
            self._placeholder = None
        elif name == "ph":
            self._placeholder = attrib.get("type", "body")
        elif name == "txBody":
            self._body_depth += 1
            if not self._table.depth:
                self._paras = []
        elif name == "p" and self._body_depth:
            self._para = []
        elif name == "br" and self._body_depth:
            self._para.append("\n")
        elif name in TABLE_TAGS:
            self._table.start(name)

    def data(self, text: str) -> None:
        if self._in_t and self._body_depth:
            self._para.append(text)

    def end(self, tag: str) -> None:
        name = local(tag)
        if name == "t":
            self._in_t -= 1
        elif name == "p" and self._body_depth:
            text = "".join(self._para)
            (self._table.cell if self._table.depth else self._paras).append(text)
            self._para = []
        elif name == "txBody" and self._body_depth:
            self._body_depth -= 1
            if not self._table.depth and self._placeholder not in _SKIP_PLACEHOLDERS:
                self._shape_done("\n".join(p for p in self._paras if p.strip()).strip())
        elif name in TABLE_TAGS and self._table.end(name):
            self._row_done()

    def close(self) -> None:
        return None

    def _shape_done(self, text: str) -> None:
        if text:
            prose = True if self._notes else looks_like_prose(text)
            self.out.append(Segment(text, locator=dict(self._base), prose=prose))

    def _row_done(self) -> None:
        table, slide = self._table, self._base.get("slide")
        for c, text, header in table.cells():
            self.out.append(
                Segment(
                    text,
                    locator={**self._base, "table": table.tables, "row": table.rows, "cell": c},
                    context=header,
                    prose=looks_like_prose(text),
                    record=f"slide{slide}:table{table.tables}:row{table.rows}",
                )
            )


def slide_parts(pkg: Package) -> list[str]:
    """Slide part names in presentation order."""
    main = pkg.main_part("ppt/presentation.xml")
    ordered: list[str] = []
    data = pkg.read(main)
    if data:
        rels = pkg.rels(main)
        root = pkg.parse_small(data, main)
        for el in root.iter():
            if local(el.tag) == "sldId":
                rid = next((v for k, v in el.attrib.items() if local(k) == "id" and k.startswith("{")), None)
                if rid in rels and rels[rid][1] in pkg.names:
                    ordered.append(rels[rid][1])
    if ordered:
        return ordered
    found = [n for n in pkg.names if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)]
    return sorted(found, key=lambda n: [int(x) if x.isdigit() else x for x in _NUMBER.split(n)])


def _run(pkg: Package, part: str, target: _SlideTarget) -> Iterator[Segment]:
    for _ in pkg.stream(part, target):
        yield from target.out
        target.out.clear()


def extract(stream: BinaryIO, limits: Limits) -> Iterator[Segment | Member]:
    pkg = open_package(stream, limits, "pptx")
    for n, part in enumerate(slide_parts(pkg), 1):
        yield from _run(pkg, part, _SlideTarget({"slide": n}, notes=False))
        for rel_type, target in pkg.rels(part).values():
            if rel_type.endswith("/notesSlide") and target in pkg.names:
                yield from _run(pkg, target, _SlideTarget({"slide": n, "notes": True}, notes=True))
    yield from pkg.core_properties()
