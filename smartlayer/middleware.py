"""The middleware: one engine, sync or async, one Redis call before the view.

``SmartLayerMiddleware`` runs every enabled feature (``FEATURES``). The 0.1.x class names
are the same engine with one feature each; listing several of them costs one call each, so
prefer ``SmartLayerMiddleware``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import suppress
from functools import partial
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from django.http import HttpRequest, HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils.functional import LazyObject, empty

from smartlayer import ai, lua, monitor, signals, validator
from smartlayer.conf import get_config
from smartlayer.engine import Ban, Engine, Outcome, Prepared
from smartlayer.exceptions import ConfigError, StoreUnavailable, log_internal
from smartlayer.responses import refusal
from smartlayer.store import get_async_store, get_store

logger = logging.getLogger("smartlayer")

__all__ = [
    "AIAnomalyDetector",
    "AIRequestValidator",
    "RateLimiter",
    "SmartLayerMiddleware",
    "WatchLog",
]


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
        self.monitoring = "monitor" in features
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        started = time.perf_counter()
        prepared = self._prepare_sync(request)
        if prepared is None:
            response = self.get_response(request)
            if self.monitoring:
                self._record_only_sync(request, response, started)
            return response
        try:
            replies = get_store().run(
                lua.PRE_REQUEST,
                prepared.keys,
                prepared.args,
                self._validate(request, prepared),
                prepared.carry,
            )
        except StoreUnavailable:
            return self._without_redis(request, prepared) or self.get_response(request)
        outcome = self._decide(request, prepared, replies)
        if self._ask_ai(request, prepared, outcome):
            outcome = self._ai_verdict(request, prepared, self._ask_body_sync(request, prepared)) or outcome
        refused = self._refusal(outcome)
        response = refused or self.get_response(request)
        calls = self._after(request, prepared, outcome, response, refused is not None, started)
        if calls:
            with suppress(StoreUnavailable):  # logged by the breaker; best effort
                more = self._struck(request, prepared, calls, get_store().run_many(calls))
                if more:
                    get_store().run_many(more)
        return self._finish(response, outcome)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        prepared = await self._prepare_async(request)
        if prepared is None:
            response = await self.get_response(request)
            if self.monitoring:
                calls = self._record_only(request, response, started)
                if calls:
                    with suppress(StoreUnavailable):
                        await get_async_store().run_many(calls)
            return response
        try:
            replies = await get_async_store().run(
                lua.PRE_REQUEST,
                prepared.keys,
                prepared.args,
                self._validate(request, prepared),
                prepared.carry,
            )
        except StoreUnavailable:
            return self._without_redis(request, prepared) or await self.get_response(request)
        outcome = self._decide(request, prepared, replies)
        if self._ask_ai(request, prepared, outcome):
            # Only bodies the validator is unsure of; the AI client is synchronous (httpx,
            # bounded by VALIDATOR_AI_BUDGET), so it runs on a worker thread.
            score = await sync_to_async(self._ask_body_sync, thread_sensitive=False)(request, prepared)
            outcome = self._ai_verdict(request, prepared, score) or outcome
        refused = self._refusal(outcome)
        response = refused or await self.get_response(request)
        calls = self._after(request, prepared, outcome, response, refused is not None, started)
        if calls:
            with suppress(StoreUnavailable):
                more = self._struck(request, prepared, calls, await get_async_store().run_many(calls))
                if more:
                    await get_async_store().run_many(more)
        return self._finish(response, outcome)

    # -- the validator: run while Redis works; its AI question for bodies it is unsure of --

    def _validate(self, request: HttpRequest, prepared: Prepared) -> Callable[[], None] | None:
        """What the store runs between sending the pre-request call and reading its reply."""
        if "validator" not in self.engine.features:
            return None
        return partial(self.engine.validate, prepared, request)

    def _ask_ai(self, request: HttpRequest, prepared: Prepared, outcome: Outcome | None) -> bool:
        """True when the AI should be asked about this request's body now (sync mode)."""
        found = prepared.inspection
        if found is None or found.verdict != validator.ASK_AI or self.cfg.ai is None:
            return False
        if outcome is not None and outcome.reason and not self.cfg.monitor_only:
            return False  # refused anyway
        mode = self.cfg.validator.ai_mode
        if mode == "async":
            try:
                digest, text = self.engine.ai_text(request)
                ai.submit_body(self.cfg, prepared.identity, digest, text, found.families)
            except Exception:  # noqa: BLE001 - never a 500 from us
                log_internal("validator AI submission")
        return mode == "sync"

    def _ask_body_sync(self, request: HttpRequest, prepared: Prepared) -> int | None:
        assert prepared.inspection is not None
        try:
            digest, text = self.engine.ai_text(request)
            budget = self.cfg.validator.ai_budget
            return ai.ask_body(self.cfg, digest, text, prepared.inspection.families, budget)
        except Exception:  # noqa: BLE001 - the AI never breaks a request
            log_internal("validator AI question")
            return None

    def _ai_verdict(self, request: HttpRequest, prepared: Prepared, score: int | None) -> Outcome | None:
        assert prepared.inspection is not None
        if score is None or score <= self.cfg.validator.ai_block_above:
            return None
        outcome = self.engine.validator_ai_block(prepared.inspection, score)
        self._report(request, prepared, outcome)
        return outcome

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
            log_internal("identity resolution")
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
            log_internal("identity resolution")
            return None

    # -- decisions, shared -----------------------------------------------------------------

    def _decide(self, request: HttpRequest, prepared: Prepared, replies: Any) -> Outcome | None:
        try:
            outcome = self.engine.decide(prepared, replies)
        except Exception:  # noqa: BLE001 - a malformed reply must not become a 500
            log_internal("decision")
            outcome = prepared.early  # the validator's block needs no reply
            if outcome is None:
                return None
        self._report(request, prepared, outcome)
        if prepared.verdict.action == "ask_ai" and prepared.facts is not None:
            logger.info(
                "smartlayer: %s is suspicious (score %s: %s)",
                prepared.identity.key,
                prepared.verdict.score,
                "+".join(prepared.verdict.signals),
            )
            if self.cfg.ai is not None:
                ai.submit_anomaly(self.cfg, prepared.identity, prepared.facts, prepared.user_agent)
        return outcome

    def _report(self, request: HttpRequest, prepared: Prepared, outcome: Outcome) -> None:
        """Log a refusal or a ban, and send its signals (also in monitor mode: would-be)."""
        enforced = not self.cfg.monitor_only
        if outcome.ban is not None:
            logger.warning(
                "smartlayer: %s %s for %ss (%s)",
                "banned" if enforced else "would ban",
                prepared.identity.key,
                outcome.ban.seconds,
                outcome.ban.reason,
            )
            signals.identity_banned.send(
                sender=type(self),
                identity=prepared.identity,
                reason=outcome.ban.reason,
                seconds=outcome.ban.seconds,
                enforced=enforced,
            )
        if outcome.reason:
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

    def _refusal(self, outcome: Outcome | None) -> HttpResponseBase | None:
        if outcome is None or not outcome.reason or self.cfg.monitor_only:
            return None
        return refusal(outcome.status, outcome.reason, outcome.retry_after, outcome.headers, **outcome.detail)

    def _after(
        self,
        request: HttpRequest,
        prepared: Prepared,
        outcome: Outcome | None,
        response: HttpResponseBase,
        refused: bool,
        started: float,
    ) -> list[Any]:
        try:
            if not self.monitoring:
                return self.engine.after(prepared, outcome, response.status_code, refused)
            return self.engine.after(
                prepared, outcome, response.status_code, refused, route=_route(request, refused),
                latency_ms=(time.perf_counter() - started) * 1000, method=request.method or "",
            )  # fmt: skip
        except Exception:  # noqa: BLE001 - never a 500 from us
            log_internal("post-view bookkeeping")
            return []

    def _record_only(self, request: HttpRequest, response: HttpResponseBase, started: float) -> list[Any]:
        try:
            latency_ms = (time.perf_counter() - started) * 1000
            route = _route(request, False)
            return self.engine.record_only(response.status_code, route, latency_ms, request.method or "")
        except Exception:  # noqa: BLE001 - never a 500 from us
            log_internal("monitoring")
            return []

    def _record_only_sync(self, request: HttpRequest, response: HttpResponseBase, started: float) -> None:
        calls = self._record_only(request, response, started)
        if calls:
            with suppress(StoreUnavailable):
                get_store().run_many(calls)

    def _struck(
        self, request: HttpRequest, prepared: Prepared, calls: list[Any], results: list[Any]
    ) -> list[Any]:
        """After the post-view pipeline: report a ban the validator's strikes decided, and
        return the call that indexes it (one more round trip, once per ban)."""
        try:
            seconds, more = self.engine.struck(prepared, calls, results)
            if seconds:
                why = next((c[2][3] for c in calls if c[0] is lua.STRIKE), "validator")
                self._report(request, prepared, Outcome(ban=Ban(seconds, f"{why} strikes", written=True)))
            return more
        except Exception:  # noqa: BLE001 - never a 500 from us
            log_internal("post-view results")
            return []

    def _without_redis(self, request: HttpRequest, prepared: Prepared) -> HttpResponseBase | None:
        """Redis is unavailable: the validator's block still holds (it needs no Redis); else
        FAIL_MODE decides."""
        if prepared.early is None:
            return self._unavailable(request)
        self._report(request, prepared, prepared.early)
        return self._refusal(prepared.early)

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


def _route(request: HttpRequest, refused: bool) -> str:
    """The URL pattern of the request for the aggregates. A request refused before the view
    was never resolved: resolve its path now (only refusals pay for it)."""
    if refused and getattr(request, "resolver_match", None) is None:
        try:
            request.resolver_match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return monitor.UNMATCHED
    return monitor.route_label(request)


async def _auser(request: HttpRequest) -> Any:
    auser = getattr(request, "auser", None)
    if auser is not None:  # Django >= 5.0
        return await auser()
    user = getattr(request, "user", None)
    if isinstance(user, LazyObject) and user._wrapped is empty:
        # Django 4.2 has no auser(): load the lazy user (a session read) off the event loop.
        # A user already loaded, or set by other middleware, needs no thread.
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
