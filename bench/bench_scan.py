"""`make bench`: spill scan throughput against a plain presidio-analyzer loop, in the same run.

Builds a deterministic mixed corpus (prose mail and chat, CSV rosters and payouts, JSONL
task data, logs, configs; default 50 MB), then measures:

(a) a plain loop of ``AnalyzerEngine.analyze()`` (same spaCy model) over spill's own
    extracted text of a deterministic subset of the corpus (plain Presidio is slow:
    measuring it on all 50 MB would take most of an hour) — MB/s;
(b) ``spill scan`` end to end (walk, hash, extract, detect, write) with defaults and
    ``--jobs 1`` / ``--jobs all`` over the whole corpus — MB/s, peak RSS per process,
    time to first finding;
(c) a re-scan of the unchanged corpus (hashing only) and with ``--trust-mtime``;
then recall per entity type of (b) and (a) against the planted truth on the subset.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from itertools import zip_longest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, SPILL, plain_analyzer, read_jsonl, score

FIRST = ["Amara", "Chidi", "Wanjiru", "Otieno", "Lakshmi", "Arjun", "Maricel", "Jomar", "Beatriz", "Thiago",
         "Hannah", "Lukas", "Camille", "Mateo", "Grace", "Emeka", "Sipho", "Ingrid", "Dmitri", "Yuki"]
LAST = ["Okonkwo", "Mwangi", "Iyer", "Reddy", "Dela Cruz", "Santos", "Oliveira", "Schmidt", "Dubois", "Garcia",
        "Adeyemi", "Kamau", "Nair", "Bautista", "Costa", "Weber", "Moreau", "Lopez", "Njoroge", "Banerjee"]
DOMAINS = ["gmail.com", "outlook.com", "yahoo.co.in", "proton.me", "mail.ng", "ymail.com", "gmx.de"]
WORDS = ("the task review payout batch annotator rubric quality queue please check before friday thanks we "
         "need to update the sheet and confirm the labels for this round of preference data").split(" ")


def _iban(rng: random.Random) -> str:
    from stdnum import iban

    bban = "".join(rng.choice("0123456789") for _ in range(18))
    return f"DE{iban.calc_check_digits('DE00' + bban)}{bban}"


def _card(rng: random.Random) -> str:
    from stdnum import luhn

    digits = "4" + "".join(rng.choice("0123456789") for _ in range(14))
    return digits + luhn.calc_check_digit(digits)


def build_corpus(out: Path, size_mb: float, seed: int = 7) -> list[dict[str, str]]:
    """Write the corpus; return the planted truth ({path, label, value})."""
    rng = random.Random(seed)
    truth: list[dict[str, str]] = []
    target = int(size_mb * 2**20)
    written = 0
    n = 0
    while written < target:
        n += 1
        kind = n % 5
        people = [(f"{rng.choice(FIRST)} {rng.choice(LAST)}", f"u{n}x{i}@{rng.choice(DOMAINS)}",
                   f"+44 20 7946 {rng.randint(1000, 9999)}") for i in range(8)]
        if kind == 0:  # mail/chat prose
            rel = f"mail/msg_{n:06d}.txt"
            lines = []
            for name, email, phone in people:
                words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 80)))
                lines.append(f"Hi team, {name} asked about {words}. Reach {name} at {email} or {phone}.\n")
                truth += [{"path": rel, "label": "PERSON", "value": name},
                          {"path": rel, "label": "EMAIL_ADDRESS", "value": email},
                          {"path": rel, "label": "PHONE_NUMBER", "value": phone}]
            text = "".join(lines)
        elif kind == 1:  # payouts CSV
            rel = f"finance/payouts_{n:06d}.csv"
            rows = ["contractor_name,email,iban,card,amount,date"]
            for name, email, _ in people:
                iban_v, card = _iban(rng), _card(rng)
                amount = f"{rng.randint(100, 900)}.00"
                rows.append(f"{name},{email},{iban_v},{card},{amount},2025-0{rng.randint(1, 9)}-1{n % 9}")
                truth += [{"path": rel, "label": "EMAIL_ADDRESS", "value": email},
                          {"path": rel, "label": "IBAN_CODE", "value": iban_v},
                          {"path": rel, "label": "CREDIT_CARD", "value": card}]
            text = "\n".join(rows * 3) + "\n"
        elif kind == 2:  # JSONL task data
            rel = f"datasets/tasks_{n:06d}.jsonl"
            recs = []
            for i, (_name, email, _) in enumerate(people):
                words = " ".join(rng.choice(WORDS) for _ in range(60))
                recs.append(json.dumps({"task_id": f"T{n}-{i}", "prompt": words, "response_a": words[::-1],
                                        "annotator_email": email, "preference": rng.choice("AB")}))
                truth.append({"path": rel, "label": "EMAIL_ADDRESS", "value": email})
            text = "\n".join(recs * 2) + "\n"
        elif kind == 3:  # application log: mostly noise
            rel = f"logs/app_{n:06d}.log"
            text = "".join(f"2025-03-0{i % 9 + 1}T10:{i % 60:02d}:00Z INFO worker={i} job={rng.getrandbits(64):x} "
                           f"status=ok latency_ms={rng.randint(1, 900)}\n" for i in range(400))
        else:  # config with a credential
            rel = f"config/service_{n:06d}.env"
            key = "AKIA" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))
            text = f"AWS_ACCESS_KEY_ID={key}\nREGION=eu-west-1\nLOG_LEVEL=info\n" + "# padding\n" * 50
            truth.append({"path": rel, "label": "AWS_ACCESS_KEY", "value": key})
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode()
        path.write_bytes(data)
        written += len(data)
    return truth


def spread_sample(share: Path, every: int = 7) -> list[str]:
    """Every ``every``-th file of each top folder, the folders interleaved: all kinds in any prefix."""
    by_folder: dict[str, list[str]] = defaultdict(list)
    for p in sorted(share.rglob("*")):
        if p.is_file():
            rel = p.relative_to(share).as_posix()
            by_folder[rel.split("/", 1)[0]].append(rel)
    picks = [paths[::every] for _, paths in sorted(by_folder.items())]
    return [path for group in zip_longest(*picks) for path in group if path is not None]


def run_spill(share: Path, case: Path, *argv: str, fresh: bool = True) -> tuple[float, int, float | None]:
    """(seconds, peak RSS of the largest process in KiB, first-finding seconds); the people figures are printed."""
    if fresh:
        for p in case.parent.glob(case.name + "*"):
            p.unlink()
    t0 = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([*SPILL, "scan", str(share), "--case", str(case), *argv], check=True,
                   stdout=subprocess.DEVNULL)
    elapsed = time.monotonic() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    import sqlite3

    counts = json.loads(sqlite3.connect(case).execute(
        "SELECT counts FROM scans ORDER BY id DESC LIMIT 1").fetchone()[0])
    if counts.get("link_seconds"):
        print(f"    of which people linkage {counts['link_seconds']:.1f}s, names pass {counts['names_seconds']:.1f}s"
              f" ({counts['names_found']:,} names found, {counts['people']:,} people)")
    return elapsed, max(peak, before), counts.get("first_finding_seconds")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-mb", type=float, default=50.0)
    ap.add_argument("--baseline-mb", type=float, default=1.0, help="corpus MB the plain Presidio loop measures")
    ap.add_argument("--keep", type=Path, help="build/keep the corpus here instead of a temp folder")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="spill-bench-")
    base = args.keep or Path(tmp.name)
    share = base / "corpus"
    if not share.exists():
        truth = build_corpus(share, args.size_mb)
        (base / "truth.jsonl").write_text("".join(json.dumps(t) + "\n" for t in truth))
    truth = read_jsonl(base / "truth.jsonl")
    total = sum(p.stat().st_size for p in share.rglob("*") if p.is_file())
    mb = total / 2**20
    cores = os.cpu_count() or 1
    print(f"corpus: {mb:.1f} MB in {sum(1 for p in share.rglob('*') if p.is_file())} files; {cores} cores")

    # (a) plain presidio on a deterministic subset of the extracted text
    from bench.common import extracted_objects

    engine = plain_analyzer(national=True)
    subset: list[tuple[str, list]] = []
    budget = args.baseline_mb * 2**20
    for path, segs in extracted_objects(share, only=spread_sample(share)):
        subset.append((path, segs))
        budget -= sum(len(s.text) for s in segs)
        if budget <= 0:
            break
    sub_bytes = sum(len(s.text.encode()) for _, segs in subset for s in segs)
    t0 = time.monotonic()
    base_rows = []
    for path, segs in subset:
        for s in segs:
            for r in engine.analyze(s.text, language="en"):
                if r.score >= 0.5:
                    base_rows.append({"path": path, "entity_type": r.entity_type, "value": s.text[r.start:r.end]})
    plain_s = time.monotonic() - t0
    plain_rate = sub_bytes / 2**20 / plain_s
    print(f"(a) plain presidio loop: {sub_bytes / 2**20:.2f} MB of extracted text in {plain_s:.1f}s = "
          f"{plain_rate * 1024:.1f} KB/s")

    # (b) spill scan, whole corpus
    case = base / "bench.db"
    rows = []
    # defaults last: its case is the one the rescans and the recall table below use
    for label, extra in (("--no-ner --jobs all", ("--no-ner",)), ("--jobs 1", ("--jobs", "1")),
                         ("defaults (--jobs all)", ())):
        secs, rss, first = run_spill(share, case, *extra)
        rate = mb / secs
        rows.append((label, secs, rate, rss, first))
        print(f"(b) spill scan {label}: {mb:.1f} MB in {secs:.1f}s = {rate:.2f} MB/s = "
              f"{rate / plain_rate:.1f}× plain; peak RSS (largest process) {rss / 1024:.0f} MiB; "
              f"first finding after {first if first is None else round(first, 2)}s")
    by_label = {label: rate for label, _, rate, _, _ in rows}
    scaling = by_label["defaults (--jobs all)"] / by_label["--jobs 1"]
    print(f"(b) scaling: --jobs all ({cores} workers) is {scaling:.2f}× --jobs 1")
    # (c) rescans of the unchanged corpus (the case of the defaults scan)
    secs, _, _ = run_spill(share, case, fresh=False)
    print(f"(c) re-scan of the unchanged corpus (re-hash every file): {secs:.1f}s")
    secs, _, _ = run_spill(share, case, "--trust-mtime", fresh=False)
    print(f"(c) re-scan with --trust-mtime (size + mtime): {secs:.1f}s")
    report_times(case, base)

    # recall on the subset, spill (defaults) against plain presidio
    out = base / "bench.jsonl"
    subprocess.run([*SPILL, "export", str(case), "--format", "jsonl", "--reveal", "-o", str(out)], check=True,
                   stderr=subprocess.DEVNULL)
    paths = {p for p, _ in subset}
    sub_truth = [t for t in truth if t["path"] in paths]
    spill_rows = [r for r in read_jsonl(out) if r["path"] in paths]
    ours, theirs = score(sub_truth, spill_rows), score(sub_truth, base_rows)
    print("\nrecall on the subset's planted truth (spill defaults vs plain presidio):")
    print(f"| {'entity type':<16} | truth | spill | plain |")
    print("|---|---|---|---|")
    for label in sorted({t['label'] for t in sub_truth}):
        a, b = ours.get(label), theirs.get(label)
        print(f"| {label:<16} | {a.truth if a else 0:>5} | {a.recall if a else 0:.2f} | {b.recall if b else 0:.2f} |")
    noise = defaultdict(int)
    for r in base_rows:
        noise[r["entity_type"]] += 1
    print(f"\nfindings on the subset: spill {len(spill_rows)}, plain presidio {len(base_rows)} "
          f"({', '.join(f'{k} {v}' for k, v in sorted(noise.items(), key=lambda kv: -kv[1])[:6])})")
    tmp.cleanup()
    return 0


def report_times(case: Path, base: Path) -> None:
    """(d) the deliverables on the scanned corpus: each a whole `spill` process, start-up included."""
    for label, argv in (("spill report --format html", ["report", str(case), "--format", "html", "-o",
                                                        str(base / "report.html")]),
                        ("spill report --format md", ["report", str(case), "--format", "md", "-o",
                                                      str(base / "report.md")]),
                        ("spill export --people", ["export", str(case), "--people", "--format", "csv", "-o",
                                                   str(base / "people.csv")])):
        t0 = time.monotonic()
        subprocess.run([*SPILL, *argv], check=True, cwd=ROOT, stderr=subprocess.DEVNULL)
        print(f"(d) {label}: {time.monotonic() - t0:.1f}s")


if __name__ == "__main__":
    sys.exit(main())
