"""Plan rate limiting as pure functions: which rule applies, what the script is asked, what
its reply means, and the IETF RateLimit header fields."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from smartlayer.conf import Config, Rule, collapse_slashes
from smartlayer.keys import Keys
from smartlayer.lua import fields

# Buckets per window. More buckets look back less far past the window (W/N) at the cost of
# a bigger hash; 10 keeps the hash under ~40 small fields for three windows.
BUCKETS = 10

_TOKEN = re.compile(r"[A-Za-z*][A-Za-z0-9!#$%&'*+.^_`|~:/-]*")


@dataclass(slots=True)  # not frozen: built per request, and frozen ones cost ~5x to build
class RateResult:
    """What the ratelimit section decided for one request."""

    allowed: bool
    window: str | None  # the refusing window's name ("minute", ..., "lifetime")
    limit: int | None  # the refusing window's limit
    retry_after: int | None  # whole seconds, None when it never refills (lifetime)
    used: tuple[int, ...]  # per window, after this request
    reset: tuple[int, ...]  # per window, seconds until some quota comes back
    lifetime_used: int


def match(cfg: Config, plan: str, path: str) -> Rule | None:
    """The rule of the longest configured prefix of ``path`` in ``plan``, if any."""
    rules = cfg.plans.get(plan)
    return rules.match(collapse_slashes(path)) if rules else None


@lru_cache(maxsize=1024)
def _static_args(rule: Rule) -> tuple[int, ...]:
    args = [BUCKETS, rule.lifetime or 0]
    for w in rule.windows:
        args += [w.seconds, w.limit, w.seconds * 1000 // BUCKETS]
    return tuple(args)


def section(k: Keys, identity: str, rule: Rule) -> tuple[list[str], list[int | str]]:
    """Keys and args of the ratelimit section of the pre-request script."""
    keys = [k.ratelimit(identity, rule.prefix)]
    if rule.lifetime:
        keys.append(k.lifetime(identity, rule.prefix))
    return keys, list(_static_args(rule))


def _seconds(ms: int) -> int:
    return max(1, -(-ms // 1000))


def parse(rule: Rule, raw: Any) -> RateResult | None:
    """Read the section's reply; None when an earlier section refused the request first."""
    reply = fields(raw)
    if not reply:
        return None
    values = list(map(int, reply))
    allowed, refusing, retry_ms = values[0], values[1], values[2]
    n = len(rule.windows)
    used = tuple(values[3 : 3 + 2 * n : 2])
    reset = tuple([-(-ms // 1000) for ms in values[4 : 4 + 2 * n : 2]])
    window = limit = retry = None
    if not allowed:
        if refusing > n:
            window, limit = "lifetime", rule.lifetime
        else:
            w = rule.windows[refusing - 1]
            window, limit, retry = w.name, w.limit, _seconds(retry_ms)
    return RateResult(bool(allowed), window, limit, retry, used, reset, values[3 + 2 * n])


@lru_cache(maxsize=4096)
def _policy_name(plan: str, window: str) -> str:
    name = f"{plan}-{window}"
    if _TOKEN.fullmatch(name):
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


@lru_cache(maxsize=1024)
def _labels(plan: str, rule: Rule) -> tuple[tuple[str, ...], str, str]:
    """(each window's policy name, the lifetime's, the RateLimit-Policy value) of a rule."""
    names = tuple(_policy_name(plan, w.name) for w in rule.windows)
    life = _policy_name(plan, "lifetime")
    items = [f"{name};q={w.limit};w={w.seconds}" for name, w in zip(names, rule.windows, strict=True)]
    if rule.lifetime:
        items.append(f"{life};q={rule.lifetime}")
    return names, life, ", ".join(items)


def headers(plan: str, rule: Rule, result: RateResult) -> dict[str, str]:
    """``RateLimit-Policy`` (every window) and ``RateLimit`` (the tightest one), per
    draft-ietf-httpapi-ratelimit-headers."""
    names, life, policy = _labels(plan, rule)
    refusing = None if result.allowed else result.window
    tightest = None
    for name, w, used, reset in zip(names, rule.windows, result.used, result.reset, strict=True):
        left = w.limit - used if used < w.limit else 0
        if tightest is None or left < tightest[1]:
            tightest = (name, left, result.retry_after if refusing == w.name else reset)
    if rule.lifetime:
        left = max(0, rule.lifetime - result.lifetime_used)
        if tightest is None or left < tightest[1]:
            tightest = (life, left, None)
    out = {"RateLimit-Policy": policy}
    if tightest is not None:
        name, left, t = tightest
        out["RateLimit"] = f"{name};r={left}" if t is None else f"{name};r={left};t={t}"
    return out


def window_usage(raw: bytes | None, rule: Rule, now_ms: int) -> list[int]:
    """Requests counted in each window of ``rule`` from its buckets string (the layout at the
    top of lua/ratelimit.lua), as the script would count them now. For inspection."""
    size = 18 + 4 * (BUCKETS + 1)
    blocks: dict[int, tuple[int, list[int]]] = {}
    if raw and raw[0] == 1 and len(raw) == 2 + raw[1] * size:
        for j in range(raw[1]):
            p = 2 + j * size
            width, newest = (int.from_bytes(raw[q : q + 6], "little") for q in (p, p + 6))
            counts = [int.from_bytes(raw[q : q + 4], "little") for q in range(p + 18, p + size, 4)]
            blocks[width] = (newest, counts)
    used = []
    for w in rule.windows:
        width = w.seconds * 1000 // BUCKETS
        newest, counts = blocks.get(width, (0, []))
        cur = max(now_ms // width, newest)
        used.append(sum(counts[b % (BUCKETS + 1)] for b in range(cur - BUCKETS, newest + 1)) if counts else 0)
    return used
