"""Shared fixtures: the store backends, an injectable clock, and middleware builders.

Every test that touches Redis runs against the embedded fakeredis and, when REDIS_URL is
set (CI sets it), against that real Redis too. Each test gets its own KEY_PREFIX, so tests
never see each other's keys and nothing is flushed.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from smartlayer import clock, store
from smartlayer.middleware import SmartLayerMiddleware

REAL_REDIS_URL = os.environ.get("REDIS_URL")
# SMARTLAYER_TEST_CLUSTER=1 (CI) adds a third backend: a local 3-master Redis Cluster started
# once for the session; select its runs with -k cluster.
WITH_CLUSTER = os.environ.get("SMARTLAYER_TEST_CLUSTER") == "1"
BACKENDS = ["fakeredis"] + (["redis"] if REAL_REDIS_URL else []) + (["cluster"] if WITH_CLUSTER else [])

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

requires_real_redis = pytest.mark.skipif(not REAL_REDIS_URL, reason="needs a real Redis: set REDIS_URL")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def fake_ai() -> Any:
    """A real local HTTP server speaking the chat-completions protocol (tests/fake_ai.py)."""
    from tests.fake_ai import FakeAI

    fake = FakeAI()
    yield fake
    fake.close()


@pytest.fixture(scope="session")
def session_cluster_url(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from tests.redis_cluster import local_cluster

    with local_cluster(tmp_path_factory.mktemp("session-cluster")) as (url, _ports, _procs):
        yield url


@pytest.fixture
def smart(settings: Any, backend: str, request: pytest.FixtureRequest):
    """Configure SMART_MIDDLEWARE for this test's backend: ``smart(RATE_LIMIT_PLANS=...)``."""
    prefix = "t" + uuid.uuid4().hex[:12]
    # Monitoring sends each request's aggregates at once in tests (batching: test_monitor_middleware).
    base: dict[str, Any] = {"KEY_PREFIX": prefix, "MONITOR_BATCH": 1}
    if backend == "redis":
        base.update(REDIS_URL=REAL_REDIS_URL, REDIS_TIMEOUT=0.5)
    if backend == "cluster":
        url = request.getfixturevalue("session_cluster_url")
        base.update(REDIS_URL=url, REDIS_CLUSTER=True, REDIS_TIMEOUT=0.5)

    def configure(**overrides: Any) -> dict[str, Any]:
        settings.SMART_MIDDLEWARE = {**base, **overrides}
        return settings.SMART_MIDDLEWARE

    configure()
    yield configure
    if backend in ("redis", "cluster"):
        import redis
        import redis.cluster

        if backend == "cluster":
            client = redis.cluster.RedisCluster.from_url(request.getfixturevalue("session_cluster_url"))
        else:
            client = redis.Redis.from_url(REAL_REDIS_URL)
        try:
            for key in client.scan_iter(match=f"{prefix}:*", count=1000):
                client.delete(key)
        finally:
            client.close()
    store.reset()


@dataclass
class User:
    """A stand-in for an authenticated user (no database needed)."""

    pk: Any
    plan: Any = None
    is_authenticated: bool = True


class Clock:
    """Frozen wall clock for the scripts; advance() moves it."""

    def __init__(self, start_ms: int) -> None:
        self.ms = start_ms

    def __call__(self) -> int:
        return self.ms

    def advance(self, seconds: float) -> None:
        self.ms += int(seconds * 1000)


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    # Start on a round minute so that tests know where bucket edges are.
    c = Clock((clock.now_ms() // 86_400_000) * 86_400_000)
    monkeypatch.setattr(clock, "now_ms", c)
    return c


@pytest.fixture
def rf_user():
    """Build a GET request from ``ip`` as ``user`` (anonymous by default)."""
    factory = RequestFactory()

    def make(path: str = "/", user: Any = None, ip: str = "203.0.113.10", **extra: Any):
        extra.setdefault("HTTP_USER_AGENT", BROWSER)
        request = factory.get(path, REMOTE_ADDR=ip, **extra)
        request.user = user if user is not None else AnonymousUser()
        return request

    return make


def view(request: Any) -> HttpResponse:
    return HttpResponse("ok")


async def async_view(request: Any) -> HttpResponse:
    return HttpResponse("ok")


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def call(mode: str):
    """Build the middleware for the current settings and return ``call(request) -> response``,
    in sync or async mode."""
    import asyncio

    def make(cls: type = SmartLayerMiddleware):
        mw = cls(async_view if mode == "async" else view)

        def run(request: Any) -> Any:
            if mode == "async":
                return asyncio.run(mw(request))
            return mw(request)

        return run

    return make
