"""The case gazetteer: known names found again in text through keyed fingerprints, and the names pass of a scan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spill.case import Case
from spill.cli import main
from spill.fingerprint import fingerprint
from spill.people.gazetteer import FIRST, FULL, Gazetteer

KEY = b"k" * 32


def gazetteer(people: dict[str, str]) -> Gazetteer:
    """{full name: person id} as the case would hold them (first and last name, folded)."""
    full: dict[str, tuple[str, ...]] = {}
    first: dict[str, tuple[str, ...]] = {}
    for name, pid in people.items():
        words = name.casefold().split()
        full[fingerprint(KEY, f"{words[0]} {words[-1]}")] = (pid,)
        first.setdefault(fingerprint(KEY, words[0]), ())
        first[fingerprint(KEY, words[0])] += (pid,)
    return Gazetteer(KEY, full, first)


@pytest.mark.parametrize("text, found", [
    ("Payout for Sem van Maaren is late", [("Sem van Maaren", FULL)]),  # a particle inside the name
    ("SEM MAAREN signed the form", [("SEM MAAREN", FULL)]),  # capitals, folded
    ("Hi Sem, thanks", [("Sem", FIRST)]),  # a first name alone
    ("sem maaren wrote in lower case", []),  # only capitalised words are looked up
    ("Sem\nMaaren", [("Sem", FIRST)]),  # a name does not cross a line
    ("Ana Lima and Ana Souza", [("Ana Lima", FULL), ("Ana", FIRST)]),  # Souza is not known
    ("Semantic Maarenberg", []),  # no partial words
])
def test_gazetteer_finds_known_names(text: str, found: list[tuple[str, str]]) -> None:
    g = gazetteer({"Sem van Maaren": "P-1", "Ana Lima": "P-2", "Ana Costa": "P-3"})
    hits = list(g.find(text))
    assert [(text[h.start:h.end], h.kind) for h in hits] == found


def test_gazetteer_first_name_of_two_people_lists_both_and_travels_to_workers() -> None:
    g = gazetteer({"Ana Lima": "P-2", "Ana Costa": "P-3"})
    assert next(iter(g.find("Thanks Ana"))).subjects == ("P-2", "P-3")
    copy = Gazetteer.from_payload(g.payload())
    assert copy.digest() == g.digest() and copy.knows("ANA LIMA") == ("P-2",)
    assert gazetteer({"Ana Lima": "P-2"}).digest() != g.digest()


def test_names_pass_finds_a_name_the_first_pass_missed_and_links_it(tmp_path: Path) -> None:
    """With NER off, "Priya Sharma" in prose is found only by the gazetteer learnt from the roster."""
    share = tmp_path / "share"
    share.mkdir()
    (share / "roster.csv").write_text("contractor_id,full_name,email\nCTR-100201,Priya Sharma,priya.s@mail.example\n"
                                      "CTR-100202,Kwame Mensah,kwame.m@mail.example\n", encoding="utf-8")
    (share / "notes.txt").write_text("Call notes\n\nPriya Sharma asked about the March payout. Priya will resend"
                                     " the form. Will checks it on Monday.\n", encoding="utf-8")
    case_path = tmp_path / "case.db"
    assert main(["scan", str(share), "--case", str(case_path), "--no-ner", "--jobs", "1"]) == 0
    with Case.open(case_path) as case:
        found = case.conn.execute("SELECT rule, preview, subject, subject_via FROM findings"
                                  " WHERE path = 'notes.txt' ORDER BY start").fetchall()
        priya = case.conn.execute("SELECT subject FROM findings WHERE path = 'roster.csv' AND preview = 'P••• S•••'"
                                  ).fetchone()[0]
        counts = json.loads(case.conn.execute("SELECT counts FROM scans").fetchone()[0])
        pending = case.names.pending(case.names.gazetteer().digest())
    assert [(r["rule"], r["preview"], r["subject"]) for r in found] == [
        ("spill.identity.person_gazetteer", "P••• S•••", priya),
        ("spill.identity.first_name_gazetteer", "P•••", priya)]  # "Will" is nobody's first name here
    assert counts["names_found"] == 2 and not pending  # every file read with this gazetteer
    assert main(["scan", str(share), "--case", str(case_path), "--no-ner", "--jobs", "1"]) == 0
    with Case.open(case_path) as case:  # an unchanged share: not read again, same people
        assert case.conn.execute("SELECT count(*) FROM findings WHERE rule LIKE '%gazetteer'").fetchone()[0] == 2
