"""Monitoring through the middleware: every request, refused ones too, lands in the day's
aggregates under its URL pattern, in the post-view pipeline, sync and async."""

from __future__ import annotations

import asyncio
import io
import json
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import HttpResponseNotFound
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from smartlayer import monitor
from smartlayer.conf import get_config
from smartlayer.keys import Keys
from smartlayer.middleware import SmartLayerMiddleware, WatchLog
from smartlayer.store import get_store
from tests.conftest import BROWSER, async_view

PLANS = {"anonymous": {"/api/": {"per_minute": 3}}}


def through_view(request):
    """Like Django's handler: resolve, then call the view (so resolver_match is set)."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return HttpResponseNotFound("no")
    request.resolver_match = match
    return match.func(request, *match.args, **match.kwargs)


async def through_async_view(request):
    try:
        request.resolver_match = resolve(request.path_info)
    except Resolver404:
        return HttpResponseNotFound("no")
    return await async_view(request)


def stats():
    cfg = get_config()
    day, _hour = monitor.local_day(__import__("smartlayer.clock", fromlist=["now_ms"]).now_ms())
    return monitor.day_stats(get_store(), Keys(cfg.key_prefix), cfg, day)


def run(mw, request, mode):
    return asyncio.run(mw(request)) if mode == "async" else mw(request)


def get(path, ip="203.0.113.50"):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get(path, REMOTE_ADDR=ip, HTTP_USER_AGENT=BROWSER)
    request.user = AnonymousUser()
    return request


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_every_request_is_counted_under_its_pattern(smart, frozen_clock, mode):
    smart(RATE_LIMIT_PLANS=PLANS)
    mw = SmartLayerMiddleware(through_async_view if mode == "async" else through_view)
    for pk in range(5):  # 3 admitted, then 2 refused by the per-minute limit
        run(mw, get(f"/api/users/{pk}/"), mode)
    run(mw, get("/no/such/page", ip="203.0.113.51"), mode)
    run(mw, get("/api/items/?q=" + quote("' or 1=1--"), ip="203.0.113.52"), mode)
    day = stats()
    assert day["total_requests"] == 7
    assert day["blocked_by_reason"] == {"rate_limit": 2, "validator:sqli": 1}
    routes = {r["route"]: r["hits"] for r in day["top_routes"]}
    # refused requests are counted under their pattern too (resolved for the aggregates)
    assert routes == {"/api/users/<int:pk>/": 5, monitor.UNMATCHED: 1, "/api/items/": 1}
    offenders = {o["identity"]: o["blocked"] for o in day["top_offenders"]}
    assert offenders == {"ip:203.0.113.50": 2, "ip:203.0.113.52": 1}
    assert day["latency_ms"]["p50"] is not None


def test_watchlog_alone_and_allow_listed_paths_are_counted(smart, frozen_clock):
    smart(FEATURES=["monitor"])
    mw = WatchLog(through_view)
    for _ in range(3):
        mw(get("/health/"))
    smart(WHITELIST_PATHS=["/health/"])
    SmartLayerMiddleware(through_view)(get("/health/"))
    assert stats()["total_requests"] == 4


def test_monitoring_costs_one_pipeline_and_no_sql(smart, frozen_clock, monkeypatch, db):
    smart(RATE_LIMIT_PLANS=PLANS)
    mw = SmartLayerMiddleware(through_view)
    mw(get("/api/items/"))  # warm up: scripts loaded
    store = get_store()
    sent = []
    real_run, real_many = store.run, store.run_many
    monkeypatch.setattr(store, "run", lambda *a: sent.append("run") or real_run(*a))
    monkeypatch.setattr(store, "run_many", lambda calls: sent.append(len(calls)) or real_many(calls))
    with CaptureQueriesContext(connection) as queries:
        mw(get("/api/items/"))
    assert sent == ["run", 1]  # the pre-view script, then one pipeline of one call
    assert len(queries) == 0


def test_analyse_logs_reports_the_traffic_it_saw(smart, frozen_clock, settings, db):
    smart(RATE_LIMIT_PLANS=PLANS)
    mw = SmartLayerMiddleware(through_view)
    for pk in range(5):
        mw(get(f"/api/users/{pk}/"))
    day, _ = monitor.local_day(__import__("smartlayer.clock", fromlist=["now_ms"]).now_ms())
    out = io.StringIO()
    call_command(
        "analyse_logs", "--date", day, "--no-ai", "--format", "json", stdout=out, stderr=io.StringIO()
    )
    report = json.loads(out.getvalue())
    assert report["total_requests"] == 5 and report["blocked"] == 2
    assert report["top_routes"][0]["route"] == "/api/users/<int:pk>/"


def test_a_few_hundred_requests_make_one_exact_report(smart, frozen_clock, db):
    """The issue's check from outside: some 404s, many ids under one route; the report has the
    exact total and errors, names the pattern, and running it twice leaves one DailyReport."""
    from smartlayer.models import DailyReport

    smart(FEATURES=["monitor", "ratelimit", "validator"])
    mw = SmartLayerMiddleware(through_view)
    for i in range(300):
        mw(get(f"/api/users/{i}/", ip=f"198.51.100.{i % 200}"))
        frozen_clock.advance(0.05)
    for i in range(40):
        mw(get(f"/probe/{i}.php", ip="192.0.2.9"))
    day, _ = monitor.local_day(__import__("smartlayer.clock", fromlist=["now_ms"]).now_ms())
    for _ in range(2):
        out = io.StringIO()
        call_command(
            "analyse_logs", "--date", day, "--no-ai", "--format", "json", stdout=out, stderr=io.StringIO()
        )
    report = json.loads(out.getvalue())
    assert report["total_requests"] == 340 and report["errors"] == 40
    routes = {r["route"]: r["hits"] for r in report["top_routes"]}
    assert routes == {"/api/users/<int:pk>/": 300, monitor.UNMATCHED: 40}
    assert DailyReport.objects.filter(date=day).count() == 1


def test_redis_down_never_breaks_the_response(smart, frozen_clock):
    smart(FEATURES=["monitor"], REDIS_URL="redis://127.0.0.1:1/0", REDIS_TIMEOUT=0.05)
    assert WatchLog(through_view)(get("/health/")).status_code == 200


def test_a_batch_of_requests_rides_with_a_later_pre_view_call(smart, frozen_clock, monkeypatch):
    """The batch a request completes goes with the next request's pre-view script, in the
    same write: no round trip of its own, before or after the view."""
    smart(
        FEATURES=["monitor", "ratelimit"], RATE_LIMIT_PLANS=PLANS, MONITOR_BATCH=5, MONITOR_FLUSH_SECONDS=60
    )
    mw = SmartLayerMiddleware(through_view)
    store = get_store()
    pipelines, carried = [], []
    real_many, real_run = store.run_many, store.run
    monkeypatch.setattr(store, "run_many", lambda calls: pipelines.append(len(calls)) or real_many(calls))

    def run(script, keys, args, meanwhile=None, carry=()):
        if carry:
            carried.append(len(carry))
        return real_run(script, keys, args, meanwhile, carry)

    monkeypatch.setattr(store, "run", run)
    for i in range(12):
        mw(get(f"/api/users/{i}/", ip=f"198.51.100.{i}"))
    # requests 6 and 11 carried the batches of 1-5 and 6-10 (summed: one call per shard the
    # 5 senders fall in); 11 and 12 wait; nothing went after a view
    shards = get_config().monitor.shards
    assert carried == [
        len({monitor.shard_of(f"ip:198.51.100.{i}", shards) for i in batch})
        for batch in (range(5), range(5, 10))
    ]
    # on a single Redis in the script's own write; the embedded fakeredis (and a Cluster) run
    # them just after it
    assert pipelines == ([] if store._pool is not None else carried)
    assert stats()["total_requests"] == 10
    assert monitor.flush() == 2
    assert stats()["total_requests"] == 12


def test_an_old_pending_batch_goes_with_the_next_request(smart, frozen_clock, monkeypatch):
    smart(FEATURES=["monitor"], MONITOR_BATCH=100, MONITOR_FLUSH_SECONDS=1.0)
    mw = WatchLog(through_view)
    mw(get("/health/"))
    assert stats()["total_requests"] == 0
    now = [0.0]
    monkeypatch.setattr("smartlayer.clock.monotonic", lambda: now[0])
    monitor.discard_pending()
    mw(get("/health/"))  # starts a batch at t=0
    now[0] = 1.5
    mw(get("/health/"))  # finds it 1.5 s old: sends both
    assert stats()["total_requests"] == 2


def test_a_forked_child_does_not_send_its_parents_pending_aggregates():
    monitor._batch.calls = [("x", (), ())]
    monitor._batch.forget()  # what os.register_at_fork runs in the child
    assert monitor._batch.calls == []
