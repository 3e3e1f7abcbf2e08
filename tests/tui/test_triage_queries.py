"""The case store's triage queries (spill/case.py, "triage queries" section) on the sample case."""

from __future__ import annotations

import dataclasses

import pytest
from sample_case import SUPPORT_PHONE, SampleCase

import spill.case.triage as triage_module
from spill.case import Case
from spill.errors import CaseError
from spill.model import FindingQuery, Severity, folder_of, top_folder
from tui.widgets.filter_bar import FilterError, format_filter, parse_filter


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
        assert by_value[0].count == 30 and by_value[0].entity_type == "PHONE_NUMBER"
        assert case.matches_fingerprint(SUPPORT_PHONE, by_value[0].key)
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
