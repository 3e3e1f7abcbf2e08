"""Label-anchored detection: a header/key or an inline label makes a value a CONTRACTOR_ID (and others)."""

from __future__ import annotations

import pytest

from scanners.detect.labels import label_of_context, normalize_label
from scanners.detect.patterns import PatternDetector


def _found(detector: PatternDetector, text: str, context: str = "") -> list[tuple[str, str]]:
    return [(d.entity_type, text[d.start:d.end]) for d in detector.detect(text, context)]


@pytest.mark.parametrize("header", [
    "Contractor ID", "contractor_id", "contractorId", "CONTRACTOR-ID", "worker_id", "Annotator ID",
    "Freelancer #", "freelancer_no", "Payee ID", "vendor_id", "Worker ID (internal)", "$.records[3].worker_id",
    "payout.contractor.contractor_id",
])
def test_label_anchored_contractor_id_from_header(pattern_detector: PatternDetector, header: str) -> None:
    # the shape does not matter: the column says what it is
    assert _found(pattern_detector, " zq-88a1 ", header) == [("CONTRACTOR_ID", "zq-88a1")]


@pytest.mark.parametrize("header", ["Contractor", "Freelancer", "worker", "Contractor name", "notes", "task_id"])
def test_header_that_is_not_an_id_label_does_not_anchor(pattern_detector: PatternDetector, header: str) -> None:
    assert ("CONTRACTOR_ID", "zq-88a1") not in _found(pattern_detector, "zq-88a1", header)


@pytest.mark.parametrize("value", ["N/A", "", "-", "pending", "a value far too long to be an identifier " * 3])
def test_empty_or_long_labelled_cells_are_not_ids(pattern_detector: PatternDetector, value: str) -> None:
    assert _found(pattern_detector, value, "contractor_id") == []


@pytest.mark.parametrize("text, value", [
    ("Worker ID: QX-77-ab12", "QX-77-ab12"),                     # the brief's example
    ("Annotator #: 8812", "8812"),                               # "#" read as "no"
    ("Freelancer # 8812 submitted late", "8812"),                # no colon after "#"
    ('{"worker_id": "u-88a1f0", "rating": 5}', "u-88a1f0"),      # a JSON key, quoted value
    ("contractor_id=QX77 status=paid", "QX77"),                  # key=value logs
    ("Payee ID (Payoneer): 55012", "55012"),                     # parenthetical after the label
])
def test_inline_label_captures_the_value(pattern_detector: PatternDetector, text: str, value: str) -> None:
    assert ("CONTRACTOR_ID", value) in _found(pattern_detector, text)


def test_inline_label_needs_an_identifier(pattern_detector: PatternDetector) -> None:
    assert _found(pattern_detector, "Worker ID: see the onboarding sheet") == []


def test_bare_contractor_shapes_need_a_contractor_word(pattern_detector: PatternDetector) -> None:
    assert _found(pattern_detector, "Fixed in CTR-12345 last sprint") == []
    assert _found(pattern_detector, "contractor CTR-12345 was paid") == [("CONTRACTOR_ID", "CTR-12345")]


def test_label_anchors_other_types_too(pattern_detector: PatternDetector) -> None:
    assert _found(pattern_detector, "Maria de la Cruz", "Account Holder") == [("PERSON", "Maria de la Cruz")]
    assert _found(pattern_detector, "0123456789", "account_number") == [("BANK_ACCOUNT", "0123456789")]
    assert _found(pattern_detector, "P1234567A", "Passport No.") == [("PASSPORT", "P1234567A")]


@pytest.mark.parametrize("name, normalized", [
    ("Contractor ID", "contractorid"), ("contractor_id", "contractorid"), ("contractorId", "contractorid"),
    ("Freelancer #", "freelancerno"), ("freelancer number", "freelancerno"), ("Worker ID (internal)", "workerid"),
    ("A/C No.", "acno"),
])
def test_normalize_label(name: str, normalized: str) -> None:
    assert normalize_label(name) == normalized


@pytest.mark.parametrize("context, label", [
    ("user.profile.email", "email"), ("$.records[3].worker_id", "worker_id"), ("Contractor No.", "Contractor No."),
    ("Account holder", "Account holder"),
])
def test_label_of_context(context: str, label: str) -> None:
    assert label_of_context(context) == label
