"""`spill report`: what counsel reads, in Markdown and HTML, masked, with the decision log's head."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from test_scan import EMAIL, IBAN, make_share, scan

from spill.case import Case
from spill.cli import main


@pytest.fixture
def scanned(tmp_path: Path) -> Path:
    case = tmp_path / "case.db"
    assert scan(make_share(tmp_path), case, "--no-ner") == 0
    with Case.open(case) as c:
        ibans = [f.id for f in c.iter_findings() if f.entity_type == "IBAN_CODE"]
        c.log.decide(ibans[:1], action="status", after="false_positive", analyst="ana")
    return case


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_report_shows_counts_masked_values_and_the_log_head(scanned: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    assert main(["report", str(scanned), "--format", fmt, "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    text = html.unescape(text) if fmt == "html" else text
    with Case.open(scanned) as c:
        head = c.log.head()
        counts = c.reports.counts()
    assert head.count == 1 and head.mac in text
    for section in ("Findings by type and status", "Not scanned", "How conclusions were reached"):
        assert section in text
    assert f"{counts['findings']}" in text and "false_positive" in text
    assert IBAN not in text and EMAIL not in text  # a report travels further than the case file
