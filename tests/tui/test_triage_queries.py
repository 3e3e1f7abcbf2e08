"""The case store's triage queries (spill/case.py, "triage queries" section) on the sample case."""

from __future__ import annotations

import dataclasses
import re

import pytest
from sample_case import SUPPORT_PHONE, SampleCase

import spill.case.triage as triage_module
from spill.case import Case
from spill.case.triage import sort_groups
from spill.errors import CaseError
from spill.model import NO_CLIENT, REVIEWED, SEVERITY_RANK, Action, FindingQuery, Severity, folder_of, top_folder
from tui.filtering import FilterError, Vocabulary, format_filter, parse_filter


def test_page_findings_sorts_and_pages_without_loading_everything(sample: SampleCase) -> None:
    with Case.open(sample.path) as case:
        q = FindingQuery()
        page = case.triage.page(q, 0, 10)
        assert len(page.rows) == 10 and page.total is None  # a full page: the count comes separately
        assert case.triage.count(q) == 51
        assert [r.severity.value for r in page.rows[:3]] == ["critical"] * 3
        rest = case.triage.page(q, 10, 100)
        assert rest.total == 51  # a short page tells the total
        ids = [r.id for r in page.rows + rest.rows]
        assert len(ids) == len(set(ids)) == 51
        by_path = case.triage.page(dataclasses.replace(q, sort="path", descending=True), 0, 51).rows
        assert [r.path for r in by_path] == sorted((r.path for r in by_path), reverse=True)


def test_page_findings_strategies_agree(sample: SampleCase, monkeypatch: pytest.MonkeyPatch) -> None:
    """The order index walk, the rowid probe, the value index and the sort index walks give one order."""
    with Case.open(sample.path) as case:
        phone = case.triage.groups(FindingQuery(), "value")[0].key

        def ids(q: FindingQuery, offset: int = 0, limit: int = 60) -> list[str]:
            return [r.id for r in case.triage.page(q, offset, limit).rows]

        everything = ids(FindingQuery())  # walks findings_triage_order
        assert ids(FindingQuery(text="/")) == everything  # every path has a '/': probe, sorted directly
        cases = [FindingQuery(text="/"), FindingQuery(sort="path"), FindingQuery(sort="type", descending=True),
                 FindingQuery(sort="status"), FindingQuery(group_by="value", group_key=phone)]
        expected = {q: (ids(q), ids(q, 20, 10)) for q in cases}  # few matches: the rowid probe
        monkeypatch.setattr(triage_module, "SPARSE_CAP", 5)  # now "many": the index walks
        for q, (full, window) in expected.items():
            assert ids(q) == full, q
            assert ids(q, 20, 10) == window, q
        assert ids(FindingQuery(text="/")) == everything


def test_filters_combine(sample: SampleCase) -> None:
    with Case.open(sample.path) as case:
        def count(**kw: object) -> int:
            return case.triage.count(FindingQuery(**kw))  # type: ignore[arg-type]

        assert count(entity_types=("PHONE_NUMBER",)) == 30
        assert count(categories=("contact",), severities=("medium",)) == 4
        assert count(path_glob="support/*") == 30
        assert count(path_glob="roster") == 11  # no wildcard: anywhere in the path (archive member too)
        assert count(text="weekday") == 30
        assert count(text="100%") == 0  # LIKE wildcards are escaped
        assert count(statuses=("confirmed",)) == 0


def test_groups_by_value_rule_file_and_folder(sample: SampleCase) -> None:
    with Case.open(sample.path) as case:
        q = FindingQuery()
        by_value = case.triage.groups(q, "value")
        phone = next(g for g in by_value if g.entity_type == "PHONE_NUMBER")
        assert phone.count == 30 and case.matches_fingerprint(SUPPORT_PHONE, phone.key)
        rubric = [g for g in by_value if g.entity_type == "LAB_RUBRIC"]
        assert len(rubric) == 1 and rubric[0].key.startswith("id:") and "Northwind AI" in rubric[0].label
        assert sum(g.count for g in by_value) == 51
        for by in ("rule", "file", "folder"):
            groups = case.triage.groups(q, by)
            assert sum(g.count for g in groups) == 51
            for g in groups:  # each group's members are exactly what the drill-in query returns
                members = case.triage.count(FindingQuery(group_by=by, group_key=g.key))
                assert members == g.count, (by, g.label)
        with pytest.raises(CaseError):
            case.triage.groups(q, "colour")


def test_folder_of_keeps_archive_members_in_their_archive_folder() -> None:
    assert folder_of("hr/2024/roster.zip!/a/b.csv") == "hr/2024"
    assert folder_of("top.txt") == ""
    assert top_folder("a/b/c/d.txt") == "a/b" and top_folder("x.txt") == ""


def test_decide_many_skips_unchanged_and_reports_progress(sample: SampleCase) -> None:
    with Case.open(sample.path) as case:
        phones = case.triage.ids(FindingQuery(entity_types=("PHONE_NUMBER",)))
        case.log.decide(phones[:10], action="status", after="confirmed", analyst="a")
        seen: list[tuple[int, int]] = []
        batch, changed = case.log.decide(phones, action="status", after="confirmed", analyst="a",
                                          progress=lambda done, total: seen.append((done, total)))
        assert changed == 20 and seen == [(30, 30)]
        assert len(case.log.batch_targets(batch)) == 20
        assert case.log.verify() == []
        with pytest.raises(CaseError):
            case.log.decide(phones, action="status", after="maybe", analyst="a")


def test_overview_people_and_files(sample: SampleCase) -> None:
    with Case.open(sample.path) as case:
        o = case.reports.overview()
        assert o.findings == 51 and o.with_status("open") == 51
        assert case.reports.top_folders()[0] == ("support/tickets", 30, Severity.LOW)
        people = case.people.page(0, 10)
        # Elena Rossi's KYC scan (her name and PAN) joins her roster row through her name
        assert [p.findings for p in people] == [7, 5, 5] and case.people.count() == 3
        exposure = case.people.exposure(people[0].id)
        assert exposure is not None
        assert {w[0] for w in exposure.where} == {"hr/contractors/roster.csv", "payroll/2024-03/payouts.xlsx",
                                                 "exports/backup.zip!/roster_old.csv"}
        problems = case.triage.page_problem_files(0, 10)
        assert [f.status.value for f in problems] == ["error", "skipped", "skipped"]
        stats = {s.path: s for s in case.triage.file_stats()}
        assert stats["kyc/id_0001.pdf"].worst == Severity.CRITICAL
        assert stats["exports/backup.zip"].findings == 0  # its member carries the findings
        detail = case.triage.detail(case.triage.ids(FindingQuery(entity_types=("IN_PAN",)))[0])
        assert detail is not None and detail.file is not None and detail.file.kind == "pdf"
        context = detail.finding.context
        assert context and context[detail.finding.ctx_start:detail.finding.ctx_end] == detail.finding.preview


def test_filter_text_round_trips() -> None:
    text = "type:EMAIL_ADDRESS,PHONE_NUMBER cat:contact status:open,fp sev:high+ path:'hr/*' sort:-path gmail"
    q = parse_filter(text)
    assert q.entity_types == ("EMAIL_ADDRESS", "PHONE_NUMBER")
    assert q.statuses == ("open", "false_positive") and q.severities == ("high", "critical")
    assert q.path_glob == "hr/*" and q.sort == "path" and q.descending and q.text == "gmail"
    assert parse_filter(format_filter(q)) == q
    for bad in ("sev:urgent", "status:maybe", "cat:secret", "sort:colour", "type:", "'open"):
        with pytest.raises(FilterError):
            parse_filter(bad)


def test_path_globs_ignore_case_and_match_from_any_folder_unless_anchored(sample: SampleCase) -> None:
    with Case.open(sample.path) as case:
        def count(glob: str) -> int:
            return case.triage.count(FindingQuery(path_glob=glob))

        assert count("contractors/*") == 9  # hr/contractors/roster.csv: from any folder
        assert count("HR/*") == count("hr/*") == 9  # any case
        assert count("/contractors/*") == 0 and count("/HR/Contractors/*") == 9  # '/' anchors at the share root
        assert count("*.CSV") == 11  # the roster and the archive member
        assert count("TICKETS") == 30  # no wildcard: anywhere, any case


def test_file_filter_is_one_file_and_its_members(sample: SampleCase) -> None:
    with Case.open(sample.path) as case:
        assert case.triage.count(FindingQuery(file="hr/contractors/roster.csv")) == 9
        assert case.triage.count(FindingQuery(file="exports/backup.zip")) == 2  # its member's findings
        assert case.triage.count(FindingQuery(file="exports/backup")) == 0  # exact, not a prefix


def test_a_typed_raw_value_finds_its_findings_by_fingerprint(sample: SampleCase) -> None:
    with Case.open(sample.path) as case:
        mail = FindingQuery(text="priya.sharma@gmail.com")
        found = [case.get_finding(i) for i in case.triage.ids(mail)]
        assert {f.entity_type for f in found} == {"EMAIL_ADDRESS"} and len(found) == 2  # roster and old export
        assert case.triage.count(FindingQuery(text="Priya  SHARMA")) == 1  # normalized like the fingerprint
        assert case.triage.count(FindingQuery(text=SUPPORT_PHONE)) == 30
        assert case.triage.count(FindingQuery(text="weekday")) == 30  # words still search the masked text
        # a person by one of their raw identifiers, or by id
        priya = case.triage.count(FindingQuery(subject="CTR-100201"))
        subject = found[0].subject
        assert subject and priya == case.triage.count(FindingQuery(subject=subject)) == 7


def test_client_filter_finds_rubrics_by_client_lab(sample: SampleCase) -> None:
    with Case.open(sample.path) as case:
        assert case.triage.clients() == ["Northwind AI"]
        assert case.triage.count(FindingQuery(clients=("NORTHWIND",))) == 1
        assert case.triage.count(FindingQuery(clients=("halcyon",))) == 0
        assert case.triage.count(FindingQuery(clients=(NO_CLIENT,))) == 0


def test_groups_come_worst_first_and_sort_by_the_chosen_key(sample: SampleCase) -> None:
    with Case.open(sample.path) as case:
        groups = case.triage.groups(FindingQuery(), "folder")
        ranks = [SEVERITY_RANK[g.worst] for g in groups]
        assert ranks == sorted(ranks) and groups[0].worst == Severity.CRITICAL  # not the 30-finding low folder
        by_path = sort_groups(groups, "path")
        assert [g.label for g in by_path] == sorted(g.label for g in groups)
        assert [g.label for g in sort_groups(groups, "path", descending=True)] == sorted(
            (g.label for g in groups), reverse=True)
        least_severe_first = sort_groups(groups, "severity", descending=True)
        assert least_severe_first[0].worst == Severity.LOW
        assert sort_groups(list(groups), "type") == list(sort_groups(groups, "type"))  # records sort alike


def test_filter_refuses_unknown_keys_and_values_saying_what_is_allowed() -> None:
    known = Vocabulary(("EMAIL_ADDRESS", "IBAN_CODE"), ("Northwind AI",))
    for text, says in (("foo:bar", "the keys are type: (t:)"), ("type:FOO", "types here: EMAIL_ADDRESS, IBAN_CODE"),
                       ("lab:Halcyon", "client labs here: Northwind AI"), ("st:maybe", "false_positive (fp)"),
                       ("client:none", "client labs here")):
        with pytest.raises(FilterError, match=re.escape(says)):
            parse_filter(text, known=known)
    assert parse_filter("t:iban_code st:fp p:hr/* lab:north f:a.csv", known=known) == FindingQuery(
        entity_types=("IBAN_CODE",), statuses=("false_positive",), path_glob="hr/*", clients=("north",),
        file="a.csv")
    assert parse_filter('"foo:bar" 10:30').text == "foo:bar 10:30"  # quoted or not a key: free text
    q = parse_filter("path:'Drive/HR files/*' person:S-0123 client:none 'call back: monday' sort:-severity")
    assert q.path_glob == "Drive/HR files/*" and q.clients == (NO_CLIENT,) and q.descending
    assert parse_filter(format_filter(q)) == q


def test_the_logged_filter_masks_what_may_be_a_raw_value() -> None:
    q = parse_filter("type:EMAIL_ADDRESS priya.sharma@gmail.com person:CTR-100201")
    logged = format_filter(q, mask_text=True)
    assert "priya" not in logged and "CTR-100201" not in logged and "type:EMAIL_ADDRESS" in logged


def test_files_marked_reviewed_through_the_log_show_in_stats_overview_and_report(sample: SampleCase) -> None:
    from spill.notify_rules import load_rulebook
    from spill.report import markdown
    from spill.report.data import build

    with Case.open(sample.path) as case:
        misc = case.coverage.file_ids(folder="misc")
        assert len(misc) == 2  # the skipped image and the locked PDF
        assert case.reports.overview().not_scanned_unreviewed == 3
        batch, changed = case.log.decide(misc, action=Action.REVIEW, after=REVIEWED, analyst="alice", kind="file",
                                         reason="looked at by hand")
        assert changed == 2
        assert case.log.decide(misc, action=Action.REVIEW, after=REVIEWED, analyst="bob", kind="file")[1] == 0
        assert set(case.coverage.reviewed()) == set(misc) and set(case.coverage.reviewed().values()) == {"alice"}
        stats = {s.path: s for s in case.triage.file_stats()}
        assert stats["misc/scan_0001.png"].reviewed_by == "alice" and stats["kyc/id_0001.pdf"].reviewed_by is None
        assert case.reports.overview().not_scanned_unreviewed == 1
        report = markdown.render(build(case, load_rulebook()))
        assert "| misc/scan_0001.png | skipped | binary file (image/png): no text to scan | alice |" in report
        ledger = [r for r in case.exposure.coverage() if r.path == "misc/scan_0001.png"]
        assert ledger[0].reviewed_by == "alice"  # the coverage ledger (and its CSV) says it too
        case.log.undo(batch, analyst="alice")
        assert case.coverage.reviewed() == {}
        assert case.log.verify() == []
        with pytest.raises(CaseError):  # a finding is not a file
            case.log.decide(case.triage.ids(FindingQuery())[:1], action=Action.REVIEW, after=REVIEWED,
                            analyst="alice", kind="file")
        with pytest.raises(CaseError):  # and a file only takes a review mark
            case.log.decide(misc, action=Action.STATUS, after="confirmed", analyst="alice", kind="file")


def test_one_definition_of_files_and_folders(sample: SampleCase) -> None:
    with Case.open(sample.path) as case:
        o = case.reports.overview()
        assert o.files == {"done": 21, "skipped": 2, "error": 1}  # files in the share
        assert o.members == {"done": 1}  # the archive's member, counted apart
        folders = {g.label: g.count for g in case.triage.groups(FindingQuery(), "folder")}
        assert {f: n for f, n, _w in case.reports.top_folders()} == {
            ("" if k == "(share root)" else k): n for k, n in folders.items()}
        for folder, n, _worst in case.reports.top_folders():
            assert case.triage.count(FindingQuery(folder=folder or "/")) == n
