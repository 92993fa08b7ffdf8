"""Anomaly detection as pure functions: what the pre-request script is asked to record for
one request, and the GREY score read from the facts it returns (BLACK rules run in the
script itself, so that the ban is written in the same atomic call)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from smartlayer.conf import AnomalyConfig, Config
from smartlayer.keys import Keys
from smartlayer.lua import fields

# Only this much of a path or User-Agent is ever looked at.
MAX_PATH = 2048
MAX_USER_AGENT = 512
HOUR = 3600
TRAILING_ID = re.compile(r"/(\d{1,15})/?$")


@dataclass(slots=True)  # not frozen: built per request, and frozen ones cost ~5x to build
class Facts:
    """One identity's behaviour, the current request included, as the script saw it."""

    rule: str  # the BLACK rule that fired, or ""
    ban_seconds: int
    requests_10s: int
    requests_2m: int
    errors_2m: int
    paths_1m: int
    paths_10s: int
    id_run: int
    sensitive_1m: int
    active_30_40m: bool
    earlier_24h: int


@dataclass(frozen=True, slots=True)
class Verdict:
    """The GREY reading: ``action`` is "none", "ask_ai" or "ban" (hard block)."""

    action: str
    score: int
    signals: tuple[str, ...]
    ban_seconds: int = 0


NOTHING = Verdict("none", 0, ())


def path_hash(path: str) -> bytes:
    """6 bytes naming a path in the recent-paths string (lua/anomaly.lua)."""
    return hashlib.blake2b(path[:MAX_PATH].encode("utf-8", "surrogatepass"), digest_size=6).digest()


def user_agent(meta: Any) -> str:
    value = meta.get("HTTP_USER_AGENT", "")
    return value[:MAX_USER_AGENT].strip() if isinstance(value, str) else ""


def section(k: Keys, identity: str, path: str, ua: str, cfg: Config) -> tuple[list[str], list[Any]]:
    """Keys and args of the anomaly section of the pre-request script."""
    a = cfg.anomaly
    match = TRAILING_ID.search(path[:MAX_PATH])
    keys = [*k.anomaly(identity), k.ban(identity), k.would_ban(identity)]
    args = [
        path_hash(path),
        (match.group(1).lstrip("0") or "0") if match else "",
        int(path.startswith(a.sensitive_paths)),
        int(not ua),
        int(cfg.monitor_only),
        *_script_limits(a),
    ]
    return keys, args


_limits: tuple[AnomalyConfig, tuple[int, ...]] | None = None


def _script_limits(a: AnomalyConfig) -> tuple[int, ...]:
    """The BLACK rules' limits, in the script's argument order, built once per configuration
    (the last one seen, kept alive here, so that its identity is a safe key)."""
    global _limits
    cached = _limits
    if cached is not None and cached[0] is a:
        return cached[1]
    lim = a.limits
    limits = (
        lim["burst_requests"],
        lim["burst_ban_hours"] * HOUR,
        lim["empty_ua_ban_hours"] * HOUR,
        lim["error_percent"],
        lim["error_min_requests"],
        lim["error_ban_hours"] * HOUR,
    )
    _limits = (a, limits)
    return limits


def parse(raw: Any) -> Facts | None:
    """Read the section's reply; None when an earlier section refused the request."""
    reply = fields(raw)
    if not reply:
        return None
    rule = reply[0].decode() if isinstance(reply[0], bytes) else str(reply[0])
    ban, r10, r2m, e2m, p1m, p10s, run, sens, active, earlier = map(int, reply[1:11])
    return Facts(rule, ban, r10, r2m, e2m, p1m, p10s, run, sens, bool(active), earlier)


def _signals(f: Facts, anonymous: bool, ua: str, cfg: Config) -> list[str]:
    lim, a = cfg.anomaly.limits, cfg.anomaly
    lowered = ua.lower()
    found = []
    if any(token in lowered for token in a.suspicious_user_agents):
        found.append("suspicious_ua")
    if lim["elevated_requests"] <= f.requests_10s < lim["burst_requests"]:
        found.append("elevated_rate")
    done = f.requests_2m - 1  # outcomes known: every request but this one
    if done >= lim["error_min_requests"] and (
        lim["moderate_error_percent"] * done <= 100 * f.errors_2m < lim["error_percent"] * done
    ):
        found.append("moderate_errors")
    if anonymous and f.sensitive_1m >= lim["sensitive_hits"]:
        found.append("sensitive_paths")
    if f.paths_1m >= lim["distinct_paths"]:
        found.append("scanning")
    if f.id_run >= lim["sequential_run"]:
        found.append("sequential_ids")
    if (
        not f.active_30_40m
        and f.requests_10s >= lim["idle_burst_requests"]
        and f.paths_10s <= lim["idle_burst_paths"]
    ):
        found.append("idle_burst")
    if anonymous:
        found.append("anonymous")
    return found


def score(f: Facts, anonymous: bool, ua: str, cfg: Config) -> Verdict:
    """The GREY score of one request's facts, and what it calls for."""
    a = cfg.anomaly
    if f.earlier_24h < a.limits["grace_requests"]:
        return NOTHING
    signals = tuple(_signals(f, anonymous, ua, cfg))
    total = sum(a.weights[s] for s in signals)
    if total >= a.hard_block_score:
        return Verdict("ban", total, signals, a.limits["hard_block_ban_hours"] * HOUR)
    if total >= a.suspicion_threshold:
        return Verdict("ask_ai", total, signals)
    return Verdict("none", total, signals)
