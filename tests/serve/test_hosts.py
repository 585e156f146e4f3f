"""`serve --host`: loopback by default; an address other machines reach needs --public and is announced."""
from __future__ import annotations

import socket

import pytest

from sitegen.errors import SiteError
from sitegen.serve import hosts
from sitegen.serve.hosts import check_host, is_loopback
from sitegen.serve.server import DevServer, LiveState, bind


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.53", "localhost", "::1"])
def test_loopback_needs_nothing(host):
    assert check_host(host, public=False) is None
    assert check_host(host, public=True) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "", "192.168.1.20", "10.0.0.7", "fe80::1%lo", "::ffff:10.0.0.1"])
def test_other_addresses_are_refused_without_public(host):
    with pytest.raises(SiteError) as caught:
        check_host(host, public=False)
    [problem] = caught.value.problems
    assert problem.path == "--host" and "--public" in problem.message and "drafts" in problem.message


@pytest.mark.parametrize("address, loopback", [
    ("127.0.0.1", True), ("127.1.2.3", True), ("::1", True), ("::ffff:127.0.0.1", True),
    ("0.0.0.0", False), ("::", False), ("192.0.2.1", False), ("fe80::1%eth0", False), ("not an ip", False),
])
def test_is_loopback(address, loopback):
    assert is_loopback(address) is loopback


def test_a_name_is_judged_by_every_address_it_resolves_to(monkeypatch):
    table = {"devbox.lan": ["10.1.2.3"], "mixed.lan": ["127.0.0.1", "192.168.0.9"], "me.lan": ["127.0.1.1"]}
    monkeypatch.setattr(hosts.socket, "getaddrinfo", lambda host, *a: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, 0)) for ip in table[host]])
    assert check_host("me.lan", public=False) is None
    for name in ("devbox.lan", "mixed.lan"):
        with pytest.raises(SiteError, match="--public"):
            check_host(name, public=False)
    assert "mixed.lan (192.168.0.9)" in check_host("mixed.lan", public=True)


def test_an_unknown_name_is_a_clean_error():
    with pytest.raises(SiteError, match="cannot resolve 'no-such-host.invalid'"):
        check_host("no-such-host.invalid", public=False)


def test_public_warns_loudly():
    warning = check_host("0.0.0.0", public=True)
    assert warning.startswith("WARNING: --public")
    assert "drafts" in warning and "live-reload" in warning


def test_bind_refuses_before_listening_and_warns_when_public():
    with pytest.raises(SiteError, match="--public"):
        bind("0.0.0.0", 0, LiveState())
    warned = []
    server = bind("0.0.0.0", 0, LiveState(), say=lambda text: None, public=True, warn=warned.append)
    try:
        assert server.server_address[0] == "0.0.0.0"
        assert len(warned) == 1 and "WARNING" in warned[0]
    finally:
        server.server_close()


def test_devserver_default_is_loopback(tmp_path):
    server = DevServer(tmp_path, lambda: None, watch=False)
    assert server.host == "127.0.0.1" and server.public is False
