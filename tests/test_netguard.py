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
