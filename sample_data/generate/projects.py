"""Projects/: the client labs' rubrics, guidelines and playbooks, and the internal codename registry."""

from __future__ import annotations

from docx import Document

from sample_data.generate.world import World
from sample_data.synth import texts
from sample_data.synth.pdf import Pdf
from sample_data.synth.people import LAB_CONTACTS, LABS, STAFF
from sample_data.synth.writers import Blob, Share, Tags, jsonl_text, office_blob, pdf_blob, text_blob


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
            contact_txt = f"{t('PERSON', contact.name, contact)} ({t('EMAIL_ADDRESS', contact.email, contact)})"
        rows.append(f"| {code} | {lab} | {contact_txt} | {t('PERSON', owners[code].name, owners[code])} |")
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
                texts.blue_heron_rubric_md(halcyon, t("EMAIL_ADDRESS", STAFF["quality"].email, STAFF["quality"])), t)
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
