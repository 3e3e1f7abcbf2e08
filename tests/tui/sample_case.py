"""A small, real case for the triage app's tests: 50 findings written through ``Case``.

The share is real text files under ``tmp_path/share`` so a reveal can re-read them; the
findings carry true offsets into those files. What is in it (all values made up):

* the vendor's support phone in 15 tickets, twice each: 30 findings of one value;
* a contractor roster (3 rows) and a payout sheet sharing contractor ids: 3 people (the KYC
  scan's name and PAN join the third);
* a LAB_RUBRIC task written for "Northwind AI", a config with two credentials, a KYC
  scan with a PAN, an archive member with an old roster row;
* three files that could not be scanned (two skipped, one failed) with their reasons.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scanners.row_context import row_context
from spill.case import Case
from spill.errors import SpillError
from spill.mask import mask, mask_context
from spill.model import Category, Detection, FileRecord, FileResult, FileStatus, Finding, Segment, Severity, file_id

SUPPORT_PHONE = "+1 (415) 555-0142"
RULES_FP = "test-rules"


@dataclass(frozen=True)
class SampleCase:
    path: Path
    share: Path

    def revealer(self) -> Callable[[Case, Finding], str]:
        """Re-read the value from the share file at the finding's offsets (the real boundary), checked
        against its fingerprint as scanners.reveal does (the sample share is flat text, not the real formats)."""
        share = self.share

        def reveal(case: Case, finding: Finding) -> str:
            source = share / finding.path.replace("!/", "__")
            if not source.is_file():
                raise SpillError(f"{finding.path} is no longer in the share at {share}")
            if finding.start is None or finding.end is None:
                raise SpillError("no span to re-read")
            value = source.read_text(encoding="utf-8")[finding.start:finding.end]
            if not case.matches_fingerprint(value, finding.fingerprint):
                raise SpillError("the source changed since the scan: the value there no longer matches the fingerprint")
            return value

        return reveal


# (path, kind, lines: list of [(text, entity_type|None, category, severity, record)]), location per line
Part = tuple[str, str | None, Category | None, Severity | None]


def _doc(share: Path, path: str, kind: str, lines: list[tuple[list[Part], str | None, dict[str, object]]],
         parent: str | None = None, headers: list[str] | None = None) -> FileResult:
    """Write the file's text to the share and build its findings at their true offsets.

    With ``headers`` each line is a table row (one cell per part): a finding's context is its header
    and the masked cells beside it, as the scanner writes it for a spreadsheet.
    """
    text_lines = [" ".join(t for t, *_ in parts) for parts, _r, _l in lines]
    text = "\n".join(text_lines) + "\n"
    target = share / path.replace("!/", "__")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    spans: list[tuple[int, int, str, Part, str | None, dict[str, object], int]] = []
    pos = 0
    for line_no, (parts, record, location) in enumerate(lines, start=1):
        off = pos
        for part in parts:
            value, etype, _cat, _sev = part
            if etype:
                spans.append((off, off + len(value), etype, part, record, location, line_no))
            off += len(value) + 1
        pos += len(text_lines[line_no - 1]) + 1
    others = [(s, e, t) for s, e, t, *_ in spans]
    rows = []
    for s, e, etype, (value, _t, cat, sev), record, location, line_no in spans:
        assert cat is not None and sev is not None
        context, c0, c1 = mask_context(text, (s, e), others, etype)
        if headers is not None:
            parts = lines[line_no - 1][0]
            row = [(Segment(t, {"sheet": "Payouts", "cell": f"{chr(65 + i)}{line_no + 1}"}, context=headers[i],
                            record=record), [Detection(ty, 0, len(t), 0.85, "r", c, v)] if ty and c and v else [])
                   for i, (t, ty, c, v) in enumerate(parts)]
            own = next(i for i, part in enumerate(parts) if part[0] == value and part[1] == etype)
            preview = mask(value, etype) or ""
            context, c0, c1 = row_context(row, own, preview, 0, len(preview))
        rows.append(Finding(
            path=path, entity_type=etype, category=cat, severity=sev, score=0.85,
            rule=f"spill.{cat.value}.{etype.lower()}", start=s, end=e, line=line_no, location=dict(location),
            preview=mask(value, etype), context=context, ctx_start=c0, ctx_end=c1, value=value, record=record))
    rec = FileRecord(id=file_id(path), path=path, parent=parent, sha256=hashlib.sha256(text.encode()).hexdigest(),
                     size=len(text), mtime=1_714_000_000.0, kind=kind, status=FileStatus.DONE)
    return FileResult(rec, rows)


def _problem(path: str, kind: str, status: FileStatus, reason: str) -> FileResult:
    return FileResult(FileRecord(id=file_id(path), path=path, parent=None, sha256=None, size=1234,
                                 mtime=1_714_000_000.0, kind=kind, status=status, reason=reason))


CONTRACTORS = [("CTR-100201", "Priya Sharma", "priya.sharma@gmail.com", "GB82 WEST 1234 5698 7654 32"),
               ("CTR-100202", "Kwame Mensah", "kwame.mensah@proton.me", "GB33 BUKB 2020 1555 5555 55"),
               ("CTR-100203", "Elena Rossi", "elena.rossi@outlook.com", "DE89 3704 0044 0532 0130 00")]


def build_sample_case(root: Path, *, running: bool = False) -> SampleCase:
    share = root / "share"
    share.mkdir(parents=True, exist_ok=True)
    results: list[FileResult] = []
    C, IDN, K, F, G, L = (Category.CONTACT, Category.IDENTITY, Category.CONTRACTOR, Category.FINANCIAL,
                        Category.GOVERNMENT_ID, Category.CREDENTIAL)
    LOW, MED, HIGH, CRIT = Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL
    for n in range(15):
        results.append(_doc(share, f"support/tickets/ticket_{n:03d}.eml", "eml", [
            ([("Call us on", None, None, None), (SUPPORT_PHONE, "PHONE_NUMBER", C, LOW)], None, {}),
            ([("or on", None, None, None), (SUPPORT_PHONE, "PHONE_NUMBER", C, LOW),
              ("any weekday", None, None, None)], None, {}),
        ]))
    results.append(_doc(share, "hr/contractors/roster.csv", "csv", [
        ([(cid, "CONTRACTOR_ID", K, MED), (name, "PERSON", IDN, MED), (mail, "EMAIL_ADDRESS", C, MED)],
         f"row {i + 2}", {}) for i, (cid, name, mail, _iban) in enumerate(CONTRACTORS)]))
    results.append(_doc(share, "payroll/2024-03/payouts.xlsx", "xlsx", [
        ([(cid, "CONTRACTOR_ID", K, MED), (iban, "IBAN_CODE", F, HIGH), ("EUR 1,200.00", None, None, None)],
         f"Payouts!{i + 2}", {"sheet": "Payouts", "cell": f"D{i + 2}"})
        for i, (cid, _n, _m, iban) in enumerate(CONTRACTORS[:2])], headers=["Contractor ID", "IBAN", "Amount"]))
    rubric = _doc(share, "projects/northwind-ai/task_001.json", "json", [
        ([("Score the response 1-7 on helpfulness; reviewer", None, None, None),
          ("lead@annotate-co.example", "EMAIL_ADDRESS", C, LOW)], None, {"json_path": "$.reviewer"}),
    ])
    rubric.findings.append(Finding(
        path=rubric.file.path, entity_type="LAB_RUBRIC", category=Category.LAB_IP, severity=HIGH, score=0.93,
        rule="spill.lab_ip.rubric", start=None, end=None, line=None, location={}, preview=None,
        context="Score the response 1-7 on helpfulness…", ctx_start=None, ctx_end=None, value=None,
        client="Northwind AI", signals=("rubric wording", "client named in the task")))
    results.append(rubric)
    results.append(_doc(share, "eng/deploy/service.env", "text", [
        ([("AWS_ACCESS_KEY_ID=", None, None, None), ("AKIAIOSFODNN7EXAMPLE", "AWS_ACCESS_KEY", L, CRIT)], None, {}),
        ([("SLACK_BOT_TOKEN=", None, None, None),
          ("xoxb-1046374-2240917-a8Kd03LqPzT7sWmYcVb1", "SLACK_TOKEN", L, CRIT)], None, {}),
    ]))
    results.append(_doc(share, "kyc/id_0001.pdf", "pdf", [
        ([("Name", None, None, None), ("Elena Rossi", "PERSON", IDN, MED), ("PAN", None, None, None),
          ("ABCPE1234F", "IN_PAN", G, CRIT)], "page 1", {"page": 1}),
    ]))
    results.append(_doc(share, "exports/backup.zip", "zip", []))
    results.append(_doc(share, "exports/backup.zip!/roster_old.csv", "csv", [
        ([("CTR-100201", "CONTRACTOR_ID", K, MED), ("priya.sharma@gmail.com", "EMAIL_ADDRESS", C, MED)],
         "row 2", {}),
    ], parent=file_id("exports/backup.zip")))
    results += [
        _problem("misc/scan_0001.png", "png", FileStatus.SKIPPED, "binary file (image/png): no text to scan"),
        _problem("misc/locked.pdf", "pdf", FileStatus.SKIPPED, "encrypted PDF: needs a password"),
        _problem("payroll/2024-02/payouts.xlsx", "xlsx", FileStatus.ERROR, "xlsx: not a zip file (truncated?)"),
    ]
    path = root / "case.db"
    with Case.create(path) as case:
        scan = case.scans.begin("/evidence/vendor-share", {"jobs": 2}, RULES_FP, "test")
        case.scans.write_results(results, scan, RULES_FP)
        case.people.link()
        if not running:
            case.scans.finish(scan, "finished", {"findings": 50})
    return SampleCase(path, share)
