"""The same engine on a local 3-master Redis Cluster (started by this module on loopback)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from smartlayer import store
from smartlayer.middleware import SmartLayerMiddleware
from tests.conftest import BROWSER, User

pytestmark = [
    pytest.mark.redis_server,
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]

POLL_SECONDS = 0.02  # how often to look whether a server is up


def free_ports(n):
    """n free ports whose cluster bus ports (port + 10000) are free too."""
    import random

    ports = []
    while len(ports) < n:
        port = random.randrange(20000, 50000)
        if port not in ports and _free(port) and _free(port + 10000):
            ports.append(port)
    return ports


def _free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_for(check, what, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(POLL_SECONDS)
    raise RuntimeError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def cluster_url(tmp_path_factory):
    """Start three cluster-enabled redis-servers and join them into one cluster."""
    base: Path = tmp_path_factory.mktemp("cluster")
    ports, procs = free_ports(3), []
    try:
        for port in ports:
            d = base / str(port)
            d.mkdir()
            procs.append(
                subprocess.Popen(
                    [
                        "redis-server",
                        "--port",
                        str(port),
                        "--bind",
                        "127.0.0.1",
                        "--cluster-enabled",
                        "yes",
                        "--cluster-config-file",
                        "nodes.conf",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--cluster-node-timeout",
                        "2000",
                    ],
                    cwd=d,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        for port in ports:
            wait_for(lambda p=port: _ping(p), f"redis-server on {port}")
        subprocess.run(
            [
                "redis-cli",
                "--cluster",
                "create",
                *(f"127.0.0.1:{p}" for p in ports),
                "--cluster-replicas",
                "0",
                "--cluster-yes",
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        wait_for(lambda: _cluster_ok(ports[0]), "cluster_state:ok")
        yield f"redis://127.0.0.1:{ports[0]}/0"
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=10)


def _ping(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _cluster_ok(port):
    out = subprocess.run(["redis-cli", "-p", str(port), "cluster", "info"], capture_output=True)
    return b"cluster_state:ok" in out.stdout


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
