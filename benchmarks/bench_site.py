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


# -- views: the same body everywhere -------------------------------------------------------


def plain(request: Any) -> HttpResponse:
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
    "django-ratelimit": _urlconf("django_ratelimit", ratelimited),
    "drf": _urlconf("drf", Throttled.as_view()),
    "drf-unthrottled": _urlconf("drf_unthrottled", Unthrottled.as_view()),
}
urlpatterns = URLCONFS["plain"].urlpatterns  # type: ignore[attr-defined]
