"""The Redis access layer: the only module that imports redis.

It owns the clients (a real Redis by URL, a Redis Cluster, a django-redis alias's pool, or the
embedded fakeredis), registers the Lua scripts once, and turns every Redis failure into
``StoreUnavailable``. A per-process circuit breaker keeps a dead or hung Redis from costing
more than one short timeout per ``BREAKER_COOLDOWN``.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import sys
import threading
from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import Any
from urllib.parse import unquote, urlsplit

import redis
import redis.asyncio
import redis.asyncio.cluster
import redis.asyncio.sentinel
import redis.cluster
import redis.sentinel
from redis.backoff import NoBackoff
from redis.exceptions import NoScriptError, RedisError
from redis.retry import Retry

from smartlayer import clock, lua
from smartlayer.conf import Config, get_config
from smartlayer.exceptions import StoreUnavailable, log_internal
from smartlayer.lua import ScriptCall

logger = logging.getLogger("smartlayer")

# A socket error surfaces as OSError subclasses from some code paths of redis-py.
# RedisClusterException (no seed node reachable, ...) is not a RedisError.
_ERRORS = (RedisError, OSError, redis.exceptions.RedisClusterException)

# Skip CLIENT SETINFO on connect (two round trips per new connection); the keyword changed
# name in redis-py 7.
_NO_SETINFO: dict[str, Any] = (
    {"driver_info": None}
    if "driver_info" in inspect.signature(redis.Redis.__init__).parameters
    else {"lib_name": None, "lib_version": None}
)


class Breaker:
    """Per-process circuit breaker shared by the sync and async clients.

    After ``threshold`` consecutive failures it opens for ``cooldown`` seconds, during which
    calls fail at once without I/O; then one call is let through as a probe.
    """

    def __init__(self, threshold: int, cooldown: float, name: str = "Redis") -> None:
        self.name = name
        self.threshold = threshold
        self.cooldown = cooldown
        self.failures = 0
        self.open_until = 0.0
        self._lock = threading.Lock()

    def allow(self) -> bool:
        if not self.open_until:
            return True
        now = clock.monotonic()
        with self._lock:
            if now < self.open_until:
                return False
            # Half-open: this caller probes; others keep failing fast until it reports.
            self.open_until = now + self.cooldown
            return True

    def success(self) -> None:
        if self.failures or self.open_until:
            if self.open_until:
                logger.warning("smartlayer: %s answers again; circuit closed", self.name)
            self.failures = 0
            self.open_until = 0.0

    def failure(self, exc: BaseException) -> None:
        with self._lock:
            self.failures += 1
            if self.failures < self.threshold:
                return
            reopened = bool(self.open_until)
            self.open_until = clock.monotonic() + self.cooldown
        if not reopened:
            logger.error(
                "smartlayer: %s unavailable (%s: %s); circuit open, retrying every %.1fs",
                self.name,
                type(exc).__name__,
                exc,
                self.cooldown,
            )


class NodeBreakers:
    """On Redis Cluster, one breaker per master: a node that is down or hung then fails only
    the identities whose slots it holds, while the others keep being checked. Shared by the
    sync and async stores; at most one breaker per node name ever seen."""

    def __init__(self, default: Breaker) -> None:
        self.default = default
        self._by_name: dict[str, Breaker] = {}
        self._lock = threading.Lock()

    def of(self, client: Any, keys: Sequence[str]) -> Breaker:
        """The breaker of the node holding ``keys`` (one slot: they share a hash tag)."""
        try:
            name = client.get_node_from_key(keys[0]).name
        except Exception:  # noqa: BLE001 - no slot map yet, or the slot is not covered
            return self.default
        breaker = self._by_name.get(name)
        if breaker is None:
            with self._lock:
                breaker = self._by_name.setdefault(
                    name, Breaker(self.default.threshold, self.default.cooldown, name=f"Redis node {name}")
                )
        return breaker


def _is_cluster(cfg: Config) -> bool:
    """Whether the clients are Redis Cluster clients (see _sync_client's order)."""
    return bool(cfg.redis_url and cfg.redis_cluster and not cfg.redis_sentinels and not cfg.cache_alias)


def _url_kwargs(cfg: Config) -> dict[str, Any]:
    return {
        "socket_timeout": cfg.redis_timeout,
        "socket_connect_timeout": cfg.redis_timeout,
        # Retries belong to the breaker, not to the request path.
        "retry": Retry(NoBackoff(), 0),
        # RESP2 (redis-py < 8's default) on every version: redis-py 8.1's asyncio pools do
        # not replace a pooled RESP3 connection that the server closed (a Redis restart), so
        # each one failed a request; RESP2 also saves a HELLO per new connection.
        "protocol": 2,
        **_NO_SETINFO,
    }


_fake_server: Any = None


def _fake_server_for_process() -> Any:
    global _fake_server
    if _fake_server is None:
        import fakeredis

        _fake_server = fakeredis.FakeServer()
    return _fake_server


def _sentinel_kwargs(cfg: Config) -> dict[str, Any]:
    """Connection options for the primary found through Sentinel: the usual timeouts, and the
    database and credentials of REDIS_URL when it is set."""
    kwargs = _url_kwargs(cfg)
    if cfg.redis_url:
        parts = urlsplit(cfg.redis_url)
        db = parts.path.strip("/")
        kwargs.update(
            db=int(db) if db.isdigit() else 0,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )
    return kwargs


def _sentinel_options(cfg: Config) -> dict[str, Any]:
    # Asking a Sentinel is not on every request (only when a connection is made).
    return {
        "socket_timeout": max(cfg.redis_timeout, 0.1),
        "socket_connect_timeout": max(cfg.redis_timeout, 0.1),
    }


def _sync_client(cfg: Config) -> Any:
    if cfg.redis_sentinels:
        sentinel = redis.sentinel.Sentinel(list(cfg.redis_sentinels), sentinel_kwargs=_sentinel_options(cfg))
        return sentinel.master_for(cfg.redis_sentinel_master, **_sentinel_kwargs(cfg))
    if cfg.cache_alias:
        from django_redis import get_redis_connection

        return get_redis_connection(cfg.cache_alias)
    if cfg.redis_url and cfg.redis_cluster:
        return redis.cluster.RedisCluster.from_url(
            cfg.redis_url, max_connections=cfg.redis_max_connections, **_url_kwargs(cfg)
        )
    if cfg.redis_url:
        pool = redis.BlockingConnectionPool.from_url(
            cfg.redis_url,
            max_connections=cfg.redis_max_connections,
            timeout=cfg.redis_pool_timeout,
            **_url_kwargs(cfg),
        )
        return redis.Redis(connection_pool=pool, retry=Retry(NoBackoff(), 0))
    import fakeredis

    return fakeredis.FakeRedis(server=_fake_server_for_process())


_ASYNC_CONNECTIONS = {
    redis.Connection: redis.asyncio.Connection,
    redis.SSLConnection: redis.asyncio.SSLConnection,
    redis.UnixDomainSocketConnection: redis.asyncio.UnixDomainSocketConnection,
}


# Connection options that mean the same to redis.asyncio as to the sync client.
_PORTABLE_KWARGS = frozenset(
    {
        "host", "port", "db", "path", "username", "password", "credential_provider",
        "socket_timeout", "socket_connect_timeout", "socket_keepalive", "client_name",
        "ssl_keyfile", "ssl_certfile", "ssl_cert_reqs", "ssl_ca_certs", "ssl_ca_data",
        "ssl_check_hostname",
    }
)  # fmt: skip


def _async_client(cfg: Config) -> Any:
    if cfg.redis_sentinels:
        sentinel = redis.asyncio.sentinel.Sentinel(
            list(cfg.redis_sentinels), sentinel_kwargs=_sentinel_options(cfg)
        )
        return sentinel.master_for(cfg.redis_sentinel_master, **_sentinel_kwargs(cfg))
    if cfg.cache_alias:
        # redis.asyncio cannot share a sync pool: open an async pool to the same server with
        # the same connection settings.
        sync_pool = _sync_client(cfg).connection_pool
        pool = redis.asyncio.BlockingConnectionPool(
            connection_class=_ASYNC_CONNECTIONS.get(sync_pool.connection_class, redis.asyncio.Connection),
            max_connections=cfg.redis_max_connections,
            timeout=cfg.redis_pool_timeout,
            retry=Retry(NoBackoff(), 0),
            protocol=2,  # see _url_kwargs
            **{k: v for k, v in sync_pool.connection_kwargs.items() if k in _PORTABLE_KWARGS},
            **_NO_SETINFO,
        )
        return redis.asyncio.Redis(connection_pool=pool)
    if cfg.redis_url and cfg.redis_cluster:
        return redis.asyncio.cluster.RedisCluster.from_url(
            cfg.redis_url, max_connections=cfg.redis_max_connections, **_url_kwargs(cfg)
        )
    if cfg.redis_url:
        pool = redis.asyncio.BlockingConnectionPool.from_url(
            cfg.redis_url,
            max_connections=cfg.redis_max_connections,
            timeout=cfg.redis_pool_timeout,
            **_url_kwargs(cfg),
        )
        return redis.asyncio.Redis(connection_pool=pool, retry=Retry(NoBackoff(), 0))
    import fakeredis

    return fakeredis.FakeAsyncRedis(server=_fake_server_for_process())


def pack_evalsha(sha: bytes, keys: Sequence[str], args: Sequence[Any]) -> bytes:
    """One EVALSHA in RESP, for the arguments the engine sends (str, int, float, bytes):
    what redis-py's generic packer does, in a fifth of its time."""
    out = [b"*%d\r\n$7\r\nEVALSHA\r\n$40\r\n%s\r\n$%d\r\n%d\r\n" % (
        3 + len(keys) + len(args), sha, len(str(len(keys))), len(keys))]  # fmt: skip
    add = out.append
    for a in keys:
        b = a if type(a) is bytes else a.encode("utf-8", "surrogatepass")
        add(b"$%d\r\n%s\r\n" % (len(b), b))
    segments = _INT_SEGMENTS
    for a in args:
        t = type(a)
        if t is int:
            seg = segments.get(a)
            if seg is None:
                seg = b"$%d\r\n%d\r\n" % (len(str(a)), a)
                if -(10**9) < a < 10**9 and len(segments) < 4096:  # settings, not timestamps
                    segments[a] = seg
            add(seg)
            continue
        if t is str:
            b = a.encode("utf-8", "surrogatepass")
        elif t is bytes:
            b = a
        elif t is float:
            b = repr(a).encode()
        else:  # bool, None, other types: redis-py's rules and its DataError
            b = _ENCODER.encode(a)
        add(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


# The RESP of the small integers scripts get on every request (limits, windows, flags).
_INT_SEGMENTS: dict[int, bytes] = {}
_ENCODER = redis.connection.Encoder("utf-8", "strict", False)


def _fast_pool(client: Any) -> Any:
    """The connection pool of a plain redis-py client (one server, direct or through Sentinel,
    or a django-redis alias), on which a script call skips redis-py's generic command path;
    None for a cluster, fakeredis or a single-connection client."""
    if type(client) in (redis.Redis, redis.asyncio.Redis) and client.connection is None:
        return client.connection_pool
    return None


class Store:
    """Synchronous access: one client, the registered scripts, the shared breaker."""

    def __init__(self, cfg: Config, breaker: Breaker, nodes: NodeBreakers | None = None) -> None:
        self.cfg = cfg
        self.breaker = breaker
        self.nodes = nodes or NodeBreakers(breaker)
        self._cluster = _is_cluster(cfg)
        self._client: Any = None
        self._pool: Any = None
        self._scripts: dict[str, Any] = {}
        self._lock = threading.Lock()
        # Connections kept out of the pool between calls, as (connection, pid), and one entry
        # per call looking for a connection: see _take. Lists, because append and pop are
        # atomic between threads.
        self._spare: list[tuple[Any, int]] = []
        self._waiting: list[int] = []
        # A django-redis pool (CACHE_ALIAS) is shared with the cache, whose callers may wait
        # for a connection we would keep aside: no spare there.
        self._spares = not cfg.cache_alias

    @property
    def client(self) -> Any:
        """The raw redis-py client, for management commands, checks and tests."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    try:
                        client = _sync_client(self.cfg)
                    except _ERRORS as exc:  # a cluster client asks its seed nodes at once
                        self.breaker.failure(exc)
                        raise StoreUnavailable(str(exc)) from exc
                    # register_script computes the SHA locally: no I/O, EVALSHA on first
                    # call, and a transparent SCRIPT LOAD after NOSCRIPT.
                    self._scripts = {s.name: client.register_script(s.source) for s in lua.ALL}
                    self._pool = _fast_pool(client)
                    self._client = client
        return self._client

    def run(
        self,
        script: lua.LuaScript,
        keys: Sequence[str],
        args: Sequence[Any],
        meanwhile: Callable[[], None] | None = None,
        carry: Sequence[ScriptCall] = (),
    ) -> Any:
        """Run one script once, or raise StoreUnavailable. ``meanwhile`` (a callable that
        never raises) is called exactly once, whatever happens: on a single Redis between
        sending the script and reading its reply, so its time hides behind the round trip;
        elsewhere (Cluster, fakeredis, an open circuit) before returning or raising.
        ``carry``: best-effort calls whose results nobody waits for (the monitor's batch),
        sent after the script in the same write on a single Redis, or after it elsewhere;
        their failures never fail this call."""
        once = _Once(meanwhile)
        try:
            if self._cluster:
                result = self._on_cluster([(script, keys, args)])[0]
                self._carry_apart(carry)
                return result
            if not self.breaker.allow():
                raise StoreUnavailable("circuit open")
            try:
                client = self.client
                if self._pool is not None:
                    result, *others = self._exchange([(script, keys, args), *carry], once)
                    _raise_first_error((result,))
                    _log_carried(others)
                else:
                    result = self._scripts[script.name](keys=keys, args=args, client=client)
            except _ERRORS as exc:
                self.breaker.failure(exc)
                raise StoreUnavailable(str(exc)) from exc
            self.breaker.success()
            if self._pool is None:
                self._carry_apart(carry)
            return result
        finally:
            once()

    def _carry_apart(self, carry: Sequence[ScriptCall]) -> None:
        """The carried calls after the script (Cluster, fakeredis): never fail the call."""
        if carry:
            try:
                self.run_many(carry)
            except StoreUnavailable:
                pass  # logged by the breaker
            except Exception:  # noqa: BLE001 - best effort: a bug here must not fail the request
                log_internal("calls sent with the pre-view script")

    def _exchange(self, calls: Sequence[ScriptCall], meanwhile: _Once | None = None) -> list[Any]:
        """The calls as EVALSHAs in one write on a pooled connection, and their replies (an
        error reply as its exception, in its place), without redis-py's per-command
        machinery; ``meanwhile`` runs between the write and the read. The connection
        disconnects itself on any I/O error or interruption, so a late reply is never read
        by another call. Scripts Redis lost (NOSCRIPT) are loaded and only their calls sent
        again."""
        pool = self._pool
        conn, done = self._take(pool), False
        try:
            conn.send_packed_command(_packed(calls), check_health=False)
            if meanwhile is not None:
                try:
                    meanwhile()
                except BaseException:  # the reply on its way must never be read as another's
                    conn.disconnect()
                    raise
            results = _read_direct(conn, len(calls)) if _direct(conn) else _read(conn, calls)
            missing = [i for i, r in enumerate(results) if isinstance(r, NoScriptError)]
            if missing:
                for script in {calls[i][0] for i in missing}:
                    conn.send_packed_command(conn.pack_command("SCRIPT", "LOAD", script.source), False)
                    conn.read_response()
                for i, r in zip(missing, _send_and_read(conn, [calls[i] for i in missing]), strict=True):
                    results[i] = r
            done = True
            return results
        finally:
            self._give(pool, conn, done)

    def _take(self, pool: Any) -> Any:
        """A connection for one exchange: a spare one when it is clean, else the pool's. The
        pool (REDIS_MAX_CONNECTIONS, waiting up to REDIS_POOL_TIMEOUT) costs its locks, a
        queue and a health check per call (~16 us inside a request); a spare gets the same
        check (unread data, a connection the server closed: one non-blocking read)."""
        waiting = self._waiting
        waiting.append(1)  # before looking for a spare: a call ending meanwhile hands its own on
        try:
            try:
                conn, pid = self._spare.pop()
            except IndexError:
                return pool.get_connection()
            if pid != os.getpid():  # forked: the socket is the parent's; the pool resets itself
                return pool.get_connection()
            try:
                if not conn.can_read(timeout=0):
                    return conn
            except _ERRORS:
                pass
            conn.disconnect()  # whatever it held goes with it; the pool reconnects it
            pool.release(conn)
            return pool.get_connection()
        finally:
            waiting.pop()

    def _give(self, pool: Any, conn: Any, clean: bool) -> None:
        """Keep a connection whose exchange completed as a spare, unless another call is
        looking for one (it may be waiting for the pool, which would never see this one), a
        spare is already kept, the client was rebuilt meanwhile, or the pool is a
        django-redis cache's (its own callers could wait for it); else back to the pool.
        A call that starts looking while this one is being kept gets it through the pool."""
        if not clean or self._waiting or self._spare or pool is not self._pool or not self._spares:
            pool.release(conn)
            return
        self._spare.append((conn, os.getpid()))
        if self._waiting:
            try:
                conn, _ = self._spare.pop()
            except IndexError:  # the call that came took it
                return
            pool.release(conn)

    def _on_cluster(self, calls: Sequence[ScriptCall]) -> list[Any]:
        """Redis Cluster: each call on its key's node (a cluster pipeline refuses EVALSHA),
        behind that node's breaker. The calls on healthy nodes are made even when another
        node fails; then StoreUnavailable is raised (the post-view writes are best effort)."""
        if self._client is None and not self.breaker.allow():
            raise StoreUnavailable("circuit open")
        client = self.client
        results: list[Any] = []
        failed: StoreUnavailable | None = None
        for script, keys, args in calls:
            breaker = self.nodes.of(client, keys)
            result = None
            if not breaker.allow():
                failed = failed or StoreUnavailable("circuit open")
            else:
                try:
                    result = self._scripts[script.name](keys=keys, args=args, client=client)
                except _ERRORS as exc:
                    breaker.failure(exc)
                    failed = StoreUnavailable(str(exc))
                else:
                    breaker.success()
            results.append(result)
        if failed is not None:
            raise failed
        return results

    def run_many(self, calls: Sequence[ScriptCall]) -> list[Any]:
        """Run several scripts in one non-transactional pipeline: one round trip on a single
        Redis (one call at a time on a cluster). Raises StoreUnavailable."""
        if self._cluster:
            return self._on_cluster(calls)
        if not self.breaker.allow():
            raise StoreUnavailable("circuit open")
        try:
            client = self.client
            if self._pool is not None:
                results = self._exchange(calls)
                _raise_first_error(results)
                self.breaker.success()
                return results
            results = _evalsha_all(client.pipeline(transaction=False), calls).execute(raise_on_error=False)
            missing = [i for i, r in enumerate(results) if isinstance(r, NoScriptError)]
            if missing:  # scripts flushed: load them and re-run only the calls that failed
                for script in {calls[i][0] for i in missing}:
                    client.script_load(script.source)
                retry = _evalsha_all(client.pipeline(transaction=False), [calls[i] for i in missing])
                for i, r in zip(missing, retry.execute(raise_on_error=False), strict=True):
                    results[i] = r
            _raise_first_error(results)
        except _ERRORS as exc:
            self.breaker.failure(exc)
            raise StoreUnavailable(str(exc)) from exc
        self.breaker.success()
        return list(results)


class AsyncStore:
    """Asynchronous access with redis.asyncio; the same scripts and the same breaker."""

    def __init__(self, cfg: Config, breaker: Breaker, nodes: NodeBreakers | None = None) -> None:
        self.cfg = cfg
        self.breaker = breaker
        self.nodes = nodes or NodeBreakers(breaker)
        self._cluster = _is_cluster(cfg)
        self._client: Any = None
        self._loop: Any = None
        self._pool: Any = None
        self._scripts: dict[str, Any] = {}
        # One connection kept out of the pool between calls, and how many calls are waiting
        # for the pool: see _take.
        self._spare: Any = None
        self._waiting = 0

    @property
    def client(self) -> Any:
        # redis.asyncio connections belong to one event loop; a server has one per process,
        # but a new loop (tests, asyncio.run in a command) needs its own client.
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            client = _async_client(self.cfg)
            self._scripts = {s.name: client.register_script(s.source) for s in lua.ALL}
            self._pool = _fast_pool(client)
            self._spare, self._waiting = None, 0
            self._client, self._loop = client, loop
        return self._client

    async def run(
        self,
        script: lua.LuaScript,
        keys: Sequence[str],
        args: Sequence[Any],
        meanwhile: Callable[[], None] | None = None,
        carry: Sequence[ScriptCall] = (),
    ) -> Any:
        """Store.run; ``meanwhile`` is synchronous and runs on the event loop."""
        once = _Once(meanwhile)
        try:
            if self._cluster:
                result = (await self._on_cluster([(script, keys, args)]))[0]
                await self._carry_apart(carry)
                return result
            if not self.breaker.allow():
                raise StoreUnavailable("circuit open")
            try:
                client = self.client
                if self._pool is not None:
                    result, *others = await self._exchange([(script, keys, args), *carry], once)
                    _raise_first_error((result,))
                    _log_carried(others)
                else:
                    result = await self._scripts[script.name](keys=keys, args=args, client=client)
            except _ERRORS as exc:
                self.breaker.failure(exc)
                raise StoreUnavailable(str(exc)) from exc
            self.breaker.success()
            if self._pool is None:
                await self._carry_apart(carry)
            return result
        finally:
            once()

    async def _carry_apart(self, carry: Sequence[ScriptCall]) -> None:
        if carry:
            try:
                await self.run_many(carry)
            except StoreUnavailable:
                pass  # logged by the breaker
            except Exception:  # noqa: BLE001 - best effort: a bug here must not fail the request
                log_internal("calls sent with the pre-view script")

    async def _exchange(self, calls: Sequence[ScriptCall], meanwhile: _Once | None = None) -> list[Any]:
        """Store._exchange with redis.asyncio (its connections too disconnect on any error,
        cancellation included)."""
        pool = self._pool
        conn, done = await self._take(pool), False
        try:
            await _asend(conn, calls)
            if meanwhile is not None:
                try:
                    meanwhile()
                except BaseException:  # the reply on its way must never be read as another's
                    await conn.disconnect()
                    raise
            results = await _aread_direct(conn, len(calls)) if _adirect(conn) else await _aread(conn, calls)
            missing = [i for i, r in enumerate(results) if isinstance(r, NoScriptError)]
            if missing:
                for script in {calls[i][0] for i in missing}:
                    await conn.send_packed_command(conn.pack_command("SCRIPT", "LOAD", script.source), False)
                    await conn.read_response()
                again = await _asend_and_read(conn, [calls[i] for i in missing])
                for i, r in zip(missing, again, strict=True):
                    results[i] = r
            done = True
            return results
        finally:
            await self._give(pool, conn, done)

    async def _take(self, pool: Any) -> Any:
        """A connection for one exchange: the spare one when it is clean, else the pool's.
        The pool (REDIS_MAX_CONNECTIONS, waiting up to REDIS_POOL_TIMEOUT) costs two lock
        acquisitions, a timer and a health check per call (~10 us alone, ~25 us inside an
        ASGI request); between calls on one event loop, one connection skips them, with the
        same check (unread data, a connection the server closed)."""
        conn, self._spare = self._spare, None
        if conn is not None:
            try:
                if not await getattr(conn, _ASYNC_CAN_READ)():  # redis-py 8: no yield; buffer, EOF
                    return conn
            except _ERRORS:
                pass
        self._waiting += 1  # before any await: a call ending meanwhile hands its connection on
        try:
            if conn is not None:
                with suppress(*_ERRORS):
                    await conn.disconnect()  # whatever it held goes with it
                await pool.release(conn)  # the pool reconnects it
            return await pool.get_connection()
        finally:
            self._waiting -= 1

    async def _give(self, pool: Any, conn: Any, clean: bool) -> None:
        """Keep a connection whose exchange completed as the spare, unless a call is waiting
        for the pool (it would wait for a connection that sits unused), one is already kept,
        or the client was rebuilt for another event loop meanwhile (a connection belongs to
        its loop); else back to the pool."""
        if clean and self._spare is None and not self._waiting and pool is self._pool:
            self._spare = conn
        else:
            await pool.release(conn)

    async def _on_cluster(self, calls: Sequence[ScriptCall]) -> list[Any]:
        """Store._on_cluster with redis.asyncio."""
        if self._client is None and not self.breaker.allow():
            raise StoreUnavailable("circuit open")
        client = self.client
        results: list[Any] = []
        failed: StoreUnavailable | None = None
        for script, keys, args in calls:
            breaker = self.nodes.of(client, keys)
            result = None
            if not breaker.allow():
                failed = failed or StoreUnavailable("circuit open")
            else:
                try:
                    result = await self._scripts[script.name](keys=keys, args=args)
                except _ERRORS as exc:
                    breaker.failure(exc)
                    failed = StoreUnavailable(str(exc))
                else:
                    breaker.success()
            results.append(result)
        if failed is not None:
            raise failed
        return results

    async def run_many(self, calls: Sequence[ScriptCall]) -> list[Any]:
        if self._cluster:
            return await self._on_cluster(calls)
        if not self.breaker.allow():
            raise StoreUnavailable("circuit open")
        try:
            client = self.client
            if self._pool is not None:
                results = await self._exchange(calls)
                _raise_first_error(results)
                self.breaker.success()
                return results
            results = await _evalsha_all(client.pipeline(transaction=False), calls).execute(
                raise_on_error=False
            )
            missing = [i for i, r in enumerate(results) if isinstance(r, NoScriptError)]
            if missing:
                for script in {calls[i][0] for i in missing}:
                    await client.script_load(script.source)
                retry = _evalsha_all(client.pipeline(transaction=False), [calls[i] for i in missing])
                for i, r in zip(missing, await retry.execute(raise_on_error=False), strict=True):
                    results[i] = r
            _raise_first_error(results)
        except _ERRORS as exc:
            self.breaker.failure(exc)
            raise StoreUnavailable(str(exc)) from exc
        self.breaker.success()
        return list(results)


# What the asyncio pool asks a connection before handing it out: can_read() since redis-py 8
# (can_read_destructive() is deprecated there), can_read_destructive() before.
_ASYNC_CAN_READ = "can_read" if hasattr(redis.asyncio.Connection, "can_read") else "can_read_destructive"


def _packed(calls: Sequence[ScriptCall]) -> list[bytes]:
    return [b"".join(pack_evalsha(script.sha_bytes, keys, args) for script, keys, args in calls)]


class _Once:
    """A callable (or None) that runs at most once, however often it is called."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[[], None] | None) -> None:
        self.fn = fn

    def __call__(self) -> None:
        fn, self.fn = self.fn, None
        if fn is not None:
            fn()


def _send_and_read(conn: Any, calls: Sequence[ScriptCall]) -> list[Any]:
    conn.send_packed_command(_packed(calls), check_health=False)
    return _read(conn, calls)


def _read(conn: Any, calls: Sequence[ScriptCall]) -> list[Any]:
    results: list[Any] = []
    for _ in calls:
        try:
            results.append(conn.read_response())
        except redis.exceptions.ResponseError as exc:  # an error reply: the connection is fine
            results.append(exc)
    return results


# The plain connections and the parser whose replies _read_direct may read in their place.
_DIRECT_CONNECTIONS = (redis.connection.Connection, redis.connection.UnixDomainSocketConnection)
_RESP2_PARSER: Any = getattr(getattr(redis, "_parsers", None), "_RESP2Parser", None)


def _direct(conn: Any) -> bool:
    """True when the replies on ``conn`` can be read straight from its socket: a plain TCP or
    Unix connection (not TLS, not Sentinel's), RESP2, redis-py's pure-Python parser with
    nothing buffered. With hiredis installed, redis-py's own reader is C and is used."""
    if type(conn) not in _DIRECT_CONNECTIONS or getattr(conn, "protocol", 2) not in (2, "2", None):
        return False
    parser = conn._parser
    if type(parser) is not _RESP2_PARSER or conn._sock is None:
        return False
    buffer = parser._buffer
    return buffer is None or not buffer.unread_bytes()


class _Incomplete(Exception):
    """More bytes are needed to parse a reply."""


def _read_direct(conn: Any, count: int) -> list[Any]:
    """The replies to ``count`` commands just sent on ``conn``, read from its socket and parsed
    here: redis-py's pure-Python reader costs ~25-40 us per pre-view reply inside a request
    (a readline and a read through its buffer per field), this ~10. Error replies become
    redis-py's exceptions: a ResponseError in its place, a connection-level one raised (and the
    connection dropped), as redis-py does; a timeout, a reset or the end of the stream drop
    the connection and raise redis-py's TimeoutError or ConnectionError."""
    sock, data, results = conn._sock, b"", None
    try:
        while results is None:
            data, results = _fed(data, sock.recv(65536), count, conn)
        return results
    except TimeoutError:
        conn.disconnect()
        raise redis.exceptions.TimeoutError("Timeout reading from socket") from None
    except RedisError:  # a connection-level error reply, a protocol error, the end of the stream
        conn.disconnect()
        raise
    except OSError as exc:
        conn.disconnect()
        raise redis.exceptions.ConnectionError(f"Error while reading from socket: {exc.args}") from exc
    except BaseException:
        conn.disconnect()
        raise


def _fed(data: bytes, chunk: bytes, count: int, conn: Any) -> tuple[bytes, list[Any] | None]:
    """``data`` with ``chunk`` read after it, and the ``count`` replies it holds (None: not
    all of them yet). An empty chunk is the end of the stream."""
    if not chunk:
        raise redis.exceptions.ConnectionError("Connection closed by server.")
    data += chunk
    try:
        return data, _replies(data, count, conn)
    except _Incomplete:
        return data, None


def _replies(data: bytes, count: int, conn: Any) -> list[Any]:
    """The ``count`` replies ``data`` holds (_Incomplete: it holds less); garbage or more than
    them is redis-py's InvalidResponse."""
    try:
        results, pos = [], 0
        for _ in range(count):
            value, pos = _resp(data, pos, conn)
            results.append(value)
    except (_Incomplete, RedisError):
        raise
    except Exception as exc:  # garbage (a length that is no number): the breaker's error
        raise redis.exceptions.InvalidResponse(f"Protocol Error: {exc}") from exc
    if pos != len(data):
        raise redis.exceptions.InvalidResponse("more data than the replies expected")
    return results


def _resp(data: bytes, pos: int, conn: Any) -> tuple[Any, int]:
    """One RESP2 value of ``data`` at ``pos``, and where the next one starts."""
    end = data.find(b"\r\n", pos)
    if end < 0:
        raise _Incomplete
    start = pos
    kind, line, pos = data[pos], data[pos + 1 : end], end + 2
    if kind == 36:  # $ bulk string
        n = int(line)
        if n < 0:
            return None, pos
        if len(data) < pos + n + 2:
            raise _Incomplete
        return data[pos : pos + n], pos + n + 2
    if kind == 42:  # * array
        n = int(line)
        if n < 0:
            return None, pos
        items = []
        for _ in range(n):
            value, pos = _resp(data, pos, conn)
            items.append(value)
        return items, pos
    if kind == 58:  # : integer
        return int(line), pos
    if kind == 43:  # + simple string
        return line, pos
    if kind == 45:  # - error
        error = conn._parser.parse_error(line.decode("utf-8", "replace"))
        if isinstance(error, redis.exceptions.ConnectionError):
            raise error
        return error, pos
    raise redis.exceptions.InvalidResponse(f"Protocol Error: {data[start:end]!r}")


_ADIRECT_CONNECTIONS = (redis.asyncio.Connection, redis.asyncio.UnixDomainSocketConnection)
_ARESP2_PARSER: Any = getattr(getattr(redis, "_parsers", None), "_AsyncRESP2Parser", None)
if sys.version_info >= (3, 11, 3):
    from asyncio import timeout as _async_timeout
else:  # redis-py depends on async-timeout there
    from async_timeout import timeout as _async_timeout


def _adirect(conn: Any) -> bool:
    """_direct for redis.asyncio: a plain connection, RESP2, redis-py's pure-Python parser
    with nothing of its own buffered (the stream's buffer is read as the replies' start)."""
    if type(conn) not in _ADIRECT_CONNECTIONS or getattr(conn, "protocol", 2) not in (2, "2", None):
        return False
    parser = conn._parser
    if type(parser) is not _ARESP2_PARSER or conn._reader is None:
        return False
    return not parser._buffer and not parser._chunks


async def _aread_direct(conn: Any, count: int) -> list[Any]:
    """_read_direct for redis.asyncio: redis-py's reader awaits a readline or a read of the
    stream per field (~47 us for the pre-view reply already there), this ~12; the same
    errors, within the connection's socket_timeout as redis-py reads."""
    reader, data, results = conn._reader, b"", None
    try:
        async with _async_timeout(conn.socket_timeout):
            while results is None:
                data, results = _fed(data, await reader.read(65536), count, conn)
        return results
    except asyncio.TimeoutError:
        await conn.disconnect(nowait=True)
        raise redis.exceptions.TimeoutError("Timeout reading from socket") from None
    except RedisError:
        await conn.disconnect(nowait=True)
        raise
    except OSError as exc:
        await conn.disconnect(nowait=True)
        raise redis.exceptions.ConnectionError(f"Error while reading from socket: {exc.args}") from exc
    except BaseException:
        await conn.disconnect(nowait=True)
        raise


async def _asend(conn: Any, calls: Sequence[ScriptCall]) -> None:
    writer = getattr(conn, "_writer", None)
    if writer is not None and conn.is_connected:
        # A write of a few KB goes to the socket at once: redis.asyncio's send_packed_command
        # would wrap it in asyncio.wait_for (a task and a timer per call, ~20 us); the reply
        # is read within socket_timeout all the same, and a dead connection fails it.
        writer.writelines(_packed(calls))
    else:
        await conn.send_packed_command(_packed(calls), check_health=False)


async def _aread(conn: Any, calls: Sequence[ScriptCall]) -> list[Any]:
    results: list[Any] = []
    for _ in calls:
        try:
            results.append(await conn.read_response())
        except redis.exceptions.ResponseError as exc:
            results.append(exc)
    return results


async def _asend_and_read(conn: Any, calls: Sequence[ScriptCall]) -> list[Any]:
    await _asend(conn, calls)
    return await _aread(conn, calls)


def _evalsha_all(pipe: Any, calls: Sequence[ScriptCall]) -> Any:
    for script, keys, args in calls:
        pipe.evalsha(script.sha, len(keys), *keys, *args)
    return pipe


def _log_carried(results: Sequence[Any]) -> None:
    """An error reply to a carried call (a bug, not an outage: the connection is fine)."""
    for r in results:
        if isinstance(r, Exception):
            logger.warning("smartlayer: a call sent with the pre-view script failed: %s", r)


def _raise_first_error(results: Sequence[Any]) -> None:
    for r in results:
        if isinstance(r, Exception):
            raise r


def persistence() -> bool | None:
    """Whether Redis persists data (RDB save points or AOF); None when CONFIG is refused."""
    client = get_store().client
    try:
        cfg = client.config_get("save")
        cfg.update(client.config_get("appendonly"))
    except redis.exceptions.ResponseError:
        return None  # managed services often disable CONFIG
    except _ERRORS as exc:
        raise StoreUnavailable(str(exc)) from exc
    values = {_text(k): _text(v) for k, v in cfg.items()}
    return bool(values.get("save", "").strip()) or values.get("appendonly") == "yes"


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


_lock = threading.Lock()
_stores: dict[str, Any] = {}


def _get(kind: str) -> Any:
    store = _stores.get(kind)
    if store is None:
        with _lock:
            if not _stores:
                cfg = get_config()
                breaker = Breaker(cfg.breaker_threshold, cfg.breaker_cooldown)
                nodes = NodeBreakers(breaker)
                _stores.update(sync=Store(cfg, breaker, nodes), async_=AsyncStore(cfg, breaker, nodes))
            store = _stores[kind]
    return store


def get_store() -> Store:
    """The process-wide synchronous store for the current settings."""
    return _get("sync")  # type: ignore[no-any-return]


def get_async_store() -> AsyncStore:
    """The process-wide asynchronous store for the current settings."""
    return _get("async_")  # type: ignore[no-any-return]


def reset() -> None:
    """Forget the stores (settings changed); the next request builds new ones."""
    with _lock:
        _stores.clear()
