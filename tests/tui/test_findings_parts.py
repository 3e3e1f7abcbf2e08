"""The Findings screen's parts without the app: the view, what a decision applies to, its patches, the history."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from sample_case import SampleCase

from spill.case import Case
from spill.model import GROUP_BY, SORTS, Action, Finding, FindingGroup, FindingQuery, Severity, Status
from tui.findings.deciding import History, decision_subject, finding_patch, group_patch
from tui.findings.view import FindingsView
from tui.writer import DecisionRequest, Target, UndoRequest


@pytest.fixture
def view(sample: SampleCase) -> Iterator[FindingsView]:
    with Case.open(sample.path) as case:
        yield FindingsView(lambda: case)


def findings(view: FindingsView, n: int) -> list[Finding]:
    fetch, _count = view.finding_rows()
    rows, _total = fetch(0, n)
    return list(rows)


def test_view_cycles_the_model_groupings_and_sorts(view: FindingsView) -> None:
    seen = []
    for _ in range(len(GROUP_BY) + 1):
        view.cycle_group()
        seen.append(view.group_by)
    assert seen == [*GROUP_BY, ""]
    sorts = []
    for _ in SORTS:
        view.cycle_sort()
        sorts.append(view.query.sort)
    assert sorts == [*SORTS[1:], SORTS[0]]


def test_view_open_group_lists_its_members_and_a_new_filter_closes_it(view: FindingsView) -> None:
    view.cycle_group()  # by value
    fetch, stale = view.group_rows()
    groups, total = fetch(0, 20)
    assert not stale and total == len(view.groups.get(view.query, "value")[0])
    phone = next(g for g in groups if g.entity_type == "PHONE_NUMBER")
    view.selection.toggle(phone.key, phone)
    view.open(phone)
    assert not view.in_groups and not view.selection
    assert view.rows_query().group_key == phone.key
    assert {f.entity_type for f in findings(view, 100)} == {"PHONE_NUMBER"}
    _fetch, count = view.finding_rows()
    assert count() == 30
    view.apply(FindingQuery(statuses=("open",)))
    assert view.open_group is None and view.in_groups  # still grouped by value, the group list again


def test_view_serves_stale_groups_at_once_after_a_decision(view: FindingsView) -> None:
    view.cycle_group()
    fetch, _stale = view.group_rows()
    first, _total = fetch(0, 1)
    view.groups.invalidate()  # a decision was recorded
    fetch, stale = view.group_rows()
    assert stale and fetch(0, 1)[0][0] == first[0]  # shown while a fresh list is computed
    view.compute_groups(view.query, view.group_by)
    assert view.group_rows()[1] is False


def test_status_line_says_what_the_table_holds(view: FindingsView) -> None:
    assert view.status_line(None, 0, "") == "… findings · sort severity"
    assert view.status_line(None, 201, "") == "200+ findings · sort severity"
    view.cycle_group()
    view.selection.everything = True
    assert view.status_line(1, 1, "confirmed 3,000…") == \
        "1 group by value · sort severity · ALL in filter selected · confirmed 3,000…"


def test_decision_subject_is_the_selection_else_the_cursor_row(view: FindingsView) -> None:
    rows = findings(view, 3)
    one = decision_subject(view, rows[0], 51)
    assert one is not None and one.single and one.target.ids == (rows[0].id,) and one.reason is None
    assert one.what == f"{rows[0].entity_type} {rows[0].preview}"
    view.selection.add((r.id, r) for r in rows[1:])
    two = decision_subject(view, rows[0], 51)
    assert two is not None and not two.single and set(two.target.ids) == {rows[1].id, rows[2].id}
    assert two.what == "2 findings"
    view.selection.clear()
    view.selection.everything = True
    every = decision_subject(view, rows[0], 51)
    assert every is not None and every.target.queries == (view.query,) and every.target.size_hint == 51
    assert every.reason == "filter: (none)"


def test_decision_subject_in_groups_is_every_member(view: FindingsView) -> None:
    view.cycle_group()
    groups, _total = view.group_rows()[0](0, 2)
    subject = decision_subject(view, groups[0], 2)
    assert subject is not None and subject.target.size_hint == groups[0].count
    assert subject.target.queries == (dataclasses.replace(view.query, group_by="value", group_key=groups[0].key),)
    assert subject.reason is not None and subject.reason.startswith(f"group by value: {groups[0].count} finding")
    assert decision_subject(view, None, 0) is None


def test_patches_follow_the_action(view: FindingsView) -> None:
    row = findings(view, 1)[0]
    other = dataclasses.replace(row, id="someone-else")

    def request(action: Action, after: str | None, target: Target | None = None) -> DecisionRequest:
        return DecisionRequest(target or Target(ids=(row.id,)), action, after, "label")

    confirm = finding_patch(request(Action.STATUS, "confirmed"), {row.id})
    assert confirm is not None
    assert confirm(row).status is Status.CONFIRMED and confirm(other) is other
    severity = finding_patch(request(Action.SEVERITY, "low"), {row.id})
    assert severity is not None and severity(row).severity is Severity.LOW
    note = finding_patch(request(Action.NOTE, "told the lab"), {row.id})
    assert note is not None and note(row).note == "told the lab"
    assert finding_patch(request(Action.REVEAL, None), {row.id}) is None

    group = FindingGroup("value", "k1", "label", "PHONE_NUMBER", count=30, open=30, worst=Severity.LOW)
    untouched = dataclasses.replace(group, key="k2")
    on_group = Target(queries=(FindingQuery(group_by="value", group_key="k1"),))
    decided = group_patch(request(Action.STATUS, "false_positive", on_group), "value")
    assert decided is not None and decided(group).open == 0 and decided(untouched) is untouched
    reopened = group_patch(request(Action.STATUS, "open", Target(queries=(FindingQuery(),))), "value")
    assert reopened is not None and reopened(dataclasses.replace(untouched, open=0)).open == 30  # everything
    worst = group_patch(request(Action.SEVERITY, "critical", on_group), "value")
    assert worst is not None and worst(group).worst is Severity.CRITICAL
    assert group_patch(request(Action.NOTE, "x", on_group), "value") is None


def test_history_undo_then_redo_then_a_new_decision() -> None:
    history = History()
    assert history.take_undo() is None and history.take_redo() is None
    history.decided("b1", "confirmed A")
    undo = history.take_undo()
    assert undo == UndoRequest("b1", "confirmed A")
    history.reverted(undo, "b2")  # the writer logged the undo as batch b2
    assert history.undo == [] and history.redo == [("b2", "confirmed A")]
    redo = history.take_redo()
    assert redo == UndoRequest("b2", "confirmed A", redo=True)
    history.reverted(redo, "b3")
    assert history.undo == [("b3", "confirmed A")] and history.redo == []
    history.reverted(history.take_undo(), "b4")  # type: ignore[arg-type]
    history.decided("b5", "ignored B")  # a new decision forgets what could be redone
    assert history.undo == [("b5", "ignored B")] and history.redo == []
