"""Redis memory per active identity (MEMORY USAGE of every key one identity owns).

    python benchmarks/memory.py [--redis-url URL] [--requests 300]

One anonymous client browses (distinct paths, numeric ids) with every built feature on and a
plan with minute, hour and day windows plus a lifetime quota; then each of its keys is
measured on the server. ``measure`` does the same inside an already configured Django
(benchmarks/suite.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def measure(redis_url: str, requests: int = 300) -> list[tuple[str, str, int, int]]:
    """(key with the prefix shown as ``sl``, type, members, bytes) of every key one
    anonymous identity owns after a simulated day of browsing; the keys are deleted."""
    from django.conf import settings

    prefix = f"mem-{uuid.uuid4().hex[:8]}"
    saved = getattr(settings, "SMART_MIDDLEWARE", None)
    settings.SMART_MIDDLEWARE = {
        "REDIS_URL": redis_url,
        "KEY_PREFIX": prefix,
        "REDIS_TIMEOUT": 0.5,
        "RATE_LIMIT_PLANS": {
            "anonymous": {"/": {"per_minute": 10**6, "per_hour": 10**6, "per_day": 10**6, "lifetime": 10**9}}
        },
        "ANOMALY": {"burst_requests": 10**6, "elevated_requests": 10**6, "grace_requests": 10**6},
    }
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.test import RequestFactory

    from smartlayer import clock
    from smartlayer.conf import get_config
    from smartlayer.middleware import SmartLayerMiddleware
    from smartlayer.store import get_store

    get_config.cache_clear()
    now_ms = clock.now_ms
    rows: list[tuple[str, str, int, int]] = []
    try:
        mw, factory = SmartLayerMiddleware(lambda r: HttpResponse("ok")), RequestFactory()
        start = now_ms()
        # A simulated day of browsing (every ring and bucket in use), then a final minute of
        # 100 requests on distinct paths ending in ids (the per-minute sets at their 64-entry cap).
        times = [start + i * (86_400_000 // requests) for i in range(requests)]
        times += [start + 86_400_000 + j * 500 for j in range(100)]
        for i, at in enumerate(times):
            clock.now_ms = lambda at=at: at  # type: ignore[misc]
            path = f"/items/{i * 3}/"
            request = factory.get(path, REMOTE_ADDR="198.51.100.23", HTTP_USER_AGENT="Mozilla/5.0")
            request.user = AnonymousUser()
            mw(request)
    finally:
        clock.now_ms = now_ms  # type: ignore[misc]
        if saved is not None:
            settings.SMART_MIDDLEWARE = saved
        get_config.cache_clear()
    client: Any = get_store().client
    for key in client.scan_iter(match=f"{prefix}:mon:*"):  # per day, not per identity
        client.delete(key)
    for key in sorted(client.scan_iter(match=f"{prefix}:*")):
        kind = client.type(key).decode()
        size = {"hash": client.hlen, "zset": client.zcard, "list": client.llen}.get(kind, lambda k: 1)(key)
        used = client.memory_usage(key, samples=0)
        rows.append((key.decode().replace(prefix, "sl"), kind, size, used))
        client.delete(key)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    rows = measure(args.redis_url, args.requests)
    print("| key | type | members | bytes |\n|---|---|---:|---:|")
    for key, kind, size, used in rows:
        print(f"| `{key}` | {kind} | {size} | {used} |")
    print(f"| **total per identity** | | | **{sum(r[3] for r in rows)}** |")


if __name__ == "__main__":
    main()
