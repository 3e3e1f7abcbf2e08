"""`make eval-notify`: the notification list on the sample share against the truth's planted people.

Scans ``sample_data/share`` (or reads ``--case``), exports the findings (revealed, to match the
truth) and the notification list, and checks what the issue asks of it: one row per planted
contractor (no contractor over two rows, no row holding two contractors), exactly their planted
data types (a type the truth never labels, dates of birth, is not judged), and an assessment
citing its rule and section for each; and that the client table lists each planted lab with
exactly its rubric documents. Prints the counts per outcome and the time the notification list
and the HTML report took.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, SPILL, compatible, read_jsonl
from bench.linkage import true_subjects


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--share", type=Path, default=ROOT / "sample_data" / "share")
    ap.add_argument("--truth", type=Path, default=ROOT / "sample_data" / "truth.jsonl")
    ap.add_argument("--case", type=Path, help="a case already scanned from the share (default: scan it now)")
    ap.add_argument("--jobs", type=int, default=0)
    args = ap.parse_args()
    truth = read_jsonl(args.truth)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        case = args.case or work / "case.db"
        if args.case is None:
            subprocess.run([*SPILL, "scan", str(args.share), "--case", str(case), "--jobs", str(args.jobs),
                            "--rules", str(ROOT / "sample_data" / "vendor_rules")], check=True, cwd=ROOT)
        subprocess.run([*SPILL, "export", str(case), "--format", "jsonl", "--reveal", "-o", str(work / "f.jsonl")],
                       check=True, cwd=ROOT)
        findings = read_jsonl(work / "f.jsonl")
        started = time.perf_counter()
        subprocess.run([*SPILL, "export", str(case), "--people", "--format", "jsonl", "-o", str(work / "p.jsonl")],
                       check=True, cwd=ROOT)
        people_s = time.perf_counter() - started
        started = time.perf_counter()
        subprocess.run([*SPILL, "report", str(case), "--format", "html", "-o", str(work / "r.html")], check=True,
                       cwd=ROOT)
        report_s = time.perf_counter() - started
        people = read_jsonl(work / "p.jsonl")
        labs_ok = check_labs(truth, case)
    ok = check(truth, findings, people) and labs_ok
    print(f"\nnotification list {people_s:.1f}s, HTML report {report_s:.1f}s (each a `spill` process, start-up"
          " included)")
    return 0 if ok else 1


def check(truth: list[dict], findings: list[dict], people: list[dict]) -> bool:
    vocabulary = {t["label"] for t in truth}
    planted: dict[str, set[str]] = defaultdict(set)
    for t in truth:
        if t["subject"] and t["subject"].startswith("contractor:"):
            planted[t["subject"]].add(t["label"])
    holders: dict[str, Counter[str]] = defaultdict(Counter)  # true subject → person → findings
    for f, subject, _ in true_subjects(truth, findings):
        if subject and f.get("subject"):
            holders[subject][f["subject"]] += 1
    rows = {r["person"]: r for r in people}
    home = {s: c.most_common(1)[0][0] for s, c in holders.items()}
    owners: dict[str, set[str]] = defaultdict(set)
    for s, person in home.items():
        if s.startswith("contractor:"):
            owners[person].add(s)
    problems: list[str] = []
    bad: set[str] = set()
    for subject, labels in sorted(planted.items()):
        before = len(problems)
        person = home.get(subject)
        row = rows.get(person) if person else None
        if row is None:
            problems.append(f"{subject}: no row")
            bad.add(subject)
            continue
        spread = [p for p, n in holders[subject].items() if p != person and p in rows]
        if spread:
            problems.append(f"{subject}: also in {', '.join(spread)}")
        if len(owners[person]) > 1:
            problems.append(f"{subject}: row {person} holds {', '.join(sorted(owners[person]))}")
        found = set(row["data_types"])
        missing = sorted(label for label in labels if not any(compatible(label, e) for e in found))
        extra = sorted(e for e in found if not any(compatible(label, e) for label in labels)
                       and any(compatible(label, e) for label in vocabulary))
        if missing or extra:
            problems.append(f"{subject}: types missing {missing or '-'}, extra {extra or '-'}")
        if not (row["outcome"] and row["rule"] and row["section"] and row["jurisdiction"]):
            problems.append(f"{subject}: {row['outcome']} without a cited rule ({row['reason']})")
        if len(problems) > before:
            bad.add(subject)
    contractor_rows = [rows[home[s]] for s in planted if s in home and home[s] in rows]
    print(f"people listed: {len(people)}; planted contractors: {len(planted)}; with a row of their own and exactly"
          f" their types and a cited assessment: {len(planted) - len(bad)}")
    print("outcomes, every row:       " + _counts(people))
    print("outcomes, contractor rows: " + _counts(contractor_rows))
    print("jurisdictions, contractor rows: " + ", ".join(
        f"{k or '(none)'} {v}" for k, v in Counter(r["jurisdiction"] for r in contractor_rows).most_common()))
    for p in problems:
        print(f"  {p}")
    return not problems


def check_labs(truth: list[dict], case: Path) -> bool:
    """Each planted lab in the client table with exactly its rubric documents."""
    from spill.case import Case
    from spill.report.clients import client_exposure

    planted: dict[str, set[str]] = defaultdict(set)
    for t in truth:
        if t["label"] == "LAB_RUBRIC":
            planted[t["value"] or "(lab not named)"].add(t["path"])
    with Case.open(case, readonly=True) as c:
        table = {row.lab: {path for path, _, _ in row.documents} for row in client_exposure(c)}
    print(f"client table: {len(table)} rows; planted labs: {len(planted)}")
    ok = True
    for lab, paths in sorted(planted.items()):
        got = table.get(lab, set())
        mark = "ok" if got == paths else "MISMATCH"
        ok &= got == paths
        print(f"  {mark}: {lab}: {len(got)} of {len(paths)} documents" + (
            f" (missing {sorted(paths - got)}, extra {sorted(got - paths)})" if got != paths else ""))
    return ok


def _counts(rows: list[dict]) -> str:
    c = Counter(r["outcome"] for r in rows)
    return ", ".join(f"{k} {c.get(k, 0)}" for k in ("notify", "review", "not required"))


if __name__ == "__main__":
    sys.exit(main())
