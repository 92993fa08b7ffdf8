"""Who is calling: the user key or client IP a request is counted under, its plan, and the
allow-lists. The only reader of ``request.user`` and of the plan field."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from smartlayer import keys
from smartlayer.clientip import Address, group
from smartlayer.conf import ANONYMOUS_PLAN, Config

logger = logging.getLogger("smartlayer")


@dataclass(frozen=True, slots=True)
class Identity:
    """The subject of every counter, ban and limit for one request."""

    key: str  # "u:<user key>" or "ip:<address or IPv6 prefix>": the Redis hash tag
    user_id: str | None
    ip: str | None
    plan: str


def user_key(user: Any) -> str | None:
    """Return the primary key of an authenticated user, else None (never raises)."""
    try:
        if user is not None and user.is_authenticated:
            return str(user.pk)
    except Exception:
        logger.warning("smartlayer: could not read request.user", exc_info=True)
    return None


def plan_of(user: Any, cfg: Config) -> str:
    """The user's plan name if it is configured, else DEFAULT_PLAN."""
    try:
        value = getattr(user, cfg.plan_field, None)
    except Exception:  # noqa: BLE001 - a property on the user model may raise
        value = None
    value = getattr(value, "value", value)  # enum members
    return value if isinstance(value, str) and value in cfg.plans else cfg.default_plan


def resolve(cfg: Config, addr: Address | None, user: Any, resolved: Any = None) -> Identity:
    """Build the identity from the client address, ``request.user`` and a resolver's answer.

    ``resolved`` is what ``IDENTITY_RESOLVER`` returned: None (use request.user), a user
    object (its pk and plan), a ``(key, plan)`` pair, or a plain key (default plan).
    """
    ip = group(addr, cfg.ipv6_prefix)
    if resolved is not None:
        if isinstance(resolved, tuple) and len(resolved) == 2:
            key, plan = str(resolved[0]), str(resolved[1])
            plan = plan if plan in cfg.plans else cfg.default_plan
            return Identity(keys.user_identity(key), key, ip, plan)
        if isinstance(resolved, (str, int)):
            key = str(resolved)
            return Identity(keys.user_identity(key), key, ip, cfg.default_plan)
        user = resolved
    uid = user_key(user)
    if uid is None:
        return Identity(keys.ip_identity(ip), None, ip, ANONYMOUS_PLAN)
    return Identity(keys.user_identity(uid), uid, ip, plan_of(user, cfg))


def path_allowlisted(path: str, cfg: Config) -> bool:
    return any(path.startswith(prefix) for prefix in cfg.whitelist_paths)


def allowlisted(identity: Identity, addr: Address | None, cfg: Config) -> bool:
    """True when WHITELIST_IPS or WHITELIST_USERS exempt this caller from every feature."""
    if identity.user_id is not None and identity.user_id in cfg.whitelist_users:
        return True
    return addr is not None and any(addr in net for net in cfg.whitelist_networks)
