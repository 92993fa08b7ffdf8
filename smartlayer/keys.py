"""Every Redis key smartlayer writes is built here, and nowhere else.

Layout: ``<KEY_PREFIX>:{<identity>}:<feature>[:<part>]``. The ``{identity}`` hash tag puts all
keys of one identity in one Redis Cluster slot, so the single pre-view script may touch them
all. Key material is bounded: identities (user keys, client IPs or IPv6 prefixes) and
configured path prefixes; anything long or odd is hashed, never copied.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

_SAFE = re.compile(r"[A-Za-z0-9_.:/@~-]{1,64}")


@lru_cache(maxsize=4096)
def component(value: str) -> str:
    """Return ``value`` if it is short and plain, else a 16-hex-digit digest of it."""
    if _SAFE.fullmatch(value):
        return value
    return "#" + hashlib.sha1(value.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def user_identity(user_key: object) -> str:
    """Identity of an authenticated user (by primary key or resolver key)."""
    return "u:" + component(str(user_key))


def ip_identity(ip: str | None) -> str:
    """Identity of an anonymous client (an address, an IPv6 prefix, or 'unknown')."""
    return "ip:" + component(ip or "unknown")


class Keys:
    """Key builder bound to one ``KEY_PREFIX``."""

    __slots__ = ("prefix",)

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def ban(self, identity: str) -> str:
        return f"{self.prefix}:{{{identity}}}:ban"

    def would_ban(self, identity: str) -> str:
        """A ban decided in monitor mode: reported, never enforced."""
        return f"{self.prefix}:{{{identity}}}:wban"

    def ban_index(self, monitor: bool = False) -> str:
        """Sorted set of banned identities by expiry, for listing without KEYS."""
        return f"{self.prefix}:{'wbans' if monitor else 'bans'}"

    def anomaly(self, identity: str) -> tuple[str, str, str]:
        """Behaviour facts: ring-buffer counters (one binary string, lua/facts.lua), recent
        paths (one binary string, lua/anomaly.lua; ":p" was a sorted set before), recent
        trailing ids (a sorted set)."""
        base = f"{self.prefix}:{{{identity}}}:an"
        return base + ":f", base + ":ps", base + ":i"

    def ai_lock(self, identity: str) -> str:
        """Held while (and a cool-down after) the AI is asked about this identity."""
        return f"{self.prefix}:{{{identity}}}:ai"

    def ratelimit(self, identity: str, path_prefix: str) -> str:
        """Sliding-window buckets (one binary string, lua/ratelimit.lua) for one identity on
        one configured prefix."""
        return f"{self.prefix}:{{{identity}}}:rate:{component(path_prefix)}"

    def lifetime(self, identity: str, path_prefix: str) -> str:
        """Lifetime counter; the only kind of key without a TTL."""
        return f"{self.prefix}:{{{identity}}}:life:{component(path_prefix)}"

    def strikes(self, identity: str) -> str:
        """Requests of one identity the validator refused, in the current strike window."""
        return f"{self.prefix}:{{{identity}}}:vs"

    def verdict(self, body_hash: str) -> str:
        """The AI's cached verdict on one body (validator), by a fixed-length digest."""
        return f"{self.prefix}:v:{{{body_hash}}}"

    def identity_pattern(self, identity: str) -> str:
        """SCAN pattern for every key of one identity (management commands only)."""
        return f"{self.prefix}:{{{identity}}}:*"

    def monitor_day(self, day: str, shard: int) -> tuple[str, str]:
        """One shard of one local day's aggregates: the counters hash and the offenders zset.
        ``day`` is ``YYYY-MM-DD``; the shard spreads a day over Cluster slots."""
        base = f"{self.prefix}:mon:{{{day}:{shard}}}"
        return base, base + ":off"

    def monitor_log(self) -> str:
        """Bounded list of msgpack rows of the sampled request log, waiting for the ORM."""
        return f"{self.prefix}:mon:log"

    def analyse_lock(self, day: str) -> str:
        """Taken by the one process that runs the scheduled analyse_logs for ``day``."""
        return f"{self.prefix}:lock:analyse:{day}"
