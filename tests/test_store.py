"""The Redis access layer: backends, pipelines, NOSCRIPT, errors, django-redis reuse."""

from __future__ import annotations

import asyncio

import pytest

from smartlayer import lua, store
from smartlayer.conf import get_config
from smartlayer.exceptions import StoreUnavailable
from smartlayer.keys import Keys
from tests.conftest import REAL_REDIS_URL, requires_real_redis


def ban_call(identity):
    key = Keys(get_config().key_prefix).ban(identity)
    return (lua.PRE_REQUEST, [key], [0, "ban", 1, 0]), key


def test_run_many_runs_every_script_in_one_pipeline(smart):
    s = store.get_store()
    (call_a, key_a), (call_b, _) = ban_call("u:1"), ban_call("u:2")
    s.client.set(key_a, "why", px=5000)
    replies = s.run_many([call_a, call_b])
    ttl, why, would_be = lua.fields(replies[0][0])
    assert int(ttl) > 0 and why == b"why" and would_be == b"0"
    assert replies[1] == [b"-2\x1f\x1f0"]


def test_run_many_reloads_flushed_scripts_and_runs_each_call_once(smart, frozen_clock):
    smart(RATE_LIMIT_PLANS={"p": {"/": {"per_minute": 10}}})
    from smartlayer import ratelimit

    rule = get_config().plans["p"].rules[0]
    keys, args = ratelimit.section(Keys(get_config().key_prefix), "u:9", rule)
    call = (lua.PRE_REQUEST, keys, [frozen_clock(), "ratelimit", len(keys), len(args), *args])
    s = store.get_store()
    s.run_many([call])
    s.client.script_flush()
    (reply,) = s.run_many([call])
    assert ratelimit.parse(rule, reply[0]).used == (2,)


def test_async_store_runs_the_same_scripts(smart):
    (call, key), s = ban_call("u:3"), store.get_store()
    s.client.set(key, "async", px=5000)

    async def go():
        astore = store.get_async_store()
        one = await astore.run(*call)
        many = await astore.run_many([call])
        return one, many

    one, many = asyncio.run(go())
    assert lua.fields(one[0])[1] == b"async" and lua.fields(many[0][0])[1] == b"async"


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_carried_calls_go_with_the_script_and_never_fail_it(smart, kind):
    """run(..., carry=...) sends best-effort calls with the script (the monitor's batch):
    they all run, the script's own reply comes back, and a carried call's error reply does
    not fail the call."""
    from smartlayer import monitor

    cfg, s = get_config(), store.get_store()
    keys = Keys(cfg.key_prefix)
    call, _ = ban_call("u:7")
    now = 1_764_460_800_000  # 2025-11-30 00:00 UTC
    day, _ = monitor.local_day(now)
    counted = [
        c
        for i in range(3)
        for c in monitor.record(
            cfg, keys, now_ms=now, route="/a", status=200, latency_ms=1.0, reason=None, identity_key=f"u:{i}"
        )
    ]
    broken = (lua.MONITOR, (keys.monitor_log(),), ("l", 60, b"row", "not a number"))  # a Lua error
    carry = [*monitor.combined(counted[:2]), broken, *counted[2:]]
    if kind == "sync":
        reply = s.run(*call, None, carry)
    else:
        reply = asyncio.run(store.get_async_store().run(*call, None, carry))
    assert lua.fields(reply[0])[0] == b"-2"  # no ban: the script's own reply
    assert monitor.day_stats(s, keys, cfg, day)["total_requests"] == 3


def test_embedded_sync_and_async_share_one_server(settings):
    settings.SMART_MIDDLEWARE = {"KEY_PREFIX": "shared"}
    store.get_store().client.set("shared:x", "1", px=5000)

    async def read():
        return await store.get_async_store().client.get("shared:x")

    assert asyncio.run(read()) == b"1"


def test_unreachable_redis_raises_store_unavailable_and_opens_the_breaker(settings):
    settings.SMART_MIDDLEWARE = {"REDIS_URL": "redis://127.0.0.1:1/0", "BREAKER_THRESHOLD": 2}
    s = store.get_store()
    call, _ = ban_call("u:4")
    for _ in range(2):
        with pytest.raises(StoreUnavailable):
            s.run(*call)
    with pytest.raises(StoreUnavailable, match="circuit open"):
        s.run(*call)


@requires_real_redis
def test_cache_alias_reuses_the_django_redis_pool(settings, rf_user, frozen_clock, call):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REAL_REDIS_URL,
            "OPTIONS": {"SOCKET_TIMEOUT": 0.5, "SOCKET_CONNECT_TIMEOUT": 0.5},
        }
    }
    settings.SMART_MIDDLEWARE = {
        "CACHE_ALIAS": "default",
        "KEY_PREFIX": f"alias{frozen_clock()}",
        "RATE_LIMIT_PLANS": {"anonymous": {"/": {"per_minute": 2}}},
    }
    from django_redis import get_redis_connection

    client = get_redis_connection("default")
    assert store.get_store().client is client
    try:
        run = call()
        assert [run(rf_user("/x")).status_code for _ in range(3)] == [200, 200, 429]
        # the cache's pool is shared with the cache's callers: no connection kept aside from it
        assert store.get_store()._spare == [] and not client.connection_pool._in_use_connections
    finally:  # the prefix is the frozen clock's: a failed run must not leave counts behind
        for key in client.scan_iter(match=f"alias{frozen_clock()}:*"):
            client.delete(key)


@requires_real_redis
def test_cache_alias_without_socket_timeout_warns(settings):
    from smartlayer.checks import check_settings

    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REAL_REDIS_URL}}
    settings.SMART_MIDDLEWARE = {"CACHE_ALIAS": "default"}
    assert "smartlayer.W004" in [m.id for m in check_settings()]


@pytest.mark.parametrize(
    "args",
    [
        [0, "ban", 1, 0],
        [1732000000000, "ratelimit", 2, 9, -1, 0.25, 1e-7, b"\x00raw\xff", "é ü 漢字", ""],
        list(range(200)),
    ],
)
def test_the_evalsha_packer_writes_what_redis_py_would(args):
    import redis

    keys = ["sl:{u:1}:ban", "sl:{u:1}:rl:/api/", "é", b"sl:{u:1}:raw"]
    sha = lua.PRE_REQUEST.sha
    expected = b"".join(redis.Connection().pack_command("EVALSHA", sha, len(keys), *keys, *args))
    assert store.pack_evalsha(sha.encode(), keys, args) == expected


def test_a_lone_surrogate_is_packed_not_raised():
    # redis-py would raise UnicodeEncodeError (not a RedisError) from a value with one
    assert store.pack_evalsha(b"0" * 40, ["k"], ["\udc80"]).endswith(b"$3\r\n\xed\xb2\x80\r\n")


def test_bools_and_none_are_refused_as_redis_py_refuses_them():
    import redis

    for bad in (True, None, object()):
        with pytest.raises(redis.exceptions.DataError):
            store.pack_evalsha(b"0" * 40, [], [bad])


def test_only_a_plain_redis_client_takes_the_direct_script_path(settings):
    import fakeredis
    import redis

    assert store._fast_pool(redis.Redis()) is not None
    assert store._fast_pool(redis.asyncio.Redis()) is not None
    assert store._fast_pool(redis.Redis(single_connection_client=True)) is None
    assert store._fast_pool(fakeredis.FakeRedis()) is None
    assert store._fast_pool(redis.cluster.RedisCluster.__new__(redis.cluster.RedisCluster)) is None


@requires_real_redis
def test_an_error_reply_fails_the_call_and_the_connection_stays_in_step(settings):
    settings.SMART_MIDDLEWARE = {"REDIS_URL": REAL_REDIS_URL, "KEY_PREFIX": "err"}
    get_config.cache_clear()
    store.reset()
    s = store.get_store()
    boom = lua.LuaScript("boom", "return redis.error_reply('ERR no luck')")
    echo = lua.LuaScript("echo", "return ARGV[1]")
    with pytest.raises(StoreUnavailable, match="no luck"):
        s.run_many([(echo, [], ["a"]), (boom, [], []), (echo, [], ["b"])])
    with pytest.raises(StoreUnavailable, match="no luck"):
        s.run(boom, [], [])
    # every reply of the failed calls was read: the next ones get their own
    assert s.run_many([(echo, [], ["c"]), (echo, [], ["d"])]) == [b"c", b"d"]
    assert s.run(echo, [], ["e"]) == b"e"
    s.breaker.failures = 0
    store.reset()


def test_each_cluster_node_gets_its_own_breaker_and_an_unknown_slot_the_process_one():
    class Node:
        def __init__(self, name):
            self.name = name

    class Client:  # what NodeBreakers asks of a RedisCluster client
        def get_node_from_key(self, key):
            if key.startswith("none"):
                raise KeyError("slot not covered")
            return Node("10.0.0.1:7000" if key.startswith("a") else "10.0.0.2:7001")

    default = store.Breaker(3, 5.0)
    nodes = store.NodeBreakers(default)
    a, b = nodes.of(Client(), ["a{x}"]), nodes.of(Client(), ["b{y}"])
    assert a is not b and a is nodes.of(Client(), ["a{z}"])
    assert (a.threshold, a.cooldown, a.name) == (3, 5.0, "Redis node 10.0.0.1:7000")
    assert nodes.of(Client(), ["none{q}"]) is default
    for _ in range(3):
        a.failure(OSError("down"))
    assert not a.allow() and b.allow() and default.allow()  # one node down, the rest checked


class _Ends:
    """The reading end of a socket pair, as _read_direct sees a redis-py connection, and the
    writing end as Redis. ``piece``: the most one recv returns, as TCP may cut a reply."""

    def __init__(self, timeout: float = 2.0, piece: int = 65536) -> None:
        import socket

        import redis._parsers

        self.reader, self.server = socket.socketpair()
        self.reader.settimeout(timeout)
        self._sock = self  # what _read_direct reads from: recv below
        self.piece = piece
        self._parser = redis._parsers._RESP2Parser(65536)
        self.dropped = False

    def recv(self, size: int) -> bytes:
        return self.reader.recv(min(size, self.piece))

    def disconnect(self) -> None:
        self.dropped = True

    def close(self) -> None:
        self.reader.close()
        self.server.close()


REPLIES = (
    b"*3\r\n$5\r\n-2\x1f\x1f0\r\n$0\r\n\r\n$-1\r\n"  # the pre-view script: bulk strings, empty, nil
    b":42\r\n"
    b"+OK\r\n"
    b"*2\r\n*1\r\n:-7\r\n*-1\r\n"  # nested, nil array
    b"-NOSCRIPT No matching script. Please use EVAL.\r\n"
    b"-ERR user_script:1: boom\r\n"
    b"$4\r\na\r\nb\r\n"  # a CRLF inside a bulk string
)


@pytest.mark.parametrize("piece", [1, 3, 7, len(REPLIES)])
def test_the_direct_reader_parses_every_reply_in_any_number_of_reads(piece):
    """Redis may send a reply in several TCP segments: each cut must read the same."""
    from redis.exceptions import NoScriptError, ResponseError

    ends = _Ends(piece=piece)
    try:
        ends.server.sendall(REPLIES)
        got = store._read_direct(ends, 7)
    finally:
        ends.close()
    assert got[:4] == [[b"-2\x1f\x1f0", b"", None], 42, b"OK", [[-7], None]]
    assert type(got[4]) is NoScriptError and type(got[5]) is ResponseError and "boom" in str(got[5])
    assert got[6] == b"a\r\nb" and not ends.dropped


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", "ConnectionError"),  # the server closed the connection
        (b"*2\r\n$1\r\na\r\n", "TimeoutError"),  # half a reply, then nothing
        (b"-LOADING Redis is loading the dataset in memory\r\n", "BusyLoadingError"),
        (b"?what\r\n", "InvalidResponse"),
        (b"$x1\r\n", "InvalidResponse"),  # a length that is no number
        (b":1\r\n:2\r\n", "InvalidResponse"),  # a reply nobody asked for
    ],
)
def test_the_direct_reader_drops_the_connection_on_what_redis_py_would_raise(data, error):
    import redis.exceptions

    ends = _Ends(timeout=0.2)
    try:
        if data:
            ends.server.sendall(data)
        else:
            ends.server.shutdown(2)
        with pytest.raises(getattr(redis.exceptions, error)):
            store._read_direct(ends, 1)
    finally:
        ends.close()
    assert ends.dropped


@requires_real_redis
def test_the_direct_reader_takes_a_real_redis_reply_of_any_size(settings):
    """The pre-view path reads a real server's replies itself, whatever their size."""
    settings.SMART_MIDDLEWARE = {"REDIS_URL": REAL_REDIS_URL, "KEY_PREFIX": "direct", "REDIS_TIMEOUT": 2}
    store.reset()
    s = store.get_store()
    echo = lua.LuaScript("echo_n", "return {string.rep('x', tonumber(ARGV[1])), tonumber(ARGV[1])}")
    seen = []
    real = store._read_direct
    try:
        store._read_direct = lambda conn, count: seen.append(count) or real(conn, count)
        for n in (0, 10, 70_000, 1_000_000):
            assert s.run(echo, [], [n]) == [b"x" * n, n]
    finally:
        store._read_direct = real
        store.reset()
    assert seen == [1, 1, 1, 1]  # the direct reader read every one


@requires_real_redis
def test_the_async_direct_reader_takes_a_real_redis_reply_of_any_size(settings):
    """The async pre-view path reads a real server's replies itself too."""
    settings.SMART_MIDDLEWARE = {"REDIS_URL": REAL_REDIS_URL, "KEY_PREFIX": "adirect", "REDIS_TIMEOUT": 2}
    store.reset()
    echo = lua.LuaScript("echo_n", "return {string.rep('x', tonumber(ARGV[1])), tonumber(ARGV[1])}")
    boom = lua.LuaScript("boom", "return redis.error_reply('ERR no luck')")
    seen = []
    real = store._aread_direct

    async def counted(conn, count):
        seen.append(count)
        return await real(conn, count)

    async def go():
        s = store.get_async_store()
        out = [await s.run(echo, [], [n]) for n in (0, 10, 70_000, 1_000_000)]
        with pytest.raises(StoreUnavailable, match="no luck"):
            await s.run(boom, [], [])
        out.append(await s.run(echo, [], [3]))  # the connection is still in step
        await s.client.aclose()
        return out

    try:
        store._aread_direct = counted
        got = asyncio.run(go())
    finally:
        store._aread_direct = real
        store.reset()
    assert got == [[b"x" * n, n] for n in (0, 10, 70_000, 1_000_000, 3)]
    assert seen == [1] * 6  # the direct reader read every one, the error reply too
