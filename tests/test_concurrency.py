"""Exact limits under real concurrency: many threads and several processes, one real Redis.

Every request goes through the public middleware (RateLimiter: plan limits alone, so that
hundreds of requests in one instant measure the limits, not the anomaly detector's bans).
A frozen wall clock keeps every request in one window, so the admitted counts are exact.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import threading
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

import django
import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from smartlayer.middleware import RateLimiter
from tests.conftest import BROWSER, User, requires_real_redis

pytestmark = requires_real_redis

PATH = "/api/items/"
PLANS = {"pro": {"/api/": {"per_minute": 100}, "/api/export/": {"lifetime": 20}}}


@pytest.fixture
def backend() -> str:
    """Only the real Redis: fakeredis runs in this process and proves nothing here."""
    return "redis"


def ok(request: Any) -> HttpResponse:
    return HttpResponse("ok")


def hammer(mw: Any, path: str, user: Any, threads: int, per_thread: int) -> list[Any]:
    """``threads`` threads, released together by a barrier, each sending ``per_thread``
    requests through one middleware instance (as a threaded WSGI server would)."""
    barrier = threading.Barrier(threads)

    def worker(_: int) -> list[Any]:
        factory = RequestFactory()
        barrier.wait(timeout=60)
        out = []
        for _ in range(per_thread):
            request = factory.get(path, REMOTE_ADDR="203.0.113.10", HTTP_USER_AGENT=BROWSER)
            request.user = user
            out.append(mw(request))
        return out

    with ThreadPoolExecutor(threads) as pool:
        return [r for batch in pool.map(worker, range(threads)) for r in batch]


def tally(responses: list[Any]) -> Counter[int]:
    return Counter(r.status_code for r in responses)


def body(response: Any) -> dict[str, Any]:
    return json.loads(response.content)  # type: ignore[no-any-return]


def test_threads_admit_exactly_the_limit(smart, frozen_clock):
    smart(RATE_LIMIT_PLANS=PLANS)
    responses = hammer(RateLimiter(ok), PATH, User(1, "pro"), threads=8, per_thread=40)
    assert tally(responses) == {200: 100, 429: 220}
    refused = [body(r) for r in responses if r.status_code == 429]
    assert {(b["error"], b["window"], b["limit"]) for b in refused} == {("rate_limit", "minute", 100)}


def test_lifetime_quota_under_threads_admits_exactly_the_quota(smart, frozen_clock):
    smart(RATE_LIMIT_PLANS=PLANS)
    responses = hammer(RateLimiter(ok), "/api/export/", User(2, "pro"), threads=8, per_thread=10)
    assert tally(responses) == {200: 20, 429: 60}
    refused = [r for r in responses if r.status_code == 429]
    assert {body(r)["error"] for r in refused} == {"quota"}
    assert not any("Retry-After" in r for r in refused)  # it never refills


def test_refused_request_consumes_nothing_in_another_window(smart, frozen_clock):
    smart(RATE_LIMIT_PLANS={"pro": {"/api/": {"per_minute": 5, "per_hour": 8}}})
    mw, user = RateLimiter(ok), User(3, "pro")
    first = hammer(mw, PATH, user, threads=5, per_thread=5)
    assert tally(first) == {200: 5, 429: 20}
    assert {body(r)["window"] for r in first if r.status_code == 429} == {"minute"}

    # Past the minute window (and its last bucket): had the 20 refusals counted in the hour
    # window, it would be full; as they did not, 8 - 5 = 3 more fit.
    frozen_clock.advance(70)
    second = hammer(mw, PATH, user, threads=8, per_thread=2)
    assert tally(second) == {200: 3, 429: 13}
    assert {body(r)["window"] for r in second if r.status_code == 429} == {"hour"}


def serve_in_child(config: dict[str, Any], now_ms: int, barrier: Any, n: int) -> tuple[int, list[int]]:
    """One spawned process: its own settings, middleware, Redis connections and clock."""
    from django.conf import settings
    from django.test import override_settings

    from smartlayer import clock

    assert settings.configured and settings.SETTINGS_MODULE == "tests.settings"
    clock.now_ms = lambda: now_ms  # the parent's frozen clock: one window for everyone
    with override_settings(SMART_MIDDLEWARE=config):
        mw = RateLimiter(ok)
        factory, user = RequestFactory(), User(4, "pro")
        barrier.wait(timeout=120)
        statuses = []
        for _ in range(n):
            request = factory.get(PATH, REMOTE_ADDR="203.0.113.10", HTTP_USER_AGENT=BROWSER)
            request.user = user
            statuses.append(mw(request).status_code)
    return os.getpid(), statuses


def test_processes_admit_exactly_the_limit_in_total(smart, frozen_clock, monkeypatch):
    config = smart(RATE_LIMIT_PLANS=PLANS)
    # Each child sets Django up before it unpickles any work (tests.conftest needs the app
    # registry): the initializer runs first, with the settings module it inherits.
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "tests.settings")
    ctx = multiprocessing.get_context("spawn")
    processes = 4
    with ctx.Manager() as manager:
        barrier = manager.Barrier(processes)
        with ProcessPoolExecutor(processes, mp_context=ctx, initializer=django.setup) as pool:
            futures = [
                pool.submit(serve_in_child, dict(config), frozen_clock(), barrier, 60)
                for _ in range(processes)
            ]
            results = [f.result(timeout=300) for f in futures]
    assert len({pid for pid, _ in results} | {os.getpid()}) == processes + 1
    assert Counter(s for _, statuses in results for s in statuses) == {200: 100, 429: 140}
