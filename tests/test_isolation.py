"""--isolate: scan workers in a network namespace, where even native code cannot connect."""

from __future__ import annotations

import errno
import multiprocessing as mp
from pathlib import Path

import pytest

from spill import provenance
from spill.isolation import isolation_mode, probe
from spill.provenance import from_meta

needs_namespaces = pytest.mark.skipif(not probe().available,
                                      reason=f"network namespaces not allowed here: {probe().reason}")


def _native_connect_in_worker(isolate: bool, results) -> None:
    import native_dependency  # imported before the worker is prepared, as a dependency is

    from scanners.extract.base import Limits
    from scanners.pool import WorkerConfig, prepare_worker
    from spill import netguard

    _, how = prepare_worker(WorkerConfig((), False, Limits(), isolate=isolate))
    # loopback: a closed port refuses outside a namespace; inside one, not even loopback is up
    results.put((how, netguard.is_locked_down(), native_dependency.native_connect("127.0.0.1", 9)))


def _run_worker(isolate: bool) -> tuple[str, bool, int]:
    from scanners.pool import FORKSERVER_PRELOAD

    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(FORKSERVER_PRELOAD)
    results = ctx.Queue()
    proc = ctx.Process(target=_native_connect_in_worker, args=(isolate, results))
    proc.start()
    out = results.get(timeout=120)
    proc.join(timeout=10)
    return out


@needs_namespaces
def test_isolated_worker_native_connect_is_network_unreachable() -> None:
    how, locked, err = _run_worker(isolate=True)
    assert "network namespace" in how and locked
    assert err == errno.ENETUNREACH, f"native connect gave {errno.errorcode.get(err, err)}, not ENETUNREACH"


def test_unisolated_worker_native_connect_passes_the_in_process_guard() -> None:
    """Why isolation matters: without it the same native connect reaches the kernel's loopback."""
    how, locked, err = _run_worker(isolate=False)
    assert how == "none" and locked
    assert err == errno.ECONNREFUSED


def test_isolation_mode_names() -> None:
    assert isolation_mode(True) == "network-namespace"
    assert isolation_mode(False) == "in-process-guard"


@needs_namespaces
def test_scan_isolates_by_default_and_records_it(tmp_path: Path) -> None:
    from spill.case import Case
    from spill.cli import main

    share = tmp_path / "share"
    share.mkdir()
    (share / "a.txt").write_text("Contact: jane.roe@example.com\n")
    assert main(["scan", str(share), "--case", str(tmp_path / "c.db"), "--jobs", "1", "--no-ner"]) == 0
    assert main(["scan", str(share), "--case", str(tmp_path / "d.db"), "--jobs", "1", "--no-ner",
                 "--no-isolate"]) == 0
    with Case.open(tmp_path / "c.db", readonly=True) as c, Case.open(tmp_path / "d.db", readonly=True) as d:
        assert c.scans.last().options["isolation"] == "network-namespace"
        assert d.scans.last().options["isolation"] == "in-process-guard"
        assert from_meta(c.store.meta())["isolation"] == "network-namespace"


def test_insisting_on_isolation_where_unavailable_is_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    from spill import cli, isolation

    monkeypatch.setattr(isolation, "probe", lambda: isolation.IsolationStatus(False, "", "unshare: not permitted"))
    share = tmp_path / "share"
    share.mkdir()
    assert cli.main(["scan", str(share), "--case", str(tmp_path / "c.db"), "--isolate", "--no-ner"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["spill: error: --isolate: OS-level isolation is not available here (unshare: not permitted); "
                   "use --no-isolate to scan under the in-process guard only"]
    assert not (tmp_path / "c.db").exists()


def test_default_falls_back_to_the_guard_with_a_notice(tmp_path: Path, monkeypatch, capsys) -> None:
    from spill import cli, isolation

    monkeypatch.setattr(isolation, "probe", lambda: isolation.IsolationStatus(False, "", "unshare: not permitted"))
    assert cli._isolation_choice(None) is False
    assert "not isolated by the OS (unshare: not permitted)" in capsys.readouterr().err


def test_case_meta_and_report_carry_the_scans_provenance(tmp_path: Path) -> None:
    """Tool version, lock hash, model hash, rules fingerprint and isolation mode: in meta and in the report."""
    from spill.case import Case
    from spill.cli import main
    from spill.notify_rules import load_rulebook
    from spill.report.data import build
    from spill.report.markdown import render as render_markdown

    share = tmp_path / "share"
    share.mkdir()
    (share / "a.txt").write_text("Contact: jane.roe@example.com\n")
    assert main(["scan", str(share), "--case", str(tmp_path / "c.db"), "--jobs", "1", "--no-ner",
                 "--no-isolate"]) == 0
    with Case.open(tmp_path / "c.db", readonly=True) as case:
        prov = from_meta(case.store.meta())
        report = render_markdown(build(case, load_rulebook()))
        scan = case.scans.last()
    assert prov == {"tool_version": provenance.tool_version(), "lock_sha256": provenance.lock_hash(),
                    "model_sha256": "not used (--no-ner)", "rules_fingerprint": prov["rules_fingerprint"],
                    "isolation": "in-process-guard", "scan_id": str(scan.id)}
    assert len(prov["lock_sha256"]) == 64 and len(prov["rules_fingerprint"]) == 64
    assert "## Appendix: chain of custody" in report
    for value in (prov["lock_sha256"], prov["rules_fingerprint"], "in-process-guard"):
        assert value in report


def test_provenance_with_the_model_records_the_pinned_manifest_hash() -> None:
    from spill.model_integrity import load_manifest

    rec = provenance.record("f" * 64, "network-namespace", 7)
    assert rec["provenance.model_sha256"] == load_manifest().digest
    assert rec["provenance.scan_id"] == "7"
