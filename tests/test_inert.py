"""Output that cannot be turned against the analyst (issue 12, section 3): CSV, Markdown, terminal.

File names are chosen by whoever filled the share: each test names files like an attacker would
and checks what spill writes for a spreadsheet, a Markdown viewer and a terminal.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from spill.cli import main
from spill.inert import csv_cell, markdown, terminal
from spill.progress import ProgressReporter

EMAIL = "wanjiru.kamau@safaricom.co.ke"
PHONE = "+254 712 345 678"
ESCAPES = "evil\x1b]0;pwned\x07\x1b[2J\r"


def _scan(share: Path, case: Path) -> None:
    assert main(["scan", str(share), "--case", str(case), "--jobs", "1", "--no-ner"]) == 0


@pytest.mark.parametrize("cell, expected", [
    ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
    ("+254 712 345 678", "'+254 712 345 678"),
    ("-----BEGIN", "'-----BEGIN"),
    ("@SUM(1)", "'@SUM(1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("  =1", "'  =1"),  # spaces before the formula do not hide it
    ("hr/payouts.csv", "hr/payouts.csv"),
    (12, 12),
])
def test_csv_cell_neutralises_formulas(cell: object, expected: object) -> None:
    assert csv_cell(cell) == expected


def test_csv_export_has_no_cell_a_spreadsheet_would_run(tmp_path: Path) -> None:
    share = tmp_path / "share"
    (share / "-folder").mkdir(parents=True)
    (share / '=HYPERLINK("http:x","open").txt').write_text(f"Mail {EMAIL}, phone {PHONE}\n")
    (share / "-folder" / "@cmd.txt").write_text(f"Reach me on {PHONE}\n")
    case = tmp_path / "case.db"
    _scan(share, case)
    out = tmp_path / "x.csv"
    assert main(["export", str(case), "--format", "csv", "--reveal", "-o", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert len(rows) > 3
    for row in rows:
        for cell in row:
            assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r")), cell
    values = {cell for row in rows[1:] for cell in row}
    assert "'" + PHONE in values and '\'=HYPERLINK("http:x","open").txt' in values


def test_markdown_report_escapes_html_and_markdown_in_every_cell(tmp_path: Path) -> None:
    share = tmp_path / "share"
    folder = share / "<img src=x onerror=alert(1)>"
    folder.mkdir(parents=True)
    (folder / "[click](javascript:alert(1)) *x*.txt").write_text(f"Mail {EMAIL}\n")
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    case = tmp_path / "case.db"
    _scan(share, case)
    out = tmp_path / "r.md"
    assert main(["report", str(case), "--format", "md", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    # the report is read as it is in a terminal: parentheses stay, brackets (what makes a link) are escaped
    assert "<img" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "](javascript" not in text and "\\[click\\]\\(javascript" in text
    assert markdown("a|b\nc") == "a\\|b\\\\x0ac"  # renders as a|b\x0ac


def test_terminal_shows_control_characters_escaped() -> None:
    assert terminal(f"{ESCAPES}.txt \u202egnp.exe") == "evil\\x1b]0;pwned\\x07\\x1b[2J\\x0d.txt \\u202egnp.exe"


def test_verify_prints_names_with_control_characters_escaped(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    share = tmp_path / "share"
    share.mkdir()
    name = f"{ESCAPES}.txt"
    (share / name).write_text(f"Mail {EMAIL}\n")
    case = tmp_path / "case.db"
    _scan(share, case)
    (share / name).write_text("changed\n")
    capsys.readouterr()
    assert main(["verify", str(case)]) == 2
    out = capsys.readouterr().out
    assert "changed  evil\\x1b]0;pwned\\x07\\x1b[2J\\x0d.txt" in out and "\x1b" not in out and "\r" not in out


def test_rules_errors_print_file_names_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / f"{ESCAPES}.yml").write_text("- id: x.y\n  sevrity: high\n")
    assert main(["rules", "list", "--rules", str(rules)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("spill: error: ") and "evil\\x1b]0;pwned" in err and "\x1b" not in err


def test_progress_line_shows_the_current_file_escaped() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    class P:
        files_total, bytes_total, files_done, bytes_done, bytes_in_flight = 2, 10, 1, 5, 0
        findings, errors, skipped, elapsed, finished = 0, 0, 0, 1.0, False
        by_category: dict[str, int] = {}
        current = f"share/{ESCAPES}.txt"

    stream = Tty()
    reporter = ProgressReporter(stream)
    reporter(P())
    reporter.close()
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", stream.getvalue())  # Rich's own cursor and style codes
    assert "share/evil\\x1b]0;pwned\\x07" in shown and "\x1b]0;" not in stream.getvalue()
