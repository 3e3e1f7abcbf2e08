"""CSV/TSV: header names as context, rows and lines as in the file."""

from __future__ import annotations

import io

from scanners.extract import Limits
from scanners.extract.csv import extract, is_header, sniff_delimiter


def cells(data: bytes, limits: Limits | None = None) -> list:
    return list(extract(io.BytesIO(data), limits or Limits()))


def test_csv_header_names_become_context_and_column() -> None:
    data = b'name,email,note\nJane Doe,jane@example.com,"two\nlines"\nBob,bob@example.org,\n'
    segs = cells(data)
    by_text = {s.text: s for s in segs}
    jane = by_text["jane@example.com"]
    assert jane.context == "email"
    assert jane.locator == {"row": 2, "column": "email"}
    assert jane.record == "row:2" and jane.line == 2
    assert by_text["two\nlines"].context == "note"
    bob = by_text["bob@example.org"]
    assert bob.locator == {"row": 3, "column": "email"} and bob.line == 4  # the quoted newline took a line
    assert by_text["name"].locator == {"row": 1, "column": "name"} and by_text["name"].context == ""
    assert "" not in by_text  # empty cells are not segments


def test_csv_without_header_uses_column_numbers() -> None:
    segs = cells(b"Jane Doe;+1 415 555 0123\nBob;+44 20 7946 0958\n")
    assert [(s.text, s.locator, s.context) for s in segs[:2]] == [
        ("Jane Doe", {"row": 1, "column": 1}, ""),
        ("+1 415 555 0123", {"row": 1, "column": 2}, ""),
    ]


def test_tsv_and_other_delimiters() -> None:
    segs = cells(b"name\tssn\nJane\t078-05-1120\n")
    assert [(s.text, s.context) for s in segs if s.locator["row"] == 2] == [("Jane", "name"), ("078-05-1120", "ssn")]
    assert sniff_delimiter(["a|b|c\n", "1|2|3\n"]) == "|"
    assert sniff_delimiter(['"a,b";c\n', '"d,e";f\n']) == ";"


def test_csv_encoding_and_crlf() -> None:
    data = "name,city\r\nJosé,Zürich\r\n".encode("utf-16")
    segs = cells(data)
    assert [(s.text, s.context, s.line) for s in segs[2:]] == [("José", "name", 2), ("Zürich", "city", 2)]


def test_csv_huge_field_is_capped_and_parsing_goes_on() -> None:
    limits = Limits(chunk_chars=2000)
    data = b"a,b\n" + b"x," + b"y" * 50_000 + b"\nJane,jane@example.com\n"
    segs = cells(data, limits)
    assert all(len(s.text) <= 2000 for s in segs)
    assert any(s.text == "jane@example.com" for s in segs)


def test_csv_unbalanced_quote_does_not_lose_the_file() -> None:
    data = b'a,b\n"unterminated,1\n' + b"line\n" * 10 + b"Jane,jane@example.com\n"
    text = " ".join(s.text for s in cells(data, Limits(chunk_chars=1024)))
    assert "jane@example.com" in text


def test_is_header() -> None:
    assert is_header(["Name", "Email", "IBAN"])
    assert not is_header(["Jane", "jane@example.com"])
    assert not is_header(["Jane", "4155550123"])


def test_a_headerless_first_row_of_names_is_data_not_column_names() -> None:
    # no column of data below a label and no word columns are named with: the first row is a record
    segs = cells(b"Zanele Okafor,Lagos,Engineer\nAmara Obi,Nairobi,Designer\n")
    assert [s.locator for s in segs if s.locator["row"] == 2] == [
        {"row": 2, "column": 1}, {"row": 2, "column": 2}, {"row": 2, "column": 3}]
    assert all(s.context == "" for s in segs)


def test_a_header_of_words_is_told_by_the_rows_below_or_its_words() -> None:
    assert is_header(["Name", "City"], [["Zanele Okafor", "Lagos"]])  # words that name columns
    assert is_header(["Payee", "Reached at"], [["Zanele Okafor", "z@example.org"]])  # data under a label
    assert is_header(["payout_method", "tierLevel"], [["wire", "gold"]])  # identifiers
    assert not is_header(["Zanele Okafor", "Lagos", "Manager"], [["Amara Obi", "Nairobi", "Designer"]])
