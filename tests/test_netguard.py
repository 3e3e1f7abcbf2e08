"""Zero network: while the guard is on, no library can resolve a host or connect out."""

from __future__ import annotations

import socket

import pytest

from spill import netguard


@pytest.fixture
def guard():
    netguard.install(True)
    netguard.attempts.clear()
    yield netguard
    netguard.disable()


def test_netguard_refuses_a_dependencys_http_request(guard) -> None:
    import requests  # a dependency of tldextract, used by Presidio's e-mail recognizer

    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get("https://publicsuffix.org/list/public_suffix_list.dat", timeout=5)
    assert any("publicsuffix.org" in a for a in guard.attempts)


def test_netguard_refuses_raw_connect_to_an_ip(guard) -> None:
    with socket.socket() as s, pytest.raises(netguard.NetworkBlocked):
        s.connect(("93.184.216.34", 443))


def test_netguard_allows_loopback_and_unix_sockets(guard) -> None:
    a, b = socket.socketpair()
    a.close()
    b.close()
    with socket.socket() as s, pytest.raises(ConnectionRefusedError) as err:
        s.connect(("127.0.0.1", 9))  # nothing listens: refused by the kernel, not by the guard
    assert not isinstance(err.value, netguard.NetworkBlocked)


def test_tldextract_runs_from_its_snapshot_without_network(guard) -> None:
    import tldextract

    import scanners.detect  # noqa: F401 - installs the offline tldextract

    assert tldextract.extract("mail.example.co.uk").suffix == "co.uk"
    assert guard.attempts == []


# ---------------------------------------------------------------- program starts and foreign code
@pytest.fixture
def locked(guard):
    import ctypes  # noqa: F401 - loaded before the lock-down, as a worker does

    netguard.lock_down()
    yield netguard
    netguard.release()


def test_lockdown_refuses_a_dependencys_subprocess_curl(locked) -> None:
    import subprocess

    with pytest.raises(netguard.SpawnBlocked):
        subprocess.run(["curl", "-s", "https://publicsuffix.org/list/public_suffix_list.dat"], check=False)
    assert any("curl" in a for a in locked.attempts)


def test_lockdown_refuses_os_system_exec_and_posix_spawn(locked) -> None:
    import os

    with pytest.raises(netguard.SpawnBlocked):
        os.system("curl -s https://example.org")
    with pytest.raises(netguard.SpawnBlocked):
        os.execv("/usr/bin/curl", ["curl", "https://example.org"])  # refused before the exec happens
    with pytest.raises(netguard.SpawnBlocked):
        os.posix_spawn("/usr/bin/curl", ["curl", "https://example.org"], dict(os.environ))


def test_lockdown_refuses_fork_exec_which_raises_no_audit_event(locked) -> None:
    from multiprocessing import util  # starts programs through _posixsubprocess.fork_exec directly

    with pytest.raises(netguard.SpawnBlocked):
        util.spawnv_passfds(b"/usr/bin/curl", [b"curl", b"https://example.org"], [])


def test_lockdown_refuses_a_ctypes_connect(guard) -> None:
    import ctypes

    libc = ctypes.CDLL(None)  # a handle opened before the lock-down…
    netguard.lock_down()
    try:
        with pytest.raises(netguard.ForeignCodeBlocked):
            ctypes.CDLL("libc.so.6")  # …no new library
        with pytest.raises(netguard.ForeignCodeBlocked):
            libc.connect  # noqa: B018 - …and no symbol looked up in an old one
    finally:
        netguard.release()
    assert any("dlopen" in a for a in guard.attempts) and any("dlsym" in a for a in guard.attempts)


def test_release_allows_programs_again(guard) -> None:
    import subprocess

    netguard.lock_down()
    netguard.release()
    assert subprocess.run(["true"], check=False).returncode == 0


# ---------------------------------------------------------------- every process spill starts
def test_cli_arms_the_guard_before_any_command(tmp_path) -> None:
    """`spill export --reveal` never installed the guard; now main() does, first, for every command."""
    from spill.case import Case
    from spill.cli import main

    Case.create(tmp_path / "c.db").close()
    netguard.disable()
    try:
        assert main(["export", str(tmp_path / "c.db"), "--format", "jsonl", "--reveal", "-o",
                     str(tmp_path / "out.jsonl")]) == 0
        assert netguard.is_enabled()
    finally:
        netguard.disable()


def _forkserver_worker_report(results) -> None:
    """In a worker made as the scan makes them: which routes are refused, and was the guard first?"""
    import socket
    import subprocess
    import sys

    from scanners.extract.base import Limits
    from scanners.pool import WorkerConfig, prepare_worker

    order = list(sys.modules)
    report = {"guard_before_presidio": order.index("spill.guard_on") < order.index("presidio_analyzer"),
              "guard_before_spacy": order.index("spill.guard_on") < order.index("spacy")}
    prepare_worker(WorkerConfig((), False, Limits(), isolate=False))
    for route, attempt in (
        ("python connect", lambda: socket.socket().connect(("192.0.2.1", 443))),
        ("subprocess curl", lambda: subprocess.run(["curl", "-s", "https://example.org"], check=False)),
        ("ctypes load", lambda: __import__("ctypes").CDLL("libc.so.6")),
    ):
        try:
            attempt()
            report[route] = "allowed"
        except (netguard.NetworkBlocked, netguard.SpawnBlocked, netguard.ForeignCodeBlocked) as err:
            report[route] = type(err).__name__
    results.put(report)


def test_scan_worker_is_guarded_from_its_first_import_and_refuses_every_route() -> None:
    import multiprocessing as mp

    from scanners.pool import FORKSERVER_PRELOAD

    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(FORKSERVER_PRELOAD)
    results = ctx.Queue()
    proc = ctx.Process(target=_forkserver_worker_report, args=(results,))
    proc.start()
    report = results.get(timeout=120)
    proc.join(timeout=10)
    assert report == {"guard_before_presidio": True, "guard_before_spacy": True,
                      "python connect": "NetworkBlocked", "subprocess curl": "SpawnBlocked",
                      "ctypes load": "ForeignCodeBlocked"}


def test_a_cluster_scan_allows_exactly_the_named_address_and_loopback() -> None:
    from scanners.ray_pool import cluster_host

    assert [cluster_host(a) for a in ("10.1.2.3:6379", "ray://head.lab:10001", "[fd00::5]:6379")] == [
        "10.1.2.3", "head.lab", "fd00::5"]
    netguard.install(True)
    try:
        assert netguard.allow("10.1.2.3") == ["10.1.2.3"]
        assert netguard._is_local_host("10.1.2.3") and netguard._is_local_host("127.0.0.1")
        assert not netguard._is_local_host("10.1.2.4")
    finally:
        netguard.disallow_all()
    assert not netguard._is_local_host("10.1.2.3")
