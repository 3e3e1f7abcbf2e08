"""The validator registry: stdnum checksums, the Philippine TIN, and the credential shape checks."""

from __future__ import annotations

import pytest

from scanners.detect.validators import get_validator, known_validators


@pytest.mark.parametrize("name, value, valid", [
    ("iban", "GB82 WEST 1234 5698 7654 32", True), ("iban", "GB82 WEST 1234 5698 7654 33", False),
    ("bic", "DEUTDEFF", True), ("bic", "TRANSFER", False), ("bic", "deutdeff", False),
    ("credit_card", "4111 1111 1111 1111", True), ("credit_card", "4111 1111 1111 1112", False),
    ("credit_card", "122000000000003", True), ("credit_card", "1748503543012", False),   # UATP is 15 digits
    ("aba", "111000025", True), ("aba", "112000025", False),
    ("aadhaar", "2341 2341 2346", True), ("aadhaar", "1234 5678 9012", False),
    ("pan", "ABCPD1234Z", True), ("pan", "ABMXA3211G", False),
    ("ssn", "536-90-4399", True), ("ssn", "078-05-1120", False),
    ("itin", "912-70-1234", True),
    ("cpf", "123.456.789-09", True), ("cpf", "123.456.789-00", False),
    ("ng_nin", "12345678902", True), ("ng_nin", "12345678901", False),
    ("ph_tin", "123-456-782-000", True), ("ph_tin", "123-456-789-000", False),   # BIR modulo 11
    ("ke_pin", "A123456789Z", True),
    ("bitcoin", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", True), ("bitcoin", "1BoatSLRHtKNngkdXEeobR76b53LETtpyX", False),
    ("jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefghijklmnopqrstu", True),
    ("not_placeholder", "Wq8!zr2Lp", True), ("not_placeholder", "changeme", False),
    ("not_placeholder", "${DB_PASSWORD}", False), ("not_placeholder", "<your-api-key>", False),
    ("not_placeholder", "xxxxxxxxxxxx", False), ("not_placeholder", "your-api-key-here", False),
    ("literal", "super$ecret", True), ("literal", "env.DB_PASSWORD", False), ("literal", "get_token()", False),
    ("entropy>=3.0", "951bc382db9abad29c68634761dd6e19", True), ("entropy>=3.0", "aaaaaaaaaaaaaaaa", False),
    ("length>=12", "short", False), ("mixed", "Welcome2024!", True), ("mixed", "Password", False),
])
def test_validator(name: str, value: str, valid: bool) -> None:
    assert get_validator(name)(value) is valid


def test_unknown_validator_raises_keyerror() -> None:
    with pytest.raises(KeyError):
        get_validator("lunh")
    assert "iban" in known_validators() and "entropy>=N" in known_validators()
