"""False positives on real technical prose: the validator over an SDK's documentation strings.

    pip install botocore        # (Apache-2.0; its service models are JSON files in the wheel)
    python benchmarks/validator_docs_scan.py [--show block|ask_ai] [--rule PREFIX] [--root PATH]

botocore ships one JSON model per AWS service API; every shape, operation and member has a
``documentation`` string: HTML rich text written by technical writers, full of code, CLI
examples, quoted values, paths, URLs, regexes and words such as "override", "rules",
"policy" and "prompt" (about 177,000 distinct strings of more than 40 characters in
botocore 1.40). None of it is an attack, so every block is a false positive and every
"ask" an AI call a site would pay for a harmless post. Each string is sent as a JSON body
``{"title": "Docs", "body": <string>}``, as a CMS or forum would receive rich text.

Nobody on the project wrote these texts and no rule was written from them before session 10,
which ran this scan and fixed the classes it found (tests/test_validator.py,
TECHNICAL_PROSE). ``--root`` imports smartlayer from another checkout (a ``git worktree`` of
an older revision) to compare. Nothing here is timed against a budget.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import os
import sys
import time
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def documentation_strings() -> list[str]:
    """Every distinct documentation string of more than 40 characters in botocore's models."""
    try:
        import botocore
    except ImportError:
        raise SystemExit("botocore is not installed: pip install botocore") from None
    data = os.path.join(os.path.dirname(botocore.__file__), "data")
    docs: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "documentation" and isinstance(value, str):
                    if len(value) > 40:
                        docs.add(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for service in sorted(os.listdir(data)):
        service_dir = os.path.join(data, service)
        if not os.path.isdir(service_dir):
            continue
        for version in sorted(os.listdir(service_dir)):
            for name in ("service-2.json", "service-2.json.gz"):
                path = os.path.join(service_dir, version, name)
                if os.path.exists(path):
                    opener: Any = gzip.open if name.endswith(".gz") else open
                    with opener(path, "rt", encoding="utf-8") as fh:
                        walk(json.load(fh))
    return sorted(docs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", choices=("block", "ask_ai"), help="print the texts with this verdict")
    parser.add_argument("--rule", default="", help="with --show: only texts where a rule starting so fired")
    parser.add_argument("--root", default=ROOT, help="the checkout to import smartlayer from")
    args = parser.parse_args(argv)
    sys.path.insert(0, os.path.abspath(args.root))
    from smartlayer import validator

    docs = documentation_strings()
    verdicts: collections.Counter[str] = collections.Counter()
    rules: collections.Counter[tuple[str, str]] = collections.Counter()
    shown = 0
    started = time.perf_counter()
    for doc in docs:
        found = validator.inspect(json.dumps({"title": "Docs", "body": doc}), "application/json")
        verdicts[found.verdict] += 1
        if found.verdict == "allow":
            continue
        for rule in found.rules:
            rules[(found.verdict, rule)] += 1
        if found.verdict == args.show and any(r.startswith(args.rule) for r in found.rules):
            shown += 1
            text = " ".join(doc.split())[:600]
            print(f"--- {found.verdict} {found.score} {', '.join(found.rules)}\n    {text}")
    took = time.perf_counter() - started
    print(f"\nsmartlayer from {validator.__file__}")
    print(f"{len(docs)} documentation strings, {took:.0f} s\n")
    print("| verdict | strings | % |\n|---|---:|---:|")
    for verdict in ("allow", "ask_ai", "block"):
        print(f"| {verdict} | {verdicts[verdict]} | {100 * verdicts[verdict] / max(1, len(docs)):.3f} |")
    print("\n| verdict | rule | strings |\n|---|---|---:|")
    for (verdict, rule), n in sorted(rules.items(), key=lambda kv: (-kv[1], kv[0]))[:30]:
        print(f"| {verdict} | {rule} | {n} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
