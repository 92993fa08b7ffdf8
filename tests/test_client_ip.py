"""Client IP, identity and keys: what a client can and cannot choose."""

from __future__ import annotations

import pytest

from smartlayer import keys
from smartlayer.clientip import client_address, group, parse_address
from smartlayer.conf import parse
from smartlayer.identity import allowlisted, resolve
from tests.conftest import User


def ip(meta, **settings):
    addr = client_address(meta, parse(settings))
    return None if addr is None else str(addr)


def test_remote_addr_only_by_default_and_forwarded_for_ignored():
    meta = {"REMOTE_ADDR": "203.0.113.5", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 2.2.2.2"}
    assert ip(meta) == "203.0.113.5"
    assert ip({**meta, "HTTP_X_REAL_IP": "9.9.9.9", "HTTP_CF_CONNECTING_IP": "8.8.8.8"}) == "203.0.113.5"


def test_trusted_networks_read_right_to_left_skipping_trusted_hops():
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.7, 10.0.0.9"}
    # 6.6.6.6 was written by the client; 198.51.100.7 was appended by our first proxy.
    assert ip(meta, TRUSTED_PROXIES=["10.0.0.0/8"]) == "198.51.100.7"


def test_untrusted_peer_cannot_set_its_address():
    meta = {"REMOTE_ADDR": "198.51.100.50", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}
    assert ip(meta, TRUSTED_PROXIES=["10.0.0.0/8"]) == "198.51.100.50"


def test_all_hops_trusted_gives_the_furthest_one():
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "10.0.0.7, 10.0.0.8"}
    assert ip(meta, TRUSTED_PROXIES=["10.0.0.0/8"]) == "10.0.0.7"


def test_malformed_hop_stops_at_the_nearest_vouched_address():
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4, garbage, 10.0.0.8"}
    assert ip(meta, TRUSTED_PROXIES=["10.0.0.0/8"]) == "10.0.0.8"


@pytest.mark.parametrize(
    ("count", "header", "expected"),
    [
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
        (3, "198.51.100.7, 10.0.0.9", "10.0.0.2"),  # fewer hops than proxies: REMOTE_ADDR
        (1, "", "10.0.0.2"),
        (1, "not-an-ip", "10.0.0.2"),
    ],
)
def test_proxy_count(count, header, expected):
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": header}
    assert ip(meta, TRUSTED_PROXIES=count) == expected


def test_legacy_trust_proxy_takes_the_rightmost_never_the_leftmost():
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.7"}
    assert ip(meta, TRUST_PROXY=True) == "198.51.100.7"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.2.3.4", "1.2.3.4"),
        (" 1.2.3.4 ", "1.2.3.4"),
        ("1.2.3.4:5678", "1.2.3.4"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("fe80::1%eth0", "fe80::1"),
        ("unknown", None),
        ("", None),
        ("x" * 5000, None),
        ("1.2.3.256", None),
        ("\xff\xfe", None),
        ("[::1", "::1"),
    ],
)
def test_parse_address(raw, expected):
    addr = parse_address(raw)
    assert (None if addr is None else str(addr)) == expected


def test_huge_header_is_cheap_and_harmless():
    header = ", ".join(["9.9.9.9"] * 10_000) + ", 198.51.100.7"
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": header}
    assert ip(meta, TRUSTED_PROXIES=["10.0.0.0/8"]) == "198.51.100.7"
    # Only the last 32 entries are ever read: a long trusted chain ends at a trusted hop.
    chain = ", ".join(f"10.0.{i // 250}.{i % 250}" for i in range(100))
    assert ip({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": chain}, TRUSTED_PROXIES=["10.0.0.0/8"])


@pytest.mark.parametrize("remote", [None, "", "garbage", "unix:/tmp/sock"])
def test_unusable_remote_addr_is_none(remote):
    meta = {} if remote is None else {"REMOTE_ADDR": remote}
    assert ip(meta) is None


@pytest.mark.parametrize(
    ("address", "prefix", "expected"),
    [
        ("2001:db8:1:2:3:4:5:6", 64, "2001:db8:1:2::/64"),
        ("2001:db8:1:2:3:4:5:6", 48, "2001:db8:1::/48"),
        ("2001:db8:1:2:3:4:5:6", 128, "2001:db8:1:2:3:4:5:6"),
        ("192.0.2.1", 64, "192.0.2.1"),
    ],
)
def test_ipv6_grouping(address, prefix, expected):
    assert group(parse_address(address), prefix) == expected


# -- identity ------------------------------------------------------------------------------

CFG = parse(
    {
        "RATE_LIMIT_PLANS": {"free": {"/": {"per_minute": 1}}, "pro": {"/": {"per_minute": 9}}},
        "DEFAULT_PLAN": "free",
        "WHITELIST_IPS": ["10.0.0.0/8"],
        "WHITELIST_USERS": [99],
    }
)


def test_anonymous_identity_is_the_ip_and_the_anonymous_plan():
    ident = resolve(CFG, parse_address("203.0.113.9"), None)
    assert (ident.key, ident.user_id, ident.plan) == ("ip:203.0.113.9", None, "anonymous")
    assert resolve(CFG, None, None).key == "ip:unknown"


def test_user_identity_and_plan():
    ident = resolve(CFG, parse_address("203.0.113.9"), User(42, "pro"))
    assert (ident.key, ident.user_id, ident.plan) == ("u:42", "42", "pro")


class RaisingPlan:
    pk, is_authenticated = 5, True

    @property
    def plan(self):
        raise RuntimeError("no profile")


@pytest.mark.parametrize("user", [User(5, "gold"), User(5, None), User(5, 3), RaisingPlan()])
def test_unknown_missing_or_raising_plan_is_the_default(user):
    assert resolve(CFG, None, user).plan == "free"


def test_resolver_answers():
    assert resolve(CFG, None, None, User(7, "pro")).key == "u:7"
    ident = resolve(CFG, None, None, ("tok-1", "pro"))
    assert (ident.key, ident.plan) == ("u:tok-1", "pro")
    assert resolve(CFG, None, None, ("tok-1", "gold")).plan == "free"
    assert resolve(CFG, None, None, 123).plan == "free"


def test_allow_lists():
    inside = parse_address("10.9.8.7")
    assert allowlisted(resolve(CFG, inside, None), inside, CFG)
    outside = parse_address("203.0.113.1")
    assert allowlisted(resolve(CFG, outside, User(99)), outside, CFG)
    assert not allowlisted(resolve(CFG, outside, User(98)), outside, CFG)


def test_keys_share_one_hash_tag_and_are_bounded():
    k = keys.Keys("site2")
    ident = keys.user_identity("x" * 500 + "{}")
    assert len(ident) < 24 and "{" not in ident and "}" not in ident
    names = [k.ban(ident), k.ratelimit(ident, "/api/"), k.lifetime(ident, "/api/"), *k.anomaly(ident)]
    tags = {n[n.index("{") + 1 : n.index("}")] for n in names}
    assert tags == {ident}
    assert all(n.startswith("site2:") for n in names)
    assert keys.component("/api/" + "é" * 100).startswith("#")
