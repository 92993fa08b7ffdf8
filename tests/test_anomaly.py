"""Anomaly detection end to end through the middleware, with a frozen clock."""

from __future__ import annotations

import asyncio
import random

import pytest
from django.http import HttpResponse, HttpResponseNotFound

from smartlayer import lua, signals
from smartlayer.conf import get_config
from smartlayer.engine import Engine
from smartlayer.keys import Keys
from smartlayer.middleware import AIAnomalyDetector, SmartLayerMiddleware
from smartlayer.store import get_store
from tests.conftest import User

BOT_UA = "python-requests/2.32.3"


def view(request):
    if request.path.startswith("/missing"):
        return HttpResponseNotFound("no")
    return HttpResponse("ok")


async def async_view(request):
    return view(request)


@pytest.fixture
def mw(smart, frozen_clock, mode):
    """The middleware in the current mode; call it with a request, get the status code."""

    def build(cls=SmartLayerMiddleware, **settings):
        smart(**settings)
        m = cls(async_view if mode == "async" else view)

        def run(request):
            if mode == "async":
                return asyncio.run(m(request)).status_code
            return m(request).status_code

        return run

    return build


def banned(identity):
    return get_store().client.exists(Keys(get_config().key_prefix).ban(identity)) == 1


def test_no_user_agent_is_refused_and_stays_banned(mw, rf_user):
    run = mw()
    assert run(rf_user("/", HTTP_USER_AGENT="")) == 403
    assert banned("ip:203.0.113.10")
    # Even with a User-Agent now, the IP stays banned.
    assert [run(rf_user("/")) for _ in range(3)] == [403] * 3


def test_sixty_fast_requests_let_at_most_fifty_through_then_ban(mw, rf_user, frozen_clock):
    run = mw()
    codes = []
    for _ in range(60):
        codes.append(run(rf_user("/page")))
        frozen_clock.advance(0.05)
    assert codes.count(200) <= 50
    assert codes[-1] == 403
    assert banned("ip:203.0.113.10")
    ttl = get_store().client.pttl(Keys(get_config().key_prefix).ban("ip:203.0.113.10"))
    assert 3_500_000 < ttl <= 3_600_000  # the burst ban lasts 1 h


def test_mostly_errors_get_the_ip_banned(mw, rf_user, frozen_clock):
    run = mw()
    codes = []
    for i in range(12):
        codes.append(run(rf_user(f"/missing/{i * 7}")))
        frozen_clock.advance(1)
    # The 11th request sees 10 finished requests, all errors: banned, and refused.
    assert codes[:10] == [404] * 10
    assert codes[10:] == [403, 403]
    assert banned("ip:203.0.113.10")


def test_our_own_refusals_are_not_counted_as_errors(mw, rf_user, frozen_clock):
    run = mw(RATE_LIMIT_PLANS={"anonymous": {"/": {"per_minute": 2}}})
    codes = []
    for _ in range(12):
        codes.append(run(rf_user("/page")))
        frozen_clock.advance(1)
    assert codes == [200, 200] + [429] * 10  # 429s, never a ban for "errors"
    assert not banned("ip:203.0.113.10")


def normal_start(run, rf_user, clock, n=22, **kw):
    for i in range(n):
        assert run(rf_user(f"/docs/page-{i}", **kw)) == 200
        clock.advance(3)


def test_sequential_id_scraper_is_banned_before_the_burst_rule(mw, rf_user, frozen_clock):
    run = mw()
    normal_start(run, rf_user, frozen_clock, HTTP_USER_AGENT=BOT_UA)
    codes = []
    for i in range(1, 20):
        codes.append(run(rf_user(f"/users/{i}", HTTP_USER_AGENT=BOT_UA)))
        frozen_clock.advance(1)  # one a second: far below 50 in 10 s
    # suspicious UA 2 + anonymous 1 + sequential ids 5 = 8: banned on the 5th id.
    assert codes[:4] == [200] * 4
    assert codes[4] == 403
    assert set(codes[4:]) == {403}
    assert banned("ip:203.0.113.10")


def test_scattered_ids_are_not_sequential_probing(mw, rf_user, frozen_clock):
    run = mw()
    normal_start(run, rf_user, frozen_clock, HTTP_USER_AGENT=BOT_UA)
    codes = []
    for i in [3, 9, 27, 14, 40, 5, 33, 21, 11, 17]:
        codes.append(run(rf_user(f"/users/{i}", HTTP_USER_AGENT=BOT_UA)))
        frozen_clock.advance(2)
    assert codes == [200] * 10


def test_grace_period_spares_new_identities_from_scoring(mw, rf_user, frozen_clock):
    run = mw()
    # A run of consecutive ids from the very first request: not scored before 20 requests.
    codes = []
    for i in range(1, 15):
        codes.append(run(rf_user(f"/users/{i}", HTTP_USER_AGENT=BOT_UA)))
        frozen_clock.advance(1)
    assert codes == [200] * 14


def test_ban_expires_by_ttl(mw, rf_user, frozen_clock):
    run = mw()
    assert run(rf_user("/", HTTP_USER_AGENT="")) == 403
    key = Keys(get_config().key_prefix).ban("ip:203.0.113.10")
    get_store().client.pexpire(key, 1)  # as if 24 h had passed
    while get_store().client.exists(key):  # Redis expires it within a millisecond or two
        pass
    assert run(rf_user("/")) == 200


def test_signed_in_user_browsing_forty_pages_quickly_is_never_blocked(mw, rf_user, frozen_clock):
    run = mw()
    user = User(8, "free")
    rng = random.Random(4)
    paths = [
        f"/shop/{rng.choice(['shoes', 'hats', 'bags', 'coats'])}/{rng.randint(1, 10**6)}" for _ in range(40)
    ]
    codes = []
    for path in paths:
        codes.append(run(rf_user(path, user=user)))
        frozen_clock.advance(0.4)
    assert codes == [200] * 40


def test_anonymous_visitor_browsing_fifteen_pages_is_never_blocked(mw, rf_user, frozen_clock):
    run = mw()
    codes = []
    for i in range(15):
        codes.append(run(rf_user(f"/blog/post-{i}")))
        frozen_clock.advance(0.5)
    assert codes == [200] * 15


def test_sensitive_path_probe_and_hard_block_score(mw, rf_user, frozen_clock):
    run = mw()
    normal_start(run, rf_user, frozen_clock, HTTP_USER_AGENT="curl/8.5")
    codes = []
    for path in ["/.env", "/admin/", "/wp-admin/", "/config.php", "/phpmyadmin/"]:
        codes.append(run(rf_user(path, HTTP_USER_AGENT="curl/8.5")))
        frozen_clock.advance(1)
    # curl 2 + anonymous 1 = 3; the third sensitive hit adds 3 -> 6: suspicious, not banned;
    # the signed-in user below with the same pattern scores no sensitive-path points.
    assert codes == [200] * 5
    assert not banned("ip:203.0.113.10")


@pytest.fixture
def once(smart, rf_user):
    """Run one request through the engine and the store; return what it prepared and read."""
    smart()
    cfg = get_config()
    engine = Engine(cfg, cfg.features)

    def run(path):
        p = engine.prepare(rf_user(path), None)
        engine.decide(p, get_store().run(lua.PRE_REQUEST, p.keys, p.args))
        return p

    return run


def test_idle_then_burst_on_one_path_scores(once, frozen_clock):
    for i in range(25):  # history, then 45 minutes of silence
        once(f"/a/{i}")
        frozen_clock.advance(5)
    frozen_clock.advance(45 * 60)
    for _ in range(16):
        p = once("/api/report")
        frozen_clock.advance(0.3)
    assert "idle_burst" in p.verdict.signals
    assert p.facts.active_30_40m is False


def test_counters_count_each_window_and_forget_what_left_it(once, frozen_clock):
    """The ring counters of lua/facts.lua: each window counts the requests of its last n
    buckets, through idle gaps shorter and longer than the ring, and a request stamped a
    little earlier than the newest (another server's clock behind) still counts."""
    frozen_clock.advance(0.5)  # mid-second (the clock starts on a day): buckets are whole seconds
    for _ in range(3):
        f = once("/x").facts
    assert (f.requests_10s, f.requests_2m, f.earlier_24h) == (3, 3, 2)
    frozen_clock.advance(4)
    f = once("/x").facts
    assert (f.requests_10s, f.requests_2m) == (4, 4)
    frozen_clock.advance(-2)  # a clock behind: counted in the newest bucket
    f = once("/x").facts
    assert (f.requests_10s, f.requests_2m) == (5, 5)
    frozen_clock.advance(2 + 7)  # 11 s after the first three: they left the 10 s window
    f = once("/x").facts
    assert (f.requests_10s, f.requests_2m) == (3, 6)
    frozen_clock.advance(200)  # past the 2-minute ring: emptied
    f = once("/x").facts
    assert (f.requests_10s, f.requests_2m, f.earlier_24h) == (1, 1, 6)
    frozen_clock.advance(25 * 3600)  # past the day
    f = once("/x").facts
    assert (f.requests_10s, f.requests_2m, f.earlier_24h) == (1, 1, 0)


def test_distinct_paths_count_each_path_once_per_window(once, frozen_clock):
    """The recent-paths string of lua/anomaly.lua: a path counts once however often it is
    requested, leaves the 10 s count after 10 s and the minute after 60 s, a request stamped
    a little earlier (a clock behind) keeps the others, and only the newest 64 are kept."""
    seen = lambda f: (f.paths_1m, f.paths_10s)  # noqa: E731
    assert seen(once("/a").facts) == (1, 1)
    assert seen(once("/a").facts) == (1, 1)
    assert seen(once("/b").facts) == (2, 2)
    frozen_clock.advance(10.001)  # /a and /b were 10 s ago: still in the minute
    assert seen(once("/c").facts) == (3, 1)
    assert seen(once("/a").facts) == (3, 2)  # /a again: now
    frozen_clock.advance(-3)  # another server's clock, behind
    assert seen(once("/d").facts) == (4, 4)  # /b (0 s) is within 10 s of this clock
    frozen_clock.advance(3 + 50)  # /b left the minute (60.001 s); /c, /a, /d have not
    assert seen(once("/e").facts) == (4, 1)
    frozen_clock.advance(61)
    assert seen(once("/e").facts) == (1, 1)
    for i in range(70):  # 70 paths in 17.5 s (under the burst rule)
        f = once(f"/p/{i}").facts
        frozen_clock.advance(0.25)
    assert seen(f) == (64, 41)  # the newest 64; 41 of them within the last 10 s (inclusive)
    assert once("/p/69").facts.paths_1m == 64
    assert once("/p/0").facts.paths_1m == 64  # /p/0 had left the 64: it comes back, the oldest goes
    paths = Keys(get_config().key_prefix).anomaly("ip:203.0.113.10")[1]
    get_store().client.set(paths, b"not twelve bytes")  # a value this script did not write
    assert seen(once("/q").facts) == (1, 1)


def test_activity_30_to_40_minutes_ago_is_not_idle(once, frozen_clock):
    once("/x")
    frozen_clock.advance(35 * 60)
    assert once("/x").facts.active_30_40m is True
    frozen_clock.advance(10 * 60)
    assert once("/x").facts.active_30_40m is False


def test_monitor_mode_records_would_be_bans_without_enforcing(mw, rf_user, frozen_clock):
    seen = []

    def on_ban(sender, identity, reason, seconds, enforced, **kw):
        seen.append((identity.key, reason, enforced))

    signals.identity_banned.connect(on_ban)
    try:
        run = mw(MODE="monitor")
        assert [run(rf_user("/", HTTP_USER_AGENT="")) for _ in range(3)] == [200] * 3
    finally:
        signals.identity_banned.disconnect(on_ban)
    assert not banned("ip:203.0.113.10")
    k = Keys(get_config().key_prefix)
    assert get_store().client.get(k.would_ban("ip:203.0.113.10")) == b"empty_user_agent"
    assert get_store().client.zscore(k.ban_index(monitor=True), "ip:203.0.113.10")
    assert seen[0] == ("ip:203.0.113.10", "empty_user_agent", False)


def test_bans_are_indexed_for_listing(mw, rf_user):
    run = mw()
    run(rf_user("/", HTTP_USER_AGENT="", ip="192.0.2.77"))
    index = Keys(get_config().key_prefix).ban_index()
    members = get_store().client.zrange(index, 0, -1)
    assert members == [b"ip:192.0.2.77"]
    assert get_store().client.pttl(index) > 0


def test_authenticated_users_are_banned_by_user_not_ip(mw, rf_user):
    run = mw()
    assert run(rf_user("/", user=User(5), HTTP_USER_AGENT="")) == 403
    assert banned("u:5")
    assert not banned("ip:203.0.113.10")
    assert run(rf_user("/")) == 200  # others behind the same IP are not affected


def test_legacy_class_runs_only_anomaly(mw, rf_user):
    run = mw(AIAnomalyDetector, RATE_LIMIT_PLANS={"anonymous": {"/": {"per_minute": 1}}})
    assert [run(rf_user("/p")) for _ in range(3)] == [200] * 3
    assert run(rf_user("/p", HTTP_USER_AGENT="")) == 403


def test_memory_per_identity_is_bounded(smart, frozen_clock, rf_user, backend):
    """Whatever an identity does, its anomaly keys stay within fixed sizes."""
    run_mw = SmartLayerMiddleware(view)
    for i in range(400):
        run_mw(rf_user(f"/p/{i}/{random.random()}"))
        frozen_clock.advance(0.3)
    client = get_store().client
    facts, paths, ids = Keys(get_config().key_prefix).anomaly("ip:203.0.113.10")
    assert client.strlen(facts) == 256  # fixed size, whatever happens
    assert client.strlen(paths) == 64 * 12  # 64 paths in a minute: the newest 64 kept
    assert client.zcard(ids) <= 64


def test_anomaly_keys_always_have_a_ttl(mw, rf_user, frozen_clock):
    """The facts and the recent paths (strings) get their expiry on every write, the id set
    on every request with an id; a key deleted (or expired) within a minute gets one again
    when recreated."""
    run = mw(AIAnomalyDetector)
    facts, paths, ids = Keys(get_config().key_prefix).anomaly("ip:203.0.113.10")
    client = get_store().client

    def ttls():
        return {key: client.pttl(key) for key in (facts, paths, ids) if client.exists(key)}

    assert run(rf_user("/items/7")) == 200
    assert set(ttls()) == {facts, paths, ids} and all(t > 0 for t in ttls().values())
    frozen_clock.advance(5)
    client.delete(paths)  # gone within the minute (evicted, deleted by hand...)
    assert run(rf_user("/items/8")) == 200
    assert set(ttls()) == {facts, paths, ids} and all(t > 0 for t in ttls().values())
    for i in range(5):  # more requests, other paths, the next minute
        frozen_clock.advance(20)
        assert run(rf_user(f"/other/{i}")) == 200
        assert all(t > 0 for t in ttls().values())
    assert 60_000 < client.pttl(paths) <= 61_000
    assert client.pttl(facts) > 24 * 3_600_000
