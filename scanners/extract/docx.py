"""Word documents (.docx): body, tables, headers/footers, footnotes/endnotes, comments, authors.

Parsed from the OOXML parts with zipfile + defusedxml, streaming (see ``ooxml`` for what refuses a
package: encryption, bombs, legacy .doc). Read, in this order:

- body paragraphs of the main part: ``prose=True``, ``{"paragraph": n}`` (n counts the body's
  top-level paragraphs, empty ones included); text boxes are part of their paragraph; tracked
  deletions (``w:delText``) are read, field codes are not;
- tables: one segment per cell, ``{"table": t, "row": r, "cell": c}`` (1-based; t counts top-level
  tables of the part), ``context`` = the text of the same cell in the table's first row (in a
  two-column form table, the row's left cell),
  ``record`` = ``table<t>:row<r>``; a table nested in a cell is part of that cell's text;
- headers and footers: ``{"part": "header1", "paragraph": n}`` (tables in them as above plus
  ``"part"``);
- footnotes and endnotes: ``{"footnote": id}`` / ``{"endnote": id}`` (separators skipped);
- comments: ``{"comment": id}`` with the text, and the author's name ``{"comment": id, "field":
  "author"}``;
- document properties (author, last modified by, title, ...): ``{"property": "creator"}``.

Skipped: images and embedded objects, styles, numbering, settings, field instructions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from spill.errors import Unreadable
from spill.model import Segment

from .base import Limits, Member
from .ooxml import TABLE_TAGS, Package, TableRows, local, open_package
from .textio import looks_like_prose

_TEXT = frozenset({"t", "delText"})
_NOTE_SKIP = frozenset({"separator", "continuationSeparator", "continuationNotice"})
_PART_NUMBER = re.compile(r"(\d+)")


class _WordTarget:
    """Turns a WordprocessingML part into segments as paragraphs and table rows complete."""

    def __init__(self, base: dict[str, Any], *, notes: str | None = None, prose: bool = True) -> None:
        self.out: list[Segment] = []
        self._base = base
        self._notes = notes  # "footnote" / "endnote" / "comment": collect per note, not per paragraph
        self._prose = prose
        self._in_text = 0
        self._p_depth = 0
        self._para: list[str] = []
        self._paragraphs = 0
        self._table = TableRows()
        self._note: dict[str, str] | None = None
        self._note_text: list[str] = []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = local(tag)
        if name in _TEXT:
            self._in_text += 1
        elif name == "p":
            self._p_depth += 1
            if self._p_depth > 1:
                self._para.append("\n")
        elif name == "tab" and self._p_depth:
            self._para.append("\t")
        elif name in ("br", "cr") and self._p_depth:
            self._para.append("\n")
        elif name == "noBreakHyphen" and self._p_depth:
            self._para.append("-")
        elif name in TABLE_TAGS:
            self._table.start(name)
        elif self._notes and name == self._notes:
            attrs = {local(k): v for k, v in attrib.items()}
            self._note = attrs
            self._note_text = []

    def data(self, text: str) -> None:
        if self._in_text and self._p_depth:
            self._para.append(text)

    def end(self, tag: str) -> None:
        name = local(tag)
        if name in _TEXT:
            self._in_text -= 1
        elif name == "p" and self._p_depth:
            self._p_depth -= 1
            if self._p_depth == 0:
                self._paragraph_done("".join(self._para))
                self._para = []
        elif name in TABLE_TAGS:
            if self._table.end(name):
                self._row_done()
        elif self._notes and name == self._notes and self._note is not None:
            self._note_done()

    def close(self) -> None:
        return None

    def _paragraph_done(self, text: str) -> None:
        if self._table.depth:
            self._table.cell.append(text)
        elif self._note is not None:
            self._note_text.append(text)
        else:
            self._paragraphs += 1
            if text.strip():
                self.out.append(
                    Segment(
                        text.strip(),
                        locator={**self._base, "paragraph": self._paragraphs},
                        prose=True if self._prose else looks_like_prose(text),
                    )
                )

    def _row_done(self) -> None:
        table = self._table
        for c, text, header in table.cells():
            form = c == 2 and len(table.row) == 2 and table.row[0]  # a two-column form: the left cell names the right
            context = " ".join(table.row[0].split()) if form else header
            self.out.append(
                Segment(
                    text,
                    locator={**self._base, "table": table.tables, "row": table.rows, "cell": c},
                    context=context,
                    prose=looks_like_prose(text),
                    record=f"table{table.tables}:row{table.rows}",
                )
            )

    def _note_done(self) -> None:
        note, self._note = self._note, None
        assert note is not None
        if note.get("type") in _NOTE_SKIP:
            return
        key = self._notes or "note"
        note_id = note.get("id", "")
        text = "\n".join(t for t in self._note_text if t.strip()).strip()
        if text:
            self.out.append(Segment(text, locator={key: note_id}, context=key, prose=True, record=f"{key}:{note_id}"))
        author = (note.get("author") or "").strip()
        if author and key == "comment":
            self.out.append(
                Segment(
                    author,
                    locator={key: note_id, "field": "author"},
                    context="comment author",
                    record=f"{key}:{note_id}",
                )
            )


def _run(pkg: Package, part: str, target: _WordTarget) -> Iterator[Segment]:
    for _ in pkg.stream(part, target):
        yield from target.out
        target.out.clear()


def _numbered(names: set[str], prefix: str) -> list[str]:
    found = [n for n in names if n.startswith(prefix) and n.endswith(".xml") and "/" not in n[len(prefix) :]]
    return sorted(found, key=lambda n: [int(x) if x.isdigit() else x for x in _PART_NUMBER.split(n)])


def extract(stream: BinaryIO, limits: Limits) -> Iterator[Segment | Member]:
    pkg = open_package(stream, limits, "docx")
    main = pkg.main_part("word/document.xml")
    if main not in pkg.names:
        raise Unreadable("corrupt docx: no word/document.xml")
    yield from _run(pkg, main, _WordTarget({}))
    for part in _numbered(pkg.names, "word/header") + _numbered(pkg.names, "word/footer"):
        label = part.rsplit("/", 1)[-1][: -len(".xml")]
        yield from _run(pkg, part, _WordTarget({"part": label}))
    for part, key in (
        ("word/footnotes.xml", "footnote"),
        ("word/endnotes.xml", "endnote"),
        ("word/comments.xml", "comment"),
    ):
        if part in pkg.names:
            yield from _run(pkg, part, _WordTarget({}, notes=key))
    yield from pkg.core_properties()
