"""The tiny Django site that benchmarks/overhead.py drives: one middleware and the views.

Import it only after ``settings.configure(**bench_settings.settings_dict(...))``: the DRF and
django-ratelimit imports read settings. Every variant answers the same path with the same
body; each has its own URLconf, chosen per request by ``SetUser`` from the WSGI environ, so
that the path, the URL resolution and the response are the same for all of them.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

from asgiref.sync import markcoroutinefunction
from django.http import HttpResponse
from django.urls import path
from django_ratelimit.decorators import ratelimit
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView

from benchmarks.bench_settings import LIMITS, PATH, PLAN


class BenchUser:
    """A signed-in user that needs no database (what AuthenticationMiddleware would set)."""

    __slots__ = ("id", "pk")
    is_authenticated = True
    is_anonymous = False
    is_active = True
    plan = PLAN

    def __init__(self, pk: int) -> None:
        self.pk = self.id = pk


class SetUser:
    """Stands in for AuthenticationMiddleware: ``request.user`` and the variant's URLconf
    come from the prepared environ, so the per-request cost is the same in every variant."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        request.user = request.META["bench.user"]
        request.urlconf = request.META["bench.urlconf"]
        return self.get_response(request)


class AsyncSetUser:
    """SetUser for Django's ASGIHandler, async only (so that no middleware of the chain
    runs on a worker thread): the user and the URLconf come from the ASGI scope."""

    sync_capable = False
    async_capable = True

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response
        markcoroutinefunction(self)

    async def __call__(self, request: Any) -> Any:
        request.user = request.scope["bench.user"]
        request.urlconf = request.scope["bench.urlconf"]
        return await self.get_response(request)


class OneRoundTrip:
    """One Redis round trip per request and nothing else: a redis-py ``PING`` on a pooled
    client of the same Redis. Its overhead over bare Django is what one round trip costs a
    request, the unit of the ENGINEERING.md budget: on a virtual machine it can cost several
    times a PING timed in a tight loop, where both processes stay awake."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        import redis
        from django.conf import settings

        self.client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"], protocol=2)
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        self.client.ping()
        return self.get_response(request)


class AsyncOneRoundTrip:
    """OneRoundTrip for the ASGI handler (redis.asyncio, async only)."""

    sync_capable = False
    async_capable = True

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        import redis.asyncio
        from django.conf import settings

        self.client = redis.asyncio.Redis.from_url(settings.CACHES["default"]["LOCATION"], protocol=2)
        self.get_response = get_response
        markcoroutinefunction(self)

    async def __call__(self, request: Any) -> Any:
        await self.client.ping()
        return await self.get_response(request)


class LimitsMovingWindow:
    """The ``limits`` library as a tiny middleware: three moving windows (the same limits)
    on a RedisStorage of the same Redis, one ``hit()`` each, 429 on the first refused."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        from django.conf import settings
        from limits import RateLimitItemPerDay, RateLimitItemPerHour, RateLimitItemPerMinute
        from limits.storage import RedisStorage
        from limits.strategies import MovingWindowRateLimiter

        cache = settings.CACHES["default"]
        self.limiter = MovingWindowRateLimiter(RedisStorage(cache["LOCATION"]))
        per = {"minute": RateLimitItemPerMinute, "hour": RateLimitItemPerHour, "day": RateLimitItemPerDay}
        self.items = [per[name](limit) for name, _, limit in LIMITS]
        self.namespace = cache.get("KEY_PREFIX", "bench") + "-limits"
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        who = str(request.user.pk)
        for item in self.items:
            if not self.limiter.hit(item, self.namespace, who):
                return HttpResponse("limited", status=429)
        return self.get_response(request)


# -- views: the same body everywhere -------------------------------------------------------


def plain(request: Any) -> HttpResponse:
    return HttpResponse("ok")


async def aplain(request: Any) -> HttpResponse:
    """The same view, async: ASGI variants run it on the event loop, no thread."""
    return HttpResponse("ok")


def ratelimited(request: Any) -> HttpResponse:
    return HttpResponse("ok")


# Three stacked @ratelimit(key="user", rate="1000/m") ... (block=True, django-ratelimit's
# default since 4.0), minute outermost as if written by hand.
for _name, _, _limit in reversed(LIMITS):
    ratelimited = ratelimit(key="user", rate=f"{_limit}/{_name[0]}")(ratelimited)


class MinuteThrottle(UserRateThrottle):
    scope = "minute"


class HourThrottle(UserRateThrottle):
    scope = "hour"


class DayThrottle(UserRateThrottle):
    scope = "day"


class Unthrottled(APIView):
    """DRF's own cost (authentication, negotiation, dispatch) without any throttle."""

    throttle_classes: list[type] = []

    def get(self, request: Any) -> HttpResponse:
        return HttpResponse("ok")


class Throttled(Unthrottled):
    throttle_classes = [MinuteThrottle, HourThrottle, DayThrottle]


def _urlconf(name: str, view: Callable[..., Any]) -> types.ModuleType:
    module = types.ModuleType(f"benchmarks.bench_site.{name}")
    module.urlpatterns = [path(PATH.lstrip("/"), view)]  # type: ignore[attr-defined]
    return module


URLCONFS = {
    "plain": _urlconf("plain", plain),
    "aplain": _urlconf("aplain", aplain),
    "django-ratelimit": _urlconf("django_ratelimit", ratelimited),
    "drf": _urlconf("drf", Throttled.as_view()),
    "drf-unthrottled": _urlconf("drf_unthrottled", Unthrottled.as_view()),
}
urlpatterns = URLCONFS["plain"].urlpatterns  # type: ignore[attr-defined]
