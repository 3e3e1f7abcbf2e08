"""Subject resolution over hand-built evidence: units, sharing, joins, first names, ids.

Keys stand in for keyed fingerprints; the values are made up (shaped like the formats they
imitate, so a unique primary's shape means something).
"""

from __future__ import annotations

import itertools

from spill.people.classes import IdClass, Strength, classify, shape
from spill.people.evidence import Constraints, FileEvidence, NamedAfter, Observation
from spill.people.resolve import Resolver, new_id
from spill.people.sharing import HUB

_ids = itertools.count(1)


def ob(etype: str, key: str | None, *, record: str | None = None, unit: str = "0:0:0", header: str | None = None,
       start: int = 0, first: str | None = None, names: tuple[str, ...] = (), category: str = "") -> Observation:
    cls = classify(etype, category)
    if cls is IdClass.NAME and key is not None:
        first = first or key.split()[0]
    return Observation(next(_ids), etype, cls, key, shape(key) if cls is IdClass.UNIQUE and key else None, first,
                       names, record, unit, header, start)


def person(name: str, *, record: str | None = None, unit: str = "0:0:0") -> Observation:
    """A full name (its link key is the name itself here)."""
    return ob("PERSON", name.lower(), record=record, unit=unit, names=(name.lower().replace(" ", ""),))


def doc(path: str, *observations: Observation, named: list[NamedAfter] | None = None,
        thread: str | None = None) -> FileEvidence:
    return FileEvidence(path, path, thread or path, list(observations), named or [])


def resolve(*files: FileEvidence, constraints: Constraints | None = None):
    res = Resolver(constraints).resolve(lambda: iter(files))
    return res, {a.finding: a.subject for a in res.assignments}


def row(n: int, cid: str, name: str, mail: str, *extra: Observation) -> list[Observation]:
    rec = f"row:{n}"
    return [ob("CONTRACTOR_ID", cid, record=rec), person(name, record=rec), ob("EMAIL_ADDRESS", mail, record=rec),
            *[Observation(o.finding, o.entity_type, o.cls, o.key, o.shape, o.first, o.names, rec, o.unit, o.header,
                          o.start) for o in extra]]


def test_resolve_rows_sharing_a_primary_are_one_person_strongly() -> None:
    roster = row(2, "ctr-100201", "Priya Sharma", "priya@x.example")
    payouts = [ob("CONTRACTOR_ID", "ctr-100201", record="row:5"), ob("IBAN_CODE", "gb82west123", record="row:5")]
    res, who = resolve(doc("roster.csv", *roster), doc("payouts.csv", *payouts))
    assert len(res.persons) == 1 and res.persons[0].confidence is Strength.STRONG
    assert {who[o.finding] for o in roster + payouts} == {res.persons[0].id}
    assert {link.reason for link in res.links} == {"same CONTRACTOR_ID"}


def test_resolve_a_staff_address_in_every_row_is_shared_and_joins_nobody() -> None:
    """A reviewer's address sits in each contractor's row: it stops linking; her mail header gives it to her."""
    rows = [o for n in range(4) for o in row(n + 2, f"ctr-10020{n}", f"Person Number{n}", f"p{n}@x.example",
                                             ob("EMAIL_ADDRESS", "reviewer@vendor.example"))]
    header = [ob("PERSON", "anjali rao", record="message", header="From", start=0, unit="7:0:0"),
              ob("EMAIL_ADDRESS", "reviewer@vendor.example", record="message", header="From", start=13, unit="7:0:0")]
    res, who = resolve(doc("roster.csv", *rows), doc("mail.eml", *header))
    shared = {i.key: i.shared for i in res.identifiers}
    assert shared["reviewer@vendor.example"] and "different CONTRACTOR_ID" in shared["reviewer@vendor.example"]
    contractors = {who[o.finding] for o in rows if o.entity_type == "CONTRACTOR_ID"}
    assert len(contractors) == 4
    reviewer = {who.get(o.finding) for o in rows + header if o.key == "reviewer@vendor.example"}
    assert reviewer == {who[header[0].finding]} and not reviewer & contractors


def test_resolve_refuses_a_join_that_gives_one_person_two_contractor_ids() -> None:
    """Two rows share a phone but hold different contractor IDs of one format: two people."""
    a = [ob("CONTRACTOR_ID", "ctr-100201", record="r1"), ob("PHONE_NUMBER", "tel:415550142", record="r1")]
    b = [ob("CONTRACTOR_ID", "ctr-100202", record="r2"), ob("PHONE_NUMBER", "tel:415550142", record="r2")]
    res, who = resolve(doc("a.csv", *a), doc("b.csv", *b))
    assert len(res.persons) == 2 and who[a[0].finding] != who[b[0].finding]


def test_resolve_a_legacy_id_of_another_format_is_the_same_person() -> None:
    legacy = [ob("CONTRACTOR_ID", "lf-22-0457", record="r1"), ob("CONTRACTOR_ID", "lmf-c-004512", record="r1")]
    current = [ob("CONTRACTOR_ID", "lmf-c-004512", record="r9"), person("Ana Lima", record="r9")]
    res, who = resolve(doc("legacy.tsv", *legacy), doc("roster.csv", *current))
    assert len(res.persons) == 1 and who[legacy[0].finding] == who[current[1].finding]


def test_resolve_a_row_with_two_contractors_links_each_value_to_its_own_person_only() -> None:
    """A task row holds the annotator's and the reviewer's IDs: not one person's record."""
    roster = row(2, "ctr-100201", "Priya Sharma", "priya@x.example") + row(3, "ctr-100202", "Kwame Mensah",
                                                                           "kwame@x.example")
    task = [ob("CONTRACTOR_ID", "ctr-100201", record="$[0]"), ob("CONTRACTOR_ID", "ctr-100202", record="$[0]"),
            ob("DATE_OF_BIRTH", "1990-01-01", record="$[0]")]
    _, who = resolve(doc("roster.csv", *roster), doc("tasks.jsonl", *task))
    assert who[task[0].finding] == who[roster[0].finding] and who[task[1].finding] == who[roster[3].finding]
    assert task[2].finding not in who  # whose date of birth it is, the row cannot tell


def test_resolve_prose_block_of_several_people_falls_back_to_lines() -> None:
    lines = [o for n, (name, mail) in enumerate([("Mara Velasquez", "mara@v.example"),
                                                  ("Tobias Reinholt", "tobias@v.example")])
             for o in (person(name, unit=f"0:0:{n}"), ob("EMAIL_ADDRESS", mail, unit=f"0:0:{n}"))]
    res, who = resolve(doc("directory.html", *lines))
    assert len(res.persons) == 2
    assert who[lines[0].finding] == who[lines[1].finding] != who[lines[2].finding] == who[lines[3].finding]


def test_resolve_mail_header_pairs_each_address_with_its_display_name() -> None:
    to = [ob("PERSON", "ana lima", record="message", header="To", start=0, unit="5:0:0"),
          ob("EMAIL_ADDRESS", "ana@x.example", record="message", header="To", start=10, unit="5:0:0"),
          ob("PERSON", "bo chen", record="message", header="To", start=30, unit="5:0:0"),
          ob("EMAIL_ADDRESS", "bo@x.example", record="message", header="To", start=40, unit="5:0:0")]
    _, who = resolve(doc("mail.eml", *to))
    assert who[to[0].finding] == who[to[1].finding] != who[to[2].finding] == who[to[3].finding]


def test_resolve_a_document_named_after_a_contractor_is_theirs() -> None:
    """A W-8BEN named after the contractor ID: its form rows (one field each) are that person's."""
    form = [person("Henry Alves", record="table1:row1"), ob("PASSPORT", "yb657696", record="table1:row7"),
            ob("DATE_OF_BIRTH", "01-23-1997", record="table1:row6")]
    named = [NamedAfter("CONTRACTOR_ID", IdClass.UNIQUE, "lmf-c-005271", shape("lmf-c-005271"))]
    roster = row(2, "lmf-c-005271", "Henry Alves", "henry@x.example")
    res, who = resolve(doc("W-8BEN_LMF-C-005271.docx", *form, named=named), doc("roster.csv", *roster))
    assert len(res.persons) == 1 and {who[o.finding] for o in form} == {res.persons[0].id}


def test_resolve_a_first_name_goes_to_the_one_person_of_its_thread_with_that_name() -> None:
    header = [ob("PERSON", "daniel mutembei", record="message", header="To", unit="3:0:0"),
              ob("EMAIL_ADDRESS", "daniel@x.example", record="message", header="To", start=17, unit="3:0:0")]
    greeting = ob("PERSON", None, record="message", unit="90:0:0", first="daniel")
    roster = row(2, "ctr-100207", "Daniel Mutembei", "daniel@x.example")
    elsewhere = ob("PERSON", None, unit="0:0:0", first="daniel")  # a file with no Daniel in it
    res, who = resolve(doc("mail.eml", *header, greeting), doc("roster.csv", *roster), doc("notes.txt", elsewhere))
    assert who[greeting.finding] == who[roster[0].finding]
    assert elsewhere.finding not in who
    assert any(a.via == "first name" for a in res.assignments)


def test_resolve_a_first_name_two_people_share_is_a_candidate_list_not_a_link() -> None:
    people = [person("Maria Santos", unit="0:0:0"), ob("PASSPORT", "p1234567", unit="0:0:0"),
              person("Maria Lopez", unit="0:1:1"), ob("PASSPORT", "p7654321", unit="0:1:1")]
    hi = ob("PERSON", None, unit="0:2:2", first="maria")
    res, who = resolve(doc("thread.txt", *people, hi))
    assert hi.finding not in who
    assert len([c for c in res.candidates if c[0] == hi.finding]) == 2


def test_resolve_an_address_spelling_a_name_belongs_to_that_person_weakly() -> None:
    roster = [person("Blessing Adeyemi", record="r1"), ob("CONTRACTOR_ID", "ctr-100301", record="r1")]
    stray = ob("EMAIL_ADDRESS", "blessingadeyemi78@mail.example", names=("blessingadeyemi",))
    res, who = resolve(doc("roster.csv", *roster), doc("list.txt", stray))
    assert who[stray.finding] == who[roster[0].finding]
    assert res.persons[0].confidence is Strength.WEAK


def test_resolve_a_staff_name_on_a_contractors_id_is_left_out_of_that_unit() -> None:
    """A staff member quotes a contractor's ID in her own message: her name is a stranger to that ID."""
    files = [doc(f"{name}.csv", *row(2, "ctr-100275", "Isaiah Davis", "isaiah@x.example"))
             for name in ("roster", "payouts", "hris")]
    rows = [o for f in files for o in f.observations]
    staff = [person("Anjali Rao", record="$[0]"), ob("PHONE_NUMBER", "tel:415550199", record="$[0]")]
    message = [person("Anjali Rao", record="$[3]"), ob("CONTRACTOR_ID", "ctr-100275", record="$[3]")]
    _, who = resolve(*files, doc("users.json", *staff), doc("general.json", *message))
    assert who[message[1].finding] == who[rows[0].finding] != who[message[0].finding] == who[staff[0].finding]


def test_resolve_an_identifier_seen_with_many_people_links_nobody() -> None:
    """The support phone in 200 signatures, each with a different person: shared, and nobody's."""
    files = [doc(f"mail{n}.txt", person(f"Person Number{n}"), ob("EMAIL_ADDRESS", f"p{n}@x.example"),
                 ob("PHONE_NUMBER", "tel:628550147")) for n in range(200)]
    res, who = resolve(*files)
    hub = [o for f in files for o in f.observations if o.key == "tel:628550147"]
    assert not any(o.finding in who for o in hub)
    assert len(res.persons) == 200
    assert {i.shared for i in res.identifiers if i.key == "tel:628550147"} != {None}
    assert HUB > 2


def test_resolve_keeps_ids_and_honours_a_split() -> None:
    roster = row(2, "ctr-100201", "Priya Sharma", "priya@x.example")
    res, _ = resolve(doc("roster.csv", *roster))
    old = res.persons[0].id
    assert old == new_id(res.persons[0].anchor_key)
    previous = {i.key: i.subject for i in res.identifiers if i.subject}
    renamed = {k: "P-kept" for k in previous}
    _, who = resolve(doc("roster.csv", *roster), constraints=Constraints(previous=renamed))
    assert {who[o.finding] for o in roster} == {"P-kept"}
    split = Constraints(splits={"P-kept": (res.persons[0].anchor_key, frozenset({"priya@x.example"}))},
                        previous=renamed)
    _, who3 = resolve(doc("roster.csv", *roster), constraints=split)
    assert who3[roster[0].finding] == "P-kept" and who3.get(roster[2].finding) != "P-kept"


def test_resolve_a_block_of_thousands_of_addresses_is_linear_and_links_nobody() -> None:
    """A log or a mailing list: 4,000 different addresses in one block. Each is seen with more than HUB
    others, so each is shared; counting that must not pair every address with every other (n²)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    addresses = [ob("EMAIL_ADDRESS", f"user{n}@x.example", unit="0:0:0", start=n * 20) for n in range(4_000)]
    res, _ = resolve(doc("app.log", *addresses))
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    shared = {i.key: i.shared for i in res.identifiers}
    assert all(shared[o.key] for o in addresses[:50]) and len(res.persons) == 0
    assert grown_mib < 200  # n² is 1.6·10⁷ set entries, over a GB
