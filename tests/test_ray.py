"""The Ray executor on a real Ray cluster started here (2 CPUs, every process on loopback).

Needs the ``ray`` extra: ``make test-ray`` runs this file in its own environment (``.venv-ray``) and
``make test`` calls it; in the laptop environment, without Ray, it is skipped — unless
``SPILL_REQUIRE_RAY`` is set, when a missing Ray fails it.
"""

from __future__ import annotations

import os
import signal
from collections import defaultdict
from pathlib import Path

import pytest

os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # a local Ray binds to 127.0.0.1 only
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
if os.environ.get("SPILL_REQUIRE_RAY"):
    import ray
else:
    ray = pytest.importorskip("ray")

from scanners import engine
from scanners.engine import ScanOptions, run_scan
from spill import netguard
from spill.case import Case
from spill.report.export import export_rows

IBAN = "DE89370400440532013000"  # python-stdnum's documented valid IBAN
SHARE = Path(__file__).resolve().parent.parent / "sample_data" / "share"
pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def cluster():
    netguard.install(True)  # as the CLI does: the cluster is started and used under the guard
    ray.init(address="local", num_cpus=2, include_dashboard=False, _node_ip_address="127.0.0.1", log_to_driver=False,
             configure_logging=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def local_export(tmp_path_factory) -> list[dict]:
    case = Case.create(tmp_path_factory.mktemp("local") / "case.db")
    run_scan(case, ScanOptions(SHARE, jobs=2, use_ner=False))
    rows = comparable(case)
    case.close()
    return rows


def comparable(case: Case) -> list[dict]:
    """The export with what a per-case key makes differ (fingerprints, subject ids) replaced by who is whom."""
    rows = list(export_rows(case))
    by_subject: dict[str, list[tuple]] = defaultdict(list)
    for r in rows:
        if r.get("subject"):
            by_subject[r["subject"]].append((r["path"], r["start"] or 0, r["entity_type"], r["rule"]))
    people = {s: min(ids) for s, ids in by_subject.items()}  # a subject named by its first finding
    for r in rows:
        r.pop("fingerprint", None)
        r["subject"] = people.get(r.get("subject") or "")
    files = sorted((f.path, f.status.value, f.reason, f.sha256) for f in case.scans.iter_files())
    return [*sorted(rows, key=lambda r: (r["path"], r["start"] or 0, r["entity_type"], r["rule"])), {"files": files}]


def test_ray_scan_exports_what_the_local_pool_exports(cluster, tmp_path: Path, local_export) -> None:
    case = Case.create(tmp_path / "ray.db")
    refused = len(netguard.attempts)
    summary = run_scan(case, ScanOptions(SHARE, jobs=2, use_ner=False, executor="ray"))
    assert netguard.attempts[refused:] == []  # the driver reached nothing but loopback
    assert summary.progress.finished
    assert comparable(case) == local_export
    scan = case.scans.last()
    assert scan is not None and scan.options["executor"] == "ray"
    # the same case scanned again: nothing changed, nothing read (incremental rules are the engine's)
    again = run_scan(case, ScanOptions(SHARE, jobs=2, use_ner=False, executor="ray"))
    assert again.progress.unchanged == again.progress.files_done and again.progress.findings == 0
    case.close()


def test_a_ray_worker_killed_mid_scan_loses_nothing(cluster, tmp_path: Path, local_export,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "BATCH_FILES", 3)  # many small batches: the kill lands mid-scan
    killed: list[int] = []

    def kill_one_worker(p: engine.Progress) -> None:
        if not killed and p.files_done >= 6 and not p.finished:
            pids = busy_workers() or scan_workers()
            if pids:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])

    case = Case.create(tmp_path / "killed.db")
    summary = run_scan(case, ScanOptions(SHARE, jobs=2, use_ner=False, executor="ray"), kill_one_worker)
    assert killed, "no Ray worker was running to kill"
    assert summary.progress.finished
    assert summary.progress.workers_started >= 3  # two, and the one that replaced the killed worker
    assert comparable(case) == local_export
    case.close()


def scan_workers(title: bytes = b"ray::ScanWorker") -> list[int]:
    """Live Ray scan workers on this machine, by their process title."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if cmdline.startswith(title):
                pids.append(int(entry.name))
    return pids


def busy_workers() -> list[int]:
    return scan_workers(b"ray::ScanWorker.scan")


def test_a_huge_text_file_is_cut_into_parts_on_ray_too(cluster, tmp_path: Path) -> None:
    from scanners.extract.base import Limits
    from scanners.parts import hash_and_plan

    share = tmp_path / "share"
    share.mkdir()
    lines = [f"2025-03-04T11:00:{i % 60:02d}Z INFO payout-svc req={i:08x} ünïcode=€ latency_ms={i % 900}\n"
             for i in range(14_000)]
    for i in range(0, len(lines), 50):
        lines[i] = f"2025-03-04T11:00:00Z WARN beneficiary contractor=w{i:06d}@vendorco.com iban={IBAN}\n"
    (share / "app.log").write_text("".join(lines), encoding="utf-8")
    limits = Limits(chunk_chars=10_000, chunk_overlap=512, split_bytes=150_000)
    assert len(hash_and_plan(str(share / "app.log"), "app.log", limits)[1]) >= 4
    one = Case.create(tmp_path / "one.db")
    run_scan(one, ScanOptions(share, jobs=1, use_ner=False, limits=limits))
    parts = Case.create(tmp_path / "ray.db")
    summary = run_scan(parts, ScanOptions(share, jobs=2, use_ner=False, limits=limits, executor="ray"))
    assert summary.progress.findings == len(lines) // 50 * 2
    assert comparable(parts) == comparable(one)
    one.close()
    parts.close()
