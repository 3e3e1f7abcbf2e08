"""Country signals: what a value or its record says about where its person lives (``scanners/country.py``)."""

from __future__ import annotations

import pytest

from scanners.country import country_code, record_country, value_country


@pytest.mark.parametrize("entity_type, value, expected", [
    ("PHONE_NUMBER", "+91 98048 28620", ("IN", "phone prefix +91")),   # the sample roster's Indian mobile
    ("PHONE_NUMBER", "0044 20 7946 0000", ("GB", "phone prefix +44")),  # 00 is the international prefix
    ("PHONE_NUMBER", "+1 (415) 555-0134", ("US", "phone prefix +1")),
    ("PHONE_NUMBER", "098048 28620", None),                             # a national number names no country
    ("PHONE_NUMBER", "+800 1234 5678", None),                           # non-geographic (UIFN)
    ("IBAN_CODE", "NL80 INGB 8438 8265 99", ("NL", "IBAN country")),
    ("IBAN_CODE", "ZZ80 0000", None),                                   # not a country
    ("EMAIL_ADDRESS", "someone@example.in", None),                      # a domain is no residence
])
def test_value_country_reads_phone_codes_and_iban_prefixes(entity_type: str, value: str, expected) -> None:
    assert value_country(entity_type, value) == expected


@pytest.mark.parametrize("context, text, expected", [
    ("Country", "India", ("IN", "country column")),                          # a CSV roster's header
    ("hrisExport/worker/country", "KE", ("KE", "country column")),           # an XML element's path
    ("worker_country", "IN", ("IN", "country column")),                      # a JSON key
    ("Nationality", "Nigeria", ("NG", "nationality column")),
    ("Home Address", "12 Kenyatta Ave, Nairobi 00100, Kenya", ("KE", "address")),
    ("Address", "4 Rua Augusta\nLisboa 1100-048\nPortugal", ("PT", "address")),
    ("Status", "India", None),                                               # a country word under another column
    ("country_code", "91", None),                                            # a calling code, not a country
    ("Country", "Active", None),
    ("", "India", None),
])
def test_record_country_reads_labelled_cells(context: str, text: str, expected) -> None:
    assert record_country(context, text) == expected


@pytest.mark.parametrize("text, code", [
    ("India", "IN"), ("IND", "IN"), ("brasil", "BR"), ("UK", "GB"), ("United States", "US"), ("Viet Nam", "VN"),
    ("", None), ("356", None), ("Lagos", None),
])
def test_country_code_knows_names_codes_and_common_aliases(text: str, code: str | None) -> None:
    assert country_code(text) == code


def test_a_case_from_before_countries_gets_them_on_its_next_scan(tmp_path) -> None:
    import sqlite3

    from spill.case import Case
    from spill.cli import main

    share = tmp_path / "share"
    share.mkdir()
    (share / "roster.csv").write_text("name,email,phone,country\nAna Lima,ana.lima@example.com,+55 11 91234 5678,"
                                      "Brazil\n", encoding="utf-8")
    case = tmp_path / "case.db"
    argv = ["scan", str(share), "--case", str(case), "--jobs", "1", "--no-ner", "--no-isolate"]
    assert main(argv) == 0
    conn = sqlite3.connect(case)  # what schema 5 stored: no countries, no codenames
    conn.execute("ALTER TABLE findings DROP COLUMN country")
    conn.execute("ALTER TABLE findings DROP COLUMN country_via")
    conn.execute("DROP TABLE codenames")
    conn.execute("PRAGMA user_version = 5")
    conn.commit()
    conn.close()
    with Case.open(case) as c:  # migrated: the columns are back, every file will be read again
        assert {r[0] for r in c.conn.execute("SELECT DISTINCT country FROM findings")} == {None}
        assert {r[0] for r in c.conn.execute("SELECT rules_fingerprint FROM files")} == {None}
    assert main(argv) == 0
    with Case.open(case) as c:
        got = {(r[0], r[1], r[2]) for r in c.conn.execute("SELECT entity_type, country, country_via FROM findings")}
    assert ("EMAIL_ADDRESS", "BR", "country column") in got and ("PHONE_NUMBER", "BR", "phone prefix +55") in got
