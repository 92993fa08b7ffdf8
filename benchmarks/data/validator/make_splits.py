#!/usr/bin/env python3
"""Wrap attack payloads into request-body carriers and split everything into dev / holdout.

    python make_splits.py     # reads attacks/*.jsonl, benign/*.jsonl; writes dev/ and holdout/

Split rule (deterministic): sha256(key) -> first 8 hex digits as int; < 0.7 * 2**32 -> dev, else holdout.
  attacks: key = raw payload;  benign_normal: key = body;
  benign_hard: key = hand-written seed index, so all variants of one seed land in the same split.
Carrier for each attack (also chosen from the payload hash, so it is stable):
  json_field  {"q": payload}                       application/json
  json_nested {"comment": {"text": payload}, ...}  application/json
  form        name=<urlencoded payload>&...        application/x-www-form-urlencoded
  raw         payload                              text/plain
Prompt-injection payloads use chat-style carriers ({"message": ...} / {"messages": [...]}) or raw text.
"""
import glob
import hashlib
import json
import os
from urllib.parse import urlencode

HERE = os.path.dirname(os.path.abspath(__file__))


def h(s: str) -> int:
    return int(hashlib.sha256(s.encode("utf-8", "surrogateescape")).hexdigest()[:8], 16)


def split_of(key: str) -> str:
    return "dev" if h("split:" + key) < int(0.7 * 2 ** 32) else "holdout"


def carrier(payload: str, family: str):
    k = h("carrier:" + payload) % 4
    if family == "prompt_injection":
        if k == 0:
            return json.dumps({"message": payload, "session": "s-1042"}), "application/json", "json_field"
        if k == 1:
            return json.dumps({"messages": [{"role": "user", "content": payload}], "model": "assistant-v1"}), "application/json", "json_nested"
        if k == 2:
            return urlencode({"name": "Sam", "message": payload}), "application/x-www-form-urlencoded", "form"
        return payload, "text/plain", "raw"
    if k == 0:
        return json.dumps({"q": payload}), "application/json", "json_field"
    if k == 1:
        return json.dumps({"post_id": 311, "comment": {"text": payload, "lang": "en"}}), "application/json", "json_nested"
    if k == 2:
        return urlencode({"name": payload, "email": "sam@example.com", "submit": "Send"}), "application/x-www-form-urlencoded", "form"
    return payload, "text/plain", "raw"


def main():
    out = {"dev": {}, "holdout": {}}
    for fn in sorted(glob.glob(os.path.join(HERE, "attacks", "*.jsonl"))):
        fam = os.path.basename(fn)[:-6]
        for line in open(fn, encoding="utf-8"):
            row = json.loads(line)
            body, ct, carr = carrier(row["payload"], fam)
            rec = {"body": body, "content_type": ct, "family": fam, "source": row["source"],
                   "payload": row["payload"], "carrier": carr}
            out[split_of(row["payload"])].setdefault(f"attacks_{fam}", []).append(rec)
    for name in ("benign_normal", "benign_hard"):
        for line in open(os.path.join(HERE, "benign", name + ".jsonl"), encoding="utf-8"):
            row = json.loads(line)
            key = row["source"].split(":")[1] if name == "benign_hard" else row["body"]
            out[split_of(key)].setdefault(name, []).append(row)
    for split, groups in out.items():
        d = os.path.join(HERE, split)
        os.makedirs(d, exist_ok=True)
        for name, rows in sorted(groups.items()):
            with open(os.path.join(d, name + ".jsonl"), "w", encoding="utf-8") as fh:
                for r in rows:
                    fh.write(json.dumps(r, ensure_ascii=False) + "\n")
            print(f"{split:8s} {name:28s} {len(rows)}")


if __name__ == "__main__":
    main()
