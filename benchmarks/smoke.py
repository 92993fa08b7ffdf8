"""Smoke run of the benchmark suite: ``python benchmarks/suite.py --quick`` must exit 0 and
write its JSON with every variant. No timing is checked (figures live in docs, not tests).

    python benchmarks/smoke.py [--redis-url URL]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXPECTED = (
    "bare-get",
    "full-get",
    "full-post",
    "full-ai-post",
    "Afull-ai-post",
    "full-anon-get",
    "full-life-get",
    "Afull-get",
    "Aratelimit-post",
    "validator-post",
    "monitor-get",
    "django-ratelimit",
    "drf",
)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "quick.json"
        done = subprocess.run(
            [sys.executable, str(HERE / "suite.py"), "--quick", "--json", str(out), *sys.argv[1:]],
            stdout=subprocess.DEVNULL,
            check=False,
        )
        if done.returncode != 0:
            print(f"smoke: suite.py --quick exited {done.returncode}")
            return done.returncode
        data = json.loads(out.read_text(encoding="utf-8"))
    missing = [label for label in EXPECTED if label not in data["variants"]]
    if missing:
        print(f"smoke: variants missing from the JSON: {missing}")
        return 1
    variants = data["variants"]
    no_cpu = [v for v in ("full-get", "django-ratelimit") if "cpu_over_bare_us" not in variants[v]]
    if no_cpu:
        print(f"smoke: CPU per request missing for: {no_cpu}")
        return 1
    print(f"smoke: ok ({len(data['variants'])} variants)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
