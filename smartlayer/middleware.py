"""The middleware: one engine, sync or async, one Redis call before the view.

``SmartLayerMiddleware`` runs every enabled feature (``FEATURES``). The 0.1.x class names
are the same engine with one feature each; listing several of them costs one call each, so
prefer ``SmartLayerMiddleware``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from django.http import HttpRequest, HttpResponseBase

from smartlayer import clock, lua, signals
from smartlayer.conf import get_config
from smartlayer.engine import Engine, Outcome, Prepared
from smartlayer.exceptions import ConfigError, StoreUnavailable
from smartlayer.responses import refusal
from smartlayer.store import get_async_store, get_store

logger = logging.getLogger("smartlayer")

# An unexpected error of ours is logged at most this often (seconds), never raised.
INTERNAL_ERROR_LOG_INTERVAL = 10.0

__all__ = [
    "AIAnomalyDetector",
    "AIRequestValidator",
    "RateLimiter",
    "SmartLayerMiddleware",
    "WatchLog",
]


class _Throttled:
    """Log an internal error with its traceback, at most once per interval per process."""

    def __init__(self) -> None:
        self.next_at = 0.0
        self.lock = threading.Lock()

    def __call__(self, what: str) -> None:
        now = clock.monotonic()
        with self.lock:
            if now < self.next_at:
                return
            self.next_at = now + INTERNAL_ERROR_LOG_INTERVAL
        logger.exception("smartlayer: internal error in %s; request let through", what)


_log_internal = _Throttled()


class SmartLayerMiddleware:
    """Runs every enabled feature in one Redis round trip before the view."""

    sync_capable = True
    async_capable = True
    #: The features this class may run; None means all that FEATURES enables.
    feature_set: frozenset[str] | None = None

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        try:
            cfg = get_config()
        except ConfigError as exc:
            raise ImproperlyConfigured(f"SMART_MIDDLEWARE is invalid: {exc}") from exc
        features = cfg.features if self.feature_set is None else cfg.features & self.feature_set
        if not features:
            raise MiddlewareNotUsed
        self.cfg = cfg
        self.engine = Engine(cfg, frozenset(features))
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        prepared = self._prepare_sync(request)
        outcome = None
        if prepared is not None:
            try:
                replies = get_store().run(lua.PRE_REQUEST, prepared.keys, prepared.args)
            except StoreUnavailable:
                refused = self._unavailable(request)
                if refused is not None:
                    return refused
            else:
                outcome = self._decide(request, prepared, replies)
                if outcome is not None and outcome.reason and not self.cfg.monitor_only:
                    return self._refusal(outcome)
        response = self.get_response(request)
        return self._finish(response, outcome)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        prepared = await self._prepare_async(request)
        outcome = None
        if prepared is not None:
            try:
                replies = await get_async_store().run(lua.PRE_REQUEST, prepared.keys, prepared.args)
            except StoreUnavailable:
                refused = self._unavailable(request)
                if refused is not None:
                    return refused
            else:
                outcome = self._decide(request, prepared, replies)
                if outcome is not None and outcome.reason and not self.cfg.monitor_only:
                    return self._refusal(outcome)
        response = await self.get_response(request)
        return self._finish(response, outcome)

    # -- identity: the only part that differs between sync and async ----------------------

    def _prepare_sync(self, request: HttpRequest) -> Prepared | None:
        if self.engine.skip(request.path):
            return None
        try:
            resolver = self.cfg.identity_resolver
            resolved = resolver(request) if resolver else None
            user = None if resolved is not None else getattr(request, "user", None)
            return self.engine.prepare(request, user, resolved)
        except Exception:  # noqa: BLE001 - never a 500 from us
            _log_internal("identity resolution")
            return None

    async def _prepare_async(self, request: HttpRequest) -> Prepared | None:
        if self.engine.skip(request.path):
            return None
        try:
            resolver = self.cfg.identity_resolver
            resolved = None
            if resolver is not None:
                resolved = resolver(request)
                if iscoroutinefunction(resolver):
                    resolved = await resolved
            user = None if resolved is not None else await _auser(request)
            return self.engine.prepare(request, user, resolved)
        except Exception:  # noqa: BLE001 - never a 500 from us
            _log_internal("identity resolution")
            return None

    # -- decisions, shared -----------------------------------------------------------------

    def _decide(self, request: HttpRequest, prepared: Prepared, replies: Any) -> Outcome | None:
        try:
            outcome = self.engine.decide(prepared, replies)
        except Exception:  # noqa: BLE001 - a malformed reply must not become a 500
            _log_internal("decision")
            return None
        if outcome.reason:
            enforced = not self.cfg.monitor_only
            logger.info(
                "smartlayer: %s %s for %s on %s%s",
                "refused" if enforced else "would refuse",
                outcome.reason,
                prepared.identity.key,
                request.path[:200],
                f" ({outcome.note})" if outcome.note else "",
            )
            signals.request_blocked.send(
                sender=type(self),
                request=request,
                reason=outcome.reason,
                identity=prepared.identity,
                enforced=enforced,
            )
        return outcome

    def _refusal(self, outcome: Outcome) -> HttpResponseBase:
        assert outcome.reason is not None
        return refusal(outcome.status, outcome.reason, outcome.retry_after, outcome.headers, **outcome.detail)

    def _unavailable(self, request: HttpRequest) -> HttpResponseBase | None:
        """FAIL_MODE: let the request through (open) or answer 503 (closed)."""
        if self.cfg.fail_open or self.cfg.monitor_only:
            return None
        signals.request_blocked.send(
            sender=type(self), request=request, reason="unavailable", identity=None, enforced=True
        )
        return refusal(503, "unavailable", retry_after=max(1, round(self.cfg.breaker_cooldown)))

    def _finish(self, response: HttpResponseBase, outcome: Outcome | None) -> HttpResponseBase:
        if outcome is not None:
            for name, value in outcome.headers.items():
                if name not in response:
                    response[name] = value
        return response


async def _auser(request: HttpRequest) -> Any:
    auser = getattr(request, "auser", None)
    if auser is not None:  # Django >= 5.0
        return await auser()
    user = getattr(request, "user", None)
    if user is None:
        return None
    # Django 4.2 has no auser(): load the lazy user (a session read) off the event loop.
    await sync_to_async(lambda: user.is_authenticated)()
    return user


class AIRequestValidator(SmartLayerMiddleware):
    """0.1.x name: the engine with only the request validator."""

    feature_set = frozenset({"validator"})


class AIAnomalyDetector(SmartLayerMiddleware):
    """0.1.x name: the engine with only anomaly detection and bans."""

    feature_set = frozenset({"anomaly"})


class RateLimiter(SmartLayerMiddleware):
    """0.1.x name: the engine with only plan rate limiting."""

    feature_set = frozenset({"ratelimit"})


class WatchLog(SmartLayerMiddleware):
    """0.1.x name: the engine with only monitoring."""

    feature_set = frozenset({"monitor"})
