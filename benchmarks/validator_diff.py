"""What a change to the validator changed: every verdict before and after, on everything we have.

    python benchmarks/validator_diff.py --save /tmp/before.json [--root OLD_CHECKOUT] [--prose P.jsonl]
    python benchmarks/validator_diff.py --against /tmp/before.json [--prose P.jsonl] [--show N]

``--save`` runs ``inspect`` over every row of every split in benchmarks/data/validator/ (attacks
and benign), the code excerpts of ``validator_docs_scan.py --code`` and, with ``--prose``, the
held-out paragraphs built by ``benchmarks/pi_model/build_negatives.py`` (rows whose ``split`` is
``heldout``), and writes each verdict and score. ``--root`` imports smartlayer from another
checkout (``git worktree add /tmp/wt_old HEAD`` before the change) so the baseline is the
code before it. ``--against`` runs the current checkout over the same texts and prints, per
group, how many verdicts went up (allow -> ask_ai -> block) and down, then the texts whose
verdict moved.

Texts are printed only from what a rule writer may read: dev, extra, prompts, the ``look``
halves of the halved splits, code and prose. For holdout, fresh, fresh2 and the ``check``
halves only the counts are printed, so those sets stay unseen.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))

from validator_docs_scan import code_excerpts  # noqa: E402
from validator_eval import DATA, HALF_SALT, SPLITS, half_of, load  # noqa: E402

UNSEEN = ("holdout", "fresh", "fresh2")  # never printed; halved splits: their check half
HALVED = ("fresh3", "fresh4", "fresh5", "fresh6", "fresh7", "fresh8")
RANK = {"allow": 0, "ask_ai": 1, "block": 2}


def texts(prose: str | None) -> list[tuple[str, str, str, str, bool]]:
    """(id, group, body, content_type, may_print) for every text the diff reads."""
    out: list[tuple[str, str, str, str, bool]] = []
    for split in SPLITS:
        if split == "all" or not os.path.isdir(os.path.join(DATA, split)):
            continue
        for name, rows in load(split).items():
            for n, row in enumerate(rows):
                half = half_of(row, HALF_SALT.get(split, "f3:")) if split in HALVED else ""
                group = f"{split}{'/' + half if half else ''}:{name}"
                visible = split not in UNSEEN and half != "check"
                out.append((f"{split}:{name}:{n}", group, row["body"], row["content_type"], visible))
    for n, (lang, excerpt) in enumerate(code_excerpts()):
        post = f"I have this code:\n\n{excerpt}\n\nWhat am I doing wrong?"  # as validator_docs_scan.py --code
        body = json.dumps({"title": "Help with my code", "body": post})
        out.append((f"code:{n}", f"code:{lang}", body, "application/json", True))
    if prose:
        with open(prose, encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
        for n, row in enumerate(r for r in rows if r.get("split") == "heldout"):
            body = json.dumps({"title": "Post", "body": row["text"]})
            out.append((f"prose:{n}", "prose:heldout", body, "application/json", True))
    return out


def verdicts(validator: Any, items: list[tuple[str, str, str, str, bool]]) -> dict[str, list[Any]]:
    found = {}
    for key, _group, body, content_type, _visible in items:
        result = validator.inspect(body, content_type)
        found[key] = [result.verdict, result.score, list(result.rules)]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--save", metavar="FILE", help="write the verdicts of --root's validator")
    action.add_argument("--against", metavar="FILE", help="compare this checkout with a saved run")
    parser.add_argument("--root", default=ROOT, help="the checkout to import smartlayer from")
    parser.add_argument("--prose", help="build_negatives.py's output: its held-out paragraphs too")
    parser.add_argument("--show", type=int, default=40, help="texts printed per group and direction")
    args = parser.parse_args(argv)
    sys.path.insert(0, os.path.abspath(args.root))
    from smartlayer import validator

    items = texts(args.prose)
    now = verdicts(validator, items)
    if args.save:
        with open(args.save, "w", encoding="utf-8") as fh:
            json.dump(now, fh)
        print(f"{len(now)} verdicts of {validator.__file__} written to {args.save}")
        return 0

    with open(args.against, encoding="utf-8") as fh:
        before = json.load(fh)
    moved: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
    for key, group, body, _ct, visible in items:
        if key not in before:
            continue
        old, new = before[key], now[key]
        if old[0] == new[0]:
            continue
        benign = ":benign" in group or group.startswith(("code:", "prose:"))
        way = "up" if RANK[new[0]] > RANK[old[0]] else "down"
        label = "worse" if (way == "up") == benign else "better"
        line = f"  {old[0]} {old[1]} -> {new[0]} {new[1]} {','.join(new[2] or old[2])}"
        if visible:
            line += "\n    " + " ".join(body.split())[:500]
        moved[(group, label)].append(line)
    if not moved:
        print(f"no verdict moved on {len(items)} texts")
        return 0
    print("| group | better | worse |\n|---|---:|---:|")
    for group in sorted({g for g, _ in moved}):
        print(f"| {group} | {len(moved[(group, 'better')])} | {len(moved[(group, 'worse')])} |")
    for (group, label), lines in sorted(moved.items()):
        print(f"\n## {group}: {label} ({len(lines)})")
        for line in lines[: args.show]:
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
