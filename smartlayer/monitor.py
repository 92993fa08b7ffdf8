"""Per-day traffic aggregates in Redis (written once per request, read by ``analyse_logs``)
and the sampled request log.

Writing: ``record`` returns the script calls that the middleware appends to its single
post-view pipeline: one ``lua.MONITOR`` call that updates one shard of the local day's
counters, plus one more only when the request is sampled for the ORM log. No SQL, no
threads, no settings read per call.

Reading: ``day_stats`` merges a day's shards into the report dict (its cost grows with the
number of routes and shards, never with the number of requests), and ``flush_samples``
moves the buffered sample rows into ``RequestLog`` in batches.

Latency histogram: bucket 0 holds latencies below ``HIST_MIN_MS``; bucket ``i >= 1`` holds
``[HIST_MIN_MS * G**(i-1), HIST_MIN_MS * G**i)`` with ``G = 1.2`` (buckets grow 20 %), up to
``HIST_BUCKETS - 1`` (everything slower). A percentile is reported as its bucket's geometric
midpoint, so it is within ``HIST_ERROR`` (sqrt(1.2) - 1, about 9.6 %) of the exact
nearest-rank percentile, for latencies inside the histogram's range (0.1 ms to ~3 min).
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import math
import os
import random
import threading
import zlib
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone
from typing import Any

import msgpack
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone

from smartlayer import clock, lua
from smartlayer.conf import Config
from smartlayer.keys import Keys
from smartlayer.lua import ScriptCall

UNMATCHED = "<unmatched>"  # every request that resolved to no URL pattern
OTHER = "<other>"  # routes past MAX_ROUTES on one shard and day
MAX_ROUTE_LEN = 100
MAX_ROUTES = 500  # distinct route labels per day and shard
MAX_OFFENDERS = 100  # identities kept in each shard's top-offenders set
LOG_MAX_ROWS = 10_000  # sampled rows buffered in Redis before the oldest are dropped

HIST_MIN_MS = 0.1
HIST_GROWTH = 1.2
HIST_BUCKETS = 80  # the last bucket starts at 0.1 ms * 1.2**78, about 150 s
HIST_ERROR = math.sqrt(HIST_GROWTH) - 1
_LOG_GROWTH = math.log(HIST_GROWTH)


# --- labels ------------------------------------------------------------------------------


def bounded(label: str) -> str:
    """``label`` if at most MAX_ROUTE_LEN characters, else a prefix and a digest of it."""
    if len(label) <= MAX_ROUTE_LEN:
        return label
    digest = hashlib.sha1(label.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return label[: MAX_ROUTE_LEN - 17] + "#" + digest


def route_label(request: Any) -> str:
    """The URL pattern the request resolved to, as ``/api/items/<int:pk>``; UNMATCHED when
    it resolved to none. Never the raw path."""
    match = getattr(request, "resolver_match", None)
    route = getattr(match, "route", None) if match is not None else None
    if route is None:
        return UNMATCHED
    return bounded("/" + route.lstrip("^"))  # the root pattern "" is "/"


# --- buckets -----------------------------------------------------------------------------


def bucket(latency_ms: float) -> int:
    """Histogram bucket of a latency (see the module docstring)."""
    if not latency_ms >= HIST_MIN_MS:  # also NaN
        return 0
    return min(int(math.log(latency_ms / HIST_MIN_MS) / _LOG_GROWTH) + 1, HIST_BUCKETS - 1)


def bucket_bounds(index: int) -> tuple[float, float]:
    """[low, high) of a bucket in milliseconds (high is inf for the last one)."""
    if index <= 0:
        return 0.0, HIST_MIN_MS
    high = HIST_MIN_MS * HIST_GROWTH**index if index < HIST_BUCKETS - 1 else math.inf
    return HIST_MIN_MS * HIST_GROWTH ** (index - 1), high


def bucket_value(index: int) -> float:
    """The value a bucket stands for: its geometric midpoint (half of HIST_MIN_MS for 0)."""
    if index <= 0:
        return HIST_MIN_MS / 2
    return HIST_MIN_MS * HIST_GROWTH ** (index - 0.5)


def percentile(histogram: dict[int, int], q: float) -> float | None:
    """Nearest-rank percentile ``q`` (0-1] of a bucket histogram, None when it is empty."""
    total = sum(histogram.values())
    if total <= 0:
        return None
    rank = max(1, math.ceil(q * total))
    seen = 0
    for index in sorted(histogram):
        seen += histogram[index]
        if seen >= rank:
            return bucket_value(index)
    return bucket_value(max(histogram))


# --- local day ---------------------------------------------------------------------------

# (minute since epoch, "YYYY-MM-DD", "HH") for the site's TIME_ZONE; offsets change on minute
# boundaries, so one computation per minute is exact. A tuple swap is atomic across threads.
_day_cache: tuple[int, str, str] = (-1, "", "")


def local_day(now_ms: int) -> tuple[str, str]:
    """The site's local date and hour ("YYYY-MM-DD", "HH") at ``now_ms``."""
    global _day_cache
    minute = now_ms // 60_000
    cached = _day_cache
    if cached[0] == minute:
        return cached[1], cached[2]
    local = datetime.fromtimestamp(minute * 60, tz=dt_timezone.utc).astimezone(
        timezone.get_default_timezone()
    )
    day, hour = local.date().isoformat(), f"{local.hour:02d}"
    _day_cache = (minute, day, hour)
    return day, hour


@receiver(setting_changed)
def reset_day_cache(*, setting: str = "TIME_ZONE", **kwargs: Any) -> None:
    """Forget the cached local day when TIME_ZONE changes (tests)."""
    global _day_cache
    if setting == "TIME_ZONE":
        _day_cache = (-1, "", "")


def shard_of(identity_key: str, shards: int) -> int:
    return zlib.crc32(identity_key.encode("utf-8", "surrogatepass")) % shards if shards > 1 else 0


def ttl_seconds(cfg: Config) -> int:
    return (cfg.monitor.retention_days + 1) * 86_400


# --- writing -----------------------------------------------------------------------------


def record(
    cfg: Config,
    keys: Keys,
    *,
    now_ms: int,
    route: str,
    status: int,
    latency_ms: float,
    reason: str | None,
    identity_key: str,
    method: str = "",
) -> list[ScriptCall]:
    """The script calls that count one finished (or refused) request; the caller runs them
    in its post-view pipeline. ``reason`` is None for admitted requests."""
    day, hour = local_day(now_ms)
    mon = cfg.monitor
    ttl = (mon.retention_days + 1) * 86_400
    status_class = f"{min(max(status // 100, 1), 5)}xx"
    lat = latency_ms if latency_ms > 0 else 0.0
    calls: list[ScriptCall] = [
        (
            lua.MONITOR,
            keys.monitor_day(day, shard_of(identity_key, mon.shards)),
            (
                "a", ttl, status_class, 1 if status >= 400 else 0, reason or "", bucket(lat), hour,
                route, int(lat * 1000), identity_key, MAX_ROUTES, MAX_OFFENDERS, OTHER,
            ),
        )
    ]  # fmt: skip
    if (reason is not None and mon.log_blocked) or (mon.sample_rate and random.random() < mon.sample_rate):
        row = msgpack.packb([now_ms, method[:10], route, status, round(lat, 3), identity_key, reason or ""])
        calls.append((lua.MONITOR, (keys.monitor_log(),), ("l", ttl, row, LOG_MAX_ROWS)))
    return calls


# --- batching ---------------------------------------------------------------------------
# Each process keeps the calls of its last requests and sends them together, summed: with the
# pre-view call of the first request that finds the batch full (MONITOR_BATCH) or its oldest
# call older than MONITOR_FLUSH_SECONDS (in the same write: no round trip of their own), or,
# for requests that make no pre-view call (allow-listed, monitoring alone), in the post-view
# pipeline of the request that fills it. Counts are exact, only late by that much; a process
# flushes what it holds when it exits, and a forked child starts empty (its parent's calls
# are the parent's to send).

_logger = logging.getLogger("smartlayer")


class _Batch:
    def __init__(self) -> None:
        self.calls: list[ScriptCall] = []
        self.oldest = 0.0
        self.lock = threading.Lock()

    def add(self, calls: list[ScriptCall], size: int, max_age: float) -> list[ScriptCall]:
        """Keep ``calls``; return every kept call when the batch is due, else []."""
        if size <= 1:
            return calls
        now = clock.monotonic()
        with self.lock:
            if not self.calls:
                self.oldest = now
            self.calls.extend(calls)
            if len(self.calls) < size and now - self.oldest < max_age:
                return []
            due, self.calls = self.calls, []
        return due

    def keep(self, calls: list[ScriptCall], size: int) -> list[ScriptCall]:
        """Keep ``calls`` for a later pre-view call to carry (see due); return them at once
        when batching is off, and the whole batch if it grew far past its size (no pre-view
        call has come to take it)."""
        if size <= 1:
            return calls
        with self.lock:
            if not self.calls:
                self.oldest = clock.monotonic()
            self.calls.extend(calls)
            if len(self.calls) < 4 * size:
                return []
            due, self.calls = self.calls, []
        return due

    def take_due(self, size: int, max_age: float) -> list[ScriptCall]:
        """Every kept call when the batch is full or its oldest call this old, else []."""
        if not self.calls:  # the usual case, without the lock
            return []
        with self.lock:
            if not self.calls or (len(self.calls) < size and clock.monotonic() - self.oldest < max_age):
                return []
            due, self.calls = self.calls, []
        return due

    def drain(self) -> list[ScriptCall]:
        with self.lock:
            due, self.calls = self.calls, []
        return due

    def forget(self) -> None:
        self.calls = []
        self.lock = threading.Lock()


_batch = _Batch()


def batched(cfg: Config, calls: list[ScriptCall]) -> list[ScriptCall]:
    """The monitoring calls to send with this request: none until the batch is due, then
    the batch summed (see combined)."""
    due = _batch.add(calls, cfg.monitor.batch, cfg.monitor.flush_seconds)
    return combined(due) if len(due) > 1 else due


def kept(cfg: Config, calls: list[ScriptCall]) -> list[ScriptCall]:
    """After the view of a request that made a pre-view call: keep its monitoring calls for
    the next pre-view call of this process to carry (``due``), so that sending a batch costs
    no round trip of its own; [] unless batching is off (MONITOR_BATCH = 1: send them now)."""
    due = _batch.keep(calls, cfg.monitor.batch)
    return combined(due) if len(due) > 1 else due


def due(cfg: Config) -> list[ScriptCall]:
    """Before a pre-view call: the batch, summed, when it is full or MONITOR_FLUSH_SECONDS
    old, for that call to carry in the same write; else []."""
    due = _batch.take_due(cfg.monitor.batch, cfg.monitor.flush_seconds)
    return combined(due) if due else due


def combined(calls: Sequence[ScriptCall]) -> list[ScriptCall]:
    """The same aggregates in fewer calls: the one-request ("a") calls of each shard and day
    summed into one "m" call (one script run instead of one per request; the counts are the
    same, routes past the cap fold in the same order). Other calls (sampled log rows) are
    kept as they are. Within a batch, an identity's refusals reach the top-offenders set
    together, which the Space-Saving bound allows."""
    groups: dict[tuple[str, ...], _Merged] = {}
    out: list[ScriptCall] = []
    for script, keys, args in calls:
        if script is not lua.MONITOR or not args or args[0] != "a":
            out.append((script, keys, args))
            continue
        group = groups.get(tuple(keys))
        if group is None:
            group = groups[tuple(keys)] = _Merged(args)
        group.add(args)
    return [(lua.MONITOR, keys, group.args()) for keys, group in groups.items()] + out


class _Merged:
    """The sums of the "a" calls of one key pair (their arguments: see monitor.lua)."""

    __slots__ = ("limits", "offenders", "plain", "routes", "total")

    def __init__(self, first: Sequence[Any]) -> None:
        self.limits = (first[1], first[10], first[11], first[12])  # ttl, max routes, offenders, other
        self.total = 0
        self.plain: dict[str, int] = {}
        self.routes: dict[str, list[Any]] = {}  # label -> [hits, errors, latency us, {bucket: hits}]
        self.offenders: dict[str, int] = {}

    def add(self, a: Sequence[Any]) -> None:
        _, _, status_class, err, reason, bucket, hour, route, lat_us, who = a[:10]
        plain = self.plain
        self.total += 1
        for name in (f"s:{status_class}", f"l:{bucket}", f"h:{hour}"):
            plain[name] = plain.get(name, 0) + 1
        if err:
            plain[f"he:{hour}"] = plain.get(f"he:{hour}", 0) + 1
        if reason:
            for name in (f"b:{reason}", f"hb:{hour}"):
                plain[name] = plain.get(name, 0) + 1
            self.offenders[who] = self.offenders.get(who, 0) + 1
        r = self.routes.get(route)
        if r is None:
            r = self.routes[route] = [0, 0, 0, {}]
        r[0] += 1
        r[1] += 1 if err else 0
        r[2] += int(lat_us)
        r[3][bucket] = r[3].get(bucket, 0) + 1

    def args(self) -> list[Any]:
        ttl, max_routes, max_offenders, other = self.limits
        out: list[Any] = ["m", ttl, max_routes, max_offenders, other, self.total, len(self.plain)]
        for name, n in self.plain.items():
            out += (name, n)
        out.append(len(self.routes))
        for route, (hits, errors, lat_us, buckets) in self.routes.items():
            out += (route, hits, errors, lat_us, len(buckets))
            for bucket, n in buckets.items():
                out += (bucket, n)
        out.append(len(self.offenders))
        for who, n in self.offenders.items():
            out += (who, n)
        return out


def flush(store: Any = None) -> int:
    """Send this process's pending aggregates now (analyse_logs, tests, process exit);
    returns how many calls were pending (they are sent merged)."""
    due = _batch.drain()
    if due:
        if store is None:
            from smartlayer.store import get_store

            store = get_store()
        store.run_many(combined(due))
    return len(due)


def discard_pending() -> None:
    """Forget this process's pending aggregates (settings changed: tests)."""
    _batch.drain()


def _flush_at_exit() -> None:
    pending = len(_batch.calls)
    try:
        flush()
    except Exception as exc:  # noqa: BLE001 - exiting: log and go
        _logger.warning("smartlayer: %s pending monitoring updates lost at exit: %s", pending, exc)


atexit.register(_flush_at_exit)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_batch.forget)


# --- reading -----------------------------------------------------------------------------


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def day_stats(store: Any, keys: Keys, cfg: Config, day: date | str) -> dict[str, Any]:
    """The merged aggregates of one local day (one pipeline over the shards)."""
    day_str = day if isinstance(day, str) else day.isoformat()
    try:
        pipe = store.client.pipeline(transaction=False)
    except Exception as exc:  # a cluster with no reachable node fails here already
        from smartlayer.exceptions import StoreUnavailable

        raise StoreUnavailable(f"{type(exc).__name__}: {exc}") from exc
    for shard in range(cfg.monitor.shards):
        counters, offenders = keys.monitor_day(day_str, shard)
        pipe.hgetall(counters)
        pipe.zrange(offenders, 0, -1, withscores=True)
    replies = _execute(store, pipe)
    hashes = [{_text(k): int(v) for k, v in replies[i].items()} for i in range(0, len(replies), 2)]
    zsets = [replies[i] for i in range(1, len(replies), 2)]
    return merge(day_str, hashes, zsets)


def _execute(store: Any, pipe: Any) -> list[Any]:
    from smartlayer.exceptions import StoreUnavailable

    try:
        return list(pipe.execute())
    except Exception as exc:
        raise StoreUnavailable(f"{type(exc).__name__}: {exc}") from exc


def merge(day: str, hashes: Iterable[dict[str, int]], zsets: Iterable[Sequence[Any]]) -> dict[str, Any]:
    """Build the report dict from raw shard hashes and offender sets (pure)."""
    counters: dict[str, int] = {}
    for fields in hashes:
        for name, value in fields.items():
            counters[name] = counters.get(name, 0) + value
    offenders: dict[str, float] = {}
    for pairs in zsets:
        for member, score in pairs:
            offenders[_text(member)] = offenders.get(_text(member), 0) + float(score)

    total = counters.get("t", 0)
    classes = {f"{c}xx": counters.get(f"s:{c}xx", 0) for c in range(1, 6)}
    errors = classes["4xx"] + classes["5xx"]
    reasons: dict[str, int] = {}
    hist: dict[int, int] = {}
    hourly = [{"hour": h, "hits": 0, "errors": 0, "blocked": 0} for h in range(24)]
    routes: dict[str, dict[str, Any]] = {}

    def route(name: str) -> dict[str, Any]:
        return routes.setdefault(name, {"route": name, "hits": 0, "errors": 0, "sum_us": 0, "hist": {}})

    hour_fields = {"h": "hits", "he": "errors", "hb": "blocked"}
    for name, value in counters.items():
        kind, _, rest = name.partition(":")
        if kind == "b":
            reasons[rest] = value
        elif kind == "l":
            hist[int(rest)] = hist.get(int(rest), 0) + value
        elif kind in hour_fields and rest.isdigit() and int(rest) < 24:
            hourly[int(rest)][hour_fields[kind]] += value
        elif kind == "r":
            route(rest)["hits"] += value
        elif kind == "re":
            route(rest)["errors"] += value
        elif kind == "rs":
            route(rest)["sum_us"] += value
        elif kind == "rl":
            index, _, label = rest.partition(":")
            h = route(label)["hist"]
            h[int(index)] = h.get(int(index), 0) + value

    summaries = [_route_summary(r) for r in routes.values() if r["hits"] > 0]
    blocked = sum(reasons.values())
    return {
        "date": day,
        "total_requests": total,
        "status_classes": classes,
        "errors": errors,
        "error_rate": round(errors / total, 6) if total else 0.0,
        "blocked": blocked,
        "blocked_by_reason": dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
        "latency_ms": {
            "p50": _ms(percentile(hist, 0.50)),
            "p95": _ms(percentile(hist, 0.95)),
            "p99": _ms(percentile(hist, 0.99)),
            "relative_error": round(HIST_ERROR, 4),
        },
        "latency_histogram": [
            {"bucket": i, "low_ms": _ms(bucket_bounds(i)[0]), "high_ms": _ms(bucket_bounds(i)[1]), "count": n}
            for i, n in sorted(hist.items())
        ],
        "slowest_routes": sorted(summaries, key=lambda r: (-r["p95_ms"], -r["mean_ms"], r["route"]))[:5],
        "top_routes": sorted(summaries, key=lambda r: (-r["hits"], r["route"]))[:5],
        "routes_seen": len(summaries),
        "top_offenders": [
            {"identity": ident, "blocked": int(score)}
            for ident, score in sorted(offenders.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
        ],
        "hourly": hourly,
    }


def _route_summary(r: dict[str, Any]) -> dict[str, Any]:
    hits = r["hits"]
    return {
        "route": r["route"],
        "hits": hits,
        "errors": r["errors"],
        "error_rate": round(r["errors"] / hits, 6),
        "mean_ms": _ms(r["sum_us"] / 1000 / hits),
        "p95_ms": _ms(percentile(r["hist"], 0.95)) or 0.0,
    }


def _ms(value: float | None) -> float | None:
    if value is None or math.isinf(value):
        return None
    return round(value, 3)


# --- the sampled log ---------------------------------------------------------------------


def flush_samples(store: Any, keys: Keys, batch: int = 500, limit: int = LOG_MAX_ROWS * 2) -> int:
    """Move buffered sample rows from Redis into ``RequestLog`` with bulk inserts; return
    how many were written. Rows are popped before they are inserted (at most once)."""
    from smartlayer.models import RequestLog

    written = 0
    key = keys.monitor_log()
    while written < limit:
        pipe = store.client.pipeline(transaction=False)
        pipe.lpop(key, batch)
        blobs = _execute(store, pipe)[0] or []
        rows = [r for r in (_decode_row(b) for b in blobs) if r is not None]
        if rows:
            RequestLog.objects.bulk_create(rows, batch_size=batch)
            written += len(rows)
        if len(blobs) < batch:
            break
    return written


def _decode_row(blob: bytes) -> Any:
    from smartlayer.models import RequestLog

    try:
        ts_ms, method, route, status, latency, identity, reason = msgpack.unpackb(blob)
        return RequestLog(
            ts=datetime.fromtimestamp(ts_ms / 1000, tz=dt_timezone.utc),
            method=str(method)[:10],
            route=str(route)[:MAX_ROUTE_LEN],
            status=int(status),
            latency_ms=float(latency),
            identity=str(identity)[:100],
            reason=str(reason)[:50],
        )
    except (ValueError, TypeError, OverflowError, msgpack.UnpackException):
        return None


def yesterday() -> date:
    return timezone.localdate(timezone=timezone.get_default_timezone()) - timedelta(days=1)
