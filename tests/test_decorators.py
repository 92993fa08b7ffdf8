"""The per-view decorator, sync and async, on every store backend."""

from __future__ import annotations

import asyncio

import pytest
from django.http import HttpResponse

from smartlayer.decorators import parse_rate, ratelimit
from tests.conftest import User


def make(mode, **kwargs):
    if mode == "async":

        @ratelimit(**kwargs)
        async def view(request):
            return HttpResponse("limited" if request.limited else "ok")

        return lambda request: asyncio.run(view(request))

    @ratelimit(**kwargs)
    def sync_view(request):
        return HttpResponse("limited" if request.limited else "ok")

    return sync_view


@pytest.fixture
def limits(smart, frozen_clock):
    smart()


def codes(view, requests):
    return [view(r).status_code for r in requests]


def test_ip_key(limits, mode, rf_user):
    view = make(mode, key="ip", rate="3/m")
    assert codes(view, [rf_user("/login") for _ in range(5)]) == [200, 200, 200, 429, 429]
    assert view(rf_user("/login", ip="198.51.100.1")).status_code == 200
    refused = view(rf_user("/login"))
    assert refused["Retry-After"] and b'"rate_limit"' in refused.content


def test_user_key_falls_back_to_ip(limits, mode, rf_user):
    view = make(mode, key="user", rate="2/h")
    assert codes(view, [rf_user("/x", user=User(1)) for _ in range(3)]) == [200, 200, 429]
    assert codes(view, [rf_user("/x", user=User(2)) for _ in range(2)]) == [200, 200]
    assert codes(view, [rf_user("/x") for _ in range(3)]) == [200, 200, 429]


def test_header_and_callable_keys(limits, mode, rf_user):
    view = make(mode, key="header:X-Api-Key", rate="1/m")
    assert codes(view, [rf_user("/x", HTTP_X_API_KEY="k1") for _ in range(2)]) == [200, 429]
    assert view(rf_user("/x", HTTP_X_API_KEY="k2" * 500)).status_code == 200
    by_tenant = make(mode, key=lambda r: r.GET.get("tenant"), rate="1/m")
    assert codes(by_tenant, [rf_user("/x?tenant=a"), rf_user("/x?tenant=a"), rf_user("/x?tenant=b")]) == [
        200,
        429,
        200,
    ]


def test_block_false_marks_the_request(limits, mode, rf_user):
    view = make(mode, key="ip", rate="1/m", block=False)
    assert [view(rf_user("/x")).content for _ in range(2)] == [b"ok", b"limited"]


def test_the_counter_belongs_to_the_views_qualified_name(limits, rf_user):
    a, b = make("sync", rate="1/m"), make("sync", rate="1/m")
    assert a(rf_user("/a")).status_code == 200
    # make() defines a new function each time, but with the same qualified name: same counter.
    assert b(rf_user("/b")).status_code == 429


@pytest.mark.parametrize(
    ("rate", "parsed"), [("10/m", (10, 60)), ("100/5m", (100, 300)), ("5/10s", (5, 10)), ("1/d", (1, 86400))]
)
def test_parse_rate(rate, parsed):
    assert parse_rate(rate) == parsed


@pytest.mark.parametrize("rate", ["10", "0/m", "ten/m", "10/w", ""])
def test_bad_rate_fails_at_import_time(rate):
    with pytest.raises(ValueError, match="rate must look like"):
        ratelimit(rate=rate)


def test_bad_key_fails_at_import_time():
    with pytest.raises(ValueError, match="key must be"):
        ratelimit(key="cookie")
