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
