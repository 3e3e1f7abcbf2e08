"""`spill export --people`: the notification list from a real scan, through the CLI."""

from __future__ import annotations

import csv
import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from spill.case import Case
from spill.cli import main

SSN = "536-90-4399"


def make_people_share(root: Path) -> Path:
    """Contractors from several countries, one with nothing that places them, a payout key beside the payouts."""
    share = root / "share"
    for d in ("HR", "Finance", "Misc"):
        (share / d).mkdir(parents=True)
    (share / "HR" / "roster.csv").write_text(
        "Contractor ID,Full Name,Email,Phone,Country\n"
        "C-1001,Wanjiru Kamau,wanjiru.kamau@safaricom.co.ke,+254 712 345 678,Kenya\n"
        "C-1002,Olumide Adeyemi,olumide.adeyemi@gmail.com,+234 803 123 4567,Nigeria\n"
        "C-1004,John Carter,john.carter@gmail.com,,United States\n", encoding="utf-8")
    (share / "HR" / "notes.txt").write_text(f"Onboarding notes\n\nJohn Carter gave SSN {SSN} for the W-9.\n",
                                            encoding="utf-8")
    (share / "Finance" / "payouts.csv").write_text(
        "name,email,iban,amount\nLena Vogel,lena.vogel@web.de,DE89370400440532013000,120.00\n", encoding="utf-8")
    (share / "Finance" / "gateway.env").write_text(
        "PAYOUT_API_KEY=sk_live_51HqLyjWDarjtT1zdp7dcXYZ0123456789abcdefghijk\n", encoding="utf-8")
    (share / "Misc" / "thanks.txt").write_text(
        "Thank you note\n\nMany thanks to Priya Raman for the help with the offsite, from everyone.\n",
        encoding="utf-8")
    return share


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("people")
    case = root / "case.db"
    assert main(["scan", str(make_people_share(root)), "--case", str(case), "--jobs", "1", "--no-isolate"]) == 0
    return case


def export_people(case: Path, out: Path, *extra: str, fmt: str = "jsonl") -> list[dict]:
    assert main(["export", str(case), "--people", "--format", fmt, "-o", str(out), *extra]) == 0
    if fmt == "csv":
        return list(csv.DictReader(out.open(encoding="utf-8")))
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def who_is_who(rows: list[dict], case: Path) -> dict[str, dict]:
    """Rows keyed by who they are, read through the case (the rows themselves are masked)."""
    with Case.open(case) as c:
        out = {}
        for r in rows:
            for who in ("wanjiru", "olumide", "john", "lena", "priya"):
                if c.people.matching(who.capitalize()) and r["person"] in c.people.matching(who.capitalize()):
                    out[who] = r
        return out


def test_one_row_per_person_with_country_elements_and_a_cited_assessment(scanned: Path, tmp_path: Path,
                                                                         capsys) -> None:
    rows = export_people(scanned, tmp_path / "people.jsonl")
    summary = capsys.readouterr().err
    who = who_is_who(rows, scanned)
    assert set(who) == {"wanjiru", "olumide", "john", "lena", "priya"}
    kenya = who["wanjiru"]
    assert (kenya["country"], kenya["outcome"], kenya["rule"]) == ("KE", "review", "ke.dpa.assess_harm")
    assert kenya["country_via"].startswith("country column (1 file)") and "phone prefix +254" in kenya["country_via"]
    assert "s. 43(1)" in kenya["section"] and kenya["jurisdiction"].startswith("Kenya")
    john = who["john"]
    assert (john["country"], john["outcome"], john["rule"]) == ("US", "notify", "us.name_ssn")
    assert john["elements_met"] == ["name", "ssn"] and "US_SSN" in john["data_types"]
    assert "national-ID type US_SSN" in john["country_via"] and "1798.82" in john["section"] and john["deadline"]
    lena = who["lena"]  # an IBAN places her; credentials sit in the same folder as her payout details
    assert lena["country"] == "DE" and lena["country_via"].startswith("IBAN country")
    assert lena["outcome"] == "notify" and lena["rule"] == "gdpr.high_risk"
    assert lena["account_takeover"] == "credentials beside their payout details in Finance"
    priya = who["priya"]  # a name in a thank-you note: nothing says where she lives
    assert priya["outcome"] == "review" and priya["country"] == "" and not priya["rule"]
    assert priya["reason"].startswith("no country could be inferred")
    for r in rows:
        assert r["basis"] == "decision support, not legal advice: counsel decides who is notified"
        assert r["triage_state"] == "open" and r["unreviewed"] == r["findings"]
        assert "@" not in r["name"] and r["highest_severity"] in ("low", "medium", "high", "critical")
    assert "notification list: 5 people — notify 2, review 3, not required 0" in summary
    assert "decision support, not legal advice" in summary
    assert stat.S_IMODE(os.stat(tmp_path / "people.jsonl").st_mode) == 0o600


def test_decisions_shape_the_list_and_reveal_is_checked_and_logged(scanned: Path, tmp_path: Path, capsys) -> None:
    case = tmp_path / "case.db"
    shutil.copy(scanned, case)
    shutil.copy(f"{scanned}.key", f"{case}.key")
    rows = export_people(case, tmp_path / "before.jsonl")
    who = who_is_who(rows, case)
    with Case.open(case) as c:
        john = [f.id for f in c.iter_findings() if f.subject == who["john"]["person"]]
        priya = [f.id for f in c.iter_findings() if f.subject == who["priya"]["person"]]
        c.log.decide(john[:1], action="status", after="confirmed", analyst="ana")
        c.log.decide(priya, action="status", after="false_positive", analyst="ana")
        before = c.log.head().count
    capsys.readouterr()
    rows = export_people(case, tmp_path / "after.csv", "--reveal", fmt="csv")
    err = capsys.readouterr().err
    assert len(rows) == 4 and "1 left out (all their findings false positives)" in err
    john_row = next(r for r in rows if r["person"] == who["john"]["person"])
    assert john_row["triage_state"] == f"partly reviewed ({len(john) - 1} of {len(john)} open)"
    assert john_row["revealed_name"] == "John Carter" and john_row["revealed_email"] == "john.carter@gmail.com"
    assert john_row["elements_met"] == "name; ssn" and SSN not in (tmp_path / "after.csv").read_text()
    with Case.open(case) as c:
        reveals = [d for d in c.log.entries() if d.action == "reveal"]
        assert c.log.head().count == before + len(reveals) and len(reveals) >= 8
        assert {d.reason for d in reveals} == {"spill export --people --reveal (csv)"}
        assert c.log.verify() == []


def test_people_export_refuses_what_does_not_apply(scanned: Path, capsys) -> None:
    assert main(["export", str(scanned), "--people", "--format", "csv", "--status", "open"]) == 1
    assert "--status does not apply to --people" in capsys.readouterr().err
    assert main(["export", str(scanned), "--format", "csv", "--notify-rules", "x"]) == 1
    assert "--notify-rules applies to the notification list: add --people" in capsys.readouterr().err
