"""CSV and TSV: one segment per non-empty cell, the header row's names as context. Streams rows.

The delimiter is sniffed from the first lines (tab, comma, semicolon, pipe). The first non-empty
row is a header when its cells read like labels (short, with letters, no ``@`` and no runs of
three digits) and it differs from the rows below it: a column whose cells below are mostly data
(an ``@`` or three digits) under a label, or a row whose cells are mostly words that name columns
(``name``, ``email``, ``iban``, ``contractor_id``…). A headerless file's first row of names and
cities is data, not column names. A header's names become the ``context`` and ``column`` of the
cells below. Without a header,
``column`` is the 1-based column number and ``context`` is empty. Header cells are yielded too
(row 1, empty context), so a wrong guess loses nothing. ``row`` counts records as in the file
(the header is row 1), ``line`` is the source line where the record starts, ``record`` is
``row:<n>``. Lines and fields longer than ``limits.chunk_chars`` are cut; a malformed record
resumes parsing on the next line. Nothing else is skipped.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterator
from typing import BinaryIO

from spill.errors import Unreadable
from spill.model import Segment

from .base import Limits, Member
from .textio import iter_decoded, iter_lines, looks_like_prose

_SNIFF_LINES = 50
_MAX_ERRORS = 1000
_DATA_LIKE = re.compile(r"@|\d{3,}")
_HEADER_LOOKAHEAD = 20
_COLUMN_WORDS = frozenset("""
name names first last full middle surname given email mail phone mobile tel telephone fax address street city
town country state province region zip postcode postal code id ids number num no nr date dob birth birthday born
age gender amount currency iban account acct bank swift bic routing sort branch tax tin ssn pan nin passport
status type kind role title position job notes note comment comments remarks description desc company employer
organisation organization org department dept team manager supervisor created updated modified time timestamp
rate hours total paid payment payments payout payouts method contractor worker vendor annotator user username
login handle project task client customer label labels score rating category level language region source
count qty quantity price fee cost start end period month year week day reference ref url link key value
holder beneficiary upi wallet address1 address2 nationality national identity document expiry issued
""".split())


def extract(stream: BinaryIO, limits: Limits) -> Iterator[Segment | Member]:
    cap = max(limits.chunk_chars, 1024)
    if csv.field_size_limit() < cap:
        csv.field_size_limit(cap)
    lines = iter_lines(iter_decoded(stream), cap)
    head = list(itertools.islice(lines, _SNIFF_LINES))
    delimiter = sniff_delimiter(head)
    counter = _Counter(itertools.chain(head, lines))
    rows = _records(counter, delimiter)

    header: list[str] | None = None
    row_no = 0
    ahead: list[tuple[int, list[str]]] = []  # rows read past the first one to judge it
    while True:
        if ahead:
            line, row = ahead.pop(0)
        else:
            item = next(rows, None)
            if item is None:
                break
            line, row = item
        row_no += 1
        in_header = False
        if header is None and any(c.strip() for c in row):
            ahead.extend(itertools.islice(rows, _HEADER_LOOKAHEAD - len(ahead)))
            header = row if is_header(row, [r for _, r in ahead]) else []
            in_header = bool(header)
        names = header or []
        for i, cell in enumerate(row):
            if not cell.strip():
                continue
            name = names[i].strip() if i < len(names) else ""
            yield Segment(
                cell[:cap],
                locator={"row": row_no, "column": name or i + 1},
                context="" if in_header else name,
                line=line,
                prose=looks_like_prose(cell),
                record=f"row:{row_no}",
            )


class _Counter:
    """Counts the lines handed to the csv reader, so each record knows its first line."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self.n = 0

    def __iter__(self) -> _Counter:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.n += 1
        return line


def _records(lines: _Counter, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    errors = 0
    while True:
        reader = csv.reader(lines, delimiter=delimiter, strict=False)
        try:
            while True:
                start = lines.n + 1
                row = next(reader)
                yield start, row
        except StopIteration:
            return
        except csv.Error as err:
            errors += 1
            if errors > _MAX_ERRORS:
                raise Unreadable(f"csv: too many malformed records ({err})") from err
            # a new reader resumes on the next line


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter whose count per line is most consistent over the first lines."""
    sample = [ln for ln in lines if ln.strip()][:_SNIFF_LINES]
    if not sample:
        return ","
    best, best_score = ",", 0.0
    for delim in ("\t", ",", ";", "|"):
        counts = [_count_outside_quotes(ln, delim) for ln in sample]
        if not any(counts):
            continue
        mode = max(set(counts), key=counts.count)
        if mode == 0:
            continue
        score = counts.count(mode) / len(counts) + min(mode, 10) / 100
        if score > best_score:
            best, best_score = delim, score
    return best


def _count_outside_quotes(line: str, delim: str) -> int:
    if '"' not in line:
        return line.count(delim)
    return sum(part.count(delim) for part in line.split('"')[0::2])


def is_header(row: list[str], below: list[list[str]] | None = None) -> bool:
    """Cells that read like column labels rather than data, and unlike the rows ``below`` them.

    Without rows below (``None``), label-like cells are enough.
    """
    cells = [c.strip() for c in row]
    filled = [c for c in cells if c]
    if not filled or len(filled) * 2 < len(cells):
        return False
    if len(set(filled)) != len(filled):
        return False
    if not all(len(c) <= 60 and not _DATA_LIKE.search(c) and any(ch.isalpha() for ch in c) for c in filled):
        return False
    if below is None:
        return True
    for j, name in enumerate(cells):
        column = [r[j].strip() for r in below if j < len(r) and r[j].strip()]
        if name and column and 2 * sum(1 for c in column if _DATA_LIKE.search(c)) >= len(column):
            return True  # data under a label
    return 2 * sum(1 for c in filled if _names_a_column(c)) >= len(filled)


def _names_a_column(cell: str) -> bool:
    """A cell that reads as a column's name: an identifier (``payout_method``, ``firstName``) or a
    label with a word columns are named with."""
    if re.fullmatch(r"[a-z]+(?:_[a-z0-9]+)+|[a-z]+(?:[A-Z][a-z0-9]+)+", cell):
        return True
    words = re.findall(r"[a-z]+", cell.lower())
    return any(w in _COLUMN_WORDS for w in words)
