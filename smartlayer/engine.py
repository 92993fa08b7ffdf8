"""One request through every enabled feature, as pure functions: what to ask Redis before
the view (one PRE_REQUEST call holding a section per feature), what the answer means, and
what to write after the view (one pipeline, only when there is something to write).
The middleware does the I/O; features add a section here and a ``.lua`` file in lua/."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import unquote_plus

from django.core.exceptions import RequestDataTooBig
from django.http import UnreadablePostError

from smartlayer import anomaly, clock, lua, monitor, ratelimit, validator
from smartlayer.clientip import client_address
from smartlayer.conf import Config, Rule
from smartlayer.exceptions import log_internal
from smartlayer.identity import Identity, allowlisted, path_allowlisted, resolve
from smartlayer.keys import Keys
from smartlayer.lua import ScriptCall

# Features that can refuse a request, and so need the ban check before anything else.
GUARDED = frozenset({"anomaly", "validator", "ratelimit"})
# The AI may ban for up to a week; the ban index must outlive every ban in it.
LONGEST_AI_BAN_HOURS = 168


@dataclass(slots=True)
class Prepared:
    """The pre-request script call for one request, and what decide() needs to read it."""

    identity: Identity
    now: int
    user_agent: str = ""
    rule: Rule | None = None
    sections: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    args: list[Any] = field(default_factory=list)
    facts: anomaly.Facts | None = None
    verdict: anomaly.Verdict = anomaly.NOTHING
    inspection: validator.Inspection | None = None
    early: Outcome | None = None  # the validator's block, decided while Redis works
    carry: list[ScriptCall] = field(default_factory=list)  # sent with the call (monitor batch)

    def add(self, name: str, keys: list[str], args: list[Any]) -> None:
        self.sections.append(name)
        self.keys += keys
        self.args += [name, len(keys), len(args), *args]


@dataclass(frozen=True, slots=True)
class Ban:
    """A ban this request decided: already written by the script, or to write after."""

    seconds: int
    reason: str
    written: bool


@dataclass(slots=True)  # not frozen: built per request, and frozen ones cost ~5x to build
class Outcome:
    """The decision: ``reason`` is None when the request may proceed. Treat it as
    immutable (``dataclasses.replace``): ``ALLOW`` is shared."""

    reason: str | None = None
    status: int = 200
    retry_after: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    detail: dict[str, Any] = field(default_factory=dict)  # goes into the JSON body
    note: str = ""  # for logs and signals only, never sent to the client
    ban: Ban | None = None


ALLOW = Outcome()


class Engine:
    """The enabled features of one middleware instance, bound to one configuration."""

    def __init__(self, cfg: Config, features: frozenset[str]) -> None:
        self.cfg = cfg
        self.features = features
        self.keys = Keys(cfg.key_prefix)
        self.guarded = bool(features & GUARDED)
        lim = cfg.anomaly.limits
        hours = [lim[k] for k in lim if k.endswith("_ban_hours")] + [LONGEST_AI_BAN_HOURS]
        hours += [cfg.validator.strike_ban_hours, cfg.validator.ai_ban_hours]
        self.longest_ban = max(hours) * 3600
        v = cfg.validator
        # the word model's point only asks the AI (it never blocks): with no AI provider, AI
        # mode "off" or VALIDATOR_AI_SCORE above 1 it could change nothing, so it does not run
        self.pi_model = v.pi_model and cfg.ai is not None and v.ai_mode != "off" and v.ai_score <= 1

    def skip(self, path: str) -> bool:
        """True when nothing needs to run before the view for this path (no feature that can
        refuse, or WHITELIST_PATHS); monitoring still counts the request after it."""
        return not self.guarded or path_allowlisted(path, self.cfg)

    def record_only(self, status: int, route: str, latency_ms: float, method: str) -> list[ScriptCall]:
        """The aggregates of a request that ran nothing before the view (monitor only,
        allow-listed paths and callers)."""
        if "monitor" not in self.features:
            return []
        return monitor.batched(self.cfg, monitor.record(
            self.cfg, self.keys, now_ms=clock.now_ms(), route=route, status=status, latency_ms=latency_ms,
            reason=None, identity_key="-", method=method,
        ))  # fmt: skip

    def prepare(self, request: Any, user: Any, resolved: Any = None) -> Prepared | None:
        """Build the pre-request call, or None when the caller is allow-listed."""
        addr = client_address(request.META, self.cfg)
        identity = resolve(self.cfg, addr, user, resolved)
        if allowlisted(identity, addr, self.cfg):
            return None
        p = Prepared(identity, clock.now_ms())
        p.args.append(p.now)
        ban_keys = [self.keys.ban(identity.key)]
        if self.cfg.monitor_only:
            ban_keys.append(self.keys.would_ban(identity.key))
        p.add("ban", ban_keys, [])
        if "anomaly" in self.features:
            p.user_agent = anomaly.user_agent(request.META)
            p.add("anomaly", *anomaly.section(self.keys, identity.key, request.path, p.user_agent, self.cfg))
        if "ratelimit" in self.features:
            p.rule = ratelimit.match(self.cfg, identity.plan, request.path)
            if p.rule is not None:
                p.add("ratelimit", *ratelimit.section(self.keys, identity.key, p.rule))
        if "monitor" in self.features:
            p.carry = monitor.due(self.cfg)
        return p

    def validate(self, p: Prepared, request: Any) -> None:
        """The validator's look at the request, into ``p.inspection`` and, for a block,
        ``p.early``. The middleware runs it while Redis works on the pre-request call (the
        call is sent first), so its time hides behind the round trip. Never raises: a
        validator bug must not switch off bans and limits."""
        try:
            p.inspection = found = self.inspect(request)
        except Exception:  # noqa: BLE001
            log_internal("the validator")
            return
        if found is not None and found.verdict == validator.BLOCK:
            p.early = self._validator_block(found)

    def inspect(self, request: Any) -> validator.Inspection | None:
        """The validator's look at the query string and the body (None: nothing to inspect)."""
        meta = request.META
        query = meta.get("QUERY_STRING", "")
        content_type = meta.get("CONTENT_TYPE", "")
        body = _body(request) if validator.inspectable(content_type) else b""
        if not body and not query:
            return None
        v = self.cfg.validator
        return validator.inspect(
            body,
            content_type,
            query=query,
            max_body=v.max_body,
            block_score=v.block_score,
            ai_score=v.ai_score,
            pi_model=self.pi_model,
        )

    def ai_text(self, request: Any) -> tuple[str, str]:
        """(body hash, the text the AI may see: decoded, bounded and, unless disabled, redacted)."""
        meta = request.META
        query = meta.get("QUERY_STRING", "")[: self.cfg.validator.max_body]
        body = _body(request)[: self.cfg.validator.max_body]
        digest = hashlib.sha256(query.encode("utf-8", "replace") + b"\n" + body).hexdigest()[:32]
        text = body.decode("utf-8", "replace")
        if "x-www-form-urlencoded" in meta.get("CONTENT_TYPE", ""):
            text = unquote_plus(text)
        if query:
            text = f"query: {unquote_plus(query)}\nbody: {text}"
        if self.cfg.validator.redact:
            text = validator.redact(text)
        return digest, text

    def _validator_block(self, found: validator.Inspection, note: str = "") -> Outcome:
        families = sorted(found.families)
        return Outcome("validator", 403, detail={"families": families}, note=note or "+".join(found.rules))

    def validator_ai_block(self, found: validator.Inspection, score: int) -> Outcome:
        return self._validator_block(found, f"ai:{score} " + "+".join(found.rules))

    def decide(self, p: Prepared, replies: list[Any]) -> Outcome:
        """Read the script's replies, section by section, into one outcome."""
        outcome = p.early or ALLOW  # the validator's block (monitor mode: would-be)
        for name, reply in zip(p.sections, replies, strict=False):
            if name == "ban" and int(lua.fields(reply)[0]) != -2:
                banned, would_be = _banned(lua.fields(reply))
                if not would_be:
                    return banned
                outcome = banned  # monitor mode: a would-be ban, facts keep being recorded
            elif name == "anomaly":
                outcome = self._anomaly(p, reply) or outcome
                if outcome.ban is not None:
                    return outcome
            elif name == "ratelimit" and p.rule is not None:
                limited = self._ratelimit(p, p.rule, reply)
                if limited is not None:
                    keep = outcome.reason is not None and limited.reason is None
                    outcome = replace(outcome, headers=limited.headers) if keep else limited
        return outcome

    def _anomaly(self, p: Prepared, reply: list[Any]) -> Outcome | None:
        p.facts = facts = anomaly.parse(reply)
        if facts is None:
            return None
        if facts.rule:
            ban = Ban(facts.ban_seconds, facts.rule, written=True)
            return Outcome("anomaly", 403, facts.ban_seconds, note=facts.rule, ban=ban)
        anonymous = p.identity.user_id is None
        p.verdict = verdict = anomaly.score(facts, anonymous, p.user_agent, self.cfg)
        if verdict.action == "ban":
            why = "grey:" + "+".join(verdict.signals)
            ban = Ban(verdict.ban_seconds, why, written=False)
            return Outcome("anomaly", 403, verdict.ban_seconds, note=why, ban=ban)
        return None

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

    def after(
        self,
        p: Prepared,
        outcome: Outcome | None,
        status: int,
        refused: bool,
        *,
        route: str = monitor.UNMATCHED,
        latency_ms: float = 0.0,
        method: str = "",
    ) -> list[ScriptCall]:
        """The post-view writes, run in one pipeline: the day's aggregates (monitor), a
        validator strike, an application error for the anomaly facts, a ban to write or
        index. Without monitoring, empty (no round trip) for most requests."""
        calls: list[ScriptCall] = []
        if "monitor" in self.features:
            reason = _monitor_reason(outcome) if refused else None
            calls += monitor.kept(self.cfg, monitor.record(
                self.cfg, self.keys, now_ms=p.now, route=route, status=status, latency_ms=latency_ms,
                reason=reason, identity_key=p.identity.key, method=method,
            ))  # fmt: skip
        monitor_only = self.cfg.monitor_only
        ban_key = (self.keys.would_ban if monitor_only else self.keys.ban)(p.identity.key)
        v = self.cfg.validator
        if outcome is not None and outcome.reason == "validator" and v.strikes:
            why = "validator:" + "+".join(outcome.detail.get("families", ()))
            args = [v.strikes, v.strike_window * 1000, v.strike_ban_hours * 3600, why[:100]]
            calls.append((lua.STRIKE, [self.keys.strikes(p.identity.key), ban_key], args))
        if "anomaly" not in self.features:
            return calls
        error = not refused and status >= 400
        ban = outcome.ban if outcome is not None else None
        write = ban if ban is not None and not ban.written else None
        if error or write:
            args = [p.now, int(error), write.seconds if write else 0, write.reason if write else ""]
            calls.append((lua.ANOMALY_AFTER, [self.keys.anomaly(p.identity.key)[0], ban_key], args))
        if ban is not None:
            index = [self.keys.ban_index(monitor_only)]
            calls.append((lua.BAN_INDEX, index, [p.now, p.identity.key, ban.seconds, self.longest_ban]))
        return calls

    def struck(
        self, p: Prepared, calls: list[ScriptCall], results: list[Any]
    ) -> tuple[int, list[ScriptCall]]:
        """(seconds, the ban-index call) when a validator strike in ``calls`` banned; else (0, [])."""
        for (script, _keys, _args), result in zip(calls, results, strict=False):
            if script is lua.STRIKE and isinstance(result, int) and result > 0:
                index = [self.keys.ban_index(self.cfg.monitor_only)]
                return result, [(lua.BAN_INDEX, index, [p.now, p.identity.key, result, self.longest_ban])]
        return 0, []


def _body(request: Any) -> bytes:
    """The request body when its method has one; empty when Django will not read it (too
    large, or the client went away): Django refuses it when the view reads it."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return b""
    try:
        return request.body
    except (RequestDataTooBig, UnreadablePostError, OSError):
        return b""


def _monitor_reason(outcome: Outcome | None) -> str | None:
    """The refusal reason as the aggregates count it: validator refusals by family."""
    if outcome is None or not outcome.reason:
        return None
    if outcome.reason == "validator":
        families = outcome.detail.get("families") or ("unknown",)
        return f"validator:{families[0]}"
    return outcome.reason


def ratelimit_only(k: Keys, identity: Identity, rule: Rule) -> Prepared:
    """A pre-request call with only the ratelimit section (DRF throttle, per-view decorator)."""
    p = Prepared(identity, clock.now_ms(), rule=rule)
    p.args.append(p.now)
    p.add("ratelimit", *ratelimit.section(k, identity.key, rule))
    return p


def _banned(reply: list[Any]) -> tuple[Outcome, bool]:
    """(the refusal, whether it is only a would-be ban of monitor mode)."""
    ttl_ms = int(reply[0])
    retry = max(1, -(-ttl_ms // 1000)) if ttl_ms > 0 else None
    # The reason is whatever sits between the first and the last field.
    why = lua.SEPARATOR.join(reply[1:-1]).decode("utf-8", "replace")
    return Outcome("banned", 403, retry, note=why), bool(int(reply[-1]))
