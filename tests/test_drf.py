"""DRF: token-authenticated API users get their plan, in the middleware and in the throttle."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from smartlayer.drf import PlanRateThrottle, resolve_identity
from smartlayer.middleware import SmartLayerMiddleware
from tests.conftest import BROWSER

pytestmark = pytest.mark.django_db
PLANS = {"anonymous": {"/api/": {"per_minute": 2}}, "pro": {"/api/": {"per_minute": 5}}}


@pytest.fixture
def token():
    user = User.objects.create_user("api", first_name="pro")
    return Token.objects.create(user=user).key


class Items(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes: list = []
    throttle_classes = [PlanRateThrottle]

    def get(self, request):
        return Response({"ok": True})


def api_get(token=None, ip="192.0.2.20"):
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
    request = APIRequestFactory().get("/api/items/", REMOTE_ADDR=ip, HTTP_USER_AGENT=BROWSER, **headers)
    return Items.as_view()(request)


def test_throttle_applies_the_token_users_plan(smart, frozen_clock, token):
    smart(RATE_LIMIT_PLANS=PLANS, PLAN_FIELD="first_name", FEATURES=["anomaly"])
    codes = [api_get(token).status_code for _ in range(7)]
    assert codes == [200] * 5 + [429] * 2
    refused = api_get(token)
    assert 1 <= int(refused["Retry-After"]) <= 66
    # Anonymous callers get the anonymous plan, by IP.
    assert [api_get(ip="192.0.2.21").status_code for _ in range(3)] == [200, 200, 429]


def test_throttle_in_monitor_mode_lets_everything_through(smart, frozen_clock, token):
    smart(RATE_LIMIT_PLANS=PLANS, PLAN_FIELD="first_name", MODE="monitor")
    assert [api_get(token).status_code for _ in range(7)] == [200] * 7


def test_resolver_gives_the_middleware_the_token_user(smart, frozen_clock, token, rf_user):
    smart(
        RATE_LIMIT_PLANS=PLANS, PLAN_FIELD="first_name", IDENTITY_RESOLVER="smartlayer.drf.resolve_identity"
    )
    mw = SmartLayerMiddleware(lambda r: HttpResponse("ok"))
    codes = [mw(rf_user("/api/x", HTTP_AUTHORIZATION=f"Token {token}")).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    # A wrong token is not an error: the request is anonymous.
    assert resolve_identity(rf_user("/api/x", HTTP_AUTHORIZATION="Token nope")) is None
    assert resolve_identity(rf_user("/api/x")) is None
