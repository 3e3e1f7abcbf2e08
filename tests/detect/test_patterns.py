"""PatternDetector behaviour: one threshold, context, overlaps, off-by-default types, batches."""

from __future__ import annotations

import pytest

from scanners.detect.patterns import DEFAULT_THRESHOLD, PatternDetector
from scanners.detect.rules import Rule
from spill.model import Category, Severity


def _found(detector: PatternDetector, text: str, context: str = "") -> list[tuple[str, str]]:
    return [(d.entity_type, text[d.start:d.end]) for d in detector.detect(text, context)]


def test_default_threshold_is_the_export_threshold() -> None:
    assert DEFAULT_THRESHOLD == 0.5


def test_detections_carry_rule_category_severity_and_a_reportable_score(pattern_detector: PatternDetector) -> None:
    [d] = pattern_detector.detect("Payout IBAN: GB82 WEST 1234 5698 7654 32")
    assert (d.entity_type, d.rule, d.category, d.severity) == (
        "IBAN_CODE", "spill.financial.iban", Category.FINANCIAL, Severity.HIGH)
    assert DEFAULT_THRESHOLD <= d.score <= 1.0


def test_a_credit_card_inside_an_iban_loses_to_the_iban(pattern_detector: PatternDetector) -> None:
    # the digits of this IBAN hold Luhn-valid card-like runs; the longer, checksummed IBAN wins
    text = "IBAN: DE89 3704 0044 0532 0130 00"
    assert _found(pattern_detector, text) == [("IBAN_CODE", "DE89 3704 0044 0532 0130 00")]


def test_a_spaced_iban_is_shortened_to_what_validates(pattern_detector: PatternDetector) -> None:
    text = "IBAN GB82 WEST 1234 5698 7654 32 BIC DEUTDEFF"
    assert ("IBAN_CODE", "GB82 WEST 1234 5698 7654 32") in _found(pattern_detector, text)


@pytest.mark.parametrize("text, context, entity, value", [
    ("ABA 111000025", "", "ABA_ROUTING_NUMBER", "111000025"),        # weak shape, context word near
    ("111000025", "routing_number", "ABA_ROUTING_NUMBER", "111000025"),  # context from the header
    ("SWIFT/BIC: DEUTDEFF", "", "SWIFT_CODE", "DEUTDEFF"),
    ("NIN 98765432102", "", "NG_NIN", "98765432102"),
])
def test_weak_shapes_pass_with_context(pattern_detector: PatternDetector, text: str, context: str,
                                       entity: str, value: str) -> None:
    assert (entity, value) in _found(pattern_detector, text, context)


@pytest.mark.parametrize("text", [
    "ticket 111000025 closed",           # a 9-digit number passing the ABA checksum, no banking word
    "DEADLINE for the TRANSFER",          # all-caps words (DEADLINE even has a valid country code)
    "ref 98765432102 closed",             # an 11-digit Verhoeff-valid number without NIN context
])
def test_weak_shapes_without_context_are_not_reported(pattern_detector: PatternDetector, text: str) -> None:
    assert _found(pattern_detector, text) == []


@pytest.mark.parametrize("text", [
    "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",   # the AWS documentation key
    "api_key: YOUR_API_KEY_HERE",
    "password = changeme",
    "token: ${GITHUB_TOKEN}",
    "secret: <token>",
    "password: xxxxxxxx",
])
def test_placeholders_are_not_credentials(pattern_detector: PatternDetector, text: str) -> None:
    assert _found(pattern_detector, text) == []


def test_payout_email_is_reported_once_under_the_financial_rule(pattern_detector: PatternDetector) -> None:
    [d] = pattern_detector.detect("PayPal email: maria.santos@gmail.com")
    assert (d.entity_type, d.rule, d.category) == ("EMAIL_ADDRESS", "spill.financial.payout_email", Category.FINANCIAL)
    [plain] = pattern_detector.detect("email: maria.santos@gmail.com")
    assert (plain.rule, plain.category) == ("spill.contact.email", Category.CONTACT)


def test_upi_handle_is_not_an_email_and_an_email_is_not_a_upi(pattern_detector: PatternDetector) -> None:
    assert _found(pattern_detector, "UPI: ravi.kumar@okaxis") == [("UPI_ID", "ravi.kumar@okaxis")]
    assert _found(pattern_detector, "mail ravi.kumar@gmail.com") == [("EMAIL_ADDRESS", "ravi.kumar@gmail.com")]


def test_private_key_reports_the_whole_block(pattern_detector: PatternDetector) -> None:
    body = "MIIEpQIBAAKCAQEAn6/O8li+SX4m98LLYt/PKSzEmQ++ZBD7Loh9P13f4yQ92EF3"
    text = f"key:\n-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----\ntrailer"
    [(entity, value)] = _found(pattern_detector, text)
    assert entity == "PRIVATE_KEY" and value.startswith("-----BEGIN RSA") and value.endswith("KEY-----")


def test_off_by_default_types_only_when_asked(builtin_rules: list[Rule]) -> None:
    text = "see https://vendor.example.com/tasks?id=4 and 3f2b9c1e-8a4d-4e7b-9c2f-1a2b3c4d5e6f"
    assert _found(PatternDetector(builtin_rules), text) == []
    asked = PatternDetector(builtin_rules, entities={"URL", "UUID"})
    assert {e for e, _ in _found(asked, text)} == {"URL", "UUID"}


def test_threshold_is_a_parameter(builtin_rules: list[Rule]) -> None:
    text = "ticket 111000025 closed"
    low = PatternDetector(builtin_rules, threshold=0.2)
    assert ("ABA_ROUTING_NUMBER", "111000025") in _found(low, text)


def test_detect_batch_gives_the_same_answers_as_detect(pattern_detector: PatternDetector) -> None:
    segments = [
        ("W-005375", "worker_id"), ("Diego Mehta", "full_name"), ("diego.mehta@example.net", "email"),
        ("+254791895240", "phone"), ("701924439316", "account_number"), ("approved", "status"),
        ("2024-08-23T10:17:00Z", "submitted_at"), ("", "notes"), ("09171234567", "phone"),
        ("09171234567", "task_id"), ("Worker ID: QX-77-ab12, SSN 536-90-4399", ""),
        ("x" * 300 + " AKIAQ3EGRJSN7VX4ZP2M", ""),  # longer than a batch cell: scanned on its own
    ]
    assert pattern_detector.detect_batch(segments) == [pattern_detector.detect(t, c) for t, c in segments]


def test_context_window_stays_inside_its_segment_in_a_batch(pattern_detector: PatternDetector) -> None:
    # "routing" sits in the previous cell: in a batch it must not lend context to this one
    segments = [("routing", ""), ("111000025", "")]
    assert pattern_detector.detect_batch(segments) == [[], []]


def test_empty_and_blank_text(pattern_detector: PatternDetector) -> None:
    assert pattern_detector.detect("") == []
    assert pattern_detector.detect("   \n ") == []


def _by_value(detector: PatternDetector, text: str, context: str = "") -> dict[str, str]:
    return {text[d.start:d.end]: d.entity_type for d in detector.detect(text, context)}


@pytest.mark.parametrize("text, value, entity", [
    # the label on the value's own line names it, not a phone word on the line below
    ("Kenya\n  National ID No.: 20332425 (scan OK)\n  Phone verified: +254 722 877997", "20332425",
     "KE_NATIONAL_ID"),
    ("Philippines\n  TIN: 845-677-299-000\n  Phone verified: +63 995 368 3756", "845-677-299-000", "PH_TIN"),
    # "Passport No.:" (with the abbreviation's dot) is a passport label, even with an SSN a line above
    ("  SSN: 210-38-1761\n  Passport No.: 581456354, expiry 2031-02-15", "581456354", "PASSPORT"),
])
def test_the_label_next_to_a_value_wins_over_a_word_nearby(pattern_detector: PatternDetector, text: str,
                                                            value: str, entity: str) -> None:
    assert _by_value(pattern_detector, text).get(value) == entity


@pytest.mark.parametrize("value, header, entity", [
    ("0284372454524", "IBAN / Account", "BANK_ACCOUNT"),
    ("0490055317", "iban_or_account", "BANK_ACCOUNT"),
    ("DE32370400445677947543", "iban_or_account", "IBAN_CODE"),
    ("0490055317", "Account", None),               # a bare "Account" column may be anything
    ("0490055317", "Account / Username", None),    # no payment sibling
])
def test_a_header_offering_alternatives_names_each(pattern_detector: PatternDetector, value: str, header: str,
                                                    entity: str | None) -> None:
    assert _by_value(pattern_detector, value, header).get(value) == entity


@pytest.mark.parametrize("key, entity", [
    ("$.auth.jwt_signing_secret", "GENERIC_SECRET"),
    ("$.webhooks.stripe_signing_secret", "GENERIC_SECRET"),
    ("$.mail.smtp_password", "GENERIC_SECRET"),
    ("$.csrf_token", None),
    ("$.next_page_token", None),
    ("$.public_key_secret_hint_type", None),
])
def test_a_key_ending_in_a_secret_label_is_one(pattern_detector: PatternDetector, key: str,
                                               entity: str | None) -> None:
    value = "Cr8GQu3XULaJOns8bdeBi5aoreNr5W1"
    assert _by_value(pattern_detector, value, key).get(value) == entity
