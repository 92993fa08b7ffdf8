"""System checks. Every ID is stable and listed in docs/checks.md.

Configuration problems come from ``conf.parse`` (the single validator); this module only
turns them into messages and adds checks of the environment: the embedded store, the
middleware's place, the django-redis pool's timeouts, Redis persistence for lifetime quotas.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from smartlayer.conf import get_config
from smartlayer.exceptions import ConfigError, StoreUnavailable

MIDDLEWARE_NAMES = {
    f"smartlayer.middleware.{name}"
    for name in (
        "SmartLayerMiddleware",
        "AIRequestValidator",
        "AIAnomalyDetector",
        "RateLimiter",
        "WatchLog",
    )
}
AUTH_MIDDLEWARE = "django.contrib.auth.middleware.AuthenticationMiddleware"


@checks.register("smartlayer")
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        cfg = get_config()
    except ConfigError as exc:
        return [checks.Error(p.msg, hint=p.hint, id=p.id) for p in exc.problems]
    messages: list[checks.CheckMessage] = []
    if cfg.embedded:
        messages.append(
            checks.Warning(
                "smartlayer uses an in-process fakeredis: every worker process keeps its own "
                "counters, bans and limits, and they vanish on restart.",
                hint="Set SMART_MIDDLEWARE['REDIS_URL'] (or CACHE_ALIAS) for production.",
                id="smartlayer.W001",
            )
        )
    messages += _middleware_order()
    if cfg.cache_alias:
        messages += _alias_timeouts(cfg)
    if cfg.has_lifetime_quotas and not cfg.embedded:
        messages += _persistence()
    return messages


def _middleware_order() -> list[checks.CheckMessage]:
    middleware = list(getattr(settings, "MIDDLEWARE", None) or [])
    ours = [i for i, name in enumerate(middleware) if name in MIDDLEWARE_NAMES]
    if not ours:
        return [
            checks.Warning(
                "No smartlayer middleware is in MIDDLEWARE, so nothing is enforced.",
                hint="Add 'smartlayer.middleware.SmartLayerMiddleware' after AuthenticationMiddleware.",
                id="smartlayer.W002",
            )
        ]
    if AUTH_MIDDLEWARE in middleware and min(ours) < middleware.index(AUTH_MIDDLEWARE):
        return [
            checks.Warning(
                "smartlayer middleware runs before AuthenticationMiddleware, so every request "
                "looks anonymous and is limited by IP.",
                hint="Move it after 'django.contrib.auth.middleware.AuthenticationMiddleware'.",
                id="smartlayer.W003",
            )
        ]
    return []


def _alias_timeouts(cfg: Any) -> list[checks.CheckMessage]:
    from smartlayer.store import get_store

    try:
        kwargs = get_store().client.connection_pool.connection_kwargs
    except Exception:  # noqa: BLE001 - an unusable alias shows up at request time too
        return []
    timeout = kwargs.get("socket_timeout")
    if timeout is None or timeout > 0.05:
        return [
            checks.Warning(
                f"The django-redis cache {cfg.cache_alias!r} has socket_timeout={timeout!r}: a "
                "hung Redis would hold every request that long.",
                hint="Set OPTIONS {'SOCKET_TIMEOUT': 0.005, 'SOCKET_CONNECT_TIMEOUT': 0.005} on "
                "that cache, or use REDIS_URL.",
                id="smartlayer.W004",
            )
        ]
    return []


def _persistence() -> list[checks.CheckMessage]:
    from smartlayer.store import persistence

    try:
        enabled = persistence()
    except StoreUnavailable as exc:
        return [
            checks.Warning(
                f"Could not ask Redis whether it persists data ({exc}).",
                hint="Lifetime quotas need RDB or AOF persistence; see docs/operations.md.",
                id="smartlayer.W102",
            )
        ]
    if enabled is False:
        return [
            checks.Warning(
                "Lifetime quotas are configured but Redis persists nothing (no RDB save points, "
                "no AOF): a Redis restart resets every lifetime count to zero.",
                hint="Enable appendonly or save points; see docs/operations.md.",
                id="smartlayer.W101",
            )
        ]
    return []
