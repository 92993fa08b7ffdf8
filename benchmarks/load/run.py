"""Load on real servers: the demo site bare, with smartlayer, with django-ratelimit.

python benchmarks/load/run.py [--quick] [--duration S] [--rounds N] [--soak-minutes M] [--json out.json]

Starts the demo site (example/demo_site, settings benchmarks/load/settings.py) as real servers
on loopback ports - gunicorn with sync workers for each variant, uvicorn workers (ASGI) for
bare Django and the full stack - drives each with wrk (benchmarks/load/load.lua) at the same
concurrency and duration, interleaved over rounds, and prints req/s and latency percentiles
(medians over rounds) with the ratio to bare Django. Then a soak: the full stack under
gunicorn at a steady moderate rate, sampling the workers' RSS and Redis memory and key count.

Needs wrk (apt-get install wrk), gunicorn, uvicorn, psutil and a Redis (--redis-url, default
redis://127.0.0.1:6379/0). Uses a fresh key prefix and deletes its keys at the end; never
FLUSHes. Every server runs in its own process group and is killed on exit, also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import redis

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
PY = sys.executable


@dataclass
class Server:
    name: str
    variant: str  # bare | smartlayer | ratelimit
    kind: str  # wsgi | asgi
    port: int = 0
    proc: subprocess.Popen | None = None
    log: Path | None = None
    applog: Path | None = None
    trials: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


SERVERS = (
    ("bare / gunicorn", "bare", "wsgi"),
    ("smartlayer / gunicorn", "smartlayer", "wsgi"),
    ("django-ratelimit / gunicorn", "ratelimit", "wsgi"),
    ("bare / uvicorn", "bare", "asgi"),
    ("smartlayer / uvicorn", "smartlayer", "asgi"),
)


def _die_with_parent() -> None:
    """In the child, before exec: on Linux, get SIGTERM when run.py dies, even by SIGKILL."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Run:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="slload-"))
        self.prefix = f"slload-{uuid.uuid4().hex[:10]}"
        self.redis = redis.Redis.from_url(args.redis_url)
        self.started: list[subprocess.Popen] = []
        self.env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT / "example"), str(ROOT)]),
            "DJANGO_SETTINGS_MODULE": "benchmarks.load.settings",
            "DEMO_DB": str(self.tmp / "demo.sqlite3"),
            "LOAD_REDIS_URL": args.redis_url,
            "LOAD_KEY_PREFIX": self.prefix,
            "LOAD_REDIS_TIMEOUT": str(args.redis_timeout),
        }

    # -- servers ---------------------------------------------------------------------------

    def start(self, server: Server, prefix: str | None = None) -> None:
        server.port = free_port()
        server.log = self.tmp / f"{server.variant}-{server.kind}-{server.port}.server.log"
        server.applog = self.tmp / f"{server.variant}-{server.kind}-{server.port}.app.log"
        env = {**self.env, "LOAD_VARIANT": server.variant, "LOAD_LOG": str(server.applog)}
        if prefix:
            env["LOAD_KEY_PREFIX"] = prefix
        w = str(self.args.workers)
        if server.kind == "wsgi":
            cmd = [
                PY,
                "-m",
                "gunicorn",
                "benchmarks.load.wsgi:application",
                "--workers",
                w,
                "--bind",
                f"127.0.0.1:{server.port}",
                "--backlog",
                "2048",
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ]
        else:
            cmd = [
                PY,
                "-m",
                "uvicorn",
                "benchmarks.load.asgi:application",
                "--workers",
                w,
                "--host",
                "127.0.0.1",
                "--port",
                str(server.port),
                "--backlog",
                "2048",
                "--lifespan",
                "off",
                "--no-access-log",
                "--log-level",
                "warning",
            ]
        with open(server.log, "wb") as out:
            server.proc = subprocess.Popen(
                cmd,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        self.started.append(server.proc)

    def wait_ready(self, server: Server, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if server.proc is not None and server.proc.poll() is not None:
                raise RuntimeError(
                    f"{server.name} exited: see {server.log}\n{server.log.read_text()[-2000:]}"
                )
            try:
                with urllib.request.urlopen(server.url + "/health/", timeout=2) as r:
                    if r.status == 200 and len(self.workers(server)) >= self.args.workers:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{server.name} not ready after {timeout}s: see {server.log}")

    def probe(self, server: Server) -> dict[str, str]:
        """One request as the load sends it: 200, and the variant's fingerprint."""
        req = urllib.request.Request(
            server.url + "/api/items/7/",
            headers={
                "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
                "X-Forwarded-For": "10.255.0.1",
            },
        )
        with urllib.request.urlopen(req, timeout=5) as r:
            if r.status != 200:
                raise RuntimeError(f"{server.name}: probe answered {r.status}")
            return {k: v for k, v in r.headers.items() if k.lower().startswith("ratelimit")}

    def workers(self, server: Server) -> list[psutil.Process]:
        try:
            return psutil.Process(server.proc.pid).children(recursive=True)
        except psutil.Error:
            return []

    def stop(self, proc: subprocess.Popen) -> None:
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)

    def cleanup(self) -> None:
        for proc in self.started:
            try:
                self.stop(proc)
            except Exception as exc:  # noqa: BLE001 - keep stopping the others
                print(f"could not stop {proc.pid}: {exc}", file=sys.stderr)
        try:
            deleted = self.delete_keys(self.prefix + "*")
            print(
                f"cleanup: stopped {len(self.started)} processes (servers and wrk), deleted {deleted} "
                "Redis keys "
                f"({self.prefix}*)",
                file=sys.stderr,
            )
        except redis.RedisError as exc:
            print(f"cleanup: could not delete Redis keys {self.prefix}*: {exc}", file=sys.stderr)
        if self.args.keep_logs:
            print(f"logs kept in {self.tmp}", file=sys.stderr)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- Redis -----------------------------------------------------------------------------

    def count_keys(self, pattern: str) -> int:
        return sum(1 for _ in self.redis.scan_iter(match=pattern, count=1000))

    def key_kinds(self, prefix: str) -> dict[str, int]:
        """Keys of a smartlayer prefix by feature: ``<prefix>:{<identity>}:<feature>[:...]``."""
        kinds: dict[str, int] = {}
        for key in self.redis.scan_iter(match=prefix + ":*", count=1000):
            rest = key.decode(errors="replace")[len(prefix) + 1 :]
            if rest.startswith("{") and "}:" in rest:
                kind = "{identity}:" + rest.split("}:", 1)[1].split(":", 1)[0]
            else:
                kind = rest.split(":", 1)[0]
            kinds[kind] = kinds.get(kind, 0) + 1
        return dict(sorted(kinds.items(), key=lambda kv: -kv[1]))

    def prefix_bytes(self, pattern: str) -> int:
        """Sum of MEMORY USAGE over the keys matching ``pattern`` (what this run holds in Redis)."""
        total, batch = 0, []
        for key in self.redis.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                total += self._usage(batch)
                batch.clear()
        return total + (self._usage(batch) if batch else 0)

    def _usage(self, keys: list[bytes]) -> int:
        pipe = self.redis.pipeline(transaction=False)
        for key in keys:
            pipe.memory_usage(key)
        return sum(n or 0 for n in pipe.execute())

    def delete_keys(self, pattern: str) -> int:
        n, batch = 0, []
        for key in self.redis.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) >= 500:
                n += self.redis.unlink(*batch)
                batch.clear()
        if batch:
            n += self.redis.unlink(*batch)
        return n

    # -- load ------------------------------------------------------------------------------

    def wrk(
        self,
        server: Server,
        mode: str,
        seconds: float,
        connections: int,
        delay_ms: int = 0,
        background: bool = False,
    ):
        env = {
            **os.environ,
            "LOAD_MODE": mode,
            "LOAD_IPS": str(self.args.ips),
            "LOAD_DELAY_MS": str(delay_ms),
        }
        cmd = [
            "wrk",
            "-t",
            str(self.args.threads),
            "-c",
            str(connections),
            "-d",
            f"{int(seconds)}s",
            "--timeout",
            "10s",
            "-s",
            str(HERE / "load.lua"),
            server.url,
        ]
        proc = subprocess.Popen(
            cmd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        self.started.append(proc)
        if background:
            return proc
        return parse_wrk(proc.communicate(timeout=seconds + 60)[0])

    def bench(self, servers: list[Server]) -> None:
        a = self.args
        modes = ["get"] if a.no_post else ["get", "post"]
        for server in servers:  # warm every worker: imports, connections, scripts loaded
            self.wrk(server, "get", a.warmup, a.connections)
        for rnd in range(a.rounds):
            order = servers[rnd % len(servers) :] + servers[: rnd % len(servers)]
            for mode in modes:
                for server in order:
                    res = self.wrk(server, mode, a.duration, a.connections)
                    server.trials.setdefault(mode, []).append(res)
                    print(
                        f"  round {rnd + 1}/{a.rounds} {mode:4} {server.name:28} {res['rps']:8.0f} req/s  "
                        f"p99 {res['p99_us'] / 1000:6.1f} ms  non-2xx {res['non_2xx_3xx']}  "
                        f"socket errors {res['socket_errors']}",
                        flush=True,
                    )

    def soak(self) -> dict:
        a = self.args
        prefix = self.prefix + "-soak"
        server = Server("smartlayer / gunicorn (soak)", "smartlayer", "wsgi")
        self.start(server, prefix=prefix)
        self.wait_ready(server)
        self.probe(server)
        seconds = int(a.soak_minutes * 60)
        load = self.wrk(server, "get", seconds, a.soak_connections, delay_ms=a.soak_delay_ms, background=True)
        t0 = time.monotonic()
        samples = []
        while True:
            t = time.monotonic() - t0
            procs = self.workers(server)
            rss = []
            for p in procs:
                with contextlib.suppress(psutil.Error):
                    rss.append(p.memory_info().rss)
            master = psutil.Process(server.proc.pid).memory_info().rss
            info = self.redis.info("memory")
            samples.append(
                {
                    "t": round(t, 1),
                    "under_load": load.poll() is None,
                    "workers": len(rss),
                    "worker_pids": sorted(p.pid for p in procs),
                    "worker_rss_mb": [round(r / 2**20, 1) for r in rss],
                    "worker_rss_total_mb": round(sum(rss) / 2**20, 1),
                    "master_rss_mb": round(master / 2**20, 1),
                    "redis_used_memory_mb": round(info["used_memory"] / 2**20, 2),
                    "prefix_keys": self.count_keys(prefix + ":*"),
                    "prefix_mb": round(self.prefix_bytes(prefix + ":*") / 2**20, 2),
                }
            )
            s = samples[-1]
            print(
                f"  soak t={s['t']:5.0f}s workers RSS {s['worker_rss_total_mb']:7.1f} MB "
                f"(max {max(s['worker_rss_mb'] or [0]):5.1f}) Redis used {s['redis_used_memory_mb']:7.2f} MB "
                f"keys {s['prefix_keys']} ({s['prefix_mb']:.2f} MB)",
                flush=True,
            )
            if load.poll() is not None or t >= seconds + 5:
                break
            time.sleep(max(0.0, a.sample_seconds - (time.monotonic() - t0 - t)))
        out = load.communicate(timeout=60)[0]
        result = parse_wrk(out)
        kinds = self.key_kinds(prefix)
        self.stop(server.proc)
        warm = [s for s in samples if s["t"] >= a.soak_warmup] or samples
        first, last = warm[0], ([s for s in samples if s["under_load"]] or samples)[-1]
        drift = {
            "from_t": first["t"],
            "to_t": last["t"],
            "worker_rss_total_mb": round(last["worker_rss_total_mb"] - first["worker_rss_total_mb"], 1),
            "worker_rss_total_pct": pct(last["worker_rss_total_mb"], first["worker_rss_total_mb"]),
            "redis_used_memory_mb": round(last["redis_used_memory_mb"] - first["redis_used_memory_mb"], 2),
            "prefix_keys": last["prefix_keys"] - first["prefix_keys"],
            "prefix_mb": round(last.get("prefix_mb", 0) - first.get("prefix_mb", 0), 2),
            "workers_replaced": first["worker_pids"] != last["worker_pids"],
        }
        return {
            "load": result,
            "samples": samples,
            "drift": drift,
            "applog": summarize_log(server.applog),
            "key_kinds": kinds,
            "connections": a.soak_connections,
            "delay_ms": a.soak_delay_ms,
            "seconds": seconds,
        }


def pct(new: float, old: float) -> float:
    return round(100 * (new - old) / old, 1) if old else 0.0


def parse_wrk(out: str) -> dict:
    for line in out.splitlines():
        if line.startswith("LOADJSON "):
            d = json.loads(line[len("LOADJSON ") :])
            d["rps"] = d["requests"] / (d["duration_us"] / 1e6)
            d["socket_errors"] = d["connect"] + d["read"] + d["write"] + d["timeout"]
            return d
    raise RuntimeError(f"wrk gave no summary:\n{out}")


def summarize_log(path: Path | None) -> dict[str, int]:
    """Counts of what the app logged: errors (5xx), bans, refusals, Redis trouble."""
    counts = {
        "lines": 0,
        "banned": 0,
        "refused": 0,
        "suspicious": 0,
        "redis_unavailable": 0,
        "server_errors": 0,
    }
    if not path or not path.exists():
        return counts
    for line in path.read_text(errors="replace").splitlines():
        counts["lines"] += 1
        counts["banned"] += " banned " in line
        counts["refused"] += " refused " in line
        counts["suspicious"] += "is suspicious" in line
        counts["redis_unavailable"] += "unavailable" in line
        counts["server_errors"] += line.startswith(("Internal Server Error", "Traceback"))
    return counts


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def table(servers: list[Server], mode: str) -> list[str]:
    base = {s.kind: s for s in servers if s.variant == "bare"}
    wsgi_bare = base.get("wsgi")
    rows = [
        "| variant | req/s (median) | req/s range | req/s vs bare | per-round ratios | p50 ms | p90 ms "
        "| p99 ms "
        "| p99 vs bare | non-2xx | socket errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in servers:
        trials = s.trials.get(mode, [])
        if not trials:
            continue
        b = base.get(s.kind) or wsgi_bare
        rps = med([t["rps"] for t in trials])
        brps = med([t["rps"] for t in b.trials[mode]])
        p = {k: med([t[k] for t in trials]) / 1000 for k in ("p50_us", "p90_us", "p99_us")}
        bp99 = med([t["p99_us"] for t in b.trials[mode]]) / 1000
        lo, hi = min(t["rps"] for t in trials), max(t["rps"] for t in trials)
        # Each round's ratio to the same server's bare Django in that round.
        ratios = [t["rps"] / bt["rps"] for t, bt in zip(trials, b.trials[mode], strict=False)]
        per_round = "-" if s is b else " / ".join(f"{r:.2f}" for r in ratios) + f" (median {med(ratios):.2f})"
        rows.append(
            f"| {s.name} | {rps:,.0f} | {lo:,.0f}-{hi:,.0f} | {rps / brps:.2f} | {per_round} | "
            f"{p['p50_us']:.1f} | "
            f"{p['p90_us']:.1f} | {p['p99_us']:.1f} | {p['p99_us'] / bp99:.2f} | "
            f"{sum(t['non_2xx_3xx'] for t in trials)} | {sum(t['socket_errors'] for t in trials)} |"
        )
    return rows


def soak_table(soak: dict) -> list[str]:
    rows = [
        "| t (s) | workers | worker RSS total MB | worker RSS max MB | master RSS MB | Redis used_memory MB "
        "| keys of the prefix | their MEMORY USAGE MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in soak["samples"]:
        rows.append(
            f"| {s['t']:.0f} | {s['workers']} | {s['worker_rss_total_mb']:.1f} | "
            f"{max(s['worker_rss_mb'] or [0]):.1f} "
            f"| {s['master_rss_mb']:.1f} | {s['redis_used_memory_mb']:.2f} | {s['prefix_keys']} | "
            f"{s.get('prefix_mb', float('nan')):.2f} |"
        )
    return rows


def machine() -> dict:
    def version(mod: str) -> str:
        try:
            from importlib.metadata import version as v

            return v(mod)
        except Exception:  # noqa: BLE001
            return "?"

    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    return {
        "nproc": os.cpu_count(),
        "loadavg_before": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "django": version("django"),
        "gunicorn": version("gunicorn"),
        "uvicorn": version("uvicorn"),
        "django-ratelimit": version("django-ratelimit"),
        "redis-py": version("redis"),
        "wrk": " ".join(wrk.split()[:2]),
    }


def render(path: str) -> int:
    """Print the tables of a saved --json run again (no servers started)."""
    data = json.loads(Path(path).read_text())
    servers = [Server(d["name"], d["variant"], d["kind"], trials=d["trials"]) for d in data["servers"]]
    for mode in servers[0].trials:
        print(f"\n### {mode}\n")
        print("\n".join(table(servers, mode)))
    if data.get("soak"):
        print()
        print("\n".join(soak_table(data["soak"])))
        print(data["soak"]["drift"], data["soak"].get("key_kinds"))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="5 s per trial, 1 round, 1 minute soak")
    ap.add_argument("--duration", type=float, help="seconds per trial (default 12, quick 5)")
    ap.add_argument("--rounds", type=int, help="interleaved rounds per variant (default 3, quick 1)")
    ap.add_argument("--warmup", type=float, default=3, help="seconds of warm-up load per server")
    ap.add_argument("--soak-minutes", type=float, help="soak length (default 3, quick 1; 0 skips)")
    ap.add_argument("--soak-connections", type=int, default=4)
    ap.add_argument("--soak-delay-ms", type=int, default=15, help="pause per connection between requests")
    ap.add_argument("--sample-seconds", type=float, default=10)
    ap.add_argument(
        "--soak-warmup", type=float, help="seconds before the drift baseline (default 30, quick 20)"
    )
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2, help="wrk threads")
    ap.add_argument("--workers", type=int, default=4, help="server worker processes")
    ap.add_argument("--ips", type=int, default=4096, help="client addresses spread over X-Forwarded-For")
    ap.add_argument("--no-post", action="store_true", help="only the GET scenario")
    ap.add_argument("--only", help="comma-separated variants: bare,smartlayer,ratelimit")
    ap.add_argument("--no-asgi", action="store_true")
    ap.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    ap.add_argument(
        "--redis-timeout",
        type=float,
        default=0.5,
        help="smartlayer REDIS_TIMEOUT (default 10 ms in production)",
    )
    ap.add_argument("--keep-logs", action="store_true")
    ap.add_argument("--json", help="write every trial and sample here")
    ap.add_argument("--soak-only", action="store_true", help="skip the comparison, run only the soak")
    ap.add_argument("--render", metavar="JSON", help="print the tables of a saved --json run and exit")
    a = ap.parse_args()
    if a.render:
        return render(a.render)
    a.duration = a.duration or (5 if a.quick else 12)
    a.rounds = a.rounds or (1 if a.quick else 3)
    a.soak_minutes = (1 if a.quick else 3) if a.soak_minutes is None else a.soak_minutes
    a.soak_warmup = a.soak_warmup if a.soak_warmup is not None else (20 if a.quick else 30)

    if not shutil.which("wrk"):
        print("wrk not found: apt-get install wrk (or build github.com/wg/wrk)", file=sys.stderr)
        return 2

    def interrupted(signum, frame):  # SIGTERM behaves as Ctrl-C: clean up, then exit
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    run = Run(a)
    info = machine()
    try:
        run.redis.ping()
        subprocess.run(
            [PY, "-m", "django", "migrate", "--verbosity", "0"],
            cwd=ROOT,
            env={**run.env, "LOAD_VARIANT": "smartlayer"},
            check=True,
        )
        only = set(a.only.split(",")) if a.only else None
        if a.soak_only:
            only = set()
        servers = [
            Server(name, variant, kind)
            for name, variant, kind in SERVERS
            if (only is None or variant in only) and not (a.no_asgi and kind == "asgi")
        ]
        for s in servers:
            run.start(s)
        for s in servers:
            run.wait_ready(s)
            headers = run.probe(s)
            if (s.variant == "smartlayer") != bool(headers):
                raise RuntimeError(f"{s.name}: unexpected RateLimit headers {headers}")
        if servers:
            print(
                f"{len(servers)} servers up ({a.workers} workers each); wrk -t{a.threads} -c{a.connections}, "
                f"{a.duration:.0f} s per trial, {a.rounds} rounds",
                flush=True,
            )
            run.bench(servers)
        rl_keys = run.count_keys(f"{run.prefix}:1:*")  # django-redis: <prefix>:<version>:<key>
        sl_keys = run.count_keys(f"{run.prefix}:{{*")
        logs = {s.name: summarize_log(s.applog) for s in servers}
        for s in servers:
            run.stop(s.proc)
        soak = run.soak() if a.soak_minutes > 0 else None
        info["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]

        out = [
            "",
            f"machine: {info['nproc']} CPUs, load average before {info['loadavg_before']} after "
            f"{info['loadavg_after']}; "
            f"Python {info['python']}, Django {info['django']}, gunicorn {info['gunicorn']}, uvicorn "
            f"{info['uvicorn']}, "
            f"django-ratelimit {info['django-ratelimit']}, redis-py {info['redis-py']}, {info['wrk']}",
            f"load: wrk -t{a.threads} -c{a.connections}, {a.duration:.0f} s per trial, {a.rounds} "
            "interleaved rounds "
            f"(medians), {a.ips} client addresses in X-Forwarded-For; servers: {a.workers} workers each; "
            f"smartlayer REDIS_TIMEOUT {a.redis_timeout * 1000:.0f} ms",
        ]
        for mode in [] if not servers else ["get"] if a.no_post else ["get", "post"]:
            title = "GET /api/items/<id>/" if mode == "get" else "POST /api/comments/ (2 KB JSON)"
            out += ["", f"### {title}", "", *table(servers, mode)]
        out += ["", f"Redis keys after the runs: smartlayer {sl_keys}, django-ratelimit {rl_keys}"]
        out += ["app logs: " + "; ".join(f"{k}: {v}" for k, v in logs.items())]
        if soak:
            d, ld = soak["drift"], soak["load"]
            out += [
                "",
                f"### Soak: smartlayer / gunicorn, {soak['seconds'] / 60:g} min, wrk -c{soak['connections']} "
                f"with {soak['delay_ms']} ms between requests: {ld['rps']:.0f} req/s, p99 "
                f"{ld['p99_us'] / 1000:.1f} ms, "
                f"non-2xx {ld['non_2xx_3xx']}, socket errors {ld['socket_errors']}",
                "",
                *soak_table(soak),
                "",
                f"drift t={d['from_t']:.0f}s -> t={d['to_t']:.0f}s: workers RSS "
                f"{d['worker_rss_total_mb']:+.1f} MB "
                f"({d['worker_rss_total_pct']:+.1f}%), Redis used_memory {d['redis_used_memory_mb']:+.2f} MB "
                f"(whole server), keys of the prefix {d['prefix_keys']:+d} ({d['prefix_mb']:+.2f} MB by "
                "MEMORY USAGE); "
                f"workers replaced: {d['workers_replaced']}",
                f"soak keys by kind at the end: {soak['key_kinds']}",
                f"soak app log: {soak['applog']}",
            ]
        print("\n".join(out), flush=True)
        if a.json:
            Path(a.json).write_text(
                json.dumps(
                    {
                        "machine": info,
                        "args": vars(a),
                        "servers": [
                            {"name": s.name, "variant": s.variant, "kind": s.kind, "trials": s.trials}
                            for s in servers
                        ],
                        "redis_keys": {"smartlayer": sl_keys, "django-ratelimit": rl_keys},
                        "app_logs": logs,
                        "soak": soak,
                    },
                    indent=1,
                )
            )
        return 0
    except KeyboardInterrupt:
        print("\ninterrupted; cleaning up", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not abort the clean-up
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        run.cleanup()


if __name__ == "__main__":
    sys.exit(main())
