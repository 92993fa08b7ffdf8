"""Settings of the load benchmark (benchmarks/load/run.py): the demo site, three variants.

``LOAD_VARIANT`` picks the middleware:

* ``bare``       - Django's session and auth middleware only (no smartlayer);
* ``smartlayer`` - the demo's stack: SmartLayerMiddleware, every feature, the real Redis;
* ``ratelimit``  - django-ratelimit doing one limit per client IP (a tiny middleware,
  ``rl_middleware.py``), cache = django-redis on the same Redis.

Relaxed for the load (and only for it): plan limits are far above what the load sends, and
the anomaly detector's per-identity volume rules (burst, elevated rate, distinct paths,
sequential ids) are disabled with huge thresholds, because a load generator is by design one
client hammering a few URLs. Every other rule, the validator, the rate limiter and the monitor
still run on every request. Client addresses are spread over ``LOAD_IPS`` addresses sent in
X-Forwarded-For from the trusted loopback proxy, so the per-identity keys are realistic.
"""

from __future__ import annotations

import os

os.environ.setdefault("DEMO_KEY_PREFIX", os.environ.get("LOAD_KEY_PREFIX", "slload"))

from demo_site.settings import *  # noqa: F403
from demo_site.settings import MIDDLEWARE as DEMO_MIDDLEWARE
from demo_site.settings import SMART_MIDDLEWARE as DEMO_SMART

VARIANT = os.environ.get("LOAD_VARIANT", "smartlayer")
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/0")
PREFIX = os.environ.get("LOAD_KEY_PREFIX", "slload")
HUGE = 10**9

BASE_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
if VARIANT == "bare":
    MIDDLEWARE = list(BASE_MIDDLEWARE)
elif VARIANT == "ratelimit":
    MIDDLEWARE = [*BASE_MIDDLEWARE, "benchmarks.load.rl_middleware.IPRateLimitMiddleware"]
elif VARIANT == "smartlayer":
    MIDDLEWARE = list(DEMO_MIDDLEWARE)
else:
    raise RuntimeError(f"unknown LOAD_VARIANT {VARIANT!r}")

# The same Redis for django-ratelimit (via django-redis) as for smartlayer; every variant has it.
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": PREFIX,
    }
}
RATELIMIT_USE_CACHE = "default"
# The load generator sends the client address in X-Forwarded-For (one address per request).
RATELIMIT_IP_META_KEY = "HTTP_X_FORWARDED_FOR"
RATELIMIT_RATE = os.environ.get("LOAD_RATELIMIT_RATE", "1000000/m")

_GENEROUS = {"per_minute": 10_000_000, "per_hour": 100_000_000}
SMART_MIDDLEWARE = {
    **DEMO_SMART,
    "KEY_PREFIX": PREFIX,
    "REDIS_URL": REDIS_URL,
    "TRUSTED_PROXIES": ["127.0.0.1/32"],
    # The default is 10 ms. On this 2-core box the load generator, the workers and Redis share
    # the CPUs, so a Redis reply can be late; a timeout would fail open and skip Redis, which
    # would flatter the figures. LOAD_REDIS_TIMEOUT=0.01 measures the default instead.
    "REDIS_TIMEOUT": float(os.environ.get("LOAD_REDIS_TIMEOUT", "0.5")),
    "RATE_LIMIT_PLANS": {
        "anonymous": {"/api/": dict(_GENEROUS)},
        "free": {"/api/": dict(_GENEROUS), "/api/export/": {**_GENEROUS, "lifetime": HUGE}},
        "pro": {"/api/": dict(_GENEROUS), "/api/export/": dict(_GENEROUS)},
    },
    "ANOMALY": {
        "burst_requests": HUGE,
        "elevated_requests": HUGE,
        "distinct_paths": HUGE,
        "sequential_run": HUGE,
        "idle_burst_requests": HUGE,
    },
}
SILENCED_SYSTEM_CHECKS = []

_LOG = os.environ.get("LOAD_LOG")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "file": {"class": "logging.FileHandler", "filename": _LOG, "delay": True}
        if _LOG
        else {"class": "logging.NullHandler"},
    },
    "loggers": {
        "smartlayer": {"handlers": ["file"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["file"], "level": "ERROR", "propagate": False},
        "django_ratelimit": {"handlers": ["file"], "level": "WARNING", "propagate": False},
    },
}
