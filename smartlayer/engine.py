"""One request through every enabled feature, as pure functions: what to ask Redis before
the view (one PRE_REQUEST call holding a section per feature) and what the answer means.
The middleware does the I/O; features add a section here and a ``.lua`` file in lua/."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from smartlayer import clock, ratelimit
from smartlayer.clientip import client_address
from smartlayer.conf import Config, Rule
from smartlayer.identity import Identity, allowlisted, path_allowlisted, resolve
from smartlayer.keys import Keys

# Features that can refuse a request, and so need the ban check before anything else.
GUARDED = frozenset({"anomaly", "validator", "ratelimit"})


@dataclass(slots=True)
class Prepared:
    """The pre-request script call for one request, and what decide() needs to read it."""

    identity: Identity
    rule: Rule | None = None
    sections: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    args: list[Any] = field(default_factory=list)

    def add(self, name: str, keys: list[str], args: list[Any]) -> None:
        self.sections.append(name)
        self.keys += keys
        self.args += [name, len(keys), len(args), *args]


@dataclass(frozen=True, slots=True)
class Outcome:
    """The decision: ``reason`` is None when the request may proceed."""

    reason: str | None = None
    status: int = 200
    retry_after: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    detail: dict[str, Any] = field(default_factory=dict)  # goes into the JSON body
    note: str = ""  # for logs and signals only, never sent to the client


ALLOW = Outcome()


class Engine:
    """The enabled features of one middleware instance, bound to one configuration."""

    def __init__(self, cfg: Config, features: frozenset[str]) -> None:
        self.cfg = cfg
        self.features = features
        self.keys = Keys(cfg.key_prefix)
        self.guarded = bool(features & GUARDED)

    def skip(self, path: str) -> bool:
        """True when nothing needs to run for this path (no feature, or WHITELIST_PATHS)."""
        return not self.guarded or path_allowlisted(path, self.cfg)

    def prepare(self, request: Any, user: Any, resolved: Any = None) -> Prepared | None:
        """Build the pre-request call, or None when the caller is allow-listed."""
        addr = client_address(request.META, self.cfg)
        identity = resolve(self.cfg, addr, user, resolved)
        if allowlisted(identity, addr, self.cfg):
            return None
        p = Prepared(identity, args=[clock.now_ms()])
        p.add("ban", [self.keys.ban(identity.key)], [])
        if "ratelimit" in self.features:
            p.rule = ratelimit.match(self.cfg, identity.plan, request.path)
            if p.rule is not None:
                p.add("ratelimit", *ratelimit.section(self.keys, identity.key, p.rule))
        return p

    def decide(self, p: Prepared, replies: list[Any]) -> Outcome:
        """Read the script's replies, section by section, into one outcome."""
        outcome = ALLOW
        for name, reply in zip(p.sections, replies, strict=False):
            if name == "ban" and int(reply[0]) != -2:
                return _banned(reply)
            if name == "ratelimit" and p.rule is not None:
                outcome = self._ratelimit(p, p.rule, reply) or outcome
        return outcome

    def _ratelimit(self, p: Prepared, rule: Rule, reply: list[Any]) -> Outcome | None:
        result = ratelimit.parse(rule, reply)
        if result is None:
            return None
        headers = ratelimit.headers(p.identity.plan, rule, result) if self.cfg.ratelimit_headers else {}
        if result.allowed:
            return Outcome(headers=headers)
        reason = "quota" if result.window == "lifetime" else "rate_limit"
        detail = {"plan": p.identity.plan, "window": result.window, "limit": result.limit}
        return Outcome(reason, 429, result.retry_after, headers, detail)


def _banned(reply: list[Any]) -> Outcome:
    ttl_ms = int(reply[0])
    retry = max(1, -(-ttl_ms // 1000)) if ttl_ms > 0 else None
    why = reply[1].decode() if isinstance(reply[1], bytes) else str(reply[1])
    return Outcome("banned", 403, retry, note=why)
