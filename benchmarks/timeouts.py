"""How often does a healthy but busy Redis trip REDIS_TIMEOUT, and what does it cost exactness?

    python benchmarks/timeouts.py --timeout 0.003 --processes 4 [--requests 3000] [--runs 3]

Several processes hammer one user's 100/minute limit through RateLimiter, with Redis on the
same machine; each run prints how many requests were admitted (100 is exact) and how many
Redis calls timed out (each one admits its request unchecked under FAIL_MODE "open").
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def worker(url: str, prefix: str, timeout: float, n: int, queue: mp.Queue) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django
    from django.conf import settings

    django.setup()
    settings.SMART_MIDDLEWARE = {
        "REDIS_URL": url,
        "KEY_PREFIX": prefix,
        "REDIS_TIMEOUT": timeout,
        "RATE_LIMIT_PLANS": {"pro": {"/api/": {"per_minute": 100}}},
    }
    from django.http import HttpResponse
    from django.test import RequestFactory

    from smartlayer import store
    from smartlayer.middleware import RateLimiter
    from tests.conftest import BROWSER, User

    failures = [0]
    original = store.Breaker.failure

    def count(self: store.Breaker, exc: BaseException) -> None:
        failures[0] += 1
        original(self, exc)

    store.Breaker.failure = count  # type: ignore[method-assign]
    mw, factory, user = RateLimiter(lambda r: HttpResponse("ok")), RequestFactory(), User(1, "pro")
    admitted = 0
    for _ in range(n):
        request = factory.get("/api/x", REMOTE_ADDR="192.0.2.1", HTTP_USER_AGENT=BROWSER)
        request.user = user
        admitted += mw(request).status_code == 200
    queue.put((admitted, failures[0]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--timeout", type=float, default=0.01)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    ctx = mp.get_context("spawn")
    print(f"REDIS_TIMEOUT {args.timeout * 1000:g} ms, {args.processes} processes x {args.requests}")
    for run in range(args.runs):
        queue = ctx.Queue()
        prefix = f"bench-timeouts-{uuid.uuid4().hex[:8]}"
        procs = [
            ctx.Process(target=worker, args=(args.redis_url, prefix, args.timeout, args.requests, queue))
            for _ in range(args.processes)
        ]
        for p in procs:
            p.start()
        results = [queue.get() for _ in procs]
        for p in procs:
            p.join()
        admitted, timeouts = sum(r[0] for r in results), sum(r[1] for r in results)
        print(f"run {run + 1}: admitted {admitted} (limit 100), Redis timeouts {timeouts}")


if __name__ == "__main__":
    main()
