"""Email/: single messages (plain, multipart/alternative, CSV / PDF / nested-zip attachments), the finance
inbox as an mbox, and an Outlook .msg."""

from __future__ import annotations

from datetime import UTC, datetime

from sample_data.generate.tagging import tag_national_id, tag_person, tag_staff_signature
from sample_data.generate.world import World, rng_for
from sample_data.synth import ids
from sample_data.synth.cfb import build_msg
from sample_data.synth.pdf import Pdf
from sample_data.synth.people import (
    KYC_EMAIL,
    LAB_CONTACTS,
    PAYOUTS_EMAIL,
    STAFF,
    SUPPORT_EMAIL,
    SUPPORT_PHONE,
    VENDOR,
    Contractor,
    Staff,
)
from sample_data.synth.writers import (
    Blob,
    Mail,
    Share,
    Tags,
    csv_text,
    mail_blob,
    mbox_blob,
    pdf_blob,
    text_blob,
    zip_blob,
)


def addr(t: Tags, p: Contractor | Staff) -> str:
    """A person's mail header address (``Name <mail>``), both planted as theirs."""
    return f"{t('PERSON', p.name, p)} <{t('EMAIL_ADDRESS', p.email, p)}>"


def payout_exceptions_csv(w: World) -> Blob:
    t = Tags()
    rows: list[list[object]] = [["contractor_id", "name", "country", "method", "iban_or_account", "issue"]]
    picks = [w.of("DE", 1), w.of("NG", 4), w.of("IN", 0), w.of("KE", -1), w.of("BR", 3), w.of("PH", 7)]
    issues = ["bank changed via Slack, call-back pending", "beneficiary name mismatch", "UPI preferred for March",
              "requested crypto payout", "account closed (returned)", "PayPal limit reached"]
    for c, issue in zip(picks, issues, strict=True):
        account = (t("IBAN_CODE", c.iban, c) if c.iban else t("BANK_ACCOUNT", c.account, c) if c.account else "")
        rows.append([t("CONTRACTOR_ID", c.cid, c), tag_person(t, c), c.country, c.method, account, issue])
    return text_blob(csv_text(rows), t)


def batch12_zip(w: World) -> Blob:
    rng = rng_for("batch12")
    annotators = w.on("BLUE HERON")[:6]
    t_sum = Tags()
    rows: list[list[object]] = [["annotator_id", "annotator_email", "tasks", "gold_accuracy", "avg_minutes"]]
    for c in annotators:
        rows.append([t_sum("CONTRACTOR_ID", c.cid, c), t_sum("EMAIL_ADDRESS", c.email, c), rng.randint(180, 420),
                     f"{rng.uniform(0.78, 0.97):.2f}", f"{rng.uniform(3.5, 8.0):.1f}"])
    t_qa = Tags()
    qa = ("Batch 12 QA notes\n=================\n"
          f"- {t_qa('CONTRACTOR_ID', annotators[0].cid, annotators[0])}: 3 rationales too short, "
          "coached on 2025-03-05\n"
          f"- {t_qa('CONTRACTOR_ID', annotators[2].cid, annotators[2])}: excellent harmlessness calibration\n"
          "- 14 items re-queued after gold BH-GOLD-0412 was withdrawn\n"
          f"Reviewed by {t_qa('PERSON', STAFF['quality'].name, STAFF['quality'])}\n")
    t_raw = Tags()
    raw: list[list[object]] = [["item_id", "annotator_id", "preference", "strength", "labeled_at"]]
    for i in range(30):
        c = annotators[i % len(annotators)]
        raw.append([f"BH12-{i + 1:05d}", t_raw("CONTRACTOR_ID", c.cid, c), rng.choice(["A", "B", "tie"]),
                    rng.randint(1, 7),
                    f"2025-03-0{rng.randint(3, 6)}T{rng.randint(6, 20):02d}:{rng.randint(0, 59):02d}Z"])
    inner = zip_blob({"labels_part1.csv": text_blob(csv_text(raw), t_raw)})
    return zip_blob({"batch12/annotator_summary.csv": text_blob(csv_text(rows), t_sum),
                     "batch12/qa/qa_notes.txt": text_blob(qa, t_qa),
                     "batch12/raw/labels_part1.zip": inner}, dirs=["batch12", "batch12/qa", "batch12/raw"])


def kyc_request_pdf(c: Contractor) -> Blob:
    t = Tags()
    pdf = Pdf(footer_text=f"{VENDOR} - {t.shared('EMAIL_ADDRESS', KYC_EMAIL)}", title="KYC request")
    pdf.add_page()
    pdf.h1("KYC document request")
    pdf.para("To keep receiving payouts, please confirm the details below and upload a clear photo of your "
             "national ID (front and back) in the contractor portal within 14 days.")
    for label, value in [("Name", tag_person(t, c)), ("Contractor ID", t("CONTRACTOR_ID", c.cid, c)),
                         ("National ID No.", tag_national_id(t, c)),
                         ("Passport No.", t("PASSPORT", c.passport, c) if c.passport else "not provided"),
                         ("Registered phone", t("PHONE_NUMBER", c.phone_intl, c)),
                         ("Registered email", t("EMAIL_ADDRESS", c.email, c))]:
        pdf.line_text(f"{label}: {value}")
    pdf.ln(3)
    pdf.para(f"Questions: {t.shared('EMAIL_ADDRESS', SUPPORT_EMAIL)} or {t.shared('PHONE_NUMBER', SUPPORT_PHONE)}.")
    return pdf_blob(pdf, t)


def write_email(share: Share, w: World, invoice: Blob) -> None:
    finance, delivery, quality, hr = STAFF["finance"], STAFF["delivery"], STAFF["quality"], STAFF["hr"]
    payouts_box = f"Lumenframe Payouts <{PAYOUTS_EMAIL}>"

    def when(day: int, hh: int, mm: int) -> datetime:
        return datetime(2025, 3, day, hh, mm, 0, tzinfo=UTC)

    # 1. plain text: contractor asks about a missing payout, pastes bank details
    c = w.of("NG", 5)
    t = Tags()
    t.shared("EMAIL_ADDRESS", PAYOUTS_EMAIL)
    body = f"""Hello Payouts team,

My February payout has still not arrived. Here are my details again:

Name: {tag_person(t, c)}
Contractor ID: {t('CONTRACTOR_ID', c.cid, c)}
Bank: {c.bank}
Account number: {t('BANK_ACCOUNT', c.account, c)}
SWIFT: {t.shared('SWIFT_CODE', c.bic)}
NIN (for verification): {tag_national_id(t, c)}
Phone: {t('PHONE_NUMBER', c.phone_intl, c)}

Please help me check. Thank you.

{c.name}

On Fri, 28 Feb 2025 at 18:02, Lumenframe Payouts <{PAYOUTS_EMAIL}> wrote:
> Your February payout (reference PAYOUT-2025-02-0042) has been scheduled.
> Questions? {t.shared('EMAIL_ADDRESS', SUPPORT_EMAIL)} | {t.shared('PHONE_NUMBER', SUPPORT_PHONE)}
"""
    mail = Mail(addr(t, c), [payouts_box], f"Re: February payout not received - {c.cid}",
                when(3, 7, 14), body, msgid="<CAJ7wq3vR0tq4xnbK2@mail.gmail.com>",
                in_reply_to="<20250228180200.77121@mail.lumenframe.io>")
    share.write("Email/2025-03-03_Re_February_payout_not_received.eml", mail_blob(mail, t))

    # 2. multipart/alternative weekly update
    t = Tags()
    top = w.on("BLUE HERON")[:2] + w.on("MARIGOLD")[:1] + w.on("SAFFRON")[:1]
    rng = rng_for("weekly")
    stats = [(c, f"{rng.uniform(0.9, 0.99):.1%}") for c in top]
    lines = "\n".join(f"  - {tag_person(t, c)} ({t('CONTRACTOR_ID', c.cid, c)}), {c.project}: gold accuracy {acc}"
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
    leads = f"Delivery Leads <{t.shared('EMAIL_ADDRESS', 'delivery-leads@lumenframe.io')}>"
    mail = Mail(addr(t, delivery), [leads],
                "Weekly delivery update - week 9", when(4, 8, 30), text, html=html,
                cc=[addr(t, quality)], msgid="<20250304083000.51377@mail.lumenframe.io>")
    share.write("Email/2025-03-04_Weekly_delivery_update.eml", mail_blob(mail, t))

    # 3. CSV attachment
    t = Tags()
    body = f"""Hi {t('PERSON', delivery.first, delivery)},

February reconciliation is done: 6 exceptions out of {len(w.contractors)} payouts, list attached.
Two need a call-back before release (bank details changed via Slack), one asked for crypto.

Best,
{tag_staff_signature(t, finance)}
"""
    mail = Mail(addr(t, finance), [addr(t, delivery)],
                "February payout reconciliation - 6 exceptions", when(5, 16, 2), body,
                cc=[addr(t, hr)], msgid="<20250305160200.60411@mail.lumenframe.io>",
                attachments=[("payout_exceptions_2025-02.csv", "text/csv", payout_exceptions_csv(w))])
    share.write("Email/2025-03-05_February_payout_reconciliation.eml", mail_blob(mail, t))

    # 4. PDF attachment (the contractor's invoice)
    c = w.of("NL")
    t = Tags()
    t.shared("EMAIL_ADDRESS", PAYOUTS_EMAIL)
    body = f"""Dear Lumenframe team,

Please find attached my invoice INV-2025-000318 for February (BLUE HERON, 128 hours).
Bank details are on page 3; they have not changed.

Met vriendelijke groet,
{tag_person(t, c)}
Contractor ID {t('CONTRACTOR_ID', c.cid, c)}
{t('PHONE_NUMBER', c.phone_intl, c)}
"""
    mail = Mail(addr(t, c), [payouts_box], "Invoice INV-2025-000318 - February 2025", when(6, 9, 12),
                body, msgid="<a1f9c3e2-77b0-4c1e-9d1e-0b6c2f1d8e44@ziggo.nl>",
                attachments=[("Invoice_INV-2025-000318.pdf", "application/pdf", invoice)])
    share.write("Email/2025-03-06_Invoice_INV-2025-000318.eml", mail_blob(mail, t))

    # 5. nested zip attachment to the client lab
    lab = LAB_CONTACTS["Halcyon Labs"]
    t = Tags()
    body = f"""Hi {t('PERSON', lab.first, lab)},

Attached are the BLUE HERON batch 12 deliverables (annotator summary, QA notes and raw labels).
Gold item BH-GOLD-0412 was withdrawn; 14 affected items were re-queued and are included.

Best regards,
{tag_staff_signature(t, quality)}
"""
    mail = Mail(addr(t, quality), [addr(t, lab)],
                "BLUE HERON batch 12 deliverables", when(7, 17, 45), body, cc=[addr(t, delivery)],
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
            f"Name: {tag_person(t, c)}\r\nContractor ID: {t('CONTRACTOR_ID', c.cid, c)}\r\nBank: {c.bank}\r\n"
            f"Account number: {t('BANK_ACCOUNT', c.account, c)}\r\nSWIFT: {t.shared('SWIFT_CODE', c.bic)}\r\n"
            f"Mobile: {t('PHONE_NUMBER', c.phone_intl, c)}\r\n\r\nThe signed change form is attached.\r\n\r\n"
            f"Regards,\r\n{c.name}\r\n")
    t("PERSON", c.name, c)
    t("EMAIL_ADDRESS", c.email, c)
    t.shared("EMAIL_ADDRESS", PAYOUTS_EMAIL)
    t_form = Tags()
    form = csv_text([["contractor_id", "account_holder", "bank", "account_number", "swift", "effective"],
                     [t_form("CONTRACTOR_ID", c.cid, c), tag_person(t_form, c), c.bank,
                      t_form("BANK_ACCOUNT", c.account, c), t_form.shared("SWIFT_CODE", c.bic), "2025-03-10"]])
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
    t.shared("EMAIL_ADDRESS", PAYOUTS_EMAIL)
    rng = rng_for("mbox")
    new_account = ids.digits(rng, 12)  # not on the contractor's record yet, but theirs
    body = f"""Dear Sir/Madam,

I have changed my bank. Kindly update my payout details from March:

Account holder: {tag_person(t, c)}
New account number: {t('BANK_ACCOUNT', new_account, c)}
IFSC: {c.ifsc[:4]}0{ids.digits(rng, 6, '0123456789')}
UPI: {t('UPI_ID', c.upi, c)}
PAN (for TDS): {tag_national_id(t, c)}

Old account {t('BANK_ACCOUNT', c.account, c)} can be removed.

Regards,
{c.name} ({t('CONTRACTOR_ID', c.cid, c)})
Mob: {t('PHONE_NUMBER', c.phone_local, c)}
"""
    when = datetime(2025, 3, 2, 4, 51, 0, tzinfo=UTC)
    mail = Mail(addr(t, c), [payouts_box], "Change of bank account", when, body,
                msgid="<CAKx81Lm0pQ@mail.gmail.com>")
    msgs.append((c.email, when, mail_blob(mail, t)))

    # 2. KYC request with PDF attachment
    c = w.of("KE", 4)
    t = Tags()
    body = f"""Hi {t('PERSON', c.first, c)},

As part of our annual KYC refresh, please review the attached form and upload your documents in the portal.
Your payouts for March are on hold until this is complete.

{tag_staff_signature(t, finance)}
"""
    when = datetime(2025, 3, 3, 10, 5, 0, tzinfo=UTC)
    mail = Mail(addr(t, finance), [addr(t, c)],
                f"Action needed: KYC refresh ({c.cid})", when, body, msgid="<20250303100500.31337@mail.lumenframe.io>",
                attachments=[("KYC_Request_Form.pdf", "application/pdf", kyc_request_pdf(c))])
    t("CONTRACTOR_ID", c.cid, c)
    msgs.append((finance.email, when, mail_blob(mail, t)))

    # 3. client lab asks about remittance (multipart/alternative)
    t = Tags()
    text = f"""Hi {t('PERSON', finance.first, finance)},

Our AP team received a notice that Lumenframe's remit-to bank details changed. Before we pay invoice
LMF-INV-2025-0042 (PO 4500012345), can you confirm the correct details by reply?

Thanks,
{t('PERSON', lab.name, lab)}
{lab.title}, Halcyon Labs
{t('PHONE_NUMBER', lab.phone, lab)}
"""
    html = (f"<html><body><p>Hi {finance.first},</p><p>Our AP team received a notice that Lumenframe's remit-to bank "
            "details changed. Before we pay invoice LMF-INV-2025-0042 (PO 4500012345), can you confirm the correct "
            f"details by reply?</p><p>Thanks,<br>{lab.name}<br>{lab.title}, Halcyon Labs<br>{lab.phone}</p>"
            "</body></html>\n")
    when = datetime(2025, 3, 4, 17, 22, 0, tzinfo=UTC)
    mail = Mail(addr(t, lab), [addr(t, finance)],
                "Remittance details for LMF-INV-2025-0042", when, text, html=html,
                msgid="<0101019561c2d8a4-halcyon-ap@email.halcyonlabs.ai>")
    msgs.append((lab.email, when, mail_blob(mail, t)))

    # 4. reply with the vendor's corporate account
    t = Tags()
    rng2 = rng_for("corporate-account")  # the vendor's own account: it belongs to no person
    body = f"""Hi {t('PERSON', lab.first, lab)},

Good that you checked: that notice was not from us. Our details are unchanged:

Beneficiary: {VENDOR}, Inc.
Bank: JPMorgan Chase Bank, N.A.
ABA routing: {t.shared('ABA_ROUTING_NUMBER', ids.aba_routing(rng2))}
Account: {t.shared('US_BANK_NUMBER', ids.digits(rng2, 12, '1234'))}
SWIFT (international): {t.shared('SWIFT_CODE', 'CHASUS33')}

Please treat any other request as phishing and forward it to {t.shared('EMAIL_ADDRESS', 'security@lumenframe.io')}.

{tag_staff_signature(t, finance)}
"""
    when = datetime(2025, 3, 4, 18, 3, 0, tzinfo=UTC)
    mail = Mail(addr(t, finance), [addr(t, lab)],
                "Re: Remittance details for LMF-INV-2025-0042", when, body,
                msgid="<20250304180300.90210@mail.lumenframe.io>",
                in_reply_to="<0101019561c2d8a4-halcyon-ap@email.halcyonlabs.ai>")
    msgs.append((finance.email, when, mail_blob(mail, t)))

    # 5. crypto payout request with a text attachment
    c = w.of("BR", -1)
    t = Tags()
    t.shared("EMAIL_ADDRESS", PAYOUTS_EMAIL)
    ta = Tags()
    att = (f"Nome: {tag_person(ta, c)}\nCPF: {tag_national_id(ta, c)}\nCarteira BTC / BTC wallet: "
           f"{ta('CRYPTO', c.wallet, c)}\nRede: Bitcoin mainnet\n")
    body = f"""Olá equipe,

Could my payouts from March be sent in BTC instead of bank transfer? Wallet and CPF are in the attached file.

Obrigado,
{tag_person(t, c)} - {t('CONTRACTOR_ID', c.cid, c)}
"""
    when = datetime(2025, 3, 6, 12, 40, 0, tzinfo=UTC)
    mail = Mail(addr(t, c), [payouts_box], "Pagamento em BTC / BTC payout request", when, body,
                msgid="<SN7PR04MB8890C1@prod.outlook.com>",
                attachments=[("carteira_btc.txt", "text/plain", text_blob(att, ta))])
    msgs.append((c.email, when, mail_blob(mail, t)))
    return mbox_blob(msgs)
