"""The client's address, trusting X-Forwarded-For only when the direct peer is a configured proxy."""

from __future__ import annotations

import ipaddress
from functools import cache, lru_cache

from litestar.types import Scope


@cache
def _networks(trusted: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(t, strict=False) for t in trusted)


def _is_trusted(address: str, trusted: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _networks(trusted))


def client_ip(scope: Scope, trusted: tuple[str, ...]) -> str:
    """Walk X-Forwarded-For from the right, skipping trusted proxies; the first untrusted hop is the
    client."""
    peer = (scope.get("client") or ("unknown", 0))[0]
    if not trusted or not _is_trusted(peer, trusted):
        return peer
    forwarded = b""
    for name, value in scope.get("headers", ()):
        if name == b"x-forwarded-for":
            forwarded = forwarded + b"," + value if forwarded else value
    hops = [h.strip() for h in forwarded.decode("latin-1").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer
    return hops[0] if hops else peer


@lru_cache(maxsize=4096)
def valid_ip_or_none(value: str) -> str | None:
    """``value`` when it is an IP address (for the inet column), else None (e.g. the test client); cached,
    since parsing an address costs more than the rest of the lead form's checks."""
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None
