"""Column profiling: tables whose headers do not say what a column holds (small rosters written here)."""

from __future__ import annotations

import io
import json

import pytest

from scanners.detect.columns import header_words, shape
from scanners.extract import csv as csv_extract
from scanners.extract import json as json_extract
from scanners.extract.base import Limits


@pytest.fixture(scope="module")
def patterns_only():
    from scanners.detect.pipeline import load_detector

    return load_detector(use_ner=False)


def _typed(detector, data: str, column: str, *, split_at_row: int | None = None) -> dict[str, str]:
    """value → entity type for the cells under ``column``; with ``split_at_row`` the rows from that one on
    reach the detector in a second call for the same document."""
    segments = list(csv_extract.extract(io.BytesIO(data.encode()), Limits()))
    cut = next((k for k, s in enumerate(segments) if s.locator["row"] == split_at_row), len(segments))
    state = detector.new_document()
    out: dict[str, str] = {}
    for part in (segments[:cut], segments[cut:]):
        if not part:
            continue
        for seg, found in zip(part, detector.detect(part, state), strict=True):
            if seg.context == column:
                out[seg.text] = "+".join(d.entity_type for d in found) or "-"
    return out


ROSTER = """Name,Email,Phone,Gov ID,Marketplace ID,Tasks
Amara Okafor,amara.o@gmail.com,+234 803 123 4567,12345678902,MKT-88213,12
Priya Nair,priya.nair@gmail.com,+91 98480 22338,234123412346,MKT-10293,40
Jose Cruz,jose.cruz@yahoo.com,+63 917 123 4567,123-456-782-000,MKT-55012,7
Dana Lee,dana.lee@outlook.com,+1 415 555 0132,536-90-4399,MKT-77120,3
"""


def test_a_mixed_government_id_column_types_each_value(patterns_only) -> None:
    assert _typed(patterns_only, ROSTER, "Gov ID") == {
        "12345678902": "NG_NIN",        # 11 digits, Verhoeff: the row's +234 says Nigeria, not a Brazilian CPF
        "234123412346": "IN_AADHAAR",
        "123-456-782-000": "PH_TIN",
        "536-90-4399": "US_SSN",
    }


def test_a_second_per_person_id_column_is_a_contractor_id(patterns_only) -> None:
    assert set(_typed(patterns_only, ROSTER, "Marketplace ID").values()) == {"CONTRACTOR_ID"}


def test_profiles_carry_over_the_batches_of_one_document(patterns_only) -> None:
    # the header row and three rows profile the column; the last row comes in a later batch
    assert set(_typed(patterns_only, ROSTER, "Marketplace ID", split_at_row=5).values()) == {"CONTRACTOR_ID"}


def test_numbers_of_tasks_and_submissions_are_not_per_person(patterns_only) -> None:
    # a task log: one worker, many tasks and submissions; the worker's own platform id repeats with them
    log = "Worker,Email,Task ID,Submission ID,Platform ID\n" + "".join(
        f"{who},{who.split()[0].lower()}@gmail.com,TSK-{4400 + k},SUB-{k:06d},{pid}\n"
        for k, (who, pid) in enumerate([("Amara Okafor", "PL-99812"), ("Amara Okafor", "PL-99812"),
                                        ("Priya Nair", "PL-10442"), ("Priya Nair", "PL-10442"),
                                        ("Jose Cruz", "PL-55610"), ("Jose Cruz", "PL-55610")]))
    assert set(_typed(patterns_only, log, "Submission ID").values()) == {"-"}
    assert set(_typed(patterns_only, log, "Platform ID").values()) == {"CONTRACTOR_ID"}


def test_a_bare_id_column_of_record_keys_is_not_profiled(patterns_only) -> None:
    table = "ID,Name,Order No\n" + "".join(
        f"{key},{who},{order}\n" for key, who, order in [
            ("100234567891", "Amara Okafor", "4500012345"), ("100234567892", "Priya Nair", "4500012346"),
            ("100234567893", "Jose Cruz", "4500012347"), ("100234567894", "Dana Lee", "4500012348")])
    assert set(_typed(patterns_only, table, "ID").values()) == {"-"}
    assert set(_typed(patterns_only, table, "Order No").values()) == {"-"}


def test_json_records_are_columns_too(patterns_only) -> None:
    rows = [{"name": who, "phone": phone, "kyc": {"id_number": gov}}
            for who, phone, gov in [("Amara Okafor", "+234 803 123 4567", "12345678902"),
                                    ("Priya Nair", "+91 98480 22338", "234123412346"),
                                    ("Jose Cruz", "+63 917 123 4567", "123-456-782-000")]]
    segments = list(json_extract.extract(io.BytesIO(json.dumps(rows).encode()), Limits()))
    found = patterns_only.detect(segments, patterns_only.new_document())
    typed = {s.text: [d.entity_type for d in f] for s, f in zip(segments, found, strict=True)
             if "id_number" in s.context}
    assert typed == {"12345678902": ["NG_NIN"], "234123412346": ["IN_AADHAAR"], "123-456-782-000": ["PH_TIN"]}


def test_a_value_two_checksums_accept_and_the_row_cannot_tell_is_a_national_id(patterns_only) -> None:
    # 234123412346 passes Aadhaar's Verhoeff digit and a 12-digit Philippine TIN's mod-11 digit
    table = "Name,Gov ID\nAmara Okafor,12345678902\nPriya Nair,234123412346\nJose Cruz,123-456-782-000\n"
    assert _typed(patterns_only, table, "Gov ID")["234123412346"] == "NATIONAL_ID"


@pytest.mark.parametrize("context, words", [
    ("Gov ID", ["gov", "id"]),
    ("$.workers[3].marketplaceId", ["marketplace", "id"]),
    ("ID No.", ["id", "no"]),
])
def test_header_words(context: str, words: list[str]) -> None:
    assert header_words(context) == words


def test_shape() -> None:
    assert shape("LMF-C-005640") == "AAA-A-999999"
