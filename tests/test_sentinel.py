"""A Sentinel-managed primary: smartlayer finds it through Sentinel, and follows a failover."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from smartlayer import store
from smartlayer.conf import ConfigError, parse
from smartlayer.middleware import SmartLayerMiddleware
from tests.conftest import BROWSER
from tests.redis_cluster import wait_for
from tests.redis_server import RedisServer, free_port

pytestmark = [
    pytest.mark.redis_server,
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]

POLL_SECONDS = 0.05  # between requests while the client finds the new primary


class Sentinel:
    """One redis-server in sentinel mode watching ``primary`` as 'mymaster' (quorum 1)."""

    def __init__(self, primary_port: int, tmp_path) -> None:
        self.port = free_port()
        conf = tmp_path / f"sentinel-{self.port}.conf"
        conf.write_text(
            f"port {self.port}\nbind 127.0.0.1\nsentinel monitor mymaster 127.0.0.1 {primary_port} 1\n"
            "sentinel down-after-milliseconds mymaster 500\nsentinel failover-timeout mymaster 2000\n"
        )
        self.proc = subprocess.Popen(
            ["redis-server", str(conf), "--sentinel"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        import redis

        self.client = redis.Redis(port=self.port, socket_timeout=1)
        wait_for(lambda: self._answers(), "sentinel up")

    def _answers(self) -> bool:
        try:
            return bool(self.client.ping())
        except Exception:  # noqa: BLE001
            return False

    def primary(self) -> int:
        return int(self.client.sentinel_get_master_addr_by_name("mymaster")[1])

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def request():
    r = RequestFactory().get("/api/x", REMOTE_ADDR="203.0.113.70", HTTP_USER_AGENT=BROWSER)
    r.user = AnonymousUser()
    return r


@pytest.fixture
def topology(tmp_path):
    with RedisServer() as primary, RedisServer() as replica:
        replica.client().replicaof("127.0.0.1", primary.port)
        wait_for(
            lambda: replica.client().info("replication").get("master_link_status") == "up", "replication"
        )
        sentinel = Sentinel(primary.port, tmp_path)
        try:
            yield primary, replica, sentinel
        finally:
            sentinel.close()


def test_settings_are_checked():
    cfg = parse({"REDIS_SENTINELS": ["127.0.0.1:26379"], "REDIS_SENTINEL_MASTER": "mymaster"})
    assert cfg.redis_sentinels == (("127.0.0.1", 26379),) and not cfg.embedded
    bad_settings = [
        {"REDIS_SENTINELS": ["nope"], "REDIS_SENTINEL_MASTER": "m"},
        {"REDIS_SENTINELS": ["h:1"]},
        {"REDIS_SENTINEL_MASTER": "m"},
        {"REDIS_SENTINELS": "h:1", "REDIS_SENTINEL_MASTER": "m"},
    ]
    for bad in bad_settings:
        with pytest.raises(ConfigError, match=r"smartlayer\.E004"):
            parse(bad)


def test_limits_through_sentinel_and_after_a_failover(settings, topology, frozen_clock):
    primary, replica, sentinel = topology
    settings.SMART_MIDDLEWARE = {
        "REDIS_SENTINELS": [f"127.0.0.1:{sentinel.port}"],
        "REDIS_SENTINEL_MASTER": "mymaster",
        "REDIS_URL": "redis://127.0.0.1/0",  # only the database
        "REDIS_TIMEOUT": 0.5,
        "BREAKER_COOLDOWN": 0.05,
        "KEY_PREFIX": "sent",
        "RATE_LIMIT_PLANS": {"anonymous": {"/api/": {"per_minute": 3}}},
    }
    try:
        mw = SmartLayerMiddleware(lambda r: HttpResponse("ok"))
        assert [mw(request()).status_code for _ in range(5)] == [200, 200, 200, 429, 429]
        assert primary.client().exists("sent:{ip:203.0.113.70}:rate:/api/")

        primary.stop()  # the primary dies; Sentinel promotes the replica
        wait_for(lambda: sentinel.primary() == replica.port, "failover", timeout=30)
        codes = set()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # fail open while the client finds the new primary
            code = mw(request()).status_code
            codes.add(code)
            if code == 429:
                break
            time.sleep(POLL_SECONDS)
        assert 429 in codes  # the counter replicated to the new primary limits again
        assert codes <= {200, 429}
    finally:
        store.reset()
