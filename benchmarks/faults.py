"""What a Redis fault costs each request: latency through SmartLayerMiddleware (sync) against
a private redis-server that is healthy, then hung (DEBUG SLEEP 3), then stopped, then
restarted, with the default REDIS_TIMEOUT and circuit breaker settings.

    python benchmarks/faults.py [--requests 5000] [--seconds 3]

Prints a Markdown table: median, p99 and max microseconds per request in each phase, and how
many requests waited for a timeout, failed against Redis, or were failed fast by the open
breaker. Needs the redis-server binary (any Redis on 6379 is left alone).
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import platform
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"

import django  # noqa: E402
import redis  # noqa: E402
from django.conf import settings  # noqa: E402

from tests.redis_server import RedisServer  # noqa: E402

PATH = "/api/items/"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
# Many clients, as on a real site, so that no single one looks like a flood to the anomaly
# detector: the benchmark measures the cost of a fault, not of a ban.
CLIENTS = [f"198.18.{i // 256}.{i % 256}" for i in range(2048)]


@dataclass
class Phase:
    name: str
    latencies_ns: list[int] = field(default_factory=list)
    events: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)

    def row(self) -> str:
        lat = sorted(self.latencies_ns)
        n = len(lat)
        median = lat[n // 2] / 1000
        p99 = lat[min(n - 1, -(-99 * n // 100) - 1)] / 1000  # nearest rank
        status = ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items()))
        return (
            f"| {self.name} | {n} | {median:.0f} | {p99:.0f} | {lat[-1] / 1000:.0f} "
            f"| {self.events['timeout']} | {self.events['error']} | {self.events['fast']} | {status} |"
        )


class Meter:
    """Wraps the breaker to learn, per request, whether it waited for a timeout, met another
    Redis error, or was failed fast by the open breaker (a request may make several calls)."""

    def __init__(self) -> None:
        from smartlayer.store import Breaker

        self.seen: set[str] = set()
        allow, failure = Breaker.allow, Breaker.failure
        seen = self.seen

        def counting_allow(breaker: Breaker) -> bool:
            allowed = allow(breaker)
            if not allowed:
                seen.add("fast")
            return allowed

        def counting_failure(breaker: Breaker, exc: BaseException) -> None:
            seen.add("timeout" if isinstance(exc, (redis.TimeoutError, TimeoutError)) else "error")
            failure(breaker, exc)

        Breaker.allow = counting_allow  # type: ignore[method-assign]
        Breaker.failure = counting_failure  # type: ignore[method-assign]


def measure(
    phase: Phase, meter: Meter, mw: Any, make: Callable[[], Any], go_on: Callable[[int], bool]
) -> Phase:
    gc.collect()
    clock = time.perf_counter_ns
    i = 0
    while go_on(i):
        request = make()
        meter.seen.clear()
        start = clock()
        response = mw(request)
        phase.latencies_ns.append(clock() - start)
        phase.statuses[response.status_code] += 1
        phase.events.update(meter.seen)
        i += 1
    return phase


def until_recovered(mw: Any, make: Callable[[], Any], limit_s: float = 10.0) -> tuple[int, float]:
    """Requests (and seconds) until a request reaches Redis and succeeds again."""
    from smartlayer.store import get_store

    breaker, start, n = get_store().breaker, time.monotonic(), 0
    while time.monotonic() - start < limit_s:
        mw(make())
        n += 1
        if not breaker.open_until and not breaker.failures:
            return n, time.monotonic() - start
        time.sleep(0.001)
    raise RuntimeError("Redis did not come back")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000, help="requests in the healthy phase")
    parser.add_argument("--seconds", type=float, default=3.0, help="length of the hung and stopped phases")
    args = parser.parse_args()

    with RedisServer() as server:
        settings.SMART_MIDDLEWARE = {
            "REDIS_URL": server.url,
            "KEY_PREFIX": "bench-faults",
            # Admit everything: the cost of the check, not of refusals, is measured.
            "RATE_LIMIT_PLANS": {"anonymous": {"/api/": {"per_minute": 10**9}}},
        }
        django.setup()

        from django.http import HttpResponse
        from django.test import RequestFactory

        from smartlayer.conf import get_config
        from smartlayer.middleware import SmartLayerMiddleware

        cfg = get_config()
        factory, clients = RequestFactory(), itertools.cycle(CLIENTS)

        def make() -> Any:
            return factory.get(PATH, REMOTE_ADDR=next(clients), HTTP_USER_AGENT=USER_AGENT)

        mw = SmartLayerMiddleware(lambda request: HttpResponse("ok"))
        meter = Meter()
        for _ in range(500):  # connections, script cache, code paths
            mw(make())

        phases = [measure(Phase("healthy"), meter, mw, make, lambda i: i < args.requests)]

        sleeper = server.hang(args.seconds)
        phases.append(measure(Phase("hung (DEBUG SLEEP)"), meter, mw, make, lambda i: sleeper.is_alive()))
        sleeper.join()
        after_hang = until_recovered(mw, make)

        server.stop()
        deadline = time.monotonic() + args.seconds
        phases.append(measure(Phase("stopped"), meter, mw, make, lambda i: time.monotonic() < deadline))

        server.start()
        after_restart = until_recovered(mw, make)
        phases.append(measure(Phase("restarted"), meter, mw, make, lambda i: i < args.requests))
        version = server.client().info("server")["redis_version"]

    print(
        f"Python {platform.python_version()}, Django {django.get_version()}, redis-py {redis.__version__}, "
        f"redis-server {version} on loopback; {os.cpu_count()} CPUs"
    )
    print(
        f"defaults: REDIS_TIMEOUT {cfg.redis_timeout * 1000:g} ms, BREAKER_THRESHOLD "
        f"{cfg.breaker_threshold}, BREAKER_COOLDOWN {cfg.breaker_cooldown:g} s, FAIL_MODE {cfg.fail_mode}; "
        f"hung and stopped phases last {args.seconds:g} s\n"
    )
    print(
        "| phase | requests | median µs | p99 µs | max µs | waited for a timeout "
        "| other Redis errors | failed fast (breaker open) | statuses |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for phase in phases:
        print(phase.row())
    print(
        f"\nback to enforcing after the hang: {after_hang[0]} requests, {after_hang[1] * 1000:.0f} ms; "
        f"after the restart: {after_restart[0]} requests, {after_restart[1] * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
