"""Drive/Finance: payout workbook and CSV, a contractor invoice, payment instructions, corporate card
transactions and the payment gateway's rejects log."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from docx import Document
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Font

from sample_data.generate.tagging import group_iban, hours_amount, payout_cells, tag_person, tag_staff_signature
from sample_data.generate.world import World, rng_for
from sample_data.synth import ids
from sample_data.synth.pdf import Pdf
from sample_data.synth.people import PAYOUTS_EMAIL, STAFF, SUPPORT_EMAIL, SUPPORT_PHONE, VENDOR
from sample_data.synth.writers import Blob, Share, Tags, csv_text, office_blob, pdf_blob, text_blob

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
        ws.append([t("CONTRACTOR_ID", c.cid, c), tag_person(t, c), c.country_name, c.method, c.bank, p["iban"],
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
        rows.append([t("CONTRACTOR_ID", c.cid, c), tag_person(t, c), c.country_name, c.method, c.bank, p["iban"],
                     p["swift"], p["account"], p["routing"], p["ifsc"], p["payee"], p["wallet"], f"{hours:.1f}",
                     f"{amount:.2f}", "USD", "2025-03-31", f"PAYOUT-2025-03-{i:04d}", note])
    return text_blob(csv_text(rows), t)


def invoice_pdf(w: World) -> Blob:
    c = w.of("NL")
    rng = rng_for("invoice")
    t = Tags()
    name, email, phone = t("PERSON", c.name, c), t("EMAIL_ADDRESS", c.email, c), t("PHONE_NUMBER", c.phone_intl, c)
    pdf = Pdf(footer_text=f"{name} - {email} - {phone}", title="Invoice INV-2025-000318")
    pdf.add_page()
    pdf.h1("INVOICE")
    pdf.line_text("Invoice number: INV-2025-000318        Date: 2025-03-03        Due: 2025-04-02")
    pdf.line_text("Purchase order: PO 4500012345")
    pdf.ln(4)
    pdf.line_text("From", bold=True)
    pdf.line_text(name)
    pdf.line_text(f"Independent contractor, {c.city}, {c.country_name}")
    pdf.line_text(f"Contractor ID: {t('CONTRACTOR_ID', c.cid, c)}")
    pdf.line_text(f"Email: {email}")
    pdf.line_text(f"Phone: {phone}")
    pdf.ln(3)
    pdf.line_text("Bill to", bold=True)
    pdf.line_text(f"{VENDOR} - Accounts Payable")
    pdf.line_text(f"Email: {t.shared('EMAIL_ADDRESS', PAYOUTS_EMAIL)}")
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
    pdf.line_text(f"IBAN: {t('IBAN_CODE', group_iban(c.iban), c)}")
    pdf.line_text(f"BIC / SWIFT: {t.shared('SWIFT_CODE', c.bic)}")
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
    section.footer.paragraphs[0].text = f"{VENDOR} · {t.shared('EMAIL_ADDRESS', SUPPORT_EMAIL)} · " \
                                        f"{t.shared('PHONE_NUMBER', SUPPORT_PHONE)}"
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
        cells[1].text = t("CONTRACTOR_ID", c.cid, c)
        cells[2].text = tag_person(t, c)
        account = t("IBAN_CODE", group_iban(c.iban), c) if c.iban else t("BANK_ACCOUNT", c.account, c)
        run = cells[3].paragraphs[0].add_run(account)
        if c is w.of("DE", 1):
            comment_run = run
        cells[4].text = t.shared("SWIFT_CODE", c.bic)
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
    # corporate cards, each issued to a named cardholder: the number is the cardholder's
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
        shown = t("CREDIT_CARD", number, holder) if i % 4 else f"XXXX-XXXX-XXXX-{number[-4:]}"
        rows.append([day.strftime("%m/%d/%Y"), (day + timedelta(days=2)).strftime("%m/%d/%Y"),
                     t("PERSON", holder.name, holder), shown, merchant, cat, f"{rng.uniform(12, 2400):.2f}",
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
                     f"contractor={t('CONTRACTOR_ID', c.cid, c)} action=TRANSFER status=REJECTED "
                     f"reason={reason}{extra}")
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
