"""HTML: the visible text only, in blocks (paragraphs, list items, table rows, headings).

Skipped: ``<script>``, ``<style>``, ``<template>``, comments, and everything in ``<head>`` except
``<title>``. Whitespace is collapsed as a browser would (except in ``<pre>``); table cells are
separated by tabs. Consecutive blocks are joined into segments of up to ``SEGMENT_CHARS``
characters, each with the source ``line`` of its first block and ``prose`` when it reads as
natural language. Parsing is incremental, so memory does not grow with the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from typing import BinaryIO

from spill.errors import Unreadable
from spill.model import Segment

from .base import Limits, Member
from .streams import short_reason
from .textio import iter_decoded, looks_like_prose

SEGMENT_CHARS = 4000

_BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "br",
        "caption",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "title",
        "tr",
        "ul",
        "option",
        "label",
    ]
)
_CELL = frozenset({"td", "th"})
_HIDDEN = frozenset({"script", "style", "template"})
_SPACE = re.compile(r"\s+")


class _Visible(HTMLParser):
    def __init__(self, cap: int) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[int, str]] = []
        self._cap = cap
        self._parts: list[str] = []
        self._size = 0
        self._line = 0
        self._hidden = 0
        self._in_head = False
        self._in_title = False
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.flush()
        elif tag in _CELL and self._parts:
            self._parts.append("\t")
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag == "head":
            self._in_head = True
        elif tag == "body":
            self._in_head = False
        elif tag == "title":
            self._in_title = True
        elif tag == "pre":
            self._pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK:
            self.flush()
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag == "head":
            self._in_head = False
        elif tag == "title":
            self._in_title = False
        elif tag == "pre":
            self._pre = max(0, self._pre - 1)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.flush()

    def handle_data(self, data: str) -> None:
        if self._hidden or (self._in_head and not self._in_title):
            return
        if not self._parts:
            self._line = self.getpos()[0]
        self._parts.append(data if self._pre else _SPACE.sub(" ", data))
        self._size += len(data)
        if self._size > self._cap:
            self.flush()

    def flush(self) -> None:
        if self._parts:
            text = "".join(self._parts).strip(" \n") if not self._pre else "".join(self._parts).strip("\n")
            if text.strip():
                self.blocks.append((self._line, text))
        self._parts = []
        self._size = 0


def iter_visible_blocks(chunks: Iterable[str], cap: int = 1 << 20) -> Iterator[tuple[int, str]]:
    """``(line, text)`` of each visible block of an HTML document given as text chunks."""
    parser = _Visible(cap)
    try:
        for chunk in chunks:
            parser.feed(chunk)
            yield from parser.blocks
            parser.blocks.clear()
        parser.close()
        parser.flush()
    except AssertionError as err:  # html.parser's way of giving up on a malformed declaration
        raise Unreadable(f"corrupt html: {short_reason(err)}") from err
    yield from parser.blocks


def html_to_text(markup: str) -> str:
    """The visible text of an HTML document, one block per line."""
    return "\n".join(text for _, text in iter_visible_blocks([markup]))


def extract(stream: BinaryIO, limits: Limits) -> Iterator[Segment | Member]:
    parts: list[str] = []
    size = 0
    first_line = 1
    for line, block in iter_visible_blocks(iter_decoded(stream), max(limits.chunk_chars, 1024)):
        if parts and size + len(block) > SEGMENT_CHARS:
            yield _segment(parts, first_line)
            parts, size = [], 0
        if not parts:
            first_line = line
        parts.append(block)
        size += len(block) + 1
    if parts:
        yield _segment(parts, first_line)


def _segment(parts: list[str], line: int) -> Segment:
    text = "\n".join(parts)
    return Segment(text, line=line, prose=looks_like_prose(text))
