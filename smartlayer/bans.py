"""Bans outside the request path: list, add and lift (commands, admin, the AI worker).

A ban is the key ``Keys.ban(identity)`` holding its reason, with the ban's TTL; the index
``Keys.ban_index()`` (identity -> expiry) lets bans be listed without the KEYS command.
"""

from __future__ import annotations

from dataclasses import dataclass

from smartlayer import clock, keys, lua
from smartlayer.clientip import group, parse_address
from smartlayer.conf import get_config
from smartlayer.engine import LONGEST_AI_BAN_HOURS
from smartlayer.keys import Keys
from smartlayer.store import get_store


@dataclass(frozen=True, slots=True)
class BanEntry:
    identity: str
    reason: str
    seconds_left: int


def parse_identity(text: str) -> str:
    """'u:42', 'ip:203.0.113.7' or a bare address -> the identity used in keys (ValueError)."""
    if text.startswith("u:") and len(text) > 2:
        return keys.user_identity(text[2:])
    addr = parse_address(text[3:] if text.startswith("ip:") else text)
    if addr is None:
        raise ValueError(f"{text!r} is neither 'u:<user id>' nor an IP address.")
    return keys.ip_identity(group(addr, get_config().ipv6_prefix))


def _keys() -> Keys:
    return Keys(get_config().key_prefix)


def add(identity: str, seconds: int, reason: str, monitor: bool = False) -> None:
    """Ban ``identity`` for ``seconds`` (a would-be ban in monitor mode)."""
    k, store = _keys(), get_store()
    reason = "".join(ch for ch in reason if ch.isprintable())[:200] or "manual"
    key = k.would_ban(identity) if monitor else k.ban(identity)
    store.client.set(key, reason, px=seconds * 1000)
    longest = max(seconds, LONGEST_AI_BAN_HOURS * 3600)
    store.run(lua.BAN_INDEX, [k.ban_index(monitor)], [clock.now_ms(), identity, seconds, longest])


def remove(identity: str) -> bool:
    """Lift a ban (and a would-be ban); True if there was one."""
    k, client = _keys(), get_store().client
    removed = client.delete(k.ban(identity), k.would_ban(identity))
    client.zrem(k.ban_index(), identity)
    client.zrem(k.ban_index(monitor=True), identity)
    return bool(removed)


def active(search: str = "", monitor: bool = False) -> list[BanEntry]:
    """Current bans, soonest to expire first, optionally filtered by a substring."""
    k, client = _keys(), get_store().client
    members = client.zrangebyscore(k.ban_index(monitor), clock.now_ms(), "+inf")
    out = []
    for raw in members:
        identity = raw.decode() if isinstance(raw, bytes) else str(raw)
        if search and search not in identity:
            continue
        key = k.would_ban(identity) if monitor else k.ban(identity)
        ttl, reason = client.pttl(key), client.get(key)
        if ttl > 0:
            text = reason.decode() if isinstance(reason, bytes) else str(reason or "")
            out.append(BanEntry(identity, text, -(-ttl // 1000)))
    return out
