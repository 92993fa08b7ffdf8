"""How long smartlayer.validator.inspect takes on benign JSON bodies of typical sizes.

    python benchmarks/validator_speed.py [--repeats N] [--rounds R] [--compare OTHER_VALIDATOR.py]

Bodies (all built from the benign corpus in benchmarks/data/validator/dev/, so every run
measures the same bytes):

- ``api``: every JSON body of the normal benign set (median about 240 bytes), each timed;
  the row reports the median over bodies of each body's median time;
- ``prose-2k`` and ``prose-10k``: a JSON object whose values are long English paragraphs made
  of the normal and hard benign texts (support tickets, forum posts quoting SQL or shell
  commands, prose about system prompts), about 2 KB and 10 KB.

Each body is inspected ``--repeats`` times per round, over ``--rounds`` rounds, and the median
is reported (µs per body and per KB). ``--compare`` loads another copy of the validator (a
file path, e.g. the previous version) and times it on the same bodies in the same run,
alternating rounds, so the two columns share the machine's state.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from urllib.parse import parse_qsl

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
DATA = os.path.join(ROOT, "benchmarks", "data", "validator", "dev")


def _rows(name: str) -> list[dict]:
    with open(os.path.join(DATA, f"{name}.jsonl"), encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _strings(row: dict) -> list[str]:
    body, ct = row["body"], row.get("content_type", "")
    out: list[str] = []
    if "json" in ct:
        stack: list[object] = [json.loads(body)]
        while stack:
            node = stack.pop()
            if isinstance(node, str):
                out.append(node)
            elif isinstance(node, dict):
                stack.extend(reversed(list(node.values())))
            elif isinstance(node, list):
                stack.extend(reversed(node))
    elif "form" in ct:
        out.extend(v for _, v in parse_qsl(body))
    else:
        out.append(body)
    return out


def api_bodies() -> list[str]:
    return [r["body"] for r in _rows("benign_normal") if "json" in r.get("content_type", "")]


def prose_body(target: int) -> str:
    """A JSON object of paragraphs (about 1 KB each) of benign prose, about ``target`` bytes."""
    texts = [
        s
        for name in ("benign_normal", "benign_hard")
        for row in _rows(name)
        for s in _strings(row)
        if len(s) >= 60 and " " in s
    ]
    # interleave normal and hard texts so every paragraph has some of each
    half = len(texts) // 2
    mixed = [t for pair in zip(texts[:half], texts[half:], strict=False) for t in pair]
    doc: dict[str, object] = {"thread": "forum-export", "posts": []}
    posts: list[dict[str, str]] = doc["posts"]  # type: ignore[assignment]
    para = ""
    for text in mixed:
        para = f"{para} {text}".strip()
        if len(para) >= 1000:
            posts.append({"author": f"user{len(posts)}", "text": para})
            para = ""
            if len(json.dumps(doc)) >= target:
                break
    while len(json.dumps(doc)) > target and posts:
        last = posts[-1]["text"]
        cut = len(json.dumps(doc)) - target
        if cut >= len(last):
            posts.pop()
        else:
            posts[-1]["text"] = last[: len(last) - cut]
    return json.dumps(doc)


def _load(path: str) -> Callable[..., object]:
    spec = importlib.util.spec_from_file_location("validator_compared", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]  (dataclasses look it up)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.inspect


def _time(inspect: Callable[..., object], body: str, repeats: int) -> list[int]:
    clock = time.perf_counter_ns
    out = []
    for _ in range(repeats):
        t0 = clock()
        inspect(body, "application/json")
        out.append(clock() - t0)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=200, help="calls per body per round (prose)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--compare", metavar="PATH", help="another validator.py to time alongside")
    args = ap.parse_args(argv)

    from smartlayer.validator import inspect

    candidates = {"current": inspect}
    if args.compare:
        candidates = {"compared": _load(args.compare), "current": inspect}

    bodies = {"prose-2k": prose_body(2048), "prose-10k": prose_body(10240)}
    api = api_bodies()
    api_repeats = max(5, args.repeats // 20)
    per_body: dict[str, dict[str, list[int]]] = {c: {} for c in candidates}
    api_times: dict[str, list[list[int]]] = {c: [[] for _ in api] for c in candidates}
    for fn in candidates.values():  # warm-up: compiled patterns, caches
        for body in [*bodies.values(), *api[:50]]:
            fn(body, "application/json")
    for _ in range(args.rounds):
        for label, fn in candidates.items():
            for name, body in bodies.items():
                per_body[label].setdefault(name, []).extend(_time(fn, body, args.repeats))
            for i, body in enumerate(api):
                api_times[label][i].extend(_time(fn, body, api_repeats))

    sizes = {name: len(body.encode()) for name, body in bodies.items()}
    api_size = statistics.median(len(b.encode()) for b in api)
    header = "| body | bytes | " + " | ".join(f"{c} µs | {c} µs/KB" for c in candidates) + " |"
    print(header)
    print("|---|---:|" + "---:|---:|" * len(candidates))
    cells = []
    for label in candidates:
        us = statistics.median(statistics.median(t) for t in api_times[label]) / 1000
        cells.append(f"{us:.1f} | {us / (api_size / 1024):.1f}")
    print(
        f"| api ({len(api)} normal JSON bodies, median of medians) | {api_size:.0f} | "
        + " | ".join(cells)
        + " |"
    )
    for name in bodies:
        cells = []
        for label in candidates:
            us = statistics.median(per_body[label][name]) / 1000
            cells.append(f"{us:.1f} | {us / (sizes[name] / 1024):.1f}")
        print(f"| {name} | {sizes[name]} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
