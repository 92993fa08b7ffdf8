"""The client's IP address: the only reader of REMOTE_ADDR and X-Forwarded-For.

X-Forwarded-For is read only when proxies are configured, right to left, so that a client
can never choose its own address by sending the header. See docs/security.md.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from smartlayer.conf import Config, Network

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# More hops than any real proxy chain; the rest of a longer header is never parsed.
MAX_HOPS = 32
MAX_ADDRESS_LEN = 64


@lru_cache(maxsize=4096)
def parse_address(raw: str) -> Address | None:
    """Parse one address as proxies write it ('1.2.3.4', '1.2.3.4:80', '[::1]:80'), or None.
    Cached: a busy site sees the same few thousand addresses (the proxies', its clients')."""
    value = raw.strip()
    if not value or len(value) > MAX_ADDRESS_LEN:
        return None
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    value = value.partition("%")[0]
    try:
        addr = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        return addr.ipv4_mapped
    return addr


def _hops(meta: Mapping[str, Any]) -> list[str]:
    header = meta.get("HTTP_X_FORWARDED_FOR")
    if not isinstance(header, str) or not header:
        return []
    return header.rsplit(",", MAX_HOPS)[-MAX_HOPS:]


def _trusted(addr: Address, networks: tuple[Network, ...]) -> bool:
    return any(addr in net for net in networks)


def client_address(meta: Mapping[str, Any], cfg: Config) -> Address | None:
    """Return the client's address per the proxy settings, or None if REMOTE_ADDR is unusable."""
    remote = parse_address(str(meta.get("REMOTE_ADDR") or ""))
    if remote is None:
        return None
    if cfg.trusted_networks:
        if not _trusted(remote, cfg.trusted_networks):
            return remote
        nearest = remote
        for raw in reversed(_hops(meta)):
            addr = parse_address(raw)
            if addr is None:
                # A trusted proxy handed on garbage: stop at the last address we can vouch for.
                return nearest
            if not _trusted(addr, cfg.trusted_networks):
                return addr
            nearest = addr
        return nearest
    count = cfg.trusted_proxy_count
    if count:
        hops = _hops(meta)
        if len(hops) < count:
            # Fewer hops than proxies: the request did not come through all of them.
            return remote
        return parse_address(hops[-count]) or remote
    return remote


@lru_cache(maxsize=4096)
def group(addr: Address | None, ipv6_prefix: int) -> str | None:
    """Return the string an identity is built from: IPv6 addresses become their /prefix."""
    if addr is None:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and ipv6_prefix < 128:
        return str(ipaddress.IPv6Network((addr, ipv6_prefix), strict=False))
    return str(addr)
