"""The pre-request script's time inside Redis: this checkout's Lua against another revision's.

    python benchmarks/lua_compare.py --old REV [--rich] [--paths N] [--requests 1000] [--reps 10]
        [--sections ban,ban+anomaly,ban+ratelimit,ban+anomaly+ratelimit]

Both scripts (this checkout's ``smartlayer/lua`` and the files at git revision REV) run in
the same process against the same Redis, alternated block by block, each on its own
identities (the default FEATURES' keys and args, from the middleware's own prepare). Figures
are the mean EVALSHA time per call (INFO commandstats) of each block, as a median over the
blocks. ``--rich`` first gives every identity a day of history (a request in each of the last
23 hours, each 10 s of the last 2 minutes and each second of the last 10), as a long-lived
client has; without it each identity has two requests. ``--paths N`` gives each identity N
distinct paths in its last minute (one every 0.9 s, under the burst rule) and spreads the
timed calls over them, as a client crawling a site does (not with ``--rich``). The replies of one identity are
printed for both, to compare by eye.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks import overhead  # noqa: E402
from benchmarks.breakdown import Rotation, middleware, only  # noqa: E402


def source_at(rev: str) -> str:
    """PRE_REQUEST as smartlayer/lua/__init__.py assembled it at ``rev``."""

    def show(name: str) -> str | None:
        try:
            return subprocess.check_output(
                ["git", "-C", ROOT, "show", f"{rev}:smartlayer/lua/{name}"],
                text=True,
                stderr=subprocess.DEVNULL,
            )
        except subprocess.CalledProcessError:
            return None

    helpers = "".join(filter(None, (show("bytes.lua"), show("facts.lua"))))
    sections = "".join(show(f"{s}.lua") or "" for s in ("ban", "anomaly", "ratelimit"))
    return "local SECTIONS = {}\n" + helpers + sections + (show("pre_request.lua") or "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", required=True, help="git revision to compare with")
    parser.add_argument("--rich", action="store_true", help="identities with a day of history")
    parser.add_argument("--paths", type=int, default=1, help="distinct paths per identity in its last minute")
    parser.add_argument("--requests", type=int, default=1000, help="identities per script")
    parser.add_argument("--reps", type=int, default=10, help="blocks per script and sections")
    parser.add_argument("--sections", default="ban,ban+anomaly,ban+ratelimit,ban+anomaly+ratelimit")
    parser.add_argument("--redis-url", default=overhead.URL)
    args = parser.parse_args()
    if args.rich and args.paths > 1:
        parser.error("--paths and --rich are separate histories")
    n = args.requests
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    overhead.configure(args.redis_url, prefix)
    import redis

    from smartlayer import lua

    server = redis.Redis.from_url(args.redis_url, protocol=2)
    sources = {"old": source_at(args.old), "new": lua.PRE_REQUEST.source}
    parts_list = [tuple(s.split("+")) for s in args.sections.split(",")]
    mw = middleware(args.redis_url, prefix, None)
    rots: dict[str, Rotation] = {}
    shas: dict[str, str] = {}
    pk = 30_000_000
    for name, src in sources.items():
        shas[name] = server.script_load(src)
        rots[name] = Rotation(mw, pk, n)
        pk += 10 * n

    from smartlayer.anomaly import path_hash

    hashes = [path_hash(f"/items/{j}/") for j in range(args.paths)]
    turn = [0]

    def call(name: str, parts: tuple[str, ...], back: int = 0, path: int | None = None) -> Any:
        keys, argv = only(rots[name].next(), parts)
        argv = [int(time.time() * 1000) - back, *argv[1:]]
        if "anomaly" in parts and args.paths > 1:  # its first arg is the path's hash
            turn[0] += 1
            argv[argv.index("anomaly") + 3] = hashes[turn[0] % args.paths if path is None else path]
        return server.evalsha(shas[name], len(keys), *keys, *argv)

    try:
        backs = [0, 0] if args.paths <= 1 else []  # (the paths' requests come in time order)
        if args.rich:
            backs = (
                [h * 3_600_000 + 500 for h in range(23, 0, -1)]
                + [s * 10_000 + 7 for s in range(11, 0, -1)]
                + [s * 1000 + 3 for s in range(9, -1, -1)]
            )
        for name in sources:
            for back in backs:
                for _ in range(n):
                    call(name, parts_list[-1], back)
            for j in range(args.paths if args.paths > 1 else 0):
                for _ in range(n):
                    call(name, parts_list[-1], (args.paths - j) * 900, j)
        results: dict[tuple[str, tuple[str, ...]], list[float]] = {
            (name, parts): [] for name in sources for parts in parts_list
        }
        for _ in range(args.reps):
            for parts in parts_list:
                for name in sources:
                    before = server.info("commandstats")["cmdstat_evalsha"]
                    for _ in range(max(1, n // 4)):
                        call(name, parts)
                    after = server.info("commandstats")["cmdstat_evalsha"]
                    results[(name, parts)].append(
                        (after["usec"] - before["usec"]) / (after["calls"] - before["calls"])
                    )
        print(
            f"µs per EVALSHA inside Redis (median of {args.reps} blocks), {args.old} against this checkout"
            f"{', identities with a day of history' if args.rich else ''}"
            f"{f', {args.paths} paths each in the last minute' if args.paths > 1 else ''}\n"
        )
        print(f"| sections | {args.old} | this checkout | ratio |\n|---|---:|---:|---:|")
        for parts in parts_list:
            old, new = (statistics.median(results[(name, parts)]) for name in ("old", "new"))
            print(f"| {' + '.join(parts)} | {old:.1f} | {new:.1f} | {new / old:.2f} |")
        for name in sources:
            print(f"\nreplies ({name}): {call(name, parts_list[-1])}")
    finally:
        for key in server.scan_iter(match=f"{prefix}*", count=1000):
            server.delete(key)


if __name__ == "__main__":
    main()
