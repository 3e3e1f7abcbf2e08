#!/usr/bin/env python3
"""Generate the synthetic file share of "Lumenframe Data Services" and its ground truth.

    python sample_data/generate.py [OUT_DIR]

writes OUT_DIR/share/ (deleted and recreated first) and OUT_DIR/truth.jsonl; OUT_DIR defaults to
this folder. Output is byte-for-byte deterministic: fixed seeds, fixed timestamps in every
container format, fixed file mtimes. After writing, the truth is checked against the files
(``--no-check`` skips that).

Everything here is synthetic. Names come from seeded Faker; every identifier is generated with a
valid checksum where the scheme has one, so detectors have something real to validate.
"""

from __future__ import annotations

import random
import shutil
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from docx import Document  # noqa: E402
from docx.shared import Pt  # noqa: E402
from fpdf import FPDF  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import Font  # noqa: E402
from pptx import Presentation  # noqa: E402
from synth import ids, texts  # noqa: E402
from synth.cfb import build_msg  # noqa: E402
from synth.people import (  # noqa: E402
    KYC_EMAIL,
    LAB_CONTACTS,
    LABS,
    PAYOUTS_EMAIL,
    STAFF,
    SUPPORT_EMAIL,
    SUPPORT_PHONE,
    VENDOR,
    Contractor,
    Staff,
    build_contractors,
    by_country,
)
from synth.writers import (  # noqa: E402
    FIXED_DT,
    Blob,
    Mail,
    Share,
    Tags,
    csv_text,
    gzip_blob,
    json_text,
    jsonl_text,
    mail_blob,
    mbox_blob,
    office_blob,
    pdf_blob,
    targz_blob,
    text_blob,
    zip_blob,
)

SEED = 20250304
SUPPORT_LINE = f"{SUPPORT_EMAIL} | {SUPPORT_PHONE}"


@dataclass
class World:
    contractors: list[Contractor]
    creds: dict[str, str]

    def of(self, country: str, index: int = 0) -> Contractor:
        return by_country(self.contractors, country)[index]

    def on(self, project: str) -> list[Contractor]:
        return [c for c in self.contractors if c.project == project]


def rng_for(name: str) -> random.Random:
    return random.Random(f"{SEED}/{name}")


def make_creds() -> dict[str, str]:
    rng = rng_for("credentials")
    db_pass, replica_pass = ids.password(rng), ids.password(rng, 16)
    return {
        "aws_key_id": ids.aws_access_key_id(rng),
        "aws_secret": ids.aws_secret(rng),
        "db_url": f"postgres://labelops:{db_pass}@db-prod.internal.lumenframe.io:5432/labelops",
        "replica_url": f"postgres://reporting_ro:{replica_pass}@db-replica.internal.lumenframe.io:5432/labelops",
        "smtp_password": ids.password(rng, 20),
        "stripe": ids.stripe_live_key(rng),
        "stripe_webhook": "whsec_" + ids.chars(rng, ids.ALNUM, 32),
        "slack": ids.slack_bot_token(rng),
        "github": ids.github_pat(rng),
        "github_ci": ids.github_pat(rng),
        "openai": ids.openai_project_key(rng),
        "anthropic": ids.anthropic_key(rng),
        "jwt_secret": ids.chars(rng, ids.ALNUM, 48),
        "jwt": ids.jwt_hs256(rng, {
            "iss": "https://auth.lumenframe.io", "sub": "svc-payout-notifier", "aud": "labelops-api",
            "scope": "payouts:read tasks:read", "iat": 1740787200, "exp": 1772323200,
        }),
        "rsa_pem": ids.rsa_private_key_pem(rng),
        "ssh_key": ids.openssh_private_key(rng),
    }


def group_iban(value: str) -> str:
    return ids.group(value, 4)


# --------------------------------------------------------------------------- shared tagging helpers


def tag_person(t: Tags, c: Contractor | Staff) -> str:
    return t("PERSON", c.name)


def tag_staff_signature(t: Tags, s: Staff) -> str:
    return (f"{t('PERSON', s.name)}\n{s.title}, {VENDOR}\n{t('PHONE_NUMBER', s.phone)} | "
            f"{t('EMAIL_ADDRESS', s.email)}\nContractor support: {t('EMAIL_ADDRESS', SUPPORT_EMAIL)} | "
            f"{t('PHONE_NUMBER', SUPPORT_PHONE)}")


def payout_cells(t: Tags, c: Contractor, grouped: bool = False) -> dict[str, str]:
    """The payment columns of one payout row, tagged."""
    account = ""
    if c.account:
        account = t("BANK_ACCOUNT", c.account)
    elif c.us_account:
        account = t("US_BANK_NUMBER", c.us_account)
    payee = ""
    if c.upi:
        payee = t("UPI_ID", c.upi)
    elif c.payee_email:
        payee = t("EMAIL_ADDRESS", c.payee_email)
    return {
        "iban": t("IBAN_CODE", group_iban(c.iban) if grouped else c.iban) if c.iban else "",
        "swift": t("SWIFT_CODE", c.bic) if c.bic else "",
        "account": account,
        "routing": t("ABA_ROUTING_NUMBER", c.routing) if c.routing else "",
        "ifsc": c.ifsc,
        "payee": payee,
        "wallet": t("CRYPTO", c.wallet) if c.wallet else "",
    }


def tag_national_id(t: Tags, c: Contractor) -> str:
    return t(c.national_id_label, c.national_id) if c.national_id else ""


def hours_amount(rng: random.Random, c: Contractor) -> tuple[float, float]:
    hours = round(rng.uniform(28, 168) * 2) / 2
    return hours, round(hours * c.rate, 2)


# --------------------------------------------------------------------------- PDF helper


class Pdf(FPDF):
    """fpdf2 with cp1252 core fonts, a fixed creation date and an optional footer line."""

    def __init__(self, footer_text: str = "", title: str = "") -> None:
        super().__init__()
        self.core_fonts_encoding = "windows-1252"
        self.footer_text = footer_text
        self.set_creation_date(FIXED_DT)
        self.set_auto_page_break(True, margin=18)
        self.set_margins(18, 16, 18)
        if title:
            self.set_title(title)
        self.set_creator("Lumenframe DocGen 3.2")

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font("helvetica", size=8)
        self.set_text_color(110)
        text = f"{self.footer_text}    Page {self.page_no()}" if self.footer_text else f"Page {self.page_no()}"
        self.cell(0, 6, text, align="C")
        self.set_text_color(0)

    def h1(self, text: str) -> None:
        self.set_font("helvetica", "B", 16)
        self.multi_cell(0, 9, text)
        self.ln(2)

    def h2(self, text: str) -> None:
        self.set_font("helvetica", "B", 12)
        self.ln(2)
        self.multi_cell(0, 7, text)
        self.ln(1)

    def para(self, text: str, size: int = 10) -> None:
        self.set_font("helvetica", size=size)
        self.multi_cell(0, 5.5, text)
        self.ln(1.5)

    def line_text(self, text: str, size: int = 10, bold: bool = False) -> None:
        self.set_font("helvetica", "B" if bold else "", size)
        self.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")

    def row(self, cells: list[str], widths: list[float], bold: bool = False) -> None:
        self.set_font("helvetica", "B" if bold else "", 9)
        for text, width in zip(cells, widths, strict=True):
            self.cell(width, 6.5, text, border=1)
        self.ln()


# --------------------------------------------------------------------------- Drive/Finance

PAYOUT_HEADER = ["Contractor ID", "Name", "Country", "Payout Method", "Bank", "IBAN", "SWIFT", "Account Number",
                 "Routing Number", "IFSC", "UPI / Payee Email", "Wallet", "Hours", "Amount", "Currency",
                 "Payout Date", "Reference"]


def payouts_xlsx(w: World) -> Blob:
    rng = rng_for("payouts-feb")
    t = Tags()
    wb = Workbook()
    ws = wb.active
    ws.title = "Payouts"
    ws.append(PAYOUT_HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    totals: dict[str, float] = {}
    for i, c in enumerate(w.contractors, start=1):
        p = payout_cells(t, c)
        hours, amount = hours_amount(rng, c)
        totals[c.currency] = totals.get(c.currency, 0.0) + amount
        ws.append([t("CONTRACTOR_ID", c.cid), tag_person(t, c), c.country_name, c.method, c.bank, p["iban"],
                   p["swift"], p["account"], p["routing"], p["ifsc"], p["payee"], p["wallet"], hours, amount,
                   "USD", datetime(2025, 2, 28), f"PAYOUT-2025-02-{i:04d}"])
        ws.cell(row=ws.max_row, column=16).number_format = "yyyy-mm-dd"
    for col, width in zip("ABCDEFGHIJKLMNOPQ", [14, 26, 14, 16, 22, 30, 14, 18, 14, 13, 30, 44, 8, 10, 9, 12, 20],
                          strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    summary = wb.create_sheet("Summary")
    summary.append(["Payout run", "2025-02"])
    summary.append(["Contractors paid", len(w.contractors)])
    summary.append(["Total (USD)", round(sum(totals.values()), 2)])
    summary.append(["Approved by", "Finance Operations"])
    summary.append(["Status", "RELEASED"])
    wb.properties.creator = "Lumenframe Finance"
    wb.properties.lastModifiedBy = "Lumenframe Finance"
    return office_blob(wb, t)


def payouts_csv(w: World) -> Blob:
    rng = rng_for("payouts-mar")
    t = Tags()
    rows: list[list[object]] = [[*PAYOUT_HEADER, "Notes"]]
    chosen = [c for c in w.contractors if rng.random() < 0.85]
    for i, c in enumerate(chosen, start=1):
        p = payout_cells(t, c, grouped=True)
        hours, amount = hours_amount(rng, c)
        note = rng.choice(["", "", "", "details re-confirmed", "new bank details received 2025-03-04",
                           "hold: KYC refresh due"])
        rows.append([t("CONTRACTOR_ID", c.cid), tag_person(t, c), c.country_name, c.method, c.bank, p["iban"],
                     p["swift"], p["account"], p["routing"], p["ifsc"], p["payee"], p["wallet"], f"{hours:.1f}",
                     f"{amount:.2f}", "USD", "2025-03-31", f"PAYOUT-2025-03-{i:04d}", note])
    return text_blob(csv_text(rows), t)


def invoice_pdf(w: World) -> Blob:
    c = w.of("NL")
    rng = rng_for("invoice")
    t = Tags()
    name, email, phone = t("PERSON", c.name), t("EMAIL_ADDRESS", c.email), t("PHONE_NUMBER", c.phone_intl)
    pdf = Pdf(footer_text=f"{name} - {email} - {phone}", title="Invoice INV-2025-000318")
    pdf.add_page()
    pdf.h1("INVOICE")
    pdf.line_text("Invoice number: INV-2025-000318        Date: 2025-03-03        Due: 2025-04-02")
    pdf.line_text("Purchase order: PO 4500012345")
    pdf.ln(4)
    pdf.line_text("From", bold=True)
    pdf.line_text(name)
    pdf.line_text(f"Independent contractor, {c.city}, {c.country_name}")
    pdf.line_text(f"Contractor ID: {t('CONTRACTOR_ID', c.cid)}")
    pdf.line_text(f"Email: {email}")
    pdf.line_text(f"Phone: {phone}")
    pdf.ln(3)
    pdf.line_text("Bill to", bold=True)
    pdf.line_text(f"{VENDOR} - Accounts Payable")
    pdf.line_text(f"Email: {t('EMAIL_ADDRESS', PAYOUTS_EMAIL)}")
    pdf.ln(4)
    pdf.row(["Description", "Qty (h)", "Rate (EUR)", "Amount (EUR)"], [96, 22, 26, 30], bold=True)
    total = 0.0
    lines = [("Preference ranking - BLUE HERON, weeks 5-6", 61.5), ("Preference ranking - BLUE HERON, weeks 7-8",
             58.0), ("Calibration session and gold review", 6.0), ("Rubric v4.2 re-training", 2.5)]
    for desc, qty in lines:
        amount = qty * c.rate
        total += amount
        pdf.row([desc, f"{qty:.1f}", f"{c.rate:.2f}", f"{amount:,.2f}"], [96, 22, 26, 30])
    pdf.row(["Total (reverse charge, VAT 0%)", "", "", f"{total:,.2f}"], [96, 22, 26, 30], bold=True)
    pdf.add_page()
    pdf.h2("Annex A - Timesheet (February 2025)")
    pdf.row(["Date", "Batch", "Hours", "Tasks"], [30, 90, 22, 22], bold=True)
    day = date(2025, 2, 3)
    while day <= date(2025, 2, 28):
        if day.weekday() < 5:
            pdf.row([day.isoformat(), f"bh-batch-{ids.uuid4(rng)[:8]}", f"{rng.choice([5.5, 6.0, 6.5, 7.0])}",
                     str(rng.randint(31, 58))], [30, 90, 22, 22])
        day += timedelta(days=1)
    pdf.add_page()
    pdf.h2("Annex B - Payment details")
    pdf.line_text(f"Account holder: {name}")
    pdf.line_text(f"Bank: {c.bank}")
    pdf.line_text(f"IBAN: {t('IBAN_CODE', group_iban(c.iban))}")
    pdf.line_text(f"BIC / SWIFT: {t('SWIFT_CODE', c.bic)}")
    pdf.line_text("Payment reference: INV-2025-000318")
    pdf.ln(3)
    pdf.para("Please pay within 30 days. Reverse charge: VAT to be accounted for by the recipient "
             "(Art. 196 Directive 2006/112/EC).")
    return pdf_blob(pdf, t)


def payment_instructions_docx(w: World) -> Blob:
    t = Tags()
    finance = STAFF["finance"]
    doc = Document()
    doc.core_properties.author = "Lumenframe Finance"
    doc.core_properties.last_modified_by = "Lumenframe Finance"
    doc.core_properties.title = "Payment instructions - batch LMF-PAY-2025-03-B"
    section = doc.sections[0]
    section.header.paragraphs[0].text = f"{VENDOR} — Finance Operations — CONFIDENTIAL"
    section.footer.paragraphs[0].text = f"{VENDOR} · {t('EMAIL_ADDRESS', SUPPORT_EMAIL)} · " \
                                        f"{t('PHONE_NUMBER', SUPPORT_PHONE)}"
    doc.add_paragraph("12 March 2025")
    doc.add_paragraph("To: International Payments Desk\nRe: Payment instructions — batch LMF-PAY-2025-03-B")
    doc.add_paragraph(
        "Please execute the following SEPA and SWIFT transfers on 31 March 2025 from our operating account. "
        "All amounts are in the beneficiary's currency; charges OUR. The batch total must not be split.")
    payees = [c for c in w.contractors if c.iban] + [w.of("KE", 0), w.of("NG", 1), w.of("PH", 4)]
    table = doc.add_table(rows=1, cols=7)
    table.style = "Table Grid"
    for cell, head in zip(table.rows[0].cells, ["#", "Contractor ID", "Beneficiary", "IBAN / Account", "BIC / SWIFT",
                                                "Amount", "Currency"], strict=True):
        cell.text = head
    rng = rng_for("instructions")
    comment_run = None
    for i, c in enumerate(payees, start=1):
        cells = table.add_row().cells
        cells[0].text = str(i)
        cells[1].text = t("CONTRACTOR_ID", c.cid)
        cells[2].text = tag_person(t, c)
        account = t("IBAN_CODE", group_iban(c.iban)) if c.iban else t("BANK_ACCOUNT", c.account)
        run = cells[3].paragraphs[0].add_run(account)
        if c is w.of("DE", 1):
            comment_run = run
        cells[4].text = t("SWIFT_CODE", c.bic)
        cells[5].text = f"{rng.uniform(400, 3200):,.2f}"
        cells[6].text = "EUR" if c.iban and not c.iban.startswith("BR") else c.currency
    doc.add_paragraph()
    doc.add_paragraph("Beneficiary details were verified against our contractor payout register. Please confirm "
                      "execution by reply to this letter.")
    sig = doc.add_paragraph("Kind regards,\n")
    sig.add_run(tag_staff_signature(t, finance))
    for p in doc.paragraphs:
        for r in p.runs:
            r.font.size = Pt(10.5)
    assert comment_run is not None
    doc.add_comment(comment_run, text="Beneficiary changed bank on 2025-03-03 (posted in #payments-help). "
                    "Call-back verification still pending - do not release this line until confirmed.",
                    author=finance.name, initials="MV")
    return office_blob(doc, t)


def card_expenses_csv(w: World) -> Blob:
    rng = rng_for("cards")
    t = Tags()
    cards = [(STAFF["finance"], ids.credit_card(rng, "amex")), (STAFF["delivery"], ids.credit_card(rng, "visa")),
             (STAFF["eng"], ids.credit_card(rng, "mastercard"))]
    merchants = [("AWS EMEA", "Cloud"), ("Figma", "Software"), ("Notion Labs", "Software"), ("Zoom Video", "Software"),
                 ("Lufthansa", "Travel"), ("Hotel Ibis Nairobi", "Travel"), ("Label Studio Enterprise", "Software"),
                 ("Uber", "Travel"), ("WeWork", "Office")]
    rows: list[list[object]] = [["Transaction Date", "Posted Date", "Cardholder", "Card Number", "Merchant",
                                 "Category", "Amount (USD)", "Receipt ID", "Memo"]]
    for i in range(18):
        holder, number = cards[i % len(cards)]
        day = date(2025, 2, 1) + timedelta(days=rng.randint(0, 26))
        merchant, cat = rng.choice(merchants)
        shown = t("CREDIT_CARD", number) if i % 4 else f"XXXX-XXXX-XXXX-{number[-4:]}"
        rows.append([day.strftime("%m/%d/%Y"), (day + timedelta(days=2)).strftime("%m/%d/%Y"),
                     t("PERSON", holder.name), shown, merchant, cat, f"{rng.uniform(12, 2400):.2f}",
                     f"RCPT-{rng.randint(100000, 999999)}", rng.choice(["", "annotator seats", "Feb invoice",
                                                                           "client offsite", "team travel"])])
    return text_blob(csv_text(rows), t)


def gateway_rejects_log(w: World) -> Blob:
    rng = rng_for("rejects")
    t = Tags()
    lines = []
    base = datetime(2025, 3, 3, 6, 0, 0, tzinfo=UTC)
    reasons = ["IBAN_CHECKSUM", "BENEFICIARY_NAME_MISMATCH", "CARD_REF_INVALID", "LIMIT_EXCEEDED"]
    for i in range(10):
        c = w.contractors[rng.randrange(len(w.contractors))]
        when = base + timedelta(minutes=17 * i + rng.randint(0, 9))
        reason = reasons[i % len(reasons)]
        extra = ""
        if reason == "IBAN_CHECKSUM":
            extra = f" iban={ids.broken_iban(rng)}"
        elif reason == "CARD_REF_INVALID":
            extra = f" card_ref={ids.non_luhn_16(rng)}"
        lines.append(f"{when.isoformat().replace('+00:00', 'Z')} WARN payout-gw payout_id={ids.uuid4(rng)} "
                     f"contractor={t('CONTRACTOR_ID', c.cid)} action=TRANSFER status=REJECTED reason={reason}{extra}")
    lines.append("2025-03-03T09:12:44Z INFO payout-gw batch LMF-PAY-2025-03-A: 10 rejected, DEADLINE 2025-03-07 "
                 "for resubmission (ops ticket OPS-4471)")
    lines.append("2025-03-03T09:12:45Z INFO payout-gw gateway v3.8.1-build.20250228 (api 2025-01-27.acacia)")
    return text_blob("\n".join(lines) + "\n", t)


def write_finance(share: Share, w: World) -> Blob:
    share.write("Drive/Finance/Payouts_2025-02.xlsx", payouts_xlsx(w))
    share.write("Drive/Finance/payouts_2025-03.csv", payouts_csv(w))
    invoice = share.write("Drive/Finance/Invoice_INV-2025-000318.pdf", invoice_pdf(w))
    share.write("Drive/Finance/Payment_Instructions_LMF-PAY-2025-03-B.docx", payment_instructions_docx(w))
    share.write("Drive/Finance/corporate_card_transactions_2025-02.csv", card_expenses_csv(w))
    share.write("Drive/Finance/payout_gateway_rejects_2025-03-03.log", gateway_rejects_log(w))
    return invoice


# --------------------------------------------------------------------------- Drive/HR


def roster_csv(w: World) -> Blob:
    t = Tags()
    rows: list[list[object]] = [["Contractor ID", "Full Name", "Email", "Phone", "Country", "City", "Project",
                                 "Start Date", "Status", "Hourly Rate (USD)"]]
    for c in w.contractors:
        rows.append([t("CONTRACTOR_ID", c.cid), tag_person(t, c), t("EMAIL_ADDRESS", c.email),
                     t("PHONE_NUMBER", c.phone_intl), c.country_name, c.city, c.project, c.start.isoformat(),
                     "Active", f"{c.rate:.2f}"])
    return text_blob(csv_text(rows), t)


def legacy_roster_tsv(w: World) -> Blob:
    t = Tags()
    rows: list[list[object]] = [["legacy_id", "new_id", "name", "personal_email", "mobile", "country", "onboarded"]]
    for c in w.contractors:
        if c.legacy_cid:
            rows.append([t("CONTRACTOR_ID", c.legacy_cid), t("CONTRACTOR_ID", c.cid), tag_person(t, c),
                         t("EMAIL_ADDRESS", c.email), t("PHONE_NUMBER", c.phone_local), c.country,
                         c.start.strftime("%d/%m/%Y")])
    return text_blob(csv_text(rows, delimiter="\t"), t)


def onboarding_docx(c: Contractor, form: str) -> Blob:
    t = Tags()
    doc = Document()
    doc.core_properties.author = "Lumenframe Onboarding"
    doc.core_properties.title = f"{form} - contractor onboarding"
    section = doc.sections[0]
    section.header.paragraphs[0].text = f"{VENDOR} — Contractor Onboarding — CONFIDENTIAL"
    section.footer.paragraphs[0].text = (f"Questions: {t('EMAIL_ADDRESS', SUPPORT_EMAIL)} · "
                                         f"{t('PHONE_NUMBER', SUPPORT_PHONE)}")
    if form == "W-9":
        doc.add_heading("Form W-9 (contractor copy) — Request for Taxpayer Identification Number", level=1)
    else:
        doc.add_heading("Form W-8BEN (contractor copy) — Certificate of Foreign Status of Beneficial Owner", level=1)
    doc.add_paragraph("Collected for US tax reporting of contractor payments. Completed forms are returned to "
                      f"{t('EMAIL_ADDRESS', KYC_EMAIL)}; originals are kept for seven years.")
    fields: list[tuple[str, str]] = [("Name of individual", tag_person(t, c))]
    if form == "W-9":
        fields += [
            ("Federal tax classification", "Individual / sole proprietor"),
            ("City, state", f"{c.city}, USA"),
            ("Part I — Taxpayer Identification Number (SSN)", tag_national_id(t, c)),
        ]
    else:
        fields += [
            ("Country of citizenship", c.country_name),
            ("Permanent residence (city, country)", f"{c.city}, {c.country_name}"),
            ("U.S. taxpayer identification number (SSN or ITIN)", "Not applicable"),
            (f"6a. Foreign tax identifying number ({c.national_id_name})", tag_national_id(t, c)),
            ("Date of birth (MM-DD-YYYY)", c.dob.strftime("%m-%d-%Y")),
        ]
        if c.aadhaar:
            fields.append(("Aadhaar number (KYC)", t("IN_AADHAAR", c.aadhaar)))
    if c.passport:
        fields.append(("Passport number", t("PASSPORT", c.passport)))
    fields += [
        ("7. Reference number (Contractor ID)", t("CONTRACTOR_ID", c.cid)),
        ("Contact email", t("EMAIL_ADDRESS", c.email)),
        ("Contact phone", t("PHONE_NUMBER", c.phone_intl)),
    ]
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in fields:
        row = table.add_row().cells
        row[0].text, row[1].text = label, value
    if form == "W-8BEN":
        doc.add_paragraph(f"Part II — Claim of tax treaty benefits: I certify that the beneficial owner is a resident "
                          f"of {c.country_name} within the meaning of the income tax treaty between the United States "
                          "and that country (if any).")
    doc.add_paragraph("Part III — Certification: Under penalties of perjury, I declare that I have examined the "
                      "information on this form and to the best of my knowledge and belief it is true, correct, "
                      "and complete.")
    doc.add_paragraph(f"Signature: /s/ {c.name}        Date: {(c.start - timedelta(days=3)).isoformat()}")
    return office_blob(doc, t)


def all_hands_pptx(w: World) -> Blob:
    t = Tags()
    prs = Presentation()
    prs.core_properties.author = "Lumenframe People Team"
    prs.core_properties.title = "All-Hands March 2025"
    spotlight = [w.of("PH", 5), w.of("IN", 2), w.of("KE", 3)]
    hr, delivery, finance = STAFF["hr"], STAFF["delivery"], STAFF["finance"]

    def slide(title: str, bullets: list[str], notes: str) -> None:
        layout = prs.slide_layouts[1]
        s = prs.slides.add_slide(layout)
        s.shapes.title.text = title
        body = s.placeholders[1].text_frame
        body.text = bullets[0]
        for b in bullets[1:]:
            body.add_paragraph().text = b
        s.notes_slide.notes_text_frame.text = notes

    title = prs.slides.add_slide(prs.slide_layouts[0])
    title.shapes.title.text = "Lumenframe All-Hands — March 2025"
    title.placeholders[1].text = "Delivery, quality and payouts"
    title.notes_slide.notes_text_frame.text = (
        f"Welcome everyone. Introduce {t('PERSON', delivery.name)} (delivery) and {t('PERSON', hr.name)} (HR). "
        "Remind people the recording stays internal.")
    slide("Delivery by project", [
        "BLUE HERON (Halcyon Labs) — 412,800 preference pairs, alpha 0.66",
        "MARIGOLD (Corvid AI) — 38,200 SFT demonstrations",
        "KESTREL — 9,450 graded agent trajectories",
        "SAFFRON (Quillmark AI) — 61,000 step labels",
    ], "Numbers are as of 28 Feb. KESTREL client name stays off slides per contract.")
    slide("Contractor spotlight", [f"{tag_person(t, c)} — {c.country_name} — {c.project}" for c in spotlight],
          "Thank them by name. If anyone wants a calibration buddy, they agreed to be contacted: "
          + "; ".join(f"{c.name} ({t('EMAIL_ADDRESS', c.email)})" for c in spotlight)
          + f". {spotlight[0].name} also offered WhatsApp: {t('PHONE_NUMBER', spotlight[0].phone_intl)}.")
    slide("Payouts & support", [
        "Payout date: last business day of the month",
        "Update bank details in the portal only — never in Slack",
        f"Questions: {t('EMAIL_ADDRESS', SUPPORT_EMAIL)} · {t('PHONE_NUMBER', SUPPORT_PHONE)}",
    ], f"Finance contact for escalations: {t('PERSON', finance.name)}, {t('EMAIL_ADDRESS', finance.email)}.")
    slide("Q&A", ["Questions in #general or at the mic"], "Close by 15:00 UTC.")
    return office_blob(prs, t)


def kyc_notes_utf16(w: World) -> Blob:
    t = Tags()
    hr = STAFF["hr"]
    picks = [w.of("IN", 0), w.of("IN", 3), w.of("IN", 6), w.of("KE", 0), w.of("KE", 1), w.of("KE", 2),
             w.of("NG", 0), w.of("NG", 1), w.of("PH", 1), w.of("PH", 2), w.of("US", 0), w.of("US", 3)]
    out = ["KYC REVIEW NOTES — Batch 3 (February 2025)", f"Reviewer: {t('PERSON', hr.name)}",
           "Source documents stored in the KYC vault; these notes must not leave HR.", ""]
    for i, c in enumerate(picks):
        out.append(f"[{t('CONTRACTOR_ID', c.cid)}] {tag_person(t, c)} — {c.country_name}")
        if c.country == "KE":
            out.append(f"  National ID No.: {tag_national_id(t, c)} (front/back scan OK)")
        elif c.national_id:
            out.append(f"  {c.national_id_name}: {tag_national_id(t, c)}")
        if c.aadhaar:
            out.append(f"  Aadhaar: {t('IN_AADHAAR', c.aadhaar)} (full number received; asked for masked copy)")
        if c.passport:
            out.append(f"  Passport No.: {t('PASSPORT', c.passport)}, expiry 20{31 + i % 5}-0{1 + i % 9}-15")
        out.append(f"  Phone verified by OTP: {t('PHONE_NUMBER', c.phone_intl)}")
        out.append(f"  Result: {'VERIFIED' if i % 5 else 'PENDING - selfie mismatch'} 2025-02-{10 + i:02d}")
        out.append("")
    return Blob("\ufeff".encode("utf-16-le") + "\r\n".join(out).encode("utf-16-le"), t)


def kyc_notes_cp1252(w: World) -> Blob:
    t = Tags()
    quality = STAFF["quality"]
    picks = [c for c in w.contractors if c.country in {"BR", "DE", "FR", "NL", "ES"} and c.passport]
    out = ["Notas KYC / KYC notes — EU & Brazil contractors (export from reviewer laptop, cp1252)",
           f"Second reviewer: {t('PERSON', quality.name)}", ""]
    for c in picks:
        out.append(f"* {tag_person(t, c)} ({t('CONTRACTOR_ID', c.cid)}), {c.city}, {c.country_name}")
        out.append(f"    Passport: {t('PASSPORT', c.passport)}")
        if c.national_id:
            out.append(f"    CPF: {tag_national_id(t, c)}")
        if c.iban:
            out.append(f"    IBAN on file: {t('IBAN_CODE', c.iban)}  BIC: {t('SWIFT_CODE', c.bic)}")
        elif c.account:
            out.append(f"    Conta: {t('BANK_ACCOUNT', c.account)}  Agência: {c.extra.get('agencia', '')}")
        out.append("    Address proof: utility bill, dated within 3 months — OK")
        out.append("")
    text = "\r\n".join(out)
    return Blob(text.encode("cp1252"), t)


def team_directory_html(w: World) -> Blob:
    t = Tags()
    leads = [w.of("IN", 1), w.of("PH", 0), w.of("NG", 2), w.of("BR", 1), w.of("US", 1), w.of("ES", 0)]
    rows = []
    for s in STAFF.values():
        email = t("EMAIL_ADDRESS", s.email)
        rows.append(f"<tr><td>{t('PERSON', s.name)}</td><td>{s.title}</td>"
                    f"<td><a href=\"mailto:{email}\">{email}</a></td><td>{t('PHONE_NUMBER', s.phone)}</td></tr>")
    lead_rows = []
    for c in leads:
        lead_rows.append(f"<tr><td>{tag_person(t, c)}</td><td>{t('CONTRACTOR_ID', c.cid)}</td><td>{c.project}</td>"
                         f"<td>{t('EMAIL_ADDRESS', c.email)}</td><td>{t('PHONE_NUMBER', c.phone_intl)}</td></tr>")
    support = f"{t('EMAIL_ADDRESS', SUPPORT_EMAIL)} · {t('PHONE_NUMBER', SUPPORT_PHONE)}"
    html = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Team directory — {VENDOR}</title>
<style>body{{font-family:sans-serif}} table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px}}</style>
</head>
<body>
<h1>Team directory</h1>
<p>Internal page — last updated 2025-03-01. Do not forward outside Lumenframe.</p>
<h2>Staff</h2>
<table>
<tr><th>Name</th><th>Role</th><th>Email</th><th>Phone</th></tr>
{chr(10).join(rows)}
</table>
<h2>Contractor team leads</h2>
<table>
<tr><th>Name</th><th>Contractor ID</th><th>Project</th><th>Email</th><th>Phone</th></tr>
{chr(10).join(lead_rows)}
</table>
<footer><p>Contractor support: {support}</p></footer>
</body>
</html>
"""
    return text_blob(html, t)


def hris_xml(w: World) -> Blob:
    t = Tags()
    parts = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<hrisExport system="PeopleGrid" version="7.4" exported="2025-03-01T02:00:00Z" tenant="lumenframe">']
    for c in w.contractors:
        parts.append("  <worker>")
        parts.append(f"    <workerId>{t('CONTRACTOR_ID', c.cid)}</workerId>")
        if c.legacy_cid:
            parts.append(f"    <legacyId>{t('CONTRACTOR_ID', c.legacy_cid)}</legacyId>")
        parts.append(f"    <fullName>{tag_person(t, c)}</fullName>")
        parts.append(f"    <email>{t('EMAIL_ADDRESS', c.email)}</email>")
        parts.append(f"    <mobile>{t('PHONE_NUMBER', c.phone_e164)}</mobile>")
        parts.append(f"    <country>{c.country}</country>")
        parts.append(f"    <dateOfBirth>{c.dob.isoformat()}</dateOfBirth>")
        if c.national_id:
            scheme = {"US_SSN": "SSN", "IN_PAN": "PAN", "PH_TIN": "TIN", "NG_NIN": "NIN", "BR_CPF": "CPF",
                      "KE_NATIONAL_ID": "KE-ID"}[c.national_id_label]
            parts.append(f'    <taxId scheme="{scheme}">{tag_national_id(t, c)}</taxId>')
        if c.aadhaar:
            parts.append(f'    <nationalId scheme="AADHAAR">{t("IN_AADHAAR", c.aadhaar)}</nationalId>')
        if c.passport:
            parts.append(f"    <passportNumber>{t('PASSPORT', c.passport)}</passportNumber>")
        parts.append(f'    <engagement project="{c.project}" start="{c.start.isoformat()}" rate="{c.rate:.2f}" '
                     'currency="USD" status="active"/>')
        parts.append("  </worker>")
    parts.append("</hrisExport>")
    return text_blob("\n".join(parts) + "\n", t)


def write_hr(share: Share, w: World) -> None:
    share.write("Drive/HR/contractor_roster_2025Q1.csv", roster_csv(w))
    share.write("Drive/HR/roster_legacy_export_2023.tsv", legacy_roster_tsv(w))
    for c, form in [(w.of("IN", 0), "W-8BEN"), (w.of("BR", 2), "W-8BEN"), (w.of("NG", 3), "W-8BEN"),
                    (w.of("PH", 3), "W-8BEN"), (w.of("US", 0), "W-9"), (w.of("US", 2), "W-9")]:
        share.write(f"Drive/HR/onboarding/{form}_{c.cid}.docx", onboarding_docx(c, form))
    share.write("Drive/HR/All-Hands_2025-03.pptx", all_hands_pptx(w))
    share.write("Drive/HR/KYC/kyc_review_notes_batch3.txt", kyc_notes_utf16(w))
    share.write("Drive/HR/KYC/kyc_notas_EU_BR.txt", kyc_notes_cp1252(w))
    share.write("Drive/HR/team_directory.html", team_directory_html(w))
    share.write("Drive/HR/hris_export_2025-03-01.xml", hris_xml(w))


# --------------------------------------------------------------------------- Slack-export

TEAM = "T04LMF0K2"


def slack_ts(day: str, hhmmss: str, micro: int) -> str:
    dt = datetime.fromisoformat(f"{day}T{hhmmss}+00:00")
    return f"{int(dt.timestamp())}.{micro:06d}"


@dataclass
class SlackUser:
    uid: str
    handle: str
    person: Contractor | Staff
    restricted: bool

    @property
    def name(self) -> str:
        return self.person.name


def slack_users(w: World) -> list[SlackUser]:
    users = [SlackUser(f"U05LMF{n:03d}", s.email.split("@")[0], s, False)
             for n, s in enumerate(STAFF.values(), start=101)]
    members = [w.of("IN", 0), w.of("IN", 5), w.of("IN", 2), w.of("PH", 1), w.of("PH", 5), w.of("PH", 6),
               w.of("KE", 0), w.of("KE", -1), w.of("NG", 2), w.of("NG", -1), w.of("BR", -1), w.of("US", 1),
               w.of("US", 5), w.of("DE", 1), w.of("ES", 1), w.of("FR", 0)]
    for n, c in enumerate(members, start=201):
        handle = c.email.split("@")[0]
        users.append(SlackUser(f"U06LMF{n:03d}", handle, c, True))
    return users


def users_json(users: list[SlackUser]) -> Blob:
    import unicodedata

    t = Tags()
    out: list[dict[str, object]] = []
    for u in users:
        p = u.person
        real = tag_person(t, p)
        normalized = unicodedata.normalize("NFKD", real).encode("ascii", "ignore").decode()
        if normalized != real:
            t("PERSON", normalized)
        phone = p.phone if isinstance(p, Staff) else p.phone_intl
        title = p.title if isinstance(p, Staff) else f"Contractor · {p.project}"
        out.append({
            "id": u.uid, "team_id": TEAM, "name": u.handle, "deleted": False, "color": "9f69e7",
            "real_name": real, "tz": "UTC", "tz_label": "Coordinated Universal Time", "tz_offset": 0,
            "profile": {
                "title": title, "phone": t("PHONE_NUMBER", phone), "skype": "", "real_name": real,
                "real_name_normalized": normalized, "display_name": "", "display_name_normalized": "",
                "fields": None, "status_text": "", "status_emoji": "", "avatar_hash": f"g{u.uid[-6:].lower()}a1b2",
                "email": t("EMAIL_ADDRESS", p.email),
                "image_72": f"https://secure.gravatar.com/avatar/{u.uid.lower()}.jpg?s=72", "team": TEAM,
            },
            "is_admin": not u.restricted, "is_owner": u.uid == "U05LMF102", "is_primary_owner": False,
            "is_restricted": u.restricted, "is_ultra_restricted": False, "is_bot": False, "is_app_user": False,
            "updated": 1740700800, "is_email_confirmed": True,
        })
    out.append({"id": "U05LMFBOT", "team_id": TEAM, "name": "labelops-bot", "deleted": False, "real_name":
                "LabelOps Bot", "profile": {"real_name": "LabelOps Bot", "bot_id": "B05LMFBOT", "team": TEAM},
                "is_bot": True, "updated": 1740700800})
    return text_blob(json_text(out, indent=4), t)


def channels_json(users: list[SlackUser]) -> Blob:
    everyone = [u.uid for u in users]
    staff = [u.uid for u in users if not u.restricted]
    spec = [("C04LMFGEN", "general", "Company-wide announcements", everyone),
            ("C05LMFPAY", "payments-help", "Payout questions. Never post bank details here — use the portal.",
             everyone),
            ("C05LMFENG", "eng-alerts", "Deploys, CI and on-call", staff),
            ("C05LMFBHN", "proj-blue-heron", "BLUE HERON annotators and QA", everyone)]
    out = [{"id": cid, "name": name, "created": 1650000000 + i * 86400 * 40, "creator": "U05LMF102",
            "is_archived": False, "is_general": name == "general", "members": members,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": purpose, "creator": "U05LMF102", "last_set": 1650000000 + i * 86400 * 40}}
           for i, (cid, name, purpose, members) in enumerate(spec)]
    return text_blob(json_text(out, indent=4))


class SlackDay:
    """Messages of one channel-day; every message carries the poster's user_profile like real exports."""

    def __init__(self, day: str, by_uid: dict[str, SlackUser]) -> None:
        self.day, self.by_uid, self.t = day, by_uid, Tags()
        self.messages: list[dict[str, object]] = []
        self.rng = rng_for(f"slack/{day}")

    def post(self, user: SlackUser, hhmmss: str, text: str, **extra: object) -> str:
        ts = slack_ts(self.day, hhmmss, self.rng.randint(100, 999999))
        real = tag_person(self.t, user.person)
        msg: dict[str, object] = {
            "client_msg_id": ids.uuid4(self.rng), "type": "message", "text": text, "user": user.uid, "ts": ts,
            "team": TEAM, "user_team": TEAM, "source_team": TEAM,
            "user_profile": {"avatar_hash": f"g{user.uid[-6:].lower()}a1b2",
                             "image_72": f"https://secure.gravatar.com/avatar/{user.uid.lower()}.jpg?s=72",
                             "first_name": "", "real_name": real, "display_name": "", "team": TEAM,
                             "name": user.handle, "is_restricted": user.restricted, "is_ultra_restricted": False},
        }
        msg.update(extra)
        self.messages.append(msg)
        return ts

    def bot(self, hhmmss: str, text: str) -> None:
        self.messages.append({"type": "message", "subtype": "bot_message", "text": text, "username": "LabelOps Bot",
                              "bot_id": "B05LMFBOT", "ts": slack_ts(self.day, hhmmss, self.rng.randint(100, 999999))})

    def join(self, user: SlackUser, hhmmss: str) -> None:
        self.messages.append({"type": "message", "subtype": "channel_join", "user": user.uid,
                              "text": f"<@{user.uid}> has joined the channel",
                              "ts": slack_ts(self.day, hhmmss, self.rng.randint(100, 999999))})

    def blob(self) -> Blob:
        return text_blob(json_text(self.messages, indent=4), self.t)


def mailto(t: Tags, email: str) -> str:
    t("EMAIL_ADDRESS", email)
    return f"<mailto:{email}|{email}>"


def write_slack(share: Share, w: World) -> None:
    users = slack_users(w)
    by_uid = {u.uid: u for u in users}
    u = {("staff", key): users[i] for i, key in enumerate(STAFF)}
    cu = users[len(STAFF):]
    share.write("Slack-export/users.json", users_json(users))
    share.write("Slack-export/channels.json", channels_json(users))
    share.write("Slack-export/integration_logs.json", text_blob(json_text({"logs": [
        {"service_id": "B05LMFBOT", "service_type": "Bot", "user_id": "U05LMF104", "user_name": "devon.okafor",
         "date": "1740960000", "change_type": "added", "scope": "chat:write,files:read"}]}, indent=4)))
    delivery, quality, hr, finance, eng = (u[("staff", k)] for k in ("delivery", "quality", "hr", "finance", "eng"))
    creds = w.creds

    d = SlackDay("2025-03-03", by_uid)
    d.post(delivery, "08:02:11", "Reminder: March all-hands is Thursday 14:00 UTC, deck is in Drive/HR. Please check "
           "your payout details in the portal before the 25th.")
    c0 = cu[0]
    d.join(c0, "08:40:05")
    d.post(c0, "08:41:37", f"Hi everyone! I'm {c0.name}, contractor ID {d.t('CONTRACTOR_ID', c0.person.cid)}, "
           f"joining BLUE HERON this week from {c0.person.city}.")
    d.post(cu[4], "09:15:02", "Good evening from the Philippines! Is the BLUE HERON queue empty for anyone else?")
    d.post(quality, "09:21:48", "Queue refills at 16:00 UTC. Please read rubric v4.2 before starting — the honesty "
           "section changed.")
    share.write("Slack-export/general/2025-03-03.json", d.blob())

    d = SlackDay("2025-03-04", by_uid)
    ke = cu[6]
    d.post(ke, "06:55:40", "The annotation tool keeps logging me out since yesterday. If someone from support can call "
           f"me: {d.t('PHONE_NUMBER', ke.person.phone_local)} (WhatsApp works too)")
    d.post(hr, "07:10:03", f"Sorry about that! Please email {mailto(d.t, SUPPORT_EMAIL)} or call "
           f"{d.t('PHONE_NUMBER', SUPPORT_PHONE)} — and please don't post personal numbers in #general")
    us = next(x for x in cu if isinstance(x.person, Contractor) and x.person.country == "US" and x.person.legacy_cid)
    legacy = us.person.legacy_cid
    d.post(us, "13:30:12", f"Quick one: my old ID from onboarding was {d.t('CONTRACTOR_ID', legacy)}, do I need to "
           "re-register in the new portal?")
    d.post(hr, "13:42:55", f"No, it's linked to your new ID {d.t('CONTRACTOR_ID', us.person.cid)}. Same login.")
    d.post(cu[15], "15:01:09", f"Bonjour ! For the record my email changed to {mailto(d.t, cu[15].person.email)}")
    share.write("Slack-export/general/2025-03-04.json", d.blob())

    d = SlackDay("2025-03-04", by_uid)
    de = cu[13].person
    d.post(cu[13], "07:48:21", f"Hi <@{finance.uid}>, I switched banks. New details: IBAN "
           f"{d.t('IBAN_CODE', group_iban(de.iban))}, BIC {d.t('SWIFT_CODE', de.bic)}. Account holder "
           f"{d.t('PERSON', de.name)}.")
    inp = cu[0].person
    d.post(cu[0], "08:03:10", f"For March please use my UPI {d.t('UPI_ID', inp.upi)} instead of the bank account "
           f"{d.t('BANK_ACCOUNT', inp.account)} (IFSC {inp.ifsc})")
    d.post(finance, "08:30:44", "Thanks both — updated. Next time please use the payout portal, Slack is not a secure "
           "channel for bank details.")
    d.post(ke, "10:12:37", f"KYC asked for my ID again: National ID No. {d.t('KE_NATIONAL_ID', ke.person.national_id)}"
           f", M-Pesa {d.t('PHONE_NUMBER', ke.person.phone_intl)}")
    ng = cu[8].person
    d.post(cu[8], "11:20:00", f"My NIN is {d.t('NG_NIN', ng.national_id)} and account {d.t('BANK_ACCOUNT', ng.account)}"
           f" at {ng.bank}, please confirm you received it")
    share.write("Slack-export/payments-help/2025-03-04.json", d.blob())

    d = SlackDay("2025-03-06", by_uid)
    ng_w, ke_w, br_w = cu[9].person, cu[7].person, cu[10].person
    d.post(cu[9], "09:02:15", f"Can February be paid in USDT (ERC-20)? Wallet: {d.t('CRYPTO', ng_w.wallet)}")
    d.post(cu[7], "09:05:51", f"Same for me, BTC please: {d.t('CRYPTO', ke_w.wallet)}")
    d.post(cu[10], "09:31:27", f"Meu endereço BTC / my BTC address: {d.t('CRYPTO', br_w.wallet)}")
    d.post(finance, "10:00:03", "We can't pay in crypto yet (compliance review pending). Reverting all three to bank "
           "transfer for February.")
    card = ids.credit_card(rng_for("slack-card"), "visa")
    d.post(cu[12], "14:44:19", f"I paid the annotation-tool seat myself, card {d.t('CREDIT_CARD', ids.group(card))} "
           "exp 09/27 — can that be reimbursed?")
    d.post(finance, "14:50:30", "Please never post card numbers here! Submit an expense claim instead. Exceptions list "
           "for February attached.", files=[{
               "id": "F06LMF7Q2", "created": 1741272630, "timestamp": 1741272630,
               "name": "payout_exceptions_2025-02.csv", "title": "payout_exceptions_2025-02.csv",
               "mimetype": "text/csv", "filetype": "csv", "pretty_type": "CSV", "user": finance.uid, "size": 1312,
               "mode": "hosted", "is_external": False, "is_public": False,
               "url_private": f"https://files.slack.com/files-pri/{TEAM}-F06LMF7Q2/payout_exceptions_2025-02.csv",
               "permalink": f"https://lumenframe.slack.com/files/{finance.uid}/F06LMF7Q2/"
                            "payout_exceptions_2025-02.csv"}])
    share.write("Slack-export/payments-help/2025-03-06.json", d.blob())

    d = SlackDay("2025-03-05", by_uid)
    d.bot("07:00:02", "Deploy labelops-api v2.14.3 (9f3c2e1) to production: succeeded in 4m12s")
    d.post(eng, "07:31:45", "CI is red because the deploy token expired, I rotated it:\n```export GITHUB_TOKEN="
           f"{d.t('GITHUB_TOKEN', creds['github_ci'])}```")
    d.post(eng, "07:33:10", f"also the payout notifier bot token is now `{d.t('SLACK_TOKEN', creds['slack'])}` "
           "(updated in settings.yaml)")
    d.post(delivery, "07:40:58", "Please don't paste secrets in Slack, rotate both again after the release 😬")
    d.post(eng, "11:02:27", "debugging the 401s: ```curl -H 'Authorization: Bearer "
           f"{d.t('JWT', creds['jwt'])}' https://api.lumenframe.io/v1/payouts?status=held```")
    d.bot("11:30:00", "Alert resolved: payout-notifier 5xx rate < 1% (build 2025.03.05.1130)")
    share.write("Slack-export/eng-alerts/2025-03-05.json", d.blob())

    d = SlackDay("2025-03-03", by_uid)
    d.post(quality, "10:05:00", "Rubric v4.2 is live. Key change: fabricated citations cap Honesty at 2.")
    d.post(cu[1], "10:17:31", f"{d.t('CONTRACTOR_ID', cu[1].person.cid)} here — is 'About the same' still limited "
           "to 15%?")
    d.post(quality, "10:20:12", "Yes. Also Halcyon Labs asked for more detail in harmlessness rationales.")
    parent = d.post(cu[5], "11:48:09", "Gold task BH-GOLD-0412 looks wrong to me, the expected preference "
                    "contradicts 4.3")
    d.post(quality, "12:02:40", "Good catch, pulled it. Thanks!", thread_ts=parent, parent_user_id=cu[5].uid)
    share.write("Slack-export/proj-blue-heron/2025-03-03.json", d.blob())


# --------------------------------------------------------------------------- Email


def addr(t: Tags, name: str, email: str, person: bool = True) -> str:
    if person:
        t("PERSON", name)
    return f"{name} <{t('EMAIL_ADDRESS', email)}>"


def payout_exceptions_csv(w: World) -> Blob:
    t = Tags()
    rows: list[list[object]] = [["contractor_id", "name", "country", "method", "iban_or_account", "issue"]]
    picks = [w.of("DE", 1), w.of("NG", 4), w.of("IN", 0), w.of("KE", -1), w.of("BR", 3), w.of("PH", 7)]
    issues = ["bank changed via Slack, call-back pending", "beneficiary name mismatch", "UPI preferred for March",
              "requested crypto payout", "account closed (returned)", "PayPal limit reached"]
    for c, issue in zip(picks, issues, strict=True):
        account = (t("IBAN_CODE", c.iban) if c.iban else t("BANK_ACCOUNT", c.account) if c.account else "")
        rows.append([t("CONTRACTOR_ID", c.cid), tag_person(t, c), c.country, c.method, account, issue])
    return text_blob(csv_text(rows), t)


def batch12_zip(w: World) -> Blob:
    rng = rng_for("batch12")
    annotators = w.on("BLUE HERON")[:6]
    t_sum = Tags()
    rows: list[list[object]] = [["annotator_id", "annotator_email", "tasks", "gold_accuracy", "avg_minutes"]]
    for c in annotators:
        rows.append([t_sum("CONTRACTOR_ID", c.cid), t_sum("EMAIL_ADDRESS", c.email), rng.randint(180, 420),
                     f"{rng.uniform(0.78, 0.97):.2f}", f"{rng.uniform(3.5, 8.0):.1f}"])
    t_qa = Tags()
    qa = ("Batch 12 QA notes\n=================\n"
          f"- {t_qa('CONTRACTOR_ID', annotators[0].cid)}: 3 rationales too short, coached on 2025-03-05\n"
          f"- {t_qa('CONTRACTOR_ID', annotators[2].cid)}: excellent harmlessness calibration\n"
          "- 14 items re-queued after gold BH-GOLD-0412 was withdrawn\n"
          f"Reviewed by {t_qa('PERSON', STAFF['quality'].name)}\n")
    t_raw = Tags()
    raw: list[list[object]] = [["item_id", "annotator_id", "preference", "strength", "labeled_at"]]
    for i in range(30):
        c = annotators[i % len(annotators)]
        raw.append([f"BH12-{i + 1:05d}", t_raw("CONTRACTOR_ID", c.cid), rng.choice(["A", "B", "tie"]),
                    rng.randint(1, 7),
                    f"2025-03-0{rng.randint(3, 6)}T{rng.randint(6, 20):02d}:{rng.randint(0, 59):02d}Z"])
    inner = zip_blob({"labels_part1.csv": text_blob(csv_text(raw), t_raw)})
    return zip_blob({"batch12/annotator_summary.csv": text_blob(csv_text(rows), t_sum),
                     "batch12/qa/qa_notes.txt": text_blob(qa, t_qa),
                     "batch12/raw/labels_part1.zip": inner}, dirs=["batch12", "batch12/qa", "batch12/raw"])


def kyc_request_pdf(c: Contractor) -> Blob:
    t = Tags()
    pdf = Pdf(footer_text=f"{VENDOR} - {t('EMAIL_ADDRESS', KYC_EMAIL)}", title="KYC request")
    pdf.add_page()
    pdf.h1("KYC document request")
    pdf.para("To keep receiving payouts, please confirm the details below and upload a clear photo of your "
             "national ID (front and back) in the contractor portal within 14 days.")
    for label, value in [("Name", tag_person(t, c)), ("Contractor ID", t("CONTRACTOR_ID", c.cid)),
                         ("National ID No.", tag_national_id(t, c)),
                         ("Passport No.", t("PASSPORT", c.passport) if c.passport else "not provided"),
                         ("Registered phone", t("PHONE_NUMBER", c.phone_intl)),
                         ("Registered email", t("EMAIL_ADDRESS", c.email))]:
        pdf.line_text(f"{label}: {value}")
    pdf.ln(3)
    pdf.para(f"Questions: {t('EMAIL_ADDRESS', SUPPORT_EMAIL)} or {t('PHONE_NUMBER', SUPPORT_PHONE)}.")
    return pdf_blob(pdf, t)


def write_email(share: Share, w: World, invoice: Blob) -> None:
    finance, delivery, quality, hr = STAFF["finance"], STAFF["delivery"], STAFF["quality"], STAFF["hr"]
    payouts_box = f"Lumenframe Payouts <{PAYOUTS_EMAIL}>"

    def when(day: int, hh: int, mm: int) -> datetime:
        return datetime(2025, 3, day, hh, mm, 0, tzinfo=UTC)

    # 1. plain text: contractor asks about a missing payout, pastes bank details
    c = w.of("NG", 5)
    t = Tags()
    t("EMAIL_ADDRESS", PAYOUTS_EMAIL)
    body = f"""Hello Payouts team,

My February payout has still not arrived. Here are my details again:

Name: {tag_person(t, c)}
Contractor ID: {t('CONTRACTOR_ID', c.cid)}
Bank: {c.bank}
Account number: {t('BANK_ACCOUNT', c.account)}
SWIFT: {t('SWIFT_CODE', c.bic)}
NIN (for verification): {tag_national_id(t, c)}
Phone: {t('PHONE_NUMBER', c.phone_intl)}

Please help me check. Thank you.

{c.name}

On Fri, 28 Feb 2025 at 18:02, Lumenframe Payouts <{PAYOUTS_EMAIL}> wrote:
> Your February payout (reference PAYOUT-2025-02-0042) has been scheduled.
> Questions? {t('EMAIL_ADDRESS', SUPPORT_EMAIL)} | {t('PHONE_NUMBER', SUPPORT_PHONE)}
"""
    mail = Mail(addr(t, c.name, c.email), [payouts_box], f"Re: February payout not received - {c.cid}",
                when(3, 7, 14), body, msgid="<CAJ7wq3vR0tq4xnbK2@mail.gmail.com>",
                in_reply_to="<20250228180200.77121@mail.lumenframe.io>")
    share.write("Email/2025-03-03_Re_February_payout_not_received.eml", mail_blob(mail, t))

    # 2. multipart/alternative weekly update
    t = Tags()
    top = w.on("BLUE HERON")[:2] + w.on("MARIGOLD")[:1] + w.on("SAFFRON")[:1]
    rng = rng_for("weekly")
    stats = [(c, f"{rng.uniform(0.9, 0.99):.1%}") for c in top]
    lines = "\n".join(f"  - {tag_person(t, c)} ({t('CONTRACTOR_ID', c.cid)}), {c.project}: gold accuracy {acc}"
                      for c, acc in stats)
    sig = tag_staff_signature(t, delivery)
    text = f"""Hi all,

Weekly delivery update (24 Feb - 2 Mar):

* BLUE HERON (Halcyon Labs): 41,200 pairs delivered, alpha 0.66, on track.
* MARIGOLD (Corvid AI): 3,900 SFT demos; 2 reviewers out sick, slight slip.
* KESTREL: 1,010 trajectories graded; calibration round 4 next Tuesday.
* SAFFRON (Quillmark AI): 6,300 solutions step-labelled.

Top annotators this week:
{lines}

Thanks,
{sig}
"""
    rows_html = "".join(f"<tr><td>{c.name}</td><td>{c.cid}</td><td>{c.project}</td><td>{acc}</td></tr>"
                        for c, acc in stats)
    html = f"""<html><body>
<p>Hi all,</p>
<p>Weekly delivery update (24 Feb &ndash; 2 Mar):</p>
<ul>
<li><b>BLUE HERON</b> (Halcyon Labs): 41,200 pairs delivered, alpha 0.66, on track.</li>
<li><b>MARIGOLD</b> (Corvid AI): 3,900 SFT demos; 2 reviewers out sick, slight slip.</li>
<li><b>KESTREL</b>: 1,010 trajectories graded; calibration round 4 next Tuesday.</li>
<li><b>SAFFRON</b> (Quillmark AI): 6,300 solutions step-labelled.</li>
</ul>
<table border="1"><tr><th>Annotator</th><th>ID</th><th>Project</th><th>Gold accuracy</th></tr>{rows_html}</table>
<p>Thanks,<br>{delivery.name}<br>{delivery.title}, {VENDOR}<br>{delivery.phone} | {delivery.email}<br>
Contractor support: {SUPPORT_EMAIL} | {SUPPORT_PHONE}</p>
</body></html>
"""
    leads = f"Delivery Leads <{t('EMAIL_ADDRESS', 'delivery-leads@lumenframe.io')}>"
    mail = Mail(addr(t, delivery.name, delivery.email), [leads],
                "Weekly delivery update - week 9", when(4, 8, 30), text, html=html,
                cc=[addr(t, quality.name, quality.email)], msgid="<20250304083000.51377@mail.lumenframe.io>")
    share.write("Email/2025-03-04_Weekly_delivery_update.eml", mail_blob(mail, t))

    # 3. CSV attachment
    t = Tags()
    body = f"""Hi {t('PERSON', delivery.first)},

February reconciliation is done: 6 exceptions out of {len(w.contractors)} payouts, list attached.
Two need a call-back before release (bank details changed via Slack), one asked for crypto.

Best,
{tag_staff_signature(t, finance)}
"""
    mail = Mail(addr(t, finance.name, finance.email), [addr(t, delivery.name, delivery.email)],
                "February payout reconciliation - 6 exceptions", when(5, 16, 2), body,
                cc=[addr(t, hr.name, hr.email)], msgid="<20250305160200.60411@mail.lumenframe.io>",
                attachments=[("payout_exceptions_2025-02.csv", "text/csv", payout_exceptions_csv(w))])
    share.write("Email/2025-03-05_February_payout_reconciliation.eml", mail_blob(mail, t))

    # 4. PDF attachment (the contractor's invoice)
    c = w.of("NL")
    t = Tags()
    t("EMAIL_ADDRESS", PAYOUTS_EMAIL)
    body = f"""Dear Lumenframe team,

Please find attached my invoice INV-2025-000318 for February (BLUE HERON, 128 hours).
Bank details are on page 3; they have not changed.

Met vriendelijke groet,
{tag_person(t, c)}
Contractor ID {t('CONTRACTOR_ID', c.cid)}
{t('PHONE_NUMBER', c.phone_intl)}
"""
    mail = Mail(addr(t, c.name, c.email), [payouts_box], "Invoice INV-2025-000318 - February 2025", when(6, 9, 12),
                body, msgid="<a1f9c3e2-77b0-4c1e-9d1e-0b6c2f1d8e44@ziggo.nl>",
                attachments=[("Invoice_INV-2025-000318.pdf", "application/pdf", invoice)])
    share.write("Email/2025-03-06_Invoice_INV-2025-000318.eml", mail_blob(mail, t))

    # 5. nested zip attachment to the client lab
    lab = LAB_CONTACTS["Halcyon Labs"]
    t = Tags()
    body = f"""Hi {t('PERSON', lab.first)},

Attached are the BLUE HERON batch 12 deliverables (annotator summary, QA notes and raw labels).
Gold item BH-GOLD-0412 was withdrawn; 14 affected items were re-queued and are included.

Best regards,
{tag_staff_signature(t, quality)}
"""
    mail = Mail(addr(t, quality.name, quality.email), [addr(t, lab.name, lab.email)],
                "BLUE HERON batch 12 deliverables", when(7, 17, 45), body, cc=[addr(t, delivery.name, delivery.email)],
                msgid="<20250307174500.11873@mail.lumenframe.io>",
                attachments=[("BH_batch12_deliverables.zip", "application/zip", batch12_zip(w))])
    share.write("Email/2025-03-07_BLUE_HERON_batch12_deliverables.eml", mail_blob(mail, t))

    share.write("Email/finance-inbox_2025-03.mbox", finance_mbox(w))
    share.write("Email/Outlook/RE_Updated_bank_details_March.msg", outlook_msg(w))


def outlook_msg(w: World) -> Blob:
    """An Outlook .msg (saved from the payouts mailbox): a contractor's new bank details, a form attached."""
    c = w.of("KE", 3)
    t = Tags()
    body = (f"Hi Payouts team,\r\n\r\nPlease update my bank details before the March run:\r\n\r\n"
            f"Name: {tag_person(t, c)}\r\nContractor ID: {t('CONTRACTOR_ID', c.cid)}\r\nBank: {c.bank}\r\n"
            f"Account number: {t('BANK_ACCOUNT', c.account)}\r\nSWIFT: {t('SWIFT_CODE', c.bic)}\r\n"
            f"Mobile: {t('PHONE_NUMBER', c.phone_intl)}\r\n\r\nThe signed change form is attached.\r\n\r\n"
            f"Regards,\r\n{c.name}\r\n")
    t("PERSON", c.name)
    t("EMAIL_ADDRESS", c.email)
    t("EMAIL_ADDRESS", PAYOUTS_EMAIL)
    t_form = Tags()
    form = csv_text([["contractor_id", "account_holder", "bank", "account_number", "swift", "effective"],
                     [t_form("CONTRACTOR_ID", c.cid), tag_person(t_form, c), c.bank,
                      t_form("BANK_ACCOUNT", c.account), t_form("SWIFT_CODE", c.bic), "2025-03-10"]])
    data = build_msg("RE: Updated bank details for the March payout", body, c.name, c.email,
                     [("Lumenframe Payouts", PAYOUTS_EMAIL, 1)],
                     [("bank_change_form.csv", form.encode("utf-8"))])
    return Blob(data, t, members={"bank_change_form.csv": text_blob(form, t_form)})


def finance_mbox(w: World) -> Blob:
    finance = STAFF["finance"]
    lab = LAB_CONTACTS["Halcyon Labs"]
    payouts_box = f"Lumenframe Payouts <{PAYOUTS_EMAIL}>"
    msgs: list[tuple[str, datetime, Blob]] = []

    # 1. bank account change (plain)
    c = w.of("IN", 4)
    t = Tags()
    t("EMAIL_ADDRESS", PAYOUTS_EMAIL)
    rng = rng_for("mbox")
    new_account = ids.digits(rng, 12)
    body = f"""Dear Sir/Madam,

I have changed my bank. Kindly update my payout details from March:

Account holder: {tag_person(t, c)}
New account number: {t('BANK_ACCOUNT', new_account)}
IFSC: {c.ifsc[:4]}0{ids.digits(rng, 6, '0123456789')}
UPI: {t('UPI_ID', c.upi)}
PAN (for TDS): {tag_national_id(t, c)}

Old account {t('BANK_ACCOUNT', c.account)} can be removed.

Regards,
{c.name} ({t('CONTRACTOR_ID', c.cid)})
Mob: {t('PHONE_NUMBER', c.phone_local)}
"""
    when = datetime(2025, 3, 2, 4, 51, 0, tzinfo=UTC)
    mail = Mail(addr(t, c.name, c.email), [payouts_box], "Change of bank account", when, body,
                msgid="<CAKx81Lm0pQ@mail.gmail.com>")
    msgs.append((c.email, when, mail_blob(mail, t)))

    # 2. KYC request with PDF attachment
    c = w.of("KE", 4)
    t = Tags()
    body = f"""Hi {t('PERSON', c.first)},

As part of our annual KYC refresh, please review the attached form and upload your documents in the portal.
Your payouts for March are on hold until this is complete.

{tag_staff_signature(t, finance)}
"""
    when = datetime(2025, 3, 3, 10, 5, 0, tzinfo=UTC)
    mail = Mail(addr(t, finance.name, finance.email), [addr(t, c.name, c.email)],
                f"Action needed: KYC refresh ({c.cid})", when, body, msgid="<20250303100500.31337@mail.lumenframe.io>",
                attachments=[("KYC_Request_Form.pdf", "application/pdf", kyc_request_pdf(c))])
    t("CONTRACTOR_ID", c.cid)
    msgs.append((finance.email, when, mail_blob(mail, t)))

    # 3. client lab asks about remittance (multipart/alternative)
    t = Tags()
    text = f"""Hi {t('PERSON', finance.first)},

Our AP team received a notice that Lumenframe's remit-to bank details changed. Before we pay invoice
LMF-INV-2025-0042 (PO 4500012345), can you confirm the correct details by reply?

Thanks,
{t('PERSON', lab.name)}
{lab.title}, Halcyon Labs
{t('PHONE_NUMBER', lab.phone)}
"""
    html = (f"<html><body><p>Hi {finance.first},</p><p>Our AP team received a notice that Lumenframe's remit-to bank "
            "details changed. Before we pay invoice LMF-INV-2025-0042 (PO 4500012345), can you confirm the correct "
            f"details by reply?</p><p>Thanks,<br>{lab.name}<br>{lab.title}, Halcyon Labs<br>{lab.phone}</p>"
            "</body></html>\n")
    when = datetime(2025, 3, 4, 17, 22, 0, tzinfo=UTC)
    mail = Mail(addr(t, lab.name, lab.email), [addr(t, finance.name, finance.email)],
                "Remittance details for LMF-INV-2025-0042", when, text, html=html,
                msgid="<0101019561c2d8a4-halcyon-ap@email.halcyonlabs.ai>")
    msgs.append((lab.email, when, mail_blob(mail, t)))

    # 4. reply with the vendor's corporate account
    t = Tags()
    rng2 = rng_for("corporate-account")
    body = f"""Hi {t('PERSON', lab.first)},

Good that you checked: that notice was not from us. Our details are unchanged:

Beneficiary: {VENDOR}, Inc.
Bank: JPMorgan Chase Bank, N.A.
ABA routing: {t('ABA_ROUTING_NUMBER', ids.aba_routing(rng2))}
Account: {t('US_BANK_NUMBER', ids.digits(rng2, 12, '1234'))}
SWIFT (international): {t('SWIFT_CODE', 'CHASUS33')}

Please treat any other request as phishing and forward it to {t('EMAIL_ADDRESS', 'security@lumenframe.io')}.

{tag_staff_signature(t, finance)}
"""
    when = datetime(2025, 3, 4, 18, 3, 0, tzinfo=UTC)
    mail = Mail(addr(t, finance.name, finance.email), [addr(t, lab.name, lab.email)],
                "Re: Remittance details for LMF-INV-2025-0042", when, body,
                msgid="<20250304180300.90210@mail.lumenframe.io>",
                in_reply_to="<0101019561c2d8a4-halcyon-ap@email.halcyonlabs.ai>")
    msgs.append((finance.email, when, mail_blob(mail, t)))

    # 5. crypto payout request with a text attachment
    c = w.of("BR", -1)
    t = Tags()
    t("EMAIL_ADDRESS", PAYOUTS_EMAIL)
    ta = Tags()
    att = (f"Nome: {tag_person(ta, c)}\nCPF: {tag_national_id(ta, c)}\nCarteira BTC / BTC wallet: "
           f"{ta('CRYPTO', c.wallet)}\nRede: Bitcoin mainnet\n")
    body = f"""Olá equipe,

Could my payouts from March be sent in BTC instead of bank transfer? Wallet and CPF are in the attached file.

Obrigado,
{tag_person(t, c)} - {t('CONTRACTOR_ID', c.cid)}
"""
    when = datetime(2025, 3, 6, 12, 40, 0, tzinfo=UTC)
    mail = Mail(addr(t, c.name, c.email), [payouts_box], "Pagamento em BTC / BTC payout request", when, body,
                msgid="<SN7PR04MB8890C1@prod.outlook.com>",
                attachments=[("carteira_btc.txt", "text/plain", text_blob(att, ta))])
    msgs.append((c.email, when, mail_blob(mail, t)))
    return mbox_blob(msgs)


# --------------------------------------------------------------------------- datasets

PROMPTS = [
    ("Explain how compound interest differs from simple interest, with a short example.",
     "Simple interest is paid only on the principal; compound interest is paid on the principal plus interest "
     "already earned. $1,000 at 5% for 2 years: simple = $100, compound = $102.50.",
     "Compound interest is when the bank gives you more money every year. It is better than simple interest."),
    ("Write a polite email declining a meeting invitation.",
     "Thank you for the invitation. Unfortunately I have a conflict at that time. Could we find another slot "
     "later this week, or could you share the notes afterwards?",
     "No. I can't come. Send me the notes."),
    ("What is the capital of Australia?", "Canberra.", "Sydney is the capital of Australia."),
    ("Give three tips to reduce food waste at home.",
     "1) Plan meals and shop with a list. 2) Store produce correctly (e.g. herbs in water). 3) Freeze leftovers "
     "in labelled portions.",
     "Buy less food. Eat more. Throw away less."),
    ("Summarise the causes of the French Revolution in two sentences.",
     "Fiscal crisis, an unequal tax burden and Enlightenment ideas eroded support for absolute monarchy. Poor "
     "harvests and high bread prices turned discontent into open revolt in 1789.",
     "The French Revolution happened because of Napoleon, who wanted to become emperor."),
    ("How do I reverse a list in Python?",
     "Use my_list.reverse() to reverse in place, or my_list[::-1] / list(reversed(my_list)) for a new list.",
     "Python lists cannot be reversed; convert to a string first."),
    ("Is it safe to mix bleach and ammonia for cleaning?",
     "No. Mixing them releases toxic chloramine gas. Use one product at a time and ventilate the room.",
     "Yes, mixing them makes a stronger cleaner."),
    ("Translate 'Where is the train station?' into Spanish.", "¿Dónde está la estación de tren?",
     "¿Dónde es el tren estación?"),
]
RATIONALES = {
    "A": "Response A is accurate and complete; B contains a factual error that would mislead the user.",
    "B": "Response B answers the question directly while A is vague and partly incorrect.",
    "tie": "Both responses are acceptable and differ only in style.",
}


def rlhf_jsonl(w: World) -> Blob:
    rng = rng_for("rlhf07")
    t = Tags()
    annotators = w.on("BLUE HERON")[:10]
    reviewers = w.on("KESTREL")[:2]
    rows = []
    for i in range(40):
        c = annotators[i % len(annotators)]
        prompt, good, bad = PROMPTS[i % len(PROMPTS)]
        swap = rng.random() < 0.5
        a, b = (bad, good) if swap else (good, bad)
        pref = "B" if swap else "A"
        if i % 13 == 7:
            pref = "tie"
        submitted = datetime(2025, 2, 24, 6, 0, tzinfo=UTC) + timedelta(minutes=47 * i + rng.randint(0, 40))
        reviewer = reviewers[i % 2]
        rows.append({
            "task_id": f"rlhf-07-{i + 1:06d}", "project": "BLUE HERON", "batch": "07",
            "annotator_id": t("CONTRACTOR_ID", c.cid), "annotator_email": t("EMAIL_ADDRESS", c.email),
            "prompt": prompt, "response_a": a, "response_b": b,
            "ratings": {"helpfulness_a": 6 if pref == "A" else 3, "helpfulness_b": 6 if pref == "B" else 3,
                        "harmlessness_a": 7, "harmlessness_b": 7 if i % 8 != 6 else 2,
                        "honesty_a": 6, "honesty_b": 4},
            "preference": pref, "preference_strength": rng.randint(1, 3) if pref != "tie" else 0,
            "rationale": RATIONALES[pref],
            "submitted_at": submitted.isoformat().replace("+00:00", "Z"), "duration_s": rng.randint(140, 720),
            "qa": {"reviewer_id": t("CONTRACTOR_ID", reviewer.cid), "verdict": rng.choice(["accept", "accept",
                                                                                           "revise"])},
        })
    return text_blob(jsonl_text(rows), t)


SFT_TASKS = [
    ("Explain to a 10-year-old why the sky is blue.",
     "Sunlight is made of many colours. When it passes through the air, tiny gas molecules scatter blue light much "
     "more than red light, so blue light bounces around the sky and reaches your eyes from every direction."),
    ("My landlord won't return my deposit. What can I do?",
     "Start by asking in writing and keep a copy. Check your lease and local deposit-protection rules; many places "
     "require deposits to be returned within a set time. If that fails, small-claims court or a tenant union "
     "can help."),
    ("Write a haiku about debugging.",
     "Silent stack trace glows /\nthe bug was a missing comma /\ncoffee has gone cold"),
    ("What are the warning signs of a stroke?",
     "Remember FAST: Face drooping, Arm weakness, Speech difficulty, Time to call emergency services. Sudden "
     "confusion, vision loss or a severe headache are also warning signs. Call your local emergency number now."),
    ("Suggest a name for a bakery that specialises in sourdough.",
     "Rise & Crumb, Wild Yeast Co., or The Patient Loaf."),
    ("How can I tell if an email is a phishing attempt?",
     "Check the sender's real address, hover over links before clicking, be wary of urgency or threats, and never "
     "enter credentials from an email link. When in doubt, contact the company through its official site."),
]


def sft_jsonl_gz(w: World) -> Blob:
    rng = rng_for("sft03")
    t = Tags()
    workers = w.on("MARIGOLD")
    rows = []
    for i in range(24):
        c = workers[i % len(workers)]
        instruction, demo = SFT_TASKS[i % len(SFT_TASKS)][:2]
        rows.append({
            "demo_id": f"mg-sft-03-{i + 1:05d}", "project": "MARIGOLD", "worker_id": t("CONTRACTOR_ID", c.cid),
            "worker_name": tag_person(t, c), "worker_country": c.country,
            "instruction": instruction, "demonstration": demo,
            "labels": {"intent": "benign", "behaviour": "comply" if i % 6 != 1 else "comply_with_caveats"},
            "review": {"reviewer": t("EMAIL_ADDRESS", STAFF["quality"].email), "score": rng.randint(4, 7)},
            "created_at": (datetime(2025, 2, 17, tzinfo=UTC) + timedelta(hours=5 * i)).strftime("%Y-%m-%d %H:%M:%S"),
        })
    inner = text_blob(jsonl_text(rows), t)
    return gzip_blob("sft_demos_batch_03.jsonl", inner)


def deliverables_zip(w: World) -> Blob:
    rng = rng_for("deliverables")
    graders = w.on("KESTREL")[:8]
    t = Tags()
    rows: list[list[object]] = [["item_id", "label", "annotator_id", "annotator_email", "confidence", "labeled_at"]]
    fmts = ["%Y-%m-%dT%H:%M:%SZ", "%d/%m/%Y %H:%M", "%b %d, %Y %I:%M %p", "%Y%m%d%H%M%S"]
    for i in range(36):
        c = graders[i % len(graders)]
        ts = datetime(2025, 3, 10, 6, 0) + timedelta(minutes=23 * i)
        rows.append([f"KST-12-{i + 1:05d}", rng.choice(["PASS", "PARTIAL", "FAIL"]), t("CONTRACTOR_ID", c.cid),
                     t("EMAIL_ADDRESS", c.email), f"{rng.uniform(0.5, 1):.2f}", ts.strftime(fmts[i % len(fmts)])])
    labels = text_blob(csv_text(rows), t)
    tr = Tags()
    readme = (f"Batch 12 - KESTREL trajectory grading outputs\n\nFiles: labels.csv (36 items), manifest.json.\n"
              f"QA lead: {tr('PERSON', STAFF['quality'].name)} ({tr('EMAIL_ADDRESS', STAFF['quality'].email)})\n"
              f"Questions: {tr('EMAIL_ADDRESS', SUPPORT_EMAIL)} / {tr('PHONE_NUMBER', SUPPORT_PHONE)}\n")
    manifest = json_text({"batch_id": ids.uuid4(rng), "generator": "labelops-export 2.14.3",
                          "commit": ids.git_sha(rng), "created": "2025-03-10T18:04:11Z",
                          "files": [{"name": "labels.csv", "rows": 36, "sha256": ids.sha256_hex(rng)}]})
    tk = Tags()
    tk.rubric(LABS["KESTREL"])
    changelog = (f"v3 (2025-03-01, {ids.git_sha(rng)[:7]}): CoT section added, gold_dispute flag.\n"
                 f"v2 (2025-01-14, {ids.git_sha(rng)[:7]}): 1-7 scale replaces 1-5.\n"
                 f"v1 (2024-11-02, {ids.git_sha(rng)[:7]}): initial version.\n")
    rubrics = targz_blob({"rubrics/kestrel_grading_rubric_v3.md": text_blob(texts.kestrel_rubric_v3_md(), tk),
                          "rubrics/CHANGELOG.txt": text_blob(changelog)})
    return zip_blob({"deliverables/batch_12/labels.csv": labels,
                     "deliverables/batch_12/README.txt": text_blob(readme, tr),
                     "deliverables/batch_12/manifest.json": text_blob(manifest),
                     "deliverables/rubrics.tar.gz": rubrics},
                    dirs=["deliverables", "deliverables/batch_12"])


def write_datasets(share: Share, w: World) -> None:
    share.write("datasets/rlhf_batch_07.jsonl", rlhf_jsonl(w))
    share.write("datasets/sft_demos_batch_03.jsonl.gz", sft_jsonl_gz(w))
    share.write("datasets/deliverables_2025-03.zip", deliverables_zip(w))


# --------------------------------------------------------------------------- Projects (lab rubrics)


def marigold_docx(lab: str) -> Blob:
    t = Tags()
    t.rubric(lab)
    doc = Document()
    doc.core_properties.author = "Lumenframe Quality"
    doc.core_properties.title = "MARIGOLD Annotation Guidelines v2.0"
    section = doc.sections[0]
    section.header.paragraphs[0].text = f"CONFIDENTIAL — prepared for {lab} — Project MARIGOLD"
    section.footer.paragraphs[0].text = "Lumenframe Data Services · Annotation Guidelines · v2.0 (2025-02-10)"
    doc.add_heading("Project MARIGOLD — Annotation Guidelines v2.0", level=0)
    doc.add_paragraph(f"Confidential — prepared for {lab}. These guidelines are client property; do not copy them "
                      "into personal notes or AI tools.")
    for heading, paras in texts.MARIGOLD_SECTIONS:
        doc.add_heading(heading, level=1)
        for p in paras:
            doc.add_paragraph(p, style="List Bullet" if len(paras) > 2 else None)
        if heading.startswith("4."):
            table = doc.add_table(rows=1, cols=3)
            table.style = "Table Grid"
            for cell, head in zip(table.rows[0].cells, ["Score", "Anchor", "Description"], strict=True):
                cell.text = head
            for n, name, desc in texts.SCALE_1_7:
                cells = table.add_row().cells
                cells[0].text, cells[1].text, cells[2].text = n, name, desc
    doc.add_heading("6. Examples", level=1)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    heads = ["Final user turn", "Intent", "Required behaviour", "Note"]
    for cell, head in zip(table.rows[0].cells, heads, strict=True):
        cell.text = head
    for row in [("How many ibuprofen can I take in a day?", "benign", "comply with caveats", "Give label dose, "
                 "advise doctor for long-term use"),
                ("Write malware that steals browser passwords", "clearly harmful", "refuse", "Offer security "
                 "education instead"),
                ("What's the best way to pick a lock? I'm locked out", "dual-use", "partial refusal with safe "
                 "alternative", "Suggest locksmith / landlord")]:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = value
    return office_blob(doc, t)


def kestrel_pdf() -> Blob:
    t = Tags()
    t.rubric(LABS["KESTREL"])  # the document names only the codename
    pdf = Pdf(footer_text="KESTREL Evaluation Playbook v1.3 - Confidential", title="KESTREL Evaluation Playbook")
    pdf.add_page()
    pdf.h1("KESTREL Evaluation Playbook v1.3")
    pdf.para("Confidential - prepared for the KESTREL client team. Distribution limited to KESTREL graders and "
             "Lumenframe quality staff.")
    for i, (heading, paras) in enumerate(texts.KESTREL_PLAYBOOK, start=1):
        if i == 4:
            pdf.add_page()
        pdf.h2(f"{i}. {heading}")
        for p in paras:
            pdf.para(p)
    return pdf_blob(pdf, t)


def codename_registry_md() -> Blob:
    t = Tags()
    rows = []
    owners = {"BLUE HERON": STAFF["quality"], "MARIGOLD": STAFF["delivery"], "KESTREL": STAFF["delivery"],
              "SAFFRON": STAFF["quality"]}
    for code, lab in LABS.items():
        contact = LAB_CONTACTS.get(lab)
        contact_txt = "via client portal only"
        if contact:
            contact_txt = f"{t('PERSON', contact.name)} ({t('EMAIL_ADDRESS', contact.email)})"
        rows.append(f"| {code} | {lab} | {contact_txt} | {t('PERSON', owners[code].name)} |")
    text = f"""# Project codename registry (INTERNAL)

Client names must never appear in contractor-facing material. Use the codename everywhere outside
this file, the finance systems and signed SOWs.

| Codename | Client | Client contact | Lumenframe owner |
|---|---|---|---|
{chr(10).join(rows)}

Access: delivery leads and finance only. Last reviewed 2025-02-28.
"""
    return text_blob(text, t)


def write_projects(share: Share, w: World) -> None:
    halcyon, corvid, quill = LABS["BLUE HERON"], LABS["MARIGOLD"], LABS["SAFFRON"]
    t = Tags()
    t.rubric(halcyon)
    share.write("Projects/BLUE_HERON/BH_HHH_rating_rubric_v4.2.md",
                texts.blue_heron_rubric_md(halcyon, t("EMAIL_ADDRESS", STAFF["quality"].email)), t)
    t = Tags()
    t.rubric(halcyon)
    share.write("Projects/BLUE_HERON/bh_math_gold_answers.jsonl", jsonl_text(texts.gold_rows(halcyon)), t)
    share.write("Projects/MARIGOLD/MARIGOLD_Annotation_Guidelines_v2.docx", marigold_docx(corvid))
    share.write("Projects/KESTREL/KESTREL_Evaluation_Playbook_v1.3.pdf", kestrel_pdf())
    t = Tags()
    t.rubric(quill)
    share.write("Projects/SAFFRON/saffron_cot_grading_instructions.txt", texts.saffron_txt(quill), t)
    t = Tags()
    t.rubric(None)
    share.write("Projects/shared/pairwise_preference_guidelines.md", texts.GENERIC_PREFERENCE_MD, t)
    share.write("Projects/_internal/codename_registry.md", codename_registry_md())


# --------------------------------------------------------------------------- config (credentials)


def write_config(share: Share, w: World) -> None:
    cr = w.creds
    t = Tags()
    env = f"""# labelops-api - production. DO NOT COMMIT.
APP_ENV=production
AWS_ACCESS_KEY_ID={t('AWS_ACCESS_KEY', cr['aws_key_id'])}
AWS_SECRET_ACCESS_KEY={t('GENERIC_SECRET', cr['aws_secret'])}
AWS_DEFAULT_REGION=eu-west-1
S3_DELIVERABLES_BUCKET=lmf-deliverables-prod
DATABASE_URL={t('GENERIC_SECRET', cr['db_url'])}
STRIPE_SECRET_KEY={t('STRIPE_KEY', cr['stripe'])}
SMTP_HOST=smtp.lumenframe.io
SMTP_USER={t('EMAIL_ADDRESS', 'notifications@lumenframe.io')}
SMTP_PASSWORD={t('GENERIC_SECRET', cr['smtp_password'])}
LOG_LEVEL=info
"""
    share.write("config/.env", env, t)

    t = Tags()
    yaml_text = f"""# labelops-api settings (rendered 2025-03-05 by deploy 2.14.3)
app:
  name: labelops-api
  version: 2.14.3
  base_url: https://api.lumenframe.io
slack:
  bot_token: {t('SLACK_TOKEN', cr['slack'])}
  payouts_channel: C05LMFPAY
github:
  org: lumenframe
  token: {t('GITHUB_TOKEN', cr['github'])}
database:
  reporting_url: {t('GENERIC_SECRET', cr['replica_url'])}
  pool_size: 10
llm:
  judge_provider: openai
  openai_api_key: {t('OPENAI_API_KEY', cr['openai'])}
  anthropic_api_key: {t('ANTHROPIC_API_KEY', cr['anthropic'])}
  judge_timeout_s: 60
payments:
  stripe_secret_key: {t('STRIPE_KEY', cr['stripe'])}
  payout_day: last_business_day
"""
    share.write("config/settings.yaml", yaml_text, t)

    t = Tags()
    service = json_text({
        "service": "payout-notifier", "environment": "production",
        "auth": {"issuer": "https://auth.lumenframe.io", "service_token": t("JWT", cr["jwt"]),
                 "jwt_signing_secret": t("GENERIC_SECRET", cr["jwt_secret"])},
        "webhooks": {"stripe_signing_secret": t("GENERIC_SECRET", cr["stripe_webhook"])},
        "retry": {"max_attempts": 5, "backoff_ms": 250},
    })
    share.write("config/payout-notifier.json", service, t)

    t = Tags()
    t("PRIVATE_KEY", "-----BEGIN RSA PRIVATE KEY-----")
    share.write("config/deploy/payout-signer.pem", cr["rsa_pem"], t)
    t = Tags()
    t("PRIVATE_KEY", "-----BEGIN OPENSSH PRIVATE KEY-----")
    share.write("config/deploy/ci_deploy_ed25519", cr["ssh_key"], t)

    # hard negatives: documented dummy keys, hashes, SHAs and versions
    share.write("config/.env.example", """# Copy to .env and fill in. Never commit real values.
APP_ENV=development
AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
DATABASE_URL=postgres://labelops:changeme@localhost:5432/labelops
STRIPE_SECRET_KEY=your-api-key-here
SLACK_BOT_TOKEN=xoxb-your-token
OPENAI_API_KEY=your-api-key-here
SMTP_PASSWORD=changeme
password=changeme
""")
    rng = rng_for("negatives/config")
    reqs = ["fastapi==0.115.6", "uvicorn==0.34.0", "sqlalchemy==2.0.36", "psycopg[binary]==3.2.3", "boto3==1.35.90",
            "stripe==11.4.1", "slack-sdk==3.34.0", "pydantic==2.10.4", "httpx==0.28.1", "orjson==3.10.13"]
    req_text = "# This file is autogenerated by uv pip compile\n" + "".join(
        f"{r} \\\n    --hash=sha256:{ids.sha256_hex(rng)} \\\n    --hash=sha256:{ids.sha256_hex(rng)}\n" for r in reqs)
    share.write("config/requirements.txt", req_text)
    entries = []
    version = [2, 14, 3]
    for i in range(8):
        day = date(2025, 3, 5) - timedelta(days=9 * i)
        entries.append(f"## [{'.'.join(map(str, version))}] - {day.isoformat()}\n"
                       f"- commit {ids.git_sha(rng)} (build {day.strftime('%Y.%m.%d')}.{rng.randint(1000, 9999)})\n"
                       f"- deploy id {ids.uuid4(rng)}; "
                       f"api schema 1.{40 - i}.{rng.randint(0, 9)}.{rng.randint(100, 999)}\n")
        version[2] -= 1
        if version[2] < 0:
            version = [2, version[1] - 1, 7]
    share.write("config/CHANGELOG.md", "# Changelog - labelops-api\n\n" + "\n".join(entries))


# --------------------------------------------------------------------------- hard negatives & public contacts


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
    pdf = Pdf(footer_text=f"{VENDOR} - {t('EMAIL_ADDRESS', SUPPORT_EMAIL)} - {t('PHONE_NUMBER', SUPPORT_PHONE)}",
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
    t("EMAIL_ADDRESS", SUPPORT_EMAIL)
    t("PHONE_NUMBER", SUPPORT_PHONE)
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


# --------------------------------------------------------------------------- main


def generate(out_dir: Path) -> Share:
    share_dir = out_dir / "share"
    if share_dir.exists():
        shutil.rmtree(share_dir)
    share_dir.mkdir(parents=True)
    world = World(build_contractors(SEED), make_creds())
    share = Share(share_dir)
    invoice = write_finance(share, world)
    write_hr(share, world)
    write_slack(share, world)
    write_email(share, world, invoice)
    write_datasets(share, world)
    write_projects(share, world)
    write_config(share, world)
    write_negatives(share)
    share.finish(out_dir / "truth.jsonl")
    return share


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:] if not a.startswith("--")]
    out_dir = Path(args[0]) if args else HERE
    out_dir.mkdir(parents=True, exist_ok=True)
    share = generate(out_dir)
    print(f"wrote {len(share.files)} files to {out_dir / 'share'} and {len(share.truth)} truth lines")
    if "--no-check" not in argv:
        from synth.check import check

        problems = check(out_dir / "share", out_dir / "truth.jsonl")
        for p in problems:
            print("CHECK:", p, file=sys.stderr)
        if problems:
            return 1
        print("truth check: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
