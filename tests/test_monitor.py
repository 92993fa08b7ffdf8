"""Per-day aggregates: what record() writes, what day_stats() reads back, and their bounds."""

from __future__ import annotations

import math
import random
import shutil
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import msgpack
import pytest
from django.test import RequestFactory
from django.urls import Resolver404, include, path, resolve

from smartlayer import lua, monitor
from smartlayer.conf import get_config
from smartlayer.keys import Keys
from smartlayer.store import get_store
from tests import test_cluster
from tests.conftest import requires_real_redis


def ok(request, **kwargs):  # pragma: no cover - never called
    raise AssertionError


urlpatterns = [
    path("api/items/<int:pk>", ok),
    path("api/items/", ok),
    path("v2/", include([path("users/<slug:name>/posts/<int:pk>/", ok)])),
    path("", ok),
]

# 2026-11-28 13:00 UTC
cluster_url = test_cluster.cluster_url  # the module-scoped local Redis Cluster fixture

DAY_START_MS = int(datetime(2026, 11, 28, tzinfo=dt_timezone.utc).timestamp() * 1000)


def labelled(raw_path: str):
    request = RequestFactory().get(raw_path)
    try:
        request.resolver_match = resolve(raw_path, urlconf=__name__)
    except Resolver404:
        request.resolver_match = None
    return monitor.route_label(request)


def run(calls, chunk=2000):
    store = get_store()
    for i in range(0, len(calls), chunk):
        store.run_many(calls[i : i + chunk])


def exact_percentile(values, q):
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


def test_route_label_is_the_url_pattern_not_the_path():
    assert labelled("/api/items/42") == "/api/items/<int:pk>"
    assert labelled("/api/items/7") == "/api/items/<int:pk>"
    assert labelled("/api/items/") == "/api/items/"
    assert labelled("/v2/users/bob/posts/9/") == "/v2/users/<slug:name>/posts/<int:pk>/"
    assert labelled("/") == "/"  # the root pattern is a route too
    assert labelled("/wp-login.php") == monitor.UNMATCHED
    assert labelled("/api/items/not-a-number") == monitor.UNMATCHED


def test_long_route_labels_are_bounded_and_distinct():
    a, b = monitor.bounded("/x" * 200), monitor.bounded("/x" * 200 + "y")
    assert len(a) == len(b) == monitor.MAX_ROUTE_LEN
    assert a != b
    assert monitor.bounded("/short") == "/short"


def test_bucket_edges_and_stated_error():
    assert monitor.bucket(0) == monitor.bucket(0.05) == 0
    assert monitor.bucket(float("nan")) == 0
    assert monitor.bucket(10**9) == monitor.HIST_BUCKETS - 1
    for i in range(1, monitor.HIST_BUCKETS - 1):
        low, high = monitor.bucket_bounds(i)
        mid = monitor.bucket_value(i)
        assert monitor.bucket(low * 1.000001) == i
        assert monitor.bucket(high * 0.999999) == i
        assert abs(mid - low) / low <= monitor.HIST_ERROR + 1e-9
        assert abs(mid - high) / high <= monitor.HIST_ERROR + 1e-9


def test_local_day_follows_time_zone(settings):
    at = int(datetime(2026, 11, 29, 3, 30, tzinfo=dt_timezone.utc).timestamp() * 1000)
    settings.TIME_ZONE = "UTC"
    assert monitor.local_day(at) == ("2026-11-29", "03")
    settings.TIME_ZONE = "America/New_York"
    assert monitor.local_day(at) == ("2026-11-28", "22")
    settings.TIME_ZONE = "Asia/Tokyo"
    assert monitor.local_day(at) == ("2026-11-29", "12")


ROUTES = {  # route -> (weight, latency median ms)
    "/api/items/<int:pk>": (50, 8.0),
    "/api/items/": (20, 30.0),
    "/search/": (10, 250.0),
    "/export/<str:fmt>": (3, 2000.0),
    "/health/": (15, 0.4),
    monitor.UNMATCHED: (2, 1.5),
}
REASONS = ["rate_limit", "quota", "banned", "anomaly", "validator:sqli", "unavailable"]


def traffic(n, seed=7):
    """n generated requests over one UTC day: (ms, route, status, latency, reason, identity)."""
    rng = random.Random(seed)
    names = list(ROUTES)
    weights = [ROUTES[r][0] for r in names]
    out = []
    for _ in range(n):
        route = rng.choices(names, weights)[0]
        ms = DAY_START_MS + rng.randrange(86_400_000)
        latency = rng.lognormvariate(math.log(ROUTES[route][1]), 0.6)
        identity = f"ip:198.51.100.{rng.randrange(60)}"
        reason = None
        status = rng.choices([200, 201, 302, 404, 500], [80, 5, 5, 7, 3])[0]
        if identity.endswith((".1", ".2", ".3")) and rng.random() < 0.5:
            reason = rng.choice(REASONS)
            status = {"rate_limit": 429, "quota": 429, "unavailable": 503}.get(reason, 403)
        out.append((ms, route, status, latency, reason, identity))
    return out


@pytest.mark.parametrize("shards", [1, 4])
def test_aggregates_match_a_reference_computed_from_the_same_traffic(smart, settings, shards):
    settings.TIME_ZONE = "UTC"
    smart(MONITOR_SHARDS=shards)
    cfg, keys = get_config(), Keys(get_config().key_prefix)
    reqs = traffic(4000)
    run(
        [
            c
            for r in reqs
            for c in monitor.record(
                cfg,
                keys,
                now_ms=r[0],
                route=r[1],
                status=r[2],
                latency_ms=r[3],
                reason=r[4],
                identity_key=r[5],
            )
        ]
    )

    stats = monitor.day_stats(get_store(), keys, cfg, "2026-11-28")

    assert stats["total_requests"] == len(reqs)
    errors = sum(1 for r in reqs if r[2] >= 400)
    assert stats["errors"] == errors
    assert stats["error_rate"] == pytest.approx(errors / len(reqs), abs=1e-6)
    assert stats["status_classes"] == {
        f"{c}xx": sum(1 for r in reqs if r[2] // 100 == c) for c in range(1, 6)
    }
    reasons = Counter(r[4] for r in reqs if r[4])
    assert stats["blocked"] == sum(reasons.values()) > 0
    assert stats["blocked_by_reason"] == dict(reasons)
    assert list(stats["blocked_by_reason"].values()) == sorted(reasons.values(), reverse=True)

    hourly = [[0, 0, 0] for _ in range(24)]
    for ms, _, status, _, reason, _ in reqs:
        h = hourly[(ms - DAY_START_MS) // 3_600_000]
        h[0] += 1
        h[1] += status >= 400
        h[2] += reason is not None
    assert [[h["hits"], h["errors"], h["blocked"]] for h in stats["hourly"]] == hourly
    assert [h["hour"] for h in stats["hourly"]] == list(range(24))

    latencies = [r[3] for r in reqs]
    for name, q in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99)):
        exact = exact_percentile(latencies, q)
        assert abs(stats["latency_ms"][name] - exact) / exact <= monitor.HIST_ERROR + 1e-3, name
    assert sum(b["count"] for b in stats["latency_histogram"]) == len(reqs)

    by_route = defaultdict(list)
    for r in reqs:
        by_route[r[1]].append(r)
    top = sorted(by_route, key=lambda k: -len(by_route[k]))[:5]
    assert [r["route"] for r in stats["top_routes"]] == top
    for row in stats["top_routes"] + stats["slowest_routes"]:
        mine = by_route[row["route"]]
        assert row["hits"] == len(mine)
        assert row["errors"] == sum(1 for r in mine if r[2] >= 400)
        mean = sum(r[3] for r in mine) / len(mine)
        assert row["mean_ms"] == pytest.approx(mean, rel=1e-3, abs=0.01)
        p95 = exact_percentile([r[3] for r in mine], 0.95)
        assert abs(row["p95_ms"] - p95) / p95 <= monitor.HIST_ERROR + 1e-3
    # latencies are an order of magnitude apart, so the order is certain despite bucketing
    assert [r["route"] for r in stats["slowest_routes"]] == [
        "/export/<str:fmt>", "/search/", "/api/items/", "/api/items/<int:pk>", monitor.UNMATCHED
    ]  # fmt: skip

    offenders = Counter(r[5] for r in reqs if r[4])
    assert {o["identity"]: o["blocked"] for o in stats["top_offenders"]} == dict(offenders)


def dump(keys, day, shards):
    """Every counter and offender of a day's shards, for comparing two ways of writing them."""
    client = get_store().client
    out = {}
    for shard in range(shards):
        counters, offenders = keys.monitor_day(day, shard)
        out[shard] = (client.hgetall(counters), client.zrange(offenders, 0, -1, withscores=True))
    return out


@pytest.mark.parametrize("batch", [2, 20, 4000])
def test_merged_batches_write_what_one_call_per_request_writes(smart, settings, monkeypatch, batch):
    """The middleware sends its monitoring calls merged (one per shard and day per batch).
    The same traffic written one call per request and merged in batches leaves identical
    counters, with the route cap crossed (folding routes into <other>) and the offenders set
    under its cap."""
    settings.TIME_ZONE = "UTC"
    smart(MONITOR_SHARDS=4)
    monkeypatch.setattr(monitor, "MAX_ROUTES", 3)
    cfg = get_config()
    reqs = traffic(1500, seed=batch)
    reqs += [(DAY_START_MS + i, f"/extra/{i % 7}/", 200, 1.0, None, "ip:1") for i in range(60)]
    random.Random(batch).shuffle(reqs)

    def calls(keys):
        return [
            c
            for ms, route, status, latency, reason, who in reqs
            for c in monitor.record(
                cfg, keys, now_ms=ms, route=route, status=status, latency_ms=latency, reason=reason,
                identity_key=who,
            )
        ]  # fmt: skip

    one, merged = Keys(cfg.key_prefix + ":one"), Keys(cfg.key_prefix + ":merged")
    run(calls(one))
    per_request = calls(merged)
    for i in range(0, len(per_request), batch):
        chunk = monitor.combined(per_request[i : i + batch])
        assert len(chunk) <= 4 + sum(1 for c in per_request[i : i + batch] if c[2][0] != "a")
        get_store().run_many(chunk)

    expected = dump(one, "2026-11-28", 4)
    assert sum(int(h[b"t"]) for h, _ in expected.values()) == len(reqs)
    assert any(b"r:" + monitor.OTHER.encode() in h for h, _ in expected.values())  # the cap was crossed
    assert dump(merged, "2026-11-28", 4) == expected


def test_merging_keeps_the_heaviest_offenders_past_the_cap(smart, settings, monkeypatch):
    """Past the offenders cap, merged batches still keep the heavy offenders (Space-Saving)."""
    settings.TIME_ZONE = "UTC"
    monkeypatch.setattr(monitor, "MAX_OFFENDERS", 5)
    cfg, keys = get_config(), Keys(get_config().key_prefix)
    senders = [f"ip:10.0.0.{i}" for i in range(30)] + ["ip:10.0.0.3"] * 50 + ["ip:10.0.0.17"] * 20
    random.Random(3).shuffle(senders)
    calls = [
        c
        for who in senders
        for c in monitor.record(
            cfg, keys, now_ms=DAY_START_MS, route="/a", status=403, latency_ms=1, reason="banned",
            identity_key=who,
        )
    ]  # fmt: skip
    for i in range(0, len(calls), 20):
        get_store().run_many(monitor.combined(calls[i : i + 20]))
    assert get_store().client.zcard(keys.monitor_day("2026-11-28", 0)[1]) <= 5
    top = monitor.day_stats(get_store(), keys, cfg, "2026-11-28")["top_offenders"]
    assert [t["identity"] for t in top[:2]] == ["ip:10.0.0.3", "ip:10.0.0.17"]
    assert top[0]["blocked"] >= 51 and top[1]["blocked"] >= 21


def test_other_days_and_empty_days_are_separate(smart, settings):
    settings.TIME_ZONE = "UTC"
    cfg, keys = get_config(), Keys(get_config().key_prefix)
    run(
        monitor.record(
            cfg,
            keys,
            now_ms=DAY_START_MS - 1,
            route="/a",
            status=200,
            latency_ms=1,
            reason=None,
            identity_key="ip:1",
        )
    )
    assert monitor.day_stats(get_store(), keys, cfg, "2026-11-28")["total_requests"] == 0
    empty = monitor.day_stats(get_store(), keys, cfg, "2026-11-28")
    assert empty["latency_ms"]["p50"] is None and len(empty["hourly"]) == 24
    assert monitor.day_stats(get_store(), keys, cfg, "2026-11-27")["total_requests"] == 1


def test_every_key_expires_after_the_retention(smart, settings):
    settings.TIME_ZONE = "UTC"
    smart(LOG_RETENTION_DAYS=7, LOG_SAMPLE_RATE=1.0)
    cfg, keys = get_config(), Keys(get_config().key_prefix)
    run(
        monitor.record(
            cfg,
            keys,
            now_ms=DAY_START_MS,
            route="/a",
            status=429,
            latency_ms=3,
            reason="rate_limit",
            identity_key="ip:9",
        )
    )
    client = get_store().client
    written = list(client.scan_iter(match=f"{cfg.key_prefix}:*"))
    assert len(written) == 3  # counters, offenders, sampled log
    for key in written:
        assert 8 * 86_400 - 5 <= client.ttl(key) <= 8 * 86_400


def record_many(cfg, keys, routes, identity="ip:1"):
    return [
        c
        for i, route in enumerate(routes)
        for c in monitor.record(
            cfg,
            keys,
            now_ms=DAY_START_MS + i,
            route=route,
            status=404,
            latency_ms=1.0,
            reason=None,
            identity_key=identity,
        )
    ]


def test_many_distinct_raw_paths_make_one_label_and_bounded_keys(smart, settings, backend):
    settings.TIME_ZONE = "UTC"
    n = 100_000 if backend == "redis" else 5_000  # fakeredis runs Lua slowly
    labels = {labelled(f"/probe/{i}/../etc/passwd{i}") for i in range(n)}
    assert labels == {monitor.UNMATCHED}
    cfg, keys = get_config(), Keys(get_config().key_prefix)
    run(record_many(cfg, keys, [monitor.UNMATCHED] * n), chunk=5000)
    client = get_store().client
    written = list(client.scan_iter(match=f"{cfg.key_prefix}:*"))
    assert len(written) == 1
    assert client.hlen(written[0]) < 40
    stats = monitor.day_stats(get_store(), keys, cfg, "2026-11-28")
    assert stats["top_routes"] == [stats["slowest_routes"][0]]
    assert stats["top_routes"][0]["route"] == monitor.UNMATCHED
    assert stats["top_routes"][0]["hits"] == n


def test_distinct_routes_per_day_and_shard_are_capped(smart, settings, monkeypatch):
    smart(MONITOR_SHARDS=1)  # the cap is per shard: one shard holds them all
    settings.TIME_ZONE = "UTC"
    monkeypatch.setattr(monitor, "MAX_ROUTES", 20)
    cfg, keys = get_config(), Keys(get_config().key_prefix)
    routes = [f"/r{i}/" for i in range(50)] * 2
    run(record_many(cfg, keys, routes))
    client = get_store().client
    counters = keys.monitor_day("2026-11-28", 0)[0]
    route_fields = [f for f in client.hkeys(counters) if f.startswith(b"r:")]
    assert len(route_fields) == 21  # 20 routes and <other>
    stats = monitor.day_stats(get_store(), keys, cfg, "2026-11-28")
    assert stats["routes_seen"] == 21
    assert stats["top_routes"][0] == {**stats["top_routes"][0], "route": monitor.OTHER, "hits": 60}
    assert stats["total_requests"] == 100


def test_offenders_are_capped_to_the_top(smart, settings, monkeypatch):
    settings.TIME_ZONE = "UTC"
    monkeypatch.setattr(monitor, "MAX_OFFENDERS", 5)
    cfg, keys = get_config(), Keys(get_config().key_prefix)
    calls = []
    for i in range(30):
        for _ in range(1 + (i == 3) * 50 + (i == 17) * 20):
            calls += monitor.record(
                cfg,
                keys,
                now_ms=DAY_START_MS,
                route="/a",
                status=403,
                latency_ms=1,
                reason="banned",
                identity_key=f"ip:10.0.0.{i}",
            )
    run(calls)
    assert get_store().client.zcard(keys.monitor_day("2026-11-28", 0)[1]) <= 5
    top = monitor.day_stats(get_store(), keys, cfg, "2026-11-28")["top_offenders"]
    # .3 came before the set was full: exact. .17 came later and inherited an evicted count
    # (Space-Saving): over by at most (blocked requests before it) / capacity.
    assert top[0] == {"identity": "ip:10.0.0.3", "blocked": 51}
    assert top[1]["identity"] == "ip:10.0.0.17"
    assert 21 <= top[1]["blocked"] <= 21 + (17 + 50) // 5


def test_shards_spread_identities_over_hash_tags(smart):
    smart(MONITOR_SHARDS=16)
    cfg, keys = get_config(), Keys(get_config().key_prefix)
    tags = {
        monitor.record(
            cfg,
            keys,
            now_ms=DAY_START_MS,
            route="/",
            status=200,
            latency_ms=1,
            reason=None,
            identity_key=f"ip:192.0.2.{i}",
        )[0][1][0]
        for i in range(200)
    }
    assert len(tags) == 16
    for counters in tags:
        assert counters.count("{") == 1 and counters.endswith("}")


def test_one_call_unless_sampled(smart):
    smart(LOG_SAMPLE_RATE=0.0, LOG_BLOCKED=False)
    cfg, keys = get_config(), Keys(get_config().key_prefix)
    kw = {"now_ms": DAY_START_MS, "route": "/", "status": 200, "latency_ms": 1.0, "identity_key": "ip:1"}
    assert [c[0] for c in monitor.record(cfg, keys, reason=None, **kw)] == [lua.MONITOR]
    assert len(monitor.record(cfg, keys, reason="banned", **kw)) == 1
    smart(LOG_SAMPLE_RATE=0.0, LOG_BLOCKED=True)
    cfg = get_config()
    assert len(monitor.record(cfg, keys, reason=None, **kw)) == 1
    assert len(monitor.record(cfg, keys, reason="banned", **kw)) == 2
    smart(LOG_SAMPLE_RATE=1.0)
    assert len(monitor.record(get_config(), keys, reason=None, **kw)) == 2


@pytest.mark.django_db
def test_sampled_rows_are_flushed_in_batches(smart, settings, django_assert_max_num_queries):
    from smartlayer.models import RequestLog

    smart(LOG_SAMPLE_RATE=0.5, LOG_BLOCKED=True)
    cfg, keys = get_config(), Keys(get_config().key_prefix)
    random.seed(3)
    calls = []
    for i in range(400):
        reason = "rate_limit" if i % 10 == 0 else None
        calls += monitor.record(
            cfg,
            keys,
            now_ms=DAY_START_MS + i * 1000,
            route="/api/items/",
            method="POST",
            status=429 if reason else 200,
            latency_ms=2.5,
            reason=reason,
            identity_key="u:42",
        )
    sampled = len(calls) - 400
    assert 40 + 100 < sampled < 40 + 300  # every blocked one plus about half of the others
    run(calls)
    with django_assert_max_num_queries(4):  # batches of 100: not one INSERT per row
        assert monitor.flush_samples(get_store(), keys, batch=100) == sampled
    assert RequestLog.objects.count() == sampled
    assert RequestLog.objects.filter(reason="rate_limit").count() == 40
    row = RequestLog.objects.filter(reason="rate_limit").order_by("ts").first()
    assert (row.method, row.route, row.status, row.latency_ms, row.identity) == (
        "POST",
        "/api/items/",
        429,
        2.5,
        "u:42",
    )
    assert row.ts == datetime(2026, 11, 28, tzinfo=dt_timezone.utc)
    assert monitor.flush_samples(get_store(), keys) == 0  # popped: written once


def test_sampled_log_is_bounded(smart, monkeypatch):
    monkeypatch.setattr(monitor, "LOG_MAX_ROWS", 50)
    smart(LOG_SAMPLE_RATE=1.0)
    cfg, keys = get_config(), Keys(get_config().key_prefix)
    run(record_many(cfg, keys, ["/a"] * 80))
    client = get_store().client
    assert client.llen(keys.monitor_log()) == 50
    newest = msgpack.unpackb(client.lindex(keys.monitor_log(), -1))
    assert newest[0] == DAY_START_MS + 79


@pytest.mark.django_db
def test_garbage_rows_are_skipped(smart):
    keys = Keys(get_config().key_prefix)
    get_store().client.rpush(keys.monitor_log(), b"\xc1garbage", msgpack.packb([1, 2]))
    assert monitor.flush_samples(get_store(), keys) == 0


@requires_real_redis
def test_concurrent_writers_lose_nothing(smart, settings):
    from concurrent.futures import ThreadPoolExecutor

    settings.TIME_ZONE = "UTC"
    smart(MONITOR_SHARDS=3)
    cfg, keys = get_config(), Keys(get_config().key_prefix)

    def worker(t):
        for i in range(200):
            get_store().run_many(
                monitor.record(
                    cfg,
                    keys,
                    now_ms=DAY_START_MS + i,
                    route=f"/r{i % 7}/",
                    status=(200, 301, 404, 500, 503)[i % 5],
                    latency_ms=i / 10,
                    reason="banned" if i % 5 == 3 else None,
                    identity_key=f"ip:{t}.{i % 11}",
                )
            )

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(worker, range(8)))
    stats = monitor.day_stats(get_store(), keys, cfg, "2026-11-28")
    assert stats["total_requests"] == 1600
    assert stats["blocked"] == 320
    assert stats["routes_seen"] == 7
    assert stats["status_classes"] == {"1xx": 0, "2xx": 320, "3xx": 320, "4xx": 320, "5xx": 640}
    assert sum(h["hits"] for h in stats["hourly"]) == 1600


def test_yesterday_is_local(settings):
    from django.utils import timezone

    settings.TIME_ZONE = "Pacific/Kiritimati"  # UTC+14: often a different date than UTC
    assert monitor.yesterday() == timezone.localdate(timezone=timezone.get_default_timezone()) - timedelta(
        days=1
    )


@pytest.mark.redis_server
@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")
@pytest.mark.django_db
def test_aggregates_on_redis_cluster_spread_over_slots(settings, cluster_url):
    import uuid

    from smartlayer import store

    settings.TIME_ZONE = "UTC"
    prefix = "t" + uuid.uuid4().hex[:12]
    settings.SMART_MIDDLEWARE = {
        "REDIS_URL": cluster_url, "REDIS_CLUSTER": True, "REDIS_TIMEOUT": 0.5, "KEY_PREFIX": prefix,
        "LOG_SAMPLE_RATE": 1.0,
    }  # fmt: skip
    try:
        cfg, keys = get_config(), Keys(prefix)
        assert cfg.monitor.shards == 16
        reqs = traffic(500)
        calls = [c for r in reqs for c in monitor.record(
            cfg, keys, now_ms=r[0], route=r[1], status=r[2], latency_ms=r[3], reason=r[4], identity_key=r[5]
        )]  # fmt: skip
        # one by one: redis-py's sync ClusterPipeline refuses EVALSHA (see store.run_many)
        for script, script_keys, args in calls:
            get_store().run(script, script_keys, args)
        stats = monitor.day_stats(get_store(), keys, cfg, "2026-11-28")
        assert stats["total_requests"] == 500
        assert stats["blocked"] == sum(1 for r in reqs if r[4])
        client = get_store().client
        slots = {client.keyslot(keys.monitor_day("2026-11-28", s)[0]) for s in range(16)}
        assert len(slots) == 16
        assert monitor.flush_samples(get_store(), keys) == 500
    finally:
        store.reset()
