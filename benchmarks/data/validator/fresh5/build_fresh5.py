#!/usr/bin/env python3
"""Build the FRESH5 evaluation split (session 14) from its two raw files.

    python fresh5/build_fresh5.py   # reads fresh5/raw/*.jsonl; writes fresh5/attacks_<family>.jsonl
                                    # and fresh5/benign_hard.jsonl
    python fresh5/build_fresh5.py fresh6   # the same for fresh6/ (a second written benign set)
    python fresh5/build_fresh5.py fresh7   # and fresh7/ (a third, and prompt injections written blind)
    python fresh5/build_fresh5.py fresh8   # and fresh8/ (the same again, session 16)

Inputs (see SOURCES.md, section "Fresh5"):
  raw/attacks_collected.jsonl     {"payload", "family", "source"}: PayloadsAllTheThings' wordlists
                                  (SQL, XSS, traversal and file inclusion, command and template
                                  injection), copied line by line through a code index
  raw/pi_written.jsonl            {"text", "category"} (fresh7, fresh8): prompt injections written for
                                  the set by a helper that never saw the project
  raw/benign_hard_written.jsonl   {"text", "category"}: 420 tricky benign texts in 12 categories,
                                  written for this set by a helper that never saw the validator,
                                  its tests, its docs or this corpus
Cleaning: attacks of fewer than 2 characters are dropped, as are lines holding a scanner's
own format placeholder (``%(payload)s``); deep_traversal.txt's ``{FILE}`` becomes
``etc/passwd``; anything already present anywhere
else in benchmarks/data/validator/ (exact, or equal after lowercasing and collapsing
whitespace) is dropped, as are duplicates inside the set (first occurrence wins).
Carriers: make_splits.carrier for attacks (as dev/holdout), fresh/build_fresh.hard_wrap for the
benign texts. The set is halved by hash (validator_eval.py --half look|check, salt "f5:"):
rules may be written reading the look half only. Nothing here looks at smartlayer.validator.
"""

from __future__ import annotations

import glob
import json
import os
import re
import sys

DATA = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# the split built: fresh5 (this file's own folder) or the one named on the command line
HERE = os.path.join(DATA, sys.argv[1]) if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, DATA)
sys.path.insert(0, os.path.join(DATA, "fresh"))
from build_fresh import hard_wrap, norm  # noqa: E402
from make_splits import carrier  # noqa: E402

FAMILIES = ("sqli", "xss", "traversal", "cmdi", "prompt_injection")
_PLACEHOLDER = re.compile(r"%\(\w+\)s")


def _read(name: str) -> list[dict]:
    path = os.path.join(HERE, "raw", name)
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _existing() -> set[str]:
    """Every payload and body of the other splits (and attacks/*.txt), exact and normalized."""
    seen: set[str] = set()
    for fn in glob.glob(os.path.join(DATA, "**", "*.jsonl"), recursive=True):
        if os.path.abspath(fn).startswith(HERE + os.sep):
            continue
        with open(fn, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    row = json.loads(line)
                    for k in ("payload", "body", "text"):
                        if isinstance(row.get(k), str):
                            seen.update((row[k], norm(row[k])))
    for fn in glob.glob(os.path.join(DATA, "attacks", "*.txt")):
        with open(fn, encoding="utf-8") as fh:
            for line in fh:
                seen.update((line.rstrip("\n"), norm(line)))
    return seen


def main() -> None:
    old = _existing()
    seen: set[str] = set()
    out: dict[str, list[dict]] = {}
    stats: dict[str, list[int]] = {}
    # (payload, family, source) of the collected payloads, then of the written injections
    attacks = []
    for row in _read("attacks_collected.jsonl"):
        p = row["payload"]
        if "{FILE}" in p:  # deep_traversal.txt's templates: the file its README suggests
            p = p.replace("{FILE}", "etc/passwd")
        if _PLACEHOLDER.search(p):  # a scanner's own format string (xss_alert.txt's %(payload)s)
            continue
        attacks.append((p, row["family"], row["source"]))
    for row in _read("pi_written.jsonl"):  # fresh7: prompt injections written blind
        attacks.append((row["text"], "prompt_injection", "written:" + row["category"]))
    for p, fam, source in attacks:
        st = stats.setdefault(fam, [0, 0])
        st[0] += 1
        n = norm(p)
        if len(p.strip()) < 2 or fam not in FAMILIES or p in old or n in old or n in seen:
            continue
        seen.add(n)
        st[1] += 1
        body, ct, carr = carrier(p, fam)
        out.setdefault(f"attacks_{fam}", []).append(
            {"body": body, "content_type": ct, "family": fam, "source": source, "payload": p, "carrier": carr}
        )
    for row in _read("benign_hard_written.jsonl"):
        t = row["text"]
        st = stats.setdefault("benign_hard", [0, 0])
        st[0] += 1
        n = norm(t)
        if t in old or n in old or n in seen:
            continue
        seen.add(n)
        st[1] += 1
        body, ct, w = hard_wrap(t)
        out.setdefault("benign_hard", []).append(
            {"body": body, "content_type": ct, "source": "written:" + row["category"], "text": t, "wrap": w}
        )
    for name, rows in sorted(out.items()):
        with open(os.path.join(HERE, name + ".jsonl"), "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    for name, (read, kept) in sorted(stats.items()):
        print(f"{name}: {read} read, {kept} kept")


if __name__ == "__main__":
    main()
