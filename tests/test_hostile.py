"""Hostile input against the layer itself: no key growth, no 500s."""

from __future__ import annotations

import json
import random
import string

from django.http import HttpResponse

from smartlayer.conf import get_config
from smartlayer.middleware import SmartLayerMiddleware
from smartlayer.store import get_store

PLANS = {"anonymous": {"/api/": {"per_minute": 10**6}}, "default": {"/": {"per_minute": 10**6}}}


PATH_CHARS = string.ascii_letters + string.digits + "-._~%!$&'()*+,;=:@/\u00e9\u202e"


def junk(rng, n, chars=string.printable):
    return "".join(rng.choice(chars) for _ in range(n))


def key_count(match: str = "*"):
    prefix = get_config().key_prefix
    return sum(1 for _ in get_store().client.scan_iter(match=f"{prefix}:{match}", count=1000))


# Monitoring adds, per day, one counters hash and one offenders set per shard (1, or 16 on a
# cluster), and one list of sampled rows: bounded whatever the traffic.
def monitor_keys_per_day():
    return 2 * get_config().monitor.shards + 1


def test_distinct_paths_agents_forwarded_for_and_queries_create_no_keys(smart, frozen_clock, rf_user):
    # Random junk looks like an injection now and then (a defined 403); its strikes would ban
    # this one client, which is not what this test is about.
    smart(
        RATE_LIMIT_PLANS=PLANS,
        ANOMALY={"burst_requests": 10**6, "elevated_requests": 10**6},
        VALIDATOR_STRIKES=0,
    )
    mw = SmartLayerMiddleware(lambda r: HttpResponse("ok"))
    rng = random.Random(7)
    mw(rf_user("/api/warmup"))
    baseline = key_count()
    for i in range(3000):
        request = rf_user(
            f"/api/{i}/{junk(rng, 30, PATH_CHARS)}x?{junk(rng, 50, PATH_CHARS)}",
            HTTP_USER_AGENT="Mozilla/5.0 " + junk(rng, 200),
            HTTP_X_FORWARDED_FOR=", ".join(f"10.{i % 250}.{j}.1" for j in range(5)),
        )
        response = mw(request)
        # Random junk now and then looks like an injection to the validator: a defined 403.
        assert response.status_code == 200 or json.loads(response.content)["error"] == "validator"
        frozen_clock.advance(0.01)
    # One identity (the real client address) however the request varies: same keys, and the
    # day's monitoring keys.
    assert key_count() <= baseline + monitor_keys_per_day()
    assert key_count("mon:*") <= monitor_keys_per_day()


def test_many_client_addresses_cost_a_bounded_number_of_keys_each(smart, frozen_clock, rf_user):
    smart(RATE_LIMIT_PLANS=PLANS)
    mw = SmartLayerMiddleware(lambda r: HttpResponse("ok"))
    for i in range(200):
        mw(rf_user(f"/api/x/{i}", ip=f"198.51.{i // 250}.{i % 250}"))
    # ban check writes nothing; anomaly: hash + 2 sets; rate limit: 1 hash; monitoring: per day.
    assert key_count() <= 200 * 4 + monitor_keys_per_day()


def test_ipv6_clients_rotating_inside_one_64_share_one_identity(smart, frozen_clock, rf_user):
    smart(RATE_LIMIT_PLANS={"anonymous": {"/api/": {"per_minute": 5}}})
    mw = SmartLayerMiddleware(lambda r: HttpResponse("ok"))
    codes = [mw(rf_user("/api/x", ip=f"2001:db8:1:2::{i:x}")).status_code for i in range(8)]
    assert codes == [200] * 5 + [429] * 3


def test_garbage_headers_and_paths_never_raise(smart, frozen_clock, rf_user):
    smart(RATE_LIMIT_PLANS=PLANS, TRUSTED_PROXIES=["10.0.0.0/8"])
    mw = SmartLayerMiddleware(lambda r: HttpResponse("ok"))
    rng = random.Random(11)
    for _ in range(300):
        request = rf_user(
            "/" + junk(rng, rng.randint(0, 300), PATH_CHARS),
            ip=rng.choice(["10.1.1.1", "::1", "", "bogus", "10.0.0.300"]),
            HTTP_USER_AGENT=junk(rng, rng.randint(0, 20000)),
            HTTP_X_FORWARDED_FOR=junk(rng, rng.randint(0, 5000)),
        )
        assert mw(request).status_code in (200, 403, 429)
