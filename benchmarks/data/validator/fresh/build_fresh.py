#!/usr/bin/env python3
"""Build the FRESH evaluation split (prompt injection + hard benign) from third-party texts.

    python fresh/build_fresh.py   # reads fresh/raw/*.jsonl; writes fresh/attacks_prompt_injection.jsonl
                                  # and fresh/benign_hard.jsonl

Inputs (transcribed verbatim from public repositories, see SOURCES.md section "fresh"):
  raw/prompt_injection_collected.jsonl  {"payload", "source"}
  raw/benign_hard_collected.jsonl       {"text", "source"}
Cleaning: strip the "…" truncation marker of Lakera's text previews, drop payloads of fewer than
3 words (same rule as build_attacks.py), then drop anything already present anywhere in
benchmarks/data/validator/ (exact, or equal after lowercasing + whitespace collapsing) and
duplicates inside the fresh set (first occurrence wins).
Attack carriers: make_splits.carrier (identical to dev/holdout). Hard-benign carriers: the six
wrappers of gen_benign.py, chosen from the text hash, with fixed filler values (no randomness).
Nothing here looks at smartlayer.validator: selection is by source only.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import sys
from urllib.parse import urlencode

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.dirname(HERE)
sys.path.insert(0, DATA)
from make_splits import carrier  # noqa: E402


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip().lower()


def h(s: str) -> int:
    return int(hashlib.sha256(s.encode("utf-8", "surrogateescape")).hexdigest()[:8], 16)


def existing_texts() -> set[str]:
    seen: set[str] = set()
    files = [f for f in glob.glob(os.path.join(DATA, "**", "*.jsonl"), recursive=True)
             if not os.path.abspath(f).startswith(HERE + os.sep)]
    for fn in files:
        with open(fn, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                row = json.loads(line)
                for k in ("payload", "body"):
                    if isinstance(row.get(k), str):
                        seen.add(row[k])
                        seen.add(norm(row[k]))
    for fn in glob.glob(os.path.join(DATA, "attacks", "*.txt")):
        with open(fn, encoding="utf-8") as fh:
            for line in fh:
                seen.add(line.rstrip("\n"))
                seen.add(norm(line))
    return seen


def hard_wrap(s: str):
    w = ["raw", "json_post", "json_comment", "form_message", "markdown", "json_chat"][h("wrap:" + s) % 6]
    if w == "raw":
        return s, "text/plain", w
    if w == "markdown":
        return s, "text/markdown", w
    if w == "json_post":
        return json.dumps({"title": "Notes", "body": s, "tags": ["docs", "ai"], "author_id": 4711}), "application/json", w
    if w == "json_comment":
        return json.dumps({"thread_id": "t-2291", "comment": {"text": s, "author": "Lena Kim", "created_at": "2025-03-02T10:00:00Z"}}), "application/json", w
    if w == "json_chat":
        return json.dumps({"messages": [{"role": "user", "content": s}], "conversation_id": "c-8812"}), "application/json", w
    return urlencode({"name": "Lena Kim", "email": "lena.kim@example.com", "message": s}), "application/x-www-form-urlencoded", w


def main() -> None:
    old = existing_texts()
    seen: set[str] = set()
    stats: dict[str, list[int]] = {}

    def keep(text: str, src: str) -> bool:
        st = stats.setdefault(src.split(":")[0], [0, 0])
        st[0] += 1
        n = norm(text)
        if text in old or n in old or n in seen:
            return False
        seen.add(n)
        st[1] += 1
        return True

    attacks = []
    with open(os.path.join(HERE, "raw", "prompt_injection_collected.jsonl"), encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            p = row["payload"]
            if row["source"].startswith("gandalf:"):
                p = p.rstrip("…")
            if len(p.split()) < 3 or not keep(p, row["source"]):
                continue
            body, ct, carr = carrier(p, "prompt_injection")
            attacks.append({"body": body, "content_type": ct, "family": "prompt_injection",
                            "source": row["source"], "payload": p, "carrier": carr})
    benign = []
    with open(os.path.join(HERE, "raw", "benign_hard_collected.jsonl"), encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            t = row["text"]
            if not keep(t, "benign/" + row["source"]):
                continue
            body, ct, w = hard_wrap(t)
            benign.append({"body": body, "content_type": ct, "family": "benign_hard",
                           "source": f"{row['source']}:{w}"})
    for name, rows in (("attacks_prompt_injection", attacks), ("benign_hard", benign)):
        with open(os.path.join(HERE, name + ".jsonl"), "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{name:26s} {len(rows)}")
    for src, (n_in, n_kept) in sorted(stats.items()):
        print(f"  {src:20s} read {n_in:4d}  kept {n_kept:4d}")


if __name__ == "__main__":
    main()
