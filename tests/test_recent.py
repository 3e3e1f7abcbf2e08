"""The app's memory between runs: recent cases and the last measured speed, in the user's state folder."""

from __future__ import annotations

import stat
from pathlib import Path

from spill.case import Case
from spill.recent import KEEP, RecentCases, read_figures, state_dir


def test_state_lives_under_xdg_state_home_and_is_private(private_state: Path) -> None:
    folder = state_dir()
    assert folder == private_state / "spill"
    recent = RecentCases()
    recent.remember("/cases/a.db", findings=3)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(recent.path.stat().st_mode) == 0o600


def test_remember_puts_a_case_first_and_keeps_what_it_knew(tmp_path: Path) -> None:
    path = tmp_path / "recent.json"
    recent = RecentCases(path)
    recent.remember(tmp_path / "a.db", share="/share/a", findings=10, decided=0, scan="running")
    recent.remember(tmp_path / "b.db", findings=5)
    recent.remember(tmp_path / "a.db", decided=4, scan="interrupted")
    again = RecentCases(path).entries()  # read back from the file
    assert [e.name for e in again] == ["a.db", "b.db"]
    assert (again[0].share, again[0].findings, again[0].decided, again[0].scan) == ("/share/a", 10, 4, "interrupted")
    assert again[0].unfinished and not again[1].unfinished
    recent.update(tmp_path / "b.db", findings=6)  # a refresh keeps the order
    assert [(e.name, e.findings) for e in RecentCases(path).entries()] == [("a.db", 10), ("b.db", 6)]
    recent.forget(tmp_path / "a.db")
    assert [e.name for e in RecentCases(path).entries()] == ["b.db"]
    for i in range(KEEP + 3):
        recent.remember(tmp_path / f"c{i}.db")
    assert len(RecentCases(path).entries()) == KEEP


def test_a_damaged_list_is_set_aside_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "recent.json"
    path.write_text("{not json")
    recent = RecentCases(path)
    assert recent.entries() == []
    assert path.with_suffix(".damaged").read_text() == "{not json"
    recent.remember(tmp_path / "a.db")
    assert [e.name for e in RecentCases(path).entries()] == ["a.db"]


def test_speed_is_kept_per_names_setting(tmp_path: Path) -> None:
    recent = RecentCases(tmp_path / "recent.json")
    assert recent.speed(True) is None
    recent.record_speed(True, 120_000.0)
    recent.record_speed(False, 2_000_000.0)
    again = RecentCases(tmp_path / "recent.json")
    assert (again.speed(True), again.speed(False)) == (120_000.0, 2_000_000.0)


def test_figures_come_from_the_case_file(tmp_path: Path) -> None:
    case = tmp_path / "c.db"
    with Case.create(case) as c:
        c.scans.begin("/evidence/share", {}, "rules", "model")
    assert read_figures(case) == {"share": "/evidence/share", "findings": 0, "decided": 0, "scan": "running"}
    assert read_figures(tmp_path / "missing.db") is None
    (tmp_path / "not-a-case.db").write_text("hello")
    assert read_figures(tmp_path / "not-a-case.db") is None
