"""datasets/: task data (RLHF preferences, SFT demonstrations) and a deliverables archive with a rubric inside."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sample_data.generate.tagging import tag_person
from sample_data.generate.world import World, rng_for
from sample_data.synth import ids, texts
from sample_data.synth.people import LABS, STAFF, SUPPORT_EMAIL, SUPPORT_PHONE
from sample_data.synth.writers import (
    Blob,
    Share,
    Tags,
    csv_text,
    gzip_blob,
    json_text,
    jsonl_text,
    targz_blob,
    text_blob,
    zip_blob,
)

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
            "annotator_id": t("CONTRACTOR_ID", c.cid, c), "annotator_email": t("EMAIL_ADDRESS", c.email, c),
            "prompt": prompt, "response_a": a, "response_b": b,
            "ratings": {"helpfulness_a": 6 if pref == "A" else 3, "helpfulness_b": 6 if pref == "B" else 3,
                        "harmlessness_a": 7, "harmlessness_b": 7 if i % 8 != 6 else 2,
                        "honesty_a": 6, "honesty_b": 4},
            "preference": pref, "preference_strength": rng.randint(1, 3) if pref != "tie" else 0,
            "rationale": RATIONALES[pref],
            "submitted_at": submitted.isoformat().replace("+00:00", "Z"), "duration_s": rng.randint(140, 720),
            "qa": {"reviewer_id": t("CONTRACTOR_ID", reviewer.cid, reviewer), "verdict": rng.choice(["accept", "accept",
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
    workers, quality = w.on("MARIGOLD"), STAFF["quality"]
    rows = []
    for i in range(24):
        c = workers[i % len(workers)]
        instruction, demo = SFT_TASKS[i % len(SFT_TASKS)][:2]
        rows.append({
            "demo_id": f"mg-sft-03-{i + 1:05d}", "project": "MARIGOLD", "worker_id": t("CONTRACTOR_ID", c.cid, c),
            "worker_name": tag_person(t, c), "worker_country": c.country,
            "instruction": instruction, "demonstration": demo,
            "labels": {"intent": "benign", "behaviour": "comply" if i % 6 != 1 else "comply_with_caveats"},
            "review": {"reviewer": t("EMAIL_ADDRESS", quality.email, quality), "score": rng.randint(4, 7)},
            "created_at": (datetime(2025, 2, 17, tzinfo=UTC) + timedelta(hours=5 * i)).strftime("%Y-%m-%d %H:%M:%S"),
        })
    inner = text_blob(jsonl_text(rows), t)
    return gzip_blob("sft_demos_batch_03.jsonl", inner)


def deliverables_zip(w: World) -> Blob:
    rng = rng_for("deliverables")
    graders, quality = w.on("KESTREL")[:8], STAFF["quality"]
    t = Tags()
    rows: list[list[object]] = [["item_id", "label", "annotator_id", "annotator_email", "confidence", "labeled_at"]]
    fmts = ["%Y-%m-%dT%H:%M:%SZ", "%d/%m/%Y %H:%M", "%b %d, %Y %I:%M %p", "%Y%m%d%H%M%S"]
    for i in range(36):
        c = graders[i % len(graders)]
        ts = datetime(2025, 3, 10, 6, 0) + timedelta(minutes=23 * i)
        rows.append([f"KST-12-{i + 1:05d}", rng.choice(["PASS", "PARTIAL", "FAIL"]), t("CONTRACTOR_ID", c.cid, c),
                     t("EMAIL_ADDRESS", c.email, c), f"{rng.uniform(0.5, 1):.2f}", ts.strftime(fmts[i % len(fmts)])])
    labels = text_blob(csv_text(rows), t)
    tr = Tags()
    readme = (f"Batch 12 - KESTREL trajectory grading outputs\n\nFiles: labels.csv (36 items), manifest.json.\n"
              f"QA lead: {tr('PERSON', quality.name, quality)} ({tr('EMAIL_ADDRESS', quality.email, quality)})\n"
              f"Questions: {tr.shared('EMAIL_ADDRESS', SUPPORT_EMAIL)} / {tr.shared('PHONE_NUMBER', SUPPORT_PHONE)}\n")
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
