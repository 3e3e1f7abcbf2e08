"""Drive/Ops, Drive/Misc, Drive/Marketing and Drive/public_contacts.txt: hard negatives (order and
asset numbers, a school rubric, a marketing one-pager, a style guide) and the vendor's public support contact."""

from __future__ import annotations

from datetime import datetime, timedelta

from docx import Document

from sample_data.generate.world import rng_for
from sample_data.synth import ids, texts
from sample_data.synth.pdf import Pdf
from sample_data.synth.people import SUPPORT_EMAIL, SUPPORT_PHONE, VENDOR
from sample_data.synth.writers import Blob, Share, Tags, csv_text, office_blob, pdf_blob, text_blob


def order_log_csv() -> str:
    rng = rng_for("negatives/orders")
    items = [("USB-C docking station", "Hardware"), ("27in monitor", "Hardware"), ("Noise-cancelling headset",
             "Hardware"), ("Ergonomic chair", "Furniture"), ("Laptop stand", "Hardware"), ("YubiKey 5 NFC", "Security")]
    rows: list[list[object]] = [["order_no", "po_number", "invoice_no", "sku", "item", "category", "qty", "ordered",
                                 "shipped", "carrier", "tracking_no", "shipment_id"]]
    date_formats = ["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%y", "%d %b %Y", "%B %d, %Y", "%Y%m%d"]
    for i in range(24):
        item, cat = items[i % len(items)]
        ordered = datetime(2025, 1, 6, 9) + timedelta(days=3 * i, minutes=rng.randint(0, 600))
        carrier = ["UPS", "FedEx", "DHL"][i % 3]
        tracking = {"UPS": "1Z" + ids.chars(rng, ids.UPPER + ids.DIGITS, 6) + ids.digits(rng, 10, ids.DIGITS),
                    "FedEx": ids.non_luhn(rng, 12), "DHL": ids.digits(rng, 10)}[carrier]
        rows.append([f"ORD-2025-{i + 4511:06d}", f"PO {4500012345 + 17 * i}", f"INV-2024-{i + 123:06d}",
                     ids.non_luhn(rng, 13, "4"), item, cat, rng.randint(1, 12),
                     ordered.strftime(date_formats[i % len(date_formats)]),
                     (ordered + timedelta(days=2)).isoformat(timespec="seconds"), carrier, tracking, ids.uuid4(rng)])
    return csv_text(rows)


def it_assets_txt() -> str:
    rng = rng_for("negatives/assets")
    lines = ["IT asset register - notes (Q1 2025)", ""]
    for i in range(10):
        lines.append(f"Asset LMF-IT-{3000 + i}: laptop serial {ids.chars(rng, ids.UPPER + ids.DIGITS, 10)}, "
                     f"asset tag {ids.non_luhn_16(rng)}, firmware {rng.randint(1, 9)}.{rng.randint(10, 60)}."
                     f"{rng.randint(100, 999)}.{rng.randint(1000, 9999)}, "
                     f"BIOS v{rng.randint(1, 3)}.{rng.randint(0, 40)}."
                     f"{rng.randint(0, 9)}, enrolled {datetime(2025, 1, 2 + i, 8, 15).strftime('%a %d %b %Y %H:%M')}")
    lines += ["", "Dock firmware 10.42.16.1 and 10.43.2.0 both fine; avoid build 2025.01.0814.3 (display flicker).",
              "MDM profile version 7.3.1-20250114 rolled out; next review 2025-04-01T09:00:00+01:00.",
              "Reminder: TRANSFER of ownership for leaver devices needs a ticket before the DEADLINE at month end."]
    return "\n".join(lines) + "\n"


def school_rubric_docx() -> Blob:
    doc = Document()
    doc.core_properties.author = "English Department"
    doc.core_properties.title = texts.SCHOOL_RUBRIC_TITLE
    doc.add_heading(texts.SCHOOL_RUBRIC_TITLE, level=1)
    doc.add_paragraph("Prompt: Should schools adopt a four-day week? Take a position and defend it with evidence.")
    rows = texts.SCHOOL_RUBRIC_ROWS
    table = doc.add_table(rows=0, cols=len(rows[0]))
    table.style = "Table Grid"
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value
    for note in texts.SCHOOL_RUBRIC_NOTES:
        doc.add_paragraph(note)
    return office_blob(doc, Tags())


def one_pager_pdf() -> Blob:
    t = Tags()
    footer = f"{VENDOR} - {t.shared('EMAIL_ADDRESS', SUPPORT_EMAIL)} - {t.shared('PHONE_NUMBER', SUPPORT_PHONE)}"
    pdf = Pdf(footer_text=footer,
              title="Lumenframe one-pager 2025")
    pdf.add_page()
    pdf.h1(f"{VENDOR}")
    for heading, body in texts.ONE_PAGER_PARAGRAPHS:
        pdf.h2(heading)
        pdf.para(body)
    pdf.h2("Talk to us")
    pdf.para(f"Sales and support: {SUPPORT_EMAIL} or {SUPPORT_PHONE} (24/7 for active projects).")
    return pdf_blob(pdf, t)


def public_contacts_txt() -> Blob:
    t = Tags()
    t.shared("EMAIL_ADDRESS", SUPPORT_EMAIL)
    t.shared("PHONE_NUMBER", SUPPORT_PHONE)
    regions = ["India", "Philippines", "Kenya", "Nigeria", "Brazil", "United States", "Germany", "France",
               "Netherlands", "Spain", "Portugal", "Mexico", "Colombia", "South Africa", "Ghana", "Vietnam",
               "Indonesia", "Pakistan", "Egypt", "Poland", "Romania", "Ukraine", "Turkey", "Morocco", "Chile",
               "Argentina", "Peru", "Bangladesh"]
    lines = [f"{VENDOR} - public contact points (published on lumenframe.io/contact)", ""]
    for r in regions:
        lines.append(f"Contractor support ({r}): {SUPPORT_EMAIL}, {SUPPORT_PHONE}")
    lines += ["", "All regions are served by the same follow-the-sun support desk."]
    return text_blob("\n".join(lines) + "\n", t)


def write_negatives(share: Share) -> None:
    share.write("Drive/Ops/order_log_2025Q1.csv", order_log_csv())
    share.write("Drive/Ops/it_asset_notes.txt", it_assets_txt())
    share.write("Drive/Misc/ENG10_Persuasive_Essay_Rubric.docx", school_rubric_docx())
    share.write("Drive/Marketing/Lumenframe_OnePager_2025.pdf", one_pager_pdf())
    share.write("Drive/Marketing/Writing_Style_Guide.md", texts.STYLE_GUIDE_MD)
    share.write("Drive/public_contacts.txt", public_contacts_txt())
