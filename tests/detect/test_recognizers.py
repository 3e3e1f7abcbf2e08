"""Tables for the Python recognizers (scanners/detect/recognizers/): what each must and must not find."""

from __future__ import annotations

import pytest

from scanners.detect.patterns import PatternDetector
from scanners.detect.recognizers.email import EmailRecognizer
from scanners.detect.recognizers.ip_address import IpAddressRecognizer
from scanners.detect.recognizers.phone import PhoneRecognizer
from scanners.detect.validators import is_email, is_ip


def _values(recognizer, text: str, **kw) -> list[str]:
    return [text[r.start:r.end] for r in recognizer.analyze(text, [], None, **kw)]


@pytest.mark.parametrize("text, expected", [
    ("Contact: maria.santos@gmail.com", ["maria.santos@gmail.com"]),            # plain address
    ("user@xn--80ak6aa92e.com", ["user@xn--80ak6aa92e.com"]),                    # punycode domain (Presidio test)
    ("Łókaść@email.com wrote", ["Łókaść@email.com"]),                           # Unicode local part (validators)
    ("hostname = 'x'\nusername = 'donjuan@example.com'", ["donjuan@example.com"]),  # the quote is not part of it
    ("https://ghs_abc123@github.com/acme/x.git", []),                           # URL userinfo (gitleaks)
    ("postgres://admin:s3cret@db.example.com/app", []),                         # URL user:password
    ("mailto:ops@vendor.io", ["ops@vendor.io"]),                                # mailto is fine
    ("ping @channel", []),                                                      # no local part
    ("something@@somewhere.com", []),                                           # validators test
])
def test_email_recognizer(text: str, expected: list[str]) -> None:
    assert _values(EmailRecognizer(), text) == expected


@pytest.mark.parametrize("value, valid", [
    ("info@presidio.site", True),                                  # Presidio test
    ("email@127.local.home.arpa", True),                           # python-validators test
    ("abc@bar", False), ("email@127.0.0.1", False),                # no public suffix / an IP
    ("example@invalid-.com", False), ("example@-invalid.com", False),  # label hyphens (validators)
    ("john56789." * 7 + "@example.com", False),                    # local part over 64
])
def test_email_validator(value: str, valid: bool) -> None:
    assert is_email(value) is valid


@pytest.mark.parametrize("text, expected", [
    ("microsoft.com 192.168.0.1", ["192.168.0.1"]),                 # Presidio test
    ("Connect to [2001:db8::1]:8080", ["2001:db8::1"]),             # bracketed IPv6 with port
    ("Mapped: ::ffff:192.168.1.1", ["::ffff:192.168.1.1", "192.168.1.1"]),  # v4-mapped (overlap resolved later)
    ("2001:db8::/32", ["2001:db8::/32"]),                           # a network
    ("IP192.168.1.1text", []),                                      # glued to words
    ("MyClass::toString", []),                                      # C++ scope
    ("1.2.3.4.5.6", []),                                            # too many octets
])
def test_ip_address_recognizer(text: str, expected: list[str]) -> None:
    assert sorted(_values(IpAddressRecognizer(), text)) == sorted(expected)


@pytest.mark.parametrize("value, valid", [
    ("192.168.0.1", True), ("::1", True), ("2001:db8::%eth0/128", True), ("64:ff9b::192.0.2.0/96", True),
    ("256.256.256.256", False), ("0127.0.0.1", False), ("12:34:56", False), ("aa:bb:cc:dd:ee:ff", False),
    ("2001::db8::1", False), ("10.0.0.0/33", False),
])
def test_ip_validator(value: str, valid: bool) -> None:
    assert is_ip(value) is valid


@pytest.mark.parametrize("text, context, expected", [
    ("Call me at +63 917 123 4567", "", ["+63 917 123 4567"]),       # international, valid PH mobile
    ("US: (415) 555-0132", "", ["(415) 555-0132"]),                  # Presidio test: area-code shape
    ("US: 415-555-0132", "", ["415-555-0132"]),                      # Presidio test: NANP shape
    ("mobile 09171234567", "", ["09171234567"]),                     # bare national + a phone word
    ("09171234567", "Phone", ["09171234567"]),                       # bare national + a phone header
    ("invoice total 09171234567", "", []),                           # bare digits, no phone word: not parsed
    ("Released 2024-01-15 as v1.2.3", "", []),                       # a date
    ("+1 555 0000 0000 0000", "", []),                               # not a valid number
])
def test_phone_recognizer(text: str, context: str, expected: list[str]) -> None:
    assert _values(PhoneRecognizer(), text, context=context) == expected


@pytest.mark.parametrize("text, expected", [
    ("My US number is (415) 555-0132, and my international one is +44 (20) 7123 4567",
     ["(415) 555-0132", "+44 (20) 7123 4567"]),                      # Presidio phone test
    ("Brazil: +55 11 98456 5666", ["+55 11 98456 5666"]),             # Presidio phone test
])
def test_phone_through_the_detector(pattern_detector: PatternDetector, text: str, expected: list[str]) -> None:
    found = [text[d.start:d.end] for d in pattern_detector.detect(text) if d.entity_type == "PHONE_NUMBER"]
    assert found == expected
