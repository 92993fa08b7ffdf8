"""The middleware end to end, in sync and async mode, on every store backend."""

from __future__ import annotations

import asyncio
import json

import pytest
from django.test import override_settings

from smartlayer import signals
from smartlayer.middleware import AIAnomalyDetector, RateLimiter, SmartLayerMiddleware, WatchLog
from tests.conftest import BROWSER, User

PLANS = {
    "anonymous": {"/api/": {"per_minute": 3}},
    "free": {"/api/": {"per_minute": 5}, "/api/export/": {"per_minute": 1, "lifetime": 2}},
    "pro": {"/api/": {"per_minute": 50, "per_hour": 60}},
    "default": {"/api/": {"per_minute": 2}},
}


def statuses(run, make, n):
    return [run(make()).status_code for _ in range(n)]


@pytest.fixture
def plans(smart, frozen_clock):
    smart(RATE_LIMIT_PLANS=PLANS)


def test_anonymous_limited_by_ip_with_429_json_and_headers(plans, call, rf_user):
    run = call()
    assert statuses(run, lambda: rf_user("/api/items/"), 3) == [200] * 3
    refused = run(rf_user("/api/items/"))
    assert refused.status_code == 429
    body = json.loads(refused.content)
    assert body["error"] == "rate_limit"
    assert body["window"] == "minute" and body["limit"] == 3 and body["plan"] == "anonymous"
    assert refused["Retry-After"] == str(body["retry_after"])
    assert 1 <= int(refused["Retry-After"]) <= 66
    assert refused["RateLimit-Policy"] == "anonymous-minute;q=3;w=60"
    assert refused["RateLimit"].startswith("anonymous-minute;r=0;t=")
    # Another IP has its own counter.
    assert run(rf_user("/api/items/", ip="198.51.100.7")).status_code == 200


def test_admitted_responses_carry_ratelimit_headers(plans, call, rf_user):
    response = call()(rf_user("/api/items/", user=User(1, "pro")))
    assert response.status_code == 200
    assert response["RateLimit-Policy"] == "pro-minute;q=50;w=60, pro-hour;q=60;w=3600"
    assert response["RateLimit"].startswith("pro-minute;r=49;t=")


def test_headers_can_be_turned_off(smart, frozen_clock, call, rf_user):
    smart(RATE_LIMIT_PLANS=PLANS, RATELIMIT_HEADERS=False)
    response = call()(rf_user("/api/items/"))
    assert "RateLimit" not in response and "RateLimit-Policy" not in response


def test_plan_comes_from_the_plan_field(plans, call, rf_user):
    run = call()
    free, pro = User(1, "free"), User(2, "pro")
    assert statuses(run, lambda: rf_user("/api/items/", user=free), 6) == [200] * 5 + [429]
    assert statuses(run, lambda: rf_user("/api/items/", user=pro), 6) == [200] * 6


def test_custom_plan_field(smart, frozen_clock, call, rf_user):
    smart(RATE_LIMIT_PLANS=PLANS, PLAN_FIELD="tier")
    user = User(1)
    user.tier = "free"  # type: ignore[attr-defined]
    assert statuses(call(), lambda: rf_user("/api/x", user=user), 6)[-1] == 429


@pytest.mark.parametrize("plan", [None, "enterprise", 42])
def test_missing_or_unknown_plan_falls_back_to_default(plans, call, rf_user, plan):
    run = call()
    assert statuses(run, lambda: rf_user("/api/x", user=User(7, plan)), 3) == [200, 200, 429]


def test_no_default_plan_configured_means_no_limits(smart, frozen_clock, call, rf_user):
    smart(RATE_LIMIT_PLANS={"pro": {"/api/": {"per_minute": 1}}})
    assert statuses(call(), lambda: rf_user("/api/x", user=User(7, "gold")), 5) == [200] * 5


def test_longest_prefix_wins_and_paths_under_it_share_one_counter(plans, call, rf_user):
    run = call()
    free = User(3, "free")
    assert run(rf_user("/api/export/a", user=free)).status_code == 200
    # A different path under /api/export/ shares the counter: 1 per minute.
    assert run(rf_user("/api/export/b?x=1", user=free)).status_code == 429
    # /api/ is a separate counter for the same user.
    assert run(rf_user("/api/items/9/", user=free)).status_code == 200


def test_varying_the_id_or_doubling_slashes_does_not_escape(plans, call, rf_user):
    run = call()
    codes = [run(rf_user(f"/api/users/{i}/")).status_code for i in range(3)]
    codes.append(run(rf_user("/api//users/99/")).status_code)
    assert codes == [200, 200, 200, 429]


def test_lifetime_quota_refusal_has_no_retry_after(plans, call, rf_user, frozen_clock):
    run = call()
    free = User(4, "free")
    assert run(rf_user("/api/export/", user=free)).status_code == 200
    frozen_clock.advance(120)
    assert run(rf_user("/api/export/", user=free)).status_code == 200
    frozen_clock.advance(120)
    refused = run(rf_user("/api/export/", user=free))
    assert refused.status_code == 429
    assert "Retry-After" not in refused
    assert json.loads(refused.content)["error"] == "quota"


def test_unlimited_paths_pass(plans, call, rf_user):
    run = call()
    assert statuses(run, lambda: rf_user("/about/"), 10) == [200] * 10


def test_allow_lists_bypass_everything(smart, frozen_clock, call, rf_user):
    smart(
        RATE_LIMIT_PLANS={"anonymous": {"/": {"per_minute": 1}}, "default": {"/": {"per_minute": 1}}},
        WHITELIST_PATHS=["/health/"],
        WHITELIST_IPS=["10.0.0.0/8"],
        WHITELIST_USERS=[99],
    )
    run = call()
    assert statuses(run, lambda: rf_user("/health/"), 3) == [200] * 3
    assert statuses(run, lambda: rf_user("/x", ip="10.1.2.3"), 3) == [200] * 3
    assert statuses(run, lambda: rf_user("/x", user=User(99)), 3) == [200] * 3
    assert statuses(run, lambda: rf_user("/x"), 2) == [200, 429]


def test_monitor_mode_records_but_never_blocks(smart, frozen_clock, call, rf_user):
    smart(RATE_LIMIT_PLANS=PLANS, MODE="monitor")
    seen = []

    def receiver(sender, reason, enforced, **kwargs):
        seen.append((reason, enforced))

    signals.request_blocked.connect(receiver)
    try:
        assert statuses(call(), lambda: rf_user("/api/x"), 5) == [200] * 5
    finally:
        signals.request_blocked.disconnect(receiver)
    # The counters behave as in enforce mode: refusals do not consume quota.
    assert seen == [("rate_limit", False)] * 2


def test_request_blocked_signal_in_enforce_mode(plans, call, rf_user):
    seen = []

    def receiver(sender, request, reason, identity, enforced, **kwargs):
        seen.append((reason, identity.key, enforced, request.path))

    signals.request_blocked.connect(receiver)
    try:
        statuses(call(), lambda: rf_user("/api/q"), 4)
    finally:
        signals.request_blocked.disconnect(receiver)
    assert seen == [("rate_limit", "ip:203.0.113.10", True, "/api/q")]


def test_identity_resolver_gives_api_users_their_plan(smart, frozen_clock, call, rf_user):
    smart(RATE_LIMIT_PLANS=PLANS, IDENTITY_RESOLVER="tests.resolvers.token_user")
    run = call()
    codes = [run(rf_user("/api/x", HTTP_AUTHORIZATION="Token free-11")).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    # No token: the resolver says None, so the anonymous plan applies.
    assert statuses(run, lambda: rf_user("/api/x", ip="192.0.2.1"), 4)[-1] == 429


def test_resolver_that_raises_never_becomes_a_500(smart, frozen_clock, call, rf_user):
    smart(RATE_LIMIT_PLANS=PLANS, IDENTITY_RESOLVER="tests.resolvers.broken")
    assert call()(rf_user("/api/x")).status_code == 200


def test_user_object_that_raises_never_becomes_a_500(plans, call, rf_user):
    class Broken:
        @property
        def is_authenticated(self):
            raise RuntimeError("boom")

    assert call()(rf_user("/api/x", user=Broken())).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/api/" + "a" * 10000, "/api/%00%ff", "/api/\u202e\u0000", "/api/../../etc/passwd"],
)
def test_odd_paths_get_a_defined_answer(plans, call, rf_user, path):
    assert call()(rf_user(path)).status_code in (200, 429)


@pytest.mark.parametrize(
    "xff", ["1.2.3.4, , ,", "\xff\xfe", "a" * 100000, ",".join(["9.9.9.9"] * 10000), "[::1"]
)
def test_forged_or_malformed_forwarded_for_is_harmless(plans, call, rf_user, xff):
    run = call()
    codes = [run(rf_user("/api/x", HTTP_X_FORWARDED_FOR=xff)).status_code for _ in range(4)]
    # Without trusted proxies the header is ignored: all four count against REMOTE_ADDR.
    assert codes == [200, 200, 200, 429]


def test_legacy_classes_run_one_feature(plans, call, rf_user):
    run = call(RateLimiter)
    assert statuses(run, lambda: rf_user("/api/x"), 4)[-1] == 429
    # WatchLog does no rate limiting (monitoring arrives with its own feature).
    watch = call(WatchLog)
    assert statuses(watch, lambda: rf_user("/api/x", ip="192.0.2.55"), 5) == [200] * 5
    assert call(AIAnomalyDetector)(rf_user("/api/x", ip="192.0.2.56")).status_code == 200


def test_features_setting_turns_rate_limiting_off(smart, frozen_clock, call, rf_user):
    smart(RATE_LIMIT_PLANS=PLANS, FEATURES=["monitor"])
    assert statuses(call(), lambda: rf_user("/api/x"), 5) == [200] * 5


def test_invalid_settings_fail_at_startup_not_per_request(smart):
    from django.core.exceptions import ImproperlyConfigured

    smart(RATE_LIMIT_PLANS={"free": {"/api/": {"per_minit": 5}}})
    with pytest.raises(ImproperlyConfigured, match="per_minit"):
        SmartLayerMiddleware(lambda r: None)


@pytest.mark.django_db
def test_no_sql_queries_on_the_request_path(plans, django_assert_num_queries, rf_user):
    mw = SmartLayerMiddleware(lambda r: __import__("django.http").http.HttpResponse("ok"))
    with django_assert_num_queries(0):
        for i in range(5):
            mw(rf_user("/api/x", user=User(i, "pro")))
            mw(rf_user("/api/x"))


def test_full_django_stack_with_client(plans, client):
    with override_settings(
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "smartlayer.middleware.SmartLayerMiddleware",
        ]
    ):
        codes = [client.get("/api/users/1/", HTTP_USER_AGENT=BROWSER).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_async_identity_takes_no_thread_for_a_user_already_loaded(smart, rf_user, monkeypatch):
    """Without request.auser() (Django 4.2, or middleware that sets request.user itself) a
    user object that is already there is read on the event loop; only a lazy user that
    still has to be loaded goes to a worker thread."""
    from django.utils.functional import SimpleLazyObject

    from smartlayer import middleware

    hops = []
    real = middleware.sync_to_async

    def counting(fn, *args, **kwargs):
        hops.append(fn)
        return real(fn, *args, **kwargs)

    monkeypatch.setattr(middleware, "sync_to_async", counting)
    request = rf_user("/api/x/")
    loaded = request.user
    assert asyncio.run(middleware._auser(request)) is loaded
    assert hops == []

    request.user = SimpleLazyObject(lambda: loaded)
    assert asyncio.run(middleware._auser(request)).is_authenticated is False
    assert len(hops) == 1


def test_a_validator_error_does_not_switch_off_bans_and_limits(plans, call, rf_user, monkeypatch, caplog):
    """An unexpected exception inside the validator is logged and the request goes on to the
    ban check and the rate limits like any other (it must not let an attacker skip them)."""
    from smartlayer import validator

    def broken(*args, **kwargs):
        raise ValueError("a bug in the validator")

    from smartlayer.exceptions import log_internal

    monkeypatch.setattr(validator, "inspect", broken)
    monkeypatch.setattr(log_internal, "next_at", 0.0)  # logged at most every 10 s: from now
    run = call()
    request = lambda: rf_user("/api/items/?q=1")  # noqa: E731 - a query string: the validator runs
    assert statuses(run, request, 4) == [200, 200, 200, 429]
    assert any("internal error in the validator" in r.getMessage() for r in caplog.records)


def test_refused_attacks_count_like_any_request_and_a_ban_comes_first(plans, call, rf_user):
    """The validator runs while the pre-request script is on its way, so a refused attack
    is counted by the rate limits (a flood of attacks meets 429 like any flood) and an
    identity already banned is told so, whatever its request holds."""
    run = call()
    attack = lambda: rf_user("/api/items/?q=%3Cscript%3Ealert(1)%3C/script%3E")  # noqa: E731
    codes = [run(attack()) for _ in range(4)]
    assert [r.status_code for r in codes] == [403, 403, 403, 429]
    assert [json.loads(r.content)["error"] for r in codes] == ["validator"] * 3 + ["rate_limit"]

    from smartlayer import store
    from smartlayer.conf import get_config
    from smartlayer.keys import Keys

    ip = "198.51.100.77"
    store.get_store().client.set(Keys(get_config().key_prefix).ban(f"ip:{ip}"), "manual", px=60000)
    refused = run(rf_user("/api/items/?q=%3Cscript%3Ealert(1)%3C/script%3E", ip=ip))
    assert refused.status_code == 403 and json.loads(refused.content)["error"] == "banned"
