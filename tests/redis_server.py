"""A private, throw-away redis-server on a loopback port, for fault tests and benchmarks.

It can be stopped and started again on the same port (a restart loses every key: no
persistence) and made to hang with ``DEBUG SLEEP`` from a background thread, so that tests
see a dead or a stuck Redis without touching the shared one.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

BINARY = shutil.which("redis-server")

# How long a healthy loopback Redis may take to answer a probe; beyond that it counts as hung.
_PROBE_TIMEOUT = 0.2

POLL_SECONDS = 0.02  # how often to look whether a server is up


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _resp(*args: object) -> bytes:
    """One command in the Redis wire protocol."""
    parts = [str(a).encode() for a in args]
    return b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts)


class RedisServer:
    """``with RedisServer() as server: ... server.url ...``; stop(), start(), hang()."""

    def __init__(self, port: int | None = None) -> None:
        if BINARY is None:
            raise RuntimeError("redis-server is not installed")
        self.port = port or free_port()
        self.host = "127.0.0.1"
        # A port picked here may be taken before the server binds it: then pick another,
        # but only until the server has run once (a restart must keep its port).
        self._may_move = port is None
        self._dir = Path(tempfile.mkdtemp(prefix="smartlayer-redis-"))
        self._proc: subprocess.Popen[bytes] | None = None
        self._sleepers: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def client(self, timeout: float = 5.0) -> redis.Redis:
        """A fresh client of this server, without retries (close it after use)."""
        return redis.Redis(
            host=self.host, port=self.port, socket_timeout=timeout, retry=Retry(NoBackoff(), 0)
        )

    def start(self, timeout: float = 10.0) -> None:
        """Start the server (on the same port as before) and wait until it answers PING."""
        for _ in range(5 if self._may_move else 1):
            if self._start(timeout):
                self._may_move = False
                return
            self.port = free_port()
        raise RuntimeError(f"redis-server did not start:\n{self._log_tail()}")

    def _start(self, timeout: float) -> bool:
        if self.running:
            return True
        log = self._dir / "redis.log"
        args = [
            str(BINARY), "--port", str(self.port), "--bind", self.host, "--save", "",
            "--appendonly", "no", "--enable-debug-command", "yes", "--daemonize", "no",
            "--dir", str(self._dir),
        ]  # fmt: skip
        with log.open("ab") as out:
            self._proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=self._dir)
        deadline = time.monotonic() + timeout
        while True:
            if self._proc.poll() is not None:
                self._proc = None
                return False
            if self._answers() and self._pid() == self._proc.pid:  # not someone else's server
                return True
            if time.monotonic() > deadline:
                self.stop()
                return False
            time.sleep(POLL_SECONDS)

    def _log_tail(self) -> str:
        log = self._dir / "redis.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else ""

    def stop(self) -> None:
        """Terminate the server (SIGTERM; SIGKILL if it does not go) and wait for it."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def hang(self, seconds: float) -> threading.Thread:
        """Make the server hang for ``seconds`` (DEBUG SLEEP, sent from a background thread on
        its own connection) and return once it really is hung. join() the returned thread to
        wait until it answers again."""
        sent, failed = threading.Event(), []
        sock = socket.create_connection((self.host, self.port), timeout=5)

        def sleep() -> None:
            try:
                sock.sendall(_resp("DEBUG", "SLEEP", seconds))
                sent.set()
                sock.settimeout(seconds + 30)
                reply = sock.recv(64)
                if not reply.startswith(b"+OK"):
                    failed.append(reply)
            except OSError as exc:
                failed.append(exc)
            finally:
                sent.set()
                sock.close()

        thread = threading.Thread(target=sleep, name=f"redis-{self.port}-sleep", daemon=True)
        thread.start()
        self._sleepers.append(thread)
        sent.wait()
        # The command is on the wire; wait until the server is actually inside it.
        while thread.is_alive():
            if not self._answers(_PROBE_TIMEOUT):
                return thread
        raise RuntimeError(f"DEBUG SLEEP did not hang the server: {failed}")

    def close(self) -> None:
        """Wait for any DEBUG SLEEP to end, stop the server and remove its directory."""
        for thread in self._sleepers:
            thread.join()
        self._sleepers.clear()
        self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)

    def _answers(self, timeout: float = 1.0) -> bool:
        client = self.client(timeout)
        try:
            return bool(client.ping())
        except (redis.ConnectionError, redis.TimeoutError):
            return False
        finally:
            client.close()

    def _pid(self) -> int | None:
        client = self.client()
        try:
            return int(client.info("server")["process_id"])
        except (redis.ConnectionError, redis.TimeoutError):
            return None
        finally:
            client.close()

    def __enter__(self) -> RedisServer:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
