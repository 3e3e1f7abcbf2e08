"""People in a real case file: linking, the analyst's merge / split / not-a-person through the log, verify.

Findings are written through ``Case`` as the scanner's writer writes them (raw values in memory,
fingerprints and value keys stored); the values are made up.
"""

from __future__ import annotations

import hashlib

import pytest

from spill.case import Case
from spill.errors import CaseError
from spill.mask import mask
from spill.model import Action, Category, FileRecord, FileResult, FileStatus, Finding, PeopleQuery, Severity, file_id

TYPES = {"CONTRACTOR_ID": Category.CONTRACTOR, "PERSON": Category.IDENTITY, "EMAIL_ADDRESS": Category.CONTACT,
         "PHONE_NUMBER": Category.CONTACT, "IBAN_CODE": Category.FINANCIAL, "IN_PAN": Category.GOVERNMENT_ID}


def result(path: str, rows: list[tuple[str | None, list[tuple[str, str]]]]) -> FileResult:
    """A file of records: (record key, [(entity type, value)]), each value at its own offset."""
    findings, pos = [], 0
    for record, values in rows:
        for etype, value in values:
            findings.append(Finding(path=path, entity_type=etype, category=TYPES[etype], severity=Severity.HIGH,
                                    score=0.9, rule=f"test.{etype.lower()}", start=pos, end=pos + len(value),
                                    preview=mask(value, etype), value=value, record=record, unit=f"{pos}:0:0"))
            pos += len(value) + 1
    sha = hashlib.sha256(path.encode()).hexdigest()
    return FileResult(FileRecord(file_id(path), path, None, sha, 10, 1.0, "csv", FileStatus.DONE), findings)


ROSTER = result("hr/roster.csv", [
    ("row:2", [("CONTRACTOR_ID", "CTR-100201"), ("PERSON", "Priya Sharma"),
               ("EMAIL_ADDRESS", "priya.sharma@gmail.com")]),
    ("row:3", [("CONTRACTOR_ID", "CTR-100202"), ("PERSON", "Kwame Mensah"), ("EMAIL_ADDRESS", "kwame@proton.me")]),
])
PAYOUTS = result("finance/payouts.csv", [
    ("row:2", [("CONTRACTOR_ID", "CTR-100201"), ("IBAN_CODE", "GB82 WEST 1234 5698 7654 32")]),
    ("row:3", [("CONTRACTOR_ID", "CTR-100202"), ("IBAN_CODE", "GB33 BUKB 2020 1555 5555 55")]),
])


def write(case: Case, *results: FileResult) -> None:
    scan = case.scans.begin("/share", {}, "rules", "test")
    case.scans.write_results(list(results), scan, "rules")


@pytest.fixture
def linked(case: Case) -> Case:
    write(case, ROSTER, PAYOUTS)
    assert case.people.link() == 2
    return case


def by_label(case: Case) -> dict[str, str]:
    return {p.label: p.id for p in case.people.page(0, 50)}


def test_link_two_contractors_with_their_data_and_keys(linked: Case) -> None:
    people = linked.people.page(0, 10)
    assert [(p.label, p.findings, p.files, p.confidence) for p in people] == [
        ("K••• M•••", 5, 2, "strong"), ("P••• S•••", 5, 2, "strong")]
    assert people[0].entity_types == ("CONTRACTOR_ID", "EMAIL_ADDRESS", "IBAN_CODE", "PERSON")
    kinds = {r[0] for r in linked.conn.execute("SELECT DISTINCT kind FROM value_keys")}
    assert kinds == {"link", "first", "last", "joined", "local", "shape"}
    raw = "priya"  # no raw value in the key table: every key but a shape is a keyed fingerprint
    assert not linked.conn.execute("SELECT count(*) FROM value_keys WHERE key LIKE ?", (f"%{raw}%",)).fetchone()[0]
    exposure = linked.people.exposure(people[1].id)
    assert exposure is not None and exposure.links and exposure.links[0].strength == "strong"
    assert [i.entity_type for i in exposure.identifiers][:1] == ["CONTRACTOR_ID"]


def test_people_found_by_a_typed_value_through_its_fingerprint(linked: Case) -> None:
    ids = by_label(linked)
    assert linked.people.matching("priya.sharma@gmail.com") == [ids["P••• S•••"]]
    assert linked.people.matching("PRIYA  SHARMA") == [ids["P••• S•••"]]
    assert linked.people.matching("Priya") == [ids["P••• S•••"]]  # a first name, through its key
    assert linked.people.count(PeopleQuery(value="CTR-100202")) == 1
    assert linked.people.count(PeopleQuery(value="nobody@example.com")) == 0
    assert linked.people.count(PeopleQuery(text="K•••")) == 1


def test_people_keep_their_ids_when_new_files_arrive(linked: Case) -> None:
    before = by_label(linked)
    write(linked, result("mail/more.csv", [("row:2", [("PERSON", "Priya Sharma"), ("PHONE_NUMBER", "+44 7700 900123"),
                                                      ("EMAIL_ADDRESS", "priya.sharma@gmail.com")])]))
    linked.people.link()
    assert by_label(linked) == before
    assert linked.people.get(before["P••• S•••"]).findings == 8  # type: ignore[union-attr]


def test_merge_moves_the_findings_and_undo_takes_it_back(linked: Case) -> None:
    ids = by_label(linked)
    priya, kwame = ids["P••• S•••"], ids["K••• M•••"]
    batch, changed = linked.log.decide([kwame], action=Action.MERGE, after=priya, analyst="ana", kind="subject")
    assert changed == 1 and linked.people.count() == 1
    assert linked.people.get(priya).findings == 10  # type: ignore[union-attr]
    assert linked.people.exposure(priya).merged == (kwame,)  # type: ignore[union-attr]
    linked.people.link()  # a relink keeps the analyst's merge
    assert linked.people.count() == 1 and linked.log.verify() == []
    linked.log.undo(batch, analyst="ana")
    assert by_label(linked) == ids and linked.people.get(kwame).findings == 5  # type: ignore[union-attr]
    assert linked.log.verify() == []


def test_split_separates_an_identifier_and_survives_relinking(linked: Case) -> None:
    priya = by_label(linked)["P••• S•••"]
    email = linked.conn.execute("SELECT key FROM identifiers WHERE subject = ? AND entity_type = 'EMAIL_ADDRESS'",
                                (priya,)).fetchone()[0]
    batch, _ = linked.log.decide([priya], action=Action.SPLIT, after=email, analyst="ana", kind="subject")
    assert linked.people.get(priya).findings == 4  # type: ignore[union-attr]
    linked.people.link()
    assert linked.people.get(priya).findings == 4  # type: ignore[union-attr]
    assert linked.people.exposure(priya).splits == (email,)  # type: ignore[union-attr]
    assert linked.log.verify() == []
    linked.log.undo(batch, analyst="ana")
    assert linked.people.get(priya).findings == 5 and linked.log.verify() == []  # type: ignore[union-attr]


def test_not_a_person_unlinks_and_a_change_outside_the_log_shows_in_verify(linked: Case) -> None:
    kwame = by_label(linked)["K••• M•••"]
    linked.log.decide([kwame], action=Action.NOT_PERSON, after="yes", analyst="ana", kind="subject")
    assert linked.people.count() == 1
    assert not linked.conn.execute("SELECT count(*) FROM findings WHERE subject = ?", (kwame,)).fetchone()[0]
    assert linked.log.verify() == []
    linked.conn.execute("UPDATE subject_overrides SET not_person = NULL WHERE subject = ?", (kwame,))
    assert any("not_person" in p for p in linked.log.verify())


def test_person_decisions_are_checked(linked: Case) -> None:
    priya = by_label(linked)["P••• S•••"]
    with pytest.raises(CaseError):
        linked.log.decide([priya], action=Action.NOT_PERSON, after="maybe", analyst="a", kind="subject")
    with pytest.raises(CaseError):
        linked.log.decide([priya], action=Action.MERGE, after="P-x", analyst="a")  # a person, not a finding
    with pytest.raises(CaseError):
        linked.log.decide(["P-nobody"], action=Action.MERGE, after=priya, analyst="a", kind="subject")


def test_a_false_positive_leaves_the_persons_exposure(linked: Case) -> None:
    priya = by_label(linked)["P••• S•••"]
    iban = linked.conn.execute("SELECT id FROM findings WHERE subject = ? AND entity_type = 'IBAN_CODE'",
                               (priya,)).fetchone()[0]
    linked.log.decide([iban], action=Action.STATUS, after="false_positive", analyst="ana")
    person = linked.people.get(priya)
    assert person is not None and person.findings == 4 and "IBAN_CODE" not in person.entity_types
    exposure = linked.people.exposure(priya)
    assert exposure is not None and all(w[0] != "IBAN_CODE" for w in exposure.what)


def test_a_case_without_person_data_has_no_people(case: Case) -> None:
    write(case, result("config/app.csv", [(None, [("EMAIL_ADDRESS", "alerts@corp.example")])]))
    assert case.people.link() == 0 and case.people.page(0, 10) == []


def test_merge_and_split_round_trip_through_undo_and_spill_verify(tmp_path, capsys) -> None:
    """Through the CLI: a scanned share, a merge and a split undone, then a change made outside the log."""
    import sqlite3

    from spill.cli import main

    share = tmp_path / "share"
    share.mkdir()
    (share / "roster.csv").write_text("contractor_id,full_name,email,iban\n"
                                      "CTR-100201,Priya Sharma,priya.s@mail.example,GB82WEST12345698765432\n"
                                      "CTR-100202,Kwame Mensah,kwame.m@mail.example,GB33BUKB20201555555555\n",
                                      encoding="utf-8")
    case_path = tmp_path / "case.db"
    assert main(["scan", str(share), "--case", str(case_path), "--no-ner", "--jobs", "1"]) == 0
    with Case.open(case_path) as case:
        ids = by_label(case)
        priya, kwame = ids["P••• S•••"], ids["K••• M•••"]
        merge, _ = case.log.decide([kwame], action=Action.MERGE, after=priya, analyst="ana", kind="subject")
        iban = case.conn.execute("SELECT key FROM identifiers WHERE subject = ? AND entity_type = 'IBAN_CODE'",
                                 (priya,)).fetchone()[0]
        split, _ = case.log.decide([priya], action=Action.SPLIT, after=iban, analyst="ana", kind="subject")
        case.log.undo(split, analyst="ana")
        case.log.undo(merge, analyst="ana")
        assert by_label(case) == ids
    assert main(["verify", str(case_path)]) == 0
    with Case.open(case_path) as case:
        case.log.decide([kwame], action=Action.MERGE, after=priya, analyst="ana", kind="subject")
    conn = sqlite3.connect(case_path)
    conn.execute("UPDATE subject_overrides SET merged_into = NULL")
    conn.commit()
    conn.close()
    capsys.readouterr()
    assert main(["verify", str(case_path)]) == 2
    assert f"person {kwame}: merge" in capsys.readouterr().out
