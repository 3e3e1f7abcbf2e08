"""Drive/HR: rosters, onboarding tax forms, the all-hands deck, KYC notes, the team directory, the HRIS export."""

from __future__ import annotations

from datetime import timedelta

from docx import Document
from pptx import Presentation

from sample_data.generate.tagging import tag_national_id, tag_person
from sample_data.generate.world import World
from sample_data.synth.people import KYC_EMAIL, STAFF, SUPPORT_EMAIL, SUPPORT_PHONE, VENDOR, Contractor
from sample_data.synth.writers import Blob, Share, Tags, csv_text, office_blob, text_blob


def roster_csv(w: World) -> Blob:
    t = Tags()
    rows: list[list[object]] = [["Contractor ID", "Full Name", "Email", "Phone", "Country", "City", "Project",
                                 "Start Date", "Status", "Hourly Rate (USD)"]]
    for c in w.contractors:
        rows.append([t("CONTRACTOR_ID", c.cid, c), tag_person(t, c), t("EMAIL_ADDRESS", c.email, c),
                     t("PHONE_NUMBER", c.phone_intl, c), c.country_name, c.city, c.project, c.start.isoformat(),
                     "Active", f"{c.rate:.2f}"])
    return text_blob(csv_text(rows), t)


def legacy_roster_tsv(w: World) -> Blob:
    t = Tags()
    rows: list[list[object]] = [["legacy_id", "new_id", "name", "personal_email", "mobile", "country", "onboarded"]]
    for c in w.contractors:
        if c.legacy_cid:
            rows.append([t("CONTRACTOR_ID", c.legacy_cid, c), t("CONTRACTOR_ID", c.cid, c), tag_person(t, c),
                         t("EMAIL_ADDRESS", c.email, c), t("PHONE_NUMBER", c.phone_local, c), c.country,
                         c.start.strftime("%d/%m/%Y")])
    return text_blob(csv_text(rows, delimiter="\t"), t)


def onboarding_docx(c: Contractor, form: str) -> Blob:
    t = Tags()
    doc = Document()
    doc.core_properties.author = "Lumenframe Onboarding"
    doc.core_properties.title = f"{form} - contractor onboarding"
    section = doc.sections[0]
    section.header.paragraphs[0].text = f"{VENDOR} — Contractor Onboarding — CONFIDENTIAL"
    section.footer.paragraphs[0].text = (f"Questions: {t.shared('EMAIL_ADDRESS', SUPPORT_EMAIL)} · "
                                         f"{t.shared('PHONE_NUMBER', SUPPORT_PHONE)}")
    if form == "W-9":
        doc.add_heading("Form W-9 (contractor copy) — Request for Taxpayer Identification Number", level=1)
    else:
        doc.add_heading("Form W-8BEN (contractor copy) — Certificate of Foreign Status of Beneficial Owner", level=1)
    doc.add_paragraph("Collected for US tax reporting of contractor payments. Completed forms are returned to "
                      f"{t.shared('EMAIL_ADDRESS', KYC_EMAIL)}; originals are kept for seven years.")
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
            fields.append(("Aadhaar number (KYC)", t("IN_AADHAAR", c.aadhaar, c)))
    if c.passport:
        fields.append(("Passport number", t("PASSPORT", c.passport, c)))
    fields += [
        ("7. Reference number (Contractor ID)", t("CONTRACTOR_ID", c.cid, c)),
        ("Contact email", t("EMAIL_ADDRESS", c.email, c)),
        ("Contact phone", t("PHONE_NUMBER", c.phone_intl, c)),
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
        f"Welcome everyone. Introduce {t('PERSON', delivery.name, delivery)} (delivery) and "
        f"{t('PERSON', hr.name, hr)} (HR). "
        "Remind people the recording stays internal.")
    slide("Delivery by project", [
        "BLUE HERON (Halcyon Labs) — 412,800 preference pairs, alpha 0.66",
        "MARIGOLD (Corvid AI) — 38,200 SFT demonstrations",
        "KESTREL — 9,450 graded agent trajectories",
        "SAFFRON (Quillmark AI) — 61,000 step labels",
    ], "Numbers are as of 28 Feb. KESTREL client name stays off slides per contract.")
    slide("Contractor spotlight", [f"{tag_person(t, c)} — {c.country_name} — {c.project}" for c in spotlight],
          "Thank them by name. If anyone wants a calibration buddy, they agreed to be contacted: "
          + "; ".join(f"{c.name} ({t('EMAIL_ADDRESS', c.email, c)})" for c in spotlight)
          + f". {spotlight[0].name} also offered WhatsApp: {t('PHONE_NUMBER', spotlight[0].phone_intl, spotlight[0])}.")
    slide("Payouts & support", [
        "Payout date: last business day of the month",
        "Update bank details in the portal only — never in Slack",
        f"Questions: {t.shared('EMAIL_ADDRESS', SUPPORT_EMAIL)} · {t.shared('PHONE_NUMBER', SUPPORT_PHONE)}",
    ], f"Finance contact for escalations: {t('PERSON', finance.name, finance)}, "
       f"{t('EMAIL_ADDRESS', finance.email, finance)}.")
    slide("Q&A", ["Questions in #general or at the mic"], "Close by 15:00 UTC.")
    return office_blob(prs, t)


def kyc_notes_utf16(w: World) -> Blob:
    t = Tags()
    hr = STAFF["hr"]
    picks = [w.of("IN", 0), w.of("IN", 3), w.of("IN", 6), w.of("KE", 0), w.of("KE", 1), w.of("KE", 2),
             w.of("NG", 0), w.of("NG", 1), w.of("PH", 1), w.of("PH", 2), w.of("US", 0), w.of("US", 3)]
    out = ["KYC REVIEW NOTES — Batch 3 (February 2025)", f"Reviewer: {t('PERSON', hr.name, hr)}",
           "Source documents stored in the KYC vault; these notes must not leave HR.", ""]
    for i, c in enumerate(picks):
        out.append(f"[{t('CONTRACTOR_ID', c.cid, c)}] {tag_person(t, c)} — {c.country_name}")
        if c.country == "KE":
            out.append(f"  National ID No.: {tag_national_id(t, c)} (front/back scan OK)")
        elif c.national_id:
            out.append(f"  {c.national_id_name}: {tag_national_id(t, c)}")
        if c.aadhaar:
            out.append(f"  Aadhaar: {t('IN_AADHAAR', c.aadhaar, c)} (full number received; asked for masked copy)")
        if c.passport:
            out.append(f"  Passport No.: {t('PASSPORT', c.passport, c)}, expiry 20{31 + i % 5}-0{1 + i % 9}-15")
        out.append(f"  Phone verified by OTP: {t('PHONE_NUMBER', c.phone_intl, c)}")
        out.append(f"  Result: {'VERIFIED' if i % 5 else 'PENDING - selfie mismatch'} 2025-02-{10 + i:02d}")
        out.append("")
    return Blob("\ufeff".encode("utf-16-le") + "\r\n".join(out).encode("utf-16-le"), t)


def kyc_notes_cp1252(w: World) -> Blob:
    t = Tags()
    quality = STAFF["quality"]
    picks = [c for c in w.contractors if c.country in {"BR", "DE", "FR", "NL", "ES"} and c.passport]
    out = ["Notas KYC / KYC notes — EU & Brazil contractors (export from reviewer laptop, cp1252)",
           f"Second reviewer: {t('PERSON', quality.name, quality)}", ""]
    for c in picks:
        out.append(f"* {tag_person(t, c)} ({t('CONTRACTOR_ID', c.cid, c)}), {c.city}, {c.country_name}")
        out.append(f"    Passport: {t('PASSPORT', c.passport, c)}")
        if c.national_id:
            out.append(f"    CPF: {tag_national_id(t, c)}")
        if c.iban:
            out.append(f"    IBAN on file: {t('IBAN_CODE', c.iban, c)}  BIC: {t.shared('SWIFT_CODE', c.bic)}")
        elif c.account:
            out.append(f"    Conta: {t('BANK_ACCOUNT', c.account, c)}  Agência: {c.extra.get('agencia', '')}")
        out.append("    Address proof: utility bill, dated within 3 months — OK")
        out.append("")
    text = "\r\n".join(out)
    return Blob(text.encode("cp1252"), t)


def team_directory_html(w: World) -> Blob:
    t = Tags()
    leads = [w.of("IN", 1), w.of("PH", 0), w.of("NG", 2), w.of("BR", 1), w.of("US", 1), w.of("ES", 0)]
    rows = []
    for s in STAFF.values():
        email = t("EMAIL_ADDRESS", s.email, s)
        rows.append(f"<tr><td>{t('PERSON', s.name, s)}</td><td>{s.title}</td>"
                    f"<td><a href=\"mailto:{email}\">{email}</a></td><td>{t('PHONE_NUMBER', s.phone, s)}</td></tr>")
    lead_rows = []
    for c in leads:
        lead_rows.append(f"<tr><td>{tag_person(t, c)}</td><td>{t('CONTRACTOR_ID', c.cid, c)}</td><td>{c.project}</td>"
                         f"<td>{t('EMAIL_ADDRESS', c.email, c)}</td><td>{t('PHONE_NUMBER', c.phone_intl, c)}</td></tr>")
    support = f"{t.shared('EMAIL_ADDRESS', SUPPORT_EMAIL)} · {t.shared('PHONE_NUMBER', SUPPORT_PHONE)}"
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
        parts.append(f"    <workerId>{t('CONTRACTOR_ID', c.cid, c)}</workerId>")
        if c.legacy_cid:
            parts.append(f"    <legacyId>{t('CONTRACTOR_ID', c.legacy_cid, c)}</legacyId>")
        parts.append(f"    <fullName>{tag_person(t, c)}</fullName>")
        parts.append(f"    <email>{t('EMAIL_ADDRESS', c.email, c)}</email>")
        parts.append(f"    <mobile>{t('PHONE_NUMBER', c.phone_e164, c)}</mobile>")
        parts.append(f"    <country>{c.country}</country>")
        parts.append(f"    <dateOfBirth>{c.dob.isoformat()}</dateOfBirth>")
        if c.national_id:
            scheme = {"US_SSN": "SSN", "IN_PAN": "PAN", "PH_TIN": "TIN", "NG_NIN": "NIN", "BR_CPF": "CPF",
                      "KE_NATIONAL_ID": "KE-ID"}[c.national_id_label]
            parts.append(f'    <taxId scheme="{scheme}">{tag_national_id(t, c)}</taxId>')
        if c.aadhaar:
            parts.append(f'    <nationalId scheme="AADHAAR">{t("IN_AADHAAR", c.aadhaar, c)}</nationalId>')
        if c.passport:
            parts.append(f"    <passportNumber>{t('PASSPORT', c.passport, c)}</passportNumber>")
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
