"""Compare smartlayer.validator with libinjection on the evaluation corpus (SQL injection).

    pip install libinjection-python        # compiles libinjection's C sources
    python benchmarks/validator_libinjection.py

For each set: the share of bodies the validator blocks, the share libinjection's
is_sql_injection() calls SQL injection (on each value, as the validator first normalizes it:
URL and HTML decoding, NFKC, lower case), and the share either of them would block. Reports only.
"""

from __future__ import annotations

import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "benchmarks", "pi_model"))
DATA = os.path.join(ROOT, "benchmarks", "data", "validator")


def main() -> int:
    try:
        import libinjection
    except ImportError:
        print("libinjection is not installed: pip install libinjection-python")
        return 0
    import eval as pi_eval
    from common import PROSE

    from smartlayer import validator

    def libinjection_finds(body: bytes, content_type: str) -> bool:
        values, _ = validator._values(body, content_type, "", validator.MAX_BODY)
        return any(libinjection.is_sql_injection(next(validator._variants(v))[0])["is_sqli"] for v in values)

    sets: dict[str, list[dict]] = {}
    for split in ("dev", "holdout", "fresh3"):
        for name in ("attacks_sqli", "attacks_xss", "benign_normal", "benign_hard"):
            path = os.path.join(DATA, split, name + ".jsonl")
            if os.path.exists(path):
                with open(path, encoding="utf-8") as fh:
                    sets[f"{split}/{name}"] = [json.loads(line) for line in fh if line.strip()]
    if os.path.exists(PROSE):  # benchmarks/pi_model/build_negatives.py
        sets["held-out documentation"] = pi_eval.prose_rows("heldout")
    print("| set | n | smartlayer blocks | libinjection finds SQLi | either |")
    print("|---|---:|---:|---:|---:|")
    for name, rows in sets.items():
        ours = theirs = either = 0
        for r in rows:
            body = r["body"].encode() if isinstance(r["body"], str) else r["body"]
            ct = r.get("content_type", "")
            o = validator.inspect(body, ct).verdict == "block"
            t = libinjection_finds(body, ct)
            ours, theirs, either = ours + o, theirs + t, either + (o or t)
        n = len(rows)
        shares = " | ".join(f"{100 * k / n:.1f} %" for k in (ours, theirs, either))
        print(f"| {name} | {n} | {shares} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
