"""The benchmark suite of issue 8: smartlayer's cost per request, feature by feature, beside
bare Django and its peers, sync and async, with the budget's counts, in one run.

    python benchmarks/suite.py [--quick] [--json results.json] [--redis-url URL]

One process, one real Redis. Every variant answers the same path with the same body through
Django's own handler, called in-process: WSGIHandler with a prepared environ, or ASGIHandler
driven by asyncio with a prepared scope (async-only middleware and an async view: none of them
runs on a worker thread, though Django's ASGIHandler runs its own sync signal receivers on a
thread of a per-request executor, in bare Django too). Variants run interleaved in rounds,
in a shuffled order per round, each over its own users (or client addresses) in rotation
so that nothing is ever refused. The unit of cost is one Redis round trip as a request pays it:
the overhead of a variant whose middleware makes one redis-py PING per request (a PING timed
in a tight loop, in the same rounds, is reported too; on a virtual machine it is the cheaper).

Counted in a separate, instrumented phase (never while timing), per request: Redis round
trips and commands sent on the client (sync and asyncio redis-py), commands executed on the
server (INFO commandstats deltas, including the commands Lua scripts run; the quietest of up
to six tries, stopping when two agree), SQL queries (CaptureQueriesContext) and threads
started (Thread.start calls; threading.active_count before and after is in the JSON).

Then: the validator's cost per KB of benign JSON, Redis memory per active identity
(benchmarks/memory.py) and the daily report's build time for 10k and 1M simulated requests
(when smartlayer.monitor and smartlayer.reports exist). Markdown on stdout; --json writes the
same figures. Nothing here asserts a duration.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import io
import json
import math
import os
import random
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks import overhead
from benchmarks.bench_settings import BROWSER, LIMITS, PATH, PLAN, smartlayer_settings

HERE = Path(__file__).resolve().parent
BENIGN = HERE / "data" / "validator" / "dev" / "benign_normal.jsonl"
PER_USER_PER_ROUND = 10  # as overhead.py: far below 1000/minute and the burst rules
MODES = {
    # timed requests per variant, rounds, warm-up, counted per try, validator repeats,
    # simulated day sizes for the report
    "full": {"requests": 5000, "rounds": 5, "warmup": 200, "counted": 200, "repeats": 300},
    "quick": {"requests": 400, "rounds": 2, "warmup": 40, "counted": 40, "repeats": 30},
}
REPORT_SIZES = (10_000, 1_000_000)
SL = "smartlayer.middleware.SmartLayerMiddleware"
ALL = ["validator", "anomaly", "ratelimit", "monitor"]


# -- the requests ----------------------------------------------------------------------------


def json_body(target: int = 2048) -> bytes:
    """A realistic benign JSON body of about ``target`` bytes (support tickets, orders...
    from the validator's benign data set), the same bytes in every variant."""
    docs = []
    for line in BENIGN.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if "json" in row["content_type"]:
            try:
                docs.append(json.loads(row["body"]))
            except ValueError:
                continue
    if not docs:  # data set missing: generated prose
        docs = [{"note": f"Order {i} ships on Thursday; please confirm the address."} for i in range(200)]
    payload: dict[str, Any] = {"client": "web", "version": 3, "items": []}
    for doc in docs:
        payload["items"].append(doc)
        if len(json.dumps(payload)) >= target:
            break
    while len(json.dumps(payload)) > target and len(payload["items"]) > 1:
        payload["items"].pop()
    payload["pad"] = ""
    payload["pad"] = "x" * max(0, target - len(json.dumps(payload)))
    return json.dumps(payload).encode()


@dataclass
class Variant:
    label: str
    name: str
    kind: str  # "wsgi" | "asgi"
    app: Any
    urlconf: str
    method: str = "GET"
    anonymous: bool = False
    group: str = "smartlayer"  # "bare" | "smartlayer" | "peer"
    features: list[str] | None = None
    baseline: str = ""  # label of the bare variant it is compared with
    # state
    index: int = 0
    next: int = 0
    users: list[Any] = field(default_factory=list)
    timings: list[int] = field(default_factory=list)
    rounds: list[float] = field(default_factory=list)
    counts: dict[str, Any] = field(default_factory=dict)


class Source:
    """Environs and scopes: one path, the variant's URLconf, its own users or addresses."""

    def __init__(self, users: int, body: bytes) -> None:
        from django.contrib.auth.models import AnonymousUser

        from benchmarks.bench_site import URLCONFS

        self.n_users = users
        self.urlconfs = URLCONFS
        self.body = body
        self.anonymous = AnonymousUser()

    def assign(self, v: Variant) -> None:
        from benchmarks.bench_site import BenchUser

        base = 1_000_000 * (v.index + 1)
        v.users = [BenchUser(base + i) for i in range(self.n_users)]

    def who(self, v: Variant) -> tuple[Any, str]:
        i = v.next % self.n_users
        v.next += 1
        if v.anonymous:  # the identity is the client address
            return self.anonymous, f"10.{v.index % 256}.{i // 250}.{i % 250 + 1}"
        return v.users[i], "192.0.2.10"

    def environ(self, v: Variant, user: Any = None) -> dict[str, Any]:
        who, addr = self.who(v)
        post = v.method == "POST"
        return {
            "REQUEST_METHOD": v.method,
            "PATH_INFO": PATH,
            "QUERY_STRING": "",
            "SERVER_NAME": "bench",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": addr,
            "HTTP_HOST": "bench",
            "HTTP_USER_AGENT": BROWSER,
            "HTTP_ACCEPT": "*/*",
            **({"CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(self.body))} if post else {}),
            "wsgi.input": io.BytesIO(self.body if post else b""),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "bench.user": user if user is not None else who,
            "bench.urlconf": self.urlconfs[v.urlconf],
        }

    def scope(self, v: Variant, user: Any = None) -> dict[str, Any]:
        who, addr = self.who(v)
        headers = [(b"host", b"bench"), (b"user-agent", BROWSER.encode()), (b"accept", b"*/*")]
        if v.method == "POST":
            headers += [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(self.body)).encode()),
            ]
        return {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": v.method,
            "scheme": "http",
            "path": PATH,
            "raw_path": PATH.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": headers,
            "client": (addr, 50000),
            "server": ("bench", 80),
            "bench.user": user if user is not None else who,
            "bench.urlconf": self.urlconfs[v.urlconf],
        }


def _ok(status: str, headers: list[Any], exc_info: Any = None) -> None:
    if not status.startswith("200"):
        raise SystemExit(f"unexpected {status}: the benchmark must refuse nothing")


def run_wsgi(v: Variant, src: Source, n: int, timings: list[int] | None = None) -> None:
    app, clock = v.app, time.perf_counter_ns
    for _ in range(n):
        env = src.environ(v)
        t0 = clock()
        body = app(env, _ok)
        for _chunk in body:
            pass
        body.close()
        t1 = clock()
        if timings is not None:
            timings.append(t1 - t0)


async def _serve_asgi(app: Any, scope: dict[str, Any], body: bytes) -> tuple[int, dict[bytes, bytes]]:
    """One request through an ASGI app as a server would: the body, then a receive that
    waits (the handler listens for a disconnect and cancels it when the response is sent)."""
    loop = asyncio.get_running_loop()
    sent = [False]
    status = [0]
    headers: dict[bytes, bytes] = {}

    async def receive() -> dict[str, Any]:
        if not sent[0]:
            sent[0] = True
            return {"type": "http.request", "body": body, "more_body": False}
        await loop.create_future()  # never: cancelled by the handler
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status[0] = message["status"]
            headers.update((k.lower(), v) for k, v in message.get("headers", []))

    await app(scope, receive, send)
    return status[0], headers


async def _run_asgi(v: Variant, src: Source, n: int, timings: list[int] | None) -> None:
    app, clock = v.app, time.perf_counter_ns
    for _ in range(n):
        scope = src.scope(v)
        body = src.body if v.method == "POST" else b""
        t0 = clock()
        status, _ = await _serve_asgi(app, scope, body)
        t1 = clock()
        if status != 200:
            raise SystemExit(f"({v.label}) unexpected {status}: the benchmark must refuse nothing")
        if timings is not None:
            timings.append(t1 - t0)


LOOP: asyncio.AbstractEventLoop | None = None


def run(v: Variant, src: Source, n: int, timings: list[int] | None = None) -> None:
    if v.kind == "asgi":
        assert LOOP is not None
        LOOP.run_until_complete(_run_asgi(v, src, n, timings))
    else:
        run_wsgi(v, src, n, timings)


def policy_header(v: Variant, src: Source) -> str:
    """smartlayer's RateLimit-Policy header on one request of this variant."""
    if v.kind == "asgi":
        assert LOOP is not None
        body = src.body if v.method == "POST" else b""
        _, headers = LOOP.run_until_complete(_serve_asgi(v.app, src.scope(v), body))
        return headers.get(b"ratelimit-policy", b"").decode()
    seen: list[Any] = []
    body = v.app(src.environ(v), lambda status, headers, exc_info=None: seen.extend(headers))
    body.close()
    return dict(seen).get("RateLimit-Policy", "")


def first_refusal(v: Variant, src: Source, pk: int) -> str:
    """Requests in a row from one new user until the limiter refuses one."""
    import logging

    from benchmarks.bench_site import BenchUser

    user, status = BenchUser(pk), [""]
    limit = LIMITS[0][2]
    request_log = logging.getLogger("django.request")
    level, request_log.level = request_log.level, logging.CRITICAL
    try:
        for i in range(1, 2 * limit + 1):
            body = v.app(src.environ(v, user), lambda s, h, e=None: status.__setitem__(0, s))
            body.close()
            if not status[0].startswith("200"):
                return f"({v.label}) request {i}: {status[0]}"
    finally:
        request_log.level = level
    return f"({v.label}) none of {2 * limit}"


# -- set-up ------------------------------------------------------------------------------------


# An AI provider that refuses connections: with one configured the prompt-injection word model
# reads bodies (its point would ask the AI), without one it does not (its point could change
# nothing). The benchmark's bodies are benign, so the validator never asks it; the anomaly
# detector asks it about a few of the busiest senders, off the request path, until its circuit
# opens after a few refused connections (the "AI provider failed" lines a run prints).
AI_PROVIDER = {"AI_BASE_URL": "http://127.0.0.1:9/v1", "AI_MODEL": "bench"}


def plan_settings(
    redis_url: str, prefix: str, features: list[str] | None, lifetime: bool, ai: bool = False
) -> dict[str, Any]:
    """SMART_MIDDLEWARE: the three windows for signed-in users (plan "pro") and for anonymous
    clients (plan "anonymous"), plus a lifetime quota and an AI provider when asked."""
    raw = smartlayer_settings(redis_url, prefix, features)
    rule = {f"per_{name}": limit for name, _, limit in LIMITS}
    if lifetime:
        rule["lifetime"] = 10**9
    raw["RATE_LIMIT_PLANS"] = {PLAN: {"/api/": dict(rule)}, "anonymous": {"/api/": dict(rule)}}
    if ai:
        raw.update(AI_PROVIDER)
    return raw


def handler(kind: str, middleware: list[str], smartlayer: dict[str, Any] | None = None) -> Any:
    """A WSGI or ASGI handler with this middleware (SMART_MIDDLEWARE is read when built)."""
    from django.conf import settings
    from django.core.handlers.asgi import ASGIHandler
    from django.core.handlers.wsgi import WSGIHandler

    from smartlayer.conf import get_config

    if smartlayer is not None:
        settings.SMART_MIDDLEWARE = smartlayer
        get_config.cache_clear()
    if kind == "asgi":
        settings.MIDDLEWARE = ["benchmarks.bench_site.AsyncSetUser", *middleware]
        return ASGIHandler()
    settings.MIDDLEWARE = ["benchmarks.bench_site.SetUser", *middleware]
    return WSGIHandler()


def have_limits() -> bool:
    try:
        import limits  # noqa: F401
    except ImportError:
        return False
    return True


def build_variants(redis_url: str, prefix: str) -> list[Variant]:
    vs: list[Variant] = []

    def sl(
        label: str,
        name: str,
        kind: str,
        method: str,
        features: list[str] | None,
        *,
        anonymous: bool = False,
        lifetime: bool = False,
        ai: bool = False,
    ) -> None:
        app = handler(kind, [SL], plan_settings(redis_url, prefix, features, lifetime, ai))
        urlconf = "aplain" if kind == "asgi" else "plain"
        base = ("A" if kind == "asgi" else "") + ("bare-post" if method == "POST" else "bare-get")
        vs.append(Variant(label, name, kind, app, urlconf, method, anonymous, "smartlayer", features, base))

    for kind in ("wsgi", "asgi"):
        for method in ("GET", "POST"):
            label = ("A" if kind == "asgi" else "") + f"bare-{method.lower()}"
            urlconf = "aplain" if kind == "asgi" else "plain"
            vs.append(
                Variant(
                    label,
                    f"bare Django ({kind.upper()})",
                    kind,
                    handler(kind, []),
                    urlconf,
                    method,
                    group="bare",
                    baseline=label,
                )
            )
    # the unit of the budget: one Redis round trip made inside a request (see OneRoundTrip)
    for label, kind, mw in (("rt-get", "wsgi", "OneRoundTrip"), ("Art-get", "asgi", "AsyncOneRoundTrip")):
        urlconf = "aplain" if kind == "asgi" else "plain"
        base = "Abare-get" if kind == "asgi" else "bare-get"
        name = f"one redis-py PING per request ({kind.upper()}): the unit"
        app = handler(kind, [f"benchmarks.bench_site.{mw}"])
        vs.append(Variant(label, name, kind, app, urlconf, "GET", group="unit", baseline=base))
    for method in ("GET", "POST"):
        m = method.lower()
        for feature in ALL:
            sl(f"{feature}-{m}", f'FEATURES=["{feature}"]', "wsgi", method, [feature])
        sl(f"full-{m}", "full stack (all four features, the default)", "wsgi", method, None)
        sl(f"full-anon-{m}", "full stack, anonymous clients", "wsgi", method, None, anonymous=True)
        sl(f"full-life-{m}", "full stack + lifetime quota", "wsgi", method, None, lifetime=True)
        sl(f"Afull-{m}", "full stack (ASGI)", "asgi", method, None)
        if method == "POST":
            ai_name = "full stack + an AI provider (the word model reads the body)"
            sl("full-ai-post", ai_name, "wsgi", method, None, ai=True)
            sl("Afull-ai-post", ai_name + " (ASGI)", "asgi", method, None, ai=True)
        sl(f"Aratelimit-{m}", 'FEATURES=["ratelimit"] (ASGI)', "asgi", method, ["ratelimit"])
    peers = [
        ("django-ratelimit", "django-ratelimit, 3 decorators", [], "django-ratelimit"),
        ("drf", "DRF, 3 UserRateThrottles", [], "drf"),
        ("drf-unthrottled", "DRF APIView, no throttle (reference)", [], "drf-unthrottled"),
    ]
    if have_limits():
        peers.append(
            (
                "limits",
                "limits, 3 moving windows (RedisStorage)",
                ["benchmarks.bench_site.LimitsMovingWindow"],
                "plain",
            )
        )
    for label, name, mw, urlconf in peers:
        vs.append(
            Variant(
                label, name, "wsgi", handler("wsgi", mw), urlconf, "GET", group="peer", baseline="bare-get"
            )
        )
    for i, v in enumerate(vs):
        v.index = i
    return vs


# -- counting ----------------------------------------------------------------------------------


@contextmanager
def async_tally() -> Iterator[None]:
    """overhead.RedisTally's counts for redis.asyncio too: a round trip per write to a
    StreamWriter (redis.asyncio sends every command or pipeline with one writelines, and so
    does smartlayer's own script call), the commands read from the bytes written. Nothing
    else in the benchmark process writes to a StreamWriter."""
    import asyncio

    owner = asyncio.StreamWriter
    writelines = owner.__dict__["writelines"]

    def counted(self: Any, data: Any) -> Any:
        data = list(data)
        overhead.RedisTally.tally(data)
        return writelines(self, data)

    owner.writelines = counted  # type: ignore[method-assign]
    try:
        yield
    finally:
        owner.writelines = writelines  # type: ignore[method-assign]


@contextmanager
def thread_tally() -> Iterator[list[int]]:
    """Counts Thread.start calls while installed (started[0])."""
    started = [0]
    start = threading.Thread.start

    def counted(self: Any) -> None:
        started[0] += 1
        start(self)

    threading.Thread.start = counted  # type: ignore[method-assign]
    try:
        yield started
    finally:
        threading.Thread.start = start  # type: ignore[method-assign]


def count(v: Variant, src: Source, server: Any, n: int, tries: int = 6) -> None:
    """Counts per request from the quietest try: tries stop early when two agree exactly
    (another client of a shared server can only add commands, or force a script reload)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results: list[dict[str, Any]] = []
    seen: set[tuple[int, int]] = set()
    for _ in range(tries):
        calls0, usec0 = overhead.commandstats(server)
        active0, idents0 = threading.active_count(), {t.ident for t in threading.enumerate()}
        with (
            overhead.RedisTally.installed(),
            async_tally(),
            thread_tally() as started,
            CaptureQueriesContext(connection) as queries,
        ):
            tally = overhead.RedisTally
            trips0, sent0 = tally.round_trips, Counter(tally.sent)
            run(v, src, n)
            trips, sent = tally.round_trips - trips0, tally.sent - sent0
        active1, idents1 = threading.active_count(), {t.ident for t in threading.enumerate()}
        calls1, usec1 = overhead.commandstats(server)
        calls, usec = calls1 - calls0, usec1 - usec0
        calls.pop("info", None)
        results.append(
            {
                "executed_total": sum(calls.values()),
                "calls": calls,
                "usec": usec,
                "trips": trips,
                "sent": sent,
                "sql": len(queries.captured_queries),
                "threads_started": started[0],
                "active_delta": active1 - active0,
                "new_threads": len(idents1 - idents0),
            }
        )
        signature = (trips, sum(calls.values()))
        if signature in seen:
            break
        seen.add(signature)
    best = min(results, key=lambda r: r["executed_total"])
    calls, usec, sent = best["calls"], best["usec"], best["sent"]
    server_us = sum(usec[c] * min(1.0, sent[c] / calls[c]) for c in sent if calls[c])
    v.counts = {
        "round_trips": best["trips"] / n,
        "commands_sent": sum(sent.values()) / n,
        "commands_executed": best["executed_total"] / n,
        "server_us": server_us / n,
        "sql": best["sql"] / n,
        "threads_started": max(r["threads_started"] for r in results) / n,
        "active_threads_delta": max(r["active_delta"] for r in results),
        "by_command": {c: k / n for c, k in calls.most_common()},
        "count_tries": len(results),
        "count_agreed": len(results) < tries,
    }


# The variants whose CPU per request is measured (a few seconds more per run).
CPU_VARIANTS = (
    "bare-get", "rt-get", "ratelimit-get", "full-get", "bare-post", "full-post", "full-ai-post",
    "Abare-get", "Art-get", "Afull-get", "django-ratelimit", "drf", "limits",
)  # fmt: skip


def redis_cpu_s(server: Any) -> float:
    info = server.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def cpu_costs(vs: list[Variant], src: Source, server: Any, n: int, rounds: int, rng: random.Random) -> None:
    """CPU time per request, what a saturated server pays rather than what a request waits:
    this process's (every thread, time.process_time: Python, the kernel's work for its
    sockets, Django's executor threads under ASGI) and the Redis server's (INFO cpu, which
    counts every client of that server). Medians over interleaved rounds, never timed with
    the instrumented counting."""
    chosen = [v for v in vs if v.label in CPU_VARIANTS]
    samples: dict[str, list[tuple[float, float]]] = {v.label: [] for v in chosen}
    for _ in range(rounds):
        rng.shuffle(chosen)
        for v in chosen:
            r0, p0 = redis_cpu_s(server), time.process_time()
            run(v, src, n)
            p1, r1 = time.process_time(), redis_cpu_s(server)
            samples[v.label].append(((p1 - p0) / n * 1e6, (r1 - r0) / n * 1e6))
        gc.collect()
    for v in chosen:
        v.counts["cpu_process_us"] = statistics.median(a for a, _ in samples[v.label])
        v.counts["cpu_redis_us"] = statistics.median(b for _, b in samples[v.label])


# -- statistics --------------------------------------------------------------------------------


def pct_us(values: list[int], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] / 1000


def med_us(values: list[int]) -> float:
    return statistics.median(values) / 1000


# -- extra figures -----------------------------------------------------------------------------


def validator_per_kb(repeats: int) -> list[dict[str, Any]]:
    """smartlayer.validator.inspect on benign JSON of 1, 2, 8 and 32 KB: median µs."""
    from smartlayer import validator

    rows = []
    for kb in (1, 2, 8, 32):
        body = json_body(kb * 1024)
        found = validator.inspect(body, "application/json")
        clock, timings = time.perf_counter_ns, []
        for _ in range(repeats):
            t0 = clock()
            validator.inspect(body, "application/json")
            timings.append(clock() - t0)
        us = med_us(timings)
        rows.append(
            {
                "kb": kb,
                "bytes": len(body),
                "median_us": us,
                "us_per_kb": us / (len(body) / 1024),
                "p90_us": pct_us(timings, 0.9),
                "verdict": found.verdict,
                "score": found.score,
            }
        )
    return rows


def memory_per_identity(redis_url: str) -> dict[str, Any]:
    from benchmarks import memory

    rows = memory.measure(redis_url)
    return {
        "keys": [dict(zip(("key", "type", "members", "bytes"), r, strict=True)) for r in rows],
        "per_identity_bytes": sum(r[3] for r in rows if not r[0].startswith("sl:mon:")),
        "total_bytes": sum(r[3] for r in rows),
    }


class DaySimulator:
    """Synthetic traffic of one local day and the aggregates monitor.lua would write for it:
    30 routes (Zipf-like), ~4% 4xx, ~1% 5xx, ~1% refused, log-normal latencies, 5000
    identities; the same seed gives the same requests."""

    ROUTES = [f"/api/v1/resource{i}/<int:pk>" for i in range(30)]
    REASONS = ("rate_limit", "validator", "anomaly")

    def __init__(self, day_start_ms: int, n: int, seed: int = 7) -> None:
        self.start, self.n, self.seed = day_start_ms, n, seed
        self.weights = [1 / (i + 1) for i in range(len(self.ROUTES))]

    def requests(self) -> Iterator[tuple[int, str, int, float, str | None, str]]:
        rng = random.Random(self.seed)
        routes = rng.choices(self.ROUTES, self.weights, k=self.n)
        step = 86_400_000 / self.n
        for i in range(self.n):
            roll = rng.random()
            reason = None
            if roll < 0.01:
                reason, status = self.REASONS[i % 3], (429 if i % 3 == 0 else 403)
            elif roll < 0.02:
                status = 500
            elif roll < 0.06:
                status = 404
            else:
                status = 200
            latency = rng.lognormvariate(3.0, 0.8)  # ms, median ~20
            who = (
                f"u:{rng.randrange(5000)}"
                if reason is None
                else f"ip:10.0.{rng.randrange(200)}.{rng.randrange(250)}"
            )
            yield int(self.start + i * step), routes[i], status, latency, reason, who

    def aggregates(self) -> tuple[dict[str, int], dict[str, float]]:
        """The counters hash and offenders set, as monitor.lua lays them out."""
        from smartlayer import monitor

        h: Counter[str] = Counter()
        z: dict[str, float] = {}
        for now_ms, route, status, latency, reason, who in self.requests():
            _, hour = monitor.local_day(now_ms)
            err = status >= 400
            b = monitor.bucket(latency)
            h["t"] += 1
            h[f"s:{min(max(status // 100, 1), 5)}xx"] += 1
            h[f"l:{b}"] += 1
            h[f"h:{hour}"] += 1
            if err:
                h[f"he:{hour}"] += 1
            if h[f"r:{route}"] == 0:
                h["nr"] += 1
            h[f"r:{route}"] += 1
            if err:
                h[f"re:{route}"] += 1
            h[f"rs:{route}"] += int(latency * 1000)
            h[f"rl:{b}:{route}"] += 1
            if reason:
                h[f"b:{reason}"] += 1
                h[f"hb:{hour}"] += 1
                z[who] = z.get(who, 0) + 1
                if z[who] == 1 and len(z) > monitor.MAX_OFFENDERS:
                    low = sorted(z.items(), key=lambda kv: (kv[1], kv[0]))[:2]
                    victim, c = low[0] if low[0][0] != who else low[1]
                    del z[victim]
                    z[who] += c
        return dict(h), z


def report_times(redis_url: str, repeats: int) -> dict[str, Any]:
    """The daily report's cost against the day's size: 10k requests fed through the monitor's
    own record path (monitor.lua in pipelines), 1M written directly as monitor.lua lays the
    aggregates out (checked equal to the script's for the 10k day)."""
    try:
        from smartlayer import monitor, reports
    except ImportError:
        return {"available": False}
    if not (hasattr(monitor, "record") and hasattr(monitor, "day_stats") and hasattr(reports, "build")):
        return {"available": False}
    from datetime import datetime, timedelta

    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from smartlayer.conf import get_config
    from smartlayer.keys import Keys
    from smartlayer.store import get_store

    prefix = f"rep-{uuid.uuid4().hex[:8]}"
    saved = settings.SMART_MIDDLEWARE
    settings.SMART_MIDDLEWARE = {**saved, "KEY_PREFIX": prefix}
    get_config.cache_clear()
    cfg, store = get_config(), get_store()
    keys = Keys(cfg.key_prefix)
    client = store.client
    out: dict[str, Any] = {"available": True, "days": []}
    try:
        migrated = True
        try:
            call_command("migrate", verbosity=0, interactive=False)
        except Exception as exc:  # noqa: BLE001 - reported
            migrated, out["migrate_error"] = False, f"{type(exc).__name__}: {exc}"
        tz = timezone.get_default_timezone()
        base = datetime(2026, 1, 12, tzinfo=tz)
        for k, n in enumerate(REPORT_SIZES):
            day = (base + timedelta(days=k)).date()
            start_ms = int(datetime(day.year, day.month, day.day, tzinfo=tz).timestamp() * 1000)
            sim = DaySimulator(start_ms, n, seed=7 + k)
            row: dict[str, Any] = {"requests": n, "date": day.isoformat()}
            t0 = time.perf_counter()
            if n <= 10_000:  # through the monitor's record path, in pipelines of 500
                batch: list[Any] = []
                for now_ms, route, status, latency, reason, who in sim.requests():
                    batch += monitor.record(
                        cfg,
                        keys,
                        now_ms=now_ms,
                        route=route,
                        status=status,
                        latency_ms=latency,
                        reason=reason,
                        identity_key=who,
                        method="GET",
                    )
                    if len(batch) >= 500:
                        store.run_many(batch)
                        batch = []
                if batch:
                    store.run_many(batch)
                row["fed_by"] = "monitor.record + monitor.lua, pipelined"
                counters, offenders = keys.monitor_day(day.isoformat(), 0)
                expected_h, expected_z = sim.aggregates()
                got_h = {f.decode(): int(v) for f, v in client.hgetall(counters).items()}
                got_z = {m.decode(): s for m, s in client.zrange(offenders, 0, -1, withscores=True)}
                row["layout_check"] = "same" if (got_h == expected_h and got_z == expected_z) else "DIFFERENT"
            else:  # written directly, laid out as monitor.lua does
                h, z = sim.aggregates()
                counters, offenders = keys.monitor_day(day.isoformat(), 0)
                items = list(h.items())
                pipe = client.pipeline(transaction=False)
                for i in range(0, len(items), 1000):
                    pipe.hset(counters, mapping=dict(items[i : i + 1000]))
                if z:
                    pipe.zadd(offenders, z)
                ttl = monitor.ttl_seconds(cfg)
                pipe.expire(counters, ttl)
                pipe.expire(offenders, ttl)
                pipe.execute()
                row["fed_by"] = "aggregates written directly (monitor.lua's layout)"
            row["feed_s"] = time.perf_counter() - t0
            counters, offenders = keys.monitor_day(day.isoformat(), 0)
            row["hash_fields"] = client.hlen(counters)
            row["offenders"] = client.zcard(offenders)
            row["hash_bytes"] = client.memory_usage(counters, samples=0)
            timings = []
            for _ in range(repeats):
                t = time.perf_counter_ns()
                stats = reports.build(cfg, day, use_ai=False)
                timings.append(time.perf_counter_ns() - t)
            row["total_in_report"] = stats["total_requests"]
            row["build_ms"] = med_us(timings) / 1000
            if migrated:
                timings = []
                for _ in range(max(3, repeats // 4)):
                    sink = io.StringIO()
                    t = time.perf_counter_ns()
                    call_command(
                        "analyse_logs", "--date", day.isoformat(), "--no-ai", stdout=sink, stderr=sink
                    )
                    timings.append(time.perf_counter_ns() - t)
                row["command_ms"] = med_us(timings) / 1000
            out["days"].append(row)
    finally:
        for key in client.scan_iter(match=f"{prefix}*", count=1000):
            client.delete(key)
        settings.SMART_MIDDLEWARE = saved
        get_config.cache_clear()
    return out


# -- report ------------------------------------------------------------------------------------


def summarise(vs: list[Variant], ping: float) -> dict[str, dict[str, Any]]:
    by = {v.label: v for v in vs}
    rows: dict[str, dict[str, Any]] = {}
    for v in vs:
        base = by[v.baseline]
        over = med_us(v.timings) - med_us(base.timings)
        per_round = [r - b for r, b in zip(v.rounds, base.rounds, strict=True)]
        rows[v.label] = {
            "label": v.label,
            "name": v.name,
            "server": v.kind.upper(),
            "method": v.method,
            "user": "anonymous" if v.anonymous else "signed in",
            "group": v.group,
            "features": v.features,
            "median_us": med_us(v.timings),
            "p90_us": pct_us(v.timings, 0.9),
            "p99_us": pct_us(v.timings, 0.99),
            "overhead_us": over,
            "overhead_pings": over / ping,
            "baseline": v.baseline,
            "overhead_per_round_us": per_round,
            "samples": len(v.timings),
            **v.counts,
        }
    for r in rows.values():
        unit = rows["Art-get" if r["server"] == "ASGI" else "rt-get"]["overhead_us"]
        r["overhead_rts"] = r["overhead_us"] / unit if unit > 0 else None
        base = rows[r["baseline"]]
        r["threads_started_over_bare"] = r["threads_started"] - base["threads_started"]
        full = (
            rows["Afull-" + r["method"].lower()]
            if r["server"] == "ASGI"
            else rows["full-" + r["method"].lower()]
        )
        r["vs_full"] = r["overhead_us"] / full["overhead_us"] if full["overhead_us"] else None
        if "cpu_process_us" in r and "cpu_process_us" in base:
            r["cpu_us"] = r["cpu_process_us"] + r["cpu_redis_us"]
            r["cpu_over_bare_us"] = r["cpu_us"] - (base["cpu_process_us"] + base["cpu_redis_us"])
    return rows


def _f(x: Any, fmt: str = ".0f") -> str:
    return "-" if x is None else format(x, fmt)


def markdown(data: dict[str, Any]) -> str:
    rows, ping = data["variants"], data["ping"]
    out = [f"# smartlayer benchmark suite ({data['mode']} mode)", ""]
    out += [f"- {line}" for line in data["header"]]
    out += [
        f"- Redis PING in the same rounds: redis-py median {ping['redis_py_median_us']:.0f} µs "
        f"(p99 {ping['redis_py_p99_us']:.0f}); bare socket median {ping['raw_median_us']:.0f} µs "
        f"(p99 {ping['raw_p99_us']:.0f}). Overhead in PINGs uses the redis-py figure.",
        f"- One round trip inside a request (a middleware making one redis-py PING, over bare "
        f"Django): WSGI {rows['rt-get']['overhead_us']:.0f} µs, ASGI {rows['Art-get']['overhead_us']:.0f} "
        "µs. Overhead in round trips uses it (same server): what a round trip costs where the "
        "middleware makes it, which on a virtual machine can be several times a PING in a tight loop.",
        "",
    ]

    def table(title: str, labels: list[str]) -> None:
        out.extend([f"## {title}", ""])
        out.append(
            "| variant | server | method | user | median µs | p90 µs | p99 µs | overhead µs | in PINGs "
            "| in round trips | per round µs | ÷ full stack | round trips | cmds sent | cmds executed "
            "| Redis server µs | SQL | threads started (over bare) |"
        )
        out.append("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for label in labels:
            if label not in rows:
                continue
            r = rows[label]
            bare = r["group"] == "bare"
            pr = r["overhead_per_round_us"]
            out.append(
                "| "
                + " | ".join(
                    [
                        f"({label}) {r['name']}",
                        r["server"],
                        r["method"],
                        r["user"],
                        _f(r["median_us"]),
                        _f(r["p90_us"]),
                        _f(r["p99_us"]),
                        "0" if bare else _f(r["overhead_us"]),
                        "-" if bare else _f(r["overhead_pings"], ".1f"),
                        "-" if bare else _f(r["overhead_rts"], ".1f"),
                        "-" if bare else f"{min(pr):.0f} to {max(pr):.0f}",
                        "-" if bare else f"{r['vs_full']:.2f}x",
                        _f(r["round_trips"], ".2f"),
                        _f(r["commands_sent"], ".2f"),
                        _f(r["commands_executed"], ".2f"),
                        _f(r["server_us"]),
                        _f(r["sql"], ".2f"),
                        f"{r['threads_started']:.2f}"
                        + ("" if bare else f" ({r['threads_started_over_bare']:+.2f})"),
                    ]
                )
                + " |"
            )
        out.append("")

    table(
        "Each feature alone and the full stack (WSGI)",
        [
            "bare-get",
            *[f"{f}-get" for f in ALL],
            "full-get",
            "full-anon-get",
            "full-life-get",
            "bare-post",
            *[f"{f}-post" for f in ALL],
            "full-post",
            "full-anon-post",
            "full-life-post",
            "full-ai-post",
        ],
    )
    table(
        "Async path (ASGIHandler, async middleware and view)",
        [
            "Abare-get",
            "Aratelimit-get",
            "Afull-get",
            "Abare-post",
            "Aratelimit-post",
            "Afull-post",
            "Afull-ai-post",
        ],
    )
    table("The unit: one Redis round trip inside a request", ["bare-get", "rt-get", "Abare-get", "Art-get"])
    table(
        "Peers: the same three limits on the same view (GET, signed in)",
        ["bare-get", "ratelimit-get", "full-get", "django-ratelimit", "drf", "drf-unthrottled", "limits"],
    )
    full, rl = rows["full-get"], rows["ratelimit-get"]
    out.append("Peers' overhead against smartlayer's (GET, signed in; > 1 means the peer adds more):")
    out.append("")
    out.append("| peer | overhead µs | ÷ smartlayer full stack | ÷ smartlayer ratelimit only | round trips |")
    out.append("|---|---:|---:|---:|---:|")
    drf_alone = None
    for label in ("django-ratelimit", "drf", "limits"):
        if label in rows:
            r = rows[label]
            out.append(
                f"| {r['name']} | {r['overhead_us']:.0f} | {r['overhead_us'] / full['overhead_us']:.2f}x "
                f"| {r['overhead_us'] / rl['overhead_us']:.2f}x | {r['round_trips']:.2f} |"
            )
    if "drf" in rows and "drf-unthrottled" in rows:
        drf_alone = rows["drf"]["overhead_us"] - rows["drf-unthrottled"]["overhead_us"]
        out.append(
            f"| DRF's throttles alone, (drf) - (drf-unthrottled) | {drf_alone:.0f} "
            f"| {drf_alone / full['overhead_us']:.2f}x | {drf_alone / rl['overhead_us']:.2f}x | - |"
        )
    out.append("")
    cpu_rows = [label for label in CPU_VARIANTS if "cpu_over_bare_us" in rows.get(label, {})]
    if cpu_rows:
        out.extend(["## CPU per request: this process (all threads) and the Redis server", ""])
        out.append(
            "What a saturated server pays per request, not what one request waits: CPU time of this "
            "process (time.process_time, every thread, the kernel's socket work included) and of the "
            "Redis server (INFO cpu: every client of that server counts, so use a quiet one), medians "
            "of 3 interleaved rounds."
        )
        out.append("")
        out.append("| variant | process µs | Redis µs | total µs | over bare µs | ÷ smartlayer full stack |")
        out.append("|---|---:|---:|---:|---:|---:|")
        full_cpu = {
            server: rows.get(label, {}).get("cpu_over_bare_us")
            for server, label in (("WSGI", "full-get"), ("ASGI", "Afull-get"))
        }
        for label in cpu_rows:
            r = rows[label]
            ref = full_cpu.get(r["server"])
            if r["method"] == "POST":
                ref = rows["full-post"].get("cpu_over_bare_us")
            ratio = r["cpu_over_bare_us"] / ref if ref and r["group"] != "bare" else None
            out.append(
                f"| ({label}) {r['name']} | {r['cpu_process_us']:.0f} | {r['cpu_redis_us']:.0f} "
                f"| {r['cpu_us']:.0f} | {'-' if r['group'] == 'bare' else _f(r['cpu_over_bare_us'])} "
                f"| {'-' if ratio is None else f'{ratio:.2f}x'} |"
            )
        out.append("")
    if data.get("refusals"):
        out.append(
            "Same limits, checked after the timing (first request refused for one new user sending "
            "1000+ in a row): " + "; ".join(data["refusals"]) + "."
        )
        out.append("")
    out.extend(["## Redis commands executed per request (server INFO commandstats)", ""])
    for label, r in rows.items():
        if r["by_command"]:
            parts = ", ".join(f"{c.upper()} {k:.2f}".replace(".00", "") for c, k in r["by_command"].items())
            out.append(f"- ({label}) {parts}")
    out.extend(["", "## Budget (ENGINEERING.md): full stack, every feature on", ""])
    out.append(
        "Threads: those smartlayer adds, over bare Django on the same server (Django's ASGIHandler itself "
        "starts threads per request: its ThreadSensitiveContext runs the sync signal receivers and "
        "response.close on a new executor thread)."
    )
    out.append("")
    out.append(
        "| variant | round trips (≤ 2) | SQL (0) | threads started over bare (0) "
        "| overhead in round trips (≤ ~2.5) | overhead in tight-loop PINGs |"
    )
    out.append("|---|---:|---:|---:|---:|---:|")
    for label in (
        "full-get",
        "full-post",
        "full-anon-get",
        "full-anon-post",
        "full-life-get",
        "full-life-post",
        "full-ai-post",
        "Afull-get",
        "Afull-post",
        "Afull-ai-post",
    ):
        r = rows[label]
        extra_threads = r["threads_started_over_bare"]
        marks = [
            f"{r['round_trips']:.2f} {'met' if r['round_trips'] <= 2 else 'NOT met'}",
            f"{r['sql']:.2f} {'met' if r['sql'] == 0 else 'NOT met'}",
            f"{extra_threads:.2f} {'met' if extra_threads <= 0 else 'NOT met'}",
            f"{r['overhead_rts']:.1f} {'met' if r['overhead_rts'] <= 2.5 else 'NOT met'}",
            f"{r['overhead_pings']:.1f}",
        ]
        out.append(f"| ({label}) | " + " | ".join(marks) + " |")
    out.append("")
    out.extend(["## Validator: µs per KB of benign JSON (smartlayer.validator.inspect, median)", ""])
    out.append("| body | bytes | median µs | p90 µs | µs per KB | verdict (score) |")
    out.append("|---|---:|---:|---:|---:|---|")
    for r in data["validator"]:
        out.append(
            f"| {r['kb']} KB | {r['bytes']} | {r['median_us']:.0f} | {r['p90_us']:.0f} "
            f"| {r['us_per_kb']:.0f} | {r['verdict']} ({r['score']}) |"
        )
    out.append("")
    mem = data["memory"]
    out.extend(["## Redis memory per active identity (benchmarks/memory.py)", ""])
    if "error" in mem:
        out.append(f"failed: {mem['error']}")
    else:
        out.append(
            "An anonymous client after a simulated day of browsing with every feature on, three windows "
            "and a lifetime quota (MEMORY USAGE of each key):"
        )
        out.append("")
        out.append("| key | type | members | bytes |\n|---|---|---:|---:|")
        for k in mem["keys"]:
            shared = " (site-wide, not per identity)" if k["key"].startswith("sl:mon:") else ""
            out.append(f"| `{k['key']}`{shared} | {k['type']} | {k['members']} | {k['bytes']} |")
        out.append(f"| **total per identity** | | | **{mem['per_identity_bytes']}** |")
    out.append("")
    rep = data["reports"]
    out.extend(["## Daily report (analyse_logs) against the day's size", ""])
    if not rep.get("available"):
        out.append(
            "analyse_logs for a day of one million requests: not available yet "
            "(smartlayer.monitor / smartlayer.reports missing)."
        )
    elif "error" in rep:
        out.append(f"failed: {rep['error']}")
    else:
        out.append(
            "| simulated requests | fed by | layout = monitor.lua's | hash fields | offenders | hash bytes "
            "| reports.build (no AI) median ms | analyse_logs --no-ai median ms |"
        )
        out.append("|---:|---|---|---:|---:|---:|---:|---:|")
        for d in rep["days"]:
            out.append(
                f"| {d['requests']:,} | {d['fed_by']} | {d.get('layout_check', '-')} | {d['hash_fields']} "
                f"| {d['offenders']} | {d['hash_bytes']} | {d['build_ms']:.2f} "
                f"| {_f(d.get('command_ms'), '.2f')} |"
            )
        if "migrate_error" in rep:
            out.append(f"\n(analyse_logs not timed: migrate failed: {rep['migrate_error']})")
    out.append("")
    return "\n".join(out)


# -- main --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    global LOOP
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer requests")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    parser.add_argument("--redis-url", default=overhead.URL)
    parser.add_argument("--requests", type=int, help="timed requests per variant (overrides the mode)")
    parser.add_argument("--rounds", type=int, help="rounds (overrides the mode)")
    parser.add_argument("--seed", type=int, default=1, help="of the variant order per round")
    args = parser.parse_args(argv)
    mode = dict(MODES["quick" if args.quick else "full"])
    if args.requests:
        mode["requests"] = args.requests
    if args.rounds:
        mode["rounds"] = args.rounds
    per_round = max(1, mode["requests"] // mode["rounds"])
    users = max(50, math.ceil(max(per_round, mode["counted"]) / PER_USER_PER_ROUND))
    # every user (or address) seen twice before counting: counters exist, as on a live site
    mode["warmup"] = max(mode["warmup"], 2 * users)
    started_at = time.time()

    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    overhead.configure(args.redis_url, prefix)
    import redis

    server = redis.Redis.from_url(args.redis_url, protocol=2)
    ping_client = redis.Redis.from_url(args.redis_url, protocol=2)
    LOOP = asyncio.new_event_loop()
    asyncio.set_event_loop(LOOP)
    body = json_body(2048)
    load = os.getloadavg()
    data: dict[str, Any] = {"mode": "quick" if args.quick else "full", "settings": mode}
    machine = overhead.machine(server, args.redis_url)
    if have_limits():
        import limits

        machine += f"; limits {limits.__version__}"
    try:
        vs = build_variants(args.redis_url, prefix)
        src = Source(users, body)
        for v in vs:
            src.assign(v)
        for v in vs:
            run(v, src, mode["warmup"])
            if v.group == "smartlayer" and (v.features is None or "ratelimit" in v.features):
                policy = policy_header(v, src)
                expected = [f"q={limit};w={seconds}" for _, seconds, limit in LIMITS]
                if not all(e in policy for e in expected):
                    raise SystemExit(f"({v.label}) smartlayer did not apply the limits: {policy!r}")
        for v in vs:
            count(v, src, server, mode["counted"])

        pings: dict[str, list[int]] = {"redis-py": [], "raw": []}
        overhead.ping_redis_py(ping_client, mode["warmup"], [])
        rng = random.Random(args.seed)
        for _ in range(mode["rounds"]):
            order: list[Variant | str] = [*vs, "redis-py", "raw"]
            rng.shuffle(order)
            for item in order:
                if isinstance(item, str):
                    fn = overhead.ping_redis_py if item == "redis-py" else overhead.ping_raw
                    fn(ping_client, per_round, pings[item])
                    continue
                this_round: list[int] = []
                run(item, src, per_round, this_round)
                item.timings += this_round
                item.rounds.append(med_us(this_round))
            gc.collect()
        # half a round per variant and user: with the rounds above, far below the burst rule
        cpu_costs(vs, src, server, max(1, per_round // 2), 3, rng)
        end_load = os.getloadavg()
        by = {v.label: v for v in vs}
        refusals = [
            first_refusal(by[label], src, 10**9 + i)
            for i, label in enumerate(("ratelimit-get", "django-ratelimit", "drf", "limits"))
            if label in by
        ]
        ping = med_us(pings["redis-py"])
        data["ping"] = {
            "redis_py_median_us": ping,
            "redis_py_p99_us": pct_us(pings["redis-py"], 0.99),
            "raw_median_us": med_us(pings["raw"]),
            "raw_p99_us": pct_us(pings["raw"], 0.99),
        }
        data["variants"] = summarise(vs, ping)
        data["refusals"] = refusals
        data["header"] = [
            machine,
            f"{per_round * mode['rounds']} timed requests per variant in {mode['rounds']} interleaved "
            f"rounds of {per_round} (order shuffled per round, seed {args.seed}) after {mode['warmup']} "
            f"warm-up requests; counts from the quietest of up to 6 tries of {mode['counted']} requests "
            f"(stopping when two agree); {users} users (or client "
            f"addresses) in rotation per variant; limits "
            + ", ".join(f"{limit}/{name}" for name, _, limit in LIMITS)
            + f" on {PATH} (plans 'pro' and 'anonymous'; lifetime quota 10^9 in the 'life' variants); "
            f"POST body: {len(body)} bytes of benign JSON",
            f"load average (1 min) before {load[0]:.2f}, after the rounds {end_load[0]:.2f}; one run on a "
            "shared machine: medians and ratios matter, not absolute µs",
        ]
    finally:
        for key in server.scan_iter(match=f"{prefix}*", count=1000):
            server.delete(key)
    data["validator"] = validator_per_kb(mode["repeats"])
    try:
        data["memory"] = memory_per_identity(args.redis_url)
    except Exception as exc:  # noqa: BLE001 - reported, the rest of the suite stands
        data["memory"] = {"error": f"{type(exc).__name__}: {exc}"}
    try:
        data["reports"] = report_times(args.redis_url, 20 if not args.quick else 5)
    except Exception as exc:  # noqa: BLE001
        data["reports"] = {"available": True, "error": f"{type(exc).__name__}: {exc}"}
    data["wall_seconds"] = time.time() - started_at
    text = markdown(data)
    print(text)
    print(f"(suite took {data['wall_seconds']:.0f} s)")
    if args.json:
        Path(args.json).write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
