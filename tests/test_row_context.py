"""A spreadsheet or CSV finding carries its column header and the masked cells of its row, nothing raw."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import openpyxl

from scanners.document import DocumentScanner, ScanTask
from scanners.extract.base import Limits
from scanners.row_context import row_context
from spill.model import Category, Detection, Segment, Severity

IBAN = "GB82WEST12345698765432"
RAW = ("Priya", "Sharma", "priya.sharma@gmail.com", "GB82WEST", "paid late in March", "CTR-100201")


def scan(detector, path: Path) -> list:
    data = path.read_bytes()
    task = ScanTask(path.name, os.fsencode(path), hashlib.sha256(data).hexdigest(), len(data), 0.0)
    return [f for result in DocumentScanner(detector, Limits()).scan(task) for f in result.findings]


def check(findings: list, header: str) -> None:
    iban = next(f for f in findings if f.entity_type == "IBAN_CODE")
    assert iban.context[iban.ctx_start:iban.ctx_end] == iban.preview
    assert f"{header}: " in iban.context  # what the number is
    assert "notes: " in iban.context and "amount: " in iban.context  # the row around it
    for f in findings:
        for raw in RAW:
            assert raw not in (f.context or ""), (raw, f.context)


def test_a_csv_cell_shows_its_header_and_masked_neighbours(tmp_path: Path, detector) -> None:
    path = tmp_path / "payouts.csv"
    path.write_text("contractor_id,name,email,iban,amount,notes\n"
                    f"CTR-100201,Priya Sharma,priya.sharma@gmail.com,{IBAN},1200.50,paid late in March\n")
    findings = scan(detector, path)
    check(findings, "iban")
    mail = next(f for f in findings if f.entity_type == "EMAIL_ADDRESS")
    assert mail.context.startswith("contractor_id: ") and "email: ⟦" not in mail.context  # masked, not marked


def test_an_xlsx_cell_shows_its_header_and_masked_neighbours(tmp_path: Path, detector) -> None:
    path = tmp_path / "payouts.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Payouts"
    ws.append(["contractor_id", "name", "email", "Bank IBAN", "amount", "notes"])
    ws.append(["CTR-100201", "Priya Sharma", "priya.sharma@gmail.com", IBAN, 1200.5, "paid late in March"])
    wb.save(path)
    check(scan(detector, path), "Bank IBAN")


def test_row_context_keeps_the_nearest_cells_within_its_budget() -> None:
    cells = [(Segment(f"value number {i:03d}", {"row": 2, "column": f"c{i}"}, context=f"c{i}", record="row:2"), [])
             for i in range(40)]
    own = Detection("IBAN_CODE", 0, 4, 0.9, "r", Category.FINANCIAL, Severity.HIGH)
    cells[20] = (cells[20][0], [own])
    text, start, end = row_context(cells, 20, "••12", 0, 4)
    assert text[start:end] == "••12" and "c20: ••12" in text
    assert "c19: " in text and "c21: " in text and "c0: " not in text  # nearest first, within the budget
    assert "value number" not in text


def test_a_rows_neighbours_are_masked_once_and_shared_by_its_findings() -> None:
    cells = [(Segment(text, {"row": 2, "column": f"c{i}"}, context=f"c{i}", record="row:2"), [])
             for i, text in enumerate(["Priya Sharma", "GB82WEST12345698765432", "paid late", "CTR-100201"])]
    parts: list[str | None] = [None] * len(cells)
    for own in range(len(cells)):
        shared = row_context(cells, own, "••", 0, 2, parts)
        assert shared == row_context(cells, own, "••", 0, 2)  # the same text with or without the shared parts
    assert all(parts) and "Priya" not in "".join(p or "" for p in parts)  # every cell masked once, nothing raw
