"""The pre-request script's contracts, through the store: exact limits, no consumption on
refusal, true Retry-After, window boundaries, lifetime quotas, TTLs, NOSCRIPT."""

from __future__ import annotations

import pytest

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
    assert client.hlen(key) <= 2 * (ratelimit.BUCKETS + 1)


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
