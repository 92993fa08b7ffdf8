"""Start a local 3-master Redis Cluster on loopback (for test_cluster and the cluster backend)."""

from __future__ import annotations

import random
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

POLL_SECONDS = 0.02  # how often to look whether a server is up


def free_ports(n):
    """n free ports whose cluster bus ports (port + 10000) are free too."""
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


def ping(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def cluster_ok(port):
    out = subprocess.run(["redis-cli", "-p", str(port), "cluster", "info"], capture_output=True)
    return b"cluster_state:ok" in out.stdout


def start_node(base: Path, port: int) -> subprocess.Popen:
    """One cluster-enabled redis-server in base/port (its nodes.conf there: a restarted node
    rejoins with its slots, and no data)."""
    d = base / str(port)
    d.mkdir(exist_ok=True)
    return subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
         "--cluster-config-file", "nodes.conf", "--save", "", "--appendonly", "no",
         "--cluster-node-timeout", "2000"],
        cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


@contextmanager
def local_cluster(base: Path):
    """Three cluster-enabled redis-servers joined into one cluster; yields the seed URL."""
    ports, procs = free_ports(3), []
    try:
        for port in ports:
            procs.append(start_node(base, port))
        for port in ports:
            wait_for(lambda p=port: ping(p), f"redis-server on {port}")
        subprocess.run(
            ["redis-cli", "--cluster", "create", *(f"127.0.0.1:{p}" for p in ports),
             "--cluster-replicas", "0", "--cluster-yes"],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        wait_for(lambda: cluster_ok(ports[0]), "cluster_state:ok")
        yield f"redis://127.0.0.1:{ports[0]}/0", ports, procs
    finally:
        for p in procs:  # the list may have been changed by a test that restarted a node
            if p.poll() is None:
                p.terminate()
        for p in procs:
            p.wait(timeout=10)
