"""Django settings of the benchmark site (benchmarks/bench_site.py), as a dict for
``settings.configure``: one Redis for smartlayer, django-redis (django-ratelimit, DRF) alike."""

from __future__ import annotations

from typing import Any

PATH = "/api/items/"
# (name, seconds, limit): the same three limits in every variant.
LIMITS = (("minute", 60, 1_000), ("hour", 3_600, 10_000), ("day", 86_400, 100_000))
PLAN = "pro"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def settings_dict(redis_url: str, prefix: str) -> dict[str, Any]:
    """Django settings for the benchmark; SMART_MIDDLEWARE is set per variant."""
    return {
        "DEBUG": False,
        "SECRET_KEY": "bench",
        "ALLOWED_HOSTS": ["*"],
        "ROOT_URLCONF": "benchmarks.bench_site",
        "INSTALLED_APPS": [
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "rest_framework",
            "smartlayer",
        ],
        "MIDDLEWARE": [],
        # Configured (DRF and auth need one) but never queried: the benchmark counts queries.
        "DATABASES": {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        "CACHES": {
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": redis_url,
                "KEY_PREFIX": prefix,
            }
        },
        "RATELIMIT_USE_CACHE": "default",
        "REST_FRAMEWORK": {
            "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
            "DEFAULT_PERMISSION_CLASSES": [],
            "DEFAULT_THROTTLE_RATES": {name: f"{limit}/{name}" for name, _, limit in LIMITS},
        },
        "SMART_MIDDLEWARE": smartlayer_settings(redis_url, prefix),
        "LOGGING_CONFIG": None,
        "USE_TZ": True,
    }


def smartlayer_settings(redis_url: str, prefix: str, features: list[str] | None = None) -> dict[str, Any]:
    """SMART_MIDDLEWARE for one variant: FEATURES left at its default unless given."""
    raw: dict[str, Any] = {
        "REDIS_URL": redis_url,
        "KEY_PREFIX": prefix,
        # Measure cost, not a spurious timeout on a busy shared machine (which would fail
        # open and skip Redis); the default is 10 ms.
        "REDIS_TIMEOUT": 0.5,
        "RATE_LIMIT_PLANS": {PLAN: {"/api/": {f"per_{name}": limit for name, _, limit in LIMITS}}},
    }
    if features is not None:
        raw["FEATURES"] = features
    return raw
