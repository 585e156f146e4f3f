"""Which addresses `serve` listens on: this machine only, unless the author says `--public`.

The development server shows what a built site must not: drafts and future posts (under
`--drafts`, `--future`), build errors with the project's paths, and the live-reload channel. So a
`--host` that other machines can reach (0.0.0.0, ::, a LAN address, a name resolving to one) is
refused without `--public`, and with it the terminal says loudly what is exposed.
"""
from __future__ import annotations

import ipaddress
import socket

from ..errors import SiteError, error


def family_of(host: str) -> socket.AddressFamily:
    """The address family `serve` binds `host` with (an IPv6 literal has a colon)."""
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def addresses(host: str) -> list[str]:
    """Every address `host` stands for when bound; `""` is every interface, as for bind()."""
    if host in ("", "<broadcast>"):
        return ["0.0.0.0" if host == "" else "255.255.255.255"]
    try:
        found = socket.getaddrinfo(host, None, family_of(host), socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise SiteError(error("--host", None, f"cannot resolve {host!r}: {getattr(exc, 'strerror', None) or exc}")) from None
    return sorted({info[4][0] for info in found})


def is_loopback(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])   # fe80::1%eth0: the zone is not part of it
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)                   # ::ffff:127.0.0.1
    return (mapped or ip).is_loopback


def check_host(host: str, public: bool) -> str | None:
    """None for a host only this machine reaches; the warning to print when --public allows another;
    SiteError when it is not allowed."""
    reachable = [a for a in addresses(host) if not is_loopback(a)]
    if not reachable:
        return None
    where = host if reachable == [host] else f"{host} ({', '.join(reachable)})"
    if not public:
        raise SiteError(error("--host", None,
                              f"{where} is reachable from other machines, and `serve` shows drafts, build errors "
                              "and its live-reload channel to whoever connects: add --public to serve to the "
                              "network anyway, or leave out --host to stay on this machine (127.0.0.1)"))
    return (f"WARNING: --public: serving on {where}, reachable from other machines. Anyone who can connect "
            "sees what `serve` shows: drafts and future posts (with --drafts, --future), build errors with "
            "this project's paths, and the live-reload channel. Use it only on a network you trust.")
