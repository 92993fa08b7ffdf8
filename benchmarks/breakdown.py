"""Where smartlayer's per-request time goes: the parts of one request, timed one by one.

    python benchmarks/breakdown.py [--requests 2000] [--redis-url URL]

A companion to overhead.py (same settings, users and limits). For the middleware with
FEATURES=["ratelimit"] (b) and with the default FEATURES (c) it times, each part alone and as
a median: building the pre-request call in Python, packing it with redis-py, the whole
EVALSHA through smartlayer's store, the script's execution inside Redis (INFO commandstats),
reading the reply, and adding the response headers. It then times the script's sections
apart inside Redis, and what a few Lua operations cost in this Redis. Calls rotate over
--requests users, each with state from earlier calls and far from any limit or burst rule.
The parts are measured alone, so they need not add up exactly to overhead.py's figures.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks import overhead
from benchmarks.bench_settings import smartlayer_settings


def median_us(fn: Callable[[], Any], n: int) -> float:
    clock, timings = time.perf_counter_ns, []
    for _ in range(n):
        t0 = clock()
        fn()
        timings.append(clock() - t0)
    return statistics.median(timings) / 1000


def script_us(server: Any, fn: Callable[[], Any], n: int) -> tuple[float, float]:
    """Mean microseconds per EVALSHA inside Redis while fn runs n times, and the part of it
    spent in the Redis commands the script runs (commandstats keeps totals, not medians)."""
    before = server.info("commandstats")
    for _ in range(n):
        fn()
    after = server.info("commandstats")
    usec = {k: v["usec"] - before.get(k, {"usec": 0})["usec"] for k, v in after.items()}
    calls = after["cmdstat_evalsha"]["calls"] - before.get("cmdstat_evalsha", {"calls": 0})["calls"]
    inner = sum(v for k, v in usec.items() if k not in ("cmdstat_evalsha", "cmdstat_info"))
    return usec["cmdstat_evalsha"] / max(1, calls), inner / max(1, calls)


# Lua operations the sections do many times per call, 1000 times each.
LUA_OPS = {
    "build a field name from a number ('t' .. i)": "local s for i = 1, 1000 do s = 't' .. i end",
    "concatenate two strings ('t' .. x)": "local s, x = nil, 'x' for i = 1, 1000 do s = 't' .. x end",
    "string.format('%.0f', n)": "local s for i = 1, 1000 do s = string.format('%.0f', i * 1048576) end",
    "tonumber('123')": "local s for i = 1, 1000 do s = tonumber('123') end",
    "math.floor(i / 7)": "local s for i = 1, 1000 do s = math.floor(i / 7) end",
    "append to a table": "local t = {} for i = 1, 1000 do t[#t + 1] = i end",
}


def lua_costs(server: Any, n: int) -> dict[str, float]:
    """µs per 1000 operations inside Redis, less an empty script's cost."""
    costs = {}
    for name, body in {"(empty)": "", **LUA_OPS}.items():
        sha = server.script_load(body + " return 1")
        costs[name] = script_us(server, lambda sha=sha: server.evalsha(sha, 0), max(50, n // 10))[0]
    empty = costs.pop("(empty)")
    return {name: us - empty for name, us in costs.items()}


def middleware(redis_url: str, prefix: str, features: list[str] | None) -> Any:
    from django.conf import settings
    from django.http import HttpResponse

    from smartlayer.conf import get_config
    from smartlayer.middleware import SmartLayerMiddleware

    settings.SMART_MIDDLEWARE = smartlayer_settings(redis_url, prefix, features)
    get_config.cache_clear()
    return SmartLayerMiddleware(lambda request: HttpResponse("ok"))


class Rotation:
    """Requests (and their prepared calls) for users no other step has seen."""

    def __init__(self, mw: Any, first_pk: int, n: int) -> None:
        from django.core.handlers.wsgi import WSGIRequest

        from benchmarks.bench_site import BenchUser

        env = overhead.Requests(1)
        self.requests = []
        for pk in range(first_pk, first_pk + n):
            request = WSGIRequest(env.environ("plain"))
            request.user = BenchUser(pk)
            self.requests.append(request)
        self.prepared = [mw._prepare_sync(r) for r in self.requests]
        self.i = -1

    def next(self) -> Any:
        self.i = (self.i + 1) % len(self.prepared)
        return self.prepared[self.i]


def only(prepared: Any, sections: tuple[str, ...]) -> tuple[list[str], list[Any]]:
    """The keys and args of a pre-request call reduced to some of its sections."""
    keys, args, k, a = [], [prepared.args[0]], 0, 1
    while a < len(prepared.args):
        name, nkeys, nargs = prepared.args[a : a + 3]
        if name in sections:
            keys += prepared.keys[k : k + nkeys]
            args += prepared.args[a : a + 3 + nargs]
        a, k = a + 3 + nargs, k + nkeys
    return keys, args


def validator_overlap(mw: Any, store: Any, first_pk: int, n: int) -> dict[str, float]:
    """The validator on a 2 KB JSON POST, run before sending the pre-request call (as up to
    0.2) and while Redis works on it (store.run's ``meanwhile``, as now): medians of the two,
    alternated call by call so that both see the same machine."""
    from functools import partial

    from django.core.handlers.wsgi import WSGIRequest

    from benchmarks.bench_site import BenchUser
    from benchmarks.suite import json_body
    from smartlayer import lua

    body = json_body(2048)
    env = overhead.Requests(1)
    pairs = []
    for pk in range(first_pk, first_pk + n):
        environ = env.environ("plain")
        environ.update(REQUEST_METHOD="POST", CONTENT_TYPE="application/json", CONTENT_LENGTH=str(len(body)))
        environ["wsgi.input"] = io.BytesIO(body)
        request = WSGIRequest(environ)
        request.user = BenchUser(pk)
        request.body  # noqa: B018 - read once, as the validator's first look would
        pairs.append((request, mw._prepare_sync(request)))
    engine, clock = mw.engine, time.perf_counter_ns
    before: list[int] = []
    meanwhile: list[int] = []
    alone: list[int] = []
    for _request, p in pairs:  # every user has state, as in a real run
        store.run(lua.PRE_REQUEST, p.keys, p.args)
    for i in range(2 * n):
        request, p = pairs[i % n]
        t0 = clock()
        if i % 2:
            engine.validate(p, request)
            store.run(lua.PRE_REQUEST, p.keys, p.args)
            before.append(clock() - t0)
        else:
            store.run(lua.PRE_REQUEST, p.keys, p.args, partial(engine.validate, p, request))
            meanwhile.append(clock() - t0)
        t0 = clock()
        engine.validate(p, request)
        alone.append(clock() - t0)
        assert p.inspection is not None and p.inspection.verdict == "allow"
    return {
        k: statistics.median(v) / 1000
        for k, v in (("before", before), ("meanwhile", meanwhile), ("alone", alone))
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="calls per figure")
    parser.add_argument("--redis-url", default=overhead.URL)
    args = parser.parse_args()
    n = args.requests
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    overhead.configure(args.redis_url, prefix)
    import redis
    from django.http import HttpResponse

    from smartlayer import lua
    from smartlayer.store import get_store, pack_evalsha

    server = redis.Redis.from_url(args.redis_url, protocol=2)
    try:
        mws = {
            "b": middleware(args.redis_url, prefix, ["ratelimit"]),
            "c": middleware(args.redis_url, prefix, None),
        }
        store = get_store()
        client = store.client
        rows: dict[str, dict[str, str]] = {}
        pk = 10_000_000
        for label, mw in mws.items():
            rot = Rotation(mw, pk, n)
            pk += n * 10
            p = rot.prepared[0]
            request = rot.requests[0]
            sha = lua.PRE_REQUEST.sha_bytes
            pack = median_us(lambda p=p, sha=sha: pack_evalsha(sha, p.keys, p.args), n)
            store.run(lua.PRE_REQUEST, p.keys, p.args)  # loads the script if needed

            def call(rot: Rotation = rot) -> Any:
                q = rot.next()
                return store.run(lua.PRE_REQUEST, q.keys, q.args)

            for _ in range(n):  # every user has state, as in a real run
                call()
            whole = median_us(call, n)
            in_redis = script_us(server, call, n)[0]
            replies = store.run(lua.PRE_REQUEST, p.keys, p.args)
            outcome = mw.engine.decide(p, replies)
            prepare = median_us(lambda mw=mw, r=request: mw._prepare_sync(r), n)
            decide = median_us(lambda mw=mw, o=p, r=replies: mw.engine.decide(o, r), n)
            # a new response each time (headers already set are kept), less its own cost
            with_headers = median_us(lambda mw=mw, o=outcome: mw._finish(HttpResponse("ok"), o), n)
            headers = with_headers - median_us(lambda: HttpResponse("ok"), n)
            rows[label] = {
                "keys + args sent": f"{len(p.keys)} + {len(p.args)}",
                "prepare: identity, rule, keys, args (Python)": f"{prepare:.0f}",
                "one EVALSHA through store.run, all of it": f"{whole:.0f}",
                "... of which packing the command (smartlayer's packer)": f"{pack:.0f}",
                "... of which Redis runs the script (commandstats)": f"{in_redis:.0f}",
                "decide: read the reply (Python)": f"{decide:.0f}",
                "response headers (Python)": f"{headers:.0f}",
            }
        overlap = validator_overlap(mws["c"], store, pk + n * 20, n)
        ping_py: list[int] = []
        ping_raw: list[int] = []
        overhead.ping_redis_py(client, n, ping_py)
        overhead.ping_raw(client, n, ping_raw)

        sections: dict[str, tuple[float, float]] = {}
        rot = Rotation(mws["c"], pk, n)
        for q in rot.prepared:  # every user has state, as in a real run
            store.run(lua.PRE_REQUEST, q.keys, q.args)
        for parts in (("ban",), ("ban", "ratelimit"), ("ban", "anomaly"), ("ban", "anomaly", "ratelimit")):

            def section_call(rot: Rotation = rot, parts: tuple[str, ...] = parts) -> Any:
                return store.run(lua.PRE_REQUEST, *only(rot.next(), parts))

            sections[" + ".join(parts)] = script_us(server, section_call, n)
            rot.i = -1  # the same users for every combination
        lua_ops = lua_costs(server, n)
    finally:
        for key in server.scan_iter(match=f"{prefix}*", count=1000):
            server.delete(key)

    print(f"median µs of each part alone, {n} calls each, over {n} users in rotation\n")
    print('| part | (b) FEATURES=["ratelimit"] | (c) default FEATURES |')
    print("|---|---:|---:|")
    for part in rows["b"]:
        print(f"| {part} | {rows['b'][part]} | {rows['c'][part]} |")
    print(
        f"\nRedis PING: redis-py median {statistics.median(ping_py) / 1000:.0f} µs; bare socket on a "
        f"pooled connection median {statistics.median(ping_raw) / 1000:.0f} µs"
    )
    print(
        f"\nThe validator on a 2 KB JSON POST (default FEATURES), {n} calls each, alternated: "
        f"validating alone {overlap['alone']:.0f} µs; validating then the EVALSHA "
        f"{overlap['before']:.0f} µs; the EVALSHA with validating while Redis works "
        f"{overlap['meanwhile']:.0f} µs (hidden: {overlap['before'] - overlap['meanwhile']:.0f} µs)"
    )
    print("\nThe pre-request script inside Redis, by sections run (µs per call, commandstats):\n")
    for parts_name, (us, inner) in sections.items():
        print(f"- {parts_name}: {us:.0f}, of which its Redis commands {inner:.0f}")
    print("\nLua in this Redis, µs per 1000 operations (EVALSHA time less an empty script's):\n")
    for op, us in lua_ops.items():
        print(f"- {op}: {us:.0f}")


if __name__ == "__main__":
    main()
