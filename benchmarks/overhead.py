"""Per-request overhead of smartlayer over bare Django, beside django-ratelimit and DRF.

    python benchmarks/overhead.py [--requests 5000] [--rounds 5] [--redis-url URL]

Every variant enforces the same three limits (100000/minute, 1000000/hour, 10000000/day, so
nothing is refused) for one signed-in user against the same real Redis, through Django's full WSGI
handler. Variants run interleaved in rounds so that machine noise hits them alike. Reported:
median and p99 microseconds per request, overhead over bare Django, each overhead's ratio to
smartlayer's, Redis round trips and commands per request (server-side INFO commandstats, so
commands inside Lua scripts count), and SQL queries per request.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

URL = "redis://127.0.0.1:6379/0"
PATH = "/api/items/"
LIMITS = {"per_minute": 100_000, "per_hour": 1_000_000, "per_day": 10_000_000}
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


class BenchUser:
    """A signed-in user that needs no database."""

    pk = id = 7
    plan = "pro"
    is_authenticated = True
    is_active = True
    is_anonymous = False


class SetUser:
    """Stands in for AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        request.user = BenchUser()
        return self.get_response(request)


def configure(redis_url: str) -> None:
    from django.conf import settings

    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench",
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"],
        MIDDLEWARE=[],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        CACHES={
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": redis_url,
                "KEY_PREFIX": prefix,
            }
        },
        RATELIMIT_USE_CACHE="default",
        REST_FRAMEWORK={
            "DEFAULT_AUTHENTICATION_CLASSES": [],
            "DEFAULT_PERMISSION_CLASSES": [],
            "UNAUTHENTICATED_USER": None,
        },
        SMART_MIDDLEWARE={
            "REDIS_URL": redis_url,
            "KEY_PREFIX": prefix,
            "REDIS_TIMEOUT": 0.5,  # measure cost, not timeouts on a noisy machine
            "RATE_LIMIT_PLANS": {"pro": {"/api/": LIMITS}},
            # One identity hammering is the benchmark, not an attack.
            "ANOMALY": {"burst_requests": 10**9, "elevated_requests": 10**9},
        },
        LOGGING_CONFIG=None,
    )
    import django

    django.setup()


# -- views and URLs (imported by Django as ROOT_URLCONF) -------------------------------------


def _views() -> list[Any]:
    from django.http import HttpResponse
    from django.urls import path
    from django_ratelimit.decorators import ratelimit
    from rest_framework.response import Response
    from rest_framework.throttling import UserRateThrottle
    from rest_framework.views import APIView

    def bare(request: Any) -> HttpResponse:
        return HttpResponse("ok")

    @ratelimit(key="user", rate="100000/m", block=True)
    @ratelimit(key="user", rate="1000000/h", block=True)
    @ratelimit(key="user", rate="10000000/d", block=True)
    def ratelimited(request: Any) -> HttpResponse:
        return HttpResponse("ok")

    def throttle(scope: str, rate: str) -> type:
        return type(
            f"T{scope}",
            (UserRateThrottle,),
            {"scope": scope, "rate": rate, "get_rate": lambda self: rate},
        )

    class Throttled(APIView):
        throttle_classes = [
            throttle("m", "100000/min"),
            throttle("h", "1000000/hour"),
            throttle("d", "10000000/day"),
        ]

        def get(self, request: Any) -> Response:
            return Response("ok")

    return [
        path("bare/api/items/", bare),
        path("api/items/", bare),
        path("django-ratelimit/api/items/", ratelimited),
        path("drf/api/items/", Throttled.as_view()),
    ]


urlpatterns: list[Any] = []


# -- measurement ---------------------------------------------------------------------------


def handler(middleware: list[str]) -> Any:
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler

    settings.MIDDLEWARE = ["benchmarks.overhead.SetUser", *middleware]
    return WSGIHandler()


def environ(path: str) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "bench",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": "192.0.2.10",
        "HTTP_USER_AGENT": BROWSER,
        "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
    }


class RoundTrips:
    """Counts client-to-Redis writes: one per command or pipeline sent."""

    count = 0

    @classmethod
    def install(cls) -> None:
        from redis.connection import AbstractConnection

        original = AbstractConnection.send_packed_command

        def counted(self: Any, command: Any, check_health: bool = True) -> None:
            cls.count += 1
            original(self, command, check_health)

        AbstractConnection.send_packed_command = counted  # type: ignore[method-assign]


def commands_processed(client: Any) -> int:
    stats = client.info("commandstats")
    skip = {"cmdstat_info", "cmdstat_ping"}
    return sum(v["calls"] for k, v in stats.items() if k not in skip)


def run_variant(app: Any, path: str, n: int, timings: list[int]) -> None:
    def start_response(status: str, headers: list[Any]) -> None:
        if not status.startswith("200"):
            raise SystemExit(f"{path}: unexpected {status}")

    for _ in range(n):
        env = environ(path)
        t0 = time.perf_counter_ns()
        body = app(env, start_response)
        b"".join(body)
        timings.append(time.perf_counter_ns() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--redis-url", default=URL)
    args = parser.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    configure(args.redis_url)
    global urlpatterns
    urlpatterns = _views()

    import django
    import redis
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    RoundTrips.install()
    variants = {
        "bare Django": (handler([]), "/bare" + PATH),
        "smartlayer, rate limiting": (
            handler(["benchmarks.overhead.RateLimiterOnly"]),
            PATH,
        ),
        "smartlayer, rate limiting + anomaly": (
            handler(["smartlayer.middleware.SmartLayerMiddleware"]),
            PATH,
        ),
        "django-ratelimit (3 decorators)": (handler([]), "/django-ratelimit" + PATH),
        "DRF throttling (3 throttles)": (handler([]), "/drf" + PATH),
    }
    server = redis.Redis.from_url(args.redis_url)
    per_round = max(1, args.requests // args.rounds)
    timings: dict[str, list[int]] = {name: [] for name in variants}
    trips: dict[str, float] = {}
    cmds: dict[str, float] = {}
    queries: dict[str, float] = {}
    for name, (app, path) in variants.items():  # warm-up, and the per-request counts
        run_variant(app, path, 200, [])
        before_cmds, before_trips = commands_processed(server), RoundTrips.count
        with CaptureQueriesContext(connection) as captured:
            run_variant(app, path, 500, [])
        trips[name] = max(0.0, (RoundTrips.count - before_trips - 1) / 500)  # minus our INFO
        cmds[name] = (commands_processed(server) - before_cmds) / 500
        queries[name] = len(captured.captured_queries) / 500
    for _ in range(args.rounds):
        for name, (app, path) in variants.items():
            run_variant(app, path, per_round, timings[name])
    pings = []
    for _ in range(2000):
        t0 = time.perf_counter_ns()
        server.ping()
        pings.append(time.perf_counter_ns() - t0)

    def us(values: list[int], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1000

    bare = statistics.median(timings["bare Django"]) / 1000
    ours = statistics.median(timings["smartlayer, rate limiting"]) / 1000 - bare
    info = server.info("server")
    print(
        f"Python {platform.python_version()}, Django {django.get_version()}, redis-py "
        f"{redis.__version__}, redis-server {info['redis_version']} on loopback, "
        f"{os.cpu_count()} CPUs; {per_round * args.rounds} timed requests per variant in "
        f"{args.rounds} interleaved rounds"
    )
    print(f"Redis PING round trip: median {us(pings, 0.5):.0f} µs, p99 {us(pings, 0.99):.0f} µs\n")
    print(
        "| variant | median µs | p99 µs | overhead µs | overhead vs smartlayer | Redis round trips | "
        "Redis commands | SQL queries |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, values in timings.items():
        median = statistics.median(values) / 1000
        over = median - bare
        ratio = "-" if name == "bare Django" else f"{over / ours:.2f}x"
        print(
            f"| {name} | {median:.0f} | {us(values, 0.99):.0f} | {over:.0f} | {ratio} | "
            f"{trips[name]:.2f} | {cmds[name]:.1f} | {queries[name]:.0f} |"
        )
    prefix = f"{__import__('django.conf').conf.settings.SMART_MIDDLEWARE['KEY_PREFIX']}"
    for key in server.scan_iter(match=f"*{prefix}*", count=1000):
        server.delete(key)


class RateLimiterOnly:
    """smartlayer's RateLimiter (the engine with only rate limiting)."""

    def __new__(cls, get_response: Callable[[Any], Any]) -> Any:
        from smartlayer.middleware import RateLimiter

        return RateLimiter(get_response)


if __name__ == "__main__":
    main()
