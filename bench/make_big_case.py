"""Write a synthetic case file with N findings, shaped like a real vendor-share breach.

    python bench/make_big_case.py 1000000 /tmp/big.db [--seed 7]

Most findings are the same few values repeated (the vendor's support phone and mailbox,
project managers' addresses, one leaked Slack token), the rest belong to a pool of
contractors whose rosters, payouts, tickets and KYC scans sit in the share, plus
document-level LAB_RUBRIC findings per client lab and a few files that could not be read.
Everything is written through ``Case.write_results`` in batches, as a scan would, then
``link_subjects()`` ties findings to people. The output is deterministic for a seed.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from spill.case import Case
from spill.mask import mask
from spill.model import Category, FileRecord, FileResult, FileStatus, Finding, Severity, file_id

FIRST = ["Priya", "Arjun", "Maria", "Chen", "Fatima", "Lucas", "Aisha", "Diego", "Mei", "Omar", "Sofia", "Ravi",
         "Grace", "Kwame", "Elena", "Tariq", "Ana", "Joon", "Leila", "Marco", "Nadia", "Ivan", "Zara", "Sipho"]
LAST = ["Sharma", "Okafor", "Garcia", "Wang", "Haddad", "Silva", "Khan", "Lopez", "Tanaka", "Mensah", "Rossi",
        "Novak", "Reyes", "Nguyen", "Ali", "Kim", "Costa", "Patel", "Ibrahim", "Muller", "Santos", "Ahmed"]
MAIL = ["gmail.com", "outlook.com", "yahoo.com", "proton.me"]
LABS = ["Northwind AI", "Helios Labs", "Quanta Research", "Aster Intelligence"]
SUPPORT_PHONE = "+1 (415) 555-0142"
SUPPORT_MAIL = "support@annotate-co.example"
PMS = [f"pm.{n}@annotate-co.example" for n in ("lee", "ortiz", "byrne", "dubois", "abe", "moss", "ng", "fox")]
SLACK = "xoxb-1046374-2240917-a8Kd03LqPzT7sWmYcVb1"
AWS = ["AKIAIOSFODNN7EXAMPLE", "AKIAJ2QW7XR5EXAMPLE2"]
PROBLEMS = [
    (FileStatus.SKIPPED, "encrypted PDF: needs a password"),
    (FileStatus.SKIPPED, "binary file (image/png): no text to scan"),
    (FileStatus.SKIPPED, "over the 512 MiB size limit"),
    (FileStatus.ERROR, "xlsx: not a zip file (truncated download?)"),
    (FileStatus.ERROR, "zip member: bad CRC-32"),
]


@dataclass(frozen=True, slots=True)
class Contractor:
    cid: str
    name: str
    email: str
    phone: str
    iban: str
    pan: str


def _contractors(rng: random.Random, n: int) -> list[Contractor]:
    out = []
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        out.append(Contractor(
            cid=f"CTR-{100000 + i}", name=f"{first} {last}",
            email=f"{first.lower()}.{last.lower()}{i}@{rng.choice(MAIL)}",
            phone=f"+91 9{rng.randrange(10**8, 10**9)}",
            iban=f"GB{rng.randrange(10, 99)} WEST {rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}"
                 f" {rng.randrange(1000, 9999)} {rng.randrange(10, 99)}",
            pan=f"{''.join(rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ') for _ in range(5))}{rng.randrange(1000, 9999)}"
                f"{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}",
        ))
    return out


class _Doc:
    """Builds one file's findings: lines of text with values at known offsets."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.rows: list[Finding] = []
        self.pos = 0
        self.line = 1

    def add(self, parts: list[tuple[str, str | None, Category | None, Severity | None]], *,
            record: str | None = None, location: dict[str, object] | None = None,
            rule_prefix: str = "spill") -> None:
        """One line made of (text, entity_type|None, category, severity) parts."""
        masked = [mask(t, e) or "" if e else t for t, e, _c, _s in parts]
        context = " ".join(masked)
        raw_off = self.pos
        ctx_off = 0
        for (text, etype, cat, sev), m in zip(parts, masked, strict=True):
            if etype and cat and sev:
                self.rows.append(Finding(
                    path=self.path, entity_type=etype, category=cat, severity=sev,
                    score=0.85, rule=f"{rule_prefix}.{cat.value}.{etype.lower()}", start=raw_off,
                    end=raw_off + len(text), line=self.line, location=dict(location or {}),
                    preview=mask(text, etype), context=context, ctx_start=ctx_off, ctx_end=ctx_off + len(m),
                    value=text, record=record,
                ))
            raw_off += len(text) + 1
            ctx_off += len(m) + 1
        self.pos = raw_off
        self.line += 1


def _kinds(rng: random.Random, people: list[Contractor], weights: list[float]
           ) -> dict[str, Callable[[int], Iterator[FileResult]]]:
    def person() -> Contractor:
        return rng.choices(people, cum_weights=weights)[0]

    def result(path: str, kind: str, doc: _Doc | None = None, status: FileStatus = FileStatus.DONE,
               reason: str | None = None, parent: str | None = None) -> FileResult:
        sha = hashlib.sha256(path.encode()).hexdigest()
        rec = FileRecord(id=file_id(path), path=path, parent=parent, sha256=sha, size=rng.randrange(2_000, 900_000),
                         mtime=1_714_000_000.0 + rng.randrange(0, 10_000_000), kind=kind, status=status,
                         reason=reason)
        return FileResult(rec, doc.rows if doc else [])

    def roster(k: int) -> Iterator[FileResult]:
        doc = _Doc(f"hr/contractors/{2021 + k % 4}/roster_{k:05d}.csv")
        for i in range(40):
            c = person()
            doc.add([(c.cid, "CONTRACTOR_ID", Category.CONTRACTOR, Severity.MEDIUM),
                     (c.name, "PERSON", Category.IDENTITY, Severity.MEDIUM),
                     (c.email, "EMAIL_ADDRESS", Category.CONTACT, Severity.MEDIUM),
                     (c.phone, "PHONE_NUMBER", Category.CONTACT, Severity.MEDIUM)], record=f"row {i + 2}")
        yield result(doc.path, "csv", doc)

    def payroll(k: int) -> Iterator[FileResult]:
        doc = _Doc(f"payroll/{2023 + k % 2}-{1 + k % 12:02d}/payouts_{k:05d}.xlsx")
        for i in range(30):
            c = person()
            doc.add([(c.cid, "CONTRACTOR_ID", Category.CONTRACTOR, Severity.MEDIUM),
                     (c.name, "PERSON", Category.IDENTITY, Severity.MEDIUM),
                     (c.iban, "IBAN_CODE", Category.FINANCIAL, Severity.HIGH)],
                    record=f"Payouts!{i + 2}", location={"sheet": "Payouts", "cell": f"D{i + 2}"})
        yield result(doc.path, "xlsx", doc)

    def ticket(k: int) -> Iterator[FileResult]:
        doc = _Doc(f"support/tickets/{2022 + k % 3}/ticket_{k:06d}.eml")
        c = person()
        doc.add([("From:", None, None, None), (c.email, "EMAIL_ADDRESS", Category.CONTACT, Severity.MEDIUM),
                 (c.name, "PERSON", Category.IDENTITY, Severity.MEDIUM)], record="sender")
        doc.add([("Call us on", None, None, None), (SUPPORT_PHONE, "PHONE_NUMBER", Category.CONTACT, Severity.LOW),
                 ("or write to", None, None, None), (SUPPORT_MAIL, "EMAIL_ADDRESS", Category.CONTACT, Severity.LOW)])
        doc.add([("Reviewer:", None, None, None),
                 (rng.choice(PMS), "EMAIL_ADDRESS", Category.CONTACT, Severity.LOW)])
        yield result(doc.path, "eml", doc)

    def task(k: int) -> Iterator[FileResult]:
        lab = LABS[k % len(LABS)]
        path = f"projects/{lab.lower().replace(' ', '-')}/batch-{k % 37:02d}/task_{k:06d}.json"
        doc = _Doc(path)
        doc.rows.append(Finding(
            path=path, entity_type="LAB_RUBRIC", category=Category.LAB_IP, severity=Severity.HIGH, score=0.9,
            rule="spill.lab_ip.rubric", start=None, end=None, line=None, location={}, preview=None,
            context=f"Rubric for {lab}: score the response 1-7 on helpfulness…", ctx_start=None, ctx_end=None,
            value=None, client=lab, signals=("rubric keywords", f"client name: {lab}")))
        for i in range(6):
            doc.add([("reviewer", None, None, None),
                      (rng.choice(PMS), "EMAIL_ADDRESS", Category.CONTACT, Severity.LOW)],
                     location={"json_path": f"$.reviews[{i}].by"})
        doc.add([("escalate:", None, None, None), (SUPPORT_PHONE, "PHONE_NUMBER", Category.CONTACT, Severity.LOW)],
                location={"json_path": "$.meta.escalation"})
        yield result(path, "json", doc)

    def kyc(k: int) -> Iterator[FileResult]:
        doc = _Doc(f"kyc/{k % 20:02d}/kyc_{k:06d}.pdf")
        c = person()
        doc.add([("Name", None, None, None), (c.name, "PERSON", Category.IDENTITY, Severity.MEDIUM),
                 ("ID", None, None, None), (c.cid, "CONTRACTOR_ID", Category.CONTRACTOR, Severity.MEDIUM),
                 ("PAN", None, None, None), (c.pan, "IN_PAN", Category.GOVERNMENT_ID, Severity.CRITICAL)],
                record="page 1", location={"page": 1})
        yield result(doc.path, "pdf", doc)

    def config(k: int) -> Iterator[FileResult]:
        doc = _Doc(f"eng/deploy/{k % 9}/service_{k:05d}.env")
        doc.add([("SLACK_BOT_TOKEN=", None, None, None),
                 (SLACK, "SLACK_TOKEN", Category.CREDENTIAL, Severity.CRITICAL)])
        doc.add([("AWS_ACCESS_KEY_ID=", None, None, None),
                 (AWS[k % 2], "AWS_ACCESS_KEY", Category.CREDENTIAL, Severity.CRITICAL)])
        doc.add([("ALERT_EMAIL=", None, None, None), (SUPPORT_MAIL, "EMAIL_ADDRESS", Category.CONTACT, Severity.LOW)])
        yield result(doc.path, "text", doc)

    def archive(k: int) -> Iterator[FileResult]:
        outer = f"exports/backup_{k:04d}.zip"
        yield result(outer, "zip")
        for j in range(3):
            doc = _Doc(f"{outer}!/hr/roster_{j}.csv")
            for i in range(20):
                c = person()
                doc.add([(c.cid, "CONTRACTOR_ID", Category.CONTRACTOR, Severity.MEDIUM),
                         (c.email, "EMAIL_ADDRESS", Category.CONTACT, Severity.MEDIUM)], record=f"row {i + 2}")
            yield result(doc.path, "csv", doc, parent=file_id(outer))

    def problem(k: int) -> Iterator[FileResult]:
        status, reason = PROBLEMS[k % len(PROBLEMS)]
        ext = {0: "pdf", 1: "png", 2: "tar", 3: "xlsx", 4: "csv"}[k % len(PROBLEMS)]
        yield result(f"misc/unreadable/file_{k:05d}.{ext}", ext, status=status, reason=reason)

    return {"roster": roster, "payroll": payroll, "ticket": ticket, "task": task, "kyc": kyc, "config": config,
            "archive": archive, "problem": problem}


# kind → share of the findings (problems produce none; they get a share of the files)
MIX = [("roster", 0.25), ("payroll", 0.22), ("ticket", 0.22), ("task", 0.16), ("kyc", 0.05), ("config", 0.05),
       ("archive", 0.05)]
PER_FILE = {"roster": 160, "payroll": 90, "ticket": 5, "task": 8, "kyc": 3, "config": 3, "archive": 120}


def build_case(out: Path, n: int, *, seed: int = 7, finish: bool = True, batch_files: int = 300,
               report: Callable[[str], None] | None = None) -> None:
    """Create ``out`` holding about ``n`` findings (never fewer; whole files are added)."""
    rng = random.Random(seed)
    people = _contractors(rng, max(40, n // 60))
    weights: list[float] = []
    total_w = 0.0
    for i in range(len(people)):
        total_w += 1.0 / (i + 1) ** 0.8
        weights.append(total_w)
    kinds = _kinds(rng, people, weights)
    with Case.create(out) as case:
        scan = case.scans.begin("/evidence/vendor-share", {"jobs": 8, "synthetic": True}, "synthetic-rules",
                               "synthetic")
        plan = [(kind, max(1, round(n * share / PER_FILE[kind]))) for kind, share in MIX]
        plan.append(("problem", max(5, sum(c for _k, c in plan) // 50)))
        order = [kind for kind, count in plan for _ in range(count)]
        rng.shuffle(order)
        counters = dict.fromkeys(kinds, 0)
        written, batch = 0, []
        started = time.perf_counter()
        for kind in order:
            if written >= n and kind != "problem":
                continue
            for res in kinds[kind](counters[kind]):
                batch.append(res)
                written += len(res.findings)
            counters[kind] += 1
            if len(batch) >= batch_files:
                case.scans.write_results(batch, scan, "synthetic-rules")
                batch = []
                if report:
                    report(f"{written:,} findings written ({time.perf_counter() - started:.0f}s)")
        if batch:
            case.scans.write_results(batch, scan, "synthetic-rules")
        people_found = case.people.link()
        if finish:
            case.scans.finish(scan, "finished", {"findings": written, "subjects": people_found})
        if report:
            report(f"done: {written:,} findings, {people_found:,} people, {time.perf_counter() - started:.0f}s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of findings (about)")
    parser.add_argument("out", type=Path, help="case file to create")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--running", action="store_true", help="leave the scan marked as still running")
    args = parser.parse_args(argv)
    build_case(args.out, args.n, seed=args.seed, finish=not args.running,
               report=lambda line: print(line, file=sys.stderr))
    return 0


if __name__ == "__main__":
    sys.exit(main())
