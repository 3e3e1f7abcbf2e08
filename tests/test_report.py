"""`spill report`: what counsel and the labs read, in Markdown and HTML, masked, shaped by decisions."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import os
import re
import shutil
import stat
from pathlib import Path

import pytest
from rich.console import Console
from rich.markdown import Markdown
from test_notify_export import make_people_share

from docs.report_check import SECTIONS, check_page, chromium
from spill.case import Case
from spill.cli import main
from spill.report.charts import bars, stacked_bars


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("report")
    case = root / "case.db"
    share = make_people_share(root)
    (share / "Misc" / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    assert main(["scan", str(share), "--case", str(case), "--jobs", "1", "--no-isolate"]) == 0
    return case


@pytest.fixture
def decided(scanned: Path, tmp_path: Path) -> Path:
    """The scanned case with one person's findings all dismissed and one finding confirmed."""
    case = tmp_path / "case.db"
    shutil.copy(scanned, case)
    shutil.copy(f"{scanned}.key", f"{case}.key")
    with Case.open(case) as c:
        priya = c.people.matching("Priya")
        ids = [f.id for f in c.iter_findings() if f.subject in priya]
        c.log.decide(ids, action="status", after="false_positive", analyst="ana")
        iban = [f.id for f in c.iter_findings() if f.entity_type == "IBAN_CODE"]
        c.log.decide(iban, action="status", after="confirmed", analyst="ana")
    return case


def report(case: Path, out: Path, fmt: str) -> str:
    assert main(["report", str(case), "--format", fmt, "-o", str(out)]) == 0
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_report_has_every_section_masked_with_the_log_head_and_the_lists_beside_it(decided: Path, tmp_path: Path,
                                                                                  fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    text = report(decided, out, fmt)
    plain = html.unescape(re.sub(r"<[^>]+>", " ", text)) if fmt == "html" else text.replace("\\", "")
    plain = " ".join(plain.split())  # Markdown is wrapped at 80 columns
    with Case.open(decided) as c:
        head = c.log.head()
    for title in ("Executive summary", "People whose data is exposed, and who must be notified",
                  "Client exposure per AI lab", "Appendix: chain of custody", "Coverage ledger",
                  "What was not read, and why", "Decision support, not legal advice"):
        assert title in plain, title
    assert head.mac in plain and f"{head.count} entries" in plain
    assert "us.name_ssn" in plain and "Cal. Civ. Code § 1798.82(h)(1)(A)" in plain  # a cited assessment
    assert "broken.xlsx" in plain  # what was not read is said
    assert "1 people are left out: every finding of theirs was marked a false positive" in plain
    for raw in ("john.carter@gmail.com", "536-90-4399", "DE89370400440532013000", "Wanjiru Kamau"):
        assert raw not in text  # a report travels further than the case file
    people_csv, ledger_csv = tmp_path / "report.people.csv", tmp_path / "report.coverage.csv"
    for path in (out, people_csv, ledger_csv):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    ledger = list(csv.DictReader(io.StringIO(ledger_csv.read_text(encoding="utf-8"))))
    assert {r["path"] for r in ledger} >= {"HR/roster.csv", "Misc/broken.xlsx"}
    assert all(len(r["sha256"]) == 64 for r in ledger if r["status"] == "done")
    assert hashlib.sha256(ledger_csv.read_bytes()).hexdigest() in plain
    people = list(csv.DictReader(io.StringIO(people_csv.read_text(encoding="utf-8"))))
    assert len(people) == 4 and {r["outcome"] for r in people} <= {"notify", "review", "not required"}


def test_html_report_is_one_self_contained_page_with_charts(decided: Path, tmp_path: Path) -> None:
    text = report(decided, tmp_path / "r.html", "html")
    assert "<script" not in text.lower() and not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", text)
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    assert text.count("<svg") == 4 and "@page { size: A4" in text
    for section in SECTIONS:
        assert f'<section id="{section}">' in text
    # decisions shape the figures: the IBAN confirmed, Priya's findings dismissed
    assert re.search(r"<title>financial: 1 confirmed</title>", text)
    assert re.search(r"<title>identity: \d+ false positive</title>", text)


def test_markdown_report_reads_at_80_columns(decided: Path, tmp_path: Path) -> None:
    text = report(decided, tmp_path / "r.md", "md")
    assert max(len(line) for line in text.splitlines()) <= 80
    console = Console(width=80, record=True, file=io.StringIO(), color_system=None)
    console.print(Markdown(text))
    shown = console.export_text()
    assert max(len(line) for line in shown.splitlines()) <= 80
    for words in ("Executive summary", "us.name_ssn", "Appendix: chain of custody", "notify"):
        assert words in shown, words


def test_charts_are_proportional_escaped_svg() -> None:
    svg = stacked_bars("t <b>", [("a<x>", {"open": 30, "confirmed": 10}), ("b", {"open": 20}), ("none", {})],
                       ["open", "confirmed"])
    width = {t: float(w) for w, t in re.findall(r'<rect x="[\d.]+" y="\d+" width="([\d.]+)" height="\d+" '
                                                r'fill="#\w+"><title>([^<]+)</title>', svg)}
    assert set(width) == {"a&lt;x&gt;: 30 open", "a&lt;x&gt;: 10 confirmed", "b: 20 open"}
    assert width["a&lt;x&gt;: 30 open"] == pytest.approx(3 * width["a&lt;x&gt;: 10 confirmed"])
    assert width["b: 20 open"] == pytest.approx(2 * width["a&lt;x&gt;: 10 confirmed"])
    assert "<x>" not in svg and "t &lt;b&gt;" in svg and ">40<" in svg  # labels escaped, each row's total
    assert ">none<" not in svg  # an empty row is left out
    assert ">none<" in bars("empty", [])


@pytest.mark.skipif(chromium() is None, reason="chromium is not installed (apt-get install chromium): "
                                               "the HTML report's offline rendering is checked where it is")
def test_html_report_renders_in_chromium_offline_without_console_errors_on_a4(decided: Path, tmp_path: Path) -> None:
    page = tmp_path / "r.html"
    report(decided, page, "html")
    check = check_page(page)
    assert check.outside == [] and check.console == []
    assert check.pdf_a4 and check.pdf_pages >= 4  # each section starts a page
    # the check can fail: a page that fetches an image and logs an error is caught
    leaky = tmp_path / "leaky.html"
    leaky.write_text('<!doctype html><img src="http://example.invalid/x.png"><script>console.error("boom")</script>')
    bad = check_page(leaky)
    assert bad.outside == ["http://example.invalid/x.png"] and any("boom" in line for line in bad.console)
    assert not bad.pdf_a4
