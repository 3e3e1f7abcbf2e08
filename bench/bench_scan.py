"""`make bench`: spill scan throughput against a plain presidio-analyzer loop, in the same run.

    make bench                                   # the generated corpus (deterministic, 50 MB)
    make bench BENCH_SHARE=DIR [BENCH_RULES=DIR] # any folder, with its own rule folder if it has one

Measures, in one run:
(a) a plain loop of ``AnalyzerEngine.analyze()`` (same spaCy model) over spill's own extracted
    text of a deterministic subset of the share that interleaves its folders (``--baseline-mb``;
    plain Presidio is slow: on all 50 MB it would take most of an hour) — its rate in file bytes
    per second, the unit spill's rate is given in;
(b) ``spill scan`` end to end (walk, hash, extract, detect, mask, write) over the whole share:
    ``--no-ner --jobs 1``, ``--no-ner``, ``--jobs 1``, defaults — seconds, MB/s, MB/s per worker,
    × plain Presidio, the largest worker's peak RSS, time to first finding; then the scaling from
    one worker to all;
(c) a re-scan of the unchanged share (hashing only) and with ``--trust-mtime``;
(d) the deliverables (reports, the notification list) on the scanned case;
then recall per entity type on the subset: against the planted truth (the generated corpus, or
``--truth``), or else against the distinct values plain Presidio reported there.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, SPILL, compatible, plain_analyzer, read_jsonl, score

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


@dataclass
class Run:
    """One ``spill scan`` of the whole share, as the table prints it."""

    label: str
    seconds: float
    workers: int
    worker_rss_mib: float  # the largest worker's peak resident memory (the scan's counts)
    largest_rss_mib: float  # the largest process's (parent or worker, getrusage)
    first_finding: float | None


def run_spill(share: Path, case: Path, label: str, *argv: str, fresh: bool = True) -> Run:
    """Scan ``share`` into ``case`` in a child process; the people figures are printed."""
    if fresh:
        for p in case.parent.glob(case.name + "*"):
            p.unlink()
    t0 = time.monotonic()
    subprocess.run([*SPILL, "scan", str(share), "--case", str(case), *argv], check=True,
                   stdout=subprocess.DEVNULL, cwd=ROOT)
    elapsed = time.monotonic() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB, the largest child so far
    counts = json.loads(sqlite3.connect(case).execute(
        "SELECT counts FROM scans ORDER BY id DESC LIMIT 1").fetchone()[0])
    if counts.get("link_seconds"):
        print(f"    of which people linkage {counts['link_seconds']:.1f}s, names pass {counts['names_seconds']:.1f}s"
              f" ({counts['names_found']:,} names found, {counts['people']:,} people)")
    return Run(label, elapsed, int(counts.get("workers_started") or 0), float(counts.get("worker_peak_rss_mib") or 0),
               peak / 1024, counts.get("first_finding_seconds"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size-mb", type=float, default=50.0, help="size of the generated corpus")
    ap.add_argument("--baseline-mb", type=float, default=1.0,
                    help="MB of extracted text the plain Presidio loop measures (0: all of it)")
    ap.add_argument("--keep", type=Path, help="build/keep the generated corpus here instead of a temp folder")
    ap.add_argument("--share", type=Path, help="measure this folder instead of the generated corpus (BENCH_SHARE)")
    ap.add_argument("--rules", type=Path, action="append", default=[],
                    help="a rule folder for spill scan, e.g. the share's contractor-ID format (BENCH_RULES)")
    ap.add_argument("--truth", type=Path, help="planted truth of --share (jsonl: path, label, value)")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory(prefix="spill-bench-")
    work = Path(tmp.name)  # the cases and exports: never inside the share
    if args.share:
        share = args.share.resolve()
        truth = read_jsonl(args.truth) if args.truth else None
    else:
        base = args.keep or work
        share = base / "corpus"
        if not share.exists():
            planted = build_corpus(share, args.size_mb)
            (base / "truth.jsonl").write_text("".join(json.dumps(t) + "\n" for t in planted))
        truth = read_jsonl(base / "truth.jsonl")
    files = [p for p in share.rglob("*") if p.is_file() and not p.is_symlink()]
    mb = sum(p.stat().st_size for p in files) / 2**20
    cores = os.cpu_count() or 1
    print(f"share: {share if args.share else 'generated corpus'}: {mb:.2f} MB in {len(files)} files; {cores} cores")

    # (a) plain presidio on a deterministic subset (or all) of spill's extracted text
    from bench.common import extracted_objects

    engine = plain_analyzer(national=True)
    subset: list[tuple[str, list]] = []
    budget = args.baseline_mb * 2**20 if args.baseline_mb > 0 else float("inf")
    for path, segs in extracted_objects(share, only=spread_sample(share, every=7 if args.baseline_mb > 0 else 1)):
        subset.append((path, segs))
        budget -= sum(len(s.text) for s in segs)
        if budget <= 0:
            break
    sub_text = sum(len(s.text.encode()) for _, segs in subset for s in segs)
    sub_file = sum((share / path).stat().st_size for path, _ in subset if "!" not in path and (share / path).is_file())
    t0 = time.monotonic()
    base_rows = []
    for path, segs in subset:
        for s in segs:
            for r in engine.analyze(s.text, language="en"):
                if r.score >= 0.5:
                    base_rows.append({"path": path, "entity_type": r.entity_type, "value": s.text[r.start:r.end]})
    plain_s = time.monotonic() - t0
    plain_rate = sub_file / 2**20 / plain_s  # file bytes, as spill's rate below
    print(f"(a) plain presidio loop: {len(subset)} files, {sub_file / 2**20:.2f} MB ({sub_text / 2**20:.2f} MB of "
          f"extracted text) in {plain_s:.1f}s = {plain_rate * 1024:.1f} KB/s; the whole share would take about "
          f"{mb / plain_rate:.0f}s")

    # (b) spill scan, whole share; defaults last: its case is the one the rescans and recall below use
    case = work / "bench.db"
    rules = [arg for d in args.rules for arg in ("--rules", str(d.resolve()))]
    runs = [run_spill(share, case, label, *extra, *rules) for label, extra in (
        ("--no-ner --jobs 1", ("--no-ner", "--jobs", "1")), ("--no-ner", ("--no-ner",)),
        ("--jobs 1", ("--jobs", "1")), ("defaults", ()))]
    by_label = {r.label: r for r in runs}
    print("\n| spill scan | seconds | MB/s | MB/s per worker | × plain presidio | worker peak RSS | first finding |")
    print("|---|---|---|---|---|---|---|")
    print(f"| (a) plain presidio loop | {mb / plain_rate:.0f} (est.) | {plain_rate:.3f} | {plain_rate:.3f} | 1× "
          "| — | — |")
    for r in runs:
        rate = mb / r.seconds
        first = "—" if r.first_finding is None else f"{r.first_finding:.1f} s"
        print(f"| `{r.label}` ({r.workers} worker{'s' * (r.workers != 1)}) | {r.seconds:.1f} | {rate:.3f} | "
              f"{rate / max(r.workers, 1):.3f} | **{rate / plain_rate:.1f}×** | {r.worker_rss_mib:.0f} MiB | {first} |")
    scaling = by_label["--jobs 1"].seconds / by_label["defaults"].seconds
    nn_scaling = by_label["--no-ner --jobs 1"].seconds / by_label["--no-ner"].seconds
    print(f"\nscaling 1 -> {by_label['defaults'].workers} workers: {scaling:.2f}× with NER, {nn_scaling:.2f}× "
          f"--no-ner; largest process (parent or worker) peaked at {max(r.largest_rss_mib for r in runs):.0f} MiB")
    # (c) rescans of the unchanged share (the case of the defaults scan)
    again = run_spill(share, case, "rescan", *rules, fresh=False)
    print(f"(c) re-scan of the unchanged share (re-hash every file): {again.seconds:.1f}s")
    again = run_spill(share, case, "rescan --trust-mtime", "--trust-mtime", *rules, fresh=False)
    print(f"(c) re-scan with --trust-mtime (size + mtime): {again.seconds:.1f}s")
    report_times(case, work)
    print_recall(case, work, subset, truth, base_rows)
    tmp.cleanup()
    return 0


def print_recall(case: Path, work: Path, subset: list[tuple[str, list]], truth: list[dict] | None,
                 base_rows: list[dict]) -> None:
    """Recall per type on the subset: against planted truth, or else against what plain Presidio found there."""
    out = work / "bench.jsonl"
    subprocess.run([*SPILL, "export", str(case), "--format", "jsonl", "--reveal", "-o", str(out)], check=True,
                   stderr=subprocess.DEVNULL, cwd=ROOT)
    paths = {p for p, _ in subset}
    # the plain loop saw an archive's or a mail's members as text of the file itself: score by top-level file
    spill_rows = [r for r in map(_top_level, read_jsonl(out)) if r["path"] in paths]
    if truth is not None:
        sub_truth = [t for t in map(_top_level, truth) if t["path"] in paths]
        ours, theirs = score(sub_truth, spill_rows), score(sub_truth, base_rows)
        print("\nrecall on the subset's planted truth (spill defaults vs plain presidio):")
        print(f"| {'entity type':<16} | truth | spill | plain |")
        print("|---|---|---|---|")
        for label in sorted({t["label"] for t in sub_truth}):
            a, b = ours.get(label), theirs.get(label)
            print(f"| {label:<16} | {a.truth if a else 0:>5} | {a.recall if a else 0:.2f} | "
                  f"{b.recall if b else 0:.2f} |")
    else:
        # no truth: each distinct value plain Presidio reported is a reference item; types spill never reports
        # (DATE_TIME, URL, NRP...) are listed apart, since they are not spill's job
        reference = {(r["path"], r["entity_type"], r["value"]) for r in base_rows}
        spill_types = {r["entity_type"] for r in spill_rows}
        both = {t for _, t, _ in reference if any(compatible(t, s) for s in spill_types)}
        table = score([{"path": p, "label": t, "value": v} for p, t, v in reference if t in both], spill_rows)
        print("\nrecall against plain presidio on the subset (of the distinct values it reported, the share "
              "spill also reports, for the types both detect):")
        print(f"| {'entity type':<16} | plain's values | spill also | recall |")
        print("|---|---|---|---|")
        for label in sorted(both):
            s = table[label]
            print(f"| {label:<16} | {s.truth:>5} | {s.found_truth:>5} | {s.recall:.2f} |")
        others = Counter(t for _, t, _ in reference if t not in both)
        print(f"types only plain presidio reports: {', '.join(f'{t} {n}' for t, n in others.most_common())}")
    noise = Counter(r["entity_type"] for r in base_rows)
    print(f"\nfindings on the subset: spill {len(spill_rows)}, plain presidio {len(base_rows)} "
          f"({', '.join(f'{k} {v}' for k, v in noise.most_common(6))})")


def _top_level(row: dict) -> dict:
    """The row with the path of the file on disk that holds it (``mail.eml!/a.zip!/b.csv`` -> ``mail.eml``)."""
    return {**row, "path": row["path"].split("!/", 1)[0]}


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
