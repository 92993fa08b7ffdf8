"""``SMART_MIDDLEWARE`` parsed once into frozen, validated configuration.

``parse()`` is the only validator: it collects every problem into one ``ConfigError`` (system
checks turn them into ``smartlayer.E0xx`` messages). ``get_config()`` caches the result until
Django's ``setting_changed`` says otherwise, so nothing reads settings per request.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from smartlayer.exceptions import ConfigError, Problem

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

FEATURES = ("validator", "anomaly", "ratelimit", "monitor")
WINDOWS = {"per_minute": ("minute", 60), "per_hour": ("hour", 3600), "per_day": ("day", 86400)}
RULE_KEYS = (*WINDOWS, "lifetime")
ANONYMOUS_PLAN = "anonymous"


@dataclass(frozen=True, slots=True)
class Window:
    """One sliding window of a rule: at most ``limit`` requests in any ``seconds``."""

    name: str
    seconds: int
    limit: int


@dataclass(frozen=True, slots=True)
class Rule:
    """The limits of one plan on one path prefix."""

    prefix: str
    windows: tuple[Window, ...]
    lifetime: int | None

    def __hash__(self) -> int:
        # Rules key per-request caches (ratelimit.py): the prefix's hash is cached by the
        # string, where the generated hash walked every window. Equal rules share a prefix.
        return hash(self.prefix)


@dataclass(frozen=True, slots=True)
class Plan:
    """A plan's rules, longest prefix first so the first match is the longest one."""

    name: str
    rules: tuple[Rule, ...]

    def match(self, path: str) -> Rule | None:
        for rule in self.rules:
            if path.startswith(rule.prefix):
                return rule
        return None


DEFAULT_SENSITIVE_PATHS = (
    "/admin", "/.env", "/config", "/phpmyadmin", "/wp-admin", "/api/token", "/api/login",
)  # fmt: skip
SUSPICIOUS_USER_AGENTS = (
    "curl", "python-requests", "go-http", "java/", "headlesschrome", "phantomjs", "scrapy",
    "wget", "libwww", "httpx", "okhttp", "aiohttp",
)  # fmt: skip
GREY_WEIGHTS = {
    "suspicious_ua": 2, "elevated_rate": 3, "moderate_errors": 2, "sensitive_paths": 3,
    "scanning": 2, "sequential_ids": 5, "idle_burst": 2, "anonymous": 1,
}  # fmt: skip
ANOMALY_DEFAULTS: dict[str, int] = {
    "empty_ua_ban_hours": 24,
    "burst_requests": 50,  # in 10 s: BLACK
    "burst_ban_hours": 1,
    "error_percent": 75,  # of >= error_min_requests in 2 min: BLACK
    "error_min_requests": 10,
    "error_ban_hours": 24,
    "elevated_requests": 20,  # in 10 s: GREY
    "moderate_error_percent": 40,  # in 2 min: GREY
    "sensitive_hits": 3,  # in 1 min, anonymous: GREY
    "distinct_paths": 25,  # in 1 min: GREY
    "sequential_run": 5,  # consecutive trailing ids in 1 min: GREY
    "idle_burst_requests": 15,  # in 10 s on <= idle_burst_paths after 30-40 min idle: GREY
    "idle_burst_paths": 2,
    "grace_requests": 20,  # fewer earlier requests in 24 h: not scored
    "hard_block_ban_hours": 48,
    "ai_cooldown_seconds": 900,  # one AI question per identity per cool-down
}


@dataclass(frozen=True, slots=True)
class AnomalyConfig:
    """Rules of the anomaly detector (docs/anomaly.md)."""

    limits: Mapping[str, int] = field(default_factory=lambda: dict(ANOMALY_DEFAULTS))
    weights: Mapping[str, int] = field(default_factory=lambda: dict(GREY_WEIGHTS))
    suspicion_threshold: int = 5
    hard_block_score: int = 8
    sensitive_paths: tuple[str, ...] = DEFAULT_SENSITIVE_PATHS
    suspicious_user_agents: tuple[str, ...] = SUSPICIOUS_USER_AGENTS


@dataclass(frozen=True, slots=True)
class AIConfig:
    """An OpenAI-compatible chat-completions endpoint (docs/anomaly.md, "AI verdict")."""

    base_url: str
    model: str
    api_key: str = ""
    timeout: float = 5.0
    max_concurrency: int = 2
    queue_size: int = 100


@dataclass(frozen=True, slots=True)
class ValidatorConfig:
    """The request validator (docs/validator.md)."""

    max_body: int = 16_384  # bytes of body (and of query string) inspected; the rest is not
    block_score: int = 3  # blocked without asking the AI
    ai_score: int = 1  # from here up to block_score - 1: asked to the AI (when configured)
    ai_mode: str = "sync"  # "sync" | "async" | "off"
    ai_block_above: int = 85  # AI maliciousness 0-100 above this blocks (sync) or bans (async)
    ai_budget: float = 0.8  # seconds a request may wait for the AI in sync mode
    ai_ban_hours: int = 24  # async mode: ban for a malicious verdict
    redact: bool = True  # secrets and personal data removed before a body goes to the AI
    cache_seconds: int = 86_400  # AI verdicts cached by body hash
    strikes: int = 5  # refused requests within strike_window that ban the identity (0: never)
    strike_window: int = 600
    strike_ban_hours: int = 24
    pi_model: bool = True  # the prompt-injection word model may ask the AI about prose


@dataclass(frozen=True, slots=True)
class MonitorConfig:
    """Per-day aggregates, the sampled request log and the daily report (docs/monitoring.md)."""

    retention_days: int = 30
    sample_rate: float = 0.0
    log_blocked: bool = True  # keep every blocked request in the sampled log
    analyse_at: str | None = None  # "HH:MM": run analyse_logs in-process with APScheduler
    shards: int = 1  # per-day aggregate keys; more spreads a day over Redis Cluster slots
    batch: int = 20  # requests whose aggregates a process sends together (1: each at once)
    flush_seconds: float = 1.0  # ... or sooner, when the oldest waits this long


@dataclass(frozen=True, slots=True)
class Config:
    """Everything smartlayer reads from settings, validated."""

    redis_url: str | None = None
    redis_cluster: bool = False
    redis_sentinels: tuple[tuple[str, int], ...] = ()  # (host, port) of each Sentinel
    redis_sentinel_master: str = ""  # the service name the Sentinels monitor
    cache_alias: str | None = None
    key_prefix: str = "sl"
    mode: str = "enforce"
    fail_mode: str = "open"
    features: frozenset[str] = frozenset(FEATURES)
    redis_timeout: float = 0.01
    redis_max_connections: int = 64
    redis_pool_timeout: float = 1.0
    breaker_threshold: int = 3
    breaker_cooldown: float = 1.0
    trusted_networks: tuple[Network, ...] = ()
    trusted_proxy_count: int = 0
    ipv6_prefix: int = 64
    whitelist_networks: tuple[Network, ...] = ()
    whitelist_paths: tuple[str, ...] = ()
    whitelist_users: frozenset[str] = frozenset()
    identity_resolver: Callable[[Any], Any] | None = None
    plan_field: str = "plan"
    default_plan: str = "default"
    plans: Mapping[str, Plan] = field(default_factory=dict)
    ratelimit_headers: bool = True
    anomaly: AnomalyConfig = field(default_factory=AnomalyConfig)
    ai: AIConfig | None = None
    validator: ValidatorConfig = field(default_factory=ValidatorConfig)
    monitor: MonitorConfig = field(default_factory=MonitorConfig)
    raw: Mapping[str, Any] = field(default_factory=dict)

    @property
    def monitor_only(self) -> bool:
        return self.mode == "monitor"

    @property
    def fail_open(self) -> bool:
        return self.fail_mode == "open"

    @property
    def embedded(self) -> bool:
        """True when no Redis is configured and the in-process fakeredis is used."""
        return not (self.redis_url or self.cache_alias or self.redis_sentinels)

    @property
    def has_lifetime_quotas(self) -> bool:
        return any(r.lifetime for p in self.plans.values() for r in p.rules)


class _Parser:
    """Collects problems while reading one raw settings dict."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self.problems: list[Problem] = []

    def problem(self, id_: str, msg: str, hint: str | None = None) -> None:
        self.problems.append(Problem(id_, msg, hint))

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.raw.get(key, default)
        if value not in choices:
            self.problem("smartlayer.E003", f"{key} must be one of {choices}, not {value!r}.")
            return default
        return str(value)

    def number(self, key: str, default: float, lo: float, hi: float, *, integer: bool) -> Any:
        value = self.raw.get(key, default)
        ok_type = isinstance(value, int) if integer else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok_type or not lo <= value <= hi:
            kind = "an integer" if integer else "a number"
            self.problem("smartlayer.E003", f"{key} must be {kind} from {lo} to {hi}, not {value!r}.")
            return default
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self.raw.get(key, default)
        if not isinstance(value, bool):
            self.problem("smartlayer.E003", f"{key} must be True or False, not {value!r}.")
            return default
        return value

    def string_list(self, key: str) -> tuple[str, ...]:
        value = self.raw.get(key, ())
        if isinstance(value, str) or not all(isinstance(v, str) for v in value):
            self.problem("smartlayer.E003", f"{key} must be a list of strings, not {value!r}.")
            return ()
        return tuple(value)

    def networks(self, key: str, values: Any) -> tuple[Network, ...]:
        if isinstance(values, str) or not isinstance(values, (list, tuple, set, frozenset)):
            self.problem("smartlayer.E005", f"{key} must be a list of IP addresses or CIDRs.")
            return ()
        out = []
        for value in values:
            try:
                out.append(ipaddress.ip_network(str(value).strip(), strict=False))
            except ValueError:
                self.problem(
                    "smartlayer.E005",
                    f"{key} contains {value!r}, which is not an IP address or CIDR.",
                    hint="Write addresses as '203.0.113.7' and networks as '10.0.0.0/8'.",
                )
        return tuple(out)


def _unknown_keys(p: _Parser) -> None:
    known = set(_CORE_KEYS)
    for key in p.raw:
        if key in known:
            continue
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        if not close:
            close = [k for k in known if k.lower() == str(key).lower()]
        hint = f"Did you mean {close[0]!r}?" if close else "See docs/configuration.md."
        p.problem("smartlayer.E002", f"Unknown setting SMART_MIDDLEWARE[{key!r}].", hint)


def _redis(p: _Parser) -> dict[str, Any]:
    url = p.raw.get("REDIS_URL")
    alias = p.raw.get("CACHE_ALIAS")
    cluster = p.boolean("REDIS_CLUSTER", False)
    if url is not None:
        schemes = ("redis", "rediss") if cluster else ("redis", "rediss", "unix")
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in schemes or not (parts.hostname or parts.path):
            p.problem(
                "smartlayer.E004",
                f"REDIS_URL {url!r} is not a {'/'.join(schemes)}:// URL.",
                hint="For example 'redis://127.0.0.1:6379/0'.",
            )
            url = None
    if alias is not None:
        caches = getattr(settings, "CACHES", {})
        backend = str(caches.get(alias, {}).get("BACKEND", "")) if isinstance(alias, str) else ""
        if not backend.startswith("django_redis."):
            p.problem(
                "smartlayer.E004",
                f"CACHE_ALIAS {alias!r} is not a django-redis cache in CACHES.",
                hint="Name a CACHES entry whose BACKEND is django_redis.cache.RedisCache.",
            )
            alias = None
    if url and alias:
        p.problem("smartlayer.E004", "Set REDIS_URL or CACHE_ALIAS, not both.")
    if cluster and not url:
        p.problem("smartlayer.E004", "REDIS_CLUSTER needs REDIS_URL naming a seed node.")
    sentinels, master = _sentinels(p)
    if sentinels and (cluster or alias):
        p.problem("smartlayer.E004", "REDIS_SENTINELS cannot be combined with REDIS_CLUSTER or CACHE_ALIAS.")
    return {
        "redis_url": url,
        "cache_alias": alias,
        "redis_cluster": cluster,
        "redis_sentinels": sentinels,
        "redis_sentinel_master": master,
    }


def _sentinels(p: _Parser) -> tuple[tuple[tuple[str, int], ...], str]:
    """REDIS_SENTINELS ["host:port", ...] and REDIS_SENTINEL_MASTER; REDIS_URL, when also
    set, then only gives the database, user name and password."""
    value = p.raw.get("REDIS_SENTINELS")
    master = p.raw.get("REDIS_SENTINEL_MASTER", "")
    if value is None:
        if master:
            p.problem("smartlayer.E004", "REDIS_SENTINEL_MASTER needs REDIS_SENTINELS.")
        return (), ""
    out = []
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or not value:
        p.problem("smartlayer.E004", "REDIS_SENTINELS must be a non-empty list of 'host:port' strings.")
        return (), ""
    for item in value:
        host, _, port = str(item).rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            p.problem("smartlayer.E004", f"REDIS_SENTINELS entry {item!r} is not 'host:port'.",
                      hint="For example ['10.0.0.5:26379', '10.0.0.6:26379'].")  # fmt: skip
            continue
        out.append((host.strip("[]"), int(port)))
    if not isinstance(master, str) or not master:
        p.problem(
            "smartlayer.E004", "REDIS_SENTINEL_MASTER must name the monitored primary (e.g. 'mymaster')."
        )
        return (), ""
    return tuple(out), master


def _proxies(p: _Parser) -> dict[str, Any]:
    value = p.raw.get("TRUSTED_PROXIES")
    if value is None:
        # 0.1.x's TRUST_PROXY: trust whoever connects as one proxy (see docs/security.md).
        legacy = p.boolean("TRUST_PROXY", False)
        return {"trusted_proxy_count": 1 if legacy else 0}
    if isinstance(value, int) and not isinstance(value, bool):
        if not 0 <= value <= 16:
            p.problem("smartlayer.E005", f"TRUSTED_PROXIES as a count must be 0 to 16, not {value}.")
            return {}
        return {"trusted_proxy_count": value}
    return {"trusted_networks": p.networks("TRUSTED_PROXIES", value)}


def _resolver(p: _Parser) -> Callable[[Any], Any] | None:
    path = p.raw.get("IDENTITY_RESOLVER")
    if path is None:
        return None
    try:
        func = import_string(path) if isinstance(path, str) else path
    except ImportError as exc:
        p.problem("smartlayer.E006", f"IDENTITY_RESOLVER {path!r} cannot be imported: {exc}.")
        return None
    if not callable(func):
        p.problem("smartlayer.E006", f"IDENTITY_RESOLVER {path!r} is not callable.")
        return None
    return func  # type: ignore[no-any-return]


def _rule(p: _Parser, plan: str, prefix: Any, limits: Any) -> Rule | None:
    where = f"RATE_LIMIT_PLANS[{plan!r}][{prefix!r}]"
    if not isinstance(prefix, str) or not prefix.startswith("/"):
        p.problem("smartlayer.E104", f"{where}: a path prefix must be a string starting with '/'.")
        return None
    if not isinstance(limits, Mapping):
        p.problem("smartlayer.E101", f"{where} must be a dict such as {{'per_minute': 60}}.")
        return None
    windows, lifetime, ok = [], None, True
    for key, value in limits.items():
        if key not in RULE_KEYS:
            close = difflib.get_close_matches(str(key), RULE_KEYS, n=1)
            hint = f"Did you mean {close[0]!r}?" if close else f"Use {', '.join(RULE_KEYS)}."
            p.problem("smartlayer.E102", f"{where} has unknown limit {key!r}.", hint)
            ok = False
        elif isinstance(value, bool) or not isinstance(value, int) or value < 1:
            p.problem(
                "smartlayer.E103",
                f"{where}[{key!r}] must be a positive integer, not {value!r}.",
                hint="Leave the key out for no limit on that window.",
            )
            ok = False
        elif key == "lifetime":
            lifetime = value
        else:
            name, seconds = WINDOWS[key]
            windows.append(Window(name, seconds, value))
    if not ok:
        return None
    windows.sort(key=lambda w: w.seconds)
    return Rule(collapse_slashes(prefix), tuple(windows), lifetime)


def _plans(p: _Parser) -> dict[str, Plan]:
    raw = p.raw.get("RATE_LIMIT_PLANS", {})
    if not isinstance(raw, Mapping):
        p.problem("smartlayer.E101", "RATE_LIMIT_PLANS must be a dict of plan -> {prefix: limits}.")
        return {}
    plans = {}
    for name, rules in raw.items():
        if not isinstance(name, str) or not isinstance(rules, Mapping):
            p.problem("smartlayer.E101", f"RATE_LIMIT_PLANS[{name!r}] must map path prefixes to limits.")
            continue
        parsed = [r for prefix, limits in rules.items() if (r := _rule(p, name, prefix, limits))]
        parsed.sort(key=lambda r: len(r.prefix), reverse=True)
        plans[name] = Plan(name, tuple(parsed))
    return plans


def collapse_slashes(path: str) -> str:
    """Fold repeated slashes, so '/api//users/' cannot dodge the '/api/users/' counter."""
    return re.sub("/{2,}", "/", path) if "//" in path else path


def _int_map(p: _Parser, key: str, value: Any, defaults: Mapping[str, int]) -> dict[str, int]:
    out = dict(defaults)
    if not isinstance(value, Mapping):
        p.problem("smartlayer.E201", f"{key} must be a dict, not {value!r}.")
        return out
    for name, number in value.items():
        if name not in defaults:
            close = difflib.get_close_matches(str(name), defaults, n=1)
            hint = f"Did you mean {close[0]!r}?" if close else f"Known: {', '.join(defaults)}."
            p.problem("smartlayer.E201", f"{key} has unknown entry {name!r}.", hint)
        elif isinstance(number, bool) or not isinstance(number, int) or number < 0:
            p.problem("smartlayer.E202", f"{key}[{name!r}] must be a non-negative integer.")
        else:
            out[name] = number
    return out


def _anomaly(p: _Parser) -> AnomalyConfig:
    raw = dict(p.raw.get("ANOMALY", {})) if isinstance(p.raw.get("ANOMALY", {}), Mapping) else None
    if raw is None:
        p.problem("smartlayer.E201", "ANOMALY must be a dict.")
        raw = {}
    weights = _int_map(p, "ANOMALY['weights']", raw.pop("weights", {}), GREY_WEIGHTS)
    agents = raw.pop("suspicious_user_agents", SUSPICIOUS_USER_AGENTS)
    if isinstance(agents, str) or not all(isinstance(a, str) and a for a in agents):
        p.problem("smartlayer.E202", "ANOMALY['suspicious_user_agents'] must be a list of strings.")
        agents = SUSPICIOUS_USER_AGENTS
    limits = _int_map(p, "ANOMALY", raw, ANOMALY_DEFAULTS)
    sensitive = p.raw.get("grey_sensitive_paths", DEFAULT_SENSITIVE_PATHS)
    if isinstance(sensitive, str) or not all(isinstance(x, str) for x in sensitive):
        p.problem("smartlayer.E202", "grey_sensitive_paths must be a list of path prefixes.")
        sensitive = DEFAULT_SENSITIVE_PATHS
    return AnomalyConfig(
        limits=limits,
        weights=weights,
        suspicion_threshold=p.number("grey_suspicion_threshold", 5, 1, 1000, integer=True),
        hard_block_score=p.number("grey_hard_block_score", 8, 1, 1000, integer=True),
        sensitive_paths=tuple(sensitive),
        suspicious_user_agents=tuple(a.lower() for a in agents),
    )


def _ai(p: _Parser) -> AIConfig | None:
    url, model, key = (p.raw.get(k) for k in ("AI_BASE_URL", "AI_MODEL", "AI_API_KEY"))
    timeout = p.number("AI_TIMEOUT", 5.0, 0.05, 120, integer=False)
    workers = p.number("AI_MAX_CONCURRENCY", 2, 1, 64, integer=True)
    queue = p.number("AI_QUEUE_SIZE", 100, 1, 100_000, integer=True)
    if url is None and model is None:
        return None
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        p.problem("smartlayer.E301", f"AI_BASE_URL {url!r} is not an http(s) URL.",
                  hint="For example 'https://api.openai.com/v1' or 'http://127.0.0.1:11434/v1'.")  # fmt: skip
        return None
    if not isinstance(model, str) or not model:
        p.problem("smartlayer.E301", "AI_MODEL must name a model when AI_BASE_URL is set.")
        return None
    if key is not None and not isinstance(key, str):
        p.problem("smartlayer.E301", "AI_API_KEY must be a string.")
        return None
    return AIConfig(url.rstrip("/"), model, key or "", timeout, workers, queue)


def _validator(p: _Parser) -> ValidatorConfig:
    block = p.number("VALIDATOR_BLOCK_SCORE", 3, 1, 100, integer=True)
    ask = p.number("VALIDATOR_AI_SCORE", 1, 1, 100, integer=True)
    if ask > block:
        p.problem(
            "smartlayer.E401", f"VALIDATOR_AI_SCORE ({ask}) must not exceed VALIDATOR_BLOCK_SCORE ({block})."
        )
    return ValidatorConfig(
        max_body=p.number("VALIDATOR_MAX_BODY", 16_384, 256, 100 * 2**20, integer=True),
        block_score=block,
        ai_score=ask,
        ai_mode=p.choice("VALIDATOR_AI_MODE", ("sync", "async", "off"), "sync"),
        ai_block_above=p.number("VALIDATOR_AI_BLOCK_ABOVE", 85, 0, 99, integer=True),
        ai_budget=p.number("VALIDATOR_AI_BUDGET", 0.8, 0.01, 30, integer=False),
        ai_ban_hours=p.number("VALIDATOR_AI_BAN_HOURS", 24, 1, 24 * 365, integer=True),
        redact=p.boolean("VALIDATOR_REDACT", True),
        cache_seconds=p.number("VALIDATOR_CACHE_SECONDS", 86_400, 1, 90 * 86_400, integer=True),
        strikes=p.number("VALIDATOR_STRIKES", 5, 0, 10_000, integer=True),
        strike_window=p.number("VALIDATOR_STRIKE_WINDOW", 600, 1, 7 * 86_400, integer=True),
        strike_ban_hours=p.number("VALIDATOR_STRIKE_BAN_HOURS", 24, 1, 24 * 365, integer=True),
        pi_model=p.boolean("VALIDATOR_PI_MODEL", True),
    )


def _monitor(p: _Parser, cluster: bool) -> MonitorConfig:
    at = p.raw.get("ANALYSE_LOGS_AT")
    if at is not None and not (isinstance(at, str) and re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", at)):
        p.problem("smartlayer.E501", f"ANALYSE_LOGS_AT must be 'HH:MM' (24-hour clock), not {at!r}.",
                  hint="For example '06:00'; or leave it out and run analyse_logs from cron.")  # fmt: skip
        at = None
    return MonitorConfig(
        retention_days=p.number("LOG_RETENTION_DAYS", 30, 1, 3650, integer=True),
        sample_rate=p.number("LOG_SAMPLE_RATE", 0.0, 0.0, 1.0, integer=False),
        log_blocked=p.boolean("LOG_BLOCKED", True),
        analyse_at=at,
        shards=p.number("MONITOR_SHARDS", 16 if cluster else 1, 1, 256, integer=True),
        # A cluster runs pipelined scripts one by one: batching would bunch round trips.
        batch=p.number("MONITOR_BATCH", 1 if cluster else 20, 1, 10_000, integer=True),
        flush_seconds=p.number("MONITOR_FLUSH_SECONDS", 1.0, 0.0, 3600, integer=False),
    )


def _features(p: _Parser) -> frozenset[str]:
    value = p.raw.get("FEATURES", FEATURES)
    if isinstance(value, str) or not all(v in FEATURES for v in value):
        p.problem("smartlayer.E003", f"FEATURES must be a list drawn from {FEATURES}, not {value!r}.")
        return frozenset(FEATURES)
    return frozenset(value)


def _key_prefix(p: _Parser) -> str:
    value = p.raw.get("KEY_PREFIX", "sl")
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_.:-]{1,32}", value):
        p.problem(
            "smartlayer.E003",
            f"KEY_PREFIX must be 1-32 characters of letters, digits, '_', '.', ':' or '-', not {value!r}.",
        )
        return "sl"
    return value


def _users(p: _Parser) -> frozenset[str]:
    value = p.raw.get("WHITELIST_USERS", ())
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, set, frozenset)):
        p.problem("smartlayer.E003", "WHITELIST_USERS must be a list of user ids.")
        return frozenset()
    return frozenset(str(v) for v in value)


def _string(p: _Parser, key: str, default: str) -> str:
    value = p.raw.get(key, default)
    if not isinstance(value, str) or not value:
        p.problem("smartlayer.E003", f"{key} must be a non-empty string, not {value!r}.")
        return default
    return value


_CORE_KEYS = (
    "REDIS_URL", "REDIS_CLUSTER", "REDIS_SENTINELS", "REDIS_SENTINEL_MASTER", "CACHE_ALIAS",
    "KEY_PREFIX", "MODE", "FAIL_MODE", "FEATURES",
    "REDIS_TIMEOUT", "REDIS_MAX_CONNECTIONS", "REDIS_POOL_TIMEOUT", "BREAKER_THRESHOLD",
    "BREAKER_COOLDOWN", "TRUSTED_PROXIES", "TRUST_PROXY", "IPV6_PREFIX", "WHITELIST_IPS",
    "WHITELIST_PATHS", "WHITELIST_USERS", "IDENTITY_RESOLVER", "PLAN_FIELD", "DEFAULT_PLAN",
    "RATE_LIMIT_PLANS", "RATELIMIT_HEADERS", "ANOMALY", "grey_suspicion_threshold",
    "grey_hard_block_score", "grey_sensitive_paths", "AI_BASE_URL", "AI_MODEL", "AI_API_KEY",
    "AI_TIMEOUT", "AI_MAX_CONCURRENCY", "AI_QUEUE_SIZE", "VALIDATOR_MAX_BODY",
    "VALIDATOR_BLOCK_SCORE", "VALIDATOR_AI_SCORE", "VALIDATOR_AI_MODE", "VALIDATOR_AI_BLOCK_ABOVE",
    "VALIDATOR_AI_BUDGET", "VALIDATOR_AI_BAN_HOURS", "VALIDATOR_REDACT", "VALIDATOR_CACHE_SECONDS",
    "VALIDATOR_STRIKES", "VALIDATOR_STRIKE_WINDOW", "VALIDATOR_STRIKE_BAN_HOURS", "VALIDATOR_PI_MODEL",
    "ANALYSE_LOGS_AT", "LOG_RETENTION_DAYS", "LOG_SAMPLE_RATE", "LOG_BLOCKED", "MONITOR_SHARDS",
    "MONITOR_BATCH", "MONITOR_FLUSH_SECONDS",
)  # fmt: skip


def parse(raw: Any) -> Config:
    """Validate a ``SMART_MIDDLEWARE`` dict; raise ``ConfigError`` listing every problem."""
    if not isinstance(raw, Mapping):
        raise ConfigError([Problem("smartlayer.E001", "SMART_MIDDLEWARE must be a dict.")])
    p = _Parser(raw)
    _unknown_keys(p)
    config = Config(
        **_redis(p),
        **_proxies(p),
        key_prefix=_key_prefix(p),
        mode=p.choice("MODE", ("enforce", "monitor"), "enforce"),
        fail_mode=p.choice("FAIL_MODE", ("open", "closed"), "open"),
        features=_features(p),
        redis_timeout=p.number("REDIS_TIMEOUT", 0.01, 0.0005, 60, integer=False),
        redis_max_connections=p.number("REDIS_MAX_CONNECTIONS", 64, 1, 100_000, integer=True),
        redis_pool_timeout=p.number("REDIS_POOL_TIMEOUT", 1.0, 0.001, 60, integer=False),
        breaker_threshold=p.number("BREAKER_THRESHOLD", 3, 1, 1000, integer=True),
        breaker_cooldown=p.number("BREAKER_COOLDOWN", 1.0, 0.01, 3600, integer=False),
        ipv6_prefix=p.number("IPV6_PREFIX", 64, 16, 128, integer=True),
        whitelist_networks=p.networks("WHITELIST_IPS", raw.get("WHITELIST_IPS", ())),
        whitelist_paths=p.string_list("WHITELIST_PATHS"),
        whitelist_users=_users(p),
        identity_resolver=_resolver(p),
        plan_field=_string(p, "PLAN_FIELD", "plan"),
        default_plan=_string(p, "DEFAULT_PLAN", "default"),
        plans=_plans(p),
        ratelimit_headers=p.boolean("RATELIMIT_HEADERS", True),
        anomaly=_anomaly(p),
        ai=_ai(p),
        validator=_validator(p),
        monitor=_monitor(p, bool(raw.get("REDIS_CLUSTER"))),
        raw=dict(raw),
    )
    if p.problems:
        raise ConfigError(p.problems)
    return config


@cache
def get_config() -> Config:
    """Return the parsed settings, parsed once per process (and again after setting_changed)."""
    return parse(getattr(settings, "SMART_MIDDLEWARE", {}))


@receiver(setting_changed)
def _reset(*, setting: str, **kwargs: Any) -> None:
    if setting in ("SMART_MIDDLEWARE", "CACHES"):
        get_config.cache_clear()
        from smartlayer import monitor, store

        monitor.discard_pending()
        store.reset()
