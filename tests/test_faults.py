"""Redis faults for real, against a private redis-server: stopped, hung, scripts flushed,
restarted empty. In every case requests keep being answered (FAIL_MODE decides how), the
circuit breaker keeps a dead Redis off the request path, and enforcement comes back by itself.

Durations are never asserted: the breaker's clock is monkeypatched, and "waited for a
timeout" is counted as calls to Breaker.failure.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import json
import logging
import os
import shutil
import threading
import uuid
from typing import Any

import pytest

from smartlayer import clock, store
from smartlayer.exceptions import StoreUnavailable
from smartlayer.lua import PRE_REQUEST
from smartlayer.middleware import SmartLayerMiddleware
from smartlayer.store import AsyncStore, Breaker, Store
from tests.conftest import async_view, view
from tests.redis_server import RedisServer

pytestmark = [
    pytest.mark.redis_server,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs the redis-server binary"),
]

THRESHOLD = 3
COOLDOWN = 5.0
LIMIT = 3
PATH = "/api/items/"
# A browser's: an empty or scripted User-Agent is the anomaly detector's business, not ours.
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CIRCUIT_OPEN = "circuit open"


@pytest.fixture
def server():
    with RedisServer() as s:
        yield s


class Monotonic:
    """The breaker's clock, frozen; advance() moves it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def breaker_clock(monkeypatch: pytest.MonkeyPatch) -> Monotonic:
    m = Monotonic()
    monkeypatch.setattr(clock, "monotonic", m)
    return m


class Spy:
    """What the store did: calls that reached Redis and failed (Breaker.failure), and every
    StoreUnavailable it raised, whichever store call (before or after the view) it was."""

    def __init__(self) -> None:
        self.failures = 0
        self.unavailable: list[str] = []

    @property
    def fast_failures(self) -> int:
        return self.unavailable.count(CIRCUIT_OPEN)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    s = Spy()
    failure = Breaker.failure

    def counting_failure(self: Breaker, exc: BaseException) -> None:
        s.failures += 1
        failure(self, exc)

    def recording(method: Any) -> Any:
        def sync(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except StoreUnavailable as exc:
                s.unavailable.append(str(exc))
                raise

        async def async_(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return await method(self, *args, **kwargs)
            except StoreUnavailable as exc:
                s.unavailable.append(str(exc))
                raise

        return async_ if inspect.iscoroutinefunction(method) else sync

    monkeypatch.setattr(Breaker, "failure", counting_failure)
    for cls in (Store, AsyncStore):
        for name in ("run", "run_many"):
            monkeypatch.setattr(cls, name, recording(getattr(cls, name)))
    return s


@pytest.fixture(params=["open", "closed"])
def fail_mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def configure(settings: Any, server: RedisServer, fail_mode: str, frozen_clock: Any):
    """Point SMART_MIDDLEWARE at the private server: anonymous clients get LIMIT per minute."""

    def make(**overrides: Any) -> None:
        settings.SMART_MIDDLEWARE = {
            "REDIS_URL": server.url,
            "KEY_PREFIX": "f" + uuid.uuid4().hex[:12],
            "FAIL_MODE": fail_mode,
            "REDIS_TIMEOUT": 0.5,
            "BREAKER_THRESHOLD": THRESHOLD,
            "BREAKER_COOLDOWN": COOLDOWN,
            "RATE_LIMIT_PLANS": {"anonymous": {"/api/": {"per_minute": LIMIT}}},
            **overrides,
        }

    make()
    yield make
    store.reset()


@pytest.fixture
def serve(mode: str, rf_user: Any):
    """``serve()`` builds SmartLayerMiddleware and returns ``request() -> response``. In async
    mode one event loop runs all along in its own thread, as in an ASGI server, so the async
    client's pooled connections live through the fault and see the server close them."""
    loop = asyncio.new_event_loop() if mode == "async" else None
    thread = threading.Thread(target=loop.run_forever, daemon=True) if loop else None
    if thread is not None:
        thread.start()

    def make() -> Any:
        mw = SmartLayerMiddleware(async_view if loop else view)

        def request() -> Any:
            req = rf_user(PATH, HTTP_USER_AGENT=USER_AGENT)
            if loop is None:
                return mw(req)
            return asyncio.run_coroutine_threadsafe(mw(req), loop).result(timeout=30)

        return request

    yield make
    if loop is not None and thread is not None:

        async def close() -> None:
            await store.get_async_store().client.aclose()

        asyncio.run_coroutine_threadsafe(close(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


def assert_degraded(response: Any, fail_mode: str) -> None:
    """Redis could not be asked: FAIL_MODE open serves the view, closed answers 503."""
    if fail_mode == "open":
        assert response.status_code == 200
        assert response.content == b"ok"
        return
    assert response.status_code == 503
    assert json.loads(response.content)["error"] == "unavailable"
    assert response["Retry-After"] == str(round(COOLDOWN))


def breaker() -> Breaker:
    b = store.get_store().breaker
    assert store.get_async_store().breaker is b  # one per process, for sync and async alike
    return b


def statuses(request: Any, n: int) -> list[int]:
    return [request().status_code for _ in range(n)]


def until_refused(request: Any, breaker_clock: Monotonic, slack: int) -> list[int]:
    """Statuses of requests up to the first 429, each after a cooldown has passed, so that a
    stray timeout on a busy machine costs one more request instead of an open breaker."""
    seen: list[int] = []
    for _ in range(LIMIT + 1 + slack):
        breaker_clock.advance(COOLDOWN + 0.1)
        seen.append(request().status_code)
        if seen[-1] == 429:
            break
    return seen


def test_stopped_redis_fails_fast_then_enforcement_resumes(
    server, configure, serve, spy, breaker_clock, fail_mode, caplog
):
    request = serve()
    assert request().status_code == 200  # a pooled connection now exists
    server.stop()

    for _ in range(THRESHOLD):
        assert_degraded(request(), fail_mode)
    assert spy.failures == THRESHOLD
    assert CIRCUIT_OPEN not in spy.unavailable[:THRESHOLD]
    assert breaker().open_until > 0

    # Open: further requests are answered without trying Redis.
    fast = spy.fast_failures
    for _ in range(5):
        assert_degraded(request(), fail_mode)
    assert spy.failures == THRESHOLD
    assert spy.fast_failures >= fast + 5

    server.start()  # empty: no persistence
    # Within the cooldown the breaker does not look, even though Redis is back.
    assert_degraded(request(), fail_mode)
    assert spy.failures == THRESHOLD

    breaker_clock.advance(COOLDOWN + 0.1)
    assert statuses(request, LIMIT + 2) == [200] * LIMIT + [429, 429]
    assert breaker().open_until == 0 and breaker().failures == 0
    assert not [r for r in caplog.records if "internal error" in r.getMessage()]


def test_monitoring_batches_ride_through_an_outage_without_a_500(
    server, configure, serve, breaker_clock, fail_mode, caplog
):
    """The monitoring batch rides with a pre-view script (MONITOR_BATCH > 1). Through a
    stopped Redis every request gets its degraded answer, never a 500; afterwards a record
    kept from before the outage is counted with the new ones: nothing is lost that was not
    on its way."""
    from smartlayer import monitor
    from smartlayer.conf import get_config
    from smartlayer.keys import Keys

    configure(
        MONITOR_BATCH=3,
        MONITOR_FLUSH_SECONDS=600,
        RATE_LIMIT_PLANS={"anonymous": {"/api/": {"per_minute": 1000}}},
    )
    request = serve()
    assert [request().status_code for _ in range(4)] == [200] * 4  # the 4th carried 1-3
    server.stop()
    for _ in range(THRESHOLD + 2):
        assert_degraded(request(), fail_mode)
    server.start()  # empty: no persistence
    breaker_clock.advance(COOLDOWN + 0.1)
    assert [request().status_code for _ in range(7)] == [200] * 7
    monitor.flush()
    cfg = get_config()
    day, _ = monitor.local_day(clock.now_ms())
    # the 4th request's record (kept through the outage) and the 7 after it
    assert monitor.day_stats(store.get_store(), Keys(cfg.key_prefix), cfg, day)["total_requests"] == 8
    assert not [r for r in caplog.records if "internal error" in r.getMessage()]


def test_hung_redis_costs_at_most_threshold_timeouts(server, configure, serve, spy, breaker_clock, fail_mode):
    configure(REDIS_TIMEOUT=0.003)
    request = serve()
    request()  # warm up: connection and script; a stray timeout here only counts against us
    sleeper = server.hang(2)

    for _ in range(THRESHOLD + 5):
        assert_degraded(request(), fail_mode)
    # However many requests arrive, only THRESHOLD store calls waited for a timeout.
    assert spy.failures <= THRESHOLD
    assert breaker().open_until > 0
    assert spy.unavailable[-5:] == [CIRCUIT_OPEN] * 5

    sleeper.join()  # Redis answers again
    seen = until_refused(request, breaker_clock, slack=10)
    assert seen[-1] == 429, seen
    assert breaker().open_until == 0


def test_flushed_scripts_are_reloaded_and_count_once(server, configure, serve, spy, fail_mode):
    request = serve()
    assert request().status_code == 200
    admin = server.client()
    admin.script_flush()
    assert admin.script_exists(PRE_REQUEST.sha) == [False]

    assert statuses(request, LIMIT) == [200] * (LIMIT - 1) + [429]
    assert admin.script_exists(PRE_REQUEST.sha) == [True]
    assert spy.failures == 0 and spy.unavailable == []
    admin.close()


def test_restart_with_data_gone_restarts_counting(server, configure, serve, spy, fail_mode):
    request = serve()
    assert statuses(request, LIMIT + 1) == [200] * LIMIT + [429]
    server.stop()
    server.start()
    # The pooled connection is dead; the pool notices and reconnects without an error.
    assert statuses(request, LIMIT + 1) == [200] * LIMIT + [429]
    assert spy.failures == 0 and spy.unavailable == []


def test_outage_is_logged_once_per_breaker_opening(
    server, configure, serve, breaker_clock, fail_mode, caplog
):
    caplog.set_level(logging.INFO, logger="smartlayer")

    def outage_logs() -> list[logging.LogRecord]:
        return [r for r in caplog.records if "Redis unavailable" in r.getMessage()]

    def recovery_logs() -> list[logging.LogRecord]:
        return [r for r in caplog.records if "Redis answers again" in r.getMessage()]

    request = serve()
    request()
    server.stop()
    for _ in range(3):  # requests, and failed probes after each cooldown
        for _ in range(10):
            assert_degraded(request(), fail_mode)
        breaker_clock.advance(COOLDOWN + 0.1)
    assert len(outage_logs()) == 1
    assert outage_logs()[0].levelno == logging.ERROR
    assert outage_logs()[0].name == "smartlayer"

    server.start()
    assert request().status_code == 200
    assert len(recovery_logs()) == 1

    server.stop()  # a second outage is a second opening: one more line
    for _ in range(10):
        assert_degraded(request(), fail_mode)
    assert len(outage_logs()) == 2
    assert len(recovery_logs()) == 1


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_timed_out_call_never_leaves_its_late_reply_to_the_next(server, kind):
    """smartlayer sends its scripts on a pooled connection without redis-py's command path:
    a call that timed out must take its connection with it, or the next call on that
    connection would read the late reply of the one before (another identity's decision)."""
    from smartlayer import lua
    from smartlayer.conf import get_config

    cfg = dataclasses.replace(get_config(), redis_url=server.url, redis_timeout=0.05)
    echo = lua.LuaScript("echo", "return ARGV[1]")
    admin = server.client()
    admin.script_load(echo.source)
    b = Breaker(100, COOLDOWN)

    if kind == "sync":
        s = Store(cfg, b)
        assert s.run(echo, [], ["first"]) == b"first"
        sleeper = server.hang(0.5)
        with pytest.raises(StoreUnavailable):
            s.run(echo, [], ["lost"])
        sleeper.join()
        assert [s.run(echo, [], [f"next{i}"]) for i in range(3)] == [b"next0", b"next1", b"next2"]
        s.client.close()
    else:

        async def go() -> list[Any]:
            s = AsyncStore(cfg, b)
            assert await s.run(echo, [], ["first"]) == b"first"
            sleeper = server.hang(0.5)
            with pytest.raises(StoreUnavailable):
                await s.run(echo, [], ["lost"])
            await asyncio.to_thread(sleeper.join)
            seen = [await s.run(echo, [], [f"next{i}"]) for i in range(3)]
            await s.client.aclose()
            return seen

        assert asyncio.run(go()) == [b"next0", b"next1", b"next2"]
    admin.close()


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_meanwhile_runs_once_while_the_script_is_on_its_way(server, kind):
    """The middleware runs the validator between sending the pre-request call and reading
    its reply. The script must already be in Redis while ``meanwhile`` runs (proved by
    another connection receiving what it pushes), ``meanwhile`` must run exactly once
    whatever happens, and if it raises, its call's reply must not be left to the next call."""
    from smartlayer import lua
    from smartlayer.conf import get_config

    cfg = dataclasses.replace(get_config(), redis_url=server.url, redis_timeout=2.0)
    mark = lua.LuaScript("mark", "redis.call('RPUSH', KEYS[1], ARGV[1]) return ARGV[1]")
    admin = server.client()
    runs: list[Any] = []

    def sees(value: str) -> None:  # blocks until the script's push arrives (at most 2 s)
        got = admin.blpop(["mw"], timeout=2)
        runs.append(got[1].decode() if got and got[1] == value.encode() else None)

    def boom() -> None:
        runs.append("boom")
        raise RuntimeError("a bug in the work done meanwhile")

    b = Breaker(100, COOLDOWN)
    if kind == "sync":
        s = Store(cfg, b)
        s.run(mark, ["mw"], ["warm"])  # the client, its pool and the script exist now
        admin.delete("mw")
        assert s.run(mark, ["mw"], ["one"], lambda: sees("one")) == b"one"
        with pytest.raises(RuntimeError):
            s.run(mark, ["mw"], ["two"], boom)
        assert [s.run(mark, ["mw"], [f"next{i}"]) for i in range(3)] == [b"next0", b"next1", b"next2"]
        server.stop()
        with pytest.raises(StoreUnavailable):
            s.run(mark, ["mw"], ["gone"], lambda: runs.append("down"))
        s.client.close()
    else:

        async def go() -> list[Any]:
            s = AsyncStore(cfg, b)
            await s.run(mark, ["mw"], ["warm"])
            admin.delete("mw")
            assert await s.run(mark, ["mw"], ["one"], lambda: sees("one")) == b"one"
            with pytest.raises(RuntimeError):
                await s.run(mark, ["mw"], ["two"], boom)
            seen = [await s.run(mark, ["mw"], [f"next{i}"]) for i in range(3)]
            server.stop()
            with pytest.raises(StoreUnavailable):
                await s.run(mark, ["mw"], ["gone"], lambda: runs.append("down"))
            await s.client.aclose()
            return seen

        assert asyncio.run(go()) == [b"next0", b"next1", b"next2"]
    assert runs == ["one", "boom", "down"]
    admin.close()


def test_the_async_spare_connection_never_starves_a_waiting_call(server):
    """AsyncStore keeps one connection out of the pool between calls. With a pool of one
    connection, every other call waits for the pool: the spare must go back to the pool for
    them, or they wait REDIS_POOL_TIMEOUT and fail. The pool never opens a second one."""
    from smartlayer import lua
    from smartlayer.conf import get_config

    cfg = dataclasses.replace(
        get_config(), redis_url=server.url, redis_timeout=2.0, redis_max_connections=1, redis_pool_timeout=0.5
    )
    echo = lua.LuaScript("echo", "return ARGV[1]")

    async def go() -> tuple[list[Any], int]:
        s = AsyncStore(cfg, Breaker(100, COOLDOWN))
        await s.run(echo, [], ["warm"])  # the pool's one connection is the spare now
        got = await asyncio.gather(*(s.run(echo, [], [str(i)]) for i in range(40)), return_exceptions=True)
        got.append(await s.run(echo, [], ["after"]))
        pool = s.client.connection_pool
        opened = len(pool._available_connections) + len(pool._in_use_connections)
        await s.client.aclose()
        return got, opened

    got, opened = asyncio.run(go())
    assert [g if isinstance(g, bytes) else repr(g) for g in got] == [
        *(str(i).encode() for i in range(40)),
        b"after",
    ]
    assert opened == 1


def test_the_sync_spare_connection_never_starves_a_waiting_thread(server):
    """Store keeps a connection out of the pool between calls too. With a pool of one
    connection and 12 threads, every other thread waits for the pool: the spare must go back
    to the pool for them, or they wait REDIS_POOL_TIMEOUT and fail."""
    from smartlayer import lua
    from smartlayer.conf import get_config

    cfg = dataclasses.replace(
        get_config(), redis_url=server.url, redis_timeout=2.0, redis_max_connections=1, redis_pool_timeout=0.5
    )
    echo = lua.LuaScript("echo", "return ARGV[1]")
    s = Store(cfg, Breaker(100, COOLDOWN))
    assert s.run(echo, [], ["warm"]) == b"warm"  # the pool's one connection is the spare now
    failures: list[str] = []

    def work(t: int) -> None:
        for i in range(30):
            try:
                got = s.run(echo, [], [f"{t}:{i}"])
            except StoreUnavailable as exc:
                failures.append(str(exc))
            else:
                if got != f"{t}:{i}".encode():
                    failures.append(f"{t}:{i} got {got!r}")

    threads = [threading.Thread(target=work, args=(t,)) for t in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert s.run(echo, [], ["after"]) == b"after"
    pool = s.client.connection_pool
    assert len(pool._connections) == 1  # never a second connection
    s.client.close()


def test_a_forked_child_never_uses_its_parents_spare_connection(server):
    """A process forked after a call (gunicorn --preload, multiprocessing) inherits the
    parent's spare connection, the same socket: the child must open its own, or the two
    processes' replies would cross."""
    from smartlayer import lua
    from smartlayer.conf import get_config

    cfg = dataclasses.replace(get_config(), redis_url=server.url, redis_timeout=2.0)
    echo = lua.LuaScript("echo", "return ARGV[1]")
    s = Store(cfg, Breaker(100, COOLDOWN))
    assert s.run(echo, [], ["parent"]) == b"parent"
    pid = os.fork()
    if pid == 0:  # the child: its own calls, while the parent makes its own
        ok = all(s.run(echo, [], [f"child{i}"]) == f"child{i}".encode() for i in range(200))
        os._exit(0 if ok else 1)
    seen = [s.run(echo, [], [f"parent{i}"]) for i in range(200)]
    _, status = os.waitpid(pid, 0)
    assert seen == [f"parent{i}".encode() for i in range(200)]
    assert os.waitstatus_to_exitcode(status) == 0
    s.client.close()


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_spare_connection_the_server_closed_fails_no_call(server, kind):
    """Either store's spare skips the pool's health check, so it checks what the pool would:
    a connection Redis closed (CLIENT KILL, a restart, a timeout) is replaced, not used."""
    from smartlayer import lua
    from smartlayer.conf import get_config

    cfg = dataclasses.replace(get_config(), redis_url=server.url, redis_timeout=2.0)
    echo = lua.LuaScript("echo", "return ARGV[1]")
    admin = server.client()
    b = Breaker(1, COOLDOWN)  # one failure would open the circuit

    async def go() -> list[Any]:
        s = AsyncStore(cfg, b)
        seen = [await s.run(echo, [], ["first"])]
        for i in range(3):
            assert admin.client_kill_filter(_type="normal", skipme=True) >= 1
            for _ in range(5):  # a few turns of the event loop: it reads the end of the stream
                await asyncio.sleep(0)
            seen.append(await s.run(echo, [], [f"after{i}"]))
        await s.client.aclose()
        return seen

    def go_sync() -> list[Any]:
        s = Store(cfg, b)
        seen = [s.run(echo, [], ["first"])]
        for i in range(3):
            assert admin.client_kill_filter(_type="normal", skipme=True) >= 1
            seen.append(s.run(echo, [], [f"after{i}"]))
        s.client.close()
        return seen

    assert (asyncio.run(go()) if kind == "async" else go_sync()) == [
        b"first",
        b"after0",
        b"after1",
        b"after2",
    ]
    assert b.allow()
    admin.close()


def test_meanwhile_runs_once_on_every_other_path(settings):
    """fakeredis and an open circuit take no direct path: ``meanwhile`` still runs once."""

    settings.SMART_MIDDLEWARE = {"KEY_PREFIX": "mw" + uuid.uuid4().hex[:8]}
    from smartlayer.conf import get_config

    get_config.cache_clear()
    store.reset()
    call = (PRE_REQUEST, ["ban:x"], [0, "ban", 1, 0])  # the middleware's script, a ban check
    runs: list[str] = []
    s = store.get_store()
    assert s.run(*call, lambda: runs.append("fake")) == [b"-2\x1f\x1f0"]
    s.breaker.open_until = clock.monotonic() + 60
    with pytest.raises(StoreUnavailable):
        s.run(*call, lambda: runs.append("open"))
    s.breaker.open_until = 0.0
    assert runs == ["fake", "open"]
    store.reset()


def test_the_validator_blocks_while_redis_is_stopped(server, configure, serve, fail_mode, rf_user):
    """The validator needs no Redis: a certain attack is refused even when Redis is down,
    in either FAIL_MODE; a clean request is served or refused as FAIL_MODE says."""
    request = serve()
    assert request().status_code == 200
    server.stop()
    mw = SmartLayerMiddleware(view)
    attack = rf_user(PATH + "?q=%3Cscript%3Ealert(1)%3C/script%3E", HTTP_USER_AGENT=USER_AGENT)
    for _ in range(THRESHOLD + 2):  # while Redis times out, then with the circuit open
        response = mw(attack)
        assert response.status_code == 403
        assert json.loads(response.content)["error"] == "validator"
    assert_degraded(request(), fail_mode)
