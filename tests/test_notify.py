"""Notification rules (rules/notify/) and the assessment engine (spill/notify.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from spill.cli import main
from spill.errors import RuleError
from spill.notify import (
    CountryInference,
    CountrySignal,
    Outcome,
    assess,
    infer_country,
)
from spill.notify_rules import load_rulebook

BOOK = load_rulebook()
RULES = [(j.id, r) for j in BOOK.jurisdictions.values() for r in j.rules]


def test_every_jurisdiction_the_issue_names_is_built_in_with_its_citation() -> None:
    assert set(BOOK.jurisdictions) == {"us-states", "gdpr", "in-dpdp", "ke-dpa", "ph-dpa", "ng-ndpa", "br-lgpd"}
    for country in ("US", "DE", "FR", "NL", "IE", "NO", "IN", "KE", "PH", "NG", "BR"):
        assert BOOK.for_country(country) is not None, country
    for j in BOOK.jurisdictions.values():
        assert j.law and j.deadline and j.default_section
        assert all(r.section and r.examples for r in j.rules)


@pytest.mark.parametrize("jurisdiction, rule", RULES, ids=[r.id for _, r in RULES])
def test_notification_rule_examples(jurisdiction: str, rule) -> None:
    # each rule's own examples, as written in its YAML file
    for example in rule.examples:
        assert rule.met(example) is not None, sorted(example)
    for example in rule.negative_examples:
        assert rule.met(example) is None, sorted(example)


def _country(code: str | None) -> CountryInference:
    return CountryInference(code, "test", "", "" if code else "no country could be inferred: test")


@pytest.mark.parametrize("types, country, outcome, rule", [
    # (entity type, category) a person's findings have → what the laws say
    ([("PERSON", "identity"), ("US_SSN", "government_id")], "US", Outcome.NOTIFY, "us.name_ssn"),
    ([("PERSON", "identity"), ("EMAIL_ADDRESS", "contact")], "US", Outcome.NOT_REQUIRED, "default"),
    ([("PERSON", "identity"), ("CREDIT_CARD", "financial")], "US", Outcome.REVIEW, "us.name_account_without_code"),
    ([("PERSON", "identity"), ("IBAN_CODE", "financial")], "DE", Outcome.NOTIFY, "gdpr.high_risk"),
    ([("PERSON", "identity"), ("EMAIL_ADDRESS", "contact")], "NL", Outcome.REVIEW, "gdpr.risk"),
    ([("PERSON", "identity"), ("EMAIL_ADDRESS", "contact")], "IN", Outcome.NOTIFY, "in.dpdp.breach"),
    ([("PERSON", "identity"), ("PHONE_NUMBER", "contact")], "KE", Outcome.REVIEW, "ke.dpa.assess_harm"),
    ([("PERSON", "identity"), ("PH_TIN", "government_id")], "PH", Outcome.NOTIFY, "ph.dpa.identity_fraud"),
    ([("PERSON", "identity"), ("EMAIL_ADDRESS", "contact")], "PH", Outcome.NOT_REQUIRED, "default"),
    ([("PERSON", "identity"), ("NG_NIN", "government_id")], "NG", Outcome.NOTIFY, "ng.ndpa.high_risk"),
    ([("PERSON", "identity"), ("BR_CPF", "government_id")], "BR", Outcome.REVIEW, "br.lgpd.identity_number"),
    ([("PERSON", "identity"), ("EMAIL_ADDRESS", "financial")], "BR", Outcome.NOTIFY,
     "br.lgpd.financial_or_authentication"),  # a payee e-mail is a payout handle
])
def test_assessment_takes_the_most_demanding_rule_met(types, country, outcome, rule) -> None:
    elements = set().union(*(BOOK.elements_of(t, c) for t, c in types))
    a = assess(BOOK, elements, _country(country))
    assert (a.outcome, a.rule) == (outcome, rule)
    assert a.section and a.jurisdiction
    assert bool(a.deadline) == (outcome is not Outcome.NOT_REQUIRED)


def test_no_country_or_an_uncovered_country_is_review_with_the_reason() -> None:
    a = assess(BOOK, {"name", "email"}, infer_country([]))
    assert a.outcome is Outcome.REVIEW and "no country could be inferred" in a.reason and not a.rule
    a = assess(BOOK, {"name", "passport", "government_id"}, _country("GB"))
    assert a.outcome is Outcome.REVIEW and "no notification rules cover United Kingdom (GB)" in a.reason


def test_account_takeover_is_never_left_at_not_required() -> None:
    a = assess(BOOK, {"name", "email"}, _country("US"), account_takeover="credentials beside their payout details")
    assert a.outcome is Outcome.REVIEW and a.reason.startswith("account-takeover risk: credentials beside")


def test_country_inference_weighs_signals_and_says_how() -> None:
    ci = infer_country([CountrySignal("IN", "country column", 4), CountrySignal("IN", "phone prefix +91", 2),
                        CountrySignal("DE", "IBAN country", 1)])
    assert ci.country == "IN" and ci.how == "country column (4 files); phone prefix +91 (2 files)"
    assert ci.others == "DE: IBAN country (1 file)"
    # a staff member whose e-mail sits in everybody's roster row: the rows' countries disagree
    ci = infer_country([CountrySignal(c, "country column", 1) for c in ("IN", "PH", "KE", "NG")]
                       + [CountrySignal("IE", "phone prefix +353", 1)])
    assert ci.country is None and ci.reason.startswith("the signals disagree on the country")
    # an ID's type outweighs a phone number bought abroad
    ci = infer_country([CountrySignal("US", "national-ID type US_SSN", 2), CountrySignal("GB", "phone prefix +44", 1)])
    assert ci.country == "US"


# ------------------------------------------------------------------ loading
def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


UK = """\
jurisdiction: uk-gdpr
name: United Kingdom — UK GDPR Articles 33 and 34
countries: [GB]
deadline: ICO within 72 hours (Art. 33(1)); data subjects without undue delay (Art. 34(1)).
default: {outcome: review, section: Art. 33(1), reason: Assess the risk.}
rules:
  - id: uk.high_risk
    outcome: notify
    section: UK GDPR Art. 34(1)
    when: [[government_id, financial_account]]
    examples: [[passport]]
    negative_examples: [[name, email]]
"""


def test_a_folder_adds_a_jurisdiction_and_replaces_one_by_id(tmp_path: Path) -> None:
    folder = _write(tmp_path / "mine", "uk.yml", UK)
    _write(folder, "india.yml", UK.replace("uk-gdpr", "in-dpdp").replace("[GB]", "[IN]").replace("uk.", "in."))
    book = load_rulebook([folder])
    a = assess(book, {"passport", "government_id"}, _country("GB"))
    assert (a.outcome, a.rule, a.jurisdiction) == (Outcome.NOTIFY, "uk.high_risk", "uk-gdpr")
    assert [r.id for r in book.jurisdictions["in-dpdp"].rules] == ["in.high_risk"]  # replaced, not merged


@pytest.mark.parametrize("text, error", [
    (UK.replace("[[government_id, financial_account]]", "[[government_id, bank]]"),
     "uk.yml:10: unknown element 'bank'"),
    (UK.replace("outcome: notify", "outcome: maybe"), "uk.yml:8: unknown outcome 'maybe' (one of: notify, review,"),
    (UK.replace("countries: [GB]", "countries: [UK]"), "uk.yml:3: unknown country 'UK' (use ISO 3166 alpha-2"),
    (UK.replace("    section: UK GDPR", "    sectoin: UK GDPR"),
     "uk.yml:9: unknown key 'sectoin' in a notification rule (did you mean 'section'?)"),
    (UK.replace("examples: [[passport]]", "examples: [[name]]"),
     "uk.yml:11: rule 'uk.high_risk': example ['name'] does not meet 'when'"),
    (UK.replace("negative_examples: [[name, email]]", "negative_examples: [[shoe_size]]"),
     "uk.yml:12: unknown element 'shoe_size'"),
    ("- id: spill.x\n  entity_type: X\n", "uk.yml:1: not a jurisdiction file"),
    ("jurisdiction: [oops\n", "uk.yml:2: malformed YAML"),
])
def test_a_malformed_rule_is_one_error_with_its_file_and_line(tmp_path: Path, text: str, error: str) -> None:
    folder = _write(tmp_path / "mine", "uk.yml", text)
    with pytest.raises(RuleError) as err:
        load_rulebook([folder])
    assert str(err.value).startswith(f"{folder}/{error}"), str(err.value)
    assert "\n" not in str(err.value)


def test_cli_prints_one_error_line_for_a_bad_notification_rule(tmp_path: Path, capsys) -> None:
    folder = _write(tmp_path / "mine", "uk.yml", UK.replace("[[government_id, financial_account]]", "[[ssn_x]]"))
    assert main(["rules", "test", "--notify-rules", str(folder)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"spill: error: {folder}/uk.yml:10: unknown element 'ssn_x'")
    assert main(["rules", "test", "--notify-rules", str(tmp_path / "nowhere")]) == 1
    assert capsys.readouterr().err.strip() == f"spill: error: --notify-rules {tmp_path / 'nowhere'}: no such folder"
