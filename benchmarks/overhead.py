"""Per-request overhead of smartlayer over bare Django, beside django-ratelimit and DRF.

    python benchmarks/overhead.py [--requests 5000] [--rounds 5] [--redis-url URL]

One run, one process, one real Redis. Every limiter enforces the same three limits
(1000/minute, 10000/hour, 100000/day) for signed-in users on one path, through Django's full
WSGI handler called directly with a prepared environ (no test client). Requests rotate over
enough users that nothing is refused. Variants run interleaved in rounds, in a shuffled order
per round, so that machine noise hits them alike; a plain Redis PING is timed in the same
rounds as the unit of cost.

Counted in a separate, instrumented phase (never while timing): Redis round trips and
commands sent per request on the client (redis-py's socket sends and command packer), Redis
commands executed per request on the server (INFO commandstats deltas: these include the
commands run inside Lua scripts; the least of three tries, in case another client shares the
server), the server's execution time of the commands the client sent (commandstats usec; a
script's includes the commands it runs), and SQL queries per request (CaptureQueriesContext).
benchmarks/breakdown.py splits smartlayer's share into its parts.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import platform
import random
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks.bench_settings import BROWSER, LIMITS, PATH

URL = "redis://127.0.0.1:6379/0"
WARMUP = 200  # requests per variant before anything is counted or timed
COUNTED = 200  # requests per variant per counting try
COUNT_TRIES = 3
# Users in rotation: at most this many requests per user per variant and round, which keeps
# every user far below 1000/minute and below the anomaly detector's burst rules.
PER_USER_PER_ROUND = 10


@dataclass
class Variant:
    label: str
    name: str
    app: Any
    urlconf: str
    timings: list[int] = field(default_factory=list)
    rounds: list[float] = field(default_factory=list)  # median µs per round
    round_trips: float = 0.0
    sent: float = 0.0
    executed: float = 0.0
    server_us: float = 0.0
    by_command: dict[str, float] = field(default_factory=dict)
    queries: float = 0.0


# -- set-up --------------------------------------------------------------------------------


def configure(redis_url: str, prefix: str) -> None:
    import django
    from django.conf import settings

    from benchmarks.bench_settings import settings_dict

    settings.configure(**settings_dict(redis_url, prefix))
    django.setup()


def handler(middleware: list[str], smartlayer: dict[str, Any] | None = None) -> Any:
    """A WSGI handler with this middleware; SMART_MIDDLEWARE is read when it is built."""
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler

    from smartlayer.conf import get_config

    if smartlayer is not None:
        settings.SMART_MIDDLEWARE = smartlayer
        get_config.cache_clear()
    settings.MIDDLEWARE = ["benchmarks.bench_site.SetUser", *middleware]
    return WSGIHandler()


def build_variants(redis_url: str, prefix: str) -> list[Variant]:
    from benchmarks.bench_settings import smartlayer_settings

    sl = ["smartlayer.middleware.SmartLayerMiddleware"]
    return [
        Variant("a", "bare Django", handler([]), "plain"),
        Variant(
            "b",
            'smartlayer, FEATURES=["ratelimit"]',
            handler(sl, smartlayer_settings(redis_url, prefix, ["ratelimit"])),
            "plain",
        ),
        Variant(
            "c",
            "smartlayer, default FEATURES",
            handler(sl, smartlayer_settings(redis_url, prefix)),
            "plain",
        ),
        Variant("d", "django-ratelimit, 3 decorators", handler([]), "django-ratelimit"),
        Variant("e", "DRF, 3 UserRateThrottles", handler([]), "drf"),
        Variant("e0", "DRF APIView, no throttle (reference)", handler([]), "drf-unthrottled"),
    ]


class Requests:
    """Prepared environs: the same path, the variant's URLconf, users in rotation."""

    def __init__(self, users: int) -> None:
        from benchmarks.bench_site import URLCONFS, BenchUser

        self.urlconfs = URLCONFS
        self.users = [BenchUser(pk) for pk in range(1, users + 1)]
        self.next = 0
        self.base = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": PATH,
            "QUERY_STRING": "",
            "SERVER_NAME": "bench",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "192.0.2.10",
            "HTTP_HOST": "bench",
            "HTTP_USER_AGENT": BROWSER,
            "HTTP_ACCEPT": "*/*",
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
        }

    def environ(self, urlconf: str, user: Any = None) -> dict[str, Any]:
        env = dict(self.base)
        env["wsgi.input"] = io.BytesIO()
        if user is None:
            user = self.users[self.next % len(self.users)]
            self.next += 1
        env["bench.user"] = user
        env["bench.urlconf"] = self.urlconfs[urlconf]
        return env


def _start_response(status: str, headers: list[Any], exc_info: Any = None) -> None:
    if not status.startswith("200"):
        raise SystemExit(f"unexpected {status}: the benchmark must refuse nothing")


def run(v: Variant, requests: Requests, n: int, timings: list[int] | None = None) -> None:
    """Serve n requests as a WSGI server would (iterate the body, then close it)."""
    app, urlconf, clock = v.app, v.urlconf, time.perf_counter_ns
    for _ in range(n):
        env = requests.environ(urlconf)
        t0 = clock()
        body = app(env, _start_response)
        for _chunk in body:
            pass
        body.close()
        t1 = clock()
        if timings is not None:
            timings.append(t1 - t0)


def check_limits_apply(v: Variant, requests: Requests) -> None:
    """smartlayer must have matched the rule (its RateLimit-Policy header says which)."""
    seen: list[Any] = []
    env = requests.environ(v.urlconf)
    body = v.app(env, lambda status, headers, exc_info=None: seen.extend(headers))
    body.close()
    policy = dict(seen).get("RateLimit-Policy", "")
    expected = [f"q={limit};w={seconds}" for _, seconds, limit in LIMITS]
    if not all(e in policy for e in expected):
        raise SystemExit(f"({v.label}) smartlayer did not apply the limits: {policy!r}")


def first_refusal(v: Variant, requests: Requests, pk: int) -> str:
    """Requests in a row from one new user until the limiter refuses one: which, and how."""
    import logging

    from benchmarks.bench_site import BenchUser

    user, status = BenchUser(pk), [""]
    limit = LIMITS[0][2]
    request_log = logging.getLogger("django.request")
    level, request_log.level = request_log.level, logging.CRITICAL  # no "Too Many Requests"
    try:
        for i in range(1, 2 * limit + 1):
            body = v.app(requests.environ(v.urlconf, user), lambda s, h, e=None: status.__setitem__(0, s))
            body.close()
            if not status[0].startswith("200"):
                return f"({v.label}) request {i}: {status[0]}"
    finally:
        request_log.level = level
    return f"({v.label}) none of {2 * limit}"


# -- counting ------------------------------------------------------------------------------


def commands_in(packed: Any) -> list[str]:
    """The command names in what one send_packed_command wrote (RESP arrays of bulk strings:
    one command, or a pipeline's several), lower case."""
    data = packed.encode() if isinstance(packed, str) else packed
    if not isinstance(data, (bytes, bytearray)):
        data = b"".join(bytes(item) for item in data)
    names, i = [], 0
    while i < len(data) and data[i : i + 1] == b"*":
        end = data.index(b"\r\n", i)
        count, i = int(data[i + 1 : end]), end + 2
        for n in range(count):
            end = data.index(b"\r\n", i)
            size, i = int(data[i + 1 : end]), end + 2
            if n == 0:
                names.append(data[i : i + size].decode().lower())
            i += size + 2
    return names


class RedisTally:
    """Client-side counts while installed: round trips (one per socket send of a command or
    a pipeline: EVALSHA is one) and commands sent, by name (read from the bytes sent, so
    that commands packed by redis-py and by smartlayer's own EVALSHA packer both count)."""

    round_trips = 0
    sent: Counter[str] = Counter()

    @classmethod
    def tally(cls, packed: Any) -> None:
        cls.round_trips += 1
        cls.sent.update(commands_in(packed))

    @classmethod
    @contextmanager
    def installed(cls) -> Iterator[None]:
        from redis import connection

        owner = connection.AbstractConnection
        original = owner.__dict__["send_packed_command"]

        def counted(self: Any, command: Any, *args: Any, **kwargs: Any) -> Any:
            cls.tally(command)
            return original(self, command, *args, **kwargs)

        owner.send_packed_command = counted  # type: ignore[method-assign]
        try:
            yield
        finally:
            owner.send_packed_command = original  # type: ignore[method-assign]


def commandstats(server: Any) -> tuple[Counter[str], Counter[str]]:
    """(calls, microseconds) per command name, since the server started."""
    stats = server.info("commandstats")
    names = [k.removeprefix("cmdstat_") for k in stats]
    calls = Counter({n: v["calls"] for n, v in zip(names, stats.values(), strict=True)})
    usec = Counter({n: v["usec"] for n, v in zip(names, stats.values(), strict=True)})
    return calls, usec


def count(v: Variant, requests: Requests, server: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tries = []
    for _ in range(COUNT_TRIES):
        calls0, usec0 = commandstats(server)
        with RedisTally.installed(), CaptureQueriesContext(connection) as queries:
            trips0, sent0 = RedisTally.round_trips, Counter(RedisTally.sent)
            run(v, requests, COUNTED)
            trips, sent = RedisTally.round_trips - trips0, RedisTally.sent - sent0
        calls1, usec1 = commandstats(server)
        calls, usec = calls1 - calls0, usec1 - usec0
        calls.pop("info", None)  # ours
        tries.append((sum(calls.values()), calls, usec, trips, sent, len(queries.captured_queries)))
    # Another client of the same server can only add commands: keep the quietest try.
    total, calls, usec, trips, sent, sql = min(tries, key=lambda t: t[0])
    # Server time of the commands the client sent (a script's time includes the commands it
    # runs); a name also run inside scripts is prorated by the share the client sent.
    server_us = sum(usec[n] * min(1.0, sent[n] / calls[n]) for n in sent if calls[n])
    v.round_trips, v.sent, v.executed = trips / COUNTED, sum(sent.values()) / COUNTED, total / COUNTED
    v.server_us, v.queries = server_us / COUNTED, sql / COUNTED
    v.by_command = {name: n / COUNTED for name, n in calls.most_common()}


# -- the Redis round trip as a unit ----------------------------------------------------------


def ping_redis_py(client: Any, n: int, timings: list[int]) -> None:
    clock = time.perf_counter_ns
    for _ in range(n):
        t0 = clock()
        client.ping()
        timings.append(clock() - t0)


def ping_raw(client: Any, n: int, timings: list[int]) -> None:
    """PING on the bare socket of a pooled connection: network and server, no redis-py."""
    conn = client.connection_pool.get_connection()
    try:
        conn.connect()
        sock, clock = conn._sock, time.perf_counter_ns
        for _ in range(n):
            t0 = clock()
            sock.sendall(b"PING\r\n")
            reply = sock.recv(64)
            timings.append(clock() - t0)
            if reply != b"+PONG\r\n":
                raise SystemExit(f"raw PING: unexpected {reply!r}")
    finally:
        client.connection_pool.release(conn)


# -- report --------------------------------------------------------------------------------


def median_us(values: list[int]) -> float:
    return statistics.median(values) / 1000


def p99_us(values: list[int]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)] / 1000


def machine(server: Any, redis_url: str) -> str:
    import django
    import django_ratelimit
    import django_redis
    import redis
    import rest_framework
    from redis.utils import HIREDIS_AVAILABLE

    info = server.info("server")
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), "")
    except OSError:
        pass
    host = redis_url.split("@")[-1]
    return (
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"Django {django.get_version()}, redis-py {redis.__version__} "
        f"(hiredis {'installed' if HIREDIS_AVAILABLE else 'not installed'}), "
        f"django-redis {'.'.join(map(str, django_redis.VERSION))}, "
        f"django-ratelimit {django_ratelimit.__version__}, DRF {rest_framework.__version__}; "
        f"redis-server {info['redis_version']} at {host}; {platform.system()} {platform.release()}, "
        f"{os.cpu_count()} CPUs{f' ({cpu})' if cpu else ''}{_affinity()}"
    )


def _affinity() -> str:
    """The CPUs this process may run on, when fewer than all (``taskset -c 0 python ...``):
    on a small host it changes the ASGI figures (see docs/benchmarks.md, session 9)."""
    try:
        cpus = sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return ""
    if len(cpus) >= (os.cpu_count() or 0):
        return ""
    return f"; this process pinned to CPU {','.join(map(str, cpus))} (Redis may run on the others)"


def report(
    variants: list[Variant], pings: dict[str, list[int]], args: argparse.Namespace, header: list[str]
) -> None:
    by = {v.label: v for v in variants}
    bare = median_us(by["a"].timings)
    ping = median_us(pings["redis-py"])
    over = {v.label: median_us(v.timings) - bare for v in variants}
    for line in header:
        print(line)
    print(
        f"Redis PING round trip in the same rounds: redis-py median {ping:.0f} µs "
        f"(p99 {p99_us(pings['redis-py']):.0f}); bare socket median {median_us(pings['raw']):.0f} µs "
        f"(p99 {p99_us(pings['raw']):.0f})"
    )
    print()
    print(
        "| variant | median µs | p99 µs | overhead µs | overhead in PINGs | overhead per round µs "
        "| overhead ÷ (b)'s | overhead ÷ (c)'s | Redis round trips | Redis commands sent "
        "| Redis commands executed | Redis server µs | SQL queries |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for v in variants:
        rounds = [r - b for r, b in zip(v.rounds, by["a"].rounds, strict=True)]
        is_bare = v.label == "a"
        cells = [
            f"({v.label}) {v.name}",
            f"{median_us(v.timings):.0f}",
            f"{p99_us(v.timings):.0f}",
            "0" if is_bare else f"{over[v.label]:.0f}",
            "-" if is_bare else f"{over[v.label] / ping:.1f}",
            "-" if is_bare else f"{min(rounds):.0f} to {max(rounds):.0f}",
            "-" if is_bare else f"{over[v.label] / over['b']:.2f}x",
            "-" if is_bare else f"{over[v.label] / over['c']:.2f}x",
            f"{v.round_trips:.2f}",
            f"{v.sent:.2f}",
            f"{v.executed:.2f}",
            f"{v.server_us:.0f}",
            f"{v.queries:.2f}",
        ]
        print("| " + " | ".join(cells) + " |")
    print()
    print("Redis commands executed per request, by command (server INFO commandstats):")
    print()
    for v in variants:
        if v.by_command:
            parts = ", ".join(
                f"{name.upper()} {calls:.2f}".replace(".00", "") for name, calls in v.by_command.items()
            )
            print(f"- ({v.label}) {parts}")
    print()
    c = by["c"]
    drf_alone = over["e"] - over["e0"]
    print(
        f"Budget (ENGINEERING.md), smartlayer with default FEATURES (c): "
        f"{c.round_trips:.2f} round trips per request (at most 2: "
        f"{'met' if c.round_trips <= 2 else 'NOT met'}), {c.queries:.2f} SQL queries (0: "
        f"{'met' if c.queries == 0 else 'NOT met'}), overhead {over['c']:.0f} µs = "
        f"{over['c'] / ping:.1f} PINGs (at most 2.5: {'met' if over['c'] <= 2.5 * ping else 'NOT met'})."
    )
    print(
        f"DRF's throttles alone, (e) - (e0): {drf_alone:.0f} µs = {drf_alone / ping:.1f} PINGs, "
        f"{drf_alone / over['b']:.2f}x the overhead of (b)."
    )


# -- main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000, help="timed requests per variant")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--redis-url", default=URL)
    parser.add_argument("--users", type=int, default=0, help="users in rotation (default: enough)")
    parser.add_argument("--seed", type=int, default=1, help="of the variant order per round")
    args = parser.parse_args()
    per_round = max(1, args.requests // args.rounds)
    users = args.users or max(100, math.ceil(per_round / PER_USER_PER_ROUND))

    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    configure(args.redis_url, prefix)
    import redis

    server = redis.Redis.from_url(args.redis_url, protocol=2)
    ping_client = redis.Redis.from_url(args.redis_url, protocol=2)  # smartlayer speaks RESP2
    load = os.getloadavg()
    header = [
        machine(server, args.redis_url),
        f"{per_round * args.rounds} timed requests per variant in {args.rounds} interleaved rounds "
        f"of {per_round} (variant order shuffled per round, seed {args.seed}) after {WARMUP} warm-up "
        f"requests each; {users} users in rotation; limits "
        + ", ".join(f"{limit}/{name}" for name, _, limit in LIMITS)
        + f" on {PATH}",
    ]
    try:
        variants = build_variants(args.redis_url, prefix)
        requests = Requests(users)
        for v in variants:
            run(v, requests, WARMUP)
            if v.label in ("b", "c"):
                check_limits_apply(v, requests)
        for v in variants:
            count(v, requests, server)

        pings: dict[str, list[int]] = {"redis-py": [], "raw": []}
        ping_redis_py(ping_client, WARMUP, [])
        rng = random.Random(args.seed)
        for _ in range(args.rounds):
            order: list[Variant | str] = [*variants, "redis-py", "raw"]
            rng.shuffle(order)
            for item in order:
                if isinstance(item, str):
                    (ping_redis_py if item == "redis-py" else ping_raw)(ping_client, per_round, pings[item])
                    continue
                this_round: list[int] = []
                run(item, requests, per_round, this_round)
                item.timings += this_round
                item.rounds.append(median_us(this_round))
        end_load = os.getloadavg()
        # (c) is left out: its anomaly detector bans a user this fast long before 1000.
        refusals = [
            first_refusal(by, requests, 10**9 + i)
            for i, by in enumerate(variants)
            if by.label in ("b", "d", "e")
        ]
        footer = [
            "Same limits, checked after the timing: the first request refused for one new user "
            f"sending {LIMITS[0][2]}+ requests in a row: " + "; ".join(refusals) + "."
        ]
        header.append(
            f"load average (1 min) before {load[0]:.2f}, after {end_load[0]:.2f}; "
            f"figures are medians of one run on a shared machine"
        )
        report(variants, pings, args, header)
        print("\n".join(footer))
    finally:
        for key in server.scan_iter(match=f"{prefix}*", count=1000):
            server.delete(key)


if __name__ == "__main__":
    main()
