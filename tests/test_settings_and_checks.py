"""Settings parsing and system checks: defaults, every problem's stable ID, hints."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from smartlayer.checks import check_settings
from smartlayer.conf import Config, get_config, parse
from smartlayer.exceptions import ConfigError
from tests.conftest import requires_real_redis


def problems(raw):
    with pytest.raises(ConfigError) as info:
        parse(raw)
    return info.value.problems


def ids(raw):
    return [p.id for p in problems(raw)]


def test_defaults():
    cfg = parse({})
    assert cfg == Config(raw={})
    assert (cfg.key_prefix, cfg.mode, cfg.fail_mode, cfg.redis_timeout) == ("sl", "enforce", "open", 0.01)
    assert cfg.features == {"validator", "anomaly", "ratelimit", "monitor"}
    assert (cfg.ipv6_prefix, cfg.plan_field, cfg.default_plan) == (64, "plan", "default")
    assert cfg.embedded and cfg.ratelimit_headers and cfg.trusted_proxy_count == 0
    assert cfg.anomaly.suspicion_threshold == 5 and cfg.anomaly.hard_block_score == 8


def test_not_a_dict():
    assert ids(["REDIS_URL"]) == ["smartlayer.E001"]


@pytest.mark.parametrize(
    ("key", "suggestion"),
    [("REDIS_ULR", "REDIS_URL"), ("rate_limit_plans", "RATE_LIMIT_PLANS"), ("FAILMODE", "FAIL_MODE")],
)
def test_unknown_setting_suggests_the_closest(key, suggestion):
    (p,) = problems({key: 1})
    assert p.id == "smartlayer.E002" and repr(suggestion) in p.hint


@pytest.mark.parametrize(
    "raw",
    [
        {"MODE": "audit"},
        {"FAIL_MODE": "maybe"},
        {"FEATURES": ["ratelimit", "firewall"]},
        {"FEATURES": "ratelimit"},
        {"REDIS_TIMEOUT": 0},
        {"REDIS_TIMEOUT": "1"},
        {"KEY_PREFIX": "has space"},
        {"KEY_PREFIX": "x" * 40},
        {"RATELIMIT_HEADERS": "yes"},
        {"REDIS_CLUSTER": 1},
        {"IPV6_PREFIX": 8},
        {"WHITELIST_PATHS": "/health/"},
        {"DEFAULT_PLAN": ""},
    ],
)
def test_bad_values_are_e003(raw):
    assert ids(raw) == ["smartlayer.E003"]


@pytest.mark.parametrize(
    "raw",
    [
        {"REDIS_URL": "http://127.0.0.1:6379"},
        {"REDIS_URL": "127.0.0.1:6379"},
        {"REDIS_URL": "unix:///tmp/r.sock", "REDIS_CLUSTER": True},
        {"REDIS_CLUSTER": True},
        {"CACHE_ALIAS": "nope"},
    ],
)
def test_bad_redis_location_is_e004(raw):
    assert "smartlayer.E004" in ids(raw)


def test_redis_url_and_cache_alias_together(settings):
    settings.CACHES = {"r": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://x"}}
    assert ids({"REDIS_URL": "redis://127.0.0.1/0", "CACHE_ALIAS": "r"}) == ["smartlayer.E004"]


def test_valid_redis_locations():
    assert parse({"REDIS_URL": "rediss://u:p@redis.example:6380/2"}).redis_url
    assert parse({"REDIS_URL": "unix:///run/redis.sock"}).redis_url
    assert parse({"REDIS_URL": "redis://10.0.0.1:7000", "REDIS_CLUSTER": True}).redis_cluster


@pytest.mark.parametrize(
    "raw",
    [
        {"TRUSTED_PROXIES": ["10.0.0.0/33"]},
        {"TRUSTED_PROXIES": ["proxy.internal"]},
        {"TRUSTED_PROXIES": "10.0.0.0/8"},
        {"TRUSTED_PROXIES": 17},
        {"WHITELIST_IPS": ["1.2.3.4", "nope"]},
    ],
)
def test_bad_addresses_are_e005(raw):
    assert ids(raw) == ["smartlayer.E005"]


def test_proxy_settings():
    assert parse({"TRUST_PROXY": True}).trusted_proxy_count == 1
    assert parse({"TRUSTED_PROXIES": 2}).trusted_proxy_count == 2
    cfg = parse({"TRUSTED_PROXIES": ["10.0.0.0/8", "2001:db8::1"], "TRUST_PROXY": True})
    assert cfg.trusted_proxy_count == 0 and len(cfg.trusted_networks) == 2


@pytest.mark.parametrize("path", ["nowhere.resolver", "tests.resolvers.missing", "tests.resolvers"])
def test_bad_resolver_is_e006(path):
    assert ids({"IDENTITY_RESOLVER": path}) == ["smartlayer.E006"]


@pytest.mark.parametrize(
    ("plans", "expected"),
    [
        ([], "smartlayer.E101"),
        ({"free": ["/api/"]}, "smartlayer.E101"),
        ({"free": {"/api/": 60}}, "smartlayer.E101"),
        ({"free": {"/api/": {"per_min": 5}}}, "smartlayer.E102"),
        ({"free": {"/api/": {"per_minute": 0}}}, "smartlayer.E103"),
        ({"free": {"/api/": {"per_minute": -1}}}, "smartlayer.E103"),
        ({"free": {"/api/": {"per_minute": "10"}}}, "smartlayer.E103"),
        ({"free": {"/api/": {"per_minute": True}}}, "smartlayer.E103"),
        ({"free": {"/api/": {"per_minute": 1.5}}}, "smartlayer.E103"),
        ({"free": {"api/": {"per_minute": 5}}}, "smartlayer.E104"),
    ],
)
def test_bad_plans(plans, expected):
    assert ids({"RATE_LIMIT_PLANS": plans}) == [expected]


def test_unknown_limit_suggests_the_closest():
    (p,) = problems({"RATE_LIMIT_PLANS": {"free": {"/api/": {"per_min": 5}}}})
    assert "'per_minute'" in p.hint


@pytest.mark.parametrize(
    ("anomaly", "expected"),
    [
        ({"burst_request": 40}, "smartlayer.E201"),
        ({"weights": {"anonymos": 0}}, "smartlayer.E201"),
        ("strict", "smartlayer.E201"),
        ({"burst_requests": -1}, "smartlayer.E202"),
        ({"suspicious_user_agents": "curl"}, "smartlayer.E202"),
    ],
)
def test_bad_anomaly_settings(anomaly, expected):
    assert ids({"ANOMALY": anomaly}) == [expected]


def test_every_problem_is_reported_at_once():
    found = ids(
        {
            "MODE": "x",
            "REDIS_URL": "http://x",
            "TRUSTED_PROXIES": ["x"],
            "RATE_LIMIT_PLANS": {"free": {"/a/": {"per_min": 1}, "b": {"per_day": 0}}},
            "TYPO": 1,
        }
    )
    assert sorted(found) == sorted(
        ["smartlayer.E002", "smartlayer.E003", "smartlayer.E004", "smartlayer.E005",
         "smartlayer.E102", "smartlayer.E104"]
    )  # fmt: skip


def test_legacy_keys_are_accepted():
    cfg = parse(
        {
            "AI_API_KEY": "k",
            "AI_BASE_URL": "https://api.example/v1",
            "AI_MODEL": "m",
            "ANALYSE_LOGS_AT": "06:00",
            "LOG_RETENTION_DAYS": 30,
            "grey_suspicion_threshold": 6,
            "grey_hard_block_score": 9,
            "grey_sensitive_paths": ["/secret"],
            "PLAN_FIELD": "tier",
            "TRUST_PROXY": False,
            "WHITELIST_IPS": ["10.0.0.0/8"],
            "WHITELIST_PATHS": ["/health/"],
        }
    )
    assert cfg.anomaly.sensitive_paths == ("/secret",) and cfg.plan_field == "tier"


def test_rules_longest_prefix_first_and_slashes_folded():
    plan = parse(
        {
            "RATE_LIMIT_PLANS": {
                "p": {"/": {"per_day": 9}, "/api//x/": {"per_minute": 1}, "/api/": {"lifetime": 3}}
            }
        }
    ).plans["p"]
    assert [r.prefix for r in plan.rules] == ["/api/x/", "/api/", "/"]
    assert plan.match("/api/x/1").prefix == "/api/x/"
    assert plan.match("/api/y").prefix == "/api/"
    assert plan.match("/other").prefix == "/"
    assert plan.rules[1].windows == () and plan.rules[1].lifetime == 3


def test_get_config_is_cached_and_reset_when_settings_change(settings):
    settings.SMART_MIDDLEWARE = {"KEY_PREFIX": "one"}
    first = get_config()
    assert get_config() is first
    settings.SMART_MIDDLEWARE = {"KEY_PREFIX": "two"}
    assert get_config().key_prefix == "two"


# -- checks -------------------------------------------------------------------------------


def check_ids():
    return [m.id for m in check_settings()]


def test_config_errors_become_check_errors(settings):
    settings.SMART_MIDDLEWARE = {"MODE": "x", "RATE_LIMIT_PLANS": {"f": {"/a/": {"per_min": 1}}}}
    messages = check_settings()
    assert sorted(m.id for m in messages) == ["smartlayer.E003", "smartlayer.E102"]
    assert all(m.is_serious() for m in messages)


def test_embedded_store_warns(settings):
    settings.SMART_MIDDLEWARE = {}
    assert check_ids() == ["smartlayer.W001"]


def test_missing_middleware_warns(settings):
    settings.SMART_MIDDLEWARE = {"REDIS_URL": "redis://127.0.0.1:6379/0"}
    settings.MIDDLEWARE = ["django.contrib.auth.middleware.AuthenticationMiddleware"]
    assert check_ids() == ["smartlayer.W002"]


def test_middleware_before_authentication_warns(settings):
    settings.SMART_MIDDLEWARE = {"REDIS_URL": "redis://127.0.0.1:6379/0"}
    settings.MIDDLEWARE = [
        "smartlayer.middleware.RateLimiter",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
    ]
    assert check_ids() == ["smartlayer.W003"]


def test_well_configured_site_has_no_messages(settings):
    settings.SMART_MIDDLEWARE = {"REDIS_URL": "redis://127.0.0.1:6379/0"}
    assert check_ids() == []


@requires_real_redis
def test_lifetime_quota_without_persistence_warns(settings):
    import os

    settings.SMART_MIDDLEWARE = {
        "REDIS_URL": os.environ["REDIS_URL"],
        "REDIS_TIMEOUT": 0.5,
        "RATE_LIMIT_PLANS": {"free": {"/api/": {"lifetime": 100}}},
    }
    # The test Redis runs with save "" and appendonly no.
    assert check_ids() == ["smartlayer.W101"]


def test_lifetime_quota_with_unreachable_redis_warns(settings):
    settings.SMART_MIDDLEWARE = {
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "RATE_LIMIT_PLANS": {"free": {"/api/": {"lifetime": 100}}},
    }
    assert check_ids() == ["smartlayer.W102"]


def test_manage_py_check_fails_on_bad_settings(settings):
    settings.SMART_MIDDLEWARE = {"REDIS_URL": "nope"}
    with pytest.raises(SystemCheckError, match=r"smartlayer\.E004"):
        call_command("check")
