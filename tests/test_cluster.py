"""The same engine on a local 3-master Redis Cluster (started by this module on loopback)."""

from __future__ import annotations

import shutil
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from smartlayer import store
from smartlayer.middleware import SmartLayerMiddleware
from tests.conftest import BROWSER, User
from tests.redis_cluster import local_cluster

pytestmark = [
    pytest.mark.redis_server,
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]


@pytest.fixture(scope="module")
def cluster_url(tmp_path_factory):
    """Start three cluster-enabled redis-servers and join them into one cluster."""
    with local_cluster(tmp_path_factory.mktemp("cluster")) as (url, _ports, _procs):
        yield url


@pytest.fixture
def on_cluster(settings, cluster_url, frozen_clock):
    def configure(**extra):
        settings.SMART_MIDDLEWARE = {
            "REDIS_URL": cluster_url,
            "REDIS_CLUSTER": True,
            "REDIS_TIMEOUT": 0.5,
            "KEY_PREFIX": f"c{time.monotonic_ns()}",
            **extra,
        }

    yield configure
    store.reset()


def request(path, ip, user=None):
    r = RequestFactory().get(path, REMOTE_ADDR=ip, HTTP_USER_AGENT=BROWSER)
    r.user = user or AnonymousUser()
    return r


PLANS = {"anonymous": {"/": {"per_minute": 3}}, "free": {"/api/": {"per_minute": 5, "lifetime": 6}}}


def test_limits_hold_for_identities_on_every_node(on_cluster):
    on_cluster(RATE_LIMIT_PLANS=PLANS)
    mw = SmartLayerMiddleware(lambda r: HttpResponse("ok"))
    client = store.get_store().client
    nodes = set()
    for i in range(12):
        ip = f"198.51.100.{i}"
        assert [mw(request("/x", ip)).status_code for _ in range(4)] == [200, 200, 200, 429]
        nodes.add(client.get_node_from_key(f"x:{{ip:{ip}}}:y").name)
    assert len(nodes) > 1  # the identities really spread over several masters


def test_lifetime_and_windows_of_one_user_share_a_slot(on_cluster):
    on_cluster(RATE_LIMIT_PLANS=PLANS)
    mw = SmartLayerMiddleware(lambda r: HttpResponse("ok"))
    user = User(77, "free")
    codes = [mw(request("/api/x", "192.0.2.1", user)).status_code for _ in range(7)]
    assert codes == [200] * 5 + [429, 429]


def test_async_middleware_on_cluster(on_cluster):
    import asyncio

    on_cluster(RATE_LIMIT_PLANS=PLANS)

    async def view(r):
        return HttpResponse("ok")

    mw = SmartLayerMiddleware(view)

    async def go():
        return [(await mw(request("/x", "203.0.113.99"))).status_code for _ in range(4)]

    assert asyncio.run(go()) == [200, 200, 200, 429]


def test_scripts_reload_after_flush_on_every_node(on_cluster):
    on_cluster(RATE_LIMIT_PLANS=PLANS)
    mw = SmartLayerMiddleware(lambda r: HttpResponse("ok"))
    assert mw(request("/x", "192.0.2.50")).status_code == 200
    store.get_store().client.script_flush()  # RedisCluster sends it to every primary
    codes = [mw(request("/x", "192.0.2.50")).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_a_node_stopped_mid_run_fails_open_then_limits_resume(settings, tmp_path, frozen_clock, caplog):
    """One master of three stops: every request is still served, the identities on the
    stopped node unchecked (fail open) while those on the two others stay limited (each node
    has its own breaker), the outage is logged once per breaker opening, and once the node is
    back limits hold again."""
    from smartlayer.keys import Keys
    from tests.redis_cluster import cluster_ok, ping, start_node, wait_for

    with local_cluster(tmp_path) as (url, ports, procs):
        settings.SMART_MIDDLEWARE = {
            "REDIS_URL": url, "REDIS_CLUSTER": True, "REDIS_TIMEOUT": 0.2, "BREAKER_COOLDOWN": 60,
            "KEY_PREFIX": "stop", "RATE_LIMIT_PLANS": PLANS,
        }  # fmt: skip
        try:
            mw = SmartLayerMiddleware(lambda r: HttpResponse("ok"))
            ips = [f"198.51.100.{i}" for i in range(1, 60)]
            assert [mw(request("/x", ips[0])).status_code for _ in range(4)] == [200, 200, 200, 429]

            victim = 1 if ports[0] == int(url.rsplit(":", 1)[1].split("/")[0]) else 0
            client = store.get_store().client

            def port_of(ip: str) -> int:
                return int(client.get_node_from_key(Keys("stop").ban(f"ip:{ip}")).port)

            on_victim = [ip for ip in ips[1:] if port_of(ip) == ports[victim]]
            elsewhere = [ip for ip in ips[1:] if port_of(ip) != ports[victim]]
            assert len(on_victim) >= 3 and len(elsewhere) >= 3
            procs[victim].terminate()
            procs[victim].wait(timeout=10)

            for ip in on_victim[:3]:  # the stopped node's identities: served, unchecked
                assert [mw(request("/x", ip)).status_code for _ in range(5)] == [200] * 5
            for ip in elsewhere[:3]:  # the others: still limited while the node is down
                assert [mw(request("/x", ip)).status_code for _ in range(4)] == [200, 200, 200, 429]
            outage_logs = [r for r in caplog.records if "unavailable" in r.getMessage()]
            assert len(outage_logs) == 1 and str(ports[victim]) in outage_logs[0].getMessage()

            settings.SMART_MIDDLEWARE = {**settings.SMART_MIDDLEWARE, "BREAKER_COOLDOWN": 0.1}
            mw = SmartLayerMiddleware(lambda r: HttpResponse("ok"))
            procs[victim] = start_node(tmp_path, ports[victim])
            wait_for(lambda: ping(ports[victim]) and cluster_ok(ports[0]), "the node back in the cluster", 60)
            fresh = "203.0.113.200"

            def limited_again():
                return [mw(request("/x", fresh)).status_code for _ in range(4)][-1] == 429

            wait_for(limited_again, "limits enforced again", 60)
        finally:
            store.reset()
