"""Why the ASGI rows move: one Redis call on the event loop, with and without a thread
that has just done some work, as Django's ASGIHandler leaves one before the middleware runs.

    python benchmarks/asgi_threads.py [--calls 2000] [--redis-url URL]
    taskset -c 0 python benchmarks/asgi_threads.py      # this process on one CPU

Django's ASGIHandler opens a ThreadSensitiveContext per request; the ``request_started``
signal's sync receivers run on a new executor thread of that context, and the middleware
runs right after that thread hands its result back. This times, in one process and
alternated, a redis-py ``PING`` and smartlayer's pre-view script (the full stack's call for a
signed-in user, built by the engine) through ``AsyncStore.run``:

- ``alone``: on the event loop, no other thread;
- ``after a thread``: inside a ThreadSensitiveContext, right after a ``sync_to_async`` call
  (a new thread per call, as in a request);
- ``after a thread, 300 us later``: the same with the thread given time to go idle.

Medians of --calls calls each, three repetitions. Nothing here asserts a duration.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks import overhead
from benchmarks.bench_settings import BROWSER, PATH


def _noop() -> None:
    pass


def pre_view_call(features: frozenset[str] | None = None) -> tuple[Any, list[str], list[Any]]:
    """The pre-view script call of the default FEATURES for one signed-in user."""
    from django.test import RequestFactory

    from benchmarks.bench_site import BenchUser
    from smartlayer import lua
    from smartlayer.conf import get_config
    from smartlayer.engine import Engine

    cfg = get_config()
    engine = Engine(cfg, features or cfg.features)
    request = RequestFactory().get(PATH, HTTP_USER_AGENT=BROWSER)
    prepared = engine.prepare(request, BenchUser(7_000_001))
    assert prepared is not None
    return lua.PRE_REQUEST, prepared.keys, prepared.args


async def _timed(fn: Any, mode: str) -> int:
    from asgiref.sync import ThreadSensitiveContext, sync_to_async

    if mode == "alone":
        t0 = time.perf_counter_ns()
        await fn()
        return time.perf_counter_ns() - t0
    async with ThreadSensitiveContext():
        await sync_to_async(_noop)()
        if mode == "later":
            time.sleep(0.0003)  # noqa: ASYNC251 - on purpose: the loop stays busy, the thread idles
        t0 = time.perf_counter_ns()
        await fn()
        took = time.perf_counter_ns() - t0
        await sync_to_async(_noop)()
    return took


async def _median_us(fn: Any, mode: str, calls: int) -> float:
    return statistics.median([await _timed(fn, mode) for _ in range(calls)]) / 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--redis-url", default=overhead.URL)
    args = parser.parse_args(argv)
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    overhead.configure(args.redis_url, prefix)
    import redis
    import redis.asyncio
    from django.conf import settings

    from benchmarks.bench_settings import smartlayer_settings
    from smartlayer import store
    from smartlayer.conf import get_config

    settings.SMART_MIDDLEWARE = smartlayer_settings(args.redis_url, prefix, None)
    get_config.cache_clear()
    store.reset()
    script, keys, call_args = pre_view_call()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    ping_client = redis.asyncio.Redis.from_url(args.redis_url, protocol=2)
    astore = store.get_async_store()
    fns = {
        "PING (redis.asyncio)": ping_client.ping,
        "pre-view script (AsyncStore.run)": lambda: astore.run(script, keys, call_args),
    }
    modes = {"alone": "alone", "after a thread": "after", "after a thread, 300 us later": "later"}
    print(overhead.machine(redis.Redis.from_url(args.redis_url), args.redis_url))
    print(f"\nmedian µs per call, {args.calls} calls each, three repetitions\n")
    print("| call | " + " | ".join(modes) + " |")
    print("|---|" + "---:|" * len(modes))
    try:
        for fn in fns.values():
            loop.run_until_complete(_median_us(fn, "alone", 200))  # warm up
        results: dict[str, dict[str, list[float]]] = {n: {m: [] for m in modes} for n in fns}
        for _ in range(3):
            for name, fn in fns.items():
                for label, mode in modes.items():
                    results[name][label].append(loop.run_until_complete(_median_us(fn, mode, args.calls)))
        for name in fns:
            cells = [" / ".join(f"{x:.0f}" for x in results[name][label]) for label in modes]
            print(f"| {name} | " + " | ".join(cells) + " |")
    finally:
        server = redis.Redis.from_url(args.redis_url)
        for key in server.scan_iter(match=f"{prefix}*", count=1000):
            server.delete(key)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
