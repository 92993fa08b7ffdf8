"""Per-view limits, like django-ratelimit, on smartlayer's engine: one atomic script call per
request, sync and async views alike.

    @ratelimit(key="ip", rate="10/m")
    def login(request): ...
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction

from smartlayer import keys, lua, signals
from smartlayer import ratelimit as rl
from smartlayer.clientip import client_address, group
from smartlayer.conf import Rule, Window, get_config
from smartlayer.engine import ratelimit_only
from smartlayer.exceptions import StoreUnavailable
from smartlayer.identity import Identity, user_key
from smartlayer.responses import refusal
from smartlayer.store import get_async_store, get_store

RATE = re.compile(r"(\d+)/(\d*)([smhd])")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
NAMES = {60: "minute", 3600: "hour", 86400: "day"}


def parse_rate(rate: str) -> tuple[int, int]:
    """'10/m' -> (10, 60); '100/5m' -> (100, 300). ValueError for anything else."""
    match = RATE.fullmatch(rate.strip()) if isinstance(rate, str) else None
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"rate must look like '10/m', '100/h' or '5/10s', not {rate!r}")
    return int(match.group(1)), int(match.group(2) or 1) * UNITS[match.group(3)]


def _identity(request: Any, key: str | Callable[[Any], Any]) -> Identity:
    cfg = get_config()
    ip = group(client_address(request.META, cfg), cfg.ipv6_prefix)
    anonymous = Identity(keys.ip_identity(ip), None, ip, "view")
    if callable(key):
        value = key(request)
        return anonymous if value is None else Identity("k:" + keys.component(str(value)), None, ip, "view")
    if key in ("user", "user_or_ip"):
        uid = user_key(getattr(request, "user", None))
        return anonymous if uid is None else Identity(keys.user_identity(uid), uid, ip, "view")
    if key.startswith("header:"):
        name = "HTTP_" + key[7:].upper().replace("-", "_")
        value = request.META.get(name)
        return anonymous if not value else Identity("h:" + keys.component(str(value)), None, ip, "view")
    return anonymous


def ratelimit(
    key: str | Callable[[Any], Any] = "ip", rate: str = "10/m", block: bool = True
) -> Callable[[Any], Any]:
    """Limit one view to ``rate`` per ``key``: "ip", "user" (IP when anonymous),
    "header:<Name>", or a callable(request) returning a key (None: the IP). With
    ``block=False`` the view runs and ``request.limited`` says whether it was over."""
    count, seconds = parse_rate(rate)
    if not (callable(key) or key in ("ip", "user", "user_or_ip") or key.startswith("header:")):
        raise ValueError(f"key must be 'ip', 'user', 'header:<Name>' or a callable, not {key!r}")

    def decorator(view: Any) -> Any:
        name = f"view:{view.__module__}.{view.__qualname__}"
        rule = Rule(name, (Window(NAMES.get(seconds, f"{seconds}s"), seconds, count),), None)

        def prepare(request: Any) -> Any:
            cfg = get_config()
            return cfg, ratelimit_only(keys.Keys(cfg.key_prefix), _identity(request, key), rule)

        def decide(request: Any, cfg: Any, p: Any, replies: Any) -> Any:
            result = rl.parse(rule, replies[0])
            request.limited = bool(result and not result.allowed)
            if not request.limited or not block or cfg.monitor_only:
                return None
            signals.request_blocked.send(
                sender=ratelimit, request=request, reason="rate_limit", identity=p.identity, enforced=True
            )
            detail = {"window": rule.windows[0].name, "limit": count}
            return refusal(429, "rate_limit", result.retry_after if result else None, **detail)

        if iscoroutinefunction(view):

            @functools.wraps(view)
            async def async_wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
                cfg, p = prepare(request)
                try:
                    replies = await get_async_store().run(lua.PRE_REQUEST, p.keys, p.args)
                except StoreUnavailable:
                    request.limited = False
                    if not cfg.fail_open:
                        return refusal(503, "unavailable", max(1, round(cfg.breaker_cooldown)))
                    return await view(request, *args, **kwargs)
                refused = decide(request, cfg, p, replies)
                return refused or await view(request, *args, **kwargs)

            return async_wrapper

        @functools.wraps(view)
        def wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            cfg, p = prepare(request)
            try:
                replies = get_store().run(lua.PRE_REQUEST, p.keys, p.args)
            except StoreUnavailable:
                request.limited = False
                if not cfg.fail_open:
                    return refusal(503, "unavailable", max(1, round(cfg.breaker_cooldown)))
                return view(request, *args, **kwargs)
            return decide(request, cfg, p, replies) or view(request, *args, **kwargs)

        return wrapper

    return decorator
