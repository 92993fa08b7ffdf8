"""Evaluate smartlayer.validator.inspect on the labelled corpus in benchmarks/data/validator/.

    python benchmarks/validator_eval.py [--split dev|holdout|all|fresh|extra|fresh2|fresh3|...|fresh8] [--half look|check]
                                        [--max-paranoia N] [--json out.json] [--show-misses N] [--no-pi-model]

Runs every sample of the chosen split through ``inspect(body, content_type)`` and prints a
Markdown table: per attack family the share flagged (verdict != "allow") and blocked
(verdict == "block"); the same for benign_normal and benign_hard (false positives); and the
median / p99 time per body and per KB. Attack payloads come from public third-party lists
(see benchmarks/data/validator/SOURCES.md); benign bodies come from gen_benign.py.
``--split fresh`` reads benchmarks/data/validator/fresh/ instead: prompt-injection payloads and hard
benign texts from sources the rules were not written against (built by fresh/build_fresh.py, same
carriers); ``all`` stays dev + holdout. ``extra``, ``fresh2`` (prompt injection, new sources) and
``fresh3`` (SQL injection, XSS, traversal, command injection from libinjection's and SecLists' lists)
are described in SOURCES.md, as are ``fresh4`` (SQL injection, XSS, traversal, command injection and
hard benign inputs from the OWASP Core Rule Set regression tests) and ``fresh5`` (PayloadsAllTheThings'
wordlists, and hard benign texts written for it by someone who never saw the validator), ``fresh6``
(more such texts), ``fresh7`` (more, and prompt injections written blind) and ``fresh8`` (the same
again, session 16). ``--half look`` / ``--half check`` halve a split by hash (the half a rule writer
may read, and the one kept for measuring; used for fresh3 to fresh8, with different salts). ``--max-paranoia N`` keeps only rows whose "paranoia"
(the CRS paranoia level of the rule a fresh4 test was written for) is null or <= N; rows without
the field (every other split) are always kept.
Always exits 0: it reports, it does not gate.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
DATA = os.path.join(ROOT, "benchmarks", "data", "validator")

ATTACK_FAMILIES = ("sqli", "xss", "traversal", "cmdi", "prompt_injection", "encoding")
TARGETS = {
    "attack_flagged": 95.0,  # % at least
    "attack_blocked": 85.0,  # % at least
    "normal_flagged": 0.5,  # % at most
    "normal_blocked": 0.0,  # % at most
    "hard_flagged": 10.0,  # % at most
}


SPLITS = (
    "dev",
    "holdout",
    "all",
    "fresh",
    "extra",
    "fresh2",
    "fresh3",
    "fresh4",
    "fresh5",
    "fresh6",
    "fresh7",
    "fresh8",
    "prompts",
)
HALF_SALT = {
    "fresh4": "f4:",
    "fresh5": "f5:",
    "fresh6": "f6:",
    "fresh7": "f7:",
    "fresh8": "f8:",
}  # any other split: "f3:" (fresh3's salt, unchanged)


def half_of(row: dict, salt: str = "f3:") -> str:
    """fresh3 and fresh4 are halved by hash: rules were written reading the 'look' half only."""
    key = row.get("payload", row["body"])
    digest = hashlib.sha256((salt + key).encode("utf-8", "surrogatepass")).hexdigest()
    return "look" if int(digest[:8], 16) % 2 == 0 else "check"


def paranoia_ok(row: dict, max_paranoia: int | None) -> bool:
    """--max-paranoia: keep rows with no (or a null) paranoia level, or one <= the limit."""
    level = row.get("paranoia")
    return max_paranoia is None or level is None or level <= max_paranoia


def load(split: str, half: str | None = None, max_paranoia: int | None = None) -> dict[str, list[dict]]:
    splits = ("dev", "holdout") if split == "all" else (split,)
    groups: dict[str, list[dict]] = {}
    for sp in splits:
        salt = HALF_SALT.get(sp, "f3:")
        for fn in sorted(glob.glob(os.path.join(DATA, sp, "*.jsonl"))):
            name = os.path.basename(fn)[: -len(".jsonl")]
            with open(fn, encoding="utf-8") as fh:
                rows = [json.loads(line) for line in fh if line.strip()]
                groups.setdefault(name, []).extend(
                    r
                    for r in rows
                    if (half is None or half_of(r, salt) == half) and paranoia_ok(r, max_paranoia)
                )
    return groups


def pct(n: int, d: int) -> float:
    return 100.0 * n / d if d else 0.0


def p99(xs: list[float]) -> float:
    if not xs:
        return 0.0
    s = sorted(xs)
    return s[min(len(s) - 1, int(round(0.99 * (len(s) - 1))))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--split",
        choices=SPLITS,
        default="dev",
    )
    ap.add_argument(
        "--half", choices=("look", "check"), help="one half of the split, by hash (see SOURCES.md)"
    )
    ap.add_argument(
        "--max-paranoia",
        type=int,
        metavar="N",
        help="keep only rows whose CRS paranoia level is null or <= N (fresh4; other splits have none)",
    )
    ap.add_argument("--json", dest="json_out", help="write the figures (and misses) to this file")
    ap.add_argument(
        "--show-misses",
        type=int,
        default=0,
        metavar="N",
        help="print N missed attacks per family and N false positives per benign set",
    )
    ap.add_argument(
        "--no-pi-model",
        action="store_true",
        help="the rules alone, as with VALIDATOR_PI_MODEL = False (the default has the word model on)",
    )
    args = ap.parse_args(argv)

    try:
        from functools import partial

        from smartlayer.validator import inspect

        inspect = partial(inspect, pi_model=not args.no_pi_model)
    except Exception as exc:  # the detector may not exist yet
        print(f"cannot import smartlayer.validator.inspect: {exc!r}")
        return 0

    groups = load(args.split, args.half, args.max_paranoia)
    if not groups:
        print(f"no data for split {args.split!r} under {DATA}")
        return 0

    # warm-up: compile regexes, fill caches
    for rows in groups.values():
        for row in rows[:20]:
            inspect(row["body"], row.get("content_type", ""))

    clock = time.perf_counter_ns
    all_ns: list[int] = []
    per_kb_us: list[float] = []
    results: dict[str, dict] = {}
    misses: dict[str, list[dict]] = {}
    order = [f"attacks_{f}" for f in ATTACK_FAMILIES] + ["benign_normal", "benign_hard"]
    order += sorted(k for k in groups if k not in order)
    for name in order:
        rows = groups.get(name)
        if not rows:
            continue
        is_attack = name.startswith("attacks_")
        flagged = blocked = fam_hit = 0
        bad: list[dict] = []
        set_ns: list[int] = []
        for row in rows:
            body, ct = row["body"], row.get("content_type", "")
            t0 = clock()
            res = inspect(body, ct)
            dt = clock() - t0
            all_ns.append(dt)
            set_ns.append(dt)
            size = len(body.encode("utf-8", "surrogateescape")) if isinstance(body, str) else len(body)
            per_kb_us.append(dt / 1000 / max(size / 1024, 0.001) if size >= 256 else dt / 1000 / 0.25)
            verdict = getattr(res, "verdict", "allow")
            is_flag = verdict != "allow"
            flagged += is_flag
            blocked += verdict == "block"
            fams = set(getattr(res, "families", ()) or ())
            if is_attack and row.get("family") in fams:
                fam_hit += 1
            if (is_attack and not is_flag) or (not is_attack and is_flag):
                bad.append(
                    {
                        "body": body[:200],
                        "content_type": ct,
                        "source": row.get("source", ""),
                        "verdict": verdict,
                        "score": getattr(res, "score", None),
                        "families": sorted(fams),
                    }
                )
        results[name] = {
            "count": len(rows),
            "flagged_pct": pct(flagged, len(rows)),
            "blocked_pct": pct(blocked, len(rows)),
            "median_us": statistics.median(set_ns) / 1000,
            "p99_us": p99(set_ns) / 1000,
        }
        if is_attack:
            results[name]["family_match_pct"] = pct(fam_hit, len(rows))
        misses[name] = bad

    attack_rows = [results[k] for k in results if k.startswith("attacks_")]
    total_att = sum(r["count"] for r in attack_rows)
    if total_att:
        results["attacks_all"] = {
            "count": total_att,
            "flagged_pct": sum(r["flagged_pct"] * r["count"] for r in attack_rows) / total_att,
            "blocked_pct": sum(r["blocked_pct"] * r["count"] for r in attack_rows) / total_att,
        }

    def mark(ok: bool) -> str:
        return "ok" if ok else "MISS"

    model = " (rules alone: --no-pi-model)" if args.no_pi_model else ""
    print(f"## smartlayer validator eval — split: {args.split}{model}\n")
    print("| set | n | flagged % | blocked % | family match % | target | status | median µs | p99 µs |")
    print("|---|---:|---:|---:|---:|---|---|---:|---:|")
    for name in [k for k in order if k in results] + (["attacks_all"] if "attacks_all" in results else []):
        r = results[name]
        if name.startswith("attacks_"):
            tgt = f"flag ≥{TARGETS['attack_flagged']:g} %, block ≥{TARGETS['attack_blocked']:g} %"
            ok = (
                r["flagged_pct"] >= TARGETS["attack_flagged"]
                and r["blocked_pct"] >= TARGETS["attack_blocked"]
            )
        elif name == "benign_normal":
            tgt = f"flag ≤{TARGETS['normal_flagged']:g} %, block {TARGETS['normal_blocked']:g}"
            ok = (
                r["flagged_pct"] <= TARGETS["normal_flagged"]
                and r["blocked_pct"] <= TARGETS["normal_blocked"]
            )
        elif name == "benign_hard":
            tgt = f"flag ≤{TARGETS['hard_flagged']:g} %"
            ok = r["flagged_pct"] <= TARGETS["hard_flagged"]
        else:
            tgt, ok = "", True
        fm = f"{r['family_match_pct']:.1f}" if "family_match_pct" in r else ""
        us = f"{r['median_us']:.1f} | {r['p99_us']:.0f}" if "median_us" in r else " | "
        print(
            f"| {name} | {r['count']} | {r['flagged_pct']:.1f} | {r['blocked_pct']:.1f} | {fm} | {tgt} | {mark(ok)} | {us} |"
        )

    timing = {
        "median_us": statistics.median(all_ns) / 1000 if all_ns else 0.0,
        "p99_us": p99(all_ns) / 1000,
        "median_us_per_kb": statistics.median(per_kb_us) if per_kb_us else 0.0,
        "p99_us_per_kb": p99(per_kb_us),
        "bodies": len(all_ns),
    }
    print(f"\n| timing ({timing['bodies']} bodies) | median | p99 |")
    print("|---|---:|---:|")
    print(f"| µs per body | {timing['median_us']:.1f} | {timing['p99_us']:.1f} |")
    print(
        f"| µs per KB (bodies < 256 B counted as 0.25 KB) | {timing['median_us_per_kb']:.1f} | {timing['p99_us_per_kb']:.1f} |"
    )

    if args.show_misses:
        n = args.show_misses
        for name in order:
            bad = misses.get(name)
            if not bad:
                continue
            kind = "missed attacks" if name.startswith("attacks_") else "false positives"
            print(f"\n### {name}: {kind} ({len(bad)}), first {min(n, len(bad))}\n")
            for b in bad[:n]:
                text = b["body"].replace("\n", "\\n")
                print(
                    f"- [{b['verdict']} score={b['score']} {','.join(b['families'])}] ({b['source']}) `{text}`"
                )

    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as fh:
            json.dump(
                {
                    "split": args.split,
                    "results": results,
                    "timing": timing,
                    "targets": TARGETS,
                    "misses": {k: v[: max(args.show_misses, 50)] for k, v in misses.items()},
                },
                fh,
                ensure_ascii=False,
                indent=2,
            )
    return 0


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:  # never fail the caller
        print(f"validator_eval: error: {exc!r}")
    sys.exit(0)
