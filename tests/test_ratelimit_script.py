"""The pre-request script's contracts, through the store: exact limits, no consumption on
refusal, true Retry-After, window boundaries, lifetime quotas, TTLs, NOSCRIPT."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartlayer import clock, lua, ratelimit
from smartlayer.conf import get_config
from smartlayer.engine import Engine
from smartlayer.keys import Keys
from smartlayer.store import get_store


def hit(rule, identity="u:1"):
    """Run the pre-request script with only the ratelimit section; return the parsed result."""
    k = Keys(get_config().key_prefix)
    keys, args = ratelimit.section(k, identity, rule)
    argv = [clock.now_ms(), "ratelimit", len(keys), len(args), *args]
    (reply,) = get_store().run(lua.PRE_REQUEST, keys, argv)
    return ratelimit.parse(rule, reply)


@pytest.fixture
def rule(smart):
    def make(**limits):
        smart(RATE_LIMIT_PLANS={"p": {"/api/": limits}})
        return get_config().plans["p"].rules[0]

    return make


def test_admits_exactly_the_limit_then_refuses(rule, frozen_clock):
    r = rule(per_minute=5)
    results = [hit(r) for _ in range(8)]
    assert [x.allowed for x in results] == [True] * 5 + [False] * 3
    assert [x.used[0] for x in results] == [1, 2, 3, 4, 5, 5, 5, 5]
    assert results[-1].window == "minute" and results[-1].limit == 5


def test_refused_request_consumes_nothing_in_any_window(rule, frozen_clock):
    r = rule(per_minute=3, per_hour=5)
    for _ in range(3):
        assert hit(r).allowed
    for _ in range(10):  # refused by the minute window: must not eat the hour's quota
        assert not hit(r).allowed
    frozen_clock.advance(70)
    results = [hit(r) for _ in range(4)]
    assert [x.allowed for x in results] == [True, True, False, False]
    assert results[-1].window == "hour"
    assert results[1].used == (2, 5)


def test_retry_after_is_when_the_request_would_succeed(rule, frozen_clock):
    r = rule(per_minute=2)
    assert hit(r).allowed
    frozen_clock.advance(30)
    assert hit(r).allowed
    refused = hit(r)
    assert not refused.allowed
    # The first hit's bucket (t=0..6 s) leaves the look-back 66 s after it began.
    assert refused.retry_after == 36
    frozen_clock.advance(refused.retry_after - 1)
    assert not hit(r).allowed
    frozen_clock.advance(1)
    assert hit(r).allowed


def test_no_span_of_one_window_admits_more_than_the_limit(rule, frozen_clock):
    """Bursts on both sides of a window boundary: a fixed window would admit 2x here."""
    r = rule(per_minute=10)
    admitted = []  # timestamps (ms) of admitted requests
    frozen_clock.advance(59.9)  # just before a fixed-window boundary
    for step in range(1000):  # 150 s of demand
        if hit(r).allowed:
            admitted.append(frozen_clock.ms)
        frozen_clock.advance(0.25 if step % 2 else 0.05)
    assert len(admitted) >= 20  # it does admit again once the burst has aged out
    for i, start in enumerate(admitted):
        in_span = [t for t in admitted[i:] if t - start < 60_000]
        assert len(in_span) <= 10


def test_over_long_time_throughput_matches_the_limit(rule, frozen_clock):
    """The look-back is conservative by at most one bucket: over 10 minutes of steady
    demand, about 10 windows' worth is admitted, never more."""
    r = rule(per_minute=30)
    admitted = 0
    for _ in range(6000):  # one request every 100 ms for 10 minutes
        admitted += hit(r).allowed
        frozen_clock.advance(0.1)
    assert 30 * 10 * 10 / 11 - 30 <= admitted <= 30 * 10 + 30


def test_lifetime_quota_never_refills(rule, frozen_clock):
    r = rule(per_minute=100, lifetime=4)
    assert [hit(r).allowed for _ in range(6)] == [True] * 4 + [False] * 2
    frozen_clock.advance(86400 * 30)
    refused = hit(r)
    assert not refused.allowed
    assert refused.window == "lifetime" and refused.retry_after is None
    assert refused.lifetime_used == 4


def test_identities_and_prefixes_have_separate_counters(rule, frozen_clock):
    r = rule(per_minute=1)
    assert hit(r, "u:1").allowed
    assert hit(r, "u:2").allowed
    assert hit(r, "ip:203.0.113.9").allowed
    assert not hit(r, "u:1").allowed


def test_every_key_has_a_ttl_except_lifetime_counters(rule, frozen_clock, smart):
    r = rule(per_minute=5, per_hour=10, per_day=20, lifetime=50)
    for _ in range(3):
        hit(r)
    client = get_store().client
    prefix = get_config().key_prefix
    ttls = {k.decode(): client.pttl(k) for k in client.scan_iter(match=f"{prefix}:*")}
    assert ttls, "the script wrote no keys"
    for key, ttl in ttls.items():
        if ":life:" in key:
            assert ttl == -1, key
        else:
            assert 0 < ttl <= (86400 + 8640 + 1) * 1000, key


def test_stale_buckets_are_deleted_so_memory_stays_bounded(rule, frozen_clock):
    r = rule(per_minute=1000, per_hour=100000)
    for _ in range(500):  # 500 requests spread over ~83 minutes
        hit(r)
        frozen_clock.advance(10)
    client = get_store().client
    key = Keys(get_config().key_prefix).ratelimit("u:1", "/api/")
    assert client.strlen(key) == 2 + 2 * (18 + 4 * (ratelimit.BUCKETS + 1))  # fixed: two windows


def test_script_survives_script_flush(rule, frozen_clock):
    r = rule(per_minute=3)
    assert hit(r).allowed
    get_store().client.script_flush()
    assert hit(r).allowed
    assert hit(r).used == (3,)


def test_ban_section_refuses_before_rate_limiting_counts(smart, frozen_clock, rf_user):
    smart(RATE_LIMIT_PLANS={"anonymous": {"/": {"per_minute": 5}}})
    cfg = get_config()
    engine = Engine(cfg, cfg.features)
    p = engine.prepare(rf_user("/x"), None)
    client = get_store().client
    client.set(Keys(cfg.key_prefix).ban(p.identity.key), "manual", px=90_000)
    outcome = engine.decide(p, get_store().run(lua.PRE_REQUEST, p.keys, p.args))
    assert outcome.reason == "banned" and outcome.status == 403
    assert outcome.retry_after == 90
    rl_key = Keys(cfg.key_prefix).ratelimit(p.identity.key, "/")
    assert client.exists(rl_key) == 0


def test_reset_is_when_the_oldest_counted_request_leaves_each_window(rule, frozen_clock):
    """The RateLimit header's t: seconds until the oldest bucket holding a request leaves
    the window (minute: 10 buckets of 6 s, looked back over the current one and the 10
    before it), per window; 0 in a window that holds nothing."""
    r = rule(per_minute=5, per_hour=100)
    first = hit(r)  # at a round minute: bucket b0 of each window
    assert first.reset == (66, 3960)  # (b0 + 11) * 6 s and (b0 + 11) * 360 s from now
    frozen_clock.advance(20)
    later = hit(r)
    assert later.reset == (46, 3940)  # the first request's buckets still lead
    frozen_clock.advance(50)  # 70 s: the minute window no longer holds the first request
    last = hit(r)
    assert last.used == (2, 3)
    assert last.reset == (14, 3890)  # minute: the second request's bucket (b0 + 3) leads now


class Reference:
    """The algorithm of docs/ratelimit.md, written plainly: per window, a dict of bucket ->
    admitted requests; admitted while the current bucket and the N before it hold fewer than
    the limit, and then counted in every window."""

    def __init__(self, rule):
        n = ratelimit.BUCKETS
        self.n = n
        self.windows = [(w.seconds * 1000 // n, w.limit, {}) for w in rule.windows]

    def span(self, width, now):
        cur = now // width
        return range(cur - self.n, cur + 1)

    def hit(self, now):
        refuse, retry = 0, 0
        for i, (width, limit, counts) in enumerate(self.windows, 1):
            used = sum(counts.get(b, 0) for b in self.span(width, now))
            if used >= limit:
                need, dropped, t = used - limit + 1, 0, 0
                for b in self.span(width, now):
                    dropped += counts.get(b, 0)
                    if dropped >= need and dropped > 0:
                        t = (b + self.n + 1) * width - now
                        break
                if refuse == 0 or t > retry:
                    refuse, retry = i, t
        if not refuse:
            for width, _, counts in self.windows:
                counts[now // width] = counts.get(now // width, 0) + 1
        used, reset = [], []
        for width, _, counts in self.windows:
            span = self.span(width, now)
            used.append(sum(counts.get(b, 0) for b in span))
            first = next((b for b in span if counts.get(b, 0) > 0), None)
            reset.append(0 if first is None else -(-((first + self.n + 1) * width - now) // 1000))
        return not refuse, refuse, (max(1, -(-retry // 1000)) if refuse else None), tuple(used), tuple(reset)


_identities = iter(range(10**9))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    limits=st.fixed_dictionaries(
        {"per_minute": st.integers(1, 6)},
        optional={"per_hour": st.integers(2, 12), "per_day": st.integers(3, 20)},
    ),
    steps=st.lists(
        st.tuples(
            st.one_of(st.integers(0, 9_000), st.integers(0, 200_000), st.integers(0, 8_000_000)),
            st.integers(1, 4),
        ),
        min_size=1,
        max_size=25,
    ),
)
def test_the_script_agrees_with_a_plain_model_of_the_algorithm(rule, frozen_clock, limits, steps):
    """Random bursts at random gaps (idle spans shorter and longer than every window): each
    answer (admitted, refusing window, Retry-After, used and reset per window) is the model's."""
    r = rule(**limits)
    model = Reference(r)
    who = f"u:prop{next(_identities)}"
    for gap, burst in steps:
        frozen_clock.advance(gap / 1000)
        for _ in range(burst):
            got = hit(r, who)
            allowed, refusing, retry, used, reset = model.hit(clock.now_ms())
            assert (got.allowed, got.used, got.reset) == (allowed, used, reset)
            if not allowed:
                window = "lifetime" if refusing > len(r.windows) else r.windows[refusing - 1].name
                assert (got.window, got.retry_after) == (window, retry)


def test_a_changed_rule_keeps_the_counts_of_the_windows_it_still_has(rule, frozen_clock):
    """Windows are found again by their bucket width: a deploy that adds a window (or
    changes a limit) keeps what each remaining window counted; a new window starts empty,
    and a window the rule no longer has is dropped (as the hash's stale fields were)."""
    for _ in range(3):
        hit(rule(per_minute=5))
    assert hit(rule(per_hour=10, per_minute=5)).used == (4, 1)  # the minute kept its 3
    assert hit(rule(per_hour=10)).used == (2,)
    assert hit(rule(per_minute=9, per_hour=10)).used == (1, 3)  # the minute was dropped
