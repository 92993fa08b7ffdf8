"""Django REST framework integration: the identity resolver for token-authenticated API users,
and a throttle class applying the same plans on the same engine."""

from __future__ import annotations

import logging
from typing import Any

from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.throttling import BaseThrottle

from smartlayer import lua, ratelimit
from smartlayer.clientip import client_address
from smartlayer.conf import get_config
from smartlayer.engine import ratelimit_only
from smartlayer.exceptions import StoreUnavailable
from smartlayer.identity import allowlisted, resolve
from smartlayer.keys import Keys
from smartlayer.store import get_store

logger = logging.getLogger("smartlayer")


def resolve_identity(request: Any) -> Any:
    """A ready ``IDENTITY_RESOLVER``: the user of a DRF ``Authorization: Token ...`` header.

    Session users need nothing (``AuthenticationMiddleware`` has set ``request.user``), so
    this returns None for them and for anonymous or invalid credentials. It costs one query
    for requests that carry a token (DRF's own authentication repeats it in the view).
    """
    if not request.META.get("HTTP_AUTHORIZATION"):
        return None
    try:
        result = TokenAuthentication().authenticate(request)
    except AuthenticationFailed:
        return None
    return result[0] if result else None


class PlanRateThrottle(BaseThrottle):
    """Throttle a DRF view by the user's plan (``RATE_LIMIT_PLANS``), counted in Redis by the
    same script as the middleware. Use it for API views instead of the middleware's rate
    limiting on the same paths (``FEATURES`` without "ratelimit"), or they count twice."""

    def __init__(self) -> None:
        self.retry_after: int | None = None

    def allow_request(self, request: Any, view: Any) -> bool:
        cfg = get_config()
        addr = client_address(request.META, cfg)
        identity = resolve(cfg, addr, getattr(request, "user", None))
        rule = ratelimit.match(cfg, identity.plan, request.path)
        if rule is None or allowlisted(identity, addr, cfg):
            return True
        p = ratelimit_only(Keys(cfg.key_prefix), identity, rule)
        try:
            (reply,) = get_store().run(lua.PRE_REQUEST, p.keys, p.args)
        except StoreUnavailable:
            return cfg.fail_open or cfg.monitor_only
        result = ratelimit.parse(rule, reply)
        if result is None or result.allowed:
            return True
        self.retry_after = result.retry_after
        logger.info("smartlayer: throttled %s on %s (%s)", identity.key, request.path[:200], result.window)
        return cfg.monitor_only

    def wait(self) -> float | None:
        return None if self.retry_after is None else float(self.retry_after)
