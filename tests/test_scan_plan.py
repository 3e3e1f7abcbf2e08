"""What the app checks and starts before a scan: the same words, flags and counts as `spill scan`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scanners.engine import Progress, ScanOptions, _count_share
from scanners.extract.base import Limits
from spill.cli import _limits, build_parser, main
from spill.errors import SpillError
from spill.scan_plan import (
    LIMIT_OPTIONS,
    ScanRequest,
    ShareSize,
    about,
    check_request,
    measure_share,
    run_rules_test,
    summary_line,
)


def test_limit_options_default_to_the_engines_limits() -> None:
    defaults = Limits()
    for option in LIMIT_OPTIONS:
        assert option.from_limits(getattr(defaults, option.field)) == option.default, option.flag


def test_cli_limit_flags_set_the_limits_in_their_units() -> None:
    args = build_parser().parse_args(["scan", "s", "--case", "c.db", "--max-depth", "3", "--max-expanded-mb", "10",
                                      "--max-ratio", "50", "--file-timeout", "5", "--file-timeout-per-mb", "0.5",
                                      "--file-memory-mb", "512", "--split-mb", "0"])
    limits = _limits(args, Limits())
    assert limits.split_bytes == 0
    assert (limits.max_depth, limits.max_expanded_bytes, limits.max_ratio) == (3, 10 * 2**20, 50.0)
    assert (limits.file_timeout, limits.file_timeout_per_mib, limits.file_memory) == (5.0, 0.5, 512 * 2**20)
    assert _limits(build_parser().parse_args(["scan", "s", "--case", "c.db"]), Limits()) == Limits()


def test_a_recorded_scan_repeats_with_the_same_options(tmp_path: Path) -> None:
    """Resume and rescan from the app: the case's recorded options become the same command line again."""
    limits = Limits(max_depth=3, file_memory=512 * 2**20)
    recorded = ScanOptions(root=tmp_path / "share", rule_dirs=(tmp_path / "rules",), jobs=2, use_ner=False,
                           limits=limits).as_json()
    request = ScanRequest.repeat(tmp_path / "c.db", recorded, resume=True)
    argv = request.argv()
    assert argv[:4] == ["scan", str(tmp_path / "share"), "--case", str(tmp_path / "c.db")]
    assert "--resume" in argv and "--no-ner" in argv
    args = build_parser().parse_args(argv)  # what the CLI makes of it
    assert (args.root, args.rules, args.jobs, args.no_ner, args.resume) == (
        tmp_path / "share", [tmp_path / "rules"], 2, True, True)
    assert _limits(args, Limits()) == limits
    assert "--max-ratio" not in argv  # a default is not spelled out
    assert request.command_line().startswith("spill scan ")
    rescan = ScanRequest.repeat(tmp_path / "c.db", recorded, resume=False)
    assert "--resume" not in rescan.argv()


@pytest.mark.parametrize("share, case, extra", [
    ("{tmp}/missing", "{tmp}/c.db", []),  # no such folder
    ("{tmp}/share/a.txt", "{tmp}/c.db", []),  # not a folder
    ("{tmp}/share", "{tmp}/share/c.db", []),  # the case inside the share
    ("{tmp}/share", "{tmp}/c.db", ["--rules", "{tmp}/no-rules"]),  # a rule folder that is not there
    ("{tmp}/share", "{tmp}/c.db", ["--jobs", "-1"]),
    ("{tmp}/share", "{tmp}/none.db", ["--resume"]),  # nothing to resume
])
def test_the_apps_checks_refuse_in_the_clis_words(tmp_path: Path, capsys: pytest.CaptureFixture[str], share: str,
                                                   case: str, extra: list[str]) -> None:
    (tmp_path / "share").mkdir()
    (tmp_path / "share" / "a.txt").write_text("x")
    argv = ["scan", share.format(tmp=tmp_path), "--case", case.format(tmp=tmp_path),
            *(a.format(tmp=tmp_path) for a in extra)]
    assert main(argv) == 1
    cli_line = capsys.readouterr().err.strip()
    args = build_parser().parse_args(argv)
    request = ScanRequest(args.root, args.case, tuple(args.rules), args.jobs, resume=args.resume)
    with pytest.raises(SpillError) as refused:
        check_request(request)
    assert cli_line == f"spill: error: {refused.value}"
    assert not (tmp_path / "c.db").exists() and not (tmp_path / "share" / "c.db").exists()


def test_a_new_case_is_refused_where_the_case_file_cannot_be_made(tmp_path: Path) -> None:
    (tmp_path / "share").mkdir()
    (tmp_path / "taken.db").write_text("")
    with pytest.raises(SpillError, match=r"folder .* does not exist"):
        check_request(ScanRequest(tmp_path / "share", tmp_path / "nowhere" / "c.db"), new_case=True)
    with pytest.raises(SpillError, match="already exists"):
        check_request(ScanRequest(tmp_path / "share", tmp_path / "taken.db"), new_case=True)
    check_request(ScanRequest(tmp_path / "share", tmp_path / "new.db"), new_case=True)
    assert not (tmp_path / "new.db").exists()


def test_the_share_is_measured_as_the_scan_counts_it(tmp_path: Path) -> None:
    share = tmp_path / "share"
    (share / "a" / "b").mkdir(parents=True)
    (share / "one.txt").write_text("x" * 10)
    (share / "a" / "two.csv").write_text("y" * 20)
    (share / "a" / "b" / "three.json").write_text("{}")
    os.symlink(share / "one.txt", share / "a" / "link.txt")  # the scan never follows a link
    os.symlink(share / "a", share / "folder-link")
    counted = Progress()
    _count_share(share, counted)
    assert measure_share(share) == ShareSize(counted.files_total, counted.bytes_total) == ShareSize(3, 32)
    assert measure_share(share, stop=lambda: True) is None


@pytest.mark.parametrize("size, speed, expected", [
    (ShareSize(1204, 3_435_973_837), 1_431_655.8, "1,204 files, 3.2 GB, about 40 min at the last measured speed"),
    (ShareSize(3, 2048), 1e6, "3 files, 2.0 KB, under a minute at the last measured speed"),
    (ShareSize(10, 100), None, "10 files, 100 B; no scan measured on this machine yet, so no time estimate"),
])
def test_the_summary_line_says_what_the_scan_will_take(size: ShareSize, speed: float | None, expected: str) -> None:
    assert summary_line(size, speed) == expected


def test_durations_are_rounded_for_a_person() -> None:
    assert [about(s) for s in (5, 61, 59 * 60, 2 * 3600 + 9 * 60, 3 * 3600)] == [
        "under a minute", "about 2 min", "about 59 min", "about 2 h 10 min", "about 3 h"]


def test_the_rules_verdict_is_spill_rules_tests(tmp_path: Path) -> None:
    """The verdict shown before a scan: the CLI's own summary, a failing example as a warning."""
    good = run_rules_test([Path("sample_data/vendor_rules")])
    assert good.usable and good.failures == () and good.summary.endswith("rules, 0 failures")
    mine = tmp_path / "mine"
    mine.mkdir()
    # a rule whose own example does not match its pattern: scannable, but said before the scan starts
    (mine / "vendor.yml").write_text(
        "- id: vendor.badge\n  entity_type: CONTRACTOR_ID\n  category: contractor\n  severity: medium\n"
        "  patterns: [{name: badge, regex: '\\bBDG-\\d{6}\\b', score: 0.6}]\n"
        "  description: A badge number.\n  examples: ['badge BDG-12345']\n  negative_examples: ['BDG']\n",
        encoding="utf-8")
    warned = run_rules_test([mine])
    assert warned.usable and warned.summary.endswith("1 failures") and warned.failures[0].startswith("FAIL ")
